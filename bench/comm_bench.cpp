// comm_bench: messages per second through the engine's Queue and Pipe between two processes, and the
// per-task overhead of the pool's map at chunk size 1; all through the real engine with event recording on.
//
//   queue  a plan with one Queue (capacity --capacity, default 1024) and two process workers: `producer`
//          does for_each over 0..N-1 { r = x; put } and `consumer` for_each { get }. Every put and get is
//          a real operation on the shared-memory ring (robust process-shared mutex, futex waits) and records
//          a QueuePut / QueueGet event (plus QueueBlockBegin/End when it waits).
//          rate = N / (time of the last QueueGet − time of the first QueuePut), from the recorded events.
//   pipe   the same with one Pipe: the producer sends on end 0, the consumer receives on end 1 (one
//          atomic 48-byte pipe write per message; PipeSend / PipeRecv events, a wait bar when recv blocks).
//   pool   the `pool-map` scenario, kind process, 4 workers, map of x*x over 1..T at chunk size 1, work 0:
//          per-task overhead = (main's map result print − main's first put on the task queue) / T.
// Checks (exit status 1 if any fails): every message got/received exactly once and in order, the map's
// result equals the sequential map, and no event was lost.
//
// Usage: comm_bench [--messages N] [--tasks T] [--capacity C] [--repeat R] [--warmup W] [--only queue|pipe|pool]
//                   [--live MS] [--json FILE]
// --live MS (default 0: off): a reader thread copies the new events every MS milliseconds while each run goes,
// as the window does every 16 ms; the collector then converts events during the run instead of after it.
// --warmup W (default 1): unmeasured runs of each channel first, as bank_bench does: a fresh process's first
// run also faults in the heap its event list grows into, which is not what a message costs.

#include "bench_support.hpp"
#include "core/client/run.hpp"
#include "core/scenario/scenarios.hpp"
#include "core/shared_memory/queue.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace forkscope::core;

namespace {

struct Options {
    int messages = 100000;
    int tasks = 10000;
    int capacity = 1024;
    int repeat = 5;
    int warmup
        = 1; ///< unmeasured runs of each channel first (a fresh process's first run faults its heap in)
    std::string only; ///< "queue", "pipe" or "pool": measure just that (for profiling)
    int liveMs = 0;   ///< a reader copies the events this often during a run (0: nobody reads until the end)
    std::string json;
};

bool failed = false;

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "comm_bench: %s\n", what);
        failed = true;
    }
}

/// Runs `plan` to its end; with `liveMs` > 0 a reader copies the new events that often while it goes.
RunResult runPlan(const Plan &plan, int liveMs, std::vector<Event> &events)
{
    std::string error;
    auto run = Run::start(plan, error);
    if (!run) {
        std::fprintf(stderr, "comm_bench: cannot start: %s\n", error.c_str());
        std::exit(1);
    }
    if (liveMs > 0) {
        // The window's way: copy what is new every few milliseconds while the run goes.
        std::vector<Event> live;
        std::size_t seen = 0;
        while (!run->waitFor(std::chrono::milliseconds(liveMs)))
            seen = run->copyEvents(seen, live);
    }
    run->wait();
    events = run->events();
    return run->result();
}

/// Producer → consumer through a queue or a pipe; returns messages per second.
double channelRate(const Options &o, bool pipe)
{
    Plan plan;
    plan.scenario = pipe ? "pipe-bench" : "queue-bench";
    plan.kind = "process";
    if (pipe)
        plan.pipes = 1;
    else
        plan.queues = {{"bench", o.capacity}};
    std::vector<std::int64_t> items(static_cast<std::size_t>(o.messages));
    for (int i = 0; i < o.messages; ++i)
        items[static_cast<std::size_t>(i)] = i;
    WorkerPlan producer{"producer",
                        WorkerKind::Process,
                        items,
                        {{StepOp::ForEach, {}, 0, 2},
                         {StepOp::Power, {}, 0, 1},
                         {pipe ? StepOp::Send : StepOp::Put, {}, 0, 0}}};
    WorkerPlan consumer{
        "consumer",
        WorkerKind::Process,
        items,
        {{StepOp::ForEach, {}, 0, 1}, {pipe ? StepOp::Recv : StepOp::Get, {}, 0, pipe ? 1 : 0}}};
    plan.workers = {producer, consumer};
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
    // Room for every message on each side: on a busy machine the collector can be off its core for a while.
    plan.ringCapacity = 1u << 18;
    std::vector<Event> events;
    const RunResult r = runPlan(plan, o.liveMs, events);
    check(!r.failed(), "the run failed");
    check(r.lostEvents == 0, "events were lost");
    const EventType send = pipe ? EventType::PipeSend : EventType::QueuePut;
    const EventType take = pipe ? EventType::PipeRecv : EventType::QueueGet;
    std::int64_t first = -1;
    std::int64_t last = -1;
    std::int64_t expected = 0;
    bool inOrder = true;
    for (const Event &e : events) {
        if (e.type == send && first < 0)
            first = e.timeNs;
        if (e.type == take) {
            inOrder = inOrder && e.value == expected;
            ++expected;
            last = e.timeNs;
        }
    }
    check(inOrder && expected == o.messages, "a message was lost, repeated or out of order");
    return last > first ? o.messages / (static_cast<double>(last - first) / 1e9) : 0;
}

/// Pool.map of x*x over 1..T at chunk size 1 with 4 worker processes; returns µs per task.
double poolTaskMicros(const Options &o)
{
    const Scenario *s = findScenario("pool-map");
    Plan plan;
    ParamSet values;
    std::string error;
    if (!buildPlan(*s,
                   {{"kind", "process"},
                    {"workers", "4"},
                    {"n", std::to_string(o.tasks)},
                    {"chunk", "1"},
                    {"work", "0"}},
                   plan, values, error)) {
        std::fprintf(stderr, "comm_bench: %s\n", error.c_str());
        std::exit(1);
    }
    std::vector<Event> events;
    const RunResult r = runPlan(plan, o.liveMs, events);
    check(!r.failed() && r.lanes[0].exitCode == 0, "the map failed");
    check(r.lostEvents == 0, "events were lost");
    std::int64_t first = -1;
    std::int64_t done = -1;
    long long sum = 0;
    for (const Event &e : events) {
        if (e.lane == 0 && e.type == EventType::QueuePut && first < 0)
            first = e.timeNs;
        if (e.lane == 0 && e.type == EventType::Print && done < 0 && e.text.rfind("map(", 0) == 0)
            done = e.timeNs;
        if (e.lane == 0 && e.type == EventType::QueueGet)
            sum += e.value;
    }
    long long expected = 0;
    for (long long x = 1; x <= o.tasks; ++x)
        expected += x * x;
    check(sum == expected, "the map's results differ from the sequential map");
    return done > first ? static_cast<double>(done - first) / 1e3 / o.tasks : 0;
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--messages")
            o.messages = std::atoi(argv[i + 1]);
        else if (arg == "--tasks")
            o.tasks = std::atoi(argv[i + 1]);
        else if (arg == "--capacity")
            o.capacity = std::atoi(argv[i + 1]);
        else if (arg == "--repeat")
            o.repeat = std::atoi(argv[i + 1]);
        else if (arg == "--warmup")
            o.warmup = std::atoi(argv[i + 1]);
        else if (arg == "--only")
            o.only = argv[i + 1];
        else if (arg == "--json")
            o.json = argv[i + 1];
        else if (arg == "--live")
            o.liveMs = std::atoi(argv[i + 1]);
        else {
            std::fprintf(
                stderr,
                "usage: comm_bench [--messages N] [--tasks T] [--capacity C] [--repeat R] [--warmup W] "
                "[--only queue|pipe|pool] [--live MS] [--json FILE]\n");
            return 2;
        }
    }
    if (o.messages < 1 || o.tasks < 1 || o.capacity < 1 || o.repeat < 1 || o.warmup < 0 || o.liveMs < 0) {
        std::fprintf(stderr,
                     "comm_bench: --messages, --tasks, --capacity and --repeat must be at least 1, --warmup "
                     "and --live at least 0\n");
        return 2;
    }
    std::vector<double> queue;
    std::vector<double> pipe;
    std::vector<double> pool;
    for (int k = -o.warmup; k < o.repeat; ++k) { // rounds before 0 warm up and are not kept
        const auto keep = [k](std::vector<double> &into, double figure) {
            if (k >= 0)
                into.push_back(figure);
        };
        if (o.only.empty() || o.only == "queue")
            keep(queue, channelRate(o, false));
        if (o.only.empty() || o.only == "pipe")
            keep(pipe, channelRate(o, true));
        if (o.only.empty() || o.only == "pool")
            keep(pool, poolTaskMicros(o));
    }
    namespace b = forkscope::bench;
    const b::Stats q = b::statsOf(queue);
    const b::Stats p = b::statsOf(pipe);
    const b::Stats t = b::statsOf(pool);
    std::printf("load average %s%s\n", b::loadAverage().c_str(),
                o.liveMs ? (", a reader copying the events every " + std::to_string(o.liveMs) + " ms").c_str()
                         : "");
    std::printf("queue  %d messages, capacity %d, 2 processes: median %.0f msg/s (min %.0f, max %.0f)\n",
                o.messages, o.capacity, q.median, q.min, q.max);
    std::printf("pipe   %d messages, 2 processes:              median %.0f msg/s (min %.0f, max %.0f)\n",
                o.messages, p.median, p.min, p.max);
    std::printf(
        "pool   map of %d tasks, chunk size 1, 4 processes: median %.2f us/task (min %.2f, max %.2f)\n",
        o.tasks, t.median, t.min, t.max);
    if (!o.json.empty()) {
        // Appended piece by piece: GCC 12's -O3 -Wrestrict misfires on a long chain of + starting at "{".
        std::string text = "{";
        text += b::statsJson("queue_msgs_per_s", q, 0);
        text += ", ";
        text += b::statsJson("pipe_msgs_per_s", p, 0);
        text += ", ";
        text += b::statsJson("pool_us_per_task", t, 3);
        text += ", \"load\": \"";
        text += b::loadAverage();
        text += "\", \"ok\": ";
        text += failed ? "false" : "true";
        text += "}\n";
        if (!b::writeText(o.json, text)) {
            std::fprintf(stderr, "comm_bench: cannot write %s\n", o.json.c_str());
            return 1;
        }
    }
    return failed ? 1 : 0;
}
