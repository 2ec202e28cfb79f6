#include "ui/trial_runner.hpp"

#include "core/analysis/lost_updates.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"

namespace forkscope::ui {

TrialRunner::TrialRunner(QObject *parent) : QObject(parent) { }

TrialRunner::~TrialRunner()
{
    stop();
    joinAll();
}

void TrialRunner::joinAll()
{
    for (std::thread &t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
}

bool TrialRunner::start(std::vector<core::TrialSeriesPlan> series)
{
    if (m_running || series.empty())
        return false;
    joinAll(); // the last batch's threads, already past their last post
    m_stop = false;
    m_running = true;
    m_seriesLeft = series.size();
    m_error.clear();
    m_beganNs = core::monotonicNs();
    m_current.assign(series.size(), nullptr);
    for (std::size_t i = 0; i < series.size(); ++i)
        m_threads.emplace_back([this, i, s = std::move(series[i])]() mutable { work(i, std::move(s)); });
    return true;
}

void TrialRunner::stop()
{
    m_stop = true;
    std::lock_guard lock(m_mutex);
    for (core::Run *run : m_current)
        if (run)
            run->cancel();
}

void TrialRunner::work(std::size_t index, core::TrialSeriesPlan series)
{
    QString error;
    core::TrialLoop &loop = series.loop;
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
            m_current[index] = run.get();
        }
        if (m_stop)
            run->cancel(); // Stop came between the check above and the pointer's publication
        run->wait();
        {
            std::lock_guard lock(m_mutex);
            m_current[index] = nullptr;
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
        FinishedTrial trial{static_cast<int>(index), record, 0, nullptr};
        trial.lostUpdates = static_cast<int>(
            core::findLostUpdates(whole->events, whole->result.lostEvents, processLanes).lost.size());
        trial.run = std::move(whole);
        QMetaObject::invokeMethod(
            this, [this, trial] { emit trialFinished(trial); }, Qt::QueuedConnection);
    }
    QMetaObject::invokeMethod(
        this, [this, error] { seriesDone(error); }, Qt::QueuedConnection);
}

void TrialRunner::seriesDone(const QString &error)
{
    if (!error.isEmpty() && m_error.isEmpty()) {
        m_error = error;
        stop(); // the batch failed: the other series stop too
    }
    if (--m_seriesLeft > 0)
        return;
    m_running = false;
    emit finished(m_stop && m_error.isEmpty(), m_error, core::monotonicNs() - m_beganNs);
}

} // namespace forkscope::ui
