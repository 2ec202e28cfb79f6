// The GIL lesson: the same CPU-bound and I/O-bound tasks in every mode.

#include "core/scenario/builtin_parts.hpp"
#include "core/shared_memory/gil.hpp"

namespace forkscope::core::builtin {

namespace {

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
            w.steps = {print("{name} starts counting primes"),
                       {StepOp::Work, {}, seconds, units},
                       print("{name} found {r} primes")};
        else
            w.steps
                = {print("{name} starts waiting for I/O"), sleepFor(seconds), print("{name} got its answer")};
        plan.workers.push_back(std::move(w));
    }
    plan.main.push_back({StepOp::Start, {}, 0, 0});
    if (plan.kind != "sequential")
        plan.main.push_back({StepOp::Join, {}, 0, 0});
    plan.main.push_back(print(std::to_string(tasks) + " tasks done after {elapsed} s"));
    // A GIL thread records a hold, a drop request, a hand-over and a request about every switch interval.
    if (plan.gil && cpu) {
        const double switches = seconds * plan.timeScale * tasks / plan.switchInterval;
        plan.ringCapacity
            = static_cast<std::uint32_t>(std::clamp(switches * 6 + 256, 16384.0, double(1 << 18)));
    }
    return plan;
}

} // namespace

Scenario cpuVsIoScenario()
{
    return {
        "cpu-vs-io",
        "The GIL",
        "CPU-bound against I/O-bound work: threads, the GIL and processes",
        "N tasks of CPU work (counting primes) or I/O (a sleep) run sequentially, as threads under a GIL, as "
        "free threads or as processes",
        "CPU-bound threads under the GIL take about as long as running the tasks one after another (about "
        "1x): "
        "only the thread holding the GIL computes, and it hands the GIL over about every switch interval "
        "(5 ms), so the lanes take turns. Free threads and processes (each process has its own GIL) compute "
        "at the same time, up to one task per core: about as many times faster as there are cores, not as "
        "there are tasks. I/O-bound tasks release the GIL while they wait, so every concurrent mode, even "
        "threads under the GIL, runs the N waits at once: about N times faster.",
        "cpu_vs_io.py",
        {{"work",
          ParamSpec::Type::Choice,
          "cpu",
          0,
          0,
          {"cpu", "io"},
          "cpu: count primes for about the given seconds on one core; io: sleep that long (waiting on I/O)"},
         {"mode",
          ParamSpec::Type::Choice,
          "gil-threads",
          0,
          0,
          {"sequential", "gil-threads", "threads", "processes"},
          "one after another; threads under a GIL; threads without it (free-threaded); processes"},
         {"tasks", ParamSpec::Type::Integer, "4", 1, 64, {}, "how many tasks"},
         {"seconds",
          ParamSpec::Type::Number,
          "1",
          0,
          600,
          {},
          "how long one task takes on its own, before the time scale"},
         {"switch-interval",
          ParamSpec::Type::Number,
          "0.005",
          kMinSwitchInterval,
          kMaxSwitchInterval,
          {},
          "seconds a thread waits for the GIL before it asks the holder to hand it over "
          "(sys.setswitchinterval); "
          "not scaled by the time scale"},
         timeScaleParam()},
        cpuVsIoPlan,
        {},
    };
}

} // namespace forkscope::core::builtin
