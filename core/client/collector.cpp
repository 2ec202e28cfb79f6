#include "core/client/collector.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <malloc.h>

namespace forkscope::core {

namespace {

constexpr std::int64_t kHoldBackNs = 2'000'000;   // events younger than this wait one more drain
constexpr std::int64_t kUnreadAgeNs = 50'000'000; // unread, an event this old is drained anyway
constexpr std::size_t kChunkEvents = 65'536;      // the most events one published chunk holds (2.5 MB)

} // namespace

void EventChunk::add(const Event &e)
{
    std::uint32_t text = kNoText;
    if (!e.text.empty()) {
        text = static_cast<std::uint32_t>(m_texts.size());
        const auto length = static_cast<std::uint32_t>(e.text.size());
        m_texts.append(reinterpret_cast<const char *>(&length), sizeof length);
        m_texts.append(e.text);
    }
    m_events.push_back({e.timeNs, e.value, e.arg, e.detail, e.id, e.ref, static_cast<std::uint16_t>(e.lane),
                        e.type, e.flags, text});
}

void EventChunk::addAll(const EventChunk &other)
{
    const auto shift = static_cast<std::uint32_t>(m_texts.size());
    m_texts.append(other.m_texts);
    m_events.reserve(m_events.size() + other.m_events.size());
    for (Stored s : other.m_events) {
        if (s.text != kNoText)
            s.text += shift;
        m_events.push_back(s);
    }
}

void EventChunk::get(std::size_t index, Event &out) const
{
    const Stored &s = m_events[index];
    out.timeNs = s.timeNs;
    out.value = s.value;
    out.arg = s.arg;
    out.detail = s.detail;
    out.id = s.id;
    out.ref = s.ref;
    out.lane = s.lane;
    out.type = s.type;
    out.flags = s.flags;
    if (s.text == kNoText) {
        out.text.clear();
        return;
    }
    std::uint32_t length = 0;
    std::memcpy(&length, m_texts.data() + s.text, sizeof length);
    out.text.assign(m_texts.data() + s.text + sizeof length, length);
}

void EventLog::append(EventChunk &&batch)
{
    constexpr std::size_t kSmall = 256; // a quiet run's few events per drain join the last chunk instead
    m_size += batch.size();
    if (!m_chunks.empty() && batch.size() < kSmall && m_chunks.back().size() < 16 * kSmall) {
        m_chunks.back().addAll(batch);
        batch.clear();
        return;
    }
    m_starts.push_back(m_size - batch.size());
    m_chunks.push_back(std::move(batch));
    batch = {};
}

std::size_t EventLog::chunkOf(std::size_t index) const
{
    // The last chunk that starts at or before it.
    return static_cast<std::size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), index)
                                    - m_starts.begin())
        - 1;
}

std::size_t EventLog::copyFrom(std::size_t from, std::vector<Event> &out, std::size_t max) const
{
    if (from >= m_size)
        return m_size;
    std::size_t chunk = chunkOf(from);
    std::size_t offset = from - m_starts[chunk];
    std::size_t left = max;
    for (; chunk < m_chunks.size() && left > 0; ++chunk, offset = 0) {
        const EventChunk &events = m_chunks[chunk];
        const std::size_t n = std::min(left, events.size() - offset);
        for (std::size_t i = offset; i < offset + n; ++i)
            events.get(i, out.emplace_back());
        left -= n;
    }
    return from + (max - left);
}

std::vector<Event> EventLog::take()
{
    std::vector<Event> out;
    reserveEvents(out, m_size);
    // The chunks were allocated a drain at a time (a few MB each, from the collector thread's malloc arena):
    // freed, their pages stay with the process until malloc_trim gives them back, so without it the end of a
    // run held its events in both forms at once (40 + 72 bytes an event, beside the timeline's model).
    constexpr std::size_t kTrimEvery = 1'000'000; // events' chunks freed: 40 MB and their texts
    std::size_t freed = 0;
    for (EventChunk &chunk : m_chunks) {
        for (std::size_t i = 0; i < chunk.size(); ++i)
            chunk.get(i, out.emplace_back());
        freed += chunk.size();
        chunk = {};
        if (freed >= kTrimEvery) {
            malloc_trim(0);
            freed = 0;
        }
    }
    if (freed > 0)
        malloc_trim(0);
    m_chunks.clear();
    m_starts.clear();
    m_size = 0;
    return out;
}

EventCollector::EventCollector(const SharedRegion &region, const std::vector<std::uint32_t> &queueCapacities)
        : m_region(region), m_ringMask(region.header().ringCapacity - 1)
{
    const std::uint32_t lanes = region.header().laneCount;
    m_cursors.resize(lanes);
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
        m_cursors[lane].ring = region.ringSlots(lane);
    for (const std::uint32_t capacity : queueCapacities)
        m_queueCounts.push_back({0, 0, capacity});
}

std::size_t EventCollector::copyEvents(std::size_t from, std::vector<Event> &out, std::size_t max) const
{
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    return m_log.copyFrom(from, out, max);
}

std::vector<Event> EventCollector::events() const
{
    std::vector<Event> out;
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    out.reserve(m_log.size());
    m_log.copyFrom(0, out);
    return out;
}

std::vector<Event> EventCollector::takeEvents()
{
    std::lock_guard lock(m_mutex);
    return m_log.take();
}

std::size_t EventCollector::eventCount() const
{
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    return m_log.size();
}

bool EventCollector::findStart()
{
    // Main's start is the runner's first event: nothing is published before it.
    const Cursor &main = m_cursors[0];
    for (std::uint64_t t = main.tail; t < main.head; ++t)
        if (main.ring[t & m_ringMask].type == EventType::WorkerStart) {
            m_startNs = main.ring[t & m_ringMask].timeNs;
            m_rawStartNs.store(m_startNs, std::memory_order_release);
            return true;
        }
    return false;
}

void EventCollector::drain(bool final)
{
    const std::uint32_t lanes = m_region.header().laneCount;
    // The hold-back is measured from before the heads are read, so a writer gets its whole 2 ms.
    const std::int64_t horizon = final ? INT64_MAX : monotonicNs() - kHoldBackNs;
    // Each lane's ring is its own staging area: an event stays in its slot (which the writer cannot reuse
    // before the tail passes it) until it is converted, once, into the batch below. A lane has one writer
    // at a time that reads the clock before each store, so a ring is in time order; the merge interleaves
    // the lanes. Only this thread touches the cursors and the batch, so all of it happens outside the
    // lock; readers wait only for the batch to be moved into the published list.
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
        m_cursors[lane].head = m_region.ring(lane).head.load(std::memory_order_acquire);
    if (!m_startNs && !findStart())
        return;
    const auto handBackSlots = [this, lanes] {
        // The slots are free for their writers once their events are out (this thread is the tails' only writer).
        // Their pages are emptied first, a whole page at a time (the part of a page not yet read waits, and so do
        // its read slots), so the writer never writes into a page being emptied: a ring sized to hold a whole run
        // (up to 256 MB a lane) would otherwise stay resident after its events were copied out, 64 bytes per
        // event on top of the events themselves.
        for (std::uint32_t lane = 0; lane < lanes; ++lane) {
            Cursor &c = m_cursors[lane];
            c.handedBack = m_region.releaseSlots(lane, c.handedBack, c.tail);
            std::atomic<std::uint64_t> &tail = m_region.ring(lane).tail;
            if (tail.load(std::memory_order_relaxed) != c.handedBack)
                tail.store(c.handedBack, std::memory_order_release);
        }
    };
    // Everything older than the hold-back (younger events wait for late writers on other lanes): a k-way
    // merge of the rings by (time, lane); within a lane the ring's order is kept (a begin stays before its
    // end at equal times).
    const auto nextTime = [this](const Cursor &c) { return c.ring[c.tail & m_ringMask].timeNs; };
    std::vector<Head> &heads = m_heads;
    heads.clear();
    for (std::uint32_t lane = 0; lane < lanes; ++lane) {
        const Cursor &c = m_cursors[lane];
        if (c.tail < c.head && nextTime(c) <= horizon)
            heads.emplace_back(nextTime(c), lane);
    }
    const auto later = [](const Head &a, const Head &b) { return a > b; }; // min-heap
    std::make_heap(heads.begin(), heads.end(), later);
    m_batch.clear(); // moved from, or emptied by the last append
    std::uint64_t waiting = 0;
    for (const Cursor &c : m_cursors)
        waiting += c.head - c.tail;
    // At most one event per slot, and a chunk at most: no reallocation below.
    m_batch.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(waiting, kChunkEvents)));
    while (!heads.empty()) {
        std::pop_heap(heads.begin(), heads.end(), later);
        const std::uint32_t lane = heads.back().second;
        Cursor &c = m_cursors[lane];
        // Take this lane's events while they stay ahead of every other lane's next one.
        const std::int64_t limit = heads.size() > 1 ? heads.front().first : horizon;
        const std::uint32_t limitLane = heads.size() > 1 ? heads.front().second : UINT32_MAX;
        while (c.tail < c.head) {
            const std::int64_t t = nextTime(c);
            if (t > horizon || t > limit || (t == limit && lane > limitLane))
                break;
            convertNext(c, lane);
            // A chunk's texts stay within what its 32-bit offsets reach, and its events within kChunkEvents:
            // when the run ends, the log is converted and let go a chunk at a time (EventLog::take), and a
            // drain that caught up with millions of events in one chunk held them all in both forms at once
            // (+50 bytes an event at the end of an 8 M-event run, bench/latency_bench).
            if (!m_batch.textRoom() || m_batch.size() >= kChunkEvents) {
                waiting -= std::min<std::uint64_t>(waiting, m_batch.size());
                publishBatch();
                handBackSlots(); // published, so readers take them now: not kept in the rings meanwhile
                m_batch.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(waiting, kChunkEvents)));
            }
        }
        if (c.tail < c.head && nextTime(c) <= horizon) {
            heads.back().first = nextTime(c);
            std::push_heap(heads.begin(), heads.end(), later);
        } else {
            heads.pop_back();
        }
    }
    if (!m_batch.empty())
        publishBatch();
    handBackSlots();
}

void EventCollector::publishBatch()
{
    std::lock_guard lock(m_mutex);
    m_log.append(std::move(m_batch));
}

bool EventCollector::needsDraining(std::int64_t nowNs) const
{
    const std::uint64_t half = (m_ringMask + 1) / 2;
    for (std::uint32_t lane = 0; lane < m_cursors.size(); ++lane) {
        const Cursor &c = m_cursors[lane];
        const std::uint64_t head = m_region.ring(lane).head.load(std::memory_order_acquire);
        if (head - c.tail >= half
            || (head != c.tail && nowNs - c.ring[c.tail & m_ringMask].timeNs > kUnreadAgeNs))
            return true;
    }
    return false;
}

void EventCollector::convertNext(Cursor &c, std::uint32_t lane)
{
    const RawEvent &raw = c.ring[c.tail++ & m_ringMask];
    std::int64_t time = raw.timeNs - m_startNs;
    auto flags = static_cast<std::uint8_t>(raw.flags & ~(kMoreText | kContinued));
    // Consumers read the list by index while it grows, so nothing may be inserted before what is already
    // out. A writer preempted for longer than the hold-back between its clock read and its store is
    // published at the last published time, flagged kLate.
    if (time < m_lastTimeNs) {
        time = m_lastTimeNs;
        flags |= kLate;
    }
    m_lastTimeNs = time;
    Event &e = m_converting;
    e.timeNs = time;
    e.value = raw.value;
    e.arg = raw.arg;
    e.detail = raw.detail;
    e.id = raw.id;
    e.ref = raw.ref;
    e.lane = lane;
    e.type = raw.type;
    e.flags = flags;
    e.text.assign(raw.text, strnlen(raw.text, kEventTextBytes));
    // A long text continues in the next slots (the writer stores all pieces before it publishes any).
    bool more = raw.flags & kMoreText;
    while (more && c.tail < c.head) {
        const RawEvent &piece = c.ring[c.tail & m_ringMask];
        if (!(piece.flags & kContinued))
            break; // cannot happen with whole writes; never glue unrelated events together
        e.text.append(piece.text, strnlen(piece.text, kEventTextBytes));
        more = piece.flags & kMoreText;
        ++c.tail;
    }
    if (e.type == EventType::QueuePut || e.type == EventType::QueueGet || e.type == EventType::QueueClose)
        setQueueFill(e);
    m_batch.add(e);
}

void EventCollector::setQueueFill(Event &e)
{
    // A queue's fill level at an event is the messages put minus those got up to it, counted here in the
    // merged stream instead of by the worker: reading the other side's counter in every put and get moved
    // a cache line between the producer's and the consumer's cores per message (about a sixth of the
    // queue's throughput on this VM). The count is exact in stamp order: puts are stamped in seq order
    // under the put side's mutex and before they publish, gets likewise and after they read, so when a put
    // or get is converted every earlier operation has been. Seqs rather than a running count keep a lost
    // event from shifting the rest.
    // One exception: a writer preempted for longer than the hold-back between its clock read and its store
    // is published late (kLate), after operations that followed it. So each operation also counts what it
    // proves happened before it: the get of seq g, the put of seq g; the put of seq p, the get of seq
    // p - capacity that made room for it. (Seen under ASan on a loaded machine: a late get left a put at
    // fill 11 of 10.)
    if (e.arg < 0)
        return;
    const auto id = static_cast<std::size_t>(e.arg);
    if (id >= m_queueCounts.size())
        m_queueCounts.resize(id + 1);
    QueueCount &q = m_queueCounts[id];
    if (e.type == EventType::QueuePut) {
        const std::uint64_t puts = std::uint64_t{e.id} + 1;
        q.puts = std::max(q.puts, puts);
        if (q.capacity && puts > q.capacity)
            q.gets = std::max(q.gets, puts - q.capacity);
    } else if (e.type == EventType::QueueGet) {
        q.gets = std::max(q.gets, std::uint64_t{e.id} + 1);
        q.puts = std::max(q.puts, q.gets);
    }
    const std::uint64_t fill = q.puts > q.gets ? q.puts - q.gets : 0;
    e.detail = static_cast<std::int32_t>(std::min<std::uint64_t>(fill, INT32_MAX));
}

} // namespace forkscope::core
