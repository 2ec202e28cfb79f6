#pragma once

// What the timeline shows, built from a run's event stream: lanes grouped by OS process, each with a flat,
// begin-sorted list of state bars, instant markers and join arrows. Plain C++ (no Qt), so the same model
// feeds the widget, the exporters and GUI-less tests.

#include "core/analysis/lost_updates.hpp"
#include "core/analysis/run_objects.hpp"
#include "core/analysis/spans.hpp"
#include "core/client/run.hpp"
#include "core/event.hpp"
#include "ui/mapped_vector.hpp"
#include "ui/time_axis.hpp"
#include "ui/timeline/lost_update_lanes.hpp"
#include "ui/timeline/marker_blocks.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace forkscope::ui {

/// What a lane is doing during a bar.
enum class BarState : std::uint8_t {
    Computing,    ///< running on a CPU (a compute step)
    Sleeping,     ///< sleep / waiting on a timer
    JoinWait,     ///< waiting for another lane to end
    LockWait,     ///< asked for a lock, not yet granted
    LockHold,     ///< holding a lock (other bars nest inside)
    QueueBlocked, ///< waiting on a full or empty queue, or for a pipe message
    Task,         ///< running a pool task (arg: task index, value: argument, result: its result)
};
inline constexpr int kBarStateCount = 7;

/// A short human name: "computing", "sleeping", "join wait", "lock wait", "lock hold", "message wait",
/// "pool task".
const char *barStateName(BarState state) noexcept;

/// End time of a bar still open.
inline constexpr std::int64_t kOpenEnd = core::kOpenEnd;

struct Bar {
    std::int64_t begin = 0;
    std::int64_t end = kOpenEnd; ///< kOpenEnd while open: drawn up to the model's now
    BarState state = BarState::Computing;
    std::uint8_t depth = 0;  ///< bars open around this one on its lane when it began (nesting)
    bool cancelled = false;  ///< ended by a cancel (or by the lane's end) rather than by its own end
    std::int32_t arg = 0;    ///< lane joined, lock id
    std::int64_t value = 0;  ///< requested duration (sleep, compute) in ns; iterations done (compute)
    std::int64_t result = 0; ///< a finished pool task's result

    bool open() const noexcept { return end == kOpenEnd; }
};

enum class MarkerKind : std::uint8_t {
    Start,   ///< the lane's worker started
    End,     ///< ended normally (value: exit code)
    Crash,   ///< killed by a signal (text: "SIGSEGV")
    Print,   ///< a printed line (text)
    MainEnd, ///< main reached its last line
    Value,   ///< a value read or written (text: "read x = 5" / "write x = 6")
    Note,    ///< an engine remark (text), e.g. "about to crash"
    Spawn,   ///< main started a worker (arg: the lane started)
};

/// Where a marker's text lies in its model's text store (TimelineModel::text): no string per marker, since a
/// run of ten million events has millions of printed lines and values.
struct TextRef {
    std::uint32_t chunk = 0;
    std::uint32_t offset = 0;
    std::uint32_t length : 31 = 0; ///< 0: no text
    /// Every character printable ASCII: how narrow the text can be drawn is known without reading it (a
    /// frame of millions of markers would read each text from memory, a cache miss each).
    std::uint32_t printableAscii : 1 = 0;
};

struct Marker {
    std::int64_t time = 0;
    std::int64_t value = 0;
    std::int32_t arg = 0;
    MarkerKind kind = MarkerKind::Note;
    TextRef text;

    bool hasText() const noexcept { return text.length != 0; }
};

/// Texts kept one after another in chunks of 64 KiB (a longer text gets a chunk of its own): a marker holds a
/// TextRef of 12 bytes, not a std::string of 32 and a heap block. Copies with its model.
class TextStore {
public:
    TextRef add(std::string_view text);
    /// The parts one after another as one text (no string made for them first).
    TextRef addJoined(std::initializer_list<std::string_view> parts);
    std::string_view at(TextRef ref) const noexcept
    {
        return ref.length == 0 ? std::string_view()
                               : std::string_view(m_chunks[ref.chunk]).substr(ref.offset, ref.length);
    }
    void clear() { m_chunks.clear(); }
    /// Bytes held (the chunks' capacities).
    std::size_t bytes() const noexcept;
    void shrinkToFit();

private:
    static constexpr std::size_t kChunk = 64 * 1024;
    static constexpr std::size_t kLongest = (std::size_t{1} << 31) - 1; ///< what TextRef::length holds
    std::vector<std::string> m_chunks;
};

/// A lane's bars of one nesting depth, in begin order, for drawing at any zoom. Bars of one depth follow one
/// another, so a pixel column of a zoomed-out view holds a run of them; per block of kBlock bars the track
/// keeps the time each state took and the latest end so far, and a frame takes a block whole instead of
/// each of its bars (see ui/timeline/track_columns.hpp). Blocks are sealed as their bars close, so a live
/// run keeps them up to date as it goes.
struct BarTrack {
    static constexpr std::uint32_t kBlock = 32;
    struct Block {
        std::int64_t maxEnd = 0; ///< the latest end of bars[0, (k + 1) * kBlock): non-decreasing
        std::array<std::int64_t, kBarStateCount> time{}; ///< per state, the time its bars in the block took
    };
    MappedVector<std::uint32_t> bars; ///< indices into Lane::bars
    MappedVector<Block> blocks;       ///< one per kBlock bars whose bars have all closed
    /// Bit k set: block k's bars do not simply follow one another (one ends after the next begins, which
    /// crossed nesting does). In a block whose bars do, only one bar can reach across a column's edge.
    std::vector<std::uint64_t> tangled;
    std::uint32_t closed = 0; ///< bars[0, closed) have all closed

    bool isTangled(std::size_t block) const noexcept { return (tangled[block / 64] >> (block % 64)) & 1u; }

    /// Position in `bars` of the first bar (of this track) that ends at or after `t`, or one of the few
    /// open or unsealed bars before it.
    std::size_t first(const MappedVector<Bar> &laneBars, std::int64_t t) const noexcept;
};

/// main waited for `fromLane` and saw it end: drawn from (fromTime, fromLane) to (toTime, toLane).
struct JoinArrow {
    std::int64_t fromTime = 0; ///< when the joined lane ended
    std::int64_t toTime = 0;   ///< when the join returned
    std::uint32_t fromLane = 0;
    std::uint32_t toLane = 0;
};

/// A message from the put (or send) that sent it to the get (or receive) that took it.
struct MessageArrow {
    std::int64_t fromTime = 0;
    std::int64_t toTime = 0;
    std::uint32_t fromLane = 0;
    std::uint32_t toLane = 0;
    std::int64_t value = 0;
    bool pipe = false; ///< through a pipe (else a queue)
};

/// A queue's messages waiting from a time on.
struct QueueLevel {
    std::int64_t time = 0;
    std::uint32_t waiting = 0;
};

/// One queue's fill level over time, from its put and get events.
struct QueueTrack {
    int id = 0;
    std::string name;
    std::uint32_t capacity = 0;    ///< 0 until its QueueOpen is seen
    MappedVector<QueueLevel> fill; ///< after each change
    std::uint32_t peak = 0;
    std::int64_t closedAt = -1;
};

/// The GIL lab: a stretch of time in which a lane waited for its process's GIL or held it. A lane's spans
/// follow one another (request → grant → release), so they are sorted by begin and by end alike.
struct GilSpan {
    std::int64_t begin = 0;
    std::int64_t end = kOpenEnd; ///< kOpenEnd while open
    bool holds = false;          ///< held it (else waited for it)
    bool forced = false;         ///< a hold that ended in a hand-over (a waiter asked for it)

    bool open() const noexcept { return end == kOpenEnd; }
};

struct alignas(64) Lane {
    // What applying an event touches comes first, a cache line for each side of TimelineModel::appendEvents:
    // a thousand lanes take turns, so each line an event touches is one more wait for memory
    // (bench/paint_bench's BM_BuildModel), and a line both threads write would go back and forth between them.
    // The spans' side: the bars (and the GIL spans, on the third line).
    MappedVector<Bar> bars; ///< sorted by begin

private:
    friend class TimelineModel;
    // The last bar's begin and the last marker's time, kept here: an event that goes last (almost every
    // one) is placed without reading the lane's last element, a line it last touched a thousand events ago.
    std::int64_t m_lastBarBegin = std::numeric_limits<std::int64_t>::min();
    mutable std::size_t m_maxEndValid = 0; ///< m_maxEnd[0, m_maxEndValid) is up to date
    std::uint32_t m_states = 0;
    mutable bool m_tracksStale = false;
    bool m_barsMoved
        = false; ///< a bar went before others once: a span's bar may have moved on from its handle

public:
    // The other side: the markers.
    alignas(64) MappedVector<Marker> markers; ///< sorted by time

private:
    std::int64_t m_lastMarkerTime = std::numeric_limits<std::int64_t>::min();
    mutable std::size_t m_markersInBlocks
        = 0; ///< markers[0, m_markersInBlocks) are in the model's MarkerBlocks
    std::uint32_t m_markers = 0;

public:
    alignas(64) MappedVector<GilSpan> gil; ///< only for plans with a GIL; drawn apart from the bars
    core::LaneInfo info;
    std::int64_t startNs = -1; ///< WorkerStart, -1 until started
    std::int64_t endNs = -1;   ///< WorkerEnd, -1 while running
    int exitCode = 0;
    int signal = 0;
    bool cancelled = false;

    bool started() const noexcept { return startNs >= 0; }
    bool ended() const noexcept { return endNs >= 0; }
    bool crashed() const noexcept { return signal != 0; }

    /// Index of the first bar that ends at or after `t` (bars.size() when none): earlier bars are all over.
    std::size_t firstIndex(std::int64_t t) const noexcept;
    /// One past the last bar that begins at or before `t`: later bars have not begun.
    std::size_t lastIndex(std::int64_t t) const noexcept;
    /// Index of the first GIL span ending at or after `t` (gil.size() when none).
    std::size_t firstGilSpan(std::int64_t t) const noexcept;
    /// Markers with time in [from, to]: [first, last) indices.
    std::size_t firstMarker(std::int64_t from) const noexcept;
    std::size_t lastMarker(std::int64_t to) const noexcept;

    /// The bars by nesting depth (tracks()[d]: the bars of depth d).
    const std::vector<BarTrack> &tracks() const noexcept
    {
        if (m_tracksStale)
            syncTracks();
        return m_tracks;
    }
    /// Which bar states (1 << BarState) and marker kinds (1 << MarkerKind) occur on this lane.
    std::uint32_t stateMask() const noexcept { return m_states; }
    std::uint32_t markerMask() const noexcept { return m_markers; }

private:
    // The tracks and the running maximum of ends are built from `bars` when first asked for after a change
    // (adding a bar costs one push, not four, and a lane never drawn never builds them); TimelineModel's
    // settle() completes them, so a finished model's const functions change nothing and it may be read from
    // several threads. A live model is used from one thread (see TimelineModel).
    /// Brings m_tracks up to date with bars: the bars added since, the blocks their closing sealed.
    void syncTracks() const noexcept;
    /// Brings m_maxEnd up to date with bars.
    void syncMaxEnd() const noexcept;
    /// Bars from `index` on changed (one closed, or one was inserted there).
    void barsChangedFrom(std::size_t index) noexcept
    {
        m_tracksStale = true;
        m_maxEndValid = std::min(m_maxEndValid, index);
    }

    mutable std::vector<BarTrack> m_tracks;
    mutable MappedVector<std::int64_t>
        m_maxEnd;                      ///< m_maxEnd[i] = max end of bars[0..i], kOpenEnd for open ones
    mutable std::size_t m_tracked = 0; ///< bars[0, m_tracked) are in m_tracks
};

/// A group of lanes living in one OS process: main's process (main, its threads, sequential calls) or one
/// forked worker.
struct ProcessGroup {
    int pid = 0;                      ///< 0 until known
    std::uint32_t leader = 0;         ///< the lane that owns the process (0 for main's)
    std::vector<std::uint32_t> lanes; ///< in lane order, leader first
};

/// One lost update as the timeline shows it: the lost worker's read → write (core::findLostUpdates) and the
/// read → write of the worker whose write replaced it. The two usually interleave: the overwriter read
/// before the lost write landed, so its write carried the value from before it.
struct LostUpdateMark {
    core::LostUpdate lost;              ///< whose update, the variable, read and write values and times
    std::int64_t overwriterReadNs = -1; ///< when the overwriting lane read the element (-1: it only wrote)
    std::int64_t overwriterRead = 0;    ///< the value that read saw
    std::int64_t overwriterWrote = 0;   ///< the value its write stored (over the lost one)

    bool overwritten() const noexcept { return lost.overwrittenAtNs >= 0; }
    /// The earliest of the two reads (the lost write's own read when the overwriter did not read).
    std::int64_t beginNs() const noexcept;
    /// The later of the two writes.
    std::int64_t endNs() const noexcept;
};

/// The view of one lost update: both workers' read → write pairs with room around them (a fifth of their
/// span on each side, at least 2 µs, but not before time 0), so read, think and write are wide and their
/// values readable.
TimeWindow lostUpdateWindow(const LostUpdateMark &mark) noexcept;

/// A ValueRead, ValueWrite or VariableOpen event as the model keeps it for the lost-update search: no text.
struct ValueEvent {
    std::int64_t timeNs = 0;
    std::int64_t value = 0;
    std::int32_t arg = 0;
    std::int32_t detail = 0;
    std::uint32_t id = 0;
    std::uint32_t ref = 0;
    std::uint32_t lane = 0;
    core::EventType type = core::EventType::Note;
    std::uint8_t flags = 0;
};

/// The lost updates of a run and what drawing them needs (TimelineModel::setLostUpdates).
struct FoundLostUpdates {
    std::vector<LostUpdateMark> marks; ///< in the order they were written
    std::vector<std::uint32_t> byTime; ///< indices of marks by lost.atNs
    std::int64_t reachBefore = 0;      ///< the most any mark begins before its lost write
    std::int64_t reachAfter = 0;       ///< the most any mark ends after it
    bool complete = true;
    std::uint64_t token = 0; ///< the search it came from (TimelineModel::finishLater)
};

/// A finished run's lost-update search, taken out of its model (TimelineModel::finishLater) with all it
/// reads, so it can run on another thread while the model is drawn: core::findLostUpdates over millions of
/// value events takes seconds, and the GUI thread must not wait for it. Plain data; run() touches nothing
/// else.
class LostUpdateSearch {
public:
    /// The search; the search's data is used up.
    FoundLostUpdates run();
    /// How many value events it will look at.
    std::size_t size() const noexcept { return m_values.size(); }
    std::uint64_t token() const noexcept { return m_token; }

private:
    friend class TimelineModel;
    MappedVector<ValueEvent> m_values;
    std::vector<core::Event> m_variableOpens;
    std::vector<bool> m_processLanes;
    std::uint64_t m_lostEvents = 0;
    std::uint64_t m_token = 0;
};

/// The timeline of one run. Feed it the lanes once (or whenever their names/ids change), then batches of
/// events in time order as they arrive; `finish` settles it with the run's result. Use from one thread (the
/// GUI's): groups() fills a cache lazily.
class TimelineModel {
public:
    TimelineModel() { newLabelStamp(); }
    explicit TimelineModel(std::vector<core::LaneInfo> lanes)
    {
        newLabelStamp();
        setLanes(std::move(lanes));
    }

    /// Empties the model and starts a new (live) run with these lanes.
    void reset(std::vector<core::LaneInfo> lanes);
    /// Updates lane names/kinds/ids (more lanes may appear; ids learnt from events are kept when 0 here).
    void setLanes(const std::vector<core::LaneInfo> &lanes);

    /// Adds events that follow those already added (time order). Cost is proportional to the batch.
    /// Events naming a lane not yet known create it.
    void appendEvents(std::span<const core::Event> events);

    /// Moves the live present forward (never back): open bars are drawn up to it.
    void setNow(std::int64_t nowNs) noexcept;
    /// Ends live mode: the lanes take the result's names, ids and outcomes; open bars close at the
    /// lane's end (or the run's end) and are marked cancelled.
    void finish(const core::RunResult &result);
    /// finish() without the lost-update search: the model is settled (not live) and drawn at once, and its
    /// lostUpdates() stay empty (lostUpdatesPending()) until the search returned here, run anywhere, is
    /// handed back to setLostUpdates().
    LostUpdateSearch finishLater(const core::RunResult &result);
    /// Takes a search's findings: ignored (false) unless they come from this model's pending search (a
    /// reset or a newer finish makes older findings stale).
    bool setLostUpdates(FoundLostUpdates found);
    /// Gives back what the vectors of a finished model grew for beyond their size, lane by lane, for about
    /// `budget` (at least one lane); true while some is left (call again). finish() does it all; after
    /// finishLater() the caller spreads it over turns of the event loop (a run of millions of events has
    /// hundreds of MB to copy).
    bool compactSome(std::chrono::nanoseconds budget);
    /// Nothing is left for compactSome (true of a live model: it has not begun).
    bool compacted() const noexcept { return m_compactNext == kCompacted; }
    /// Finished, with its lost-update search not back yet.
    bool lostUpdatesPending() const noexcept { return m_lostSearchPending; }

    bool live() const noexcept { return m_live; }
    /// The present: the latest of setNow() and the last event's time.
    std::int64_t now() const noexcept { return m_now; }
    /// Time of the last event (0 with none).
    std::int64_t lastEventTime() const noexcept { return m_lastEventNs; }
    std::uint64_t eventCount() const noexcept { return m_eventCount; }
    /// The run's name for titles ("" until finish or setTitle).
    const std::string &title() const noexcept { return m_title; }
    void setTitle(std::string title) { m_title = std::move(title); }

    const std::vector<Lane> &lanes() const noexcept { return m_lanes; }
    const Lane &lane(std::uint32_t index) const { return m_lanes.at(index); }
    std::size_t laneCount() const noexcept { return m_lanes.size(); }
    /// Lanes grouped by OS process: main's process first, then process workers by lane index.
    const std::vector<ProcessGroup> &groups() const;
    const std::vector<JoinArrow> &joinArrows() const noexcept { return m_arrows; }
    /// Message arrows in the order their receives happened (so sorted by toTime).
    const MappedVector<MessageArrow> &messageArrows() const noexcept { return m_messages; }
    /// The message arrows between one sending and one receiving lane, in the order of messageArrows().
    struct MessageRoute {
        std::uint32_t fromLane = 0;
        std::uint32_t toLane = 0;
        std::int64_t longest = 0;           ///< the longest time a message of the route took
        MappedVector<std::uint32_t> arrows; ///< indices into messageArrows()
    };
    const std::vector<MessageRoute> &messageRoutes() const noexcept { return m_routes; }
    /// Whether some message went through a queue, and through a pipe.
    bool hasQueueMessages() const noexcept { return m_hasQueueMessages; }
    bool hasPipeMessages() const noexcept { return m_hasPipeMessages; }
    /// Queues that carried at least one message, by id.
    std::vector<const QueueTrack *> busyQueues() const;
    /// The function pool tasks run ("square"), from their TaskBegin.
    const std::string &taskFunction() const noexcept { return m_taskFunction; }
    /// The run's lost updates in the order they were written; found when the run finishes (finish(), or
    /// setLostUpdates() after finishLater()), so empty while it is live or the search is pending.
    const std::vector<LostUpdateMark> &lostUpdates() const noexcept { return m_lostUpdates; }
    /// Indices into lostUpdates(), ordered by the lost write's time, of every mark that may overlap
    /// [fromNs, toNs] (a superset: the caller checks each): what one frame of a window has to look at, so a
    /// zoomed-in frame of a run with millions of lost updates does not walk them all.
    std::span<const std::uint32_t> lostUpdatesAround(std::int64_t fromNs, std::int64_t toNs) const;
    /// Whether that list is exact (events lost, or a write the record misses, make it incomplete: see
    /// core::LostUpdateReport).
    bool lostUpdatesComplete() const noexcept { return m_lostUpdatesComplete; }
    /// The lost writes per lane in time order (see ui/timeline/lost_update_lanes.hpp).
    const LostUpdateLanes &lostUpdateLanes() const noexcept { return m_lostLanes; }
    /// Which marker kinds and texts occur where on each lane (see ui/timeline/marker_blocks.hpp).
    /// Brought up to date when asked for (see Lane::tracks()).
    const MarkerBlocks &markerBlocks() const noexcept
    {
        if (m_markerBlocksStale)
            syncMarkerBlocks();
        return m_markerBlocks;
    }
    /// When main reached its last line, -1 before.
    std::int64_t mainEndNs() const noexcept { return m_mainEndNs; }

    /// A bar's end for drawing: its end, or now while open.
    std::int64_t barEnd(const Bar &bar) const noexcept { return bar.open() ? m_now : bar.end; }
    /// Which states occur in some bar.
    bool hasState(BarState state) const noexcept
    {
        return m_seenStates & (1u << static_cast<unsigned>(state));
    }
    /// Whether some lane recorded GIL waits or holds.
    bool hasGil() const noexcept { return m_hasGil; }
    /// How many threads applied the last batch of events (2 for a whole run, see appendEvents; tests).
    int lastAppendThreads() const noexcept { return m_appendThreads; }

    /// Counts changes: every appendEvents, setNow, setLanes and finish that changed something moves it on.
    std::uint64_t revision() const noexcept { return m_revision; }
    /// The earliest time whose drawing may have changed since revision `since` (bars that began, ended or
    /// grew with the present, GIL spans, queue levels), kWholeRun when the change is not confined to a
    /// stretch of time (lanes or queues appeared, a queue's scale grew, the run finished) or `since` is too
    /// old to say; kOpenEnd when nothing changed. Markers and arrows are not counted: a view draws them anew.
    std::int64_t changedSince(std::uint64_t since) const noexcept;
    static constexpr std::int64_t kWholeRun = std::numeric_limits<std::int64_t>::min();
    /// Changes whenever what the lane labels say may have changed (names, kinds, pids, tids, lanes added);
    /// unique across models, so a measurement cached under it is never taken for another model's.
    std::uint64_t labelStamp() const noexcept { return m_labelStamp; }
    /// A marker's text (a printed line, "x = 5", a signal's name), "" when it has none.
    std::string_view text(const Marker &marker) const noexcept { return m_texts.at(marker.text); }
    /// Which marker kinds occur on some lane.
    bool hasMarker(MarkerKind kind) const noexcept
    {
        return m_seenMarkers & (1u << static_cast<unsigned>(kind));
    }

private:
    void forgetLostUpdates(); ///< none found, none pending: a new run or a new search
    Lane &laneFor(std::uint32_t index)
    {
        if (index < m_lanes.size()) [[likely]]
            return m_lanes[index];
        return addLanes(index);
    }
    /// Adds lanes up to `index` (named "lane N") and returns that one.
    Lane &addLanes(std::uint32_t index);
    /// What applying spans changed beyond their lanes, kept apart while another thread applies the rest of
    /// the same events (appendEvents) and added to the model once both are done.
    struct SpanEffects {
        std::int64_t now = 0; ///< m_now as the events began (read once, not beside writes)
        std::int64_t changedFrom = core::kOpenEnd; ///< as touch()
        std::uint32_t seenStates = 0;              ///< as m_seenStates
        bool hasGil = false;
    };
    /// A span of `lane` began (core::SpanPairer decides what begins and ends what): a bar, or a GIL span.
    void spanOpened(Lane &lane, core::Span &span, SpanEffects &effects);
    void spanClosed(Lane &lane, const core::Span &span, SpanEffects &effects);
    /// A value event's marker text ("wrote balance = 6"), added to the text store without temporaries.
    TextRef valueText(const core::Event &e);
    void applyMessage(const core::Event &e);
    void addMarker(Lane &lane, Marker marker, std::string_view text = {});
    /// An event's part in its lane's spans: the pairer, the lane's bars and GIL spans and nothing else of the
    /// model (no other lane, no marker), so that one thread may do it while another does applyRest.
    void applySpans(const core::Event &e, SpanEffects &effects);
    /// The rest of what an event does: markers, lane starts and ends, arrows, messages, values.
    void applyRest(const core::Event &e);
    /// Both parts of every event, by two threads for a whole run (see there).
    void applyAll(std::span<const core::Event> events);
    /// Makes room in each known lane's vectors for what `events` will add to them.
    void reserveFor(std::span<const core::Event> events);
    /// Records that drawing changed from `time` on (kWholeRun: everywhere) in the revision being made.
    void touch(std::int64_t time) noexcept { m_pendingChange = std::min(m_pendingChange, time); }
    void bumpRevision() noexcept;
    void newLabelStamp() noexcept;
    /// The part of finish and finishLater before the lost-update search; the search's data, moved out.
    LostUpdateSearch settle(const core::RunResult &result);

    std::vector<Lane> m_lanes;
    TextStore m_texts; ///< markers' texts
    core::SpanPairer m_spans;
    core::RunObjects m_objects;
    std::vector<JoinArrow> m_arrows;
    MappedVector<MessageArrow> m_messages;
    std::vector<QueueTrack> m_queues; ///< by queue id
    /// Sends and puts waiting for their receive: core::flowKey → (time, lane).
    std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::uint32_t>> m_unpaired;
    std::string m_taskFunction;
    /// ValueRead and ValueWrite events while live, without text (VariableOpen ones, with their names, apart):
    /// what the lost-update search needs at the end.
    MappedVector<ValueEvent> m_valueEvents;
    std::vector<core::Event> m_variableOpens;
    std::vector<MessageRoute> m_routes;
    struct LaneCount {
        std::uint32_t bars = 0;
        std::uint32_t markers = 0;
        std::uint32_t values = 0;
    };
    std::vector<LaneCount> m_laneCounts; ///< reserveFor's scratch
    /// Variable labels by (id << 32 | element), as RunObjects::variableLabel says them; cleared whenever a
    /// variable is opened (a name may change what a label says).
    std::unordered_map<std::uint64_t, std::string> m_variableLabels;
    std::unordered_map<std::uint64_t, std::uint32_t> m_routeOf; ///< (from << 32 | to) → index in m_routes
    /// Changes by revision: (revision, earliest time it touched), the last few.
    std::vector<std::pair<std::uint64_t, std::int64_t>> m_changes;
    std::int64_t m_pendingChange = core::kOpenEnd; ///< of the revision being made
    std::uint64_t m_revision = 1;
    std::uint64_t m_labelStamp = 0;
    bool m_hasQueueMessages = false;
    bool m_hasPipeMessages = false;
    std::vector<LostUpdateMark> m_lostUpdates;
    std::vector<std::uint32_t> m_lostByTime; ///< indices of m_lostUpdates by lost.atNs
    std::int64_t m_lostReachBefore = 0;      ///< the most any mark begins before its lost write
    std::int64_t m_lostReachAfter = 0;       ///< the most any mark ends after it
    bool m_lostUpdatesComplete = true;
    bool m_lostSearchPending = false;
    static constexpr std::size_t kCompacted = std::numeric_limits<std::size_t>::max();
    std::size_t m_compactNext = kCompacted; ///< the next lane compactSome shrinks
    std::uint64_t m_lostSearchToken = 0;    ///< of the pending search
    LostUpdateLanes m_lostLanes;
    mutable MarkerBlocks m_markerBlocks;
    mutable bool m_markerBlocksStale = false; ///< markers were added since it was last brought up to date
    void syncMarkerBlocks() const noexcept;
    mutable std::vector<ProcessGroup> m_groups;
    mutable bool m_groupsDirty = true;
    std::string m_title;
    std::int64_t m_now = 0;
    std::int64_t m_lastEventNs = 0;
    std::int64_t m_mainEndNs = -1;
    std::uint64_t m_eventCount = 0;
    std::uint32_t m_seenStates = 0;
    int m_appendThreads = 0; ///< lastAppendThreads()
    std::uint32_t m_seenMarkers = 0;
    bool m_live = true;
    bool m_hasGil = false;
};

} // namespace forkscope::ui
