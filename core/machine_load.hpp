#pragma once

// How busy the machine was while something was measured: the share of its cores that other programs used
// (from /proc/stat, less what this process and the children it reaped used) and the load average. The GIL
// lab states it beside its timings, since a busy machine slows every mode and can make a speedup look
// smaller than it is.

#include <cstdint>
#include <optional>

namespace forkscope::core {

/// The machine's CPU time since boot (every core, from /proc/stat's "cpu" line) and this process's own
/// (itself and its reaped children: the runners it started and, through them, their workers), in ns.
struct CpuSample {
    std::int64_t wallNs = 0; ///< monotonic clock
    std::int64_t busyNs = 0; ///< every core's time not idle (user, nice, system, irq, softirq, steal)
    std::int64_t ownNs = 0;  ///< user + system time of this process and its reaped children
    double loadAverage = -1; ///< /proc/loadavg's one-minute figure; -1 if unreadable
};

/// A sample now; nullopt where /proc/stat cannot be read.
std::optional<CpuSample> sampleCpu();

/// What happened between two samples.
struct MachineLoad {
    int cores = 1;
    double othersShare = 0; ///< of all the cores' time, the share other programs used (0..1)
    double ownShare = 0;    ///< the share this process and its children used
    double loadBefore = -1; ///< one-minute load averages at the two samples
    double loadAfter = -1;
};

/// The load between `before` and `after` on a machine of `cores` cores.
MachineLoad machineLoad(const CpuSample &before, const CpuSample &after, int cores);

} // namespace forkscope::core
