#pragma once

#include "core/shared_memory/event_ring.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace forkscope::core {

/// The shared-memory region one run lives in. The client creates it (a memfd), the runner process and every
/// forked worker map it. Layout: [SharedHeader][plan text][LaneSlot × lanes][shared area][Ring × lanes]. The
/// shared area holds the plan's Values, Arrays, locks, queues and pipes (laid out by shared_layout.hpp); each
/// lane has its own event ring (event_ring.hpp).

inline constexpr std::uint64_t kRegionMagic = 0x31'50'4F'43'53'4B'52'46ULL; // "FRKSCOP1"
inline constexpr std::uint32_t kRegionVersion = 3; ///< 3: the event schema with detail, id and ref

enum class LaneState : std::uint32_t { Pending = 0, Running = 1, Ended = 2 };

struct alignas(64) LaneSlot {
    std::atomic<std::int32_t> pid;
    std::atomic<std::int32_t> tid;
    std::atomic<std::uint32_t> state;       ///< LaneState; a futex word: joiners wait on it
    std::atomic<std::uint32_t> endRecorded; ///< the worker wrote its own WorkerEnd
    WorkerKind kind;
    char name[47];
};

enum class RunPhase : std::uint32_t { Starting = 0, Running = 1, Finished = 2, Failed = 3 };

struct alignas(64) SharedHeader {
    std::uint64_t magic;
    std::uint32_t version;
    std::uint32_t laneCount;
    std::uint32_t ringCapacity; ///< a power of two
    std::uint32_t planBytes;
    std::uint32_t sharedBytes;         ///< the plan's shared memory (Value, Array, locks), see sharedArea()
    std::int64_t clientStartNs;        ///< the client's clock at spawn: time zero of the run
    std::atomic<std::uint32_t> cancel; ///< 0, or 1 once cancelled; a futex word that sleeps wait on
    std::atomic<std::uint32_t> phase;  ///< RunPhase
    std::atomic<std::int32_t> runnerPid;
    std::int32_t clientPid; ///< the process that started the run: the runner's parent (it dies with it)
    char error[512];        ///< the runner's reason when phase is Failed
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
    /// Gives the memory of a lane's read slots back to the system, a whole page at a time: every page of
    /// the ring that holds only slots with (unwrapped) indices in [from, to) is emptied (its slots read as
    /// zeros afterwards), in order from `from`. Returns the index up to which slots may be handed back to
    /// the writer: past the last page emptied, or `to` when the rest of [from, to) lies in the page the
    /// ring's counters share (never emptied). The caller reads the slots first and hands them back (the
    /// ring's tail) only after this, so the writer never writes into a page while it is emptied; it passes
    /// the returned index as the next call's `from`. A ring smaller than kReleasablePages pages empties
    /// nothing and returns `to`.
    std::uint64_t releaseSlots(std::uint32_t lane, std::uint64_t from, std::uint64_t to) const noexcept;
    /// The fewest pages a ring must span for releaseSlots to empty any: in smaller rings the slots held back
    /// (less than a page's) would be a noticeable part of the ring.
    static constexpr std::size_t kReleasablePages = 64;

    /// Wakes every thread or process sleeping on `word` (a futex in this region).
    static void wakeAll(std::atomic<std::uint32_t> &word) noexcept;
    /// Sleeps while `word` equals `expected`, at most `timeoutNs` (negative: no limit). Async-signal-safe.
    static void waitWhile(std::atomic<std::uint32_t> &word, std::uint32_t expected,
                          std::int64_t timeoutNs) noexcept;

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
