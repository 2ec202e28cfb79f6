#include "core/scenario/scenarios.hpp"

#include "core/shared_memory/gil.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sched.h>
#include <thread>

namespace forkscope::core {

namespace {

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
    return {"kind", ParamSpec::Type::Choice, std::move(def), 0, 0, std::move(choices),
            "how the workers run: called one after another in main, as threads, or as forked processes"};
}

ParamSpec workersParam(int def)
{
    return {"workers", ParamSpec::Type::Integer, std::to_string(def), 1, kMaxThreads, {},
            "how many workers to start (at most 256 processes or 1024 threads)"};
}

ParamSpec sleepParam(double def)
{
    return {"sleep", ParamSpec::Type::Number, formatNumber(def), 0, 3600, {},
            "seconds each sleep lasts, before the time scale"};
}

ParamSpec joinParam(bool def)
{
    return {"join", ParamSpec::Type::Choice, def ? "on" : "off", 0, 0, {"on", "off"},
            "whether main waits for its workers (join) before it reaches its end"};
}

ParamSpec timeScaleParam()
{
    return {"time-scale", ParamSpec::Type::Number, "1", 0, 100, {},
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
        w.steps = {print("{name} (pid {pid}) at {time}: going to sleep for " + formatNumber(seconds * plan.timeScale)
                         + " s"),
                   sleepFor(seconds), print("{name} woke up, bye")};
        plan.workers.push_back(std::move(w));
    }
    plan.main.push_back({StepOp::Start, {}, 0, 0});
    if (join && kind != "sequential")
        plan.main.push_back({StepOp::Join, {}, 0, 0});
    plan.main.push_back(print("main reached its end after {elapsed} s"));
    return plan;
}

constexpr std::int64_t kBankStart = 100;

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
        w.steps.insert(w.steps.end(), {{StepOp::Mul, {}, 0, 2}, {StepOp::Write, "a", 0, 0}, sleepFor(p.number("sleep")),
                                       {StepOp::Read, "a", 0, 0}, print("{name} changed it to {r}")});
        plan.workers.push_back(std::move(w));
    }
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, {StepOp::Read, "a", 0, 0},
                 print("main reached its end and has a = {r}")};
    return plan;
}

// --- Communication and pools: Queue, Pipe, Pool.map, futures -------------------------------------------

Step op(StepOp o, std::int64_t count = 0, std::string text = {}, double seconds = 0)
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
    return {"kind", ParamSpec::Type::Choice, "process", 0, 0, {"thread", "process"},
            "what the workers are: threads of one process, or forked processes"};
}

void addCommunication(std::vector<Scenario> &list)
{
    list.push_back({
        "producer-consumer", "Communication", "Producer and consumer through a Queue of 10",
        "a producer puts 0..N-1 on a bounded Queue(10), a slower consumer gets them: fill level and blocking",
        "Arrows go from each put to the get that took the message. The consumer is slower, so the queue's fill "
        "strip climbs to its capacity and the producer then waits in 'message wait' bars until a get makes "
        "room; at the very start the consumer waits on the empty queue instead.",
        "producer_consumer.py",
        {poolKindParam(),
         {"items", ParamSpec::Type::Integer, "100", 1, 100000, {}, "how many numbers the producer puts (0 .. items-1)"},
         {"capacity", ParamSpec::Type::Integer, "10", 1, 100000, {}, "the queue's maxsize"},
         {"produce", ParamSpec::Type::Number, "0.02", 0, 60, {}, "seconds the producer takes per item, before the time scale"},
         {"consume", ParamSpec::Type::Number, "0.05", 0, 60, {}, "seconds the consumer takes per item, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "producer-consumer";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.queues = {{"queue", p.integer("capacity")}};
            const int n = p.integer("items");
            std::vector<std::int64_t> items;
            for (int i = 0; i < n; ++i)
                items.push_back(i);
            WorkerPlan consumer;
            consumer.name = "consumer";
            consumer.kind = kindFrom(plan.kind);
            consumer.items = items;
            consumer.steps = {op(StepOp::ForEach, 3), op(StepOp::Get, 0), print("in consume {r}"),
                              sleepFor(p.number("consume"))};
            WorkerPlan producer;
            producer.name = "producer";
            producer.kind = kindFrom(plan.kind);
            producer.items = items;
            producer.steps = {op(StepOp::ForEach, 4), sleepFor(p.number("produce")), op(StepOp::Power, 1),
                              print("in produce {r}"), op(StepOp::Put, 0)};
            plan.workers.push_back(std::move(consumer));
            plan.workers.push_back(std::move(producer));
            plan.ringCapacity = ringFor(static_cast<std::size_t>(n) * 8 + 64);
            plan.main = {op(StepOp::Start), op(StepOp::Join), print("both done")};
            return plan;
        },
        {},
    });

    list.push_back({
        "queue-workers", "Communication", "Three workers share one Queue until each gets 'close'",
        "main puts messages and one 'close' per worker on a Queue; each worker takes messages until it gets a close",
        "Whichever worker is free takes the next message, so the arrows fan out from main to different lanes; "
        "the random work times decide who processes what. Each worker stops at the first 'close' it gets.",
        "queue_workers.py",
        {poolKindParam(), {"workers", ParamSpec::Type::Integer, "3", 1, 64, {}, "how many workers take from the queue"},
         {"messages", ParamSpec::Type::Integer, "6", 0, 1000, {}, "how many messages main puts before the closes"},
         {"work", ParamSpec::Type::Number, "4", 0, 3600, {},
          "each message takes a random time from 0 to this many seconds, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "queue-workers";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            const int workers = p.integer("workers");
            const int messages = p.integer("messages");
            plan.queues = {{"queue", std::max(1, messages + workers)}}; // unbounded in the tutorial
            for (int i = 0; i < workers; ++i) {
                WorkerPlan w;
                w.name = "worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Repeat, 3), op(StepOp::Get, 0, "close"), op(StepOp::SleepRandom, 0, {}, p.number("work")),
                           print("Processed by {name}: {msg}"), print("{name} closing")};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {op(StepOp::Start)};
            for (int m = 1; m <= messages; ++m) {
                plan.main.push_back(op(StepOp::Set, m));
                plan.main.push_back(op(StepOp::Put, 0, "message " + std::to_string(m)));
            }
            for (int i = 0; i < workers; ++i) {
                plan.main.push_back(op(StepOp::Set, -1));
                plan.main.push_back(op(StepOp::Put, 0, "close"));
            }
            plan.main.push_back(op(StepOp::Join));
            plan.main.push_back(print("all workers closed"));
            return plan;
        },
        {},
    });

    list.push_back({
        "pipe", "Communication", "A Pipe: hello, world, close",
        "main sends hello, world and close through a Pipe; the worker answers 'Processed: …' and stops on close",
        "Each send is an arrow to the receive that got it, going right to the worker and back to main. main "
        "waits for each answer before it sends the next message; 'close' gets no answer and the worker ends.",
        "pipe.py",
        {poolKindParam(), {"delay", ParamSpec::Type::Number, "0.5", 0, 3600, {},
          "seconds the worker takes before answering, before the time scale"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "pipe";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.pipes = 1;
            WorkerPlan w;
            w.name = "worker";
            w.kind = kindFrom(plan.kind);
            w.steps = {op(StepOp::Repeat, 4), op(StepOp::Recv, 1, "close"), print("Worker received message: {msg}"),
                       sleepFor(p.number("delay")), op(StepOp::Send, 1, "Processed: {msg}"), print("Worker closing")};
            plan.workers.push_back(std::move(w));
            plan.main = {op(StepOp::Start)};
            for (const char *message : {"hello", "world"}) {
                plan.main.push_back(op(StepOp::Send, 0, message));
                plan.main.push_back(op(StepOp::Recv, 0));
                plan.main.push_back(print("Parent received response: {msg}"));
            }
            plan.main.push_back(op(StepOp::Send, 0, "close"));
            plan.main.push_back(op(StepOp::Join));
            return plan;
        },
        {},
    });

    list.push_back({
        "pool-map", "Pools and futures", "Pool(4).map(square, 1..N)",
        "a pool of worker processes maps x² over 1..N in chunks; the results come back in order",
        "Each task is a labelled bar on the worker that ran it (square(3) = 9). Tasks go to whichever worker is "
        "free, so the order on the lanes varies, yet the list main prints is always in input order. A bigger "
        "chunk size sends several items per message: fewer, longer trips through the task queue.",
        "pool_map.py",
        {poolKindParam(), {"workers", ParamSpec::Type::Integer, "4", 1, 256, {}, "processes (or threads) in the pool"},
         {"n", ParamSpec::Type::Integer, "5", 0, kMaxPoolItems, {}, "map over 1..n"},
         {"chunk", ParamSpec::Type::Integer, "1", 1, kMaxPoolItems, {}, "items per task message (Pool.map's chunksize)"},
         {"work", ParamSpec::Type::Number, "0.5", 0, 3600, {},
          "seconds of real computation per item before the time scale (0: just x*x)"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "pool-map";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            PoolPlan pool;
            pool.function = "square";
            for (int x = 1; x <= p.integer("n"); ++x)
                pool.items.push_back(x);
            pool.chunk = p.integer("chunk");
            pool.work = p.number("work");
            plan.pools.push_back(std::move(pool));
            for (int i = 1; i <= p.integer("workers"); ++i) {
                WorkerPlan w;
                w.name = "pool worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Serve, 0)};
                plan.workers.push_back(std::move(w));
            }
            plan.ringCapacity = ringFor(static_cast<std::size_t>(p.integer("n")) * 6 + 64);
            plan.main = {op(StepOp::Start), op(StepOp::Map, 0), print("sum of the squares: {r}"), op(StepOp::Shutdown, 0),
                         op(StepOp::Join)};
            return plan;
        },
        {},
    });

    list.push_back({
        "futures", "Pools and futures", "Futures: tasks sleeping 5, 2, 1 and 3 s",
        "submit tasks that sleep 5, 2, 1 and 3 s to a pool; wait for all; they complete shortest first",
        "All four tasks start at once on four workers. They finish in order of their sleeps (1, 2, 3, 5), which "
        "main reports as each completes; the results, read in submission order, are still 5, 2, 1, 3. The "
        "whole wait takes as long as the longest task, not the sum.",
        "futures.py",
        {poolKindParam(), {"workers", ParamSpec::Type::Integer, "4", 1, 256, {}, "processes (or threads) in the executor"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "futures";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            PoolPlan pool;
            pool.name = "executor";
            pool.function = "sleep";
            pool.items = {5, 2, 1, 3};
            plan.pools.push_back(std::move(pool));
            for (int i = 1; i <= p.integer("workers"); ++i) {
                WorkerPlan w;
                w.name = "executor worker " + std::to_string(i);
                w.kind = kindFrom(plan.kind);
                w.steps = {op(StepOp::Serve, 0)};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {op(StepOp::Start), op(StepOp::Submit, 0), op(StepOp::Wait, 0), op(StepOp::Shutdown, 0),
                         op(StepOp::Join)};
            return plan;
        },
        {},
    });
}

/// The GIL lab: the same N tasks, CPU-bound (a fixed amount of prime counting) or I/O-bound (a sleep), run
/// one after another, as threads under a GIL, as free threads, or as processes (each with its own GIL).
Plan cpuVsIoPlan(const ParamSet &p)
{
    Plan plan;
    plan.scenario = "cpu-vs-io";
    const std::string mode = p.text("mode");
    const bool cpu = p.text("work") == "cpu";
    plan.kind = mode == "sequential" ? "sequential" : mode == "processes" ? "process" : "thread";
    plan.timeScale = p.number("time-scale");
    // Free-threaded (Python 3.13t) is the one mode without an interpreter lock.
    plan.gil = mode != "threads";
    plan.switchInterval = p.number("switch-interval");
    const double seconds = p.number("seconds");
    const int tasks = p.integer("tasks");
    // Sized here, in the client, once per process: every mode does the very same work.
    const std::int64_t units = cpu ? workUnitsFor(seconds * plan.timeScale) : 0;
    for (int i = 1; i <= tasks; ++i) {
        WorkerPlan w;
        w.name = "task " + std::to_string(i);
        w.kind = kindFrom(plan.kind);
        if (cpu)
            w.steps = {print("{name} starts counting primes"), {StepOp::Work, {}, seconds, units},
                       print("{name} found {r} primes")};
        else
            w.steps = {print("{name} starts waiting for I/O"), sleepFor(seconds), print("{name} got its answer")};
        plan.workers.push_back(std::move(w));
    }
    plan.main.push_back({StepOp::Start, {}, 0, 0});
    if (plan.kind != "sequential")
        plan.main.push_back({StepOp::Join, {}, 0, 0});
    plan.main.push_back(print(std::to_string(tasks) + " tasks done after {elapsed} s"));
    // A GIL thread records a hold, a drop request, a hand-over and a request about every switch interval.
    if (plan.gil && cpu) {
        const double switches = seconds * plan.timeScale * tasks / plan.switchInterval;
        plan.ringCapacity = static_cast<std::uint32_t>(std::clamp(switches * 6 + 256, 16384.0, double(1 << 18)));
    }
    return plan;
}

std::vector<Scenario> makeScenarios()
{
    std::vector<Scenario> list;

    list.push_back({
        "sleepers", "Basics", "Sleepers: one after another, or all at once",
        "N workers each sleep T seconds: sequentially (about N*T) or as threads/processes (about T)",
        "Sequentially the lanes form a staircase and the run takes N times T. As threads or processes "
        "every lane sleeps at the same time and the whole run takes about T.",
        "sleepers.py",
        {kindParam({"sequential", "thread", "process"}, "process"), workersParam(10), sleepParam(2),
         joinParam(true), timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("sleepers", p, p.text("kind"), p.flag("join")); },
        {},
    });

    list.push_back({
        "no-join", "Basics", "No join: main ends before its workers",
        "main starts its workers and reaches its end before they finish; --join on makes it wait",
        "Without join, main's last line (the dashed marker) runs right after the starts, while the workers "
        "still sleep; the program itself only exits once they are done. With join on, main waits in a join "
        "bar and its last line comes after theirs.",
        "no_join.py",
        {kindParam({"thread", "process"}, "process"), workersParam(2), sleepParam(1), joinParam(false),
         timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("no-join", p, p.text("kind"), p.flag("join")); },
        {},
    });

    list.push_back({
        "square-cube", "Basics", "Square and cube in two processes",
        "squares and cubes of [2,3,4,5] in two workers at once, sleeping before each item",
        "Both workers print at the same moments: the two lanes run side by side, so the whole job takes "
        "as long as one of them, not both.",
        "square_cube.py",
        {kindParam({"thread", "process"}, "process"), sleepParam(5), timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "square-cube";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            const double seconds = p.number("sleep");
            const auto worker = [&](std::string name, std::string heading, std::string label, int power) {
                WorkerPlan w;
                w.name = std::move(name);
                w.kind = kindFrom(plan.kind);
                w.items = {2, 3, 4, 5};
                w.steps = {print(std::move(heading)),
                           {StepOp::ForEach, {}, 0, 3},
                           sleepFor(seconds),
                           {StepOp::Power, {}, 0, power},
                           print(label + " of {x} is {r}")};
                return w;
            };
            plan.workers.push_back(worker("square", "computing squares", "square", 2));
            plan.workers.push_back(worker("cube", "computing cubes", "cube", 3));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, print("done")};
            return plan;
        },
        {},
    });

    list.push_back({
        "process-table", "Basics", "The process table: workers appear and go",
        "list the run's processes before start, after start and after join, as psutil does",
        "Before start() only the run's own process exists. After start() each worker process is a new row with "
        "its own pid and, as its parent (ppid), the process that started it; as threads no row appears, the "
        "one process just has more threads. After join() the workers are gone. The Processes panel follows "
        "the same table live, read from /proc. The run's own process is forkscope-runner (Python's would be "
        "python3); its two or three threads before start are Forkscope's helpers (they reap children and "
        "watch for Stop).",
        "process_table.py",
        {kindParam({"thread", "process"}, "process"), sleepParam(5), timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "process-table";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            const double seconds = p.number("sleep");
            const auto worker = [&](std::string name, int power) {
                WorkerPlan w;
                w.name = std::move(name);
                w.kind = kindFrom(plan.kind);
                w.items = {1, 2, 3, 4, 5, 6, 7};
                w.steps = {sleepFor(seconds), {StepOp::ForEach, {}, 0, 2}, {StepOp::Power, {}, 0, power},
                           print("{x}^" + std::to_string(power) + " = {r}")};
                return w;
            };
            plan.workers.push_back(worker("raise-to-2", 2));
            plan.workers.push_back(worker("raise-to-3", 3));
            plan.main = {{StepOp::Snapshot, "processes before we start our workers", 0, 0},
                         {StepOp::Start, {}, 0, 0},
                         {StepOp::Snapshot, "processes after we start our workers", 0, 0},
                         {StepOp::Join, {}, 0, 0},
                         {StepOp::Snapshot, "processes after our workers ended", 0, 0},
                         print("time taken {elapsed} s")};
            return plan;
        },
        {},
    });

    list.push_back({
        "memory-isolation", "Shared state", "Memory isolation: a global in processes and threads",
        "a global a = 1 doubled by each worker: processes each double their own copy, threads compound it",
        "As processes every worker receives 1 and writes 2 into its own copy, and main still has 1 at the end. "
        "As threads they share a: each receives the value the previous one left, up to 1024.",
        "memory_isolation.py",
        {kindParam({"thread", "process"}, "process"), workersParam(10), sleepParam(2), timeScaleParam()},
        [](const ParamSet &p) { return doublingPlan("memory-isolation", p, false); },
        {},
    });

    list.push_back({
        "shared-value", "Shared state", "A shared Value across processes",
        "the same doubling through a Value in shared memory: every process sees the others' writes",
        "The value lives in shared memory, so processes compound it as threads do. Each update is a read "
        "and a separate write: when two workers read the same value before either writes, one doubling is "
        "lost and the same 'received' number appears twice.",
        "shared_value.py",
        {kindParam({"thread", "process"}, "process"), workersParam(10), sleepParam(2), timeScaleParam()},
        [](const ParamSet &p) { return doublingPlan("shared-value", p, true); },
        {},
    });

    list.push_back({
        "global-list", "Shared state", "A global list: filled in the worker, empty in main",
        "a worker appends squares to a global list: with a process main's list stays empty, with a thread it fills",
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
            w.steps = {print("computing squares"), {StepOp::ForEach, {}, 0, 3}, {StepOp::Power, {}, 0, 2},
                       {StepOp::Append, "square_result", 0, 0}, print("square: {r}"),
                       {StepOp::Read, "square_result", 0, 0}, print("inside the worker the list holds {r} items")};
            plan.workers.push_back(std::move(w));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, {StepOp::Read, "square_result", 0, 0},
                         print("main's list holds {r} items")};
            return plan;
        },
        {},
    });

    list.push_back({
        "shared-array", "Shared state", "A shared Array written from both sides",
        "children write into a shared Array while main writes into it during their sleep: each sees the other",
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
                w.steps = {{StepOp::Set, {}, 0, 10 * k}, {StepOp::Write, "arr", 0, k}, print("{name} wrote {r}"),
                           sleepFor(seconds), {StepOp::Read, "arr", 0, 0}, print("{name} now sees arr[0] = {r}")};
                plan.workers.push_back(std::move(w));
            }
            plan.main = {{StepOp::Start, {}, 0, 0}, sleepFor(seconds / 2), {StepOp::Set, {}, 0, 99},
                         {StepOp::Write, "arr", 0, 0}, print("main wrote 99 into arr[0]"), {StepOp::Join, {}, 0, 0},
                         {StepOp::Read, "arr", 0, 1}, print("main sees arr[1] = {r}"),
                         {StepOp::Read, "arr", 0, 2}, print("main sees arr[2] = {r}")};
            return plan;
        },
        {},
    });

    list.push_back({
        "array-overflow", "Shared state", "The bug: four numbers into an Array of three",
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
            w.steps = {print("computing squares of [2, 3, 4, 5]"), {StepOp::Set, {}, 0, 25},
                       {StepOp::Write, "result", 0, 3}, print("stored all four squares")};
            plan.workers.push_back(std::move(w));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
            for (int i = 0; i < 3; ++i) {
                plan.main.push_back({StepOp::Read, "result", 0, i});
                plan.main.push_back(print("main reads result[" + std::to_string(i) + "] = {r}"));
            }
            return plan;
        },
        {},
    });

    list.push_back({
        "bank", "Locks", "The bank: deposit and withdraw with and without a lock",
        "deposit +1 and withdraw -1 N times each on one shared balance; without the lock updates get lost",
        "Each update reads the balance, thinks, then writes balance +/- 1. Without the lock the other worker "
        "can read the same balance in that gap (drawn between the read and the write) and one of the two "
        "updates is lost. The wider the gap, the likelier the race: with the nanoseconds of a bare C++ loop "
        "most runs come out right by luck. A lost deposit and a lost withdrawal cancel out, so a few trials "
        "end at 100 anyway. With the lock, read-think-write is one piece: lock waits appear and the balance "
        "is always right.",
        "bank.py",
        {kindParam({"thread", "process"}, "process"),
         {"lock", ParamSpec::Type::Choice, "off", 0, 0, {"on", "off"}, "guard each update with a lock"},
         {"updates", ParamSpec::Type::Integer, "500", 1, 100000, {}, "deposits and withdrawals, each"},
         {"think", ParamSpec::Type::Number, "0.0005", 0, 1, {},
          "seconds between reading the balance and writing it back (the race window)"},
         {"sleep", ParamSpec::Type::Number, "0.002", 0, 10, {}, "seconds each worker sleeps after an update"},
         {"tight", ParamSpec::Type::Choice, "off", 0, 0, {"on", "off"},
          "no sleeps and no think time: updates as fast as the cores go (use many, e.g. --updates 100000); "
          "on a one-core machine a yield between read and write lets the other teller in"},
         {"trials", ParamSpec::Type::Integer, "100", 1, 10000, {}, "how many times to run it, counting wrong balances"},
         timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "bank";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            plan.variables = {{"balance", true, kBankStart, 1}};
            plan.locks = 1;
            const bool lock = p.flag("lock");
            const int updates = p.integer("updates");
            const bool tight = p.flag("tight");
            const double think = tight ? 0 : p.number("think");
            const double nap = tight ? 0 : p.number("sleep");
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
                    body.push_back({StepOp::Compute, {}, think, 0});
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
            plan.ringCapacity = static_cast<std::uint32_t>(std::min(1 << 22, std::max(16384, updates * 8 + 64)));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, {StepOp::Read, "balance", 0, 0},
                         print("final balance {r} (expected " + std::to_string(kBankStart) + ")")};
            return plan;
        },
        [](const ParamSet &) { return kBankStart; }, // as many deposits as withdrawals
    });

    list.push_back({
        "cpu-vs-io", "The GIL", "CPU-bound against I/O-bound work: threads, the GIL and processes",
        "N tasks of CPU work (counting primes) or I/O (a sleep) run sequentially, as threads under a GIL, as "
        "free threads or as processes",
        "CPU-bound threads under the GIL take about as long as running the tasks one after another (about 1x): "
        "only the thread holding the GIL computes, and it hands the GIL over about every switch interval "
        "(5 ms), so the lanes take turns. Free threads and processes (each process has its own GIL) compute "
        "at the same time, up to one task per core: about as many times faster as there are cores, not as "
        "there are tasks. I/O-bound tasks release the GIL while they wait, so every concurrent mode, even "
        "threads under the GIL, runs the N waits at once: about N times faster.",
        "cpu_vs_io.py",
        {{"work", ParamSpec::Type::Choice, "cpu", 0, 0, {"cpu", "io"},
          "cpu: count primes for about the given seconds on one core; io: sleep that long (waiting on I/O)"},
         {"mode", ParamSpec::Type::Choice, "gil-threads", 0, 0, {"sequential", "gil-threads", "threads", "processes"},
          "one after another; threads under a GIL; threads without it (free-threaded); processes"},
         {"tasks", ParamSpec::Type::Integer, "4", 1, 64, {}, "how many tasks"},
         {"seconds", ParamSpec::Type::Number, "1", 0, 600, {},
          "how long one task takes on its own, before the time scale"},
         {"switch-interval", ParamSpec::Type::Number, "0.005", kMinSwitchInterval, kMaxSwitchInterval, {},
          "seconds a thread waits for the GIL before it asks the holder to hand it over (sys.setswitchinterval); "
          "not scaled by the time scale"},
         timeScaleParam()},
        cpuVsIoPlan,
        {},
    });

    addCommunication(list);
    return list;
}

bool parseNumber(const std::string &text, double &out)
{
    const char *begin = text.data();
    const char *end = begin + text.size();
    const auto result = std::from_chars(begin, end, out);
    return result.ec == std::errc() && result.ptr == end && std::isfinite(out);
}

} // namespace

std::string ParamSpec::allowed() const
{
    switch (type) {
    case Type::Integer:
        return "an integer from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Number:
        return "a number from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Choice: {
        std::string s = "one of: ";
        for (std::size_t i = 0; i < choices.size(); ++i)
            s += (i ? ", " : "") + choices[i];
        return s;
    }
    }
    return {};
}

std::string ParamSet::text(const std::string &name) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::string() : it->second;
}

double ParamSet::number(const std::string &name) const
{
    double v = 0;
    parseNumber(text(name), v);
    return v;
}

int ParamSet::integer(const std::string &name) const { return static_cast<int>(number(name)); }

bool ParamSet::flag(const std::string &name) const { return text(name) == "on"; }

const ParamSpec *Scenario::param(const std::string &name) const
{
    for (const auto &p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

const std::vector<Scenario> &builtinScenarios()
{
    static const std::vector<Scenario> scenarios = makeScenarios();
    return scenarios;
}

const Scenario *findScenario(const std::string &id)
{
    for (const auto &s : builtinScenarios())
        if (s.id == id)
            return &s;
    return nullptr;
}

bool buildPlan(const Scenario &scenario, const std::map<std::string, std::string> &given, Plan &plan,
               ParamSet &values, std::string &error)
{
    for (const auto &[name, text] : given) {
        const ParamSpec *spec = scenario.param(name);
        if (!spec) {
            std::string takes;
            for (const auto &p : scenario.params)
                takes += (takes.empty() ? "--" : ", --") + p.name;
            error = "--" + name + " does not apply to scenario '" + scenario.id + "' (it takes: " + takes + ")";
            return false;
        }
        bool ok = false;
        if (spec->type == ParamSpec::Type::Choice) {
            for (const auto &c : spec->choices)
                ok = ok || c == text;
        } else {
            double v = 0;
            ok = parseNumber(text, v) && v >= spec->min && v <= spec->max
                 && (spec->type == ParamSpec::Type::Number || std::floor(v) == v);
        }
        if (!ok) {
            error = "--" + name + " '" + text + "' is not allowed: expected " + spec->allowed();
            return false;
        }
    }
    values = ParamSet();
    for (const auto &spec : scenario.params) {
        const auto it = given.find(spec.name);
        values.set(spec.name, it != given.end() ? it->second : spec.defaultValue);
    }
    plan = scenario.build(values);
    error = validatePlan(plan);
    if (!error.empty()) {
        error = "cannot run '" + scenario.id + "' with these parameters: " + error;
        return false;
    }
    return true;
}

} // namespace forkscope::core
