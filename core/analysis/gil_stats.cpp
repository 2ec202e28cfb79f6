#include "core/analysis/gil_stats.hpp"

#include "core/analysis/spans.hpp"

#include <algorithm>
#include <tuple>

namespace forkscope::core {

GilStats gilStats(std::span<const Event> events, const std::vector<int> &pidOfLane)
{
    GilStats stats;
    // (pid, time, -1 release / +1 grant): holders per process over time. At equal times a release counts
    // first: it was recorded before its unlock, the grant after its lock.
    std::vector<std::tuple<int, std::int64_t, int>> changes;
    const auto pidOf = [&](std::uint32_t lane) { return lane < pidOfLane.size() ? pidOfLane[lane] : -1; };
    SpanPairer spans;
    std::int64_t last = 0;
    const auto opened = [&](const Span &span) {
        if (span.kind == SpanKind::GilHold) {
            ++stats.acquisitions;
            changes.emplace_back(pidOf(span.lane), span.begin, +1);
        }
    };
    const auto closed = [&](const Span &span) {
        if (span.kind == SpanKind::GilWait && !span.cut)
            stats.totalWaitNs += span.duration();
        if (span.kind == SpanKind::GilHold) {
            if (span.forced)
                stats.forcedHoldsNs.push_back(span.duration());
            changes.emplace_back(pidOf(span.lane), span.end, -1);
        }
    };
    for (const Event &e : events) {
        last = std::max(last, e.timeNs);
        spans.feed(e, opened, closed);
        stats.handOvers += e.type == EventType::GilHandOver;
        stats.dropRequests += e.type == EventType::GilDropRequest;
    }
    spans.closeAll(last, closed);
    std::sort(changes.begin(), changes.end());
    int pid = 0;
    int holders = 0;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto &[p, t, delta] = changes[i];
        if (i == 0 || p != pid) {
            pid = p;
            holders = 0;
        }
        holders += delta;
        stats.maxHoldersAtOnce = std::max(stats.maxHoldersAtOnce, holders);
    }
    if (!stats.forcedHoldsNs.empty()) {
        std::vector<std::int64_t> sorted = stats.forcedHoldsNs;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                         sorted.end());
        stats.medianForcedHoldNs = sorted[sorted.size() / 2];
    }
    return stats;
}

} // namespace forkscope::core
