// The Shared state and Locks lessons: globals copied by fork, Value and Array, and the bank race.

#include "core/scenario/builtin_parts.hpp"

namespace forkscope::core::builtin {

Scenario memoryIsolationScenario()
{
    return {
        "memory-isolation",
        "Shared state",
        "Memory isolation: a global in processes and threads",
        "a global a = 1 doubled by each worker: processes each double their own copy, threads compound it",
        "As processes every worker receives 1 and writes 2 into its own copy, and main still has 1 at the "
        "end. "
        "As threads they share a: each receives the value the previous one left, up to 1024.",
        "memory_isolation.py",
        {kindParam({"thread", "process"}, "process"), workersParam(10), sleepParam(2), timeScaleParam()},
        [](const ParamSet &p) { return doublingPlan("memory-isolation", p, false); },
        {},
    };
}

Scenario sharedValueScenario()
{
    return {
        "shared-value",
        "Shared state",
        "A shared Value across processes",
        "the same doubling through a Value in shared memory: every process sees the others' writes",
        "The value lives in shared memory, so processes compound it as threads do. Each update is a read "
        "and a separate write: when two workers read the same value before either writes, one doubling is "
        "lost and the same 'received' number appears twice.",
        "shared_value.py",
        {kindParam({"thread", "process"}, "process"), workersParam(10), sleepParam(2), timeScaleParam()},
        [](const ParamSet &p) { return doublingPlan("shared-value", p, true); },
        {},
    };
}

Scenario globalListScenario()
{
    return {
        "global-list",
        "Shared state",
        "A global list: filled in the worker, empty in main",
        "a worker appends squares to a global list: with a process main's list stays empty, with a thread it "
        "fills",
        "The worker's list holds four squares. As a process it filled its own copy, so main's list is still "
        "empty after join; as a thread it filled the one list both share.",
        "global_list.py",
        {kindParam({"thread", "process"}, "process"), timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "global-list";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.variables = {{"square_result", false, 0, 16}};
            WorkerPlan w;
            w.name = "squares";
            w.kind = kindFrom(plan.kind);
            w.items = {2, 3, 4, 5};
            w.steps = {print("computing squares"),
                       {StepOp::ForEach, {}, 0, 3},
                       {StepOp::Power, {}, 0, 2},
                       {StepOp::Append, "square_result", 0, 0},
                       print("square: {r}"),
                       {StepOp::Read, "square_result", 0, 0},
                       print("inside the worker the list holds {r} items")};
            plan.workers.push_back(std::move(w));
            plan.main = {{StepOp::Start, {}, 0, 0},
                         {StepOp::Join, {}, 0, 0},
                         {StepOp::Read, "square_result", 0, 0},
                         print("main's list holds {r} items")};
            return plan;
        },
        {},
    };
}

Scenario sharedArrayScenario()
{
    return {
        "shared-array",
        "Shared state",
        "A shared Array written from both sides",
        "children write into a shared Array while main writes into it during their sleep: each sees the "
        "other",
        "Each child writes its slot, sleeps, and then finds main's value in slot 0, written while it slept; "
        "main, after join, finds the children's values. A shared Array is one piece of memory for all.",
        "shared_array.py",
        {sleepParam(1), timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "shared-array";
            plan.kind = "process";
            plan.timeScale = p.number("time-scale");
            plan.variables = {{"arr", true, 0, 3}};
            const double seconds = p.number("sleep");
            for (int k = 1; k <= 2; ++k) {
                WorkerPlan w;
                w.name = "writer " + std::to_string(k);
                w.kind = WorkerKind::Process;
                w.steps = {{StepOp::Set, {}, 0, 10 * k}, {StepOp::Write, "arr", 0, k},
                           print("{name} wrote {r}"),    sleepFor(seconds),
                           {StepOp::Read, "arr", 0, 0},  print("{name} now sees arr[0] = {r}")};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {{StepOp::Start, {}, 0, 0},          sleepFor(seconds / 2),
                         {StepOp::Set, {}, 0, 99},           {StepOp::Write, "arr", 0, 0},
                         print("main wrote 99 into arr[0]"), {StepOp::Join, {}, 0, 0},
                         {StepOp::Read, "arr", 0, 1},        print("main sees arr[1] = {r}"),
                         {StepOp::Read, "arr", 0, 2},        print("main sees arr[2] = {r}")};
            return plan;
        },
        {},
    };
}

Scenario arrayOverflowScenario()
{
    return {
        "array-overflow",
        "Shared state",
        "The bug: four numbers into an Array of three",
        "a child stores four squares into a shared Array of three: it fails, and main prints zeros",
        "The child's fourth store has nowhere to go: it dies with an IndexError and exit code 1 (the red end "
        "of its lane). Its earlier squares never reached the Array, so main reads zeros.",
        "array_overflow.py",
        {timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "array-overflow";
            plan.kind = "process";
            plan.timeScale = p.number("time-scale");
            plan.variables = {{"result", true, 0, 3}};
            WorkerPlan w;
            w.name = "squares";
            w.kind = WorkerKind::Process;
            // result[:] = squares checks the size first: the fourth slot fails before anything is stored.
            w.steps = {print("computing squares of [2, 3, 4, 5]"),
                       {StepOp::Set, {}, 0, 25},
                       {StepOp::Write, "result", 0, 3},
                       print("stored all four squares")};
            plan.workers.push_back(std::move(w));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
            for (int i = 0; i < 3; ++i) {
                plan.main.push_back({StepOp::Read, "result", 0, i});
                plan.main.push_back(print("main reads result[" + std::to_string(i) + "] = {r}"));
            }
            return plan;
        },
        {},
    };
}

namespace {

// The race trials' shape (trial-shape race): short enough that 100 trials without and 100 with the lock
// take seconds, racy enough that nearly every unguarded trial ends wrong. A trial ends wrong only when more
// deposits than withdrawals are lost or the other way round (a lost one of each cancels), so it needs many
// lost updates, not one: each update is a read, a sleep (the think), a write and a sleep (the nap).
// - Sleeps rather than computations: a sleeping teller leaves its core to the other one, so the two
//   interleave on one busy core as they do on two idle ones (a computed think loses the race only where
//   both run at once: 88-94 % of trials went wrong on a loaded machine, against 97 % with sleeps).
// - The nap: without it a teller reads again right after its own write, so whichever writes last keeps
//   its whole chain and the other loses every update (finals of 0 or 200 and nothing between). With it an
//   update is lost or not by the interleaving, on both sides, and the finals spread around 100.
// Each sleep asks for 20 us; the kernel's timer slack makes it 60-70 us, so a trial's run lasts about
// 13 ms. Its durations are not time-scaled: they are already as short as a sleep gets.
constexpr int kRaceUpdates = 100;
constexpr double kRaceThink = 20e-6;
constexpr double kRaceNap = 20e-6;

} // namespace

Scenario bankScenario()
{
    return {
        "bank",
        "Locks",
        "The bank: deposit and withdraw with and without a lock",
        "deposit +1 and withdraw -1 N times each on one shared balance; without the lock updates get lost",
        "Each update reads the balance, thinks, then writes balance +/- 1. Without the lock the other worker "
        "can read the same balance in that gap (drawn between the read and the write) and one of the two "
        "updates is lost. A lost deposit and a lost withdrawal cancel out, so a trial ends at 100 anyway "
        "when as many of each were lost. With the lock, read-think-write is one piece: lock waits appear and "
        "the balance is always right. Run as trials (the default), each trial is a short race (100 updates, "
        "20 us think and sleep) and the histogram collects the final balances without and with the lock; "
        "with --trials 1 you watch one run of the updates, think and sleep set here.",
        "bank.py",
        {kindParam({"thread", "process"}, "process"),
         {"lock",
          ParamSpec::Type::Choice,
          "off",
          0,
          0,
          {"on", "off"},
          "guard each update with a lock (the window's trials and --chart run both settings)"},
         {"updates", ParamSpec::Type::Integer, "500", 1, 100000, {}, "deposits and withdrawals, each"},
         {"think",
          ParamSpec::Type::Number,
          "0.0005",
          0,
          1,
          {},
          "seconds between reading the balance and writing it back (the race window)"},
         {"sleep", ParamSpec::Type::Number, "0.002", 0, 10, {}, "seconds each worker sleeps after an update"},
         {"tight",
          ParamSpec::Type::Choice,
          "off",
          0,
          0,
          {"on", "off"},
          "no sleeps and no think time: updates as fast as the cores go (use many, e.g. --updates 100000); "
          "on a one-core machine a yield between read and write lets the other teller in"},
         {"trials",
          ParamSpec::Type::Integer,
          "100",
          1,
          10000,
          {},
          "how many times to run it, counting wrong balances (1: one run to watch)"},
         {"trial-shape",
          ParamSpec::Type::Choice,
          "race",
          0,
          0,
          {"race", "same"},
          "what each of several trials runs: race = 100 updates each, sleeping 20 us between read and write "
          "and 20 us after, not time-scaled (100 trials in a second or two); same = the updates, think and "
          "sleep above. tight on overrides both"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "bank";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.variables = {{"balance", true, kBankStart, 1}};
            plan.locks = 1;
            const bool lock = p.flag("lock");
            const bool tight = p.flag("tight");
            const bool race = !tight && p.integer("trials") > 1 && p.text("trial-shape") == "race";
            const int updates = race ? kRaceUpdates : p.integer("updates");
            const double think = tight ? 0 : race ? kRaceThink : p.number("think");
            const double nap = tight ? 0 : race ? kRaceNap : p.number("sleep");
            if (race)
                plan.timeScale = 1;
            const auto teller = [&](std::string name, int delta) {
                WorkerPlan w;
                w.name = std::move(name);
                w.kind = kindFrom(plan.kind);
                for (int i = 0; i < updates; ++i)
                    w.items.push_back(i + 1);
                std::vector<Step> body;
                if (lock)
                    body.push_back({StepOp::Lock, {}, 0, 0});
                body.push_back({StepOp::Read, "balance", 0, 0});
                if (think > 0)
                    body.push_back({race ? StepOp::Sleep : StepOp::Compute, {}, think, 0});
                // On two or more cores the tellers run at once and interleave their loads and stores by
                // themselves, as Python's do; on one core a yield lets the other in between (pointless
                // under the lock).
                if (tight && !lock && usableCores() < 2)
                    body.push_back({StepOp::Yield, {}, 0, 0});
                body.push_back({StepOp::Add, {}, 0, delta});
                body.push_back({StepOp::Write, "balance", 0, 0});
                if (lock)
                    body.push_back({StepOp::Unlock, {}, 0, 0});
                if (nap > 0)
                    body.push_back(sleepFor(nap));
                w.steps.push_back({StepOp::ForEach, {}, 0, static_cast<std::int64_t>(body.size())});
                w.steps.insert(w.steps.end(), body.begin(), body.end());
                return w;
            };
            plan.workers.push_back(teller("deposit", +1));
            plan.workers.push_back(teller("withdraw", -1));
            // Two events per update (read, write) plus think bars: make room so nothing is lost.
            plan.ringCapacity
                = static_cast<std::uint32_t>(std::min(1 << 22, std::max(16384, updates * 8 + 64)));
            plan.main = {{StepOp::Start, {}, 0, 0},
                         {StepOp::Join, {}, 0, 0},
                         {StepOp::Read, "balance", 0, 0},
                         print("final balance {r} (expected " + std::to_string(kBankStart) + ")")};
            return plan;
        },
        [](const ParamSet &) { return kBankStart; }, // as many deposits as withdrawals
    };
}

} // namespace forkscope::core::builtin
