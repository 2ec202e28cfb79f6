#include "ui/result_panel.hpp"

#include <QHeaderView>

#include <csignal>
#include <cstring>

namespace forkscope::ui {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

/// "1, 2, 4 … (100 values)": the first few values and how many there were.
QString valueList(const std::vector<std::int64_t> &values)
{
    constexpr std::size_t kShown = 8;
    QStringList parts;
    for (std::size_t i = 0; i < values.size() && i < kShown; ++i)
        parts << QString::number(values[i]);
    QString text = parts.join(QStringLiteral(", "));
    if (values.size() > kShown)
        text += QStringLiteral(" … (%1 values, last %2)").arg(values.size()).arg(values.back());
    return text;
}

QString howItEnded(const core::LaneOutcome &lane)
{
    if (!lane.started)
        return lane.error.empty() ? QObject::tr("never started")
                                  : QObject::tr("never started: %1").arg(QString::fromStdString(lane.error));
    if (!lane.ended)
        return QObject::tr("did not end");
    if (lane.signal) {
        const char *name = sigabbrev_np(lane.signal);
        return QObject::tr("killed by SIG%1%2")
            .arg(QString::fromLatin1(name ? name : "?"),
                 lane.cancelled ? QObject::tr(" (stopped)") : QString());
    }
    if (lane.cancelled)
        return QObject::tr("stopped");
    if (!lane.error.empty())
        return QObject::tr("exit code %1: %2").arg(lane.exitCode).arg(fromStd(lane.error));
    return QObject::tr("exit code %1").arg(lane.exitCode);
}

QTreeWidgetItem *row(QTreeWidgetItem *parent, const QString &name, const QString &value,
                     const QString &tip = {})
{
    auto *item = new QTreeWidgetItem(parent, {name, value});
    if (!tip.isEmpty()) {
        item->setToolTip(0, tip);
        item->setToolTip(1, tip);
    }
    return item;
}

} // namespace

ResultPanel::ResultPanel(QWidget *parent) : QTreeWidget(parent)
{
    setColumnCount(2);
    setHeaderLabels({tr("Item"), tr("Value")});
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    setAlternatingRowColors(true);
    setToolTip(tr("How the last run ended: main's final value, each worker's outcome, and lock contention"));
    clearResult();
}

QString ResultPanel::duration(std::int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns < 1'000'000)
        return QStringLiteral("%1 µs").arg(v / 1e3, 0, 'f', 1);
    if (ns < 1'000'000'000)
        return QStringLiteral("%1 ms").arg(v / 1e6, 0, 'f', 2);
    return QStringLiteral("%1 s").arg(v / 1e9, 0, 'f', 3);
}

void ResultPanel::clearResult()
{
    clear();
    auto *item = new QTreeWidgetItem(this, {tr("No result yet"), tr("shown when a run ends")});
    item->setDisabled(true);
}

void ResultPanel::showResult(const core::RunResult &r)
{
    clear();
    auto *run = new QTreeWidgetItem(
        this,
        {tr("Run"), fromStd(r.scenario) + QStringLiteral(" (") + fromStd(r.kind) + QStringLiteral(")")});
    row(run, tr("wall time"), duration(r.wallNs), tr("From main's first line to its end, after every join"));
    if (r.mainEndNs >= 0)
        row(run, tr("main's last line"), duration(r.mainEndNs));
    if (!r.lanes.empty() && !r.lanes[0].read.empty())
        row(run, tr("main's final value"), QString::number(r.lanes[0].read.back()),
            tr("The last value main read: what the program prints at its end"));
    row(run, tr("lost events"), QString::number(r.lostEvents),
        tr("Events that did not fit in a worker's buffer (0: the timeline is complete)"));
    if (r.failed())
        row(run, tr("error"), fromStd(r.error));
    if (r.cancelled)
        row(run, tr("stopped"), tr("yes: the run was cancelled"));

    if (r.lanes.size() > 1) {
        auto *workers = new QTreeWidgetItem(this, {tr("Workers"), QString::number(r.lanes.size() - 1)});
        for (std::size_t i = 1; i < r.lanes.size(); ++i) {
            const core::LaneOutcome &lane = r.lanes[i];
            QString who = fromStd(lane.info.name);
            if (lane.info.pid > 0)
                who += tr(" (pid %1)").arg(lane.info.pid);
            auto *item = row(workers, who, howItEnded(lane));
            if (!lane.read.empty())
                row(item, tr("read"), valueList(lane.read), tr("Every value this worker read, in order"));
            if (!lane.wrote.empty())
                row(item, tr("wrote"), valueList(lane.wrote), tr("Every value this worker wrote, in order"));
        }
        workers->setExpanded(r.lanes.size() <= 17);
    }

    bool anyLock = false;
    for (const core::LockStats &l : r.locks)
        anyLock = anyLock || l.acquisitions > 0;
    if (anyLock) {
        auto *locks = new QTreeWidgetItem(this, {tr("Locks"), QString::number(r.locks.size())});
        for (const core::LockStats &l : r.locks) {
            if (l.acquisitions == 0)
                continue;
            auto *item
                = row(locks, tr("lock %1").arg(l.id), tr("%n acquisition(s)", nullptr, l.acquisitions));
            row(item, tr("waited in all"), duration(l.totalWaitNs),
                tr("Sum over every acquisition of the time from asking for the lock to getting it"));
            row(item, tr("longest wait"), duration(l.longestWaitNs));
            row(item, tr("mean wait"), duration(l.totalWaitNs / l.acquisitions));
            row(item, tr("held in all"), duration(l.totalHoldNs),
                tr("Sum of the time between getting the lock and releasing it"));
            item->setExpanded(true);
        }
        locks->setExpanded(true);
    }
    run->setExpanded(true);
}

} // namespace forkscope::ui
