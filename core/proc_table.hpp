#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

/// One process as the kernel reports it in /proc/PID/stat (what psutil.process_iter() shows in Python).
struct ProcessInfo {
    int pid = 0;
    int ppid = 0;
    int pgrp = 0;
    std::string name; ///< the kernel's command name (comm, at most 15 characters)
    char state = '?'; ///< R running, S sleeping, D disk wait, Z zombie, T stopped, ...
    int threads = 0;
};

/// Every process visible in /proc right now (those that vanish while being read are skipped).
std::vector<ProcessInfo> readProcesses();
/// Those of one process group: a run's runner and its forked workers.
std::vector<ProcessInfo> readProcessGroup(int pgid);
/// One process, or false if it is gone.
bool readProcess(int pid, ProcessInfo &out);

/// "running", "sleeping", "zombie", ... for a /proc state letter.
std::string_view processStateName(char state) noexcept;

/// The processes of one run as they come and go: each update() reads /proc for the run's process group;
/// a process seen before and now gone stays in the table as "exited". Rows keep the order of first sight.
class ProcessTracker {
public:
    struct Row {
        ProcessInfo info;
        bool exited = false;
        std::int64_t firstSeenNs = 0; ///< the times passed to update()
        std::int64_t lastSeenNs = 0;
    };

    void update(int pgid, std::int64_t nowNs);
    void clear() { m_rows.clear(); }
    const std::vector<Row> &rows() const { return m_rows; }
    /// "exited" for a row that is gone, else the state's name.
    static std::string_view stateOf(const Row &row) noexcept;

private:
    std::vector<Row> m_rows;
};

/// A fixed-width table of rows: "  PID   PPID  NAME             STATE     THREADS".
std::string formatProcessTable(const std::vector<ProcessTracker::Row> &rows);

} // namespace forkscope::core
