#include "core/export/trace_export.hpp"

#include "core/export/json.hpp"
#include "core/shared_memory/queue.hpp"

#include <csignal>
#include <cstdio>
#include <map>
#include <set>

namespace forkscope::core {

std::string signalName(int signal)
{
    static const std::map<int, const char *> names{
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
        {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
        {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
        {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"},
        {SIGSYS, "SIGSYS"},
    };
    const auto it = names.find(signal);
    return it != names.end() ? it->second : "signal " + std::to_string(signal);
}

namespace {

void appendMicros(std::string &out, std::int64_t ns)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1000.0);
    out += buf;
}

void appendSeconds(std::string &out, std::int64_t ns)
{
    if (ns < 0) {
        out += "null";
        return;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(ns) / 1e9);
    out += buf;
}

struct Track {
    int pid;
    int tid;
};

class TraceWriter {
public:
    explicit TraceWriter(const RunResult &result) : m_result(result) { m_out = "{\"traceEvents\":["; }

    void metadata()
    {
        std::set<int> namedPids;
        std::set<std::pair<int, int>> namedThreads;
        for (std::size_t i = 0; i < m_result.lanes.size(); ++i) {
            const LaneInfo &info = m_result.lanes[i].info;
            const Track t = track(static_cast<std::uint32_t>(i));
            if (t.pid <= 0)
                continue;
            if (namedPids.insert(t.pid).second) {
                const std::string label = (i == 0 || info.kind != WorkerKind::Process ? std::string("main")
                                                                                      : info.name)
                                          + " (pid " + std::to_string(t.pid) + ")";
                meta("process_name", t, "name", label);
                metaNumber("process_sort_index", t, static_cast<double>(i));
            }
            if (namedThreads.insert({t.pid, t.tid}).second) {
                meta("thread_name", t, "name", i == 0 || info.kind == WorkerKind::Sequential ? "main" : info.name);
                metaNumber("thread_sort_index", t, static_cast<double>(i));
            }
        }
    }

    void events(const std::vector<Event> &events)
    {
        std::map<std::uint32_t, std::map<int, const Event *>> open; // lane → kind of bar → its begin
        std::int64_t lastNs = 0;
        for (const Event &e : events) {
            lastNs = std::max(lastNs, e.timeNs);
            const LaneOutcome &lane = m_result.lanes[e.lane];
            auto &bars = open[e.lane];
            switch (e.type) {
            case EventType::SleepBegin:
            case EventType::ComputeBegin:
            case EventType::JoinBegin:
            case EventType::LockWait:
                bars[static_cast<int>(e.type)] = &e;
                break;
            case EventType::LockAcquire:
                closeBar(bars, EventType::LockWait, e, "lock wait");
                bars[static_cast<int>(EventType::LockAcquire)] = &e;
                break;
            case EventType::LockRelease:
                closeBar(bars, EventType::LockAcquire, e, "lock hold");
                break;
            // The GIL: a wait bar from request to grant, a hold bar from grant to release or hand-over.
            case EventType::GilRequest:
                bars[static_cast<int>(e.type)] = &e;
                break;
            case EventType::GilAcquire:
                closeBar(bars, EventType::GilRequest, e, "GIL wait");
                bars[static_cast<int>(EventType::GilAcquire)] = &e;
                break;
            case EventType::GilRelease:
                closeBar(bars, EventType::GilAcquire, e, "GIL hold");
                break;
            case EventType::GilHandOver:
                closeBar(bars, EventType::GilAcquire, e, "GIL hold");
                instant(e, "GIL hand-over (asked by " + laneName(static_cast<std::uint32_t>(e.arg)) + ")", {});
                break;
            case EventType::GilDropRequest:
                instant(e, "GIL drop request (to " + laneName(static_cast<std::uint32_t>(e.arg)) + ")", {});
                break;
            case EventType::SleepEnd:
                closeBar(bars, EventType::SleepBegin, e, "sleep");
                break;
            case EventType::ComputeEnd:
                closeBar(bars, EventType::ComputeBegin, e, "compute");
                break;
            case EventType::JoinEnd:
                closeBar(bars, EventType::JoinBegin, e, "join wait: " + laneName(static_cast<std::uint32_t>(e.arg)));
                break;
            case EventType::WorkerStart:
                instant(e, "start " + lane.info.name, {});
                break;
            case EventType::WorkerEnd: {
                std::string name = "end " + lane.info.name;
                if (e.arg)
                    name += " (" + signalName(e.arg) + ")";
                else
                    name += " (exit " + std::to_string(e.value) + ")";
                instant(e, name, {});
                closeAll(bars, e.timeNs);
                break;
            }
            case EventType::Print:
                instant(e, "print", e.text);
                break;
            case EventType::ValueRead:
            case EventType::ValueWrite:
                instant(e, std::string(eventTypeName(e.type)) + " " + e.text, {});
                break;
            case EventType::MainEnd:
                instant(e, "main reached its end", {});
                break;
            case EventType::Spawn:
                instant(e, "start() " + laneName(static_cast<std::uint32_t>(e.arg)), {});
                break;
            // Queues, pipes and pools: blocked waits and tasks as bars, messages as instants.
            case EventType::QueueBlockBegin:
            case EventType::TaskBegin:
                bars[static_cast<int>(e.type)] = &e;
                break;
            case EventType::QueueBlockEnd: {
                const auto begin = bars.find(static_cast<int>(EventType::QueueBlockBegin));
                const std::int64_t why = begin == bars.end() ? 1 : begin->second->value;
                closeBar(bars, EventType::QueueBlockBegin, e,
                         why == 2 ? "pipe receive waiting (end " + std::to_string(e.arg) + ")"
                                  : "queue " + std::to_string(queueIdOf(e.arg)) + (why == 0 ? " full: put waits" : " empty: get waits"));
                break;
            }
            case EventType::TaskEnd:
                if (const auto it = bars.find(static_cast<int>(EventType::TaskBegin)); it != bars.end())
                    closeBar(bars, EventType::TaskBegin, e,
                             it->second->text + "(" + std::to_string(it->second->value) + ") = " + std::to_string(e.value));
                break;
            case EventType::QueuePut:
            case EventType::QueueGet:
                instant(e, std::string(e.type == EventType::QueuePut ? "put " : "get ") + e.text + " (queue "
                               + std::to_string(queueIdOf(e.arg)) + ", fill " + std::to_string(queueFillOf(e.arg)) + ")",
                        std::to_string(e.value));
                break;
            default:
                instant(e, std::string(eventTypeName(e.type)), e.text);
                break;
            }
        }
        for (auto &[lane, bars] : open)
            closeAll(bars, lastNs);
    }

    std::string finish()
    {
        m_out += "],\"displayTimeUnit\":\"ms\",\"otherData\":{\"scenario\":";
        appendJsonString(m_out, m_result.scenario);
        m_out += ",\"kind\":";
        appendJsonString(m_out, m_result.kind);
        m_out += ",\"time_scale\":";
        appendJsonNumber(m_out, m_result.timeScale);
        m_out += ",\"cancelled\":";
        m_out += m_result.cancelled ? "true" : "false";
        m_out += ",\"lost_events\":" + std::to_string(m_result.lostEvents);
        m_out += "}}\n";
        return std::move(m_out);
    }

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

    void separator()
    {
        if (!m_first)
            m_out += ",\n";
        m_first = false;
    }

    void head(const char *ph, const std::string &name, Track t)
    {
        separator();
        m_out += "{\"ph\":\"";
        m_out += ph;
        m_out += "\",\"name\":";
        appendJsonString(m_out, name);
        m_out += ",\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(t.tid);
    }

    void meta(const char *what, Track t, const char *key, const std::string &value)
    {
        head("M", what, t);
        m_out += ",\"args\":{\"";
        m_out += key;
        m_out += "\":";
        appendJsonString(m_out, value);
        m_out += "}}";
    }

    void metaNumber(const char *what, Track t, double value)
    {
        head("M", what, t);
        m_out += ",\"args\":{\"sort_index\":";
        appendJsonNumber(m_out, value);
        m_out += "}}";
    }

    void commonArgs(const Event &e)
    {
        m_out += "\"worker\":";
        appendJsonString(m_out, laneName(e.lane));
        m_out += ",\"lane\":" + std::to_string(e.lane);
    }

    void instant(const Event &e, const std::string &name, const std::string &text)
    {
        head("i", name, track(e.lane));
        m_out += ",\"s\":\"t\",\"ts\":";
        appendMicros(m_out, e.timeNs);
        m_out += ",\"args\":{";
        commonArgs(e);
        if (!text.empty()) {
            m_out += ",\"text\":";
            appendJsonString(m_out, text);
        }
        switch (e.type) {
        case EventType::WorkerStart:
            m_out += ",\"pid\":" + std::to_string(e.value) + ",\"tid\":" + std::to_string(e.arg);
            break;
        case EventType::WorkerEnd:
            m_out += ",\"exit_code\":" + std::to_string(e.value) + ",\"signal\":" + std::to_string(e.arg);
            if (e.flags & kCancelled)
                m_out += ",\"cancelled\":true";
            break;
        case EventType::ValueRead:
        case EventType::ValueWrite:
            m_out += ",\"name\":";
            appendJsonString(m_out, e.text);
            m_out += ",\"value\":" + std::to_string(e.value);
            break;
        default:
            break;
        }
        m_out += "}}";
    }

    void complete(const Event &begin, std::int64_t endNs, const std::string &name, bool unfinished)
    {
        head("X", name, track(begin.lane));
        m_out += ",\"ts\":";
        appendMicros(m_out, begin.timeNs);
        m_out += ",\"dur\":";
        appendMicros(m_out, endNs - begin.timeNs);
        m_out += ",\"args\":{";
        commonArgs(begin);
        if (begin.type == EventType::SleepBegin || begin.type == EventType::ComputeBegin) {
            m_out += ",\"requested_seconds\":";
            appendJsonNumber(m_out, static_cast<double>(begin.value) / 1e9);
        }
        if (begin.type == EventType::JoinBegin || begin.type == EventType::LockWait
            || begin.type == EventType::LockAcquire)
            m_out += ",\"target\":" + std::to_string(begin.arg);
        if (unfinished)
            m_out += ",\"unfinished\":true";
        m_out += "}}";
    }

    void closeBar(std::map<int, const Event *> &bars, EventType beginType, const Event &end, const std::string &name)
    {
        const auto it = bars.find(static_cast<int>(beginType));
        if (it == bars.end())
            return;
        complete(*it->second, end.timeNs, name, (end.flags & kCancelled) != 0);
        bars.erase(it);
    }

    void closeAll(std::map<int, const Event *> &bars, std::int64_t endNs)
    {
        static const std::map<int, const char *> names{
            {static_cast<int>(EventType::SleepBegin), "sleep"},
            {static_cast<int>(EventType::ComputeBegin), "compute"},
            {static_cast<int>(EventType::JoinBegin), "join wait"},
            {static_cast<int>(EventType::LockWait), "lock wait"},
            {static_cast<int>(EventType::LockAcquire), "lock hold"},
            {static_cast<int>(EventType::QueueBlockBegin), "queue blocked"},
            {static_cast<int>(EventType::TaskBegin), "task"},
            {static_cast<int>(EventType::GilRequest), "GIL wait"},
            {static_cast<int>(EventType::GilAcquire), "GIL hold"},
        };
        for (const auto &[type, begin] : bars)
            complete(*begin, endNs, names.at(type), true);
        bars.clear();
    }

    const RunResult &m_result;
    std::string m_out;
    bool m_first = true;
};

} // namespace

std::string chromeTraceJson(const RunResult &result, const std::vector<Event> &events)
{
    TraceWriter writer(result);
    writer.metadata();
    writer.events(events);
    return writer.finish();
}

int TrialOutcomes::wrong() const
{
    int n = 0;
    for (const std::int64_t f : finals)
        n += f != expected;
    return n;
}

std::string summaryJson(const RunResult &result, const TrialOutcomes *trials)
{
    std::string out = "{\n  \"scenario\": ";
    appendJsonString(out, result.scenario);
    out += ",\n  \"kind\": ";
    appendJsonString(out, result.kind);
    out += ",\n  \"time_scale\": ";
    appendJsonNumber(out, result.timeScale);
    out += ",\n  \"wall_seconds\": ";
    appendSeconds(out, result.wallNs);
    out += ",\n  \"main_end_seconds\": ";
    appendSeconds(out, result.mainEndNs);
    out += ",\n  \"lost_events\": " + std::to_string(result.lostEvents);
    out += ",\n  \"cancelled\": ";
    out += result.cancelled ? "true" : "false";
    out += ",\n  \"error\": ";
    if (result.error.empty())
        out += "null";
    else
        appendJsonString(out, result.error);
    out += ",\n  \"main_pid\": " + std::to_string(result.lanes.empty() ? 0 : result.lanes[0].info.pid);
    // Main's last read: the value main sees at its end (memory scenarios).
    out += ",\n  \"main_final\": ";
    out += result.lanes.empty() || result.lanes[0].read.empty() ? "null" : std::to_string(result.lanes[0].read.back());
    if (!result.locks.empty()) {
        out += ",\n  \"locks\": [";
        for (std::size_t i = 0; i < result.locks.size(); ++i) {
            const LockStats &l = result.locks[i];
            out += i ? ", " : "";
            out += "{\"id\": " + std::to_string(l.id) + ", \"acquisitions\": " + std::to_string(l.acquisitions)
                   + ", \"total_wait_seconds\": ";
            appendSeconds(out, l.totalWaitNs);
            out += ", \"longest_wait_seconds\": ";
            appendSeconds(out, l.longestWaitNs);
            out += ", \"total_hold_seconds\": ";
            appendSeconds(out, l.totalHoldNs);
            out += "}";
        }
        out += "]";
    }
    if (trials) {
        out += ",\n  \"expected\": " + std::to_string(trials->expected);
        out += ",\n  \"wrong_trials\": " + std::to_string(trials->wrong());
        out += ",\n  \"trials\": [";
        for (std::size_t i = 0; i < trials->finals.size(); ++i)
            out += (i ? ", " : "") + std::string("{\"final\": ") + std::to_string(trials->finals[i]) + "}";
        out += "]";
    }
    out += ",\n  \"workers\": [";
    for (std::size_t i = 1; i < result.lanes.size(); ++i) {
        const LaneOutcome &w = result.lanes[i];
        out += i > 1 ? ",\n    {" : "\n    {";
        out += "\"name\": ";
        appendJsonString(out, w.info.name);
        out += ", \"kind\": ";
        appendJsonString(out, workerKindName(w.info.kind));
        out += ", \"pid\": " + std::to_string(w.info.pid) + ", \"tid\": " + std::to_string(w.info.tid);
        out += ", \"exit_code\": ";
        out += w.ended && w.signal == 0 ? std::to_string(w.exitCode) : "null";
        out += ", \"signal\": " + std::to_string(w.signal);
        out += ", \"cancelled\": ";
        out += w.cancelled ? "true" : "false";
        const auto values = [&](const char *key, const std::vector<std::int64_t> &list) {
            if (list.empty())
                return;
            out += ", \"";
            out += key;
            out += "\": [";
            for (std::size_t k = 0; k < list.size(); ++k)
                out += (k ? ", " : "") + std::to_string(list[k]);
            out += "]";
        };
        if (!w.error.empty()) {
            out += ", \"error\": ";
            appendJsonString(out, w.error);
        }
        values("read", w.read);
        values("wrote", w.wrote);
        out += ", \"start_seconds\": ";
        appendSeconds(out, w.startNs);
        out += ", \"end_seconds\": ";
        appendSeconds(out, w.endNs);
        out += "}";
    }
    out += result.lanes.size() > 1 ? "\n  ]\n}\n" : "]\n}\n";
    return out;
}

} // namespace forkscope::core
