#include "core/client/wait_watch.hpp"

#include "core/proc_table.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace forkscope::core {

std::string Waiting::describe() const
{
    char duration[32];
    const double s = static_cast<double>(forNs) / 1e9;
    std::snprintf(duration, sizeof duration, s < 10 ? "%.1f s" : "%.0f s", s);
    std::string who
        = lane == 0 ? std::string("main") : "worker " + std::to_string(lane) + " '" + info.name + "'";
    who += " (pid " + std::to_string(info.pid);
    if (info.kind == WorkerKind::Thread && info.tid > 0 && info.tid != info.pid)
        who += ", thread " + std::to_string(info.tid);
    who += ")";
    return "waiting for " + who + " for " + duration + " — " + std::string(processStateName(state));
}

char WaitWatch::procState(int pid, int tid)
{
    if (pid <= 0)
        return '?';
    if (tid <= 0 || tid == pid) {
        ProcessInfo info;
        return readProcess(pid, info) ? info.state : '?';
    }
    // A thread's own state: /proc/PID/task/TID/stat has the process's format.
    char path[96];
    std::snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return '?';
    char buf[512];
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return '?';
    buf[n] = '\0';
    const std::string_view text(buf, static_cast<std::size_t>(n));
    const auto close = text.rfind(") ");
    return close == std::string_view::npos || close + 2 >= text.size() ? '?' : text[close + 2];
}

WaitWatch::Lane &WaitWatch::lane(std::uint32_t index)
{
    if (index >= m_lanes.size())
        m_lanes.resize(index + 1);
    return m_lanes[index];
}

void WaitWatch::add(const Event &e)
{
    Lane &l = lane(e.lane);
    l.lastNs = e.timeNs;
    switch (e.type) {
    case EventType::WorkerStart: l.started = true; break;
    case EventType::WorkerEnd: l.ended = true; break;
    case EventType::MainEnd:
        m_mainReachedEnd = true;
        m_mainEndNs = e.timeNs;
        break;
    case EventType::JoinBegin:
        if (e.lane == 0) {
            m_joining = e.arg;
            m_joinNs = e.timeNs;
        }
        break;
    case EventType::JoinEnd:
        if (e.lane == 0)
            m_joining = -1;
        break;
    default: break;
    }
}

std::optional<Waiting> WaitWatch::waitingFor(const std::vector<LaneInfo> &lanes, std::int64_t nowNs,
                                             std::int64_t minWaitNs) const
{
    const auto live = [&](std::size_t i) {
        return i < m_lanes.size() && i < lanes.size() && m_lanes[i].started && !m_lanes[i].ended;
    };
    const auto waiting = [&](std::size_t i, std::int64_t sinceNs, char state) {
        Waiting w;
        w.lane = static_cast<std::uint32_t>(i);
        w.info = lanes[i];
        w.state = state;
        w.forNs = nowNs - sinceNs;
        return w;
    };
    // A stopped lane first: main's process (the runner: stopping it stops every thread worker too), then
    // each process worker. Only lanes silent for long enough are read, so a busy run costs no /proc reads.
    for (std::size_t i = 0; i < m_lanes.size(); ++i) {
        if (!live(i) || nowNs - m_lanes[i].lastNs < minWaitNs)
            continue;
        if (i != 0 && lanes[i].kind != WorkerKind::Process)
            continue; // a thread is stopped only with its whole process, which is main's
        if (const char state = m_read(lanes[i].pid, 0); state == 'T' || state == 't')
            return waiting(i, m_lanes[i].lastNs, state);
    }
    std::int64_t lane = -1;
    if (m_joining > 0 && live(static_cast<std::size_t>(m_joining)))
        lane = m_joining;
    else if (m_mainReachedEnd)
        for (std::size_t i = 1; i < m_lanes.size() && lane < 0; ++i)
            if (live(i))
                lane = static_cast<std::int64_t>(i);
    if (lane < 0)
        return std::nullopt;
    const auto i = static_cast<std::size_t>(lane);
    // Main has waited for it since it began to join it (or reached its end), unless the worker spoke since.
    const std::int64_t since = std::max(m_lanes[i].lastNs, m_joining == lane ? m_joinNs : m_mainEndNs);
    if (nowNs - since < minWaitNs)
        return std::nullopt;
    const LaneInfo &info = lanes[i];
    return waiting(i, since, m_read(info.pid, info.kind == WorkerKind::Process ? 0 : info.tid));
}

} // namespace forkscope::core
