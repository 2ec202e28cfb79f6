// The Queue and Pipe primitives on their own: real threads and real forked processes, no runner.
#include "core/client/collector.hpp"
#include "core/clock.hpp"
#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace forkscope::core;

namespace {

/// Shared anonymous memory, visible to forked children like the run's region.
struct SharedMemory {
    explicit SharedMemory(std::size_t bytes) : size((bytes + 4095) / 4096 * 4096)
    {
        base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        EXPECT_NE(base, MAP_FAILED);
    }
    ~SharedMemory() { munmap(base, size); }
    std::size_t size;
    void *base;
};

constexpr int kProducers = 3;
constexpr int kConsumers = 3;
constexpr int kPerProducer = 20000;

/// Encodes producer and sequence number in one value, so a consumer can check FIFO per producer.
std::int64_t encode(int producer, int i) { return static_cast<std::int64_t>(producer) * 1'000'000 + i; }

/// Consumes until closed; marks each value seen in `seen` and checks order per producer. Returns the
/// number of order violations. Allocation-free (runs in forked children too).
int consume(const SharedQueue &q, std::atomic<int> *seen)
{
    int lastOf[kProducers];
    for (int &l : lastOf)
        l = -1;
    int violations = 0;
    for (;;) {
        Message m{};
        if (q.get(m, -1, {}) != QueueStatus::Ok)
            return violations;
        const int producer = static_cast<int>(m.value / 1'000'000);
        const int i = static_cast<int>(m.value % 1'000'000);
        if (i <= lastOf[producer])
            ++violations;
        lastOf[producer] = i;
        seen[producer * kPerProducer + i].fetch_add(1, std::memory_order_relaxed);
    }
}

/// Waits (at most 10 s) until a waiter of the queue has raised its sleeper flag: it gave up spinning and
/// sleeps (or is about to) on the queue's futex word. Returns false if none did.
bool waitUntilAsleep(const std::atomic<std::uint32_t> &sleeperFlag)
{
    const std::int64_t from = monotonicNs();
    while (sleeperFlag.load() == 0) {
        if (monotonicNs() - from > 10'000'000'000)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

void produce(const SharedQueue &q, int producer)
{
    for (int i = 0; i < kPerProducer; ++i) {
        Message m{};
        m.value = encode(producer, i);
        ASSERT_EQ(q.put(m, -1, {}), QueueStatus::Ok);
    }
}

} // namespace

TEST(Queue, ThreadsGetEveryItemExactlyOnceInFifoOrderPerProducer)
{
    SharedMemory mem(SharedQueue::bytesFor(16) + sizeof(std::atomic<int>) * kProducers * kPerProducer + 64);
    const SharedQueue q = SharedQueue::create(mem.base, 16, 0);
    auto *seen
        = reinterpret_cast<std::atomic<int> *>(static_cast<char *>(mem.base) + SharedQueue::bytesFor(16));
    std::atomic<int> violations{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < kConsumers; ++c)
        threads.emplace_back([&] { violations += consume(q, seen); });
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
        producers.emplace_back([&q, p] { produce(q, p); });
    for (std::thread &t : producers)
        t.join();
    q.close({});
    for (std::thread &t : threads)
        t.join();
    EXPECT_EQ(violations.load(), 0) << "a consumer saw a producer's items out of order";
    for (int k = 0; k < kProducers * kPerProducer; ++k)
        ASSERT_EQ(seen[k].load(), 1) << "item " << k << " was got " << seen[k].load() << " times";
}

TEST(Queue, ProcessesGetEveryItemExactlyOnceInFifoOrderPerProducer)
{
    SharedMemory mem(SharedQueue::bytesFor(16) + sizeof(std::atomic<int>) * (kProducers * kPerProducer + 1)
                     + 64);
    const SharedQueue q = SharedQueue::create(mem.base, 16, 0);
    auto *seen
        = reinterpret_cast<std::atomic<int> *>(static_cast<char *>(mem.base) + SharedQueue::bytesFor(16));
    std::atomic<int> &violations = seen[kProducers * kPerProducer];
    std::vector<pid_t> children;
    for (int c = 0; c < kConsumers; ++c) {
        const pid_t pid = fork();
        if (pid == 0) {
            violations.fetch_add(consume(q, seen));
            _exit(0);
        }
        children.push_back(pid);
    }
    std::vector<pid_t> producers;
    for (int p = 0; p < kProducers; ++p) {
        const pid_t pid = fork();
        if (pid == 0) {
            for (int i = 0; i < kPerProducer; ++i) {
                Message m{};
                m.value = encode(p, i);
                if (q.put(m, -1, {}) != QueueStatus::Ok)
                    _exit(1);
            }
            _exit(0);
        }
        producers.push_back(pid);
    }
    for (const pid_t pid : producers) {
        int status = 0;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    q.close({});
    for (const pid_t pid : children)
        waitpid(pid, nullptr, 0);
    EXPECT_EQ(violations.load(), 0);
    for (int k = 0; k < kProducers * kPerProducer; ++k)
        ASSERT_EQ(seen[k].load(), 1) << "item " << k << " was got " << seen[k].load() << " times";
}

TEST(Queue, PutBlocksWhileFullAndGetBlocksWhileEmptyThenTimesOut)
{
    SharedMemory mem(SharedQueue::bytesFor(2));
    const SharedQueue q = SharedQueue::create(mem.base, 2, 0);
    Message m{};
    EXPECT_EQ(q.put(m, 0, {}), QueueStatus::Ok);
    EXPECT_EQ(q.put(m, 0, {}), QueueStatus::Ok);
    std::int64_t t0 = monotonicNs();
    EXPECT_EQ(q.put(m, 60'000'000, {}), QueueStatus::Timeout);
    EXPECT_GE(monotonicNs() - t0, 55'000'000) << "a put on a full queue waited for its timeout";
    EXPECT_EQ(q.size(), 2u);
    EXPECT_EQ(q.get(m, 0, {}), QueueStatus::Ok);
    EXPECT_EQ(q.get(m, 0, {}), QueueStatus::Ok);
    t0 = monotonicNs();
    EXPECT_EQ(q.get(m, 60'000'000, {}), QueueStatus::Timeout);
    EXPECT_GE(monotonicNs() - t0, 55'000'000) << "a get on an empty queue waited for its timeout";
}

TEST(Queue, ABlockedPutWakesWhenAGetMakesRoomAndABlockedGetWhenAPutArrives)
{
    SharedMemory mem(SharedQueue::bytesFor(1));
    const SharedQueue q = SharedQueue::create(mem.base, 1, 0);
    const auto *state = static_cast<const QueueState *>(mem.base);
    Message m{};
    m.value = 1;
    ASSERT_EQ(q.put(m, -1, {}), QueueStatus::Ok);
    std::atomic<std::int64_t> putDone{0};
    std::thread putter([&] {
        Message second{};
        second.value = 2;
        EXPECT_EQ(q.put(second, 5'000'000'000, {}), QueueStatus::Ok);
        putDone = monotonicNs();
    });
    ASSERT_TRUE(waitUntilAsleep(state->fullWaiters)) << "the put never went to sleep on the full queue";
    EXPECT_EQ(putDone.load(), 0) << "the put is still blocked on the full queue";
    const std::int64_t getAt = monotonicNs();
    ASSERT_EQ(q.get(m, -1, {}), QueueStatus::Ok);
    EXPECT_EQ(m.value, 1);
    putter.join();
    EXPECT_GE(putDone.load(), getAt);
    EXPECT_LT(putDone.load() - getAt, 40'000'000) << "woken by the get, not by its 50 ms wait slice";
    ASSERT_EQ(q.get(m, -1, {}), QueueStatus::Ok);
    EXPECT_EQ(m.value, 2);

    std::atomic<std::int64_t> gotAt{0};
    std::thread getter([&] {
        Message got{};
        EXPECT_EQ(q.get(got, 5'000'000'000, {}), QueueStatus::Ok);
        EXPECT_EQ(got.value, 3);
        gotAt = monotonicNs();
    });
    ASSERT_TRUE(waitUntilAsleep(state->emptyWaiters)) << "the get never went to sleep on the empty queue";
    EXPECT_EQ(gotAt.load(), 0) << "the get is still blocked on the empty queue";
    const std::int64_t putAt = monotonicNs();
    m.value = 3;
    ASSERT_EQ(q.put(m, -1, {}), QueueStatus::Ok);
    getter.join();
    EXPECT_LT(gotAt.load() - putAt, 40'000'000);
}

TEST(Queue, CloseEndsEveryBlockedConsumerAndRefusesPuts)
{
    SharedMemory mem(SharedQueue::bytesFor(4));
    const SharedQueue q = SharedQueue::create(mem.base, 4, 0);
    const auto *state = static_cast<const QueueState *>(mem.base);
    Message m{};
    ASSERT_EQ(q.put(m, -1, {}), QueueStatus::Ok);
    std::atomic<int> ok{0};
    std::atomic<int> closed{0};
    std::vector<std::thread> consumers;
    for (int i = 0; i < 4; ++i)
        consumers.emplace_back([&] {
            for (;;) {
                Message got{};
                const QueueStatus s = q.get(got, 10'000'000'000, {});
                if (s == QueueStatus::Ok) {
                    ++ok;
                    continue;
                }
                closed += s == QueueStatus::Closed;
                return;
            }
        });
    // The one message is taken and a consumer sleeps on the empty queue: the close must wake it.
    ASSERT_TRUE(waitUntilAsleep(state->emptyWaiters)) << "no consumer went to sleep on the empty queue";
    const std::int64_t t0 = monotonicNs();
    q.close({});
    for (std::thread &t : consumers)
        t.join();
    EXPECT_LT(monotonicNs() - t0, 1'000'000'000) << "close woke the blocked consumers";
    EXPECT_EQ(ok.load(), 1) << "what was in the queue is still got";
    EXPECT_EQ(closed.load(), 4);
    EXPECT_EQ(q.put(m, -1, {}), QueueStatus::Closed);
}

TEST(Queue, AProcessDyingWhileHoldingEitherMutexDoesNotDeadlockTheQueue)
{
    SharedMemory mem(SharedQueue::bytesFor(4));
    const SharedQueue q = SharedQueue::create(mem.base, 4, 0);
    auto *state = static_cast<QueueState *>(mem.base);
    const pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(&state->putSide.mutex);
        pthread_mutex_lock(&state->getSide.mutex);
        _exit(0); // dies holding both
    }
    waitpid(pid, nullptr, 0);
    Message m{};
    m.value = 7;
    EXPECT_EQ(q.put(m, 1'000'000'000, {}), QueueStatus::Ok)
        << "the put side's mutex was recovered (EOWNERDEAD)";
    EXPECT_EQ(q.get(m, 1'000'000'000, {}), QueueStatus::Ok) << "and the get side's";
    EXPECT_EQ(m.value, 7);
}

TEST(Queue, AProducerKilledAnywhereInItsPutsLeavesTheQueueWholeAndUsable)
{
    // A busy producer spends most of its time inside put, so a SIGKILL lands there: at any point of it the
    // ring must stay whole (every message got is whole, in order, never twice) and the queue usable.
    SharedMemory mem(SharedQueue::bytesFor(8));
    const SharedQueue q = SharedQueue::create(mem.base, 8, 0);
    for (int round = 0; round < 20; ++round) {
        const pid_t pid = fork();
        if (pid == 0) {
            for (std::int64_t i = 0;; ++i) {
                Message m{};
                m.value = i;
                m.setText("payload");
                q.put(m, -1, {});
            }
        }
        std::int64_t expected = 0;
        Message m{};
        for (int k = 0; k < 200 + round * 37; ++k) {
            ASSERT_EQ(q.get(m, 2'000'000'000, {}), QueueStatus::Ok);
            ASSERT_EQ(m.value, expected++);
        }
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        while (q.size() > 0) {
            ASSERT_EQ(q.get(m, 1'000'000'000, {}), QueueStatus::Ok);
            ASSERT_EQ(m.value, expected++) << "whole messages, in order, none twice (round " << round << ")";
            ASSERT_EQ(m.textView(), "payload");
        }
        m.value = -1;
        ASSERT_EQ(q.put(m, 1'000'000'000, {}), QueueStatus::Ok) << "the put side is usable after the kill";
        ASSERT_EQ(q.get(m, 1'000'000'000, {}), QueueStatus::Ok);
        EXPECT_EQ(m.value, -1);
    }
}

TEST(Pipe, MessagesArriveWholeAndInOrderBetweenProcessesAndEofEndsTheReader)
{
    PipeFds fds[2];
    std::string error;
    ASSERT_TRUE(PipeEnd::createPair(fds, error)) << error;
    SharedMemory mem(sizeof(PipeShared));
    auto *shared = new (mem.base) PipeShared{};
    const PipeEnd parent(fds[0], 0, shared);
    constexpr int kMessages = 20000;
    const pid_t pid = fork();
    if (pid == 0) {
        PipeEnd::closeEnd(fds[0]);
        const PipeEnd child(fds[1], 1, shared);
        for (int i = 0; i < kMessages; ++i) {
            Message m{};
            m.value = i;
            m.setText(i % 2 ? "odd" : "even");
            if (child.send(m, -1, {}) != QueueStatus::Ok)
                _exit(1);
        }
        _exit(0);
    }
    PipeEnd::closeEnd(fds[1]);
    int wrong = 0;
    for (int i = 0; i < kMessages; ++i) {
        Message m{};
        ASSERT_EQ(parent.recv(m, 5'000'000'000, {}), QueueStatus::Ok);
        wrong += m.value != i || m.seq != static_cast<std::uint32_t>(i)
            || m.textView() != std::string_view(i % 2 ? "odd" : "even");
    }
    EXPECT_EQ(wrong, 0);
    Message m{};
    EXPECT_EQ(parent.recv(m, 5'000'000'000, {}), QueueStatus::Closed) << "EOF once the child's end is closed";
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    PipeEnd::closeEnd(fds[0]);
}

TEST(Pipe, ASendWithNoReaderLeftFailsClosedInsteadOfKillingTheSender)
{
    PipeFds fds[2];
    std::string error;
    ASSERT_TRUE(PipeEnd::createPair(fds, error)) << error;
    SharedMemory mem(sizeof(PipeShared));
    auto *shared = new (mem.base) PipeShared{};
    PipeEnd::closeEnd(fds[1]); // the only copy of the receiving end
    const pid_t pid = fork();
    if (pid == 0) {
        std::signal(SIGPIPE, SIG_IGN); // as the runner does
        const PipeEnd end(fds[0], 0, shared);
        Message m{};
        _exit(end.send(m, 1'000'000'000, {}) == QueueStatus::Closed ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status)) << "the sender was killed by signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << "send said Closed (BrokenPipeError)";
    PipeEnd::closeEnd(fds[0]);
}

TEST(Pipe, RecvTimesOut)
{
    PipeFds fds[2];
    std::string error;
    ASSERT_TRUE(PipeEnd::createPair(fds, error)) << error;
    PipeShared shared{};
    const PipeEnd end(fds[0], 0, &shared);
    Message m{};
    const std::int64_t t0 = monotonicNs();
    EXPECT_EQ(end.recv(m, 30'000'000, {}), QueueStatus::Timeout);
    EXPECT_GE(monotonicNs() - t0, 25'000'000);
    PipeEnd::closeEnd(fds[0]);
    PipeEnd::closeEnd(fds[1]);
}

TEST(Queue, MessageLabelsCarryTheSequenceNumber)
{
    Event put;
    put.type = EventType::QueuePut;
    put.arg = 5;
    put.id = 42;
    put.text = "hello";
    EXPECT_EQ(messageLabel(put), "#42 hello");
    Event get = put;
    get.type = EventType::QueueGet;
    EXPECT_EQ(flowKey(get), flowKey(put)) << "a get pairs with the put of the same seq on the same queue";
    get.arg = 6;
    EXPECT_NE(flowKey(get), flowKey(put));
    Event send = put;
    send.type = EventType::PipeSend;
    send.arg = 4; // pipe 2's first end
    Event recv = send;
    recv.type = EventType::PipeRecv;
    recv.arg = 5; // its other end
    EXPECT_EQ(flowKey(recv), flowKey(send));
    EXPECT_NE(flowKey(send), flowKey(put)) << "pipes and queues never share a key";
    Message long_{};
    long_.setText("0123456789012345678901234567890é"); // the é would straddle the 32-byte end
    EXPECT_EQ(long_.textView(), "0123456789012345678901234567890") << "cut before the whole character";
}

TEST(Queue, ARecordedMessageReachesTheCollectorWithItsSeqValueAndText)
{
    std::string error;
    SharedRegion region = SharedRegion::create(1, 16, "", error);
    ASSERT_TRUE(region.valid()) << error;
    EventWriter writer = region.writer(0);
    writer.recordAt(1, EventType::WorkerStart, 1, 1, {}, 0);
    const std::vector<std::string> texts{"", "hello", "0123456789012345678901234567890!"};
    for (const std::string &text : texts) {
        Message m{};
        m.seq = 4'000'000'007u;
        m.value = -3;
        m.setText(text);
        recordMessage(writer, 5, EventType::QueuePut, m, 2);
    }
    EventCollector collector(region, {0, 0, 40});
    collector.drain(true);
    const std::vector<Event> events = collector.events();
    ASSERT_EQ(events.size(), 1 + texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const Event &e = events[1 + i];
        EXPECT_EQ(e.type, EventType::QueuePut);
        EXPECT_EQ(e.id, 4'000'000'007u);
        EXPECT_EQ(e.value, -3);
        EXPECT_EQ(e.arg, 2);
        EXPECT_EQ(e.text, texts[i]) << "a text longer than one slot comes back whole";
        EXPECT_EQ(messageLabel(e), "#4000000007" + (texts[i].empty() ? std::string() : " " + texts[i]));
    }
}
