#include "ui/latency_probe.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

LatencyFigures latencyFigures(std::vector<std::int64_t> lateNs)
{
    LatencyFigures f;
    f.samples = lateNs.size();
    if (lateNs.empty())
        return f;
    std::sort(lateNs.begin(), lateNs.end());
    // Nearest rank: the smallest sample at or above the given share of all samples.
    const auto rank = [&](double share) {
        const auto n = static_cast<double>(lateNs.size());
        const auto index = static_cast<std::size_t>(std::max(0.0, std::ceil(share * n) - 1));
        return static_cast<double>(lateNs[std::min(index, lateNs.size() - 1)]) / 1e6;
    };
    f.p50Ms = rank(0.50);
    f.p99Ms = rank(0.99);
    f.maxMs = static_cast<double>(lateNs.back()) / 1e6;
    return f;
}

EventLoopLatencyProbe::EventLoopLatencyProbe(int intervalMs, QObject *parent)
        : QObject(parent), m_intervalMs(intervalMs)
{
    // A precise timer: a coarse one may legitimately fire 5 % early or late, which is not the loop's fault.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setObjectName(QStringLiteral("latency probe"));
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EventLoopLatencyProbe::fired);
}

void EventLoopLatencyProbe::start()
{
    m_lateNs.clear();
    m_firedNs.clear();
    m_lastNs = core::monotonicNs();
    m_timer.start();
}

void EventLoopLatencyProbe::stop() { m_timer.stop(); }

void EventLoopLatencyProbe::fired()
{
    const std::int64_t now = core::monotonicNs();
    const std::int64_t late = now - m_lastNs - std::int64_t{m_intervalMs} * 1'000'000;
    m_lateNs.push_back(std::max<std::int64_t>(0, late));
    m_firedNs.push_back(now);
    m_lastNs = now;
}

} // namespace forkscope::ui
