#include "core/machine_load.hpp"

#include "core/clock.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace forkscope::core {

namespace {

std::int64_t rusageNs(int who)
{
    rusage usage{};
    if (getrusage(who, &usage) != 0)
        return 0;
    const auto ns = [](const timeval &t) {
        return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000
            + static_cast<std::int64_t>(t.tv_usec) * 1000;
    };
    return ns(usage.ru_utime) + ns(usage.ru_stime);
}

} // namespace

std::optional<CpuSample> sampleCpu()
{
    CpuSample s;
    s.wallNs = monotonicNs();
    std::FILE *f = std::fopen("/proc/stat", "r");
    if (!f)
        return std::nullopt;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    const int fields = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
                                   &idle, &iowait, &irq, &softirq, &steal);
    std::fclose(f);
    if (fields < 4)
        return std::nullopt;
    const long tick = sysconf(_SC_CLK_TCK);
    const std::int64_t nsPerTick = 1'000'000'000 / (tick > 0 ? tick : 100);
    s.busyNs = static_cast<std::int64_t>(user + nice + system + irq + softirq + steal) * nsPerTick;
    s.ownNs = rusageNs(RUSAGE_SELF) + rusageNs(RUSAGE_CHILDREN);
    if (std::FILE *load = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(load, "%lf", &s.loadAverage) != 1)
            s.loadAverage = -1;
        std::fclose(load);
    }
    return s;
}

MachineLoad machineLoad(const CpuSample &before, const CpuSample &after, int cores)
{
    MachineLoad load;
    load.cores = std::max(1, cores);
    load.loadBefore = before.loadAverage;
    load.loadAfter = after.loadAverage;
    const double capacity = static_cast<double>(after.wallNs - before.wallNs) * load.cores;
    if (capacity <= 0)
        return load;
    const auto busy = static_cast<double>(std::max<std::int64_t>(0, after.busyNs - before.busyNs));
    const auto own = static_cast<double>(std::max<std::int64_t>(0, after.ownNs - before.ownNs));
    // The kernel counts in ticks and rusage in microseconds: the two can disagree by a tick or so, so
    // neither share leaves 0..1.
    load.ownShare = std::clamp(own / capacity, 0.0, 1.0);
    load.othersShare = std::clamp((busy - own) / capacity, 0.0, 1.0);
    return load;
}

} // namespace forkscope::core
