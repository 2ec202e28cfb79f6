#include "core/queue.hpp"

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
/// Polls of the futex word before a blocked put/get sleeps: a peer on another core usually changes it within
/// a microsecond or two, and catching that here saves both the sleep and the peer's wake system call.
constexpr int kWaitSpins = 400;
/// Pauses after the word changed before trying the mutex (measured: 32 to 128 raise a busy two-process
/// queue from about 4.4 to 5.3 M messages/s here, and make it steadier).
constexpr int kAfterChangeSpins = 32;

inline void cpuRelax() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Spins while `word` still reads `seen`; true if it changed (no need to sleep).
bool spinWhile(const std::atomic<std::uint32_t> &word, std::uint32_t seen) noexcept
{
    for (int i = 0; i < kWaitSpins; ++i) {
        if (word.load(std::memory_order_acquire) != seen) {
            // The word changes inside the other side's critical section: give it a moment to unlock
            // before we read the lock word, rather than pulling the line back while it still writes.
            for (int k = 0; k < kAfterChangeSpins; ++k)
                cpuRelax();
            return true;
        }
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
    std::int32_t arg = 0;
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
    /// The wait ended at `endNs` (stamped under the mutex, with the operation), how and with what fill.
    void finish(const QueueContext &context, std::int64_t endNs, std::int64_t how, std::int32_t endArg) noexcept
    {
        if (!since || !context.writer)
            return;
        if (!drawn && endNs - since >= kDrawnWaitNs)
            draw(context);
        if (drawn)
            context.writer->recordAt(endNs < since ? since : endNs, EventType::QueueBlockEnd, how, endArg, {}, 0);
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
    case QueueStatus::Ok:
        return 0;
    case QueueStatus::Timeout:
        return 1;
    case QueueStatus::Closed:
        return 2;
    default:
        return 3;
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

/// Messages in the queue: exact under the mutex, a hint without it.
inline std::uint64_t count(const QueueState &s) noexcept
{
    return s.puts.load(std::memory_order_relaxed) - s.gets.load(std::memory_order_relaxed);
}

/// Before taking the mutex: while the queue looks full (a put) or empty (a get), spin on the futex word the
/// other side bumps, so that a busy producer and consumer do not take the mutex just to find no turn. Only
/// a hint: waitTurn decides under the mutex, and sleeps if the spin ran out.
inline void spinForTurn(const QueueState &s, bool forPut) noexcept
{
    const std::atomic<std::uint32_t> &word = forPut ? s.notFull : s.notEmpty;
    const std::uint32_t seen = word.load(std::memory_order_acquire);
    const bool ready = forPut ? count(s) < s.capacity : count(s) != 0;
    if (!ready && !s.closed.load(std::memory_order_relaxed))
        spinWhile(word, seen);
}

/// Changes a futex word that only the mutex holder writes: a plain load and store, no locked instruction
/// (waiters only compare it with what they saw).
inline void bump(std::atomic<std::uint32_t> &word) noexcept
{
    word.store(word.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

std::size_t putNumber(char *out, std::size_t capacity, std::size_t n, std::uint64_t v) noexcept
{
    char digits[24];
    int len = 0;
    do {
        digits[len++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (len && n < capacity)
        out[n++] = digits[--len];
    return n;
}

} // namespace

std::string_view Message::textView() const noexcept
{
    return { text, strnlen(text, kMessageTextBytes) };
}

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

std::size_t formatMessageLabel(char *out, std::size_t capacity, const Message &m) noexcept
{
    std::size_t n = 0;
    if (n < capacity)
        out[n++] = '#';
    n = putNumber(out, capacity, n, m.seq);
    const std::string_view text = m.textView();
    if (!text.empty() && n < capacity)
        out[n++] = ' ';
    for (char c : text)
        if (n < capacity)
            out[n++] = c;
    return n;
}

bool parseMessageLabel(std::string_view label, std::uint32_t &seq, std::string_view &text) noexcept
{
    if (label.size() < 2 || label[0] != '#')
        return false;
    std::size_t i = 1;
    std::uint64_t v = 0;
    while (i < label.size() && label[i] >= '0' && label[i] <= '9')
        v = v * 10 + static_cast<std::uint64_t>(label[i++] - '0');
    if (i == 1)
        return false;
    seq = static_cast<std::uint32_t>(v);
    text = i < label.size() ? label.substr(i + 1) : std::string_view();
    return true;
}

std::size_t SharedQueue::bytesFor(std::uint32_t capacity) noexcept
{
    const std::size_t bytes = sizeof(QueueState) + sizeof(Message) * capacity;
    return (bytes + 63) / 64 * 64;
}

SharedQueue SharedQueue::create(void *memory, std::uint32_t capacity, int id)
{
    auto *state = new (memory) QueueState {};
    state->capacity = capacity;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&state->mutex, &attr);
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

void SharedQueue::lock(const QueueContext &context) const noexcept
{
    // Critical sections are a few dozen ns: spin on trylock briefly before sleeping in the kernel, so a
    // producer and a consumer on two cores rarely pay a futex round trip for the mutex (glibc's robust
    // mutexes do not spin by themselves).
    int rc = EBUSY;
    for (int i = 0; i < kLockSpins && rc == EBUSY; ++i) {
        // Test before test-and-set: a trylock is a locked compare-exchange that takes the line away from
        // the holder in the middle of its critical section; a plain read of the lock word does not.
        if (!mutexLooksFree(m_state->mutex)) {
            cpuRelax();
            continue;
        }
        rc = pthread_mutex_trylock(&m_state->mutex);
        if (rc == EBUSY)
            cpuRelax();
    }
    if (rc == EBUSY)
        rc = pthread_mutex_lock(&m_state->mutex);
    if (rc == EOWNERDEAD) {
        // A process died inside put/get/close. Every change is published by one store after the slot is
        // written, so the ring is whole: take the mutex over and say so.
        pthread_mutex_consistent(&m_state->mutex);
        if (context.writer)
            context.writer->record(
                EventType::Note, m_id, 0, "queue recovered from a worker that died holding it");
    }
}

void SharedQueue::unlock() const noexcept
{
    pthread_mutex_unlock(&m_state->mutex);
}

void SharedQueue::record(const QueueContext &context, std::int64_t timeNs, EventType type, const Message &m,
    std::uint32_t fill) const noexcept
{
    if (!context.writer)
        return;
    char label[16 + kMessageTextBytes];
    const std::size_t n = formatMessageLabel(label, sizeof label, m);
    context.writer->recordAt(timeNs, type, m.value, queueEventArg(m_id, fill), std::string_view(label, n), 0);
}

QueueStatus SharedQueue::waitTurn(bool forPut, std::int64_t deadline, Wait &wait, const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    std::atomic<std::uint32_t> &word = forPut ? s.notFull : s.notEmpty;
    std::uint32_t &waiters = forPut ? s.fullWaiters : s.emptyWaiters;
    for (;;) {
        const bool ready = forPut ? count(s) < s.capacity : count(s) != 0;
        // A closed queue takes no more puts, but getters still drain what is in it.
        if (s.closed && (forPut || !ready))
            return QueueStatus::Closed;
        if (ready)
            return QueueStatus::Ok;
        if (isCancelled(context))
            return QueueStatus::Cancelled;
        if (isAborted(context))
            return QueueStatus::Aborted;
        // The clock is read under the mutex only when there is a deadline to check.
        const std::int64_t now = deadline >= 0 ? monotonicNs() : 0;
        if (deadline >= 0 && now >= deadline)
            return QueueStatus::Timeout;
        // Read the word under the mutex: the other side bumps it under the mutex too, so either we see the
        // change when we look again or the futex wait returns at once.
        const std::uint32_t seen = word.load(std::memory_order_relaxed);
        const std::uint32_t fill = forPut ? static_cast<std::uint32_t>(count(s)) : 0;
        unlock();
        if (!wait.started())
            wait.start(forPut ? 0 : 1, queueEventArg(m_id, fill));
        if (spinWhile(word, seen)) {
            lock(context);
            continue;
        }
        lock(context);
        if (word.load(std::memory_order_relaxed) != seen)
            continue;
        waiters = 1;
        unlock();
        wait.draw(context);
        const std::int64_t slice = deadline < 0 ? kWaitSliceNs : std::min(kWaitSliceNs, deadline - now);
        SharedRegion::waitWhile(word, seen, slice);
        lock(context);
    }
}

QueueStatus SharedQueue::put(
    Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    Wait wait;
    spinForTurn(s, true);
    lock(context);
    const QueueStatus status = waitTurn(true, deadline, wait, context);
    bool wake = false;
    std::int64_t stamp = 0;
    const std::uint32_t fill = static_cast<std::uint32_t>(count(s));
    if (status == QueueStatus::Ok) {
        const std::uint64_t puts = s.puts.load(std::memory_order_relaxed);
        message.seq = static_cast<std::uint32_t>(puts);
        m_slots[puts % s.capacity] = message;
        s.puts.store(puts + 1, std::memory_order_relaxed); // the one store that publishes the message
        bump(s.notEmpty);
        // One wake for everyone asleep now: until one of them sleeps again, later puts need not call the
        // kernel (without this, every put during a sleeper's wake-up latency paid a FUTEX_WAKE). Cleared
        // only when set, so that a busy queue leaves the header's second line clean in both caches.
        wake = s.emptyWaiters != 0;
        if (wake)
            s.emptyWaiters = 0;
    }
    if (context.writer && (status == QueueStatus::Ok || wait.started()))
        stamp = monotonicNs();
    unlock();
    if (wake)
        SharedRegion::wakeAll(s.notEmpty);
    wait.finish(context, stamp, blockEndCode(status), queueEventArg(m_id, fill));
    // Stamped under the mutex (so a put is never later than the get of its message, and one queue's puts
    // are in seq order in time), recorded after the unlock to keep the critical section short.
    if (status == QueueStatus::Ok)
        record(context, stamp, EventType::QueuePut, message, fill + 1);
    return status;
}

QueueStatus SharedQueue::get(
    Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    Wait wait;
    spinForTurn(s, false);
    lock(context);
    const QueueStatus status = waitTurn(false, deadline, wait, context);
    bool wake = false;
    std::int64_t stamp = 0;
    const std::uint32_t fill = static_cast<std::uint32_t>(count(s));
    if (status == QueueStatus::Ok) {
        const std::uint64_t gets = s.gets.load(std::memory_order_relaxed);
        message = m_slots[gets % s.capacity];
        s.gets.store(gets + 1, std::memory_order_relaxed);
        bump(s.notFull);
        wake = s.fullWaiters != 0;
        if (wake)
            s.fullWaiters = 0;
    }
    if (context.writer && (status == QueueStatus::Ok || wait.started()))
        stamp = monotonicNs();
    unlock();
    if (wake)
        SharedRegion::wakeAll(s.notFull);
    wait.finish(context, stamp, blockEndCode(status), queueEventArg(m_id, fill));
    if (status == QueueStatus::Ok)
        record(context, stamp, EventType::QueueGet, message, fill - 1);
    return status;
}

void SharedQueue::close(const QueueContext &context) const noexcept
{
    QueueState &s = *m_state;
    lock(context);
    const bool already = s.closed != 0;
    s.closed.store(1, std::memory_order_relaxed);
    s.notEmpty.fetch_add(1, std::memory_order_relaxed);
    s.notFull.fetch_add(1, std::memory_order_relaxed);
    if (!already && context.writer)
        context.writer->record(
            EventType::QueueClose, 0, queueEventArg(m_id, static_cast<std::uint32_t>(count(s))));
    unlock();
    SharedRegion::wakeAll(s.notEmpty);
    SharedRegion::wakeAll(s.notFull);
}

std::uint32_t SharedQueue::size() const noexcept
{
    lock({});
    const auto n = static_cast<std::uint32_t>(count(*m_state));
    unlock();
    return n;
}

bool SharedQueue::closed() const noexcept
{
    lock({});
    const bool c = m_state->closed != 0;
    unlock();
    return c;
}

} // namespace forkscope::core
