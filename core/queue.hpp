#pragma once

// A bounded multi-producer, multi-consumer FIFO queue in shared memory: the same bytes are used by the
// runner's threads and by every forked child, like multiprocessing.Queue but without a feeder thread or
// pickling. Messages are fixed-size (an int64 value, a tag and a short text), so put and get never
// allocate and are safe between fork() and _exit().
//
// Synchronisation: a robust, process-shared pthread mutex guards the ring; a process that dies holding it
// hands it over with EOWNERDEAD and the next caller recovers it (the ring stays consistent because each
// put or get publishes with a single store of its counter after the slot is written). Blocked callers
// sleep on one of two futex words (notEmpty, notFull) that every put/get/close bumps under the mutex, in
// slices of at most 50 ms so that a cancel is noticed even without a wake.

#include "core/shared_region.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <pthread.h>
#include <string_view>

namespace forkscope::core {

inline constexpr std::size_t kMessageTextBytes = 32;
inline constexpr std::uint32_t kMaxQueueCapacity = 1u << 20;
inline constexpr int kMaxQueues = 64;

/// One message: what a put copies in and a get copies out. 48 bytes, trivially copyable.
struct Message {
    std::int64_t value = 0;
    std::uint32_t seq = 0; ///< set by put: the message's number in this queue (0, 1, 2, ...), its pairing id
    std::int32_t tag = 0; ///< free for the user (pools: chunk length, task index, -1 = stop)
    char text[kMessageTextBytes] = {}; ///< NUL-terminated unless full

    std::string_view textView() const noexcept;
    void setText(std::string_view t) noexcept; ///< truncated to fit
};
static_assert(sizeof(Message) == 48);

enum class QueueStatus : std::uint8_t { Ok, Timeout, Closed, Cancelled, Aborted };

/// The queue's header, at the start of its block of shared memory; the slots follow it. Three cache lines:
/// the mutex with both counters (what a put or get writes), the settings and sleeper flags (written only when
/// someone goes to sleep or the queue is closed, so on a busy queue they stay cached on every core), and the
/// futex words that a blocked put or get spins on before it sleeps (apart, so that a spinning waiter does
/// not pull the mutex's line away from the side that holds it).
struct alignas(64) QueueState {
    pthread_mutex_t mutex;
    /// Messages ever put (the slot of the next put is puts % capacity) and ever got. Written under the mutex
    /// only; atomic so that a put or get may peek at them without it before taking it (relaxed: x86 plain moves).
    std::atomic<std::uint64_t> puts;
    std::atomic<std::uint64_t> gets;
    alignas(64) std::uint32_t capacity;
    std::atomic<std::uint32_t> closed; ///< written under the mutex; peeked at without it
    std::uint32_t fullWaiters; ///< 1: someone went to sleep on notFull since the last wake of it
    std::uint32_t emptyWaiters; ///< 1: someone went to sleep on notEmpty since the last wake of it
    alignas(64) std::atomic<std::uint32_t> notEmpty; ///< futex: bumped by put and close (under the mutex)
    std::atomic<std::uint32_t> notFull; ///< futex: bumped by get and close (under the mutex)
};
static_assert(offsetof(QueueState, capacity) == 64 && offsetof(QueueState, notEmpty) == 128);

/// Where a queue operation records its events and what cancels its waits. Both may be null.
struct QueueContext {
    EventWriter *writer = nullptr;
    const std::atomic<std::uint32_t> *cancel = nullptr;
    /// Asked before each wait slice: true stops the wait with Aborted (a pool's main uses it to notice a
    /// worker that died). Must be async-signal-safe when used in a child.
    bool (*abort)(void *context) = nullptr;
    void *abortContext = nullptr;
};

/// A view of a queue living in shared memory. Copyable (it is two pointers and an id).
class SharedQueue {
public:
    SharedQueue() = default;

    /// Bytes a queue of `capacity` messages needs (a multiple of 64).
    static std::size_t bytesFor(std::uint32_t capacity) noexcept;
    /// Initialises a queue in `memory` (64-byte aligned, bytesFor(capacity) zeroed bytes). Not signal-safe;
    /// call before forking.
    static SharedQueue create(void *memory, std::uint32_t capacity, int id);
    /// A view of a queue create() already set up in `memory`.
    static SharedQueue attach(void *memory, int id) noexcept;

    bool valid() const noexcept { return m_state != nullptr; }
    int id() const noexcept { return m_id; }
    std::uint32_t capacity() const noexcept { return m_state->capacity; }

    /// Appends `message` (its seq is set), waiting while the queue is full: at most `timeoutNs`
    /// (negative: no limit). Records QueuePut (and QueueBlockBegin/End around a wait). Closed: nothing put.
    QueueStatus put(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;
    /// Takes the oldest message, waiting while the queue is empty. Records QueueGet (and the block).
    /// Closed: the queue was closed and is empty.
    QueueStatus get(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;
    /// No more puts; getters drain what is left, then get Closed. Wakes every waiter.
    void close(const QueueContext &context) const noexcept;
    /// Messages waiting now.
    std::uint32_t size() const noexcept;
    bool closed() const noexcept;

private:
    /// Locks the mutex, recovering it from a dead owner (recorded as a Note).
    void lock(const QueueContext &context) const noexcept;
    void unlock() const noexcept;
    struct Wait;
    /// With the mutex held: waits until a put (`forPut`) or a get can go ahead, or the queue is closed, the
    /// run cancelled or aborted, or `deadline` (monotonic ns, negative: none) passed — spinning first, then
    /// sleeping on the futex word in slices. Notes the wait in `wait` (drawn if it slept; the caller ends it
    /// with the operation's stamp); returns with the mutex held.
    QueueStatus waitTurn(bool forPut, std::int64_t deadline, Wait &wait, const QueueContext &context) const noexcept;
    void record(const QueueContext &context, std::int64_t timeNs, EventType type, const Message &m,
        std::uint32_t fill) const noexcept;

    QueueState *m_state = nullptr;
    Message *m_slots = nullptr;
    int m_id = 0;
};

/// Packs a queue event's arg: the queue id in the top 8 bits, the fill level in the low 24.
constexpr std::int32_t queueEventArg(int queueId, std::uint32_t fill) noexcept
{
    return static_cast<std::int32_t>((static_cast<std::uint32_t>(queueId) << 24) | (fill & 0xFFFFFFu));
}
constexpr int queueIdOf(std::int32_t arg) noexcept
{
    return static_cast<int>(static_cast<std::uint32_t>(arg) >> 24);
}
constexpr std::uint32_t queueFillOf(std::int32_t arg) noexcept
{
    return static_cast<std::uint32_t>(arg) & 0xFFFFFFu;
}

/// Writes "#<seq>" or "#<seq> <text>" into `out` without allocating; the text of put/get/send/recv events.
std::size_t formatMessageLabel(char *out, std::size_t capacity, const Message &m) noexcept;
/// Reads the seq back from such a label; false if it does not start with '#'.
bool parseMessageLabel(std::string_view label, std::uint32_t &seq, std::string_view &text) noexcept;

} // namespace forkscope::core
