#pragma once

// The event rings: one single-producer ring per lane in the run's shared memory. A worker records an
// event with a clock read, one 64-byte copy and one release store of its ring's head — no lock, no shared
// counter, nothing allocated — so forked children may record between fork() and _exit(). The client's
// collector (core/client/collector.hpp) is each ring's only reader.

#include "core/clock.hpp"
#include "core/event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace forkscope::core {

inline constexpr std::size_t kEventTextBytes = 28;

/// One event as stored in a ring: 64 bytes, one cache line. The fields are those of core::Event.
struct RawEvent {
    std::int64_t timeNs; ///< CLOCK_MONOTONIC
    std::int64_t value;
    std::int32_t arg;
    std::int32_t detail;
    std::uint32_t id;
    std::uint32_t ref;
    std::uint16_t lane;
    EventType type;
    std::uint8_t flags;
    char text[kEventTextBytes]; ///< not NUL-terminated when full; kMoreText means it continues
};
static_assert(sizeof(RawEvent) == 64);

/// A ring's counters, each on its own cache line: the producer writes only head, the collector only tail.
struct alignas(64) RingHeader {
    alignas(64) std::atomic<std::uint64_t> head; ///< written by the lane's producer only
    alignas(64) std::atomic<std::uint64_t> tail; ///< written by the client's collector only
    alignas(64) std::atomic<std::uint64_t> lost; ///< events refused because the ring was full
};

/// The numbers of an event besides its type, time and text (see core::Event for what each means).
struct EventFields {
    std::int64_t value = 0;
    std::int32_t arg = 0;
    std::int32_t detail = 0;
    std::uint32_t id = 0;
    std::uint32_t ref = 0;
};

/// Records events into one lane's ring. One writer per lane at a time; everything here is
/// async-signal-safe (no allocation, no locks), so it may be used between fork() and _exit().
class EventWriter {
public:
    EventWriter() = default;
    EventWriter(RingHeader *ring, RawEvent *eventSlots, std::uint32_t capacity, std::uint16_t lane) noexcept
            : m_ring(ring), m_slots(eventSlots), m_mask(capacity - 1), m_lane(lane),
              m_head(ring->head.load(std::memory_order_relaxed))
    {
    }

    /// Records one event stamped now; text longer than one slot continues in following slots.
    void record(EventType type, std::int64_t value = 0, std::int32_t arg = 0, std::string_view text = {},
                std::uint8_t flags = 0) noexcept
    {
        recordAt(monotonicNs(), type, EventFields{value, arg}, text, flags);
    }

    void recordAt(std::int64_t timeNs, EventType type, std::int64_t value, std::int32_t arg,
                  std::string_view text, std::uint8_t flags) noexcept
    {
        recordAt(timeNs, type, EventFields{value, arg}, text, flags);
    }

    void recordAt(std::int64_t timeNs, EventType type, const EventFields &fields, std::string_view text = {},
                  std::uint8_t flags = 0) noexcept
    {
        // All pieces of a long text or none: a reader never sees half a print. The last kReservedSlots
        // are kept for the lane's end, so a full ring still says how each worker ended.
        const std::uint64_t pieces
            = text.size() <= kEventTextBytes ? 1 : (text.size() + kEventTextBytes - 1) / kEventTextBytes;
        const bool lifecycle = type == EventType::WorkerEnd || type == EventType::MainEnd;
        if (!reserve(pieces + (lifecycle ? 0 : kReservedSlots))) {
            m_ring->lost.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        std::uint8_t continued = 0;
        do {
            const std::size_t chunk = text.size() < kEventTextBytes ? text.size() : kEventTextBytes;
            const std::uint8_t more = text.size() > kEventTextBytes ? kMoreText : 0;
            write(timeNs, type, fields, text.data(), chunk,
                  static_cast<std::uint8_t>(flags | more | continued));
            text.remove_prefix(chunk);
            continued = kContinued;
        } while (!text.empty());
        m_ring->head.store(m_head, std::memory_order_release);
    }

    std::uint16_t lane() const noexcept { return m_lane; }

private:
    static constexpr std::uint64_t kReservedSlots = 2; // WorkerEnd and MainEnd

    /// True if `slots` more events fit before the reader's position.
    bool reserve(std::uint64_t slots) noexcept
    {
        if (m_head + slots - m_cachedTail <= m_mask + 1)
            return true;
        m_cachedTail = m_ring->tail.load(std::memory_order_acquire);
        return m_head + slots - m_cachedTail <= m_mask + 1;
    }

    void write(std::int64_t timeNs, EventType type, const EventFields &fields, const char *text,
               std::size_t length, std::uint8_t flags) noexcept
    {
        RawEvent &slot = m_slots[m_head & m_mask];
        slot.timeNs = timeNs;
        slot.value = fields.value;
        slot.arg = fields.arg;
        slot.detail = fields.detail;
        slot.id = fields.id;
        slot.ref = fields.ref;
        slot.lane = m_lane;
        slot.type = type;
        slot.flags = flags;
        if (length)
            std::memcpy(slot.text, text, length);
        if (length < kEventTextBytes)
            slot.text[length] = '\0';
        ++m_head;
    }

    RingHeader *m_ring = nullptr;
    RawEvent *m_slots = nullptr;
    std::uint64_t m_mask = 0;
    std::uint16_t m_lane = 0;
    std::uint64_t m_head = 0;
    std::uint64_t m_cachedTail = 0;
};

} // namespace forkscope::core
