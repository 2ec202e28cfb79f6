#pragma once

// A bounded multi-producer, multi-consumer FIFO queue in shared memory: the same bytes are used by the
// runner's threads and by every forked child, like multiprocessing.Queue but without a feeder thread or
// pickling. Messages are fixed-size (an int64 value, a tag and a short text), so put and get never
// allocate and are safe between fork() and _exit().
//
// Synchronisation: a two-lock ring. Producers serialise among themselves on the put side's mutex and
// consumers on the get side's; a producer and a consumer never take the same lock. They meet only through
// two counters (messages ever put, ever got), each written by its own side with one sequentially consistent
// store after the slot is written or read, and each side keeps a cached copy of the other's counter, so a busy queue moves
// about one cache line per message between a producer's core and a consumer's. For the same reason a put or
// get does not read the other side's counter to report the fill level: its event carries the queue id and
// the collector counts the fill from the merged puts and gets (Run::setQueueFill). Both mutexes are robust and
// process-shared: a process that dies holding one hands it over with EOWNERDEAD and the next caller
// recovers it; the ring stays whole because every change is published by that single store.
// A put or get that must wait spins on the other side's counter (and once it moves, lets it move a few
// messages further, so the sides take turns in small batches), then sleeps on a futex word (notEmpty,
// notFull) after raising a sleeper flag; the other side looks at the flag after each publish (a Dekker
// pair of sequentially consistent stores and loads, so no wake is lost) and wakes everyone asleep once. Sleeps are
// slices of at most 50 ms so that a cancel is noticed even without a wake.

#include "core/shared_memory/shared_region.hpp"

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
    std::int32_t tag = 0;  ///< free for the user (pools: chunk length, task index, -1 = stop)
    char text[kMessageTextBytes] = {}; ///< NUL-terminated unless full

    std::string_view textView() const noexcept;
    void setText(std::string_view t) noexcept; ///< truncated to fit
};
static_assert(sizeof(Message) == 48);

enum class QueueStatus : std::uint8_t { Ok, Timeout, Closed, Cancelled, Aborted };

/// One side of a queue (putters or getters): its mutex and, under it, its last look at the other side's
/// counter. A cache line of its own, which stays on the core of a lone producer (or consumer).
struct alignas(64) QueueSide {
    pthread_mutex_t mutex;
    std::uint64_t cachedOther; ///< the other side's counter when this side last read it (under the mutex)
};

/// The queue's header, at the start of its block of shared memory; the slots follow it. Each counter has its
/// own cache line, and so do the settings and the futex words with their sleeper flags (written only when
/// someone goes to sleep or the queue is closed, so on a busy queue they stay cached on every core).
struct alignas(64) QueueState {
    QueueSide putSide;
    QueueSide getSide;
    alignas(
        64) std::atomic<std::uint64_t> puts; ///< messages ever put; the next put's slot is puts % capacity
    alignas(64) std::atomic<std::uint64_t> gets; ///< messages ever got
    alignas(64) std::uint32_t capacity;
    std::atomic<std::uint32_t> closed; ///< set under the put side's mutex, so no put lands after it
    alignas(
        64) std::atomic<std::uint32_t> notEmpty; ///< futex: bumped to wake sleeping getters (and by close)
    std::atomic<std::uint32_t> notFull;          ///< futex: bumped to wake sleeping putters (and by close)
    std::atomic<std::uint32_t> emptyWaiters;     ///< 1: a getter may be asleep on notEmpty
    std::atomic<std::uint32_t> fullWaiters;      ///< 1: a putter may be asleep on notFull
};

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
    struct Wait;
    /// Locks one side's mutex, recovering it from a dead owner (recorded as a Note).
    void lock(QueueSide &side, const QueueContext &context) const noexcept;
    static void unlock(QueueSide &side) noexcept;
    /// With `forPut`'s side mutex held: waits until a put (or a get) can go ahead, or the queue is closed,
    /// the run cancelled or aborted, or `deadline` (monotonic ns, negative: none) passed — spinning first,
    /// then sleeping in slices, with the mutex released meanwhile. Notes the wait in `wait` (drawn if it
    /// slept; the caller ends it with the operation's stamp); returns with the mutex held.
    QueueStatus waitTurn(bool forPut, std::int64_t deadline, Wait &wait,
                         const QueueContext &context) const noexcept;
    void record(const QueueContext &context, std::int64_t timeNs, EventType type,
                const Message &m) const noexcept;

    QueueState *m_state = nullptr;
    Message *m_slots = nullptr;
    int m_id = 0;
};

/// Records a put/get/send/recv of `m`: its value, `arg` (the queue id or pipe end), its seq as the event's id
/// and its text. Async-signal-safe.
void recordMessage(EventWriter &writer, std::int64_t timeNs, EventType type, const Message &m,
                   std::int32_t arg) noexcept;

} // namespace forkscope::core
