#include "core/export/trace_export.hpp"

#include "core/analysis/run_objects.hpp"
#include "core/analysis/spans.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace forkscope::core {

namespace {

using Json = nlohmann::ordered_json;

struct Track {
    int pid;
    int tid;
};

/// Writes the trace event by event (one small JSON object at a time, not one document in memory).
class TraceWriter {
public:
    explicit TraceWriter(const RunResult &result) : m_result(result) { m_out = "{\"traceEvents\":["; }

    void metadata();
    void events(const std::vector<Event> &events);
    std::string finish();

private:
    Track track(std::uint32_t lane) const
    {
        const LaneInfo &info = m_result.lanes[lane].info;
        return {info.pid, info.tid ? info.tid : info.pid};
    }
    std::string laneName(std::uint32_t lane) const
    {
        return lane < m_result.lanes.size() ? m_result.lanes[lane].info.name : "lane " + std::to_string(lane);
    }
    void write(const Json &item)
    {
        if (!m_first)
            m_out += ",\n";
        m_first = false;
        m_out += item.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    Json head(const char *ph, const std::string &name, Track t) const
    {
        return {{"ph", ph}, {"name", name}, {"pid", t.pid}, {"tid", t.tid}};
    }
    Json commonArgs(std::uint32_t lane) const { return {{"worker", laneName(lane)}, {"lane", lane}}; }
    void instant(const Event &e);
    std::string instantName(const Event &e) const;
    void complete(const Span &span);
    std::string spanName(const Span &span) const;

    const RunResult &m_result;
    RunObjects m_objects;
    std::vector<std::string> m_taskFunction; ///< per lane: the function of its running task
    std::string m_out;
    bool m_first = true;
};

/// Microseconds, as Chrome's format wants: ns / 1000 is exact enough and written the same way each time.
double micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

void TraceWriter::metadata()
{
    std::set<int> namedPids;
    std::set<std::pair<int, int>> namedThreads;
    for (std::size_t i = 0; i < m_result.lanes.size(); ++i) {
        const LaneInfo &info = m_result.lanes[i].info;
        const Track t = track(static_cast<std::uint32_t>(i));
        if (t.pid <= 0)
            continue;
        if (namedPids.insert(t.pid).second) {
            const std::string label
                = (i == 0 || info.kind != WorkerKind::Process ? std::string("main") : info.name) + " (pid "
                + std::to_string(t.pid) + ")";
            Json name = head("M", "process_name", t);
            name["args"] = {{"name", label}};
            write(name);
            Json order = head("M", "process_sort_index", t);
            order["args"] = {{"sort_index", i}};
            write(order);
        }
        if (namedThreads.insert({t.pid, t.tid}).second) {
            Json name = head("M", "thread_name", t);
            name["args"] = {{"name", i == 0 || info.kind == WorkerKind::Sequential ? "main" : info.name}};
            write(name);
            Json order = head("M", "thread_sort_index", t);
            order["args"] = {{"sort_index", i}};
            write(order);
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
    Json item = head("X", spanName(span), track(span.lane));
    item["ts"] = micros(span.begin);
    item["dur"] = micros(span.end) - micros(span.begin);
    Json args = commonArgs(span.lane);
    if (span.kind == SpanKind::Sleep || span.kind == SpanKind::Compute)
        args["requested_seconds"] = static_cast<double>(span.value) / 1e9;
    if (span.kind == SpanKind::JoinWait || span.kind == SpanKind::LockWait || span.kind == SpanKind::LockHold)
        args["target"] = span.arg;
    if (span.cancelled)
        args["unfinished"] = true;
    item["args"] = std::move(args);
    write(item);
}

std::string TraceWriter::instantName(const Event &e) const
{
    const LaneOutcome &lane = m_result.lanes[e.lane];
    switch (e.type) {
    case EventType::WorkerStart: return "start " + lane.info.name;
    case EventType::WorkerEnd:
        return "end " + lane.info.name
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
        return std::string(e.type == EventType::QueuePut ? "put " : "get ") + messageLabel(e) + " (queue "
            + std::to_string(e.arg) + ", fill " + std::to_string(e.detail) + ")";
    default: return std::string(eventTypeName(e.type));
    }
}

void TraceWriter::instant(const Event &e)
{
    Json item = head("i", instantName(e), track(e.lane));
    item["s"] = "t";
    item["ts"] = micros(e.timeNs);
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
    case EventType::QueueGet: args["text"] = std::to_string(e.value); break;
    case EventType::PipeSend:
    case EventType::PipeRecv: args["text"] = messageLabel(e); break;
    default:
        if (!e.text.empty())
            args["text"] = e.text;
        break;
    }
    item["args"] = std::move(args);
    write(item);
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
        case EventType::JoinEnd:
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
        default: instant(e); break;
        }
    }
    spans.closeAll(lastNs, closed);
}

std::string TraceWriter::finish()
{
    const Json other = {{"scenario", m_result.scenario},
                        {"kind", m_result.kind},
                        {"time_scale", m_result.timeScale},
                        {"cancelled", m_result.cancelled},
                        {"lost_events", m_result.lostEvents}};
    m_out += "],\"displayTimeUnit\":\"ms\",\"otherData\":";
    m_out += other.dump(-1, ' ', false, Json::error_handler_t::replace);
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
