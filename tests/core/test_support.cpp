#include "test_support.hpp"

#include "core/scenarios.hpp"

#include <dirent.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
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

namespace {

// Fields of /proc/PID/stat after the command name: state ppid pgrp ...
bool readStat(int pid, char &state, int &ppid, int &pgrp)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line))
        return false;
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return false;
    std::istringstream rest(line.substr(close + 2));
    rest >> state >> ppid >> pgrp;
    return static_cast<bool>(rest);
}

template <typename Pred>
std::vector<int> scanProc(Pred pred)
{
    std::vector<int> out;
    DIR *dir = opendir("/proc");
    if (!dir)
        return out;
    while (dirent *entry = readdir(dir)) {
        const int pid = std::atoi(entry->d_name);
        char state = 0;
        int ppid = 0;
        int pgrp = 0;
        if (pid > 0 && readStat(pid, state, ppid, pgrp) && pred(state, ppid, pgrp))
            out.push_back(pid);
    }
    closedir(dir);
    return out;
}

} // namespace

std::vector<int> processesInGroup(int pgid)
{
    return scanProc([pgid](char, int, int pgrp) { return pgrp == pgid; });
}

std::vector<int> zombieChildren()
{
    const int self = getpid();
    return scanProc([self](char state, int ppid, int) { return state == 'Z' && ppid == self; });
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
