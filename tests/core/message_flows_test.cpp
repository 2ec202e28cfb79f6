// The focus views' data: messages paired from put to get and send to receive, and a queue's fill level with
// the stretches in which its producer or consumer was blocked — on scripted events with a known answer, and
// on the lessons' real runs.

#include "core/analysis/message_flows.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace forkscope::core {
namespace {

Event event(std::int64_t t, EventType type, std::uint32_t lane, std::int64_t value = 0, std::int32_t arg = 0,
            std::uint32_t id = 0, std::int32_t detail = 0, std::string text = {})
{
    Event e;
    e.timeNs = t;
    e.type = type;
    e.lane = lane;
    e.value = value;
    e.arg = arg;
    e.id = id;
    e.detail = detail;
    e.text = std::move(text);
    return e;
}

TEST(MessageFlows, PairsEachPutWithItsGetAndEachSendWithItsReceive)
{
    const std::vector<Event> events{
        event(10, EventType::QueuePut, 0, 7, 0, 0, 1, "message 1"),
        event(20, EventType::QueuePut, 0, 8, 0, 1, 2, "message 2"),
        event(30, EventType::PipeSend, 1, 0, 3, 0, 0, "hello"),     // end 3 sends to end 2
        event(40, EventType::QueueGet, 2, 8, 0, 1, 1, "message 2"), // seq 1 taken first
        event(50, EventType::PipeRecv, 0, 0, 2, 0, 0, "hello"),
    };
    const std::vector<MessageFlow> flows = messageFlows(events);
    ASSERT_EQ(flows.size(), 3u);
    EXPECT_FALSE(flows[0].received()) << "message 1 was never taken";
    EXPECT_EQ(flows[1].receiveNs, 40);
    EXPECT_EQ(flows[1].toLane, 2u);
    EXPECT_EQ(flows[1].value, 8);
    EXPECT_EQ(flows[1].text, "message 2");
    EXPECT_TRUE(flows[2].pipe);
    EXPECT_EQ(flows[2].fromLane, 1u);
    EXPECT_EQ(flows[2].toLane, 0u);
    EXPECT_EQ(flows[2].receiveNs, 50);
}

TEST(MessageFlows, AQueueKnowsWhenItWasFullAndWhoWaited)
{
    const std::vector<Event> events{
        event(0, EventType::QueueOpen, 0, 2, 0, 0, 0, "items"),
        event(10, EventType::QueuePut, 1, 0, 0, 0, 1),
        event(20, EventType::QueuePut, 1, 1, 0, 1, 2),  // full from 20
        event(25, EventType::QueueBlockBegin, 1, 0, 0), // the producer waits for room
        event(60, EventType::QueueGet, 2, 0, 0, 0, 1),  // room at 60
        event(61, EventType::QueueBlockEnd, 1, 0, 0),
        event(62, EventType::QueuePut, 1, 2, 0, 2, 2), // full again
        event(100, EventType::QueueGet, 2, 1, 0, 1, 1),
        event(110, EventType::QueueGet, 2, 2, 0, 2, 0),
        event(115, EventType::QueueBlockBegin, 2, 1, 0), // the consumer waits on an empty queue
    };
    const std::vector<QueueHistory> queues = queueHistories(events, 200);
    ASSERT_EQ(queues.size(), 1u);
    const QueueHistory &q = queues[0];
    EXPECT_EQ(q.name, "items");
    EXPECT_EQ(q.capacity, 2u);
    EXPECT_EQ(q.messages, 3u);
    EXPECT_EQ(q.fill.size(), 6u);
    EXPECT_EQ(q.fullNs(0, 200), (60 - 20) + (100 - 62));
    EXPECT_EQ(q.blockedNs(1, true), 61 - 25);
    EXPECT_EQ(q.blockedNs(2, false), 200 - 115) << "a wait still open at the end lasts until the end";
}

TEST(MessageFlows, ThePipeLessonGoesBackAndForth)
{
    std::vector<Event> events;
    const RunResult result = test::runToEnd(
        test::scenarioPlan("pipe", {{"kind", "process"}, {"delay", "0.5"}, {"time-scale", "0.02"}}), &events);
    ASSERT_TRUE(result.error.empty()) << result.error;
    const std::vector<MessageFlow> flows = messageFlows(events);
    ASSERT_EQ(flows.size(), 5u) << "hello, world, close and two answers";
    for (std::size_t i = 0; i < flows.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_TRUE(flows[i].pipe);
        EXPECT_TRUE(flows[i].received());
        EXPECT_LE(flows[i].sendNs, flows[i].receiveNs);
        EXPECT_NE(flows[i].fromLane, flows[i].toLane);
    }
    EXPECT_EQ(flows[0].text, "hello");
    EXPECT_EQ(flows[1].text, "Processed: hello");
    EXPECT_EQ(flows[1].fromLane, flows[0].toLane) << "the answer comes back from the worker";
    EXPECT_EQ(flows[1].toLane, flows[0].fromLane);
}

TEST(MessageFlows, TheProducerWaitsOnAFullQueue)
{
    std::vector<Event> events;
    const RunResult result = test::runToEnd(test::scenarioPlan("producer-consumer",
                                                               {{"kind", "thread"},
                                                                {"items", "30"},
                                                                {"capacity", "5"},
                                                                {"produce", "0.01"},
                                                                {"consume", "0.1"},
                                                                {"time-scale", "0.1"}}),
                                            &events);
    ASSERT_TRUE(result.error.empty()) << result.error;
    const std::int64_t end = events.back().timeNs;
    const std::vector<QueueHistory> queues = queueHistories(events, end);
    ASSERT_EQ(queues.size(), 1u);
    const QueueHistory &q = queues[0];
    EXPECT_EQ(q.capacity, 5u);
    EXPECT_EQ(q.messages, 30u);
    for (const auto &[time, fill] : q.fill)
        EXPECT_LE(fill, q.capacity);
    // The consumer is ten times slower, so the queue is full for most of the run and the producer blocks.
    EXPECT_GT(q.fullNs(0, end), end / 3);
    const auto producerWaits
        = std::ranges::count_if(q.blocked, [](const BlockedStretch &b) { return b.full; });
    EXPECT_GT(producerWaits, 10);
}

} // namespace
} // namespace forkscope::core
