#pragma once

// Where begin and end events are paired into spans — the one place that knows that a LockAcquire ends a
// lock wait and begins a hold, that a worker's end closes whatever it left open, and that GIL waits and
// holds run beside a lane's other spans rather than inside them. The run's result (lock statistics), the
// GIL statistics, the Chrome trace and the timeline all read spans from here.

#include "core/event.hpp"

#include <cstdint>
#include <iterator>
#include <limits>
#include <vector>

namespace forkscope::core {

/// What a lane is doing during a span.
enum class SpanKind : std::uint8_t {
    Sleep,        ///< SleepBegin → SleepEnd
    Compute,      ///< ComputeBegin → ComputeEnd
    JoinWait,     ///< JoinBegin → JoinEnd (arg: the lane waited for)
    LockWait,     ///< LockWait → LockAcquire (arg: the lock)
    LockHold,     ///< LockAcquire → LockRelease (arg: the lock); other spans nest inside
    QueueBlocked, ///< QueueBlockBegin → QueueBlockEnd (value: why, endValue: how it ended)
    Task,         ///< TaskBegin → TaskEnd (value: the argument, endValue: the result, arg: task index)
    GilWait,      ///< GilRequest → GilAcquire: waiting for the process's GIL
    GilHold,      ///< GilAcquire → GilRelease or GilHandOver: holding it
};
inline constexpr int kSpanKindCount = 9;

/// GIL spans live on a track of their own beside the lane's other spans: a hold covers several steps and
/// would cross their nesting.
constexpr bool isGilSpan(SpanKind kind) noexcept
{
    return kind == SpanKind::GilWait || kind == SpanKind::GilHold;
}

/// The end of a span still open.
inline constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();

struct Span {
    std::int64_t begin = 0;
    std::int64_t end = kOpenEnd;
    std::int64_t value
        = 0; ///< the begin event's value (requested ns, task argument, why a queue blocked, GIL ns waited)
    std::int64_t endValue
        = 0; ///< the end event's value (iterations done, task result, how a wait ended, GIL ns held)
    std::int32_t arg
        = 0; ///< the begin event's arg (lane joined, lock, queue or pipe end, task index, GIL: previous holder)
    std::int32_t endArg = 0; ///< the end event's arg (GIL hand-over: the lane that asked)
    std::uint32_t lane = 0;
    std::uint32_t handle = 0; ///< the consumer's own: set it when the span opens, read it back when it closes
    SpanKind kind = SpanKind::Compute;
    std::uint8_t depth = 0; ///< spans open around it on its lane when it began (0 for GIL spans)
    bool cancelled = false; ///< its end was flagged cancelled, or it was cut
    bool cut = false;       ///< closed by its lane's end or the run's end, not by its own end event
    bool failed = false;    ///< a task that did not finish (TaskEnd flagged kError)
    bool forced = false;    ///< a GIL hold that ended in a hand-over (a waiter asked for it)

    bool open() const noexcept { return end == kOpenEnd; }
    std::int64_t duration() const noexcept { return end - begin; }
};

/// Pairs a run's events, fed in time order, into spans. Live consumers feed batches as they arrive and see
/// each span when it opens and again when it closes; batch consumers feed everything and then closeAll().
///
/// `opened(Span &)` may set the span's handle; `closed(const Span &)` gets it back with the end filled in.
class SpanPairer {
public:
    template <typename Opened, typename Closed>
    void feed(const Event &e, Opened &&opened, Closed &&closed);

    /// Closes every span still open on `lane` at `time`, as cut (what a lane's WorkerEnd does).
    template <typename Closed>
    void closeLane(std::uint32_t lane, std::int64_t time, Closed &&closed);
    /// Closes every span still open on every lane at `time`, as cut (the run is over).
    template <typename Closed>
    void closeAll(std::int64_t time, Closed &&closed);

    /// Spans open on `lane` now, outermost first (the GIL span, if any, last).
    std::vector<Span> openSpans(std::uint32_t lane) const;

private:
    struct LaneSpans {
        std::vector<Span> open; ///< nested spans, innermost last
        Span gil;               ///< the GIL span, when gilOpen
        bool gilOpen = false;
    };

    LaneSpans &laneOf(std::uint32_t lane);
    template <typename Opened>
    void openSpan(const Event &e, SpanKind kind, Opened &&opened);
    /// Closes the innermost open span of `kind` (and, for lock spans, of the same lock) with end event `e`.
    template <typename Closed>
    void closeSpan(const Event &e, SpanKind kind, Closed &&closed);
    template <typename Opened, typename Closed>
    void gilEvent(const Event &e, Opened &&opened, Closed &&closed);
    template <typename Closed>
    static void cut(Span &span, std::int64_t time, Closed &&closed);

    std::vector<LaneSpans> m_lanes;
};

// --- Implementation (templates, so the per-event path inlines into each consumer) ---------------------

inline SpanPairer::LaneSpans &SpanPairer::laneOf(std::uint32_t lane)
{
    if (lane >= m_lanes.size())
        m_lanes.resize(lane + 1);
    return m_lanes[lane];
}

template <typename Opened>
void SpanPairer::openSpan(const Event &e, SpanKind kind, Opened &&opened)
{
    LaneSpans &lane = laneOf(e.lane);
    Span &span = lane.open.emplace_back();
    span.begin = e.timeNs;
    span.value = e.value;
    span.arg = e.arg;
    span.lane = e.lane;
    span.kind = kind;
    span.depth = static_cast<std::uint8_t>(lane.open.size() - 1 < 255 ? lane.open.size() - 1 : 255);
    opened(span);
}

template <typename Closed>
void SpanPairer::closeSpan(const Event &e, SpanKind kind, Closed &&closed)
{
    LaneSpans &lane = laneOf(e.lane);
    const bool byLock = kind == SpanKind::LockWait || kind == SpanKind::LockHold;
    // Steps nest (a sleep inside a lock hold) and never cross, so the innermost open span of the kind is the one.
    for (auto it = lane.open.rbegin(); it != lane.open.rend(); ++it) {
        if (it->kind != kind || (byLock && it->arg != e.arg))
            continue;
        Span span = *it;
        lane.open.erase(std::next(it).base());
        span.end = e.timeNs < span.begin ? span.begin : e.timeNs;
        span.endValue = e.value;
        span.endArg = e.arg;
        span.cancelled = (e.flags & kCancelled) != 0;
        span.failed = kind == SpanKind::Task && (e.flags & kError) != 0;
        closed(static_cast<const Span &>(span));
        return;
    }
}

template <typename Closed>
void SpanPairer::cut(Span &span, std::int64_t time, Closed &&closed)
{
    span.end = time < span.begin ? span.begin : time;
    span.cut = true;
    span.cancelled = true;
    closed(static_cast<const Span &>(span));
}

template <typename Opened, typename Closed>
void SpanPairer::gilEvent(const Event &e, Opened &&opened, Closed &&closed)
{
    LaneSpans &lane = laneOf(e.lane);
    const auto start = [&](SpanKind kind) {
        lane.gil = Span{};
        lane.gil.begin = e.timeNs;
        lane.gil.value = e.value;
        lane.gil.arg = e.arg;
        lane.gil.lane = e.lane;
        lane.gil.kind = kind;
        lane.gilOpen = true;
        opened(lane.gil);
    };
    const auto finish = [&](bool forced) {
        if (!lane.gilOpen)
            return;
        lane.gilOpen = false;
        lane.gil.end = e.timeNs < lane.gil.begin ? lane.gil.begin : e.timeNs;
        lane.gil.endValue = e.value;
        lane.gil.endArg = e.arg;
        lane.gil.forced = forced;
        closed(static_cast<const Span &>(lane.gil));
    };
    switch (e.type) {
    case EventType::GilRequest:
        finish(false);
        start(SpanKind::GilWait);
        break;
    case EventType::GilAcquire:
        finish(false);
        start(SpanKind::GilHold);
        break;
    case EventType::GilRelease:
    case EventType::GilHandOver:
        if (lane.gilOpen && lane.gil.kind == SpanKind::GilHold)
            finish(e.type == EventType::GilHandOver);
        break;
    default: break;
    }
}

template <typename Opened, typename Closed>
void SpanPairer::feed(const Event &e, Opened &&opened, Closed &&closed)
{
    switch (e.type) {
    case EventType::SleepBegin: openSpan(e, SpanKind::Sleep, opened); break;
    case EventType::SleepEnd: closeSpan(e, SpanKind::Sleep, closed); break;
    case EventType::ComputeBegin: openSpan(e, SpanKind::Compute, opened); break;
    case EventType::ComputeEnd: closeSpan(e, SpanKind::Compute, closed); break;
    case EventType::JoinBegin: openSpan(e, SpanKind::JoinWait, opened); break;
    case EventType::JoinEnd: closeSpan(e, SpanKind::JoinWait, closed); break;
    case EventType::LockWait: openSpan(e, SpanKind::LockWait, opened); break;
    case EventType::LockAcquire:
        closeSpan(e, SpanKind::LockWait, closed);
        openSpan(e, SpanKind::LockHold, opened);
        break;
    case EventType::LockRelease: closeSpan(e, SpanKind::LockHold, closed); break;
    case EventType::QueueBlockBegin: openSpan(e, SpanKind::QueueBlocked, opened); break;
    case EventType::QueueBlockEnd: closeSpan(e, SpanKind::QueueBlocked, closed); break;
    case EventType::TaskBegin: openSpan(e, SpanKind::Task, opened); break;
    case EventType::TaskEnd: closeSpan(e, SpanKind::Task, closed); break;
    case EventType::GilRequest:
    case EventType::GilAcquire:
    case EventType::GilRelease:
    case EventType::GilHandOver: gilEvent(e, opened, closed); break;
    case EventType::WorkerEnd:
        // A lane's end closes whatever it left open: a cancel, a crash, or a lock never released.
        closeLane(e.lane, e.timeNs, closed);
        break;
    default: break;
    }
}

template <typename Closed>
void SpanPairer::closeLane(std::uint32_t index, std::int64_t time, Closed &&closed)
{
    LaneSpans &lane = laneOf(index);
    while (!lane.open.empty()) {
        Span span = lane.open.back();
        lane.open.pop_back();
        cut(span, time, closed);
    }
    if (lane.gilOpen) {
        lane.gilOpen = false;
        cut(lane.gil, time, closed);
    }
}

template <typename Closed>
void SpanPairer::closeAll(std::int64_t time, Closed &&closed)
{
    for (std::uint32_t lane = 0; lane < m_lanes.size(); ++lane)
        closeLane(lane, time, closed);
}

inline std::vector<Span> SpanPairer::openSpans(std::uint32_t lane) const
{
    if (lane >= m_lanes.size())
        return {};
    std::vector<Span> out = m_lanes[lane].open;
    if (m_lanes[lane].gilOpen)
        out.push_back(m_lanes[lane].gil);
    return out;
}

} // namespace forkscope::core
