#include "core/shared_memory/queue.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace forkscope::core {

namespace {

/// Longest single futex sleep: a cancel (or a peer that died without waking us) is noticed this soon.
constexpr std::int64_t kWaitSliceNs = 50'000'000;

constexpr int kLockSpins = 100;
/// Polls of the other side's counter before a blocked put/get sleeps: a peer on another core usually moves
/// it within a microsecond or two, and catching that here saves both the sleep and the peer's wake call.
constexpr int kWaitSpins = 400;

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Once the other side has moved, a waiter that spun lets it go on for up to this many messages (or
/// kBatchWaitNs) before it takes its turn, so that the two sides take turns in batches: each look at the
/// other side's counter pulls its cache line across, and the other side's next store must pull it back.
/// A queue of capacity C lets the other side run at most C messages ahead, so the batch is at most C / 2.
/// (On the development VM, two processes passing 100,000 messages: a batch of 8 within 2 µs gave a median
/// of 5.1-5.3 M msg/s, 64 within 10 µs 5.3-6.4 M, within 20 µs 6.1-6.8 M, within 40 µs 6.5-7.0 M.) The
/// batch wait is not part of a drawn wait: the waiter could go ahead, it chooses to let the other side run.
constexpr std::uint64_t kBatch = 64;
constexpr std::int64_t kBatchWaitNs = 30'000;

std::uint64_t batchFor(std::uint32_t capacity) noexcept
{
    return std::clamp<std::uint64_t>(capacity / 2, 1, kBatch);
}

/// Spins while `counter` still reads `seen` and the queue is open; true if either changed (no need to sleep).
/// `movedAt`: when the counter was seen to move (the wait for the queue ended there; the batch wait after
/// it is the waiter's choice, not the queue's state, and is never drawn as a blocked bar).
bool spinWhile(const std::atomic<std::uint64_t> &counter, std::uint64_t seen, std::uint64_t batch,
               const std::atomic<std::uint32_t> &closed, std::int64_t &movedAt) noexcept
{
    movedAt = 0;
    for (int i = 0; i < kWaitSpins; ++i) {
        if (counter.load(std::memory_order_acquire) != seen) {
            // The other side is busy right now, which is what let it move: wait while it keeps moving. Every
            // 16 polls (a pause lasts from a few to some 40 ns depending on the processor) the clock bounds
            // the wait, and a counter that has not moved since the last look ends it: a single message (a
            // request awaiting its reply, a burst's last one) waits a few hundred ns, not the whole bound.
            movedAt = monotonicNs();
            const std::int64_t until = movedAt + kBatchWaitNs;
            std::uint64_t lastLook = counter.load(std::memory_order_relaxed);
            for (unsigned j = 1; lastLook - seen < batch; ++j) {
                for (int k = 0; k < 4; ++k)
                    cpuRelax();
                const std::uint64_t now = counter.load(std::memory_order_relaxed);
                if (now - seen >= batch)
                    break;
                if (j % 16 == 0) {
                    if (now == lastLook || monotonicNs() >= until)
                        break;
                    lastLook = now;
                }
            }
            return true;
        }
        if (closed.load(std::memory_order_relaxed))
            return true;
        cpuRelax();
    }
    return false;
}

} // namespace

/// A put or get that found the queue full or empty. Its wait is drawn as a QueueBlockBegin/End bar if it
/// went to sleep in the kernel or lasted at least kDrawnWaitNs; the microsecond waits that the spin
/// absorbs (most of them at full speed) record nothing, which keeps a busy queue at one event per message.
/// Its clock reads happen outside the mutex; its end is the put's or get's own stamp.
struct SharedQueue::Wait {
    static constexpr std::int64_t kDrawnWaitNs = 20'000;
    std::int64_t since = 0;
    std::int64_t why = 0;
    std::int32_t arg = 0;     ///< the queue's id (the collector adds the fill level, see Run::setQueueFill)
    std::int64_t movedAt = 0; ///< when a spin last saw the other side move (0: none did)
    bool drawn = false;

    bool started() const noexcept { return since != 0; }
    void start(std::int64_t reason, std::int32_t eventArg) noexcept
    {
        since = monotonicNs();
        why = reason;
        arg = eventArg;
    }
    /// Before sleeping: the bar begins when the wait did (a few µs ago, well inside the collector's hold-back).
    void draw(const QueueContext &context) noexcept
    {
        if (drawn || !context.writer)
            return;
        context.writer->recordAt(since, EventType::QueueBlockBegin, why, arg, {}, 0);
        drawn = true;
    }
    /// The wait ended at `endNs` (the operation's stamp, taken under the mutex; 0 when the operation did not
    /// happen: now), and how.
    void finish(const QueueContext &context, std::int64_t endNs, std::int64_t how) noexcept
    {
        if (!since || !context.writer)
            return;
        if (!endNs)
            endNs = monotonicNs();
        const std::int64_t blockedUntil = movedAt ? std::min(movedAt, endNs) : endNs;
        if (!drawn && blockedUntil - since >= kDrawnWaitNs)
            draw(context);
        if (drawn)
            context.writer->recordAt(endNs < since ? since : endNs, EventType::QueueBlockEnd, how, arg, {},
                                     0);
    }
};

namespace {

bool isCancelled(const QueueContext &context) noexcept
{
    return context.cancel && context.cancel->load(std::memory_order_acquire) != 0;
}

bool isAborted(const QueueContext &context) noexcept
{
    return context.abort && context.abort(context.abortContext);
}

std::int64_t blockEndCode(QueueStatus status) noexcept
{
    switch (status) {
    case QueueStatus::Ok: return 0;
    case QueueStatus::Timeout: return 1;
    case QueueStatus::Closed: return 2;
    default: return 3;
    }
}

/// True if the mutex's lock word reads free (glibc: the owner's tid, 0 when unlocked). A hint only; the
/// trylock that follows decides. Elsewhere: always true, so the spin is a plain trylock loop.
inline bool mutexLooksFree(pthread_mutex_t &mutex) noexcept
{
#ifdef __GLIBC__
    return __atomic_load_n(&mutex.__data.__lock, __ATOMIC_RELAXED) == 0;
#else
    (void)mutex;
    return true;
#endif
}

/// Wakes everyone asleep on `word` (after the side's mutex is released): the bump makes a futex wait that
/// is about to start return at once.
void wakeSleepers(std::atomic<std::uint32_t> &word) noexcept
{
    word.fetch_add(1, std::memory_order_release);
    SharedRegion::wakeAll(word);
}

/// Publishes a side's counter and tells whether someone on the other side may be asleep (and takes that
/// note: one wake for all of them). Both sequentially consistent, pairing with the sleeper's (raise flag,
/// look at the counter), also sequentially consistent: either it sees our store or we see its flag, so no
/// wake is lost. (Operations, not fences: ThreadSanitizer models these.) On x86 the store is one xchg.
bool publishAndTakeWaiters(std::atomic<std::uint64_t> &counter, std::uint64_t value,
                           std::atomic<std::uint32_t> &waiters) noexcept
{
    counter.store(value, std::memory_order_seq_cst);
    return waiters.load(std::memory_order_seq_cst) != 0
        && waiters.exchange(0, std::memory_order_relaxed) != 0;
}

} // namespace

std::string_view Message::textView() const noexcept { return {text, strnlen(text, kMessageTextBytes)}; }

void Message::setText(std::string_view t) noexcept
{
    std::size_t n = t.size() < kMessageTextBytes ? t.size() : kMessageTextBytes;
    if (n < t.size()) {
        // Cut at a character boundary: never keep half a UTF-8 sequence.
        while (n > 0 && (static_cast<unsigned char>(t[n]) & 0xC0) == 0x80)
            --n;
    }
    if (n)
        std::memcpy(text, t.data(), n);
    if (n < kMessageTextBytes)
        text[n] = '\0';
}

std::size_t SharedQueue::bytesFor(std::uint32_t capacity) noexcept
{
    const std::size_t bytes = sizeof(QueueState) + sizeof(Message) * capacity;
    return (bytes + 63) / 64 * 64;
}

SharedQueue SharedQueue::create(void *memory, std::uint32_t capacity, int id)
{
    auto *state = new (memory) QueueState{};
    state->capacity = capacity;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&state->putSide.mutex, &attr);
    pthread_mutex_init(&state->getSide.mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    return attach(memory, id);
}

SharedQueue SharedQueue::attach(void *memory, int id) noexcept
{
    SharedQueue q;
    q.m_state = static_cast<QueueState *>(memory);
    q.m_slots = reinterpret_cast<Message *>(static_cast<char *>(memory) + sizeof(QueueState));
    q.m_id = id;
    return q;
}

void SharedQueue::lock(QueueSide &side, const QueueContext &context) const noexcept
{
    // Critical sections are a few dozen ns: spin briefly before sleeping in the kernel (glibc's robust
    // mutexes do not spin by themselves). Only callers of the same side meet here.
    int rc = EBUSY;
    for (int i = 0; i < kLockSpins && rc == EBUSY; ++i) {
        // Test before test-and-set: a trylock is a locked compare-exchange that takes the line away from
        // the holder in the middle of its critical section; a plain read of the lock word does not.
        if (!mutexLooksFree(side.mutex)) {
            cpuRelax();
            continue;
        }
        rc = pthread_mutex_trylock(&side.mutex);
        if (rc == EBUSY)
            cpuRelax();
    }
    if (rc == EBUSY)
        rc = pthread_mutex_lock(&side.mutex);
    if (rc == EOWNERDEAD) {
        // A process died inside put/get/close. Every change is published by one store after the slot is
        // written (or read), so the ring is whole: take the mutex over and say so.
        pthread_mutex_consistent(&side.mutex);
        if (context.writer)
            context.writer->record(EventType::Note, m_id, 0,
                                   "queue recovered from a worker that died holding it");
    }
}

void SharedQueue::unlock(QueueSide &side) noexcept { pthread_mutex_unlock(&side.mutex); }

void recordMessage(EventWriter &writer, std::int64_t timeNs, EventType type, const Message &m,
                   std::int32_t arg) noexcept
{
    writer.recordAt(timeNs, type, EventFields{m.value, arg, 0, m.seq}, m.textView());
}

void SharedQueue::record(const QueueContext &context, std::int64_t timeNs, EventType type,
                         const Message &m) const noexcept
{
    if (context.writer)
        recordMessage(*context.writer, timeNs, type, m, m_id);
}

QueueStatus SharedQueue::waitTurn(bool forPut, std::int64_t deadline, Wait &wait,
                                  const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    QueueSide &side = forPut ? s.putSide : s.getSide;
    const std::atomic<std::uint64_t> &mine = forPut ? s.puts : s.gets;
    const std::atomic<std::uint64_t> &other = forPut ? s.gets : s.puts; // what frees our turn
    std::atomic<std::uint32_t> &word = forPut ? s.notFull : s.notEmpty;
    std::atomic<std::uint32_t> &waiters = forPut ? s.fullWaiters : s.emptyWaiters;
    // A put may go ahead while fewer than capacity messages are in; a get while any is.
    const auto ready = [&](std::uint64_t otherCount) noexcept {
        const std::uint64_t own = mine.load(std::memory_order_relaxed);
        return forPut ? own - otherCount < s.capacity : otherCount != own;
    };
    for (;;) {
        // Closed first: a close is set after the last put it lets through, so a getter that sees it also
        // sees every message that is still to be drained.
        const bool closed = s.closed.load(std::memory_order_acquire) != 0;
        if (!ready(side.cachedOther))
            side.cachedOther = other.load(std::memory_order_acquire);
        const bool go = ready(side.cachedOther);
        // A closed queue takes no more puts, but getters still drain what is in it.
        if (closed && (forPut || !go))
            return QueueStatus::Closed;
        if (go)
            return QueueStatus::Ok;
        if (isCancelled(context))
            return QueueStatus::Cancelled;
        if (isAborted(context))
            return QueueStatus::Aborted;
        // The clock is read under the mutex only when there is a deadline to check.
        const std::int64_t now = deadline >= 0 ? monotonicNs() : 0;
        if (deadline >= 0 && now >= deadline)
            return QueueStatus::Timeout;
        const std::uint64_t seen = side.cachedOther;
        unlock(side);
        if (!wait.started())
            wait.start(forPut ? 0 : 1, m_id);
        if (!spinWhile(other, seen, batchFor(s.capacity), s.closed, wait.movedAt)) {
            // Raise the flag, then look once more (pairs with publishAndTakeWaiters): either
            // the other side sees the flag and wakes us, or we see its move here and do not sleep.
            const std::uint32_t ticket = word.load(std::memory_order_acquire);
            waiters.store(1, std::memory_order_seq_cst);
            if (other.load(std::memory_order_seq_cst) == seen && !s.closed.load(std::memory_order_seq_cst)) {
                wait.draw(context);
                const std::int64_t slice
                    = deadline < 0 ? kWaitSliceNs : std::min(kWaitSliceNs, deadline - now);
                SharedRegion::waitWhile(word, ticket, slice);
            }
        }
        lock(side, context);
    }
}

QueueStatus SharedQueue::put(Message &message, std::int64_t timeoutNs,
                             const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    Wait wait;
    lock(s.putSide, context);
    const QueueStatus status = waitTurn(true, deadline, wait, context);
    std::int64_t stamp = 0;
    bool wake = false;
    if (status == QueueStatus::Ok) {
        const std::uint64_t puts = s.puts.load(std::memory_order_relaxed);
        message.seq = static_cast<std::uint32_t>(puts);
        m_slots[puts % s.capacity] = message;
        // Stamped before the message is published, so a put is never later than the get of its message,
        // and under the put side's mutex, so one queue's puts are in seq order in time (which is what the
        // collector's fill count relies on).
        stamp = context.writer ? monotonicNs() : 0;
        wake = publishAndTakeWaiters(s.puts, puts + 1, s.emptyWaiters); // the one store that publishes it
    }
    unlock(s.putSide);
    if (wake)
        wakeSleepers(s.notEmpty);
    wait.finish(context, stamp, blockEndCode(status));
    if (status == QueueStatus::Ok)
        record(context, stamp, EventType::QueuePut, message);
    return status;
}

QueueStatus SharedQueue::get(Message &message, std::int64_t timeoutNs,
                             const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    Wait wait;
    lock(s.getSide, context);
    const QueueStatus status = waitTurn(false, deadline, wait, context);
    std::int64_t stamp = 0;
    bool wake = false;
    if (status == QueueStatus::Ok) {
        const std::uint64_t gets = s.gets.load(std::memory_order_relaxed);
        message = m_slots[gets % s.capacity];
        // Stamped under the get side's mutex (gets in seq order in time), after the put's stamp.
        stamp = context.writer ? monotonicNs() : 0;
        wake = publishAndTakeWaiters(s.gets, gets + 1, s.fullWaiters); // the slot is free again
    }
    unlock(s.getSide);
    if (wake)
        wakeSleepers(s.notFull);
    wait.finish(context, stamp, blockEndCode(status));
    if (status == QueueStatus::Ok)
        record(context, stamp, EventType::QueueGet, message);
    return status;
}

void SharedQueue::close(const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    // Under the put side's mutex: no put is half done, and none lands after the close.
    lock(s.putSide, context);
    // Stamped before it takes effect: a getter it releases (it takes no put-side lock) stamps later.
    const std::int64_t stamp = context.writer ? monotonicNs() : 0;
    const bool already = s.closed.exchange(1, std::memory_order_seq_cst) != 0;
    if (!already && context.writer)
        context.writer->recordAt(stamp, EventType::QueueClose, 0, m_id, {}, 0);
    unlock(s.putSide);
    // Every waiter is woken whether or not it raised its flag (a waiter looks at `closed` after raising it).
    wakeSleepers(s.notEmpty);
    wakeSleepers(s.notFull);
}

std::uint32_t SharedQueue::size() const noexcept
{
    const std::uint64_t gets = m_state->gets.load(std::memory_order_acquire);
    const std::uint64_t puts = m_state->puts.load(std::memory_order_acquire);
    return puts <= gets ? 0
                        : static_cast<std::uint32_t>(std::min<std::uint64_t>(puts - gets, m_state->capacity));
}

bool SharedQueue::closed() const noexcept { return m_state->closed.load(std::memory_order_acquire) != 0; }

} // namespace forkscope::core
