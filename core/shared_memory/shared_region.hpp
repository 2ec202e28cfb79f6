#pragma once

#include "core/clock.hpp"
#include "core/event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace forkscope::core {

/// The shared-memory region one run lives in. The client creates it (a memfd), the runner process and every
/// forked worker map it. Layout: [SharedHeader][plan text][LaneSlot × lanes][Ring × lanes]. Each lane has its
/// own single-producer ring, so recording an event is a clock read, a 64-byte copy and one release store: no
/// lock, no shared counter, and it is async-signal-safe, so forked children may record.

inline constexpr std::uint64_t kRegionMagic = 0x31'50'4F'43'53'4B'52'46ULL; // "FRKSCOP1"
inline constexpr std::uint32_t kRegionVersion = 2;
inline constexpr std::size_t kEventTextBytes = 40;

/// One event as stored in a ring: 64 bytes, one cache line.
struct RawEvent {
    std::int64_t timeNs;  ///< CLOCK_MONOTONIC
    std::int64_t value;
    std::int32_t arg;
    std::uint16_t lane;
    EventType type;
    std::uint8_t flags;
    char text[kEventTextBytes]; ///< not NUL-terminated when full; kMoreText means it continues
};
static_assert(sizeof(RawEvent) == 64);

/// Kinds of lane. Values are part of the shared format.
enum class WorkerKind : std::uint8_t {
    Main = 0,       ///< the scenario's main flow
    Sequential = 1, ///< a "worker" called as a plain function by main, on main's thread
    Thread = 2,     ///< a std::thread in the runner process
    Process = 3,    ///< a fork()ed child of the runner process
};

std::string_view workerKindName(WorkerKind kind) noexcept;

enum class LaneState : std::uint32_t { Pending = 0, Running = 1, Ended = 2 };

struct alignas(64) LaneSlot {
    std::atomic<std::int32_t> pid;
    std::atomic<std::int32_t> tid;
    std::atomic<std::uint32_t> state;       ///< LaneState; a futex word: joiners wait on it
    std::atomic<std::uint32_t> endRecorded; ///< the worker wrote its own WorkerEnd
    WorkerKind kind;
    char name[47];
};

struct alignas(64) RingHeader {
    alignas(64) std::atomic<std::uint64_t> head; ///< written by the lane's producer only
    alignas(64) std::atomic<std::uint64_t> tail; ///< written by the client's collector only
    alignas(64) std::atomic<std::uint64_t> lost; ///< events refused because the ring was full
};

enum class RunPhase : std::uint32_t { Starting = 0, Running = 1, Finished = 2, Failed = 3 };

struct alignas(64) SharedHeader {
    std::uint64_t magic;
    std::uint32_t version;
    std::uint32_t laneCount;
    std::uint32_t ringCapacity; ///< a power of two
    std::uint32_t planBytes;
    std::uint32_t sharedBytes;   ///< the plan's shared memory (Value, Array, locks), see sharedArea()
    std::int64_t clientStartNs;      ///< the client's clock at spawn: time zero of the run
    std::atomic<std::uint32_t> cancel; ///< 0, or 1 once cancelled; a futex word that sleeps wait on
    std::atomic<std::uint32_t> phase;  ///< RunPhase
    std::atomic<std::int32_t> runnerPid;
    char error[512]; ///< the runner's reason when phase is Failed
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
        recordAt(monotonicNs(), type, value, arg, text, flags);
    }

    void recordAt(std::int64_t timeNs, EventType type, std::int64_t value, std::int32_t arg,
                  std::string_view text, std::uint8_t flags) noexcept
    {
        // All pieces of a long text or none: a reader never sees half a print. The last kReservedSlots
        // are kept for the lane's end, so a full ring still says how each worker ended.
        const std::uint64_t pieces = text.size() <= kEventTextBytes ? 1 : (text.size() + kEventTextBytes - 1) / kEventTextBytes;
        const bool lifecycle = type == EventType::WorkerEnd || type == EventType::MainEnd;
        if (!reserve(pieces + (lifecycle ? 0 : kReservedSlots))) {
            m_ring->lost.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        std::uint8_t continued = 0;
        do {
            const std::size_t chunk = text.size() < kEventTextBytes ? text.size() : kEventTextBytes;
            const std::uint8_t more = text.size() > kEventTextBytes ? kMoreText : 0;
            write(timeNs, type, value, arg, text.data(), chunk, static_cast<std::uint8_t>(flags | more | continued));
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

    void write(std::int64_t timeNs, EventType type, std::int64_t value, std::int32_t arg, const char *text,
               std::size_t length, std::uint8_t flags) noexcept
    {
        RawEvent &slot = m_slots[m_head & m_mask];
        slot.timeNs = timeNs;
        slot.value = value;
        slot.arg = arg;
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

/// A mapped region. Move-only; unmaps (and closes its fd) on destruction.
class SharedRegion {
public:
    SharedRegion() = default;
    SharedRegion(SharedRegion &&other) noexcept;
    SharedRegion &operator=(SharedRegion &&other) noexcept;
    SharedRegion(const SharedRegion &) = delete;
    SharedRegion &operator=(const SharedRegion &) = delete;
    ~SharedRegion();

    /// Creates a region for `lanes` lanes with rings of `ringCapacity` events (rounded up to a power of
    /// two) and the plan text. On failure returns an empty region and sets `error`.
    static SharedRegion create(std::uint32_t lanes, std::uint32_t ringCapacity, std::string_view planText,
                               std::string &error, std::uint32_t sharedBytes = 0);
    /// Maps an inherited region by file descriptor (in the runner). Checks magic and version.
    static SharedRegion attach(int fd, std::string &error);

    bool valid() const noexcept { return m_base != nullptr; }
    int fd() const noexcept { return m_fd; }

    SharedHeader &header() const noexcept { return *static_cast<SharedHeader *>(m_base); }
    std::string_view planText() const noexcept;
    /// The plan's shared memory: zeroed, 64-byte aligned, header().sharedBytes long; what Python's Value,
    /// Array and Lock live in, so that forked children and the runner see the same bytes.
    void *sharedArea() const noexcept;
    LaneSlot &lane(std::uint32_t index) const noexcept;
    RingHeader &ring(std::uint32_t index) const noexcept;
    RawEvent *ringSlots(std::uint32_t index) const noexcept;
    EventWriter writer(std::uint32_t lane) const noexcept;

    /// Wakes every thread or process sleeping on `word` (a futex in this region).
    static void wakeAll(std::atomic<std::uint32_t> &word) noexcept;
    /// Sleeps while `word` equals `expected`, at most `timeoutNs` (negative: no limit). Async-signal-safe.
    static void waitWhile(std::atomic<std::uint32_t> &word, std::uint32_t expected, std::int64_t timeoutNs) noexcept;

private:
    static std::size_t planOffset() noexcept;
    std::size_t lanesOffset() const noexcept;
    std::size_t sharedOffset() const noexcept;
    std::size_t ringsOffset() const noexcept;
    std::size_t ringStride() const noexcept;

    void *m_base = nullptr;
    std::size_t m_size = 0;
    int m_fd = -1;
};

/// Sets (or clears) a lane's name, truncated to fit.
void setLaneName(LaneSlot &slot, std::string_view name) noexcept;

} // namespace forkscope::core
