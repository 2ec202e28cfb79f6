#include "ui/trial_runner.hpp"

#include "core/analysis/lost_updates.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"

namespace forkscope::ui {

TrialRunner::TrialRunner(QObject *parent) : QObject(parent) { }

TrialRunner::~TrialRunner()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
}

bool TrialRunner::start(std::vector<core::TrialSeriesPlan> series)
{
    if (m_running || series.empty())
        return false;
    if (m_thread.joinable())
        m_thread.join(); // the last batch's thread, already past its last post
    m_stop = false;
    m_running = true;
    m_thread = std::thread([this, series = std::move(series)]() mutable { work(std::move(series)); });
    return true;
}

void TrialRunner::stop()
{
    m_stop = true;
    std::lock_guard lock(m_mutex);
    if (m_current)
        m_current->cancel();
}

void TrialRunner::work(std::vector<core::TrialSeriesPlan> series)
{
    const std::int64_t began = core::monotonicNs();
    QString error;
    for (std::size_t si = 0; si < series.size() && error.isEmpty(); ++si) {
        core::TrialLoop &loop = series[si].loop;
        while (loop.hasNext() && !m_stop) {
            loop.startNext();
            std::string why;
            std::unique_ptr<core::Run> run = core::Run::start(loop.plan(), why);
            if (!run) {
                error = QString::fromStdString(why);
                break;
            }
            {
                std::lock_guard lock(m_mutex);
                m_current = run.get();
            }
            if (m_stop)
                run->cancel(); // Stop came between the check above and the pointer's publication
            run->wait();
            {
                std::lock_guard lock(m_mutex);
                m_current = nullptr;
            }
            auto whole = std::make_shared<TrialRun>();
            whole->result = run->result();
            whole->events = run->events();
            run.reset();
            const core::TrialRecord record = loop.record(whole->result);
            if (!record.counted) {
                if (whole->result.failed() && !whole->result.cancelled)
                    error = QString::fromStdString(whole->result.error);
                break;
            }
            std::vector<bool> processLanes;
            for (const core::LaneOutcome &lane : whole->result.lanes)
                processLanes.push_back(lane.info.kind == core::WorkerKind::Process);
            FinishedTrial trial{static_cast<int>(si), record, 0, nullptr};
            trial.lostUpdates = static_cast<int>(
                core::findLostUpdates(whole->events, whole->result.lostEvents, processLanes).lost.size());
            trial.run = std::move(whole);
            QMetaObject::invokeMethod(
                this, [this, trial] { emit trialFinished(trial); }, Qt::QueuedConnection);
        }
    }
    const bool stopped = m_stop;
    const qint64 elapsed = core::monotonicNs() - began;
    QMetaObject::invokeMethod(
        this,
        [this, stopped, error, elapsed] {
            m_running = false;
            emit finished(stopped, error, elapsed);
        },
        Qt::QueuedConnection);
}

} // namespace forkscope::ui
