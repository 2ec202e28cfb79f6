// Runs that wait: on a runner that never says it is ready, on a worker someone stopped (SIGSTOP), on a worker
// main joins; and a worker killed from outside the run. Which one the run waits for, for how long, and that
// nothing is left behind.
#include "test_support.hpp"

#include "core/client/wait_watch.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;
using forkscope::test::fixturePlan;
using forkscope::test::processesInGroup;
using forkscope::test::runToEnd;
using forkscope::test::waitForWorkerStarts;
using forkscope::test::zombieChildren;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000'000'000;

Event event(std::int64_t t, std::uint32_t lane, EventType type, std::int32_t arg = 0)
{
    Event e;
    e.timeNs = t;
    e.lane = lane;
    e.type = type;
    e.arg = arg;
    return e;
}

std::vector<LaneInfo> lanes3()
{
    return {{"main", WorkerKind::Main, 100, 100},
            {"a", WorkerKind::Process, 101, 101},
            {"b", WorkerKind::Process, 102, 102},
            {"t", WorkerKind::Thread, 100, 105}};
}

/// A watch of main and three workers started at 0; `states` gives each pid's /proc letter (default 'S').
WaitWatch startedWatch(std::map<int, char> &states)
{
    WaitWatch watch([&states](int pid, int) {
        const auto it = states.find(pid);
        return it == states.end() ? 'S' : it->second;
    });
    for (std::uint32_t lane = 0; lane < 4; ++lane)
        watch.add(event(0, lane, EventType::WorkerStart));
    return watch;
}

} // namespace

TEST(WaitWatch, NamesTheWorkerMainJoinsAndHowLong)
{
    std::map<int, char> states;
    WaitWatch watch = startedWatch(states);
    watch.add(event(1 * kS, 1, EventType::SleepBegin));
    watch.add(event(2 * kS, 0, EventType::JoinBegin, 1));
    EXPECT_FALSE(watch.waitingFor(lanes3(), 2 * kS + 500 * kMs, kS)) << "half a second is not a wait yet";
    const auto w = watch.waitingFor(lanes3(), 5 * kS, kS);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->lane, 1u);
    EXPECT_EQ(w->forNs, 3 * kS) << "since the join began, later than the worker's last event";
    EXPECT_FALSE(w->stopped());
    EXPECT_EQ(w->describe(), "waiting for worker 1 'a' (pid 101) for 3.0 s — sleeping");
    // Joined: main goes on to the next, whose last event is older than the join.
    watch.add(event(6 * kS, 1, EventType::WorkerEnd));
    watch.add(event(6 * kS, 0, EventType::JoinEnd, 1));
    watch.add(event(6 * kS, 0, EventType::JoinBegin, 2));
    const auto next = watch.waitingFor(lanes3(), 18 * kS, kS);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->lane, 2u);
    EXPECT_EQ(next->describe(), "waiting for worker 2 'b' (pid 102) for 12 s — sleeping");
}

TEST(WaitWatch, AStoppedWorkerComesFirstWhoeverMainJoins)
{
    std::map<int, char> states{{102, 'T'}};
    WaitWatch watch = startedWatch(states);
    watch.add(event(1 * kS, 2, EventType::QueuePut));
    watch.add(event(2 * kS, 0, EventType::JoinBegin, 1));
    const auto w = watch.waitingFor(lanes3(), 4 * kS, kS);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->lane, 2u) << "the stopped producer, not the consumer main joins";
    EXPECT_TRUE(w->stopped());
    EXPECT_EQ(w->forNs, 3 * kS) << "since its last event";
    EXPECT_EQ(w->describe(), "waiting for worker 2 'b' (pid 102) for 3.0 s — stopped");
    // A stopped worker that is still recording (it was stopped just now) is not named yet.
    watch.add(event(3900 * kMs, 2, EventType::QueuePut));
    const auto joined = watch.waitingFor(lanes3(), 4 * kS, kS);
    ASSERT_TRUE(joined);
    EXPECT_EQ(joined->lane, 1u);
}

TEST(WaitWatch, AStoppedRunnerIsMainsAndThreadsAreNamedWithTheirThread)
{
    std::map<int, char> states{{100, 'T'}};
    WaitWatch watch = startedWatch(states);
    watch.add(event(1 * kS, 0, EventType::JoinBegin, 3));
    const auto w = watch.waitingFor(lanes3(), 3 * kS, kS);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->lane, 0u);
    EXPECT_EQ(w->describe(), "waiting for main (pid 100) for 2.0 s — stopped");
    states[100] = 'S';
    const auto thread = watch.waitingFor(lanes3(), 3 * kS, kS);
    ASSERT_TRUE(thread);
    EXPECT_EQ(thread->describe(), "waiting for worker 3 't' (pid 100, thread 105) for 2.0 s — sleeping");
}

TEST(WaitWatch, AfterMainsEndItWaitsForTheFirstWorkerStillRunning)
{
    std::map<int, char> states;
    WaitWatch watch = startedWatch(states);
    watch.add(event(1 * kS, 1, EventType::WorkerEnd));
    watch.add(event(1 * kS, 0, EventType::MainEnd));
    EXPECT_FALSE(watch.waitingFor(lanes3(), 1500 * kMs, kS)) << "main has waited half a second";
    const auto w = watch.waitingFor(lanes3(), 3 * kS, kS);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->lane, 2u);
    EXPECT_EQ(w->forNs, 2 * kS) << "since main reached its end";
    // Everyone ended: nothing to wait for.
    watch.add(event(4 * kS, 2, EventType::WorkerEnd));
    watch.add(event(4 * kS, 3, EventType::WorkerEnd));
    EXPECT_FALSE(watch.waitingFor(lanes3(), 9 * kS, kS));
}

TEST(WaitWatch, ReadsTheRealStateOfAStoppedProcess)
{
    const pid_t child = fork();
    if (child == 0) {
        for (;;)
            pause();
    }
    ASSERT_GT(child, 0);
    ASSERT_EQ(kill(child, SIGSTOP), 0);
    char state = '?';
    for (int i = 0; i < 1000 && state != 'T'; ++i) {
        state = WaitWatch::procState(child, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(state, 'T');
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    EXPECT_EQ(WaitWatch::procState(child, 0), '?') << "gone";
    EXPECT_EQ(WaitWatch::procState(getpid(), static_cast<int>(gettid())), 'R') << "this very thread runs";
}

TEST(Waits, AStoppedWorkerIsNamedWhileTheRunWaitsAndInTheResultOfItsCancel)
{
    std::string error;
    auto run = Run::start(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "30"}}),
                          error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(waitForWorkerStarts(*run, 4));
    const std::vector<LaneInfo> lanes = run->lanes();
    ASSERT_EQ(kill(lanes[2].pid, SIGSTOP), 0);
    std::optional<Waiting> w;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!(w && w->stopped()) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        w = run->waitingFor(std::chrono::milliseconds(300));
    }
    ASSERT_TRUE(w && w->stopped()) << "the stopped worker was never named";
    EXPECT_EQ(w->lane, 2u);
    EXPECT_EQ(w->info.pid, lanes[2].pid);
    EXPECT_GE(w->forNs, 300 * kMs);
    // Not stopped: main joins worker 1, which sleeps.
    kill(lanes[2].pid, SIGCONT);
    std::optional<Waiting> joined;
    for (int i = 0; i < 100 && !(joined && !joined->stopped()); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        joined = run->waitingFor(std::chrono::milliseconds(300));
    }
    ASSERT_TRUE(joined);
    EXPECT_EQ(joined->lane, 1u) << joined->describe();
    EXPECT_EQ(joined->state, 'S') << joined->describe();
    // Stopped again, and the run cancelled: the result says what it waited for, and nothing is left.
    ASSERT_EQ(kill(lanes[3].pid, SIGSTOP), 0);
    w.reset();
    while (!(w && w->stopped()) && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        w = run->waitingFor(std::chrono::seconds(1));
    }
    ASSERT_TRUE(w && w->stopped());
    run->cancel();
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(5))) << "a stopped worker does not hold up a cancel";
    const RunResult r = run->result();
    EXPECT_TRUE(r.cancelled);
    EXPECT_NE(r.waitingAtCancel.find("worker 3 'worker 3' (pid " + std::to_string(lanes[3].pid) + ")"),
              std::string::npos)
        << r.waitingAtCancel;
    EXPECT_NE(r.waitingAtCancel.find("— stopped"), std::string::npos) << r.waitingAtCancel;
    EXPECT_FALSE(run->waitingFor(std::chrono::seconds(0))) << "a finished run waits for nobody";
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty());
    EXPECT_TRUE(zombieChildren().empty());
}

TEST(Waits, ARunnerThatNeverSaysItIsReadyIsKilledAtItsDeadlineAndReaped)
{
    // Not a forkscope-runner: a script that starts a child of its own and waits, never touching the region.
    char dirTemplate[] = "/tmp/forkscope-wait-XXXXXX";
    ASSERT_NE(mkdtemp(dirTemplate), nullptr);
    const std::string dir = dirTemplate;
    const std::string script = dir + "/silent-runner";
    {
        std::ofstream out(script);
        out << "#!/bin/sh\nsleep 60 &\nwait\n";
    }
    chmod(script.c_str(), 0755);
    Run::Options options;
    options.runnerPath = script;
    options.readyTimeout = std::chrono::milliseconds(400);
    std::string error;
    const auto before = std::chrono::steady_clock::now();
    auto run = Run::start(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "2"}, {"sleep", "0"}}),
                          options, error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(10))) << "the client waited past the runner's deadline";
    EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(400));
    const RunResult r = run->result();
    ASSERT_TRUE(r.failed());
    EXPECT_NE(r.error.find("the runner '" + script + "' (pid " + std::to_string(run->runnerPid())
                           + ") did not say it was ready within 0.4 s (it was sleeping), so it was killed"),
              std::string::npos)
        << r.error;
    EXPECT_TRUE(processesInGroup(run->runnerPid()).empty()) << "its own child went with it";
    EXPECT_TRUE(zombieChildren().empty()) << "and was reaped";
    std::filesystem::remove_all(dir);
}

TEST(Waits, AWorkerKilledFromOutsideFailsTheRunButAPlannedCrashDoesNot)
{
    std::string error;
    auto run
        = Run::start(fixturePlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "1"}}), error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(waitForWorkerStarts(*run, 4));
    const int victim = run->lanes()[2].pid;
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(20)));
    const RunResult r = run->result();
    EXPECT_TRUE(r.failed()) << "a worker killed mid-run is never reported as success";
    EXPECT_EQ(r.error,
              "'worker 2' (pid " + std::to_string(victim) + ") was killed by SIGKILL from outside the run");
    EXPECT_EQ(r.lanes[1].exitCode, 0) << "the others completed";
    // A crash the plan asks for is the lesson, not a fault (the dead lock owner).
    const RunResult planned = runToEnd(fixturePlan("dead-lock-owner"));
    EXPECT_EQ(planned.lanes[1].signal, SIGKILL);
    EXPECT_FALSE(planned.failed()) << planned.error;
}
