#include "ui/timeline/texts.hpp"

#include "core/event.hpp"
#include "core/shared_memory/queue.hpp"
#include "ui/time_axis.hpp"
#include "ui/timeline/paint_kit.hpp"

namespace forkscope::ui {

using core::WorkerKind;
using timeline::qs;

namespace {

QString laneName(const TimelineModel &model, std::uint32_t lane)
{
    return lane < model.laneCount() ? qs(model.lane(lane).info.name) : QStringLiteral("lane %1").arg(lane);
}

QString duration(std::int64_t ns) { return qs(formatDuration(ns)); }

/// The GIL lab: "\nholds the GIL (for 5.1 ms, then hands it over)" or "\nwaits for the GIL (12 ms)" at `t`.
QString gilAt(const TimelineModel &model, const Lane &lane, std::int64_t t)
{
    const std::size_t i = lane.firstGilSpan(t);
    if (i >= lane.gil.size() || lane.gil[i].begin > t)
        return {};
    const GilSpan &span = lane.gil[i];
    const QString length = qs(formatDuration((span.open() ? model.now() : span.end) - span.begin));
    if (!span.holds)
        return QStringLiteral("\nwaits for the GIL (%1)").arg(length);
    return QStringLiteral("\nholds the GIL (for %1%2)")
        .arg(length, span.forced ? QStringLiteral(", then hands it over to a waiter") : QString());
}

/// "process 200 · worker\n1 lane(s)".
QString describeHeader(const TimelineModel &model, std::uint32_t group)
{
    const auto &groups = model.groups();
    QString text = groupTitle(model, group);
    if (group < groups.size())
        text += QStringLiteral("\n%1 lane(s)").arg(groups[group].lanes.size());
    return text;
}

/// What a bar's state is about: the time asked for, the lane joined, the lock, the queue, the task.
QString barSubject(const TimelineModel &model, const Bar &bar)
{
    switch (bar.state) {
    case BarState::Sleeping:
    case BarState::Computing:
        if (bar.value > 0)
            return QStringLiteral("\nasked for %1").arg(duration(bar.value));
        break;
    case BarState::JoinWait:
        return QStringLiteral("\nwaiting for ") + laneName(model, static_cast<std::uint32_t>(bar.arg));
    case BarState::LockWait:
    case BarState::LockHold: return QStringLiteral("\nlock #%1").arg(bar.arg);
    case BarState::QueueBlocked:
        if (bar.value == 2)
            return QStringLiteral("\nreceive on pipe end %1 waits for a message").arg(bar.arg);
        return QStringLiteral("\nqueue %1 %2")
            .arg(bar.arg)
            .arg(bar.value == 0 ? QStringLiteral("was full (put waits)")
                                : QStringLiteral("was empty (get waits)"));
    case BarState::Task: {
        QString text
            = QStringLiteral("\ntask %1: %2(%3)").arg(bar.arg).arg(qs(model.taskFunction())).arg(bar.value);
        if (!bar.open() && !bar.cancelled)
            text += QStringLiteral(" = %1").arg(bar.result);
        return text;
    }
    }
    return {};
}

/// "computing\npid 100 · tid 101\nbegins at 20 ms\nlasts 40 ms\nasked for 40 ms".
QString describeBar(const TimelineModel &model, const Bar &bar, const QString &ids)
{
    const std::int64_t end = model.barEnd(bar);
    QString text = QString::fromUtf8(barStateName(bar.state)) + QLatin1Char('\n') + ids + QLatin1Char('\n');
    text += QStringLiteral("begins at %1\n").arg(duration(bar.begin));
    text += QStringLiteral("lasts %1%2")
                .arg(duration(end - bar.begin), bar.open() ? QStringLiteral(" so far") : QString());
    if (bar.cancelled)
        text += QStringLiteral(" (cut short)");
    return text + barSubject(model, bar);
}

/// "print\npid 200 · tid 200\nat 61 ms\n“hi”".
QString describeMarker(const TimelineModel &model, const Marker &m, const QString &ids)
{
    QString text;
    switch (m.kind) {
    case MarkerKind::Start: text = QStringLiteral("started"); break;
    case MarkerKind::End:
        text = QStringLiteral("ended, exit code %1").arg(m.value);
        if (m.hasText())
            text += QStringLiteral(" (") + qs(model.text(m)) + QLatin1Char(')');
        break;
    case MarkerKind::Crash: text = QStringLiteral("killed by ") + qs(model.text(m)); break;
    case MarkerKind::Print: text = QStringLiteral("print"); break;
    case MarkerKind::MainEnd: text = QStringLiteral("main reached its last line"); break;
    case MarkerKind::Value: text = m.arg ? QStringLiteral("write") : QStringLiteral("read"); break;
    case MarkerKind::Note: text = QStringLiteral("note"); break;
    case MarkerKind::Spawn:
        text = QStringLiteral("start() ") + laneName(model, static_cast<std::uint32_t>(m.arg));
        break;
    }
    text += QLatin1Char('\n') + ids + QStringLiteral("\nat %1").arg(duration(m.time));
    if (m.kind == MarkerKind::Print)
        text += QStringLiteral("\n“") + qs(model.text(m)) + QStringLiteral("”");
    else if (m.kind == MarkerKind::Value || m.kind == MarkerKind::Note)
        text += QLatin1Char('\n') + qs(model.text(m));
    return text;
}

/// A message to or from a lane out of sight (its stub): "queue message → consumer 3, out of sight below\nsent
/// at 12 ms, taken at 30 ms (after 18 ms)\nvalue 7".
QString describeMessage(const TimelineModel &model, const TimelineHit &hit)
{
    const MessageArrow &a = model.messageArrows()[hit.index];
    const QString kind = a.pipe ? QStringLiteral("pipe message") : QStringLiteral("queue message");
    const QString where
        = hit.beyond < 0 ? QStringLiteral("out of sight above") : QStringLiteral("out of sight below");
    QString text = hit.lane == a.fromLane
        ? QStringLiteral("%1 → %2, %3").arg(kind, laneName(model, a.toLane), where)
        : QStringLiteral("%1 from %2, %3").arg(kind, laneName(model, a.fromLane), where);
    text += QStringLiteral("\nsent at %1, taken at %2 (after %3)")
                .arg(duration(a.fromTime), duration(a.toTime), duration(a.toTime - a.fromTime));
    if (!a.pipe)
        text += QStringLiteral("\nvalue %1").arg(a.value);
    return text;
}

/// "process · pid 200\npid 200 · tid 200\nstarted at 8 ms\nended at 70 ms after 62 ms\nexit code 0".
QString describeLane(const Lane &lane, const QString &ids)
{
    QString text = laneDetail(lane) + QLatin1Char('\n') + ids;
    if (lane.started())
        text += QStringLiteral("\nstarted at %1").arg(duration(lane.startNs));
    if (lane.ended()) {
        text += QStringLiteral("\nended at %1 after %2")
                    .arg(duration(lane.endNs), duration(lane.endNs - lane.startNs));
        text += lane.crashed() ? QStringLiteral("\nkilled by ") + qs(core::signalName(lane.signal))
                               : QStringLiteral("\nexit code %1").arg(lane.exitCode);
    } else if (lane.started()) {
        text += QStringLiteral("\nrunning");
    }
    return text;
}

} // namespace

QString groupTitle(const TimelineModel &model, std::uint32_t group)
{
    const auto &groups = model.groups();
    if (group >= groups.size())
        return {};
    const ProcessGroup &g = groups[group];
    const Lane &leader = model.lane(g.leader);
    QString title
        = g.pid > 0 ? QStringLiteral("process %1").arg(g.pid) : QStringLiteral("process (not started)");
    title += QStringLiteral(" · ") + (g.leader == 0 ? QStringLiteral("main") : qs(leader.info.name));
    if (leader.crashed())
        title += QStringLiteral(" · killed by ") + qs(core::signalName(leader.signal));
    else if (leader.ended() && leader.exitCode != 0)
        title += QStringLiteral(" · exit %1").arg(leader.exitCode);
    return title;
}

QString laneDetail(const Lane &lane)
{
    const core::LaneInfo &info = lane.info;
    QString kind;
    switch (info.kind) {
    case WorkerKind::Main: kind = QStringLiteral("main thread"); break;
    case WorkerKind::Sequential: kind = QStringLiteral("function call"); break;
    case WorkerKind::Thread: kind = QStringLiteral("thread"); break;
    case WorkerKind::Process: kind = QStringLiteral("process"); break;
    }
    if (info.kind == WorkerKind::Process && info.pid > 0)
        return kind + QStringLiteral(" · pid %1").arg(info.pid);
    if (info.tid > 0)
        return kind + QStringLiteral(" · tid %1").arg(info.tid);
    return kind;
}

QString describeHit(const TimelineModel &model, const TimelineHit &hit)
{
    if (hit.kind == TimelineHit::Kind::None || hit.lane >= model.laneCount())
        return {};
    if (hit.kind == TimelineHit::Kind::Header)
        return describeHeader(model, static_cast<std::uint32_t>(hit.index));
    const Lane &lane = model.lane(hit.lane);
    const QString text = qs(lane.info.name) + QStringLiteral(" — ");
    const QString ids = QStringLiteral("pid %1 · tid %2").arg(lane.info.pid).arg(lane.info.tid);
    switch (hit.kind) {
    case TimelineHit::Kind::Bar:
        return text + describeBar(model, lane.bars[hit.index], ids) + gilAt(model, lane, hit.time);
    case TimelineHit::Kind::Marker: return text + describeMarker(model, lane.markers[hit.index], ids);
    case TimelineHit::Kind::Message:
        return hit.index < model.messageArrows().size() ? text + describeMessage(model, hit) : QString();
    case TimelineHit::Kind::Lane: return text + describeLane(lane, ids) + gilAt(model, lane, hit.time);
    case TimelineHit::Kind::None:
    case TimelineHit::Kind::Header: break;
    }
    return text;
}

} // namespace forkscope::ui
