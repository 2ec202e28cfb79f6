#include "ui/process_panel.hpp"

#include "core/clock.hpp"

#include <QHeaderView>

namespace forkscope::ui {

namespace {

enum Column { kPid, kPpid, kName, kState, kThreads, kColumnCount };

QString stateTip(const QString &state)
{
    if (state == QLatin1String("running"))
        return QObject::tr("Running on a core, or ready to run");
    if (state == QLatin1String("sleeping"))
        return QObject::tr("Waiting: in sleep(), join(), a lock or a read");
    if (state == QLatin1String("zombie"))
        return QObject::tr("Finished, but its parent has not collected its exit status yet");
    if (state == QLatin1String("exited"))
        return QObject::tr("Gone: it ended and its parent collected its exit status");
    return {};
}

} // namespace

ProcessPanel::ProcessPanel(QWidget *parent) : QTableWidget(0, kColumnCount, parent)
{
    setHorizontalHeaderLabels({tr("PID"), tr("PPID"), tr("Name"), tr("State"), tr("Threads")});
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(kName, QHeaderView::Stretch);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setToolTip(tr("The run's processes as the kernel lists them in /proc, updated live: a forked worker is a "
                  "new row whose parent (PPID) is main; threads only raise main's thread count"));
    m_timer.setInterval(100);
    m_timer.setObjectName(QStringLiteral("process panel")); // named for bench/latency_bench's profile
    connect(&m_timer, &QTimer::timeout, this, &ProcessPanel::refresh);
}

void ProcessPanel::follow(int pgid)
{
    m_pgid = pgid;
    m_tracker.clear();
    refresh();
    m_timer.start();
}

void ProcessPanel::stopFollowing()
{
    m_timer.stop();
    refresh();
}

void ProcessPanel::refresh()
{
    m_tracker.update(m_pgid, core::monotonicNs());
    const auto &rows = m_tracker.rows();
    setRowCount(static_cast<int>(rows.size()));
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const core::ProcessTracker::Row &r = rows[static_cast<std::size_t>(i)];
        const QString state
            = QString::fromUtf8(core::ProcessTracker::stateOf(r).data(),
                                static_cast<qsizetype>(core::ProcessTracker::stateOf(r).size()));
        const QStringList cells{QString::number(r.info.pid), QString::number(r.info.ppid),
                                QString::fromStdString(r.info.name), state, QString::number(r.info.threads)};
        for (int c = 0; c < kColumnCount; ++c) {
            QTableWidgetItem *cell = item(i, c);
            if (!cell) {
                cell = new QTableWidgetItem;
                setItem(i, c, cell);
            }
            cell->setText(cells[c]);
            cell->setTextAlignment(c == kName || c == kState ? Qt::AlignLeft | Qt::AlignVCenter
                                                             : Qt::AlignRight | Qt::AlignVCenter);
            cell->setForeground(r.exited ? palette().color(QPalette::Disabled, QPalette::Text)
                                         : palette().color(QPalette::Text));
            cell->setToolTip(stateTip(state));
        }
    }
}

} // namespace forkscope::ui
