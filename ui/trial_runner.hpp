#pragma once

#include "core/analysis/run_result.hpp"
#include "core/analysis/trials.hpp"
#include "core/event.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace forkscope::core {
class Run;
}

namespace forkscope::ui {

/// One finished trial, whole: what the window needs to show it (timeline, result, replay).
struct TrialRun {
    core::RunResult result;
    std::vector<core::Event> events;
};

/// What became of one trial, handed from the trials' thread to the window.
struct FinishedTrial {
    int series = 0;           ///< index of its series in the batch
    core::TrialRecord record; ///< its number in its series, final value, wrong or not
    int lostUpdates = 0;      ///< updates whose effect did not reach the final value (core::findLostUpdates)
    std::shared_ptr<const TrialRun> run;
};

/// Runs batches of trials (the bank without and with its lock) on threads of its own, one per series, so
/// the two series fill the histogram side by side: each thread runs its series' trials one real run after
/// another, as the command line does (start, wait, count). A trial mostly sleeps (its workers' think and
/// nap), so two at once on two cores take little longer than one, and the batch about half as long as the
/// series one after the other. Nothing of a trial touches the GUI thread but its outcome, posted once per
/// trial (the window keeps a few whole trials to show and drops the rest), so a batch is bounded by the runs
/// themselves rather than by the window's refresh timer, and the window never blocks. Each run is started by
/// the thread that waits for it, which lives until its last run has ended (the runner's parent-death signal
/// is tied to it). Stop cancels the runs under way and starts no other.
class TrialRunner : public QObject {
    Q_OBJECT
public:
    explicit TrialRunner(QObject *parent = nullptr);
    ~TrialRunner() override; ///< stops the batch and waits for its threads

    /// Runs every trial of every series, the series at once; false if a batch is under way or there is
    /// nothing to run.
    bool start(std::vector<core::TrialSeriesPlan> series);
    /// Cancels the trials under way and starts no other; finished() follows. No-op when idle.
    void stop();
    /// From start() until finished() is emitted.
    bool running() const { return m_running; }

signals:
    /// A trial completed and was counted (a cancelled or failed one is not).
    void trialFinished(const forkscope::ui::FinishedTrial &trial);
    /// The batch ended: every trial ran, or it was stopped, or a trial could not start or failed (`error`;
    /// the other series are stopped then). `elapsedNs`: from start() to the last series' end.
    void finished(bool stopped, const QString &error, qint64 elapsedNs);

private:
    /// The thread of series `index`: its trials, one after another.
    void work(std::size_t index, core::TrialSeriesPlan series);
    /// GUI thread: series `index` is done (with `error` if a trial failed).
    void seriesDone(const QString &error);
    void joinAll();

    std::vector<std::thread> m_threads;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::vector<core::Run *> m_current; ///< each series' run under way (guarded by m_mutex)
    // GUI thread only:
    bool m_running = false;
    std::size_t m_seriesLeft = 0;
    QString m_error;
    std::int64_t m_beganNs = 0;
};

} // namespace forkscope::ui
