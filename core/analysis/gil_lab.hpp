#pragma once

// The GIL lab's table: the cpu-vs-io scenario's N tasks timed in every mode, for both kinds of work. The
// command line (--all-modes) and the window fill it one run at a time; the speedup chart draws it.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

inline constexpr std::array<const char *, 2> kLabWorks{"cpu", "io"};
inline constexpr std::array<const char *, 4> kLabModes{"sequential", "gil-threads", "threads", "processes"};

/// One finished run: how long the tasks took in one mode.
struct LabTiming {
    std::string work; ///< "cpu" or "io"
    std::string mode; ///< one of kLabModes
    std::int64_t wallNs = -1;
};

/// The sequential run's wall time over this one's for the same work: how many times faster the mode is.
/// 0 when either is not there yet.
inline double labSpeedup(const std::vector<LabTiming> &table, const LabTiming &run)
{
    for (const LabTiming &t : table)
        if (t.work == run.work && t.mode == "sequential" && t.wallNs > 0 && run.wallNs > 0)
            return static_cast<double>(t.wallNs) / static_cast<double>(run.wallNs);
    return 0;
}

} // namespace forkscope::core
