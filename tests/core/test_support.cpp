#include "test_support.hpp"

#include "core/proc_table.hpp"
#include "core/scenario/scenarios.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace forkscope::test {

core::Plan scenarioPlan(const std::string &id, const std::map<std::string, std::string> &params)
{
    const core::Scenario *scenario = core::findScenario(id);
    EXPECT_NE(scenario, nullptr) << id;
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    EXPECT_TRUE(scenario && core::buildPlan(*scenario, params, plan, values, error)) << error;
    return plan;
}

core::RunResult runToEnd(const core::Plan &plan, std::vector<core::Event> *events, double timeoutSeconds)
{
    std::string error;
    auto run = core::Run::start(plan, error);
    EXPECT_TRUE(run) << error;
    if (!run)
        return {};
    const bool done = run->waitFor(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(timeoutSeconds)));
    EXPECT_TRUE(done) << "the run did not finish within " << timeoutSeconds << " s";
    if (!done)
        run->cancel();
    run->wait();
    if (events)
        *events = run->events();
    return run->result();
}

std::vector<int> processesInGroup(int pgid)
{
    std::vector<int> out;
    for (const core::ProcessInfo &p : core::readProcessGroup(pgid))
        out.push_back(p.pid);
    return out;
}

std::vector<int> zombieChildren()
{
    std::vector<int> out;
    for (const core::ProcessInfo &p : core::readProcesses())
        if (p.state == 'Z' && p.ppid == getpid())
            out.push_back(p.pid);
    return out;
}

core::WorkerPlan worker(const std::string &name, core::WorkerKind kind, std::vector<core::Step> steps)
{
    core::WorkerPlan w;
    w.name = name;
    w.kind = kind;
    w.steps = std::move(steps);
    return w;
}

core::Step sleepStep(double seconds) { return {core::StepOp::Sleep, {}, seconds, 0}; }
core::Step printStep(const std::string &text) { return {core::StepOp::Print, text, 0, 0}; }

} // namespace forkscope::test
