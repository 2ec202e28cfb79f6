// The Basics lessons: starting, sleeping, joining (or not), and the process table.

#include "core/scenario/builtin_parts.hpp"

namespace forkscope::core::builtin {

Scenario sleepersScenario()
{
    return {
        "sleepers",
        "Basics",
        "Sleepers: one after another, or all at once",
        "N workers each sleep T seconds: sequentially (about N*T) or as threads/processes (about T)",
        "Sequentially the lanes form a staircase and the run takes N times T. As threads or processes "
        "every lane sleeps at the same time and the whole run takes about T.",
        "sleepers.py",
        {kindParam({"sequential", "thread", "process"}, "process"), workersParam(10), sleepParam(2),
         joinParam(true), timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("sleepers", p, p.text("kind"), p.flag("join")); },
        {},
    };
}

Scenario noJoinScenario()
{
    return {
        "no-join",
        "Basics",
        "No join: main ends before its workers",
        "main starts its workers and reaches its end before they finish; --join on makes it wait",
        "Without join, main's last line (the dashed marker) runs right after the starts, while the workers "
        "still sleep; the program itself only exits once they are done. With join on, main waits in a join "
        "bar and its last line comes after theirs.",
        "no_join.py",
        {kindParam({"thread", "process"}, "process"), workersParam(2), sleepParam(1), joinParam(false),
         timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("no-join", p, p.text("kind"), p.flag("join")); },
        {},
    };
}

Scenario squareCubeScenario()
{
    return {
        "square-cube",
        "Basics",
        "Square and cube in two processes",
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
    };
}

Scenario processTableScenario()
{
    return {
        "process-table",
        "Basics",
        "The process table: workers appear and go",
        "list the run's processes before start, after start and after join, as psutil does",
        "Before start() only the run's own process exists. After start() each worker process is a new row "
        "with "
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
                w.steps = {sleepFor(seconds),
                           {StepOp::ForEach, {}, 0, 2},
                           {StepOp::Power, {}, 0, power},
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
    };
}

} // namespace forkscope::core::builtin
