// Queues, pipes and pools through the engine: fixture plans run in a real runner with real threads and
// processes, and the events say what happened.
#include "core/client/run.hpp"
#include "core/shared_memory/queue.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <thread>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>

using namespace forkscope;
using namespace forkscope::core;
using forkscope::test::fixturePlan;
using forkscope::test::processesInGroup;
using forkscope::test::runToEnd;
using forkscope::test::waitForEvents;
using forkscope::test::zombieChildren;

namespace {

std::vector<std::string> printsOf(const std::vector<Event> &events, std::uint32_t lane)
{
    std::vector<std::string> out;
    for (const Event &e : events)
        if (e.lane == lane && e.type == EventType::Print)
            out.push_back(e.text);
    return out;
}

/// "1, 2, ..., n": the items of the pool-map fixture.
std::string oneTo(int n)
{
    std::string out;
    for (int x = 1; x <= n; ++x)
        out += (x > 1 ? ", " : "") + std::to_string(x);
    return out;
}

std::vector<std::int64_t> parseList(const std::string &line)
{
    std::vector<std::int64_t> out;
    const std::size_t open = line.find('[');
    std::size_t i = open + 1;
    while (open != std::string::npos && i < line.size() && line[i] != ']') {
        std::size_t used = 0;
        out.push_back(std::stoll(line.substr(i), &used));
        i += used;
        while (i < line.size() && (line[i] == ',' || line[i] == ' '))
            ++i;
    }
    return out;
}

class CommKind : public ::testing::TestWithParam<const char *> { };

} // namespace

TEST_P(CommKind, ProducerConsumerGetsEveryItemOnceInOrderAndBlocksAtCapacity)
{
    std::vector<Event> events;
    const RunResult r = runToEnd(fixturePlan("producer-consumer",
                                             {{"kind", GetParam()},
                                              {"items", "60"},
                                              {"capacity", "10"},
                                              {"produce", "0.001"},
                                              {"consume", "0.004"}}),
                                 &events);
    ASSERT_FALSE(r.failed()) << r.error;
    EXPECT_EQ(r.lostEvents, 0u);
    std::vector<std::int64_t> put;
    std::vector<std::int64_t> got;
    std::map<std::uint32_t, std::int64_t> putBySeq;
    std::uint32_t maxFill = 0;
    std::uint32_t fillBeforeFullWait = 0;
    int blockedFull = 0;
    int paired = 0;
    int wrongFill = 0;
    // Puts minus gets so far, counting what each operation proves happened before it: a put the get that
    // made room for it, a get its put. (An event whose writer was preempted past the collector's hold-back
    // between its clock read and its store is published late, after operations that followed it.)
    const auto fillSoFar = [&] {
        const std::size_t puts = std::max(put.size(), got.size());
        const std::size_t gets = std::max(got.size(), put.size() > 10 ? put.size() - 10 : 0);
        return puts - gets;
    };
    for (const Event &e : events) {
        const std::uint32_t seq = e.id; // the message's number in its queue
        if (e.type == EventType::QueuePut) {
            put.push_back(e.value);
            putBySeq[seq] = e.value;
            maxFill = std::max(maxFill, static_cast<std::uint32_t>(e.detail));
        } else if (e.type == EventType::QueueGet) {
            got.push_back(e.value);
            paired += putBySeq.count(seq) && putBySeq[seq] == e.value;
        } else if (e.type == EventType::QueueBlockBegin && e.value == 0) {
            ++blockedFull;
            fillBeforeFullWait = std::max(fillBeforeFullWait, static_cast<std::uint32_t>(fillSoFar()));
        }
        // The fill each put and get reports is the puts minus the gets up to it, in the published order.
        if (e.type == EventType::QueuePut || e.type == EventType::QueueGet)
            wrongFill += static_cast<std::size_t>(e.detail) != fillSoFar();
    }
    EXPECT_EQ(wrongFill, 0);
    EXPECT_EQ(fillBeforeFullWait, 10u) << "a put waited on a queue that was full at that moment";
    std::vector<std::int64_t> expected(60);
    for (int i = 0; i < 60; ++i)
        expected[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(put, expected);
    EXPECT_EQ(got, expected) << "every item got exactly once, in the order it was put";
    EXPECT_EQ(paired, 60) << "each get names the seq of the put it took, with the same value";
    EXPECT_EQ(maxFill, 10u) << "the queue filled up to its capacity, never beyond";
    EXPECT_GT(blockedFull, 0) << "the faster producer blocked on the full queue";
}

TEST_P(CommKind, QueueWorkersProcessEveryMessageOnceAndAllClose)
{
    std::vector<Event> events;
    const RunResult r
        = runToEnd(fixturePlan("queue-workers", {{"kind", GetParam()}, {"work", "0.02"}}), &events);
    ASSERT_FALSE(r.failed()) << r.error;
    std::multiset<std::string> processed;
    int closing = 0;
    for (std::uint32_t lane = 1; lane <= 3; ++lane)
        for (const std::string &line : printsOf(events, lane)) {
            if (line.find("closing") != std::string::npos)
                ++closing;
            else if (const auto at = line.find(": message "); at != std::string::npos)
                processed.insert(line.substr(at + 2));
        }
    EXPECT_EQ(closing, 3) << "each worker stopped at its close";
    ASSERT_EQ(processed.size(), 12u);
    for (int m = 1; m <= 12; ++m)
        EXPECT_EQ(processed.count("message " + std::to_string(m)), 1u) << m;
    for (std::size_t i = 1; i < r.lanes.size(); ++i)
        EXPECT_EQ(r.lanes[i].exitCode, 0);
}

TEST_P(CommKind, PipeAnswersHelloAndWorldAndStopsOnClose)
{
    std::vector<Event> events;
    const RunResult r = runToEnd(fixturePlan("pipe", {{"kind", GetParam()}, {"delay", "0.01"}}), &events);
    ASSERT_FALSE(r.failed()) << r.error;
    EXPECT_EQ(printsOf(events, 0),
              (std::vector<std::string>{"Parent received response: Processed: hello",
                                        "Parent received response: Processed: world"}));
    EXPECT_EQ(printsOf(events, 1),
              (std::vector<std::string>{"Worker received message: hello", "Worker received message: world",
                                        "Worker closing"}));
    // Every receive pairs with a send from the other end with the same seq and an earlier time.
    std::map<std::pair<int, std::uint32_t>, std::int64_t> sentAt;
    int pairs = 0;
    for (const Event &e : events) {
        const std::uint32_t seq = e.id; // the message's number on its sending end
        if (e.type == EventType::PipeSend)
            sentAt[{e.arg, seq}] = e.timeNs;
        if (e.type == EventType::PipeRecv) {
            const auto it = sentAt.find({e.arg ^ 1, seq});
            ASSERT_NE(it, sentAt.end()) << e.text;
            EXPECT_LE(it->second, e.timeNs);
            ++pairs;
        }
    }
    EXPECT_EQ(pairs, 5) << "hello, world, close one way; two answers back";
}

TEST_P(CommKind, PoolMapEqualsTheSequentialMapForManyInputsAndChunkSizes)
{
    for (const int n : {0, 1, 5, 17, 100, 1000}) {
        for (const int chunk : {1, 3, 7, 64, 1000}) {
            std::vector<Event> events;
            const RunResult r = runToEnd(fixturePlan("pool-map",
                                                     {{"kind", GetParam()},
                                                      {"items", oneTo(n)},
                                                      {"chunk", std::to_string(chunk)},
                                                      {"work", "0"},
                                                      {"workers", "3"}}),
                                         &events);
            ASSERT_FALSE(r.failed()) << r.error;
            std::vector<std::int64_t> expected;
            for (int x = 1; x <= n; ++x)
                expected.push_back(static_cast<std::int64_t>(x) * x);
            const std::vector<std::string> lines = printsOf(events, 0);
            ASSERT_FALSE(lines.empty());
            EXPECT_EQ(parseList(lines.front()), expected)
                << "n " << n << " chunk " << chunk << ": " << lines.front();
            // Each task ran exactly once, on some worker, with its real result.
            std::vector<int> ran(static_cast<std::size_t>(n), 0);
            for (const Event &e : events)
                if (e.type == EventType::TaskEnd && e.lane > 0) {
                    ASSERT_LT(e.arg, n);
                    ++ran[static_cast<std::size_t>(e.arg)];
                    EXPECT_EQ(e.value, static_cast<std::int64_t>(e.arg + 1) * (e.arg + 1));
                }
            EXPECT_EQ(std::count(ran.begin(), ran.end(), 1), n) << "n " << n << " chunk " << chunk;
            EXPECT_EQ(r.lanes[0].exitCode, 0);
        }
    }
}

TEST_P(CommKind, FuturesCompleteInTheOrderOfTheirSleeps)
{
    std::vector<Event> events;
    const RunResult r = runToEnd(fixturePlan("futures", {{"kind", GetParam()}, {"workers", "4"}}), &events);
    ASSERT_FALSE(r.failed()) << r.error;
    const std::vector<std::string> lines = printsOf(events, 0);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_NE(lines[1].find("sleep(1) returned 1"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find("sleep(2) returned 2"), std::string::npos) << lines[2];
    EXPECT_NE(lines[3].find("sleep(3) returned 3"), std::string::npos) << lines[3];
    EXPECT_NE(lines[4].find("sleep(5) returned 5"), std::string::npos) << lines[4];
    EXPECT_EQ(parseList(lines[5]), (std::vector<std::int64_t>{5, 2, 1, 3})) << "results in submission order";
    // They ran at once: about the longest sleep (5 × 0.1 s), far from the sum (11 × 0.1 s).
    EXPECT_GE(r.wallNs, 490'000'000);
    EXPECT_LT(r.wallNs, 900'000'000);
}

INSTANTIATE_TEST_SUITE_P(Kinds, CommKind, ::testing::Values("thread", "process"));

TEST(Pool, AWorkerKilledMidTaskMakesMapFailClearlyAndLeavesNoProcessBehind)
{
    Plan plan = fixturePlan(
        "pool-map",
        {{"kind", "process"}, {"items", oneTo(8)}, {"chunk", "1"}, {"work", "20"}, {"workers", "2"}});
    std::string error;
    auto run = Run::start(plan, error);
    ASSERT_TRUE(run) << error;
    // Wait until worker 1 is inside a task, then kill it.
    int victim = 0;
    ASSERT_TRUE(waitForEvents(
        *run,
        [&](const std::vector<Event> &events) {
            int pid = 0;
            bool inTask = false;
            for (const Event &e : events) {
                if (e.lane == 1 && e.type == EventType::WorkerStart)
                    pid = static_cast<int>(e.value);
                if (e.lane == 1 && e.type == EventType::TaskBegin)
                    inTask = true;
            }
            victim = inTask ? pid : 0;
            return victim > 0;
        },
        "pool worker 1 inside a task"));
    ASSERT_GT(victim, 0);
    const std::int64_t killedAt = monotonicNs();
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    ASSERT_TRUE(run->waitFor(std::chrono::seconds(10))) << "map failed instead of hanging";
    EXPECT_LT(monotonicNs() - killedAt, 2'000'000'000) << "well before the other worker's 20 s task ends";
    const RunResult r = run->result();
    ASSERT_TRUE(r.failed()) << "main's map failed, so the run did: never reported as success";
    EXPECT_EQ(r.error, r.lanes[0].error) << "the result says what main failed with";
    EXPECT_EQ(r.lanes[0].exitCode, 1);
    EXPECT_NE(r.lanes[0].error.find("Pool.map failed: worker 'pool worker 1' (pid " + std::to_string(victim)
                                    + ") died while running task"),
              std::string::npos)
        << r.lanes[0].error;
    EXPECT_NE(r.lanes[0].error.find("results never came back"), std::string::npos);
    EXPECT_EQ(r.lanes[1].signal, SIGKILL);
    EXPECT_TRUE(r.lanes[2].ended);
    EXPECT_TRUE(processesInGroup(r.runnerPid).empty()) << "no pool worker left behind";
    EXPECT_TRUE(zombieChildren().empty());
}

TEST(Pool, CancelStopsBlockedQueueAndPipeWaiters)
{
    for (const char *id : {"queue-workers", "pipe"}) {
        // Long work times: every lane waits on a queue, a pipe or a sleep when the cancel comes.
        const bool queue = std::string(id) == "queue-workers";
        Plan plan = queue ? fixturePlan(id, {{"kind", "thread"}, {"work", "4"}})
                          : fixturePlan(id, {{"kind", "thread"}, {"delay", "0.5"}});
        std::string error;
        auto run = Run::start(plan, error);
        ASSERT_TRUE(run) << error;
        // Every worker has taken its first message (and now sleeps on it, or waits for the next one).
        const EventType took = queue ? EventType::QueueGet : EventType::PipeRecv;
        ASSERT_TRUE(waitForEvents(
            *run,
            [&](const std::vector<Event> &events) {
                std::set<std::uint32_t> lanes;
                for (const Event &e : events)
                    if (e.type == took && e.lane > 0)
                        lanes.insert(e.lane);
                return lanes.size() == plan.workers.size();
            },
            std::string(id) + ": every worker's first message"));
        const std::int64_t t0 = monotonicNs();
        run->cancel();
        ASSERT_TRUE(run->waitFor(std::chrono::seconds(5)));
        EXPECT_LT(monotonicNs() - t0, 1'000'000'000) << id;
        EXPECT_TRUE(run->result().cancelled) << id;
    }
}

TEST(CommPlan, BadIdsAreRefusedWithWhatExists)
{
    Plan plan = fixturePlan("pipe", {{"kind", "process"}, {"delay", "0.5"}});
    plan.main.push_back({StepOp::Put, {}, 0, 0});
    EXPECT_NE(validatePlan(plan).find("queue 0 does not exist (the plan has 0 queues)"), std::string::npos)
        << validatePlan(plan);
    plan = fixturePlan("pipe", {{"kind", "process"}, {"delay", "0.5"}});
    plan.main.push_back({StepOp::Send, {}, 0, 2});
    EXPECT_NE(validatePlan(plan).find("pipe end 2 does not exist"), std::string::npos) << validatePlan(plan);
    plan = fixturePlan(
        "pool-map",
        {{"kind", "process"}, {"items", oneTo(5)}, {"chunk", "1"}, {"work", "0.5"}, {"workers", "4"}});
    plan.workers[0].steps.push_back({StepOp::Map, {}, 0, 0});
    EXPECT_NE(validatePlan(plan).find("'map' is only allowed in main"), std::string::npos)
        << validatePlan(plan);
    plan = fixturePlan(
        "pool-map",
        {{"kind", "process"}, {"items", oneTo(5)}, {"chunk", "1"}, {"work", "0.5"}, {"workers", "4"}});
    plan.pools[0].function = "cube";
    EXPECT_NE(validatePlan(plan).find("function 'cube' is unknown (allowed: square, sleep)"),
              std::string::npos);
}

TEST(CommPlan, QueuesPipesAndPoolsSurviveJson)
{
    const Plan plan = fixturePlan(
        "pool-map",
        {{"kind", "process"}, {"items", oneTo(7)}, {"chunk", "3"}, {"work", "0.5"}, {"workers", "4"}});
    Plan back;
    std::string error;
    ASSERT_TRUE(planFromJson(planToJson(plan), back, error)) << error;
    ASSERT_EQ(back.pools.size(), 1u);
    EXPECT_EQ(back.pools[0].items, plan.pools[0].items);
    EXPECT_EQ(back.pools[0].chunk, 3);
    EXPECT_EQ(planToJson(back), planToJson(plan));
    const Plan pc = fixturePlan(
        "producer-consumer",
        {{"kind", "process"}, {"items", "100"}, {"capacity", "7"}, {"produce", "0.02"}, {"consume", "0.05"}});
    ASSERT_TRUE(planFromJson(planToJson(pc), back, error)) << error;
    ASSERT_EQ(back.queues.size(), 1u);
    EXPECT_EQ(back.queues[0].capacity, 7);
    EXPECT_FALSE(planFromJson(R"({"queues":[{"capacity":0}]})", back, error));
    EXPECT_NE(error.find("'capacity' must be an integer from 1 to"), std::string::npos) << error;
}

namespace {

/// Starts `plan`, waits until every lane has started and `settle` has passed, kills lane `victim`'s
/// process, and returns the result once the run ends; fails if it does not end within 5 s of the kill.
RunResult killLaneAndFinish(const Plan &plan, std::size_t victim, std::chrono::milliseconds settle)
{
    std::string error;
    auto run = Run::start(plan, error);
    EXPECT_TRUE(run) << error;
    if (!run)
        return {};
    EXPECT_TRUE(test::waitForWorkerStarts(*run, plan.workers.size() + 1));
    std::this_thread::sleep_for(settle);
    const int pid = run->lanes()[victim].pid;
    EXPECT_GT(pid, 0);
    kill(pid, SIGKILL);
    EXPECT_TRUE(run->waitFor(std::chrono::seconds(5))) << "the survivor must not wait for a dead peer";
    if (!run->waitFor(std::chrono::milliseconds(1)))
        run->cancel();
    run->wait();
    return run->result();
}

} // namespace

TEST(DeadPeer, AGetWhoseOnlyPutterDiedFailsInsteadOfWaitingForEver)
{
    const RunResult r = killLaneAndFinish(
        fixturePlan(
            "producer-consumer",
            {{"kind", "process"}, {"items", "5"}, {"capacity", "2"}, {"produce", "2"}, {"consume", "0"}}),
        2, std::chrono::milliseconds(300));
    EXPECT_EQ(r.lanes[2].signal, SIGKILL);
    EXPECT_EQ(r.lanes[1].exitCode, 1);
    EXPECT_NE(r.lanes[1].error.find("queue.get() would wait for ever"), std::string::npos)
        << r.lanes[1].error;
    EXPECT_TRUE(zombieChildren().empty());
}

TEST(DeadPeer, APutOnAFullQueueWhoseOnlyGetterDiedFails)
{
    const RunResult r = killLaneAndFinish(
        fixturePlan(
            "producer-consumer",
            {{"kind", "process"}, {"items", "20"}, {"capacity", "2"}, {"produce", "0"}, {"consume", "5"}}),
        1, std::chrono::milliseconds(300));
    EXPECT_EQ(r.lanes[1].signal, SIGKILL);
    EXPECT_EQ(r.lanes[2].exitCode, 1);
    EXPECT_NE(r.lanes[2].error.find("the queue stays full for ever"), std::string::npos) << r.lanes[2].error;
}

TEST(DeadPeer, MainsReceiveFromADeadWorkerFailsTheRun)
{
    const RunResult r = killLaneAndFinish(fixturePlan("pipe", {{"kind", "process"}, {"delay", "5"}}), 1,
                                          std::chrono::milliseconds(300));
    EXPECT_EQ(r.lanes[1].signal, SIGKILL);
    EXPECT_TRUE(r.failed());
    EXPECT_NE(r.error.find("recv() would wait for ever"), std::string::npos) << r.error;
}

TEST(DeadPeer, AOneWayPipeThatFillsUpLosesNothing)
{
    // A producer that only sends and a consumer that only receives: the producer's sends block on a full
    // pipe, and nobody sends back on the consumer's end. The dead-peer watch must not take that for "no one
    // will ever read" (it lost messages once: comm_bench caught it).
    constexpr int kMessages = 5000; // a few pipe-fulls of 48-byte messages
    Plan plan;
    plan.scenario = "one-way-pipe";
    plan.kind = "process";
    plan.pipes = 1;
    std::vector<std::int64_t> items(kMessages);
    for (int i = 0; i < kMessages; ++i)
        items[static_cast<std::size_t>(i)] = i;
    plan.workers = {
        {"producer",
         WorkerKind::Process,
         items,
         {{StepOp::ForEach, {}, 0, 2}, {StepOp::Power, {}, 0, 1}, {StepOp::Send, {}, 0, 0}}},
        // The consumer starts late, so the producer fills the pipe and blocks in send first.
        {"consumer",
         WorkerKind::Process,
         items,
         {{StepOp::Sleep, {}, 0.2, 0}, {StepOp::ForEach, {}, 0, 1}, {StepOp::Recv, {}, 0, 1}}},
    };
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
    plan.ringCapacity = 1u << 16;
    std::vector<Event> events;
    const RunResult r = runToEnd(plan, &events);
    ASSERT_FALSE(r.failed()) << r.error;
    EXPECT_EQ(r.lanes[1].exitCode, 0) << r.lanes[1].error;
    EXPECT_EQ(r.lanes[2].exitCode, 0) << r.lanes[2].error;
    const auto received = std::count_if(events.begin(), events.end(),
                                        [](const Event &e) { return e.type == EventType::PipeRecv; });
    EXPECT_EQ(received, kMessages);
}
