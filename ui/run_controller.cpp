#include "ui/run_controller.hpp"

#include <span>

namespace forkscope::ui {

RunController::RunController(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(16); // ~60 refreshes a second: the timeline is never more than a frame behind
    connect(&m_timer, &QTimer::timeout, this, &RunController::poll);
}

RunController::~RunController() = default; // ~Run cancels a run still going and reaps it

bool RunController::start(const core::Plan &plan, const QString &title, QString *error)
{
    if (m_run) {
        if (error)
            *error = tr("A run is already in progress.");
        return false;
    }
    std::string why;
    m_run = core::Run::start(plan, why);
    if (!m_run) {
        if (error)
            *error = QString::fromStdString(why);
        return false;
    }
    m_model.reset(m_run->lanes());
    m_model.setTitle(title.toStdString());
    m_result = {};
    m_events.clear();
    m_seen = 0;
    m_liveWorkers = 0;
    m_timer.start();
    emit started();
    return true;
}

void RunController::stop()
{
    if (m_run)
        m_run->cancel();
}

std::int64_t RunController::elapsedNs() const { return m_run ? m_run->elapsedNs() : m_result.wallNs; }

std::uint64_t RunController::lostEvents() const { return m_run ? m_run->lostEvents() : m_result.lostEvents; }

std::optional<core::Waiting> RunController::waitingFor() const
{
    return m_run ? m_run->waitingFor(std::chrono::seconds(1)) : std::nullopt;
}

void RunController::poll()
{
    if (!m_run)
        return;
    const bool done = m_run->finished();
    // New events go straight to the end of the run's event list (kept for replay); the model and the
    // console take that new tail.
    const std::size_t from = m_events.size();
    m_seen = m_run->copyEvents(m_seen, m_events);
    const std::span<const core::Event> batch(m_events.data() + from, m_events.size() - from);
    QVector<PrintedLine> lines;
    for (const core::Event &e : batch) {
        if (e.type == core::EventType::Print)
            lines.push_back({e.timeNs, e.lane, QString::fromStdString(e.text)});
        if (e.lane != 0 && e.type == core::EventType::WorkerStart)
            ++m_liveWorkers;
        if (e.lane != 0 && e.type == core::EventType::WorkerEnd)
            --m_liveWorkers;
    }
    if (!batch.empty())
        m_model.appendEvents(batch); // pids and tids arrive with the WorkerStart events
    m_model.setNow(m_run->elapsedNs());
    emit updated(lines);
    if (!done)
        return;
    m_timer.stop();
    m_result = m_run->result();
    m_model.finish(m_result);
    m_run.reset();
    m_liveWorkers = 0;
    emit finished(m_result);
}

} // namespace forkscope::ui
