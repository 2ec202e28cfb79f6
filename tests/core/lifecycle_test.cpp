// Crashes, cancels and deaths: nothing outlives a run, nothing is left unreaped.
#include "test_support.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;
using forkscope::test::fixturePlan;
using forkscope::test::processesInGroup;
using forkscope::test::runToEnd;
using forkscope::test::waitForWorkerStarts;
using forkscope::test::zombieChildren;

TEST(Lifecycle, ACrashingChildIsReportedWithItsSignalWhileTheOthersComplete)
{
    Plan plan;
    plan.scenario = "crash";
    plan.kind = "process";
    plan.workers.push_back(
        test::worker("steady 1", WorkerKind::Process, {test::sleepStep(0.05), test::printStep("ok 1")}));
    plan.workers.push_back(test::worker("crasher", WorkerKind::Process,
                                        {test::sleepStep(0.01), {StepOp::Crash, {}, 0, SIGSEGV}}));
    plan.workers.push_back(
        test::worker("steady 2", WorkerKind::Process, {test::sleepStep(0.05), test::printStep("ok 2")}));
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, test::printStep("main done")};
    std::vector<Event> events;
    const RunResult r = runToEnd(plan, &events);
    EXPECT_FALSE(r.failed()) << r.error;
    EXPECT_EQ(r.lanes[2].signal, SIGSEGV);
    EXPECT_EQ(r.lanes[2].exitCode, -1);
    EXPECT_TRUE(r.lanes[2].ended);
    for (const std::size_t i : {1u, 3u}) {
        EXPECT_EQ(r.lanes[i].signal, 0);
        EXPECT_EQ(r.lanes[i].exitCode, 0);
    }
    int prints = 0;
    for (const Event &e : events)
        prints += e.type == EventType::Print;
    EXPECT_EQ(prints, 3) << "both survivors and main printed";
    EXPECT_TRUE(zombieChildren().empty());
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty());
}

TEST(Lifecycle, AnExitCodeIsReportedAsIs)
{
    Plan plan;
    plan.scenario = "exit";
    plan.kind = "process";
    plan.workers.push_back(test::worker("quitter", WorkerKind::Process, {{StepOp::Exit, {}, 0, 3}}));
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
    const RunResult r = runToEnd(plan);
    EXPECT_EQ(r.lanes[1].exitCode, 3);
    EXPECT_EQ(r.lanes[1].signal, 0);
}

TEST(Lifecycle, NoZombieOrOrphanAfterARun)
{
    const RunResult r
        = runToEnd(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "20"}, {"sleep", "0"}}));
    EXPECT_FALSE(r.failed());
    EXPECT_TRUE(zombieChildren().empty());
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty()) << "neither the runner nor a worker remains";
    for (std::size_t i = 1; i < r.lanes.size(); ++i)
        EXPECT_NE(kill(r.lanes[i].info.pid, 0), 0) << "worker pid " << r.lanes[i].info.pid << " still exists";
}

class Cancel : public ::testing::TestWithParam<std::pair<const char *, double>> { };

TEST_P(Cancel, StopsEveryWorkerWithin200Milliseconds)
{
    const auto [kind, computeSeconds] = GetParam();
    Plan plan = fixturePlan("sleepers", {{"kind", kind}, {"workers", "8"}, {"sleep", "30"}});
    if (computeSeconds > 0)
        for (WorkerPlan &w : plan.workers)
            w.steps.insert(w.steps.begin(), {StepOp::Compute, {}, computeSeconds, 0});
    std::string error;
    auto run = Run::start(plan, error);
    ASSERT_TRUE(run) << error;
    // Sequential workers run one after another: only main and the first have started.
    ASSERT_TRUE(waitForWorkerStarts(*run, std::string(kind) == "sequential" ? 2 : 9));
    const auto before = std::chrono::steady_clock::now();
    run->cancel();
    const bool done = run->waitFor(std::chrono::milliseconds(200));
    const auto took = std::chrono::steady_clock::now() - before;
    EXPECT_TRUE(done) << "cancel took " << std::chrono::duration<double, std::milli>(took).count() << " ms";
    run->wait();
    const RunResult r = run->result();
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.mainEndNs, -1) << "a cancelled main never reaches its last line";
    for (const LaneOutcome &lane : r.lanes) {
        if (!lane.started)
            continue; // sequential workers not yet called
        EXPECT_TRUE(lane.ended) << lane.info.name;
        EXPECT_TRUE(lane.cancelled) << lane.info.name;
        // Cancelled child processes are terminated with SIGKILL, all of them alike.
        if (lane.info.kind == WorkerKind::Process)
            EXPECT_EQ(lane.signal, SIGKILL) << lane.info.name;
    }
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty());
    EXPECT_TRUE(zombieChildren().empty());
}

INSTANTIATE_TEST_SUITE_P(Kinds, Cancel,
                         ::testing::Values(std::make_pair("process", 0.0), std::make_pair("thread", 0.0),
                                           std::make_pair("sequential", 0.0), std::make_pair("process", 30.0),
                                           std::make_pair("thread", 30.0)));

TEST(Lifecycle, KillingTheRunnerLeavesNoWorkerBehind)
{
    std::string error;
    auto run = Run::start(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "6"}, {"sleep", "30"}}),
                          error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(waitForWorkerStarts(*run, 7));
    const std::vector<LaneInfo> lanes = run->lanes();
    kill(run->runnerPid(), SIGKILL); // as if the process running main crashed
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(2)));
    const RunResult r = run->result();
    EXPECT_TRUE(r.failed());
    EXPECT_EQ(r.runnerSignal, SIGKILL);
    EXPECT_NE(r.error.find("signal 9"), std::string::npos) << r.error;
    for (std::size_t i = 1; i < lanes.size(); ++i)
        EXPECT_NE(kill(lanes[i].pid, 0), 0) << "worker " << lanes[i].pid << " outlived its runner";
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty());
    EXPECT_TRUE(zombieChildren().empty());
}

TEST(Lifecycle, AKilledThreadRunnerLastsUntilItDiedNotUntilItsLastEvent)
{
    std::string error;
    auto run
        = Run::start(fixturePlan("sleepers", {{"kind", "thread"}, {"workers", "3"}, {"sleep", "30"}}), error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(waitForWorkerStarts(*run, 4));
    // Everyone is asleep now: the last event was recorded just after the start. Die 400 ms later.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    kill(run->runnerPid(), SIGKILL);
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(5)));
    const RunResult r = run->result();
    EXPECT_TRUE(r.failed());
    EXPECT_GE(r.wallNs, 350'000'000) << "the run lasted until it was killed, about 400 ms";
    EXPECT_LT(r.wallNs, 10'000'000'000LL);
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        EXPECT_TRUE(r.lanes[i].ended);
        EXPECT_GE(r.lanes[i].endNs, 350'000'000) << "each thread died with its process";
    }
}

TEST(Lifecycle, DestroyingARunningRunCancelsIt)
{
    std::string error;
    auto run = Run::start(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "4"}, {"sleep", "30"}}),
                          error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(waitForWorkerStarts(*run, 5));
    const int runner = run->runnerPid();
    const auto before = std::chrono::steady_clock::now();
    run.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(300));
    EXPECT_TRUE(processesInGroup(runner).empty());
}

TEST(Lifecycle, AnIgnoredSigchldInTheClientDoesNotHangTheRun)
{
    // With SIGCHLD ignored the kernel reaps children at once; neither the runner's reaper (SIGCHLD is
    // reset for it) nor the client's collector (which notices the runner is gone) may hang.
    struct sigaction ignore { };
    struct sigaction old { };
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGCHLD, &ignore, &old);
    const RunResult r = runToEnd(
        fixturePlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "0"}}), nullptr, 10);
    sigaction(SIGCHLD, &old, nullptr);
    EXPECT_FALSE(r.failed()) << r.error;
    ASSERT_EQ(r.lanes.size(), 4u);
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        EXPECT_TRUE(r.lanes[i].ended);
        EXPECT_EQ(r.lanes[i].exitCode, 0);
    }
}
