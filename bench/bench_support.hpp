#pragma once

// What the benchmark programs share: order statistics, their JSON, writing a report, the load average,
// and waiting for forked children.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace forkscope::bench {

struct Stats {
    double median = 0;
    double p90 = 0; ///< nearest rank: the smallest value with at least 90 % of the samples at or below it
    double min = 0;
    double max = 0;
};

inline Stats statsOf(std::vector<double> values)
{
    Stats s;
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n)));
    s.p90 = values[std::max<std::size_t>(rank, 1) - 1];
    s.min = values.front();
    s.max = values.back();
    return s;
}

/// "NAME": {"median": ..., "p90": ..., "min": ..., "max": ...} with `decimals` digits.
inline std::string statsJson(const char *name, const Stats &s, int decimals = 3)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "\"%s\": {\"median\": %.*f, \"p90\": %.*f, \"min\": %.*f, \"max\": %.*f}",
                  name, decimals, s.median, decimals, s.p90, decimals, s.min, decimals, s.max);
    return buf;
}

/// Writes `text` to `path`; false on any error.
inline bool writeText(const std::string &path, const std::string &text)
{
    std::FILE *f = std::fopen(path.c_str(), "w");
    if (!f)
        return false;
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
}

/// The first three fields of /proc/loadavg: figures taken on a busy machine are not worth much.
inline std::string loadAverage()
{
    char buf[128] = {};
    if (std::FILE *f = std::fopen("/proc/loadavg", "r")) {
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        std::string text(buf, n);
        std::size_t end = 0;
        for (int field = 0; field < 3 && end != std::string::npos; ++field)
            end = text.find(' ', end ? end + 1 : 0);
        return text.substr(0, end);
    }
    return "?";
}

/// Waits for every forked child in `pids` (entries <= 0 are skipped); true if all exited with status 0.
inline bool reapAll(std::span<const pid_t> pids)
{
    bool ok = true;
    for (const pid_t pid : pids) {
        if (pid <= 0)
            continue;
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    return ok;
}

} // namespace forkscope::bench
