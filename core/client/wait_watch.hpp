#pragma once

// Which worker a live run is waiting for, and for how long: fed the run's events as they come, it knows
// which lanes are under way, which one main is joining and when each last recorded anything; asked, it
// reads the candidates' state from /proc, so a worker stopped by SIGSTOP (or a debugger) is named as such.

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace forkscope::core {

/// One worker (or main) the run is waiting for.
struct Waiting {
    std::uint32_t lane = 0; ///< 0: main, whose process is the runner (a stopped runner stops every thread)
    LaneInfo info;          ///< its name, kind, pid and tid
    char state = '?';       ///< its state letter in /proc: T stopped, t traced, S sleeping, R running, ...
    std::int64_t forNs = 0; ///< how long the run has waited for it: since its last event, or since main began
                            ///< to wait for it (its join, or main's end) if that is later
    bool stopped() const { return state == 'T' || state == 't'; }
    /// "waiting for worker 3 'producer' (pid 1234) for 12 s — stopped"
    std::string describe() const;
};

/// Follows one live run's events (fed in time order) to say which worker it waits for. It holds a few
/// numbers per lane, never the events.
class WaitWatch {
public:
    /// A thread's (or process's) state letter from /proc, '?' when it is gone.
    using StateReader = std::function<char(int pid, int tid)>;
    /// Reads /proc/PID/stat, or /proc/PID/task/TID/stat for a thread other than the process's main thread.
    static char procState(int pid, int tid);

    explicit WaitWatch(StateReader reader = procState) : m_read(std::move(reader)) { }

    void add(const Event &e);

    /// At `nowNs` (ns since main's start), the one the run is waiting for, if it has waited for it at least
    /// `minWaitNs`: first a lane that is stopped (main's, then a process worker's: a stopped process records
    /// nothing, so whoever needs it waits), else the worker main is joining, else, once main reached its
    /// end, the first worker still running (Python waits for them at exit, in order). Nothing otherwise.
    /// `lanes`: the run's lane table (pids and tids), [0] being main.
    std::optional<Waiting> waitingFor(const std::vector<LaneInfo> &lanes, std::int64_t nowNs,
                                      std::int64_t minWaitNs) const;

private:
    struct Lane {
        bool started = false;
        bool ended = false;
        std::int64_t lastNs = 0; ///< its latest event
    };
    Lane &lane(std::uint32_t index);

    StateReader m_read;
    std::vector<Lane> m_lanes;
    std::int64_t m_joining = -1;   ///< the lane main is joining (-1: none)
    std::int64_t m_joinNs = 0;     ///< since when
    bool m_mainReachedEnd = false; ///< MainEnd seen: main waits for every worker still running
    std::int64_t m_mainEndNs = 0;  ///< since when
};

} // namespace forkscope::core
