#include "core/export/trace_export.hpp"

#include "core/analysis/run_objects.hpp"
#include "core/analysis/spans.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace forkscope::core {

namespace {

using Json = nlohmann::ordered_json;

/// A thread as the trace names it: the run's own process number (1 for the runner's process) and the
/// thread's OS tid.
struct Track {
    int pid = 1;
    int tid = 0;
    bool operator<(const Track &o) const noexcept { return pid != o.pid ? pid < o.pid : tid < o.tid; }
};

/// A lane never started has no OS tid; it gets one no OS hands out (tids stay below 2^22 on Linux).
constexpr int kNoTidBase = 1 << 30;

/// The trace's clock: whole 1/1024 µs (about 0.98 ns) since main's start. Every time written is such a
/// count divided by 1024 — an exact binary fraction — so every sum or difference a viewer computes with
/// them (begin + duration, a time minus the earliest) is exact too, and a boundary two slices share is the
/// very same number on both sides. (Written as ns / 1000, a hold could begin 1e-12 µs before the wait it
/// follows ends, and viewers then drop slices that do not nest.) Strictly increasing: 1 ns is 1.024 units.
std::int64_t traceUnits(std::int64_t ns) noexcept
{
    const std::int64_t scaled = ns * 128; // × 1024 / 1000
    return scaled >= 0 ? (scaled + 62) / 125 : -((-scaled + 62) / 125);
}

double micros(std::int64_t units) noexcept { return static_cast<double>(units) / 1024.0; }

/// One line of the trace, kept until the end so the file is written in time order.
struct Item {
    std::int64_t ts = 0;     ///< trace units
    std::int64_t dur = 0;    ///< trace units; a slice sorts before what begins with it inside it
    std::uint64_t order = 0; ///< creation order: a flow event follows the event it binds to
    std::string json;
};

/// A GIL wait or hold, kept until every span of its thread is known (it may have to be cut in pieces).
struct GilSlice {
    std::int64_t begin = 0; ///< trace units
    std::int64_t end = 0;
    Json item; ///< the X event, without ts and dur
};

/// Where a flow begins or ends: the instant it binds to.
struct Anchor {
    std::int64_t ts = 0;
    std::uint64_t order = 0;
    Track track;
    std::string cat;
};

/// Writes the trace: metadata first, then every event in time order, one small JSON object at a time.
class TraceWriter {
public:
    explicit TraceWriter(const RunResult &result);

    void metadata();
    void events(const std::vector<Event> &events);
    std::string finish();

private:
    Track track(std::uint32_t lane) const
    {
        return lane < m_tracks.size() ? m_tracks[lane] : Track{1, kNoTidBase + static_cast<int>(lane)};
    }
    int processOf(std::uint32_t lane) const { return track(lane).pid; }
    std::string laneName(std::uint32_t lane) const
    {
        return lane < m_result.lanes.size() ? m_result.lanes[lane].info.name : "lane " + std::to_string(lane);
    }
    static Json head(const char *ph, const std::string &name, const char *cat, Track t)
    {
        return {{"ph", ph}, {"name", name}, {"cat", cat}, {"pid", t.pid}, {"tid", t.tid}};
    }
    static std::string dump(const Json &item)
    {
        return item.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    void writeMetadata(const Json &item)
    {
        if (!m_first)
            m_out += ",\n";
        m_first = false;
        m_out += dump(item);
    }
    /// Queues an event at `ts` (trace units); returns its order, for a flow to follow it.
    std::uint64_t add(Json item, std::int64_t ts, std::int64_t dur = 0)
    {
        item["ts"] = micros(ts);
        if (item["ph"] == "X")
            item["dur"] = micros(dur);
        const std::uint64_t order = m_order;
        m_order += 2;
        m_items.push_back({ts, dur, order, dump(item)});
        return order;
    }
    Json commonArgs(std::uint32_t lane) const { return {{"worker", laneName(lane)}, {"lane", lane}}; }
    Anchor instant(const Event &e, const std::string &name, const char *cat, Json args);
    void instant(const Event &e);
    std::string instantName(const Event &e) const;
    const char *instantCategory(const Event &e) const;
    void flow(const Anchor &from, const Anchor &to, const char *name);
    void counter(int pid, const std::string &name, const char *key, std::int64_t value, std::int64_t ns);
    void complete(const Span &span);
    std::string spanName(const Span &span) const;
    void writeGilSlices();

    const RunResult &m_result;
    std::vector<Track> m_tracks; ///< per lane
    RunObjects m_objects;
    std::vector<std::string> m_taskFunction; ///< per lane: the function of its running task
    std::vector<Item> m_items;
    std::uint64_t m_order = 0;
    std::uint64_t m_flows = 0;                              ///< flows written; the last one's id
    std::unordered_map<std::uint64_t, Anchor> m_unreceived; ///< by flowKey: puts and sends not yet taken
    std::unordered_map<std::uint64_t, Anchor> m_unsent;     ///< by flowKey: gets and receives seen first
    std::map<std::uint32_t, Anchor> m_laneEnds;             ///< by lane: its end, where a join's arrow starts
    std::map<std::uint32_t, Anchor> m_joins;                ///< by lane joined: joins seen before its end
    std::map<Track, std::vector<std::pair<std::int64_t, std::int64_t>>> m_nested; ///< other slices' spans
    std::map<Track, std::vector<GilSlice>> m_gil;
    std::map<int, std::int64_t> m_openedNs;  ///< by variable: when main opened it
    std::set<std::pair<int, int>> m_counted; ///< (variable, element) whose main-process counter began
    std::string m_out;
    bool m_first = true;
};

TraceWriter::TraceWriter(const RunResult &result) : m_result(result)
{
    m_out = "{\"traceEvents\":[";
    // One trace process per OS process of the run, numbered from 1 in lane order: the runner's (main, its
    // threads, its sequential calls) and each forked worker's — even a worker that never started, or one
    // whose pid the OS handed out again. The OS pid goes in the process's metadata, not in its name
    // (viewers add "(pid N)" themselves).
    int processes = 1;
    for (std::size_t i = 0; i < result.lanes.size(); ++i) {
        const LaneInfo &info = result.lanes[i].info;
        Track t;
        t.pid = i > 0 && info.kind == WorkerKind::Process ? ++processes : 1;
        t.tid = info.tid > 0 ? info.tid : info.pid > 0 && info.kind == WorkerKind::Process ? info.pid : 0;
        if (t.tid == 0)
            t.tid = i > 0 && info.kind == WorkerKind::Sequential && !m_tracks.empty()
                ? m_tracks[0].tid
                : kNoTidBase + static_cast<int>(i);
        m_tracks.push_back(t);
    }
}

void TraceWriter::metadata()
{
    std::set<int> namedPids;
    std::set<Track> namedThreads;
    for (std::size_t i = 0; i < m_result.lanes.size(); ++i) {
        const LaneInfo &info = m_result.lanes[i].info;
        const Track t = m_tracks[i];
        if (namedPids.insert(t.pid).second) {
            Json name = head("M", "process_name", "__metadata", t);
            name["args"] = {{"name", t.pid == 1 ? std::string("main") : info.name}};
            if (info.pid > 0)
                name["args"]["os_pid"] = info.pid;
            writeMetadata(name);
            Json order = head("M", "process_sort_index", "__metadata", t);
            order["args"] = {{"sort_index", t.pid}};
            writeMetadata(order);
        }
        if (namedThreads.insert(t).second) {
            Json name = head("M", "thread_name", "__metadata", t);
            name["args"] = {{"name", i == 0 || info.kind == WorkerKind::Sequential ? "main" : info.name}};
            writeMetadata(name);
            Json order = head("M", "thread_sort_index", "__metadata", t);
            order["args"] = {{"sort_index", i}};
            writeMetadata(order);
        }
    }
}

std::string TraceWriter::spanName(const Span &span) const
{
    if (span.cut) {
        // Cut short by its lane's end or the run's: named by what it was.
        static constexpr const char *kNames[kSpanKindCount]
            = {"sleep",         "compute", "join wait", "lock wait", "lock hold",
               "queue blocked", "task",    "GIL wait",  "GIL hold"};
        return kNames[static_cast<int>(span.kind)];
    }
    switch (span.kind) {
    case SpanKind::Sleep: return "sleep";
    case SpanKind::Compute: return "compute";
    case SpanKind::JoinWait: return "join wait: " + laneName(static_cast<std::uint32_t>(span.arg));
    case SpanKind::LockWait: return "lock wait";
    case SpanKind::LockHold: return "lock hold";
    case SpanKind::QueueBlocked:
        return span.value == 2 ? "pipe receive waiting (end " + std::to_string(span.arg) + ")"
                               : "queue " + std::to_string(span.arg)
                + (span.value == 0 ? " full: put waits" : " empty: get waits");
    case SpanKind::Task: {
        const std::string &function
            = span.lane < m_taskFunction.size() ? m_taskFunction[span.lane] : std::string();
        return function + "(" + std::to_string(span.value) + ") = " + std::to_string(span.endValue);
    }
    case SpanKind::GilWait: return "GIL wait";
    case SpanKind::GilHold: return "GIL hold";
    }
    return "span";
}

void TraceWriter::complete(const Span &span)
{
    const Track t = track(span.lane);
    const bool gil = isGilSpan(span.kind);
    Json item = head("X", spanName(span), gil ? "gil" : "step", t);
    Json args = commonArgs(span.lane);
    if (span.kind == SpanKind::Sleep || span.kind == SpanKind::Compute)
        args["requested_seconds"] = static_cast<double>(span.value) / 1e9;
    if (span.kind == SpanKind::Compute && span.arg == kWorkResumesAfterGil)
        args["resumed_after_gil"] = true;
    if (span.kind == SpanKind::Compute && !span.cut && span.endArg == kWorkPausesForGil)
        args["paused_for_gil"] = true;
    if (span.kind == SpanKind::JoinWait || span.kind == SpanKind::LockWait || span.kind == SpanKind::LockHold)
        args["target"] = span.arg;
    if (span.kind == SpanKind::GilHold && span.forced)
        args["handed_over_to"] = laneName(static_cast<std::uint32_t>(span.endArg));
    if (span.cancelled)
        args["unfinished"] = true;
    item["args"] = std::move(args);
    const std::int64_t begin = traceUnits(span.begin);
    const std::int64_t end = std::max(begin, traceUnits(span.end));
    if (gil) {
        m_gil[t].push_back({begin, end, std::move(item)});
        return;
    }
    m_nested[t].emplace_back(begin, end);
    add(std::move(item), begin, end - begin);
}

void TraceWriter::writeGilSlices()
{
    // A lane's other spans nest (the pairer's steps never cross) and its GIL spans follow one another, but a
    // GIL hold runs across steps: a lock taken while holding it may be released before the GIL is. Viewers
    // drop a slice that does not nest, so a GIL span is cut wherever another span of its thread that crosses
    // it begins or ends inside it; each piece then lies inside that span or outside it. (Computing never
    // crosses a hand-over: the runner ends the compute span there and begins a new one when it has the GIL
    // back.) A cut point lies strictly inside no span that lies inside the GIL span, so no new crossing.
    for (auto &entry : m_gil) {
        // Not a structured binding: clang 14 (the fuzz preset) cannot capture one in the lambda below.
        const auto &t = entry.first;
        auto &slices = entry.second;
        std::sort(slices.begin(), slices.end(),
                  [](const GilSlice &a, const GilSlice &b) { return a.begin < b.begin; });
        std::vector<std::vector<std::int64_t>> cuts(slices.size());
        const auto holding = [&](std::int64_t at) -> std::ptrdiff_t {
            // The GIL span that has `at` strictly inside, if any (they do not overlap).
            auto it = std::upper_bound(slices.begin(), slices.end(), at,
                                       [](std::int64_t v, const GilSlice &s) { return v < s.begin; });
            if (it == slices.begin())
                return -1;
            --it;
            return at > it->begin && at < it->end ? it - slices.begin() : -1;
        };
        for (const auto &[begin, end] : m_nested[t]) {
            for (const std::int64_t at : {begin, end}) {
                const std::ptrdiff_t i = holding(at);
                if (i < 0)
                    continue;
                const GilSlice &g = slices[static_cast<std::size_t>(i)];
                const std::int64_t other = at == begin ? end : begin;
                if (other < g.begin || other > g.end) // crosses it
                    cuts[static_cast<std::size_t>(i)].push_back(at);
            }
        }
        for (std::size_t i = 0; i < slices.size(); ++i) {
            GilSlice &g = slices[i];
            std::vector<std::int64_t> &at = cuts[i];
            std::sort(at.begin(), at.end());
            at.erase(std::unique(at.begin(), at.end()), at.end());
            at.insert(at.begin(), g.begin);
            at.push_back(g.end);
            const std::size_t pieces = at.size() - 1;
            for (std::size_t p = 0; p < pieces; ++p) {
                Json item = g.item;
                if (pieces > 1) {
                    item["args"]["part"] = p + 1;
                    item["args"]["parts"] = pieces;
                }
                add(std::move(item), at[p], at[p + 1] - at[p]);
            }
        }
    }
}

std::string TraceWriter::instantName(const Event &e) const
{
    switch (e.type) {
    case EventType::WorkerStart: return "start " + laneName(e.lane);
    case EventType::WorkerEnd:
        return "end " + laneName(e.lane)
            + (e.arg ? " (" + signalName(e.arg) + ")" : " (exit " + std::to_string(e.value) + ")");
    case EventType::Print: return "print";
    case EventType::ValueRead:
    case EventType::ValueWrite:
        return std::string(eventTypeName(e.type)) + " " + m_objects.variableLabel(e.arg, e.detail);
    case EventType::MainEnd: return "main reached its end";
    case EventType::Spawn: return "start() " + laneName(static_cast<std::uint32_t>(e.arg));
    case EventType::GilHandOver:
        return "GIL hand-over (asked by " + laneName(static_cast<std::uint32_t>(e.arg)) + ")";
    case EventType::GilDropRequest:
        return "GIL drop request (to " + laneName(static_cast<std::uint32_t>(e.arg)) + ")";
    case EventType::QueuePut:
    case EventType::QueueGet:
        return std::string(e.type == EventType::QueuePut ? "put " : "get ") + messageLabel(e) + " ("
            + m_objects.queueName(e.arg) + ", fill " + std::to_string(e.detail) + ")";
    case EventType::PipeSend:
    case EventType::PipeRecv:
        return std::string(e.type == EventType::PipeSend ? "send " : "recv ") + messageLabel(e) + " (end "
            + std::to_string(e.arg) + ")";
    default: return std::string(eventTypeName(e.type));
    }
}

const char *TraceWriter::instantCategory(const Event &e) const
{
    switch (e.type) {
    case EventType::WorkerStart:
    case EventType::WorkerEnd:
    case EventType::MainEnd:
    case EventType::Spawn: return "lifecycle";
    case EventType::Print: return "print";
    case EventType::ValueRead:
    case EventType::ValueWrite:
    case EventType::VariableOpen: return "value";
    case EventType::QueuePut:
    case EventType::QueueGet:
    case EventType::PipeSend:
    case EventType::PipeRecv:
    case EventType::QueueOpen:
    case EventType::QueueClose: return "message";
    case EventType::GilHandOver:
    case EventType::GilDropRequest: return "gil";
    default: return "note";
    }
}

Anchor TraceWriter::instant(const Event &e, const std::string &name, const char *cat, Json args)
{
    const Track t = track(e.lane);
    // "I", not the old "i": DevTools' trace engine knows only "I" (Perfetto and chrome://tracing read both).
    Json item = head("I", name, cat, t);
    item["s"] = "t";
    item["args"] = std::move(args);
    const std::int64_t ts = traceUnits(e.timeNs);
    return {ts, add(std::move(item), ts), t, cat};
}

void TraceWriter::instant(const Event &e)
{
    Json args = commonArgs(e.lane);
    switch (e.type) {
    case EventType::WorkerStart:
        args["pid"] = e.value;
        args["tid"] = e.arg;
        break;
    case EventType::WorkerEnd:
        args["exit_code"] = e.value;
        args["signal"] = e.arg;
        if (e.flags & kCancelled)
            args["cancelled"] = true;
        break;
    case EventType::ValueRead:
    case EventType::ValueWrite:
        args["name"] = m_objects.variableLabel(e.arg, e.detail);
        args["value"] = e.value;
        break;
    case EventType::QueuePut:
    case EventType::QueueGet:
        args["queue"] = m_objects.queueName(e.arg);
        args["seq"] = e.id;
        args["value"] = e.value;
        args["fill"] = e.detail;
        if (!e.text.empty())
            args["text"] = e.text;
        break;
    case EventType::PipeSend:
    case EventType::PipeRecv:
        args["end"] = e.arg;
        args["seq"] = e.id;
        args["value"] = e.value;
        args["text"] = messageLabel(e);
        break;
    default:
        if (!e.text.empty())
            args["text"] = e.text;
        break;
    }
    const Anchor at = instant(e, instantName(e), instantCategory(e), std::move(args));

    // Arrows: a message from its put or send to its get or receive, a join from the worker's end to the
    // moment join() returned.
    // A put published late (its writer preempted past the collector's hold-back) comes after its get in the
    // stream, at a raised time: either end may come first; flow() draws it only forwards in time.
    switch (e.type) {
    case EventType::QueuePut:
    case EventType::PipeSend:
        if (const auto taken = m_unsent.find(flowKey(e)); taken != m_unsent.end()) {
            flow(at, taken->second, "message");
            m_unsent.erase(taken);
        } else {
            m_unreceived[flowKey(e)] = at;
        }
        break;
    case EventType::QueueGet:
    case EventType::PipeRecv:
        if (const auto sent = m_unreceived.find(flowKey(e)); sent != m_unreceived.end()) {
            flow(sent->second, at, "message");
            m_unreceived.erase(sent);
        } else {
            m_unsent[flowKey(e)] = at;
        }
        break;
    case EventType::WorkerEnd:
        m_laneEnds[e.lane] = at;
        if (const auto joined = m_joins.find(e.lane); joined != m_joins.end()) {
            flow(at, joined->second, "join");
            m_joins.erase(joined);
        }
        break;
    default: break;
    }
}

void TraceWriter::flow(const Anchor &from, const Anchor &to, const char *name)
{
    // Flow v1 events, each at the very time, thread and category of the instant it binds to, written just
    // after it: DevTools' engine binds a flow event to the event with the same (ts, pid, tid, cat);
    // Perfetto's JSON importer binds a start to the slice open on its thread (the instant, a zero-length
    // slice) and, with "bp":"e", an end likewise.
    if (from.ts > to.ts)
        return;
    const std::uint64_t id = ++m_flows;
    Json start = head("s", name, from.cat.c_str(), from.track);
    start["id"] = id;
    start["ts"] = micros(from.ts);
    m_items.push_back({from.ts, 0, from.order + 1, dump(start)});
    Json end = head("f", name, to.cat.c_str(), to.track);
    end["bp"] = "e";
    end["id"] = id;
    end["ts"] = micros(to.ts);
    // At one time the start must still come first (DevTools pairs them in file order), even when the put
    // was seen after its get.
    m_items.push_back({to.ts, 0, std::max(from.order, to.order) + 1, dump(end)});
}

void TraceWriter::counter(int pid, const std::string &name, const char *key, std::int64_t value,
                          std::int64_t ns)
{
    Json item = {{"ph", "C"}, {"name", name}, {"cat", "counter"}, {"pid", pid}};
    item["args"] = {{key, value}};
    add(std::move(item), traceUnits(ns));
}

void TraceWriter::events(const std::vector<Event> &events)
{
    SpanPairer spans;
    std::int64_t lastNs = 0;
    const auto closed = [this](const Span &span) { complete(span); };
    for (const Event &e : events) {
        lastNs = std::max(lastNs, e.timeNs);
        m_objects.add(e);
        if (e.type == EventType::TaskBegin) {
            if (m_taskFunction.size() <= e.lane)
                m_taskFunction.resize(e.lane + 1);
            m_taskFunction[e.lane] = e.text;
        }
        spans.feed(
            e, [](Span &) {}, closed);
        switch (e.type) {
        // Begin and end events are the spans written above; a hand-over is both a span's end and an instant.
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
        case EventType::TaskBegin:
        case EventType::TaskEnd:
        case EventType::GilRequest:
        case EventType::GilAcquire:
        case EventType::GilRelease: break;
        case EventType::JoinEnd: {
            // The join wait is a slice; the moment join() returned is an instant too, where the arrow from
            // the joined worker's end arrives.
            const auto joined = static_cast<std::uint32_t>(e.arg);
            const Anchor at = instant(e, "joined " + laneName(joined), "lifecycle", commonArgs(e.lane));
            if (joined == e.lane)
                break;
            if (const auto end = m_laneEnds.find(joined); end != m_laneEnds.end())
                flow(end->second, at, "join");
            else
                m_joins[joined] = at;
            break;
        }
        default: instant(e); break;
        }

        // Counter tracks: a queue's fill level, and each variable's value — a shared one (Value, Array) in
        // the main process, where its memory was made; a global in the process whose copy was written.
        switch (e.type) {
        case EventType::QueuePut:
        case EventType::QueueGet:
        case EventType::QueueClose:
            counter(1, "queue " + m_objects.queueName(e.arg), "messages", e.detail, e.timeNs);
            break;
        case EventType::ValueWrite: {
            const auto &vars = m_objects.variables();
            const auto id = static_cast<std::size_t>(e.arg);
            const bool known = e.arg >= 0 && id < vars.size();
            const int pid = known && vars[id].shared ? 1 : processOf(e.lane);
            const std::string name = m_objects.variableLabel(e.arg, e.detail);
            // Its first sample is the initial value, from when main opened it — in the main process, whose
            // copy that is; a forked worker's copy of a global starts at whatever it was at the fork.
            // (A list's items did not exist before they were appended; its length was 0.)
            if (known && pid == 1 && !(vars[id].list && e.detail > 0)
                && m_counted.insert({e.arg, e.detail}).second)
                counter(1, name, "value", vars[id].list ? 0 : vars[id].initial, m_openedNs[e.arg]);
            counter(pid, name, "value", e.value, e.timeNs);
            break;
        }
        case EventType::VariableOpen: m_openedNs[e.arg] = e.timeNs; break;
        default: break;
        }
    }
    spans.closeAll(lastNs, closed);
    writeGilSlices();
}

std::string TraceWriter::finish()
{
    // Time order; at one time a slice before what begins inside it (longest first), and a flow event right
    // after the instant it binds to.
    std::stable_sort(m_items.begin(), m_items.end(), [](const Item &a, const Item &b) {
        if (a.ts != b.ts)
            return a.ts < b.ts;
        if (a.dur != b.dur)
            return a.dur > b.dur;
        return a.order < b.order;
    });
    for (Item &item : m_items) {
        if (!m_first)
            m_out += ",\n";
        m_first = false;
        m_out += item.json;
        std::string().swap(item.json); // each line is held once, in the queue or in the file's text
    }
    const Json other = {{"scenario", m_result.scenario},
                        {"kind", m_result.kind},
                        {"time_scale", m_result.timeScale},
                        {"cancelled", m_result.cancelled},
                        {"lost_events", m_result.lostEvents},
                        {"clock", "microseconds since main's start, in whole 1/1024 us"}};
    m_out += "],\"displayTimeUnit\":\"ms\",\"otherData\":";
    m_out += dump(other);
    m_out += "}\n";
    return std::move(m_out);
}

} // namespace

std::string chromeTraceJson(const RunResult &result, const std::vector<Event> &events)
{
    TraceWriter writer(result);
    writer.metadata();
    writer.events(events);
    return writer.finish();
}

} // namespace forkscope::core
