#include "ui/timeline_model.hpp"

#include "core/shared_memory/queue.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_set>

namespace forkscope::ui {

using core::Event;
using core::EventType;
using core::WorkerKind;

const char *barStateName(BarState state) noexcept
{
    switch (state) {
    case BarState::Computing: return "computing";
    case BarState::Sleeping: return "sleeping";
    case BarState::JoinWait: return "join wait";
    case BarState::LockWait: return "lock wait";
    case BarState::LockHold: return "lock hold";
    case BarState::QueueBlocked: return "message wait";
    case BarState::Task: return "pool task";
    }
    return "?";
}

std::size_t Lane::firstIndex(std::int64_t t) const noexcept
{
    // m_maxEnd is non-decreasing, and the first i with m_maxEnd[i] >= t is the first bar ending at or after
    // t.
    if (m_maxEndValid < bars.size())
        syncMaxEnd();
    return static_cast<std::size_t>(std::lower_bound(m_maxEnd.begin(), m_maxEnd.end(), t) - m_maxEnd.begin());
}

std::size_t Lane::lastIndex(std::int64_t t) const noexcept
{
    const auto it = std::upper_bound(bars.begin(), bars.end(), t,
                                     [](std::int64_t time, const Bar &bar) { return time < bar.begin; });
    return static_cast<std::size_t>(it - bars.begin());
}

std::size_t Lane::firstGilSpan(std::int64_t t) const noexcept
{
    // Spans of a lane never overlap, so their ends are sorted like their begins.
    const auto it = std::lower_bound(gil.begin(), gil.end(), t,
                                     [](const GilSpan &span, std::int64_t time) { return span.end < time; });
    return static_cast<std::size_t>(it - gil.begin());
}

std::size_t Lane::firstMarker(std::int64_t from) const noexcept
{
    const auto it = std::lower_bound(markers.begin(), markers.end(), from,
                                     [](const Marker &m, std::int64_t time) { return m.time < time; });
    return static_cast<std::size_t>(it - markers.begin());
}

std::size_t Lane::lastMarker(std::int64_t to) const noexcept
{
    const auto it = std::upper_bound(markers.begin(), markers.end(), to,
                                     [](std::int64_t time, const Marker &m) { return time < m.time; });
    return static_cast<std::size_t>(it - markers.begin());
}

std::size_t BarTrack::first(const MappedVector<Bar> &laneBars, std::int64_t t) const noexcept
{
    // Blocks' maxEnd is a running maximum: the first block reaching t holds the first bar that does.
    const auto block = std::lower_bound(blocks.begin(), blocks.end(), t,
                                        [](const Block &b, std::int64_t time) { return b.maxEnd < time; });
    std::size_t at = static_cast<std::size_t>(block - blocks.begin()) * kBlock;
    if (block != blocks.end())
        return at;
    // Past the sealed blocks: the closed bars after them, then the open ones.
    while (at < closed && laneBars[bars[at]].end < t)
        ++at;
    return at;
}

void Lane::syncTracks() const noexcept
{
    if (m_tracked > bars.size()) { // a bar was inserted before others: the indices after it moved
        m_tracks.clear();
        m_tracked = 0;
    }
    if (m_tracks.empty() && m_tracked < bars.size()) {
        // Most bars are not nested: room for them all in the first track at once.
        m_tracks.resize(1);
        m_tracks.front().bars.reserve(bars.size());
    }
    for (std::size_t i = m_tracked; i < bars.size(); ++i) {
        const std::size_t depth = bars[i].depth;
        if (m_tracks.size() <= depth)
            m_tracks.resize(depth + 1);
        m_tracks[depth].bars.push_back(static_cast<std::uint32_t>(i));
    }
    m_tracked = bars.size();
    // Bars of one depth close in order: each track's closed part moves on, sealing the blocks it completes.
    for (BarTrack &track : m_tracks) {
        while (track.closed < track.bars.size() && !bars[track.bars[track.closed]].open())
            ++track.closed;
        while ((track.blocks.size() + 1) * BarTrack::kBlock <= track.closed) {
            BarTrack::Block block;
            block.maxEnd = track.blocks.empty() ? std::numeric_limits<std::int64_t>::min()
                                                : track.blocks.back().maxEnd;
            const std::size_t from = track.blocks.size() * BarTrack::kBlock;
            bool tangled = false;
            for (std::size_t k = from; k < from + BarTrack::kBlock; ++k) {
                const Bar &bar = bars[track.bars[k]];
                block.maxEnd = std::max(block.maxEnd, bar.end);
                block.time[static_cast<std::size_t>(bar.state)] += bar.end - bar.begin;
                if (k + 1 < from + BarTrack::kBlock && bar.end > bars[track.bars[k + 1]].begin)
                    tangled = true;
            }
            const std::size_t index = track.blocks.size();
            if (index % 64 == 0)
                track.tangled.push_back(0);
            if (tangled)
                track.tangled.back() |= std::uint64_t{1} << (index % 64);
            track.blocks.push_back(block);
        }
    }
    m_tracksStale = false;
}

void Lane::syncMaxEnd() const noexcept
{
    m_maxEnd.resize(bars.size());
    std::size_t i = std::min(m_maxEndValid, bars.size());
    std::int64_t running = i > 0 ? m_maxEnd[i - 1] : std::numeric_limits<std::int64_t>::min();
    for (; i < bars.size(); ++i) {
        running = std::max(running, bars[i].end);
        m_maxEnd[i] = running;
    }
    m_maxEndValid = bars.size();
}

std::int64_t LostUpdateMark::beginNs() const noexcept
{
    return overwriterReadNs >= 0 ? std::min(lost.readNs, overwriterReadNs) : lost.readNs;
}

std::int64_t LostUpdateMark::endNs() const noexcept { return std::max(lost.atNs, lost.overwrittenAtNs); }

std::span<const std::uint32_t> TimelineModel::lostUpdatesAround(std::int64_t fromNs, std::int64_t toNs) const
{
    // A mark overlapping [fromNs, toNs] has its lost write within the reach of it.
    const auto at = [&](std::uint32_t i) { return m_lostUpdates[i].lost.atNs; };
    const auto first = std::partition_point(m_lostByTime.begin(), m_lostByTime.end(), [&](std::uint32_t i) {
        return at(i) < fromNs - m_lostReachAfter;
    });
    const auto last = std::partition_point(
        first, m_lostByTime.end(), [&](std::uint32_t i) { return at(i) <= toNs + m_lostReachBefore; });
    return {first, last};
}

TimeWindow lostUpdateWindow(const LostUpdateMark &mark) noexcept
{
    const std::int64_t begin = mark.beginNs();
    const std::int64_t end = std::max(mark.endNs(), begin + 1);
    // A fifth on each side: the pairs fill 70 % of the width, and the value tags beside the first read and
    // the last write still have room inside the window.
    const std::int64_t pad = std::max<std::int64_t>((end - begin) / 5, 2'000);
    // Not before the run began: an axis from "-2 ms" puzzles a class more than a narrower margin.
    return {std::max(begin - pad, std::min<std::int64_t>(begin, 0)), end + pad};
}

void TimelineModel::reset(std::vector<core::LaneInfo> lanes)
{
    m_lanes.clear();
    m_markerBlocks.clear();
    m_texts.clear();
    m_arrows.clear();
    m_messages.clear();
    m_queues.clear();
    m_unpaired.clear();
    m_spans = {};
    m_objects = {};
    m_taskFunction.clear();
    m_valueEvents.clear();
    m_variableOpens.clear();
    m_routes.clear();
    m_routeOf.clear();
    m_variableLabels.clear();
    m_hasQueueMessages = false;
    m_hasPipeMessages = false;
    forgetLostUpdates();
    m_lostSearchPending = false; // a search under way for the last run is stale
    m_compactNext = kCompacted;
    m_title.clear();
    m_now = 0;
    m_lastEventNs = 0;
    m_mainEndNs = -1;
    m_eventCount = 0;
    m_seenStates = 0;
    m_seenMarkers = 0;
    m_live = true;
    m_hasGil = false;
    setLanes(lanes);
}

namespace {

/// Label stamps are unique across models: a cache keyed by one never mistakes another model's labels.
std::atomic<std::uint64_t> g_labelStamps{0};
/// Lost-update searches, across models: a search's findings are never taken by another model or run.
std::atomic<std::uint64_t> g_lostSearches{0};

} // namespace

void TimelineModel::newLabelStamp() noexcept { m_labelStamp = ++g_labelStamps; }

void TimelineModel::bumpRevision() noexcept
{
    ++m_revision;
    m_changes.emplace_back(m_revision, m_pendingChange);
    m_pendingChange = kOpenEnd;
    // A view asks about the revision it last drew, a frame or two ago.
    constexpr std::size_t kKept = 64;
    if (m_changes.size() > 2 * kKept)
        m_changes.erase(m_changes.begin(), m_changes.end() - kKept);
}

std::int64_t TimelineModel::changedSince(std::uint64_t since) const noexcept
{
    if (since == m_revision)
        return kOpenEnd;
    if (since > m_revision || m_changes.empty() || m_changes.front().first > since + 1)
        return kWholeRun;
    std::int64_t earliest = kOpenEnd;
    for (auto it = m_changes.rbegin(); it != m_changes.rend() && it->first > since; ++it)
        earliest = std::min(earliest, it->second);
    return earliest;
}

void TimelineModel::setLanes(const std::vector<core::LaneInfo> &lanes)
{
    if (m_lanes.size() < lanes.size())
        m_lanes.resize(lanes.size());
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        core::LaneInfo &info = m_lanes[i].info;
        const int pid = info.pid;
        const int tid = info.tid;
        info = lanes[i];
        if (info.pid == 0)
            info.pid = pid;
        if (info.tid == 0)
            info.tid = tid;
    }
    if (!m_lanes.empty())
        m_lanes[0].info.kind = WorkerKind::Main;
    m_groupsDirty = true;
    newLabelStamp();
    touch(kWholeRun);
    bumpRevision();
}

Lane &TimelineModel::addLanes(std::uint32_t index)
{
    if (index >= m_lanes.size()) {
        const std::size_t before = m_lanes.size();
        m_lanes.resize(index + 1);
        for (std::size_t i = before; i < m_lanes.size(); ++i) {
            m_lanes[i].info.name = i == 0 ? "main" : "lane " + std::to_string(i);
            m_lanes[i].info.kind = i == 0 ? WorkerKind::Main : WorkerKind::Thread;
        }
        m_groupsDirty = true;
        newLabelStamp();
        touch(kWholeRun);
    }
    return m_lanes[index];
}

namespace {

BarState barStateOf(core::SpanKind kind)
{
    switch (kind) {
    case core::SpanKind::Sleep: return BarState::Sleeping;
    case core::SpanKind::Compute: return BarState::Computing;
    case core::SpanKind::JoinWait: return BarState::JoinWait;
    case core::SpanKind::LockWait: return BarState::LockWait;
    case core::SpanKind::LockHold: return BarState::LockHold;
    case core::SpanKind::QueueBlocked: return BarState::QueueBlocked;
    case core::SpanKind::Task: return BarState::Task;
    case core::SpanKind::GilWait:
    case core::SpanKind::GilHold: break;
    }
    return BarState::Computing;
}

} // namespace

namespace {

/// Asks the cache for where `v`'s next element will go, to be written. With a thousand lanes taking turns
/// no lane's appends look like a stream to the hardware prefetcher, so each element that starts a new cache
/// line waited for it from memory (a quarter of building a million-event model; bench/README.md). The
/// lane's next append comes a thousand events later: by then the line is there. (A prefetch never faults.)
template <typename Vector>
void prefetchNext(const Vector &v) noexcept
{
    // As addresses: the slot's last byte may lie past the block (a prefetch there is dropped).
    const auto next = reinterpret_cast<std::uintptr_t>(v.data() + v.size());
    __builtin_prefetch(reinterpret_cast<const void *>(next), 1);
    __builtin_prefetch(reinterpret_cast<const void *>(next + sizeof(typename Vector::value_type) - 1), 1);
}

} // namespace

void TimelineModel::spanOpened(Lane &lane, core::Span &span, SpanEffects &effects)
{
    effects.changedFrom = std::min(effects.changedFrom, span.begin);
    if (core::isGilSpan(span.kind)) {
        lane.gil.push_back({span.begin, kOpenEnd, span.kind == core::SpanKind::GilHold, false});
        effects.hasGil = true;
        return;
    }
    Bar bar;
    bar.begin = span.begin;
    bar.state = barStateOf(span.kind);
    bar.depth = span.depth;
    bar.arg = span.arg;
    bar.value = span.value;
    // Events come in time order, so a new bar almost always goes last; a straggler is inserted in place.
    std::size_t at = lane.bars.size();
    if (lane.m_lastBarBegin > bar.begin)
        while (at > 0 && lane.bars[at - 1].begin > bar.begin)
            --at;
    // Where the bar went, for spanClosed: a straggler inserted later before it moves it on by one. Set once
    // it is there: a bar that could not be added (no memory) leaves a handle past every bar.
    span.handle = std::numeric_limits<std::uint32_t>::max();
    if (at == lane.bars.size()) {
        lane.bars.push_back(bar); // the tracks and the running maximum of ends take it when next asked
        lane.m_lastBarBegin = bar.begin;
        lane.m_tracksStale = true;
        prefetchNext(lane.bars);
    } else {
        lane.bars.insert(lane.bars.begin() + static_cast<std::ptrdiff_t>(at), bar);
        lane.m_barsMoved = true;
        lane.m_tracked = std::numeric_limits<std::size_t>::max(); // the tracks' indices moved: built anew
        lane.barsChangedFrom(at);
    }
    span.handle = static_cast<std::uint32_t>(at);
    effects.seenStates |= 1u << static_cast<unsigned>(bar.state);
    lane.m_states |= 1u << static_cast<unsigned>(bar.state);
}

void TimelineModel::spanClosed(Lane &lane, const core::Span &span, SpanEffects &effects)
{
    // Drawn up to the present while open: what changed starts at its end or at the present before it.
    effects.changedFrom = std::min(effects.changedFrom, std::min(span.end, effects.now));
    if (core::isGilSpan(span.kind)) {
        if (!lane.gil.empty() && lane.gil.back().open()) {
            lane.gil.back().end = span.end;
            lane.gil.back().forced = span.forced;
        }
        return;
    }
    const auto close = [&](Bar &bar, std::size_t index) {
        bar.end = span.end;
        bar.cancelled = span.cancelled || span.failed;
        if (span.kind == core::SpanKind::Task)
            bar.result = span.endValue;
        lane.barsChangedFrom(index);
    };
    // The bar this span opened: where spanOpened put it, or a little later if stragglers went before it.
    if (!lane.m_barsMoved && span.handle < lane.bars.size()) {
        // None did on this lane: it is there. Only written, not read: its line, last touched when the span
        // opened, is fetched while the next events are applied, not waited for.
        Bar &bar = lane.bars[span.handle];
        assert(bar.open() && bar.begin == span.begin && bar.arg == span.arg);
        close(bar, span.handle);
        return;
    }
    const BarState state = barStateOf(span.kind);
    for (std::size_t index = span.handle; index < lane.bars.size(); ++index) {
        Bar &bar = lane.bars[index];
        if (!bar.open() || bar.state != state || bar.begin != span.begin || bar.arg != span.arg)
            continue;
        close(bar, index);
        return;
    }
}

namespace {

bool isPrintableAscii(std::string_view text) noexcept
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

/// A reference to `length` characters (at most TextStore's longest) at `offset` of chunk `chunk`.
TextRef textRef(std::size_t chunk, std::size_t offset, std::size_t length, bool printableAscii) noexcept
{
    TextRef ref;
    ref.chunk = static_cast<std::uint32_t>(chunk);
    ref.offset = static_cast<std::uint32_t>(offset);
    ref.length = static_cast<std::uint32_t>(length) & 0x7fffffffu;
    ref.printableAscii = printableAscii ? 1u : 0u;
    return ref;
}

} // namespace

TextRef TextStore::add(std::string_view text)
{
    if (text.empty())
        return {};
    text = text.substr(0, kLongest);
    if (m_chunks.empty()
        || m_chunks.back().size() + text.size() > std::max(kChunk, m_chunks.back().capacity())) {
        m_chunks.emplace_back();
        m_chunks.back().reserve(std::max(kChunk, text.size()));
    }
    std::string &chunk = m_chunks.back();
    const TextRef ref = textRef(m_chunks.size() - 1, chunk.size(), text.size(), isPrintableAscii(text));
    chunk.append(text);
    return ref;
}

TextRef TextStore::addJoined(std::initializer_list<std::string_view> parts)
{
    std::size_t size = 0;
    for (const std::string_view part : parts)
        size += part.size();
    if (size == 0)
        return {};
    if (size > kLongest) {
        std::string joined;
        for (const std::string_view part : parts)
            joined.append(part.substr(0, kLongest - joined.size()));
        return add(joined);
    }
    if (m_chunks.empty() || m_chunks.back().size() + size > std::max(kChunk, m_chunks.back().capacity())) {
        m_chunks.emplace_back();
        m_chunks.back().reserve(std::max(kChunk, size));
    }
    std::string &chunk = m_chunks.back();
    const std::size_t offset = chunk.size();
    bool printableAscii = true;
    for (const std::string_view part : parts) {
        chunk.append(part);
        printableAscii = printableAscii && isPrintableAscii(part);
    }
    return textRef(m_chunks.size() - 1, offset, size, printableAscii);
}

TextRef TimelineModel::valueText(const Event &e)
{
    const std::uint64_t key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.arg)) << 32)
        | static_cast<std::uint32_t>(e.detail);
    auto label = m_variableLabels.find(key);
    if (label == m_variableLabels.end())
        label = m_variableLabels.emplace(key, m_objects.variableLabel(e.arg, e.detail)).first;
    const std::string_view verb = e.type == EventType::ValueWrite ? "wrote " : "read ";
    const std::string_view name = label->second;
    constexpr std::string_view equals = " = ";
    // Written out in one piece (a label seldom runs long), then copied into the store at once.
    std::array<char, 160> text;
    if (verb.size() + name.size() + equals.size() + 20 <= text.size()) {
        char *out = std::copy(verb.begin(), verb.end(), text.data());
        out = std::copy(name.begin(), name.end(), out);
        out = std::copy(equals.begin(), equals.end(), out);
        out = std::to_chars(out, text.data() + text.size(), e.value).ptr;
        return m_texts.add(std::string_view(text.data(), static_cast<std::size_t>(out - text.data())));
    }
    std::array<char, 24> number{};
    const char *end = std::to_chars(number.data(), number.data() + number.size(), e.value).ptr;
    return m_texts.addJoined(
        {verb, name, equals, std::string_view(number.data(), static_cast<std::size_t>(end - number.data()))});
}

std::size_t TextStore::bytes() const noexcept
{
    std::size_t n = m_chunks.capacity() * sizeof(std::string);
    for (const std::string &chunk : m_chunks)
        n += chunk.capacity();
    return n;
}

void TextStore::shrinkToFit()
{
    if (!m_chunks.empty())
        m_chunks.back().shrink_to_fit();
    m_chunks.shrink_to_fit();
}

void TimelineModel::addMarker(Lane &lane, Marker marker, std::string_view text)
{
    if (!text.empty())
        marker.text = m_texts.add(text);
    m_seenMarkers |= 1u << static_cast<unsigned>(marker.kind);
    lane.m_markers |= 1u << static_cast<unsigned>(marker.kind);
    auto at = lane.markers.end();
    if (lane.m_lastMarkerTime > marker.time)
        while (at != lane.markers.begin() && std::prev(at)->time > marker.time)
            --at;
    const auto index = static_cast<std::size_t>(at - lane.markers.begin());
    if (index == lane.markers.size()) {
        lane.m_lastMarkerTime = marker.time;
        lane.markers.push_back(marker);
    } else {
        lane.markers.insert(at, marker);
    }
    prefetchNext(lane.markers);
    // The marker blocks take it when next asked for (from here on, if it went before others).
    lane.m_markersInBlocks = std::min(lane.m_markersInBlocks, index);
    if (!m_markerBlocksStale) // written once, not on every marker: a line the other thread may be reading
        m_markerBlocksStale = true;
}

void TimelineModel::applySpans(const Event &e, SpanEffects &effects)
{
    Lane &lane = laneFor(e.lane);
    // Every span an event opens or closes is on the event's own lane.
    m_spans.feed(
        e, [this, &lane, &effects](core::Span &span) { spanOpened(lane, span, effects); },
        [this, &lane, &effects](const core::Span &span) { spanClosed(lane, span, effects); });
}

void TimelineModel::applyRest(const Event &e)
{
    Lane &lane = laneFor(e.lane);
    const bool cancelled = e.flags & core::kCancelled;
    switch (e.type) {
    case EventType::WorkerStart:
        touch(e.timeNs); // the lifeline begins
        lane.startNs = e.timeNs;
        if (e.value > 0 && lane.info.pid != static_cast<int>(e.value)) {
            lane.info.pid = static_cast<int>(e.value);
            m_groupsDirty = true;
            newLabelStamp();
            touch(kWholeRun); // the lane may move to its own process's group
        }
        if (e.arg > 0 && lane.info.tid != e.arg) {
            lane.info.tid = e.arg;
            newLabelStamp();
        }
        addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::Start, {}});
        break;
    case EventType::WorkerEnd:
        touch(std::min(e.timeNs, m_now)); // the lifeline ends
        lane.endNs = e.timeNs;
        lane.exitCode = static_cast<int>(e.value);
        lane.signal = e.arg;
        lane.cancelled = cancelled;
        if (e.arg != 0)
            addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::Crash, {}}, core::signalName(e.arg));
        else
            addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::End, {}}, cancelled ? "cancelled" : "");
        break;
    case EventType::JoinEnd: {
        const auto joined = static_cast<std::uint32_t>(e.arg);
        if (e.arg >= 0 && joined < m_lanes.size() && joined != e.lane) {
            const Lane &other = m_lanes[joined];
            // The joined lane's end normally comes first in time; without it, the arrow starts at the join.
            const std::int64_t from = other.ended() ? std::min(other.endNs, e.timeNs) : e.timeNs;
            m_arrows.push_back({from, e.timeNs, joined, e.lane});
        }
        break;
    }
    case EventType::TaskBegin:
        if (m_taskFunction.empty())
            m_taskFunction = e.text;
        break;
    case EventType::QueueOpen:
    case EventType::QueueClose:
    case EventType::QueuePut:
    case EventType::QueueGet:
    case EventType::PipeSend:
    case EventType::PipeRecv: applyMessage(e); break;
    case EventType::VariableOpen:
        m_objects.add(e);
        m_variableLabels.clear(); // a name may say them otherwise now
        m_variableOpens.push_back(e);
        m_valueEvents.push_back({e.timeNs, e.value, e.arg, e.detail, e.id, e.ref, e.lane, e.type, e.flags});
        break;
    case EventType::Print: addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::Print, {}}, e.text); break;
    case EventType::ValueRead:
    case EventType::ValueWrite:
        m_valueEvents.push_back({e.timeNs, e.value, e.arg, e.detail, e.id, e.ref, e.lane, e.type, e.flags});
        addMarker(
            lane,
            {e.timeNs, e.value, e.type == EventType::ValueWrite ? 1 : 0, MarkerKind::Value, valueText(e)});
        break;
    case EventType::MainEnd:
        m_mainEndNs = e.timeNs;
        addMarker(lane, {e.timeNs, 0, 0, MarkerKind::MainEnd, {}});
        break;
    case EventType::Spawn: addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::Spawn, {}}); break;
    case EventType::Note: addMarker(lane, {e.timeNs, e.value, e.arg, MarkerKind::Note, {}}, e.text); break;
    // Spans (applySpans) and what only leads to one.
    case EventType::SleepBegin:
    case EventType::SleepEnd:
    case EventType::ComputeBegin:
    case EventType::ComputeEnd:
    case EventType::JoinBegin:
    case EventType::LockWait:
    case EventType::LockAcquire:
    case EventType::LockRelease:
    case EventType::QueueBlockBegin:
    case EventType::QueueBlockEnd:
    case EventType::TaskEnd:
    case EventType::GilRequest:
    case EventType::GilAcquire:
    case EventType::GilRelease:
    case EventType::GilHandOver:
    case EventType::GilDropRequest: // shown by the hand-over it leads to
        break;
    }
}

void TimelineModel::applyMessage(const Event &e)
{
    const bool pipe = e.type == EventType::PipeSend || e.type == EventType::PipeRecv;
    if (!pipe) {
        const int id = e.arg;
        if (id < 0 || id >= core::kMaxQueues)
            return;
        if (m_queues.size() <= static_cast<std::size_t>(id)) {
            const std::size_t before = m_queues.size();
            m_queues.resize(static_cast<std::size_t>(id) + 1);
            for (std::size_t i = before; i < m_queues.size(); ++i) {
                m_queues[i].id = static_cast<int>(i);
                m_queues[i].name = "queue " + std::to_string(i);
            }
        }
        QueueTrack &q = m_queues[static_cast<std::size_t>(id)];
        if (e.type == EventType::QueueOpen) {
            q.capacity = static_cast<std::uint32_t>(e.value);
            if (!e.text.empty())
                q.name = e.text;
            touch(kWholeRun); // its scale
            return;
        }
        if (e.type == EventType::QueueClose) {
            touch(std::min(e.timeNs, m_now));
            q.closedAt = e.timeNs;
            return;
        }
        const auto fill = static_cast<std::uint32_t>(std::max(e.detail, 0));
        // A new row, or a strip scaled anew, changes the whole picture; a level, from its time on.
        touch(q.fill.empty() || fill > std::max(q.capacity, q.peak) ? kWholeRun : std::min(e.timeNs, m_now));
        q.fill.push_back({e.timeNs, fill});
        q.peak = std::max(q.peak, fill);
    }
    // A put pairs with the get of its message, a send with the receive of it (core::flowKey).
    const bool sending = e.type == EventType::QueuePut || e.type == EventType::PipeSend;
    const std::uint64_t key = core::flowKey(e);
    if (sending) {
        m_unpaired[key] = {e.timeNs, e.lane};
        return;
    }
    const auto it = m_unpaired.find(key);
    if (it == m_unpaired.end())
        return;
    const MessageArrow arrow{it->second.first, e.timeNs, it->second.second, e.lane, e.value, pipe};
    m_unpaired.erase(it);
    const std::uint64_t routeKey = (static_cast<std::uint64_t>(arrow.fromLane) << 32) | arrow.toLane;
    const auto [route, added] = m_routeOf.try_emplace(routeKey, static_cast<std::uint32_t>(m_routes.size()));
    if (added)
        m_routes.push_back({arrow.fromLane, arrow.toLane, 0, {}});
    MessageRoute &r = m_routes[route->second];
    r.arrows.push_back(static_cast<std::uint32_t>(m_messages.size()));
    r.longest = std::max(r.longest, arrow.toTime - arrow.fromTime);
    (pipe ? m_hasPipeMessages : m_hasQueueMessages) = true;
    m_messages.push_back(arrow);
}

std::vector<const QueueTrack *> TimelineModel::busyQueues() const
{
    std::vector<const QueueTrack *> out;
    for (const QueueTrack &q : m_queues)
        if (!q.fill.empty())
            out.push_back(&q);
    return out;
}

namespace {

/// Events that open a bar (core::SpanPairer::feed) and events that add a marker (TimelineModel::apply).
constexpr bool opensBar(EventType type) noexcept
{
    switch (type) {
    case EventType::SleepBegin:
    case EventType::ComputeBegin:
    case EventType::JoinBegin:
    case EventType::LockWait:
    case EventType::LockAcquire:
    case EventType::QueueBlockBegin:
    case EventType::TaskBegin: return true;
    default: return false;
    }
}

constexpr bool addsMarker(EventType type) noexcept
{
    switch (type) {
    case EventType::WorkerStart:
    case EventType::WorkerEnd:
    case EventType::Print:
    case EventType::ValueRead:
    case EventType::ValueWrite:
    case EventType::MainEnd:
    case EventType::Spawn:
    case EventType::Note: return true;
    default: return false;
    }
}

/// What an event adds to its lane, by type: a bar, a marker, a value event (bits).
constexpr std::uint8_t kAddsBar = 1;
constexpr std::uint8_t kAddsMarker = 2;
constexpr std::uint8_t kAddsValue = 4;
constexpr std::array<std::uint8_t, 256> kAdds = [] {
    std::array<std::uint8_t, 256> adds{};
    for (std::size_t t = 0; t < adds.size(); ++t) {
        const auto type = static_cast<EventType>(t);
        adds[t]
            = static_cast<std::uint8_t>((opensBar(type) ? kAddsBar : 0) | (addsMarker(type) ? kAddsMarker : 0)
                                        | (type == EventType::ValueRead || type == EventType::ValueWrite
                                                   || type == EventType::VariableOpen
                                               ? kAddsValue
                                               : 0));
    }
    return adds;
}();

/// The capacity that makes room for `more` elements: at least doubling, as push_back would, but once for all
/// of them; 0 when there is room already.
template <typename Vector>
std::size_t grownCapacity(const Vector &v, std::size_t more) noexcept
{
    const std::size_t need = v.size() + more;
    return need > v.capacity() ? std::max(need, 2 * v.capacity()) : 0;
}

/// What reserving `n` elements of `v` takes from a SharedBlock (MappedVector::reserveFrom: what is not big
/// enough for a mapping of its own, rounded as SharedBlock::take rounds it).
template <typename Vector>
std::size_t sharedBytes(std::size_t n) noexcept
{
    const std::size_t bytes = n * sizeof(typename Vector::value_type);
    return bytes < mapped_vector_detail::kMapFrom ? mapped_vector_detail::sharedBlockBytes(bytes) : 0;
}

/// A batch of this many events or more is a whole run handed over at once (a saved run, a finished run's
/// events, a picture made on the command line): it is counted by two threads (TimelineModel::reserveFor), its
/// lanes' room is reserved out of one SharedBlock, and it is applied by two threads
/// (TimelineModel::appendEvents). A live run's refreshes bring a few thousand: one thread, room from malloc.
constexpr std::size_t kWholeRunFrom = 262144;

} // namespace

void TimelineModel::reserveFor(std::span<const Event> events)
{
    // Each lane's vectors grow once per batch by what the batch brings them, rather than doubling every so
    // often while it is applied (each doubling a fresh block faulted in and the old one copied over).
    m_laneCounts.assign(m_lanes.size(), {});
    // Counts what `part` adds to each known lane; returns the highest lane it names.
    const auto count = [](std::span<const Event> part, std::vector<LaneCount> &counts) noexcept {
        const std::size_t known = counts.size();
        std::uint32_t highest = 0;
        for (const Event &e : part) {
            highest = std::max(highest, e.lane);
            const std::uint8_t adds = kAdds[static_cast<std::uint8_t>(e.type)];
            if (adds == 0 || e.lane >= known)
                continue; // adds nothing to a lane, or a lane not known yet (it starts empty anyway)
            LaneCount &c = counts[e.lane];
            c.bars += adds & kAddsBar;
            c.markers += (adds & kAddsMarker) != 0;
            c.values += (adds & kAddsValue) != 0;
        }
        return highest;
    };
    // A whole run's events are counted in two halves at once: the count only reads them, and reading 72 bytes
    // an event is most of what it costs.
    std::optional<std::thread> helper;
    std::vector<LaneCount> second;
    std::uint32_t secondHighest = 0;
    const std::size_t half = events.size() >= kWholeRunFrom ? events.size() / 2 : events.size();
    if (half < events.size()) {
        try {
            second.assign(m_laneCounts.size(), {});
            helper.emplace([&count, &second, &secondHighest, rest = events.subspan(half)] {
                secondHighest = count(rest, second);
            });
        } catch (const std::exception &) { // no thread to be had (or no memory): counted here
            helper.reset();
        }
    }
    std::uint32_t highest = count(events.first(helper ? half : events.size()), m_laneCounts);
    if (helper) {
        helper->join();
        highest = std::max(highest, secondHighest);
        for (std::size_t i = 0; i < second.size(); ++i) {
            m_laneCounts[i].bars += second[i].bars;
            m_laneCounts[i].markers += second[i].markers;
            m_laneCounts[i].values += second[i].values;
        }
    }
    if (highest >= m_lanes.size())
        addLanes(highest); // now, not while appendEvents' two threads apply them (they start empty)
    std::size_t values = 0;
    std::size_t shared = 0; // what a SharedBlock for them all would hold
    for (std::size_t i = 0; i < m_laneCounts.size(); ++i) {
        const LaneCount &c = m_laneCounts[i];
        const Lane &lane = m_lanes[i];
        shared += sharedBytes<decltype(lane.bars)>(grownCapacity(lane.bars, c.bars));
        shared += sharedBytes<decltype(lane.markers)>(grownCapacity(lane.markers, c.markers));
        values += c.values;
    }
    shared += sharedBytes<decltype(m_valueEvents)>(grownCapacity(m_valueEvents, values));
    // Held here until the vectors cut from it hold it (let go of even when a reservation throws).
    const auto letGo = [](mapped_vector_detail::SharedBlock *b) { b->unref(); };
    std::unique_ptr<mapped_vector_detail::SharedBlock, decltype(letGo)> block(nullptr, letGo);
    if (events.size() >= kWholeRunFrom && shared > 0)
        block.reset(mapped_vector_detail::SharedBlock::create(shared)); // none: from malloc, as small batches
    const auto reserve = [&block](auto &v, std::size_t more) {
        if (const std::size_t n = grownCapacity(v, more); n == 0)
            return;
        else if (block)
            v.reserveFrom(*block, n);
        else
            v.reserve(n);
    };
    // All the bars' blocks one after another, then the markers': each a stride of an odd number of lines.
    for (std::size_t i = 0; i < m_laneCounts.size(); ++i)
        reserve(m_lanes[i].bars, m_laneCounts[i].bars);
    for (std::size_t i = 0; i < m_laneCounts.size(); ++i)
        reserve(m_lanes[i].markers, m_laneCounts[i].markers);
    reserve(m_valueEvents, values);
}

void TimelineModel::appendEvents(std::span<const Event> events)
{
    if (events.empty())
        return;
    reserveFor(events);
    applyAll(events);
    m_eventCount += events.size();
    if (m_lastEventNs > m_now) {
        touch(m_now); // open bars and lifelines grow with the present
        m_now = m_lastEventNs;
    }
    bumpRevision();
}

void TimelineModel::applyAll(std::span<const Event> events)
{
    // A whole run's events (a saved run, a finished run) are applied by two threads at once: one pairs them
    // into spans and makes the lanes' bars (applySpans), this one does the rest (applyRest). What each
    // changes is apart (bars and GIL spans there; markers, lane starts and ends, arrows, messages, values
    // here), and what the spans change beyond their lanes waits in `effects` until both are done. The lanes
    // the events name exist by now (reserveFor), so neither adds any. Each thread writes only its own: no
    // line of memory goes back and forth between them while they work.
    SpanEffects effects;
    effects.now = m_now;
    std::exception_ptr spansFailed;
    // What the spans changed beyond their lanes is the model's, even when an event could not be applied (no
    // memory): added once `spans`, destroyed first, is joined.
    struct AddEffects {
        TimelineModel &model;
        const SpanEffects &effects;
        ~AddEffects()
        {
            model.touch(effects.changedFrom);
            model.m_seenStates |= effects.seenStates;
            model.m_hasGil = model.m_hasGil || effects.hasGil;
        }
    } addEffects{*this, effects};
    std::optional<std::jthread> spans; // joined before `effects` goes, even when applyRest throws
    m_appendThreads = 1;
    if (events.size() >= kWholeRunFrom) {
        try {
            spans.emplace([this, events, &effects, &spansFailed] {
                SpanEffects mine = effects; // on this thread's own stack while it works
                try {
                    for (const Event &e : events)
                        applySpans(e, mine);
                } catch (...) {
                    spansFailed = std::current_exception();
                }
                effects = mine;
            });
            m_appendThreads = 2;
        } catch (
            const std::exception &) { // no thread to be had (or no memory): both here, an event at a time
        }
    }
    std::int64_t lastEventNs = m_lastEventNs;
    for (const Event &e : events) {
        if (!spans)
            applySpans(e, effects);
        applyRest(e);
        lastEventNs = std::max(lastEventNs, e.timeNs);
    }
    m_lastEventNs = lastEventNs;
    if (spans) {
        spans->join();
        if (spansFailed)
            std::rethrow_exception(spansFailed);
    }
}

void TimelineModel::syncMarkerBlocks() const noexcept
{
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        const Lane &lane = m_lanes[i];
        if (lane.m_markersInBlocks >= lane.markers.size())
            continue;
        // From the first marker not in the blocks: the blocks from there on are made again.
        m_markerBlocks.added(i, lane.markers, lane.m_markersInBlocks);
        lane.m_markersInBlocks = lane.markers.size();
    }
    m_markerBlocksStale = false;
}

void TimelineModel::setNow(std::int64_t nowNs) noexcept
{
    if (nowNs <= m_now)
        return;
    touch(m_now);
    m_now = nowNs;
    bumpRevision();
}

void TimelineModel::finish(const core::RunResult &result)
{
    LostUpdateSearch search = settle(result);
    setLostUpdates(search.run());
    while (compactSome(std::chrono::hours(1))) { }
}

bool TimelineModel::compactSome(std::chrono::nanoseconds budget)
{
    if (m_live || m_compactNext == kCompacted)
        return false;
    const auto start = std::chrono::steady_clock::now();
    // One lane at a time, so a slice stays short (nothing is copied: MappedVector::shrink_to_fit).
    while (m_compactNext < m_lanes.size()) {
        Lane &lane = m_lanes[m_compactNext++];
        lane.bars.shrink_to_fit();
        lane.markers.shrink_to_fit();
        lane.gil.shrink_to_fit();
        lane.m_maxEnd.shrink_to_fit();
        for (BarTrack &track : lane.m_tracks) {
            track.bars.shrink_to_fit();
            track.blocks.shrink_to_fit();
            track.tangled.shrink_to_fit();
        }
        if (std::chrono::steady_clock::now() - start >= budget)
            return true;
    }
    m_messages.shrink_to_fit();
    m_texts.shrinkToFit();
    for (MessageRoute &route : m_routes)
        route.arrows.shrink_to_fit();
    for (QueueTrack &q : m_queues)
        q.fill.shrink_to_fit();
    m_compactNext = kCompacted;
    return false;
}

void TimelineModel::forgetLostUpdates()
{
    m_lostUpdates.clear();
    m_lostByTime.clear();
    m_lostLanes.clear();
    m_lostReachBefore = 0;
    m_lostReachAfter = 0;
    m_lostUpdatesComplete = true;
}

LostUpdateSearch TimelineModel::finishLater(const core::RunResult &result) { return settle(result); }

bool TimelineModel::setLostUpdates(FoundLostUpdates found)
{
    if (!m_lostSearchPending || found.token != m_lostSearchToken)
        return false;
    m_lostSearchPending = false;
    m_lostUpdates = std::move(found.marks);
    m_lostByTime = std::move(found.byTime);
    m_lostReachBefore = found.reachBefore;
    m_lostReachAfter = found.reachAfter;
    m_lostUpdatesComplete = found.complete;
    m_lostLanes.build(m_lostUpdates, m_lanes.size());
    touch(kWholeRun);
    bumpRevision();
    return true;
}

LostUpdateSearch TimelineModel::settle(const core::RunResult &result)
{
    std::vector<core::LaneInfo> infos;
    infos.reserve(result.lanes.size());
    for (const core::LaneOutcome &outcome : result.lanes)
        infos.push_back(outcome.info);
    setLanes(infos);
    // The run's own end, not the present of the last refresh: one that came after main ended, while the
    // runner was still reporting, moved the present on to the clock (later the busier the machine), and the
    // same run opened from a file would end elsewhere.
    const std::int64_t runEnd = std::max(m_lastEventNs, result.wallNs);
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        Lane &lane = m_lanes[i];
        if (i < result.lanes.size()) {
            const core::LaneOutcome &outcome = result.lanes[i];
            if (outcome.ended && !lane.ended() && outcome.endNs >= 0) {
                lane.endNs = outcome.endNs;
                lane.exitCode = outcome.exitCode;
                lane.signal = outcome.signal;
            }
            lane.cancelled = lane.cancelled || outcome.cancelled;
        }
        SpanEffects effects;
        effects.now = m_now;
        m_spans.closeLane(
            static_cast<std::uint32_t>(i), lane.ended() ? lane.endNs : runEnd,
            [this, &lane, &effects](const core::Span &span) { spanClosed(lane, span, effects); });
        touch(effects.changedFrom);
    }
    // Complete what lanes otherwise build when first drawn, so nothing of a finished model changes when read.
    for (const Lane &lane : m_lanes) {
        lane.syncTracks();
        lane.syncMaxEnd();
    }
    syncMarkerBlocks();
    if (m_title.empty())
        m_title = result.scenario;
    m_now = runEnd;
    m_live = false;
    // The search takes the value events with it: they are not needed again (a finished model is copied for
    // trials and comparisons).
    LostUpdateSearch search;
    search.m_values = std::move(m_valueEvents);
    search.m_variableOpens = std::move(m_variableOpens);
    m_valueEvents = {};
    m_variableOpens = {};
    for (const Lane &lane : m_lanes)
        search.m_processLanes.push_back(lane.info.kind == WorkerKind::Process);
    search.m_lostEvents = result.lostEvents;
    search.m_token = m_lostSearchToken = ++g_lostSearches;
    forgetLostUpdates();
    m_lostSearchPending = true;
    // Nothing more will be added: what the vectors grew for is given back by compactSome, a few lanes at a
    // time (finish does it all at once).
    m_compactNext = 0;
    touch(kWholeRun);
    bumpRevision();
    return search;
}

FoundLostUpdates LostUpdateSearch::run()
{
    FoundLostUpdates found;
    found.token = m_token;
    MappedVector<ValueEvent> values = std::move(m_values);
    m_values = {};
    const std::vector<core::Event> opens = std::move(m_variableOpens);
    m_variableOpens = {};
    // Value events arrive in time order per lane but a late one may follow later events of other lanes.
    std::stable_sort(values.begin(), values.end(),
                     [](const ValueEvent &a, const ValueEvent &b) { return a.timeNs < b.timeNs; });
    // core::findLostUpdates reads whole events; they are made for it here only, and let go after it.
    std::vector<Event> events(values.size());
    std::size_t opened = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const ValueEvent &v = values[i];
        Event &e = events[i];
        e.timeNs = v.timeNs;
        e.value = v.value;
        e.arg = v.arg;
        e.detail = v.detail;
        e.id = v.id;
        e.ref = v.ref;
        e.lane = v.lane;
        e.type = v.type;
        e.flags = v.flags;
        if (v.type == EventType::VariableOpen && opened < opens.size())
            e.text = opens[opened++].text; // in the order they came, as the sort keeps it
    }
    core::LostUpdateReport report = core::findLostUpdates(events, m_lostEvents, m_processLanes);
    found.complete = report.complete;

    // The report names the overwriting write; its lane's read before it (of the same element, since that
    // lane's previous write) is the other half of the picture.
    std::unordered_set<std::uint32_t> overwriters;
    for (const core::LostUpdate &lost : report.lost)
        if (lost.overwrittenById != 0)
            overwriters.insert(lost.overwrittenById);
    struct Pair {
        std::int64_t readNs = -1;
        std::int64_t read = 0;
        std::int64_t wrote = 0;
    };
    std::unordered_map<std::uint32_t, Pair> pairs; // overwriting write id → its read and value
    // Per lane: (variable, element) → that lane's latest read of it since its last write there.
    std::vector<std::unordered_map<std::uint64_t, const Event *>> lastRead(m_processLanes.size());
    const auto cell = [](const Event &e) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.arg)) << 32)
            | static_cast<std::uint32_t>(e.detail);
    };
    for (const Event &e : events) {
        if (e.lane >= lastRead.size())
            continue;
        auto &reads = lastRead[e.lane];
        if (e.type == EventType::ValueRead) {
            reads[cell(e)] = &e;
        } else if (e.type == EventType::ValueWrite) {
            const auto it = reads.find(cell(e));
            if (overwriters.count(e.id)) {
                Pair &pair = pairs[e.id];
                pair.wrote = e.value;
                if (it != reads.end()) {
                    pair.readNs = it->second->timeNs;
                    pair.read = it->second->value;
                }
            }
            if (it != reads.end())
                reads.erase(it);
        }
    }
    std::vector<LostUpdateMark> &marks = found.marks;
    marks.reserve(report.lost.size());
    for (core::LostUpdate &lost : report.lost) {
        LostUpdateMark mark;
        if (const auto it = pairs.find(lost.overwrittenById);
            lost.overwrittenById != 0 && it != pairs.end()) {
            mark.overwriterReadNs = it->second.readNs;
            mark.overwriterRead = it->second.read;
            mark.overwriterWrote = it->second.wrote;
        }
        mark.lost = std::move(lost);
        marks.push_back(std::move(mark));
    }
    found.byTime.resize(marks.size());
    for (std::uint32_t i = 0; i < found.byTime.size(); ++i) {
        found.byTime[i] = i;
        const LostUpdateMark &mark = marks[i];
        found.reachBefore = std::max(found.reachBefore, mark.lost.atNs - mark.beginNs());
        found.reachAfter = std::max(found.reachAfter, mark.endNs() - mark.lost.atNs);
    }
    std::stable_sort(found.byTime.begin(), found.byTime.end(), [&](std::uint32_t a, std::uint32_t b) {
        return marks[a].lost.atNs < marks[b].lost.atNs;
    });
    return found;
}

const std::vector<ProcessGroup> &TimelineModel::groups() const
{
    if (!m_groupsDirty)
        return m_groups;
    m_groups.clear();
    if (!m_lanes.empty()) {
        ProcessGroup mainGroup;
        mainGroup.pid = m_lanes[0].info.pid;
        mainGroup.leader = 0;
        m_groups.push_back(mainGroup);
    }
    for (std::uint32_t i = 0; i < m_lanes.size(); ++i) {
        const core::LaneInfo &info = m_lanes[i].info;
        if (i > 0 && info.kind == WorkerKind::Process) {
            m_groups.push_back({info.pid, i, {i}});
            continue;
        }
        // Main, its threads and its sequential calls share main's process.
        m_groups.front().lanes.push_back(i);
    }
    m_groupsDirty = false;
    return m_groups;
}

} // namespace forkscope::ui
