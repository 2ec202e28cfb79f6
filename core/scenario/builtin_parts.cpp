#include "core/scenario/builtin_parts.hpp"

#include <algorithm>
#include <cstdio>
#include <sched.h>
#include <thread>

namespace forkscope::core::builtin {

/// Cores this process may run on (its affinity mask, which taskset and containers narrow), at least 1.
int usableCores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

ParamSpec kindParam(std::vector<std::string> choices, std::string def)
{
    return {"kind",
            ParamSpec::Type::Choice,
            std::move(def),
            0,
            0,
            std::move(choices),
            "how the workers run: called one after another in main, as threads, or as forked processes"};
}

ParamSpec workersParam(int def)
{
    return {"workers",
            ParamSpec::Type::Integer,
            std::to_string(def),
            1,
            kMaxThreads,
            {},
            "how many workers to start (at most 256 processes or 1024 threads)"};
}

ParamSpec sleepParam(double def)
{
    return {"sleep",
            ParamSpec::Type::Number,
            formatNumber(def),
            0,
            3600,
            {},
            "seconds each sleep lasts, before the time scale"};
}

ParamSpec joinParam(bool def)
{
    return {"join",
            ParamSpec::Type::Choice,
            def ? "on" : "off",
            0,
            0,
            {"on", "off"},
            "whether main waits for its workers (join) before it reaches its end"};
}

ParamSpec timeScaleParam()
{
    return {"time-scale",
            ParamSpec::Type::Number,
            "1",
            0,
            100,
            {},
            "multiplies every duration: 0.01 runs a 2 s sleep in 20 ms"};
}

WorkerKind kindFrom(const std::string &kind)
{
    if (kind == "sequential")
        return WorkerKind::Sequential;
    if (kind == "thread")
        return WorkerKind::Thread;
    return WorkerKind::Process;
}

Step print(std::string text) { return {StepOp::Print, std::move(text), 0, 0}; }
Step sleepFor(double seconds) { return {StepOp::Sleep, {}, seconds, 0}; }

/// N workers sleeping T seconds, started by main, joined or not. Shared by `sleepers` and `no-join`.
Plan sleepersPlan(const std::string &id, const ParamSet &p, const std::string &kind, bool join)
{
    Plan plan;
    plan.scenario = id;
    plan.kind = kind;
    plan.timeScale = p.number("time-scale");
    const double seconds = p.number("sleep");
    const int n = p.integer("workers");
    for (int i = 1; i <= n; ++i) {
        WorkerPlan w;
        w.name = "worker " + std::to_string(i);
        w.kind = kindFrom(kind);
        // Print the nap as it really lasts: at time scale 0.01 the tutorial's 2 s is 0.02 s.
        w.steps = {print("{name} (pid {pid}) at {time}: going to sleep for "
                         + formatNumber(seconds * plan.timeScale) + " s"),
                   sleepFor(seconds), print("{name} woke up, bye")};
        plan.workers.push_back(std::move(w));
    }
    plan.main.push_back({StepOp::Start, {}, 0, 0});
    if (join && kind != "sequential")
        plan.main.push_back({StepOp::Join, {}, 0, 0});
    plan.main.push_back(print("main reached its end after {elapsed} s"));
    return plan;
}

/// Each worker reads the global a, doubles it, writes it back, sleeps, and reads it again (the tutorial's
/// `a += a`). `shared`: a lives in shared memory (multiprocessing.Value) instead of being a plain global.
Plan doublingPlan(const std::string &id, const ParamSet &p, bool shared)
{
    Plan plan;
    plan.scenario = id;
    plan.kind = p.text("kind");
    plan.timeScale = p.number("time-scale");
    plan.variables = {{"a", shared, 1, 1}};
    for (int i = 1; i <= p.integer("workers"); ++i) {
        WorkerPlan w;
        w.name = "worker " + std::to_string(i);
        w.kind = kindFrom(plan.kind);
        // memory_isolation.py prints a and then does `a += a`, a fresh read and write; shared_value.py reads
        // once, prints and writes that value doubled, so the print lies inside its race window on purpose.
        w.steps = {{StepOp::Read, "a", 0, 0}, print("{name} received {r}")};
        if (!shared)
            w.steps.push_back({StepOp::Read, "a", 0, 0});
        w.steps.insert(w.steps.end(),
                       {{StepOp::Mul, {}, 0, 2},
                        {StepOp::Write, "a", 0, 0},
                        sleepFor(p.number("sleep")),
                        {StepOp::Read, "a", 0, 0},
                        print("{name} changed it to {r}")});
        plan.workers.push_back(std::move(w));
    }
    plan.main = {{StepOp::Start, {}, 0, 0},
                 {StepOp::Join, {}, 0, 0},
                 {StepOp::Read, "a", 0, 0},
                 print("main reached its end and has a = {r}")};
    return plan;
}

// --- Communication and pools: Queue, Pipe, Pool.map, futures -------------------------------------------

Step op(StepOp o, std::int64_t count, std::string text, double seconds)
{
    return {o, std::move(text), seconds, count};
}

/// Room in each lane's ring for a run of `events` events per lane, so a big map loses nothing.
std::uint32_t ringFor(std::size_t events)
{
    std::uint32_t capacity = 16384;
    while (capacity < events && capacity < (1u << 22))
        capacity *= 2;
    return capacity;
}

ParamSpec poolKindParam()
{
    return {"kind",
            ParamSpec::Type::Choice,
            "process",
            0,
            0,
            {"thread", "process"},
            "what the workers are: threads of one process, or forked processes"};
}

} // namespace forkscope::core::builtin
