#pragma once

// Where events are collected: the client's collector drains every lane's ring (core/shared_memory/
// event_ring.hpp) into one time-ordered event list that readers copy from while the run goes on.

#include "core/event.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace forkscope::core {

/// A run of events as the log keeps them: each in 40 bytes (a core::Event is 72 and its text's heap block
/// on top, once longer than 15 bytes), the texts side by side in one buffer. A run of ten million events is
/// held in the log while it goes on and in the timeline's model beside it: in this form the log is about half
/// of what it was. Events go in and come out as core::Event.
class EventChunk {
public:
    std::size_t size() const { return m_events.size(); }
    bool empty() const { return m_events.empty(); }
    void reserve(std::size_t events) { m_events.reserve(events); }
    void clear()
    {
        m_events.clear();
        m_texts.clear();
    }
    /// Appends `e`. Its text must be shorter than 4 GB (an event's text is one printed line or a name).
    void add(const Event &e);
    /// Appends every event of `other`, in order.
    void addAll(const EventChunk &other);
    /// Sets `out` to event `index` (reusing its text's memory).
    void get(std::size_t index, Event &out) const;
    /// Room for more texts: false once the texts' buffer nears the 4 GB its offsets can reach.
    bool textRoom() const { return m_texts.size() < kTextLimit; }

private:
    struct Stored {
        std::int64_t timeNs;
        std::int64_t value;
        std::int32_t arg;
        std::int32_t detail;
        std::uint32_t id;
        std::uint32_t ref;
        std::uint16_t lane; ///< a ring's lane is 16 bits (RawEvent::lane)
        EventType type;
        std::uint8_t flags;
        std::uint32_t text; ///< where its length and bytes start in m_texts; kNoText when it has none
    };
    static_assert(sizeof(Stored) == 40);
    static constexpr std::uint32_t kNoText = UINT32_MAX;
    static constexpr std::size_t kTextLimit = std::size_t{3} << 30;

    std::vector<Stored> m_events;
    std::string m_texts; ///< per text: its length (4 bytes, native order), then its bytes
};

/// The published events, time-ordered: a list of chunks, each one drain's batch moved in whole, so
/// publishing a busy drain holds the lock for as long as a pointer move (a quiet one's few events join the
/// last chunk).
class EventLog {
public:
    std::size_t size() const { return m_size; }
    /// Appends `batch` and leaves it empty.
    void append(EventChunk &&batch);
    /// Appends events [from, size()), at most `max` of them; returns the index after the last one appended.
    std::size_t copyFrom(std::size_t from, std::vector<Event> &out, std::size_t max = SIZE_MAX) const;
    /// Moves every event out into one vector, letting each chunk go as soon as it is converted (so the events
    /// are held in both forms a chunk at a time only), and leaves the log empty.
    std::vector<Event> take();
    /// Calls `visit(event)` for events [from, size()), in order.
    template <typename Visit>
    void visitFrom(std::size_t from, Visit &&visit) const
    {
        if (from >= m_size)
            return;
        Event scratch;
        std::size_t chunk = chunkOf(from);
        for (std::size_t offset = from - m_starts[chunk]; chunk < m_chunks.size(); ++chunk, offset = 0)
            for (std::size_t i = offset; i < m_chunks[chunk].size(); ++i) {
                m_chunks[chunk].get(i, scratch);
                visit(static_cast<const Event &>(scratch));
            }
    }

private:
    std::size_t chunkOf(std::size_t index) const; ///< the chunk holding event `index` (< size())

    std::vector<EventChunk> m_chunks;
    std::vector<std::size_t> m_starts; ///< the index of each chunk's first event
    std::size_t m_size = 0;
};

/// Drains one run's rings. drain() and needsDraining() belong to one thread (the Run's collector thread);
/// the readers (copyEvents, eventCount, events, startNs) may be called from any thread.
class EventCollector {
public:
    /// `queueCapacities`: every queue's capacity by id (the plan's, then its pools'), for fill levels.
    EventCollector(const SharedRegion &region, const std::vector<std::uint32_t> &queueCapacities);

    /// Moves every event older than the 2 ms hold-back (all of them when `final`) from the rings into the
    /// log, merged in time order, converted once, and frees their slots.
    void drain(bool final);
    /// Some lane's ring holds half its capacity not yet drained, or an event older than 50 ms.
    bool needsDraining(std::int64_t nowNs) const;

    std::size_t copyEvents(std::size_t from, std::vector<Event> &out, std::size_t max = SIZE_MAX) const;
    std::vector<Event> events() const;
    /// Moves the events out (only once the drains are over): see EventLog::take.
    std::vector<Event> takeEvents();
    std::size_t eventCount() const;
    /// Main's WorkerStart on the monotonic clock: time zero of the events (0 until it was collected).
    std::int64_t startNs() const { return m_rawStartNs.load(std::memory_order_acquire); }
    /// When someone last read the events (monotonic ns): a reader is watching while this is recent.
    std::int64_t lastReadNs() const { return m_lastReadNs.load(std::memory_order_relaxed); }
    /// Calls `visit(event)` for every published event, in order, under the lock (for a finished run).
    template <typename Visit>
    void forEach(Visit &&visit) const
    {
        std::lock_guard lock(m_mutex);
        m_log.visitFrom(0, visit);
    }
    /// Calls `visit(event)` for the events published from index `from` on, under the lock, and returns how
    /// many are published. Unlike copyEvents it does not count as a reader watching (the drain pace stays).
    template <typename Visit>
    std::size_t forEachFrom(std::size_t from, Visit &&visit) const
    {
        std::lock_guard lock(m_mutex);
        m_log.visitFrom(from, visit);
        return m_log.size();
    }

private:
    /// Where the collector is in one lane's ring: slots [tail, head) are recorded and not yet published.
    struct Cursor {
        const RawEvent *ring = nullptr; ///< the lane's event slots (not "slots": a Qt macro)
        std::uint64_t tail = 0;
        std::uint64_t head = 0;
        std::uint64_t handedBack = 0; ///< slots [0, handedBack) are the writer's again (the ring's tail)
    };
    using Head = std::pair<std::int64_t, std::uint32_t>; ///< a lane's next time, the lane
    /// Per queue id, the messages put and got as of the last event converted (one past the highest seq
    /// seen), from which every queue event's fill level is set (see setQueueFill).
    struct QueueCount {
        std::uint64_t puts = 0;
        std::uint64_t gets = 0;
        std::uint64_t capacity = 0; ///< the queue's capacity (a put proves the gets that made room for it)
    };

    bool findStart();
    /// Converts the event at `c`'s tail (with the rest of a long text) onto m_batch and moves the tail past it.
    void convertNext(Cursor &c, std::uint32_t lane);
    /// Moves m_batch into the log (under the lock) and leaves it empty.
    void publishBatch();
    /// Sets a queue event's fill level (its detail) from the puts and gets converted so far.
    void setQueueFill(Event &e);

    const SharedRegion &m_region;
    std::uint64_t m_ringMask = 0;
    std::vector<Cursor> m_cursors;
    std::vector<Head> m_heads;             ///< the merge's heap, kept to reuse its memory
    EventChunk m_batch;                    ///< one drain's events, converted outside the lock
    Event m_converting;                    ///< the event convertNext is converting (its text's memory reused)
    std::int64_t m_lastTimeNs = INT64_MIN; ///< the time of the last event converted
    std::vector<QueueCount> m_queueCounts;
    std::int64_t m_startNs = 0;                ///< the collector thread's copy of m_rawStartNs
    std::atomic<std::int64_t> m_rawStartNs{0}; ///< for readers on other threads

    mutable std::mutex m_mutex; ///< guards m_log
    mutable std::atomic<std::int64_t> m_lastReadNs{0};
    EventLog m_log;
};

} // namespace forkscope::core
