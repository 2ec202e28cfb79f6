#pragma once

#include "core/client/run.hpp"
#include "core/plan/plan.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace forkscope::test {

/// Builds a built-in scenario's plan from CLI-style parameters; fails the test on a bad parameter. Only the
/// lesson tests (lesson_test.cpp) use it: engine tests run fixtures, so retuning a lesson cannot break them.
core::Plan scenarioPlan(const std::string &id, const std::map<std::string, std::string> &params);

/// Loads the fixture plan tests/fixtures/<name>.json. Each `${key}` in its text is replaced by
/// params[key]; every placeholder must be given and every parameter used. A fixture with a
/// "worker_template" needs params["workers"] = N: the template is copied N times into "workers", named
/// "<template's name> 1" .. "<template's name> N". Fails the test (and returns an empty plan) if the file is
/// missing or the result is not a valid plan.
core::Plan fixturePlan(const std::string &name, const std::map<std::string, std::string> &params = {});

/// Starts and waits for a run (at most `timeoutSeconds`); fails the test if it does not start or finish.
core::RunResult runToEnd(const core::Plan &plan, std::vector<core::Event> *events = nullptr,
                         double timeoutSeconds = 30);

/// Polls the run's events until `done` holds for everything published so far (or the run finishes first, or
/// `timeout` passes): the way a test waits for something to have happened instead of sleeping and hoping.
/// The failure names `what`, so use it as ASSERT_TRUE(waitForEvents(...)).
::testing::AssertionResult waitForEvents(const core::Run &run,
                                         const std::function<bool(const std::vector<core::Event> &)> &done,
                                         const std::string &what,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(20));
/// Waits until `lanes` lanes (main's included) have recorded their WorkerStart.
::testing::AssertionResult waitForWorkerStarts(const core::Run &run, std::size_t lanes);

/// Pids of live (or zombie) processes whose process group is `pgid`, from /proc.
std::vector<int> processesInGroup(int pgid);
/// Zombie children of this process, from /proc.
std::vector<int> zombieChildren();

/// A worker with the given steps.
core::WorkerPlan worker(const std::string &name, core::WorkerKind kind, std::vector<core::Step> steps);
core::Step sleepStep(double seconds);
core::Step printStep(const std::string &text);

} // namespace forkscope::test
