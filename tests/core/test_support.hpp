#pragma once

#include "core/plan/plan.hpp"
#include "core/client/run.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace forkscope::test {

/// Builds a built-in scenario's plan from CLI-style parameters; fails the test on a bad parameter.
core::Plan scenarioPlan(const std::string &id, const std::map<std::string, std::string> &params);

/// Starts and waits for a run (at most `timeoutSeconds`); fails the test if it does not start or finish.
core::RunResult runToEnd(const core::Plan &plan, std::vector<core::Event> *events = nullptr,
                         double timeoutSeconds = 30);

/// Pids of live (or zombie) processes whose process group is `pgid`, from /proc.
std::vector<int> processesInGroup(int pgid);
/// Zombie children of this process, from /proc.
std::vector<int> zombieChildren();

/// A worker with the given steps.
core::WorkerPlan worker(const std::string &name, core::WorkerKind kind, std::vector<core::Step> steps);
core::Step sleepStep(double seconds);
core::Step printStep(const std::string &text);

} // namespace forkscope::test
