#pragma once

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <vector>

namespace forkscope::ui {

/// Percentiles of how late a probe's timer fired.
struct LatencyFigures {
    std::size_t samples = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};

/// LatencyFigures of `lateNs` (each sample: how late one firing was, in ns); zeros when empty.
LatencyFigures latencyFigures(std::vector<std::int64_t> lateNs);

/// How responsive the GUI thread is: a timer of `intervalMs` (10 ms by default) on the thread the probe
/// lives on, and for each firing how much later than asked it came (the time since the previous firing,
/// less the interval). A click waits as long as a late timer does, so its 99th percentile is what a
/// person feels as "the window does not answer". Used by the GUI tests and bench/latency_bench.
class EventLoopLatencyProbe : public QObject {
    Q_OBJECT
public:
    explicit EventLoopLatencyProbe(int intervalMs = 10, QObject *parent = nullptr);

    /// Starts (again) with no samples.
    void start();
    void stop();
    bool running() const { return m_timer.isActive(); }
    /// How late each firing was since start(), in ns, in order.
    const std::vector<std::int64_t> &lateNs() const { return m_lateNs; }
    /// When each firing came (core::monotonicNs), in the order of lateNs(): a late one waited from
    /// firedNs - lateNs - the interval until firedNs.
    const std::vector<std::int64_t> &firedNs() const { return m_firedNs; }
    int intervalMs() const { return m_intervalMs; }
    LatencyFigures figures() const { return latencyFigures(m_lateNs); }

private:
    void fired();

    QTimer m_timer;
    int m_intervalMs;
    std::int64_t m_lastNs = 0;
    std::vector<std::int64_t> m_lateNs;
    std::vector<std::int64_t> m_firedNs;
};

} // namespace forkscope::ui
