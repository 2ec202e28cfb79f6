#include "ui/replay_controller.hpp"

namespace forkscope::ui {

QString describeEvent(const TimelineModel &model, const core::Event &e)
{
    using core::EventType;
    const QString who = e.lane < model.laneCount() ? QString::fromStdString(model.lane(e.lane).info.name)
                                                   : QStringLiteral("lane %1").arg(e.lane);
    QString what = QString::fromUtf8(core::eventTypeName(e.type).data(),
                                     static_cast<qsizetype>(core::eventTypeName(e.type).size()));
    const auto ms
        = [](std::int64_t ns) { return QStringLiteral("%1 ms").arg(static_cast<double>(ns) / 1e6); };
    switch (e.type) {
    case EventType::WorkerStart: what += QObject::tr(" (pid %1)").arg(e.value); break;
    case EventType::WorkerEnd:
        what += e.arg != 0 ? QObject::tr(", killed by %1")
                                 .arg(QString::fromStdString(core::signalName(static_cast<int>(e.arg))))
                           : QObject::tr(", exit code %1").arg(e.value);
        break;
    case EventType::SleepBegin:
    case EventType::ComputeBegin: what += QObject::tr(" for %1").arg(ms(e.value)); break;
    case EventType::JoinBegin:
    case EventType::JoinEnd:
    case EventType::Spawn:
        if (static_cast<std::uint64_t>(e.arg) < model.laneCount())
            what += QObject::tr(" of %1").arg(
                QString::fromStdString(model.lane(static_cast<std::uint32_t>(e.arg)).info.name));
        break;
    case EventType::ValueRead:
    case EventType::ValueWrite:
    case EventType::QueuePut:
    case EventType::QueueGet:
    case EventType::PipeSend:
    case EventType::PipeRecv:
    case EventType::TaskEnd: what += QStringLiteral(" %1").arg(e.value); break;
    case EventType::LockWait:
    case EventType::LockAcquire:
    case EventType::LockRelease: what += QObject::tr(" (lock %1)").arg(e.arg); break;
    default: break;
    }
    if (!e.text.empty() && (e.type == EventType::Print || e.type == EventType::Note))
        what += QStringLiteral(" “%1”").arg(QString::fromStdString(e.text));
    return QStringLiteral("%1: %2").arg(who, what);
}

ReplayController::ReplayController(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(16);
    connect(&m_timer, &QTimer::timeout, this, &ReplayController::tick);
}

void ReplayController::load(const std::vector<core::Event> &events, const core::RunResult &result,
                            const std::string &title)
{
    load(std::make_shared<const std::vector<core::Event>>(events), result, title);
}

void ReplayController::load(std::shared_ptr<const std::vector<core::Event>> events,
                            const core::RunResult &result, const std::string &title)
{
    m_timer.stop();
    m_events = std::move(events);
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
    advanceTo((*m_events)[m_next].timeNs);
}

void ReplayController::stepBack()
{
    m_timer.stop();
    if (m_next == 0)
        return;
    // The instant shown last begins at `first`; the one before it ends just before.
    const std::int64_t shown = (*m_events)[m_next - 1].timeNs;
    std::size_t first = m_next - 1;
    while (first > 0 && (*m_events)[first - 1].timeNs == shown)
        --first;
    if (first == 0) {
        rewind();
        return;
    }
    const std::int64_t previous = (*m_events)[first - 1].timeNs;
    m_model.reset(m_lanes);
    m_model.setTitle(m_title + " (replay)");
    m_next = 0;
    advanceTo(previous);
}

std::span<const core::Event> ReplayController::steppedEvents() const
{
    if (m_next == 0 || m_timer.isActive())
        return {};
    const std::int64_t shown = (*m_events)[m_next - 1].timeNs;
    std::size_t first = m_next - 1;
    while (first > 0 && (*m_events)[first - 1].timeNs == shown)
        --first;
    return {m_events->data() + first, m_next - first};
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
    while (m_next < m_events->size() && (*m_events)[m_next].timeNs <= t) {
        const core::Event &e = (*m_events)[m_next++];
        if (e.type == core::EventType::Print)
            lines.push_back({e.timeNs, e.lane, QString::fromStdString(e.text)});
    }
    if (m_next > from)
        m_model.appendEvents(std::span<const core::Event>(m_events->data() + from, m_next - from));
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
