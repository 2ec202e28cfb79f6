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

/// Runs batches of trials (the bank without and then with its lock) on a thread of its own, one real run
/// after another, as the command line does: start, wait, count. Nothing of a trial touches the GUI thread
/// but its outcome, posted once per trial (the window keeps a few whole trials to show and drops the rest),
/// so a batch is bounded by the runs themselves rather than by the window's refresh timer, and the window
/// never blocks. Each run is started by that thread, which lives until its last run has ended (the runner's
/// parent-death signal is tied to it). Stop cancels the run under way and starts no other.
class TrialRunner : public QObject {
    Q_OBJECT
public:
    explicit TrialRunner(QObject *parent = nullptr);
    ~TrialRunner() override; ///< stops the batch and waits for its thread

    /// Runs every trial of every series, series after series; false if a batch is under way or there is
    /// nothing to run.
    bool start(std::vector<core::TrialSeriesPlan> series);
    /// Cancels the trial under way and starts no other; finished() follows. No-op when idle.
    void stop();
    /// From start() until finished() is emitted.
    bool running() const { return m_running; }

signals:
    /// A trial completed and was counted (a cancelled or failed one is not).
    void trialFinished(const forkscope::ui::FinishedTrial &trial);
    /// The batch ended: every trial ran, or it was stopped, or a trial could not start or failed (`error`).
    /// `elapsedNs`: from start() to the last run's end.
    void finished(bool stopped, const QString &error, qint64 elapsedNs);

private:
    void work(std::vector<core::TrialSeriesPlan> series);

    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    core::Run *m_current = nullptr; ///< the run under way (guarded by m_mutex)
    bool m_running = false;         ///< GUI thread only
};

} // namespace forkscope::ui
