#include "ui/replay_controller.hpp"

namespace forkscope::ui {

ReplayController::ReplayController(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &ReplayController::tick);
}

void ReplayController::load(const std::vector<core::Event> &events, const core::RunResult &result,
                            const std::string &title)
{
    m_timer.stop();
    m_events = events;
    m_result = result;
    m_title = title;
    m_lanes.clear();
    for (const core::LaneOutcome &lane : result.lanes)
        m_lanes.push_back(lane.info);
    rewind();
}

void ReplayController::rewind()
{
    m_timer.stop();
    m_model.reset(m_lanes);
    m_model.setTitle(m_title + " (replay)");
    m_next = 0;
    m_playheadNs = 0;
    m_model.setNow(0);
    emit advanced({});
}

void ReplayController::play(double speed)
{
    if (!loaded())
        return;
    if (atEnd())
        rewind();
    m_speed = speed > 0 ? speed : 1.0;
    m_startPlayheadNs = m_playheadNs;
    m_clock.start();
    m_timer.start();
}

void ReplayController::pause() { m_timer.stop(); }

void ReplayController::step()
{
    m_timer.stop();
    if (atEnd())
        return;
    advanceTo(m_events[m_next].timeNs);
}

void ReplayController::tick()
{
    const auto wallNs = static_cast<double>(m_clock.nsecsElapsed());
    advanceTo(m_startPlayheadNs + static_cast<std::int64_t>(wallNs * m_speed));
}

void ReplayController::advanceTo(std::int64_t t)
{
    const std::size_t from = m_next;
    QVector<PrintedLine> lines;
    while (m_next < m_events.size() && m_events[m_next].timeNs <= t) {
        const core::Event &e = m_events[m_next++];
        if (e.type == core::EventType::Print)
            lines.push_back({e.timeNs, e.lane, QString::fromStdString(e.text)});
    }
    if (m_next > from)
        m_model.appendEvents(std::span<const core::Event>(m_events.data() + from, m_next - from));
    m_playheadNs = t;
    m_model.setNow(t);
    if (atEnd()) {
        m_timer.stop();
        m_model.finish(m_result);
        m_playheadNs = m_result.wallNs;
    }
    emit advanced(lines);
    if (atEnd())
        emit finished();
}

} // namespace forkscope::ui
