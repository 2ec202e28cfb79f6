// Globals, shared memory and locks, with real threads and processes.
#include "test_support.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <set>

using namespace forkscope;
using namespace forkscope::core;
using forkscope::test::fixturePlan;
using forkscope::test::runToEnd;

namespace {

std::int64_t mainFinal(const RunResult &r)
{
    return r.lanes.at(0).read.empty() ? -1 : r.lanes[0].read.back();
}

/// Checks that the workers doubled one shared a: each doubled the value its read at `readIndex` saw, most of
/// those reads saw another worker's write, and main ends with one of the writes. The final value itself is
/// not bounded: a worker preempted between its read and its write wipes out every doubling made meanwhile
/// (CI once ended at 128 of 1024), which is the lesson of the bank scenario, not a fault.
void expectCompoundedDoublings(const RunResult &r, std::size_t readIndex)
{
    std::multiset<std::int64_t> writes;
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        const LaneOutcome &lane = r.lanes[i];
        ASSERT_GT(lane.read.size(), readIndex) << lane.info.name;
        ASSERT_EQ(lane.wrote.size(), 1u) << lane.info.name;
        EXPECT_EQ(lane.wrote[0], 2 * lane.read[readIndex])
            << lane.info.name << " doubles the a it has just read";
        writes.insert(lane.wrote[0]);
    }
    int linked = 0;
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        const LaneOutcome &lane = r.lanes[i];
        // A read of a value another worker wrote: with isolated copies every read is 1 and every write 2.
        linked += lane.read[readIndex] > 1 && writes.count(lane.read[readIndex]) > 0;
    }
    EXPECT_GE(linked, static_cast<int>(r.lanes.size() - 1) / 2)
        << "at least half the workers doubled a value another worker had written";
    EXPECT_GT(writes.count(mainFinal(r)), 0u)
        << "main sees a worker's write (isolated, it keeps 1): " << mainFinal(r);
}

} // namespace

TEST(SharedState, ProcessesEachDoubleTheirOwnCopyOfAGlobal)
{
    const RunResult r = runToEnd(
        fixturePlan("global-doubling", {{"kind", "process"}, {"workers", "10"}, {"sleep", "0.01"}}));
    ASSERT_EQ(r.lanes.size(), 11u);
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        ASSERT_FALSE(r.lanes[i].read.empty());
        EXPECT_EQ(r.lanes[i].read.front(), 1) << "every process starts from the value main had at fork";
        EXPECT_EQ(r.lanes[i].wrote, std::vector<std::int64_t>{2});
        EXPECT_EQ(r.lanes[i].read.back(), 2) << "after the sleep it still sees only its own write";
    }
    EXPECT_EQ(mainFinal(r), 1) << "main's copy was never touched";
}

TEST(SharedState, ThreadsShareAGlobalAndCompoundIt)
{
    const RunResult r = runToEnd(
        fixturePlan("global-doubling", {{"kind", "thread"}, {"workers", "10"}, {"sleep", "0.01"}}));
    ASSERT_EQ(r.lanes.size(), 11u);
    for (std::size_t i = 1; i < r.lanes.size(); ++i)
        ASSERT_EQ(r.lanes[i].read.size(), 3u) << "received, the fresh read of `a += a`, and changed";
    expectCompoundedDoublings(r, 1);
}

TEST(SharedState, ASharedValueIsSeenAcrossProcesses)
{
    const RunResult r = runToEnd(
        fixturePlan("shared-doubling", {{"kind", "process"}, {"workers", "10"}, {"sleep", "0.01"}}));
    ASSERT_EQ(r.lanes.size(), 11u);
    // Each process reads, prints and only then writes, so two that overlap lose doublings (the lesson of
    // the bank scenario); what must hold is that they doubled each other's writes in shared memory.
    expectCompoundedDoublings(r, 0);
}

TEST(SharedState, AGlobalListStaysEmptyInMainWithAProcessAndFillsWithAThread)
{
    for (const char *kind : {"process", "thread"}) {
        const RunResult r = runToEnd(fixturePlan("global-list", {{"kind", kind}}));
        EXPECT_EQ(r.lanes[1].read.back(), 4) << kind << ": the worker's list holds four squares";
        EXPECT_EQ(r.lanes[1].wrote, (std::vector<std::int64_t>{4, 9, 16, 25}));
        EXPECT_EQ(mainFinal(r), std::string(kind) == "process" ? 0 : 4) << kind;
    }
}

TEST(SharedState, ASharedArrayCarriesWritesBothWays)
{
    const RunResult r = runToEnd(fixturePlan("shared-array"));
    for (const std::size_t k : {1u, 2u})
        EXPECT_EQ(r.lanes[k].read.back(), 99) << "each child sees what main wrote during its sleep";
    EXPECT_EQ(r.lanes[0].read, (std::vector<std::int64_t>{10, 20})) << "main sees what the children wrote";
}

TEST(SharedState, AStorePastAnArraysEndFailsTheWorkerWithAnIndexErrorAndStoresNothing)
{
    const RunResult r = runToEnd(fixturePlan("array-out-of-range"));
    EXPECT_EQ(r.lanes[1].exitCode, 1);
    EXPECT_EQ(r.lanes[1].signal, 0);
    EXPECT_NE(r.lanes[1].error.find("IndexError"), std::string::npos) << r.lanes[1].error;
    EXPECT_EQ(r.lanes[0].read, (std::vector<std::int64_t>{0, 0, 0}));
    EXPECT_FALSE(r.failed()) << "the run itself completed";
}

class Bank : public ::testing::TestWithParam<const char *> { };

TEST_P(Bank, WithTheLockEveryTrialIsRight)
{
    const Plan plan
        = fixturePlan("deposit-withdraw-locked", {{"kind", GetParam()}, {"updates", "50"}, {"think", "0"}});
    // The acceptance figure: no wrong balance in 200 trials, threads and processes alike (checked
    // by the plain build; under a sanitizer a run takes about a second, so 30 there).
#ifdef FORKSCOPE_SANITIZED
    constexpr int kTrials = 30;
#else
    constexpr int kTrials = 200;
#endif
    int wrong = 0;
    for (int trial = 0; trial < kTrials; ++trial)
        wrong += mainFinal(runToEnd(plan)) != 100;
    EXPECT_EQ(wrong, 0);
}

TEST_P(Bank, WithoutTheLockUpdatesGetLost)
{
    // Both tellers read, think 200 us, then write: on two cores they overlap and one update of a pair is
    // overwritten. Lost deposits and lost withdrawals can cancel out exactly, so a trial may still end at
    // 100 by chance; three trials that all do would mean nothing is lost.
    const Plan plan
        = fixturePlan("deposit-withdraw", {{"kind", GetParam()}, {"updates", "300"}, {"think", "0.0002"}});
    bool wrong = false;
    for (int trial = 0; trial < 3 && !wrong; ++trial) {
        const RunResult r = runToEnd(plan);
        wrong = mainFinal(r) != 100;
        EXPECT_EQ(r.lostEvents, 0u);
    }
    EXPECT_TRUE(wrong) << "three trials without the lock all ended at 100";
}

TEST_P(Bank, LockWaitAndHoldAreRecordedInOrder)
{
    std::vector<Event> events;
    const Plan plan = fixturePlan("deposit-withdraw-locked",
                                  {{"kind", GetParam()}, {"updates", "20"}, {"think", "0.0005"}});
    const RunResult r = runToEnd(plan, &events);
    ASSERT_EQ(r.locks.size(), 1u);
    EXPECT_EQ(r.locks[0].acquisitions, 40);
    EXPECT_GT(r.locks[0].totalHoldNs, 0);
    EXPECT_GE(r.locks[0].totalWaitNs, r.locks[0].longestWaitNs);
    for (std::uint32_t lane : {1u, 2u}) {
        int state = 0; // 0 free, 1 waiting, 2 holding
        int acquisitions = 0;
        for (const Event &e : events) {
            if (e.lane != lane)
                continue;
            if (e.type == EventType::LockWait) {
                EXPECT_EQ(state, 0);
                state = 1;
            } else if (e.type == EventType::LockAcquire) {
                EXPECT_EQ(state, 1);
                state = 2;
                ++acquisitions;
            } else if (e.type == EventType::LockRelease) {
                EXPECT_EQ(state, 2);
                state = 0;
            } else if (e.type == EventType::ValueWrite) {
                EXPECT_EQ(state, 2) << "every write happens while holding the lock";
            }
        }
        EXPECT_EQ(acquisitions, 20);
    }
}

INSTANTIATE_TEST_SUITE_P(Kinds, Bank, ::testing::Values("thread", "process"));

TEST(SharedState, AProcessThatDiesHoldingTheLockDoesNotHangTheRun)
{
    // The holder takes the lock and says so through a queue before it dies (SIGKILL): the next process
    // asks for the lock only once it is taken, whether the holder is dead yet or not.
    std::vector<Event> events;
    const RunResult r = runToEnd(fixturePlan("dead-lock-owner"), &events, 10);
    EXPECT_EQ(r.lanes[1].signal, SIGKILL);
    EXPECT_EQ(r.lanes[2].exitCode, 0);
    bool recovered = false;
    bool gotIt = false;
    for (const Event &e : events) {
        recovered = recovered
            || (e.lane == 2 && e.type == EventType::Note && e.text.find("recovered") != std::string::npos);
        gotIt = gotIt || (e.lane == 2 && e.text == "got it");
    }
    EXPECT_TRUE(recovered) << "the next owner is told the lock's owner died";
    EXPECT_TRUE(gotIt);
}

TEST(SharedState, MainKeepsItsValueAndLockAcrossStartAndJoin)
{
    // main takes the lock, starts a worker that needs it, reads a value it holds in its register, and only
    // then releases: the worker must wait for main, and main's register survives start and join.
    Plan plan;
    plan.scenario = "main-lock";
    plan.kind = "thread";
    plan.locks = 1;
    plan.variables = {{"v", false, 7, 1}};
    plan.workers.push_back(test::worker(
        "waiter", WorkerKind::Thread,
        {{StepOp::Lock, {}, 0, 0}, test::printStep("worker got the lock"), {StepOp::Unlock, {}, 0, 0}}));
    plan.main = {{StepOp::Read, "v", 0, 0},
                 {StepOp::Lock, {}, 0, 0},
                 {StepOp::Start, {}, 0, 0},
                 test::sleepStep(0.05),
                 test::printStep("main still has {r}"),
                 {StepOp::Unlock, {}, 0, 0},
                 {StepOp::Join, {}, 0, 0}};
    std::vector<Event> events;
    runToEnd(plan, &events);
    std::vector<std::string> prints;
    for (const Event &e : events)
        if (e.type == EventType::Print)
            prints.push_back(e.text);
    EXPECT_EQ(prints, (std::vector<std::string>{"main still has 7", "worker got the lock"}));
}

TEST(SharedState, EveryLockOfAPlanExcludesOnItsOwn)
{
    // Two locks, the second one guarding a counter between two processes and between two threads: each
    // lock id is its own properly set-up mutex (the slots are a cache line apart in shared memory).
    for (const WorkerKind kind : {WorkerKind::Process, WorkerKind::Thread}) {
        Plan plan;
        plan.scenario = "two-locks";
        plan.kind = kind == WorkerKind::Process ? "process" : "thread";
        plan.locks = 2;
        plan.variables = {{"n", true, 0, 1}};
        const std::vector<Step> body
            = {{StepOp::Lock, {}, 0, 1}, {StepOp::Read, "n", 0, 0},  {StepOp::Yield, {}, 0, 0},
               {StepOp::Add, {}, 0, 1},  {StepOp::Write, "n", 0, 0}, {StepOp::Unlock, {}, 0, 1}};
        for (const char *name : {"a", "b"}) {
            WorkerPlan w = test::worker(name, kind,
                                        {{StepOp::ForEach, {}, 0, static_cast<std::int64_t>(body.size())}});
            w.steps.insert(w.steps.end(), body.begin(), body.end());
            w.items.assign(3000, 1);
            plan.workers.push_back(w);
        }
        plan.ringCapacity = 1 << 15;
        plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, {StepOp::Read, "n", 0, 0}};
        const RunResult r = runToEnd(plan, nullptr, 30);
        EXPECT_EQ(mainFinal(r), 6000) << plan.kind;
        ASSERT_EQ(r.locks.size(), 2u);
        EXPECT_EQ(r.locks[1].acquisitions, 6000) << plan.kind;
        EXPECT_EQ(r.locks[0].acquisitions, 0) << plan.kind;
    }
}

TEST(SharedState, PlansNameTheirVariablesAndLocks)
{
    Plan plan;
    plan.workers.push_back(test::worker("w", WorkerKind::Thread, {{StepOp::Read, "nope", 0, 0}}));
    EXPECT_NE(validatePlan(plan).find("no variable named 'nope'"), std::string::npos);
    plan.variables = {{"arr", true, 0, 3}};
    plan.workers[0].steps = {{StepOp::Write, "arr", 0, -1}};
    EXPECT_NE(validatePlan(plan).find("index -1 must be from 0"), std::string::npos);
    plan.workers[0].steps = {{StepOp::Lock, {}, 0, 0}};
    EXPECT_NE(validatePlan(plan).find("lock 0 does not exist"), std::string::npos);
    Plan back;
    std::string error;
    plan.locks = 1;
    ASSERT_TRUE(planFromJson(planToJson(plan), back, error)) << error;
    EXPECT_EQ(back.variables.size(), 1u);
    EXPECT_EQ(back.variables[0].size, 3);
    EXPECT_TRUE(back.variables[0].shared);
    EXPECT_EQ(back.locks, 1);
}
