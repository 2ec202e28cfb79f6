#include "core/proc_table.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace forkscope::core {

bool readProcess(int pid, ProcessInfo &out)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char buf[1024];
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime
    // cstime priority nice num_threads ...": comm may hold spaces and parentheses, so split at the last ')'.
    const char *open = std::strchr(buf, '(');
    const char *close = std::strrchr(buf, ')');
    if (!open || !close || close < open || close[1] != ' ')
        return false;
    out.pid = pid;
    out.name.assign(open + 1, close);
    const char *p = close + 2;
    out.state = *p;
    long fields[18] = {};
    char *end = const_cast<char *>(p + 1);
    for (long &field : fields) { // ppid .. num_threads (fields 4 to 20 of stat)
        field = std::strtol(end, &end, 10);
    }
    out.ppid = static_cast<int>(fields[0]);
    out.pgrp = static_cast<int>(fields[1]);
    out.threads = static_cast<int>(fields[16]);
    return true;
}

std::vector<ProcessInfo> readProcesses()
{
    std::vector<ProcessInfo> out;
    DIR *dir = opendir("/proc");
    if (!dir)
        return out;
    while (const dirent *entry = readdir(dir)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        ProcessInfo info;
        if (pid > 0 && *end == '\0' && readProcess(static_cast<int>(pid), info))
            out.push_back(std::move(info));
    }
    closedir(dir);
    std::sort(out.begin(), out.end(),
              [](const ProcessInfo &a, const ProcessInfo &b) { return a.pid < b.pid; });
    return out;
}

std::vector<ProcessInfo> readProcessGroup(int pgid)
{
    std::vector<ProcessInfo> all = readProcesses();
    std::erase_if(all, [pgid](const ProcessInfo &p) { return p.pgrp != pgid; });
    return all;
}

std::string_view processStateName(char state) noexcept
{
    switch (state) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "disk wait";
    case 'Z': return "zombie";
    case 'T': return "stopped";
    case 't': return "traced";
    case 'X': return "dead";
    case 'I': return "idle";
    default: return "unknown";
    }
}

void ProcessTracker::update(int pgid, std::int64_t nowNs)
{
    const std::vector<ProcessInfo> now = pgid > 0 ? readProcessGroup(pgid) : std::vector<ProcessInfo>{};
    for (Row &row : m_rows) {
        const auto it = std::find_if(now.begin(), now.end(),
                                     [&](const ProcessInfo &p) { return p.pid == row.info.pid; });
        if (it == now.end()) {
            row.exited = true;
        } else if (!row.exited) {
            row.info = *it;
            row.lastSeenNs = nowNs;
        }
    }
    for (const ProcessInfo &p : now)
        if (std::none_of(m_rows.begin(), m_rows.end(), [&](const Row &r) { return r.info.pid == p.pid; }))
            m_rows.push_back({p, false, nowNs, nowNs});
}

std::string_view ProcessTracker::stateOf(const Row &row) noexcept
{
    return row.exited ? "exited" : processStateName(row.info.state);
}

std::string formatProcessTable(const std::vector<ProcessTracker::Row> &rows)
{
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "%7s %7s  %-16s %-10s %s\n", "PID", "PPID", "NAME", "STATE", "THREADS");
    out += line;
    for (const ProcessTracker::Row &r : rows) {
        const std::string state(ProcessTracker::stateOf(r));
        std::snprintf(line, sizeof line, "%7d %7d  %-16s %-10s %d\n", r.info.pid, r.info.ppid,
                      r.info.name.c_str(), state.c_str(), r.info.threads);
        out += line;
    }
    return out;
}

} // namespace forkscope::core
