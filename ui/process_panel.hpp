#pragma once

#include "core/proc_table.hpp"

#include <QTableWidget>
#include <QTimer>

namespace forkscope::ui {

/// The run's processes, live: every 100 ms while a run goes on it reads /proc for the run's process group
/// (the runner and every forked worker) and shows pid, parent, name, state and thread count. A process that
/// has gone stays listed as "exited", so a finished run still shows who was there.
class ProcessPanel : public QTableWidget {
    Q_OBJECT
public:
    explicit ProcessPanel(QWidget *parent = nullptr);

    /// Follows the run whose runner leads process group `pgid` (a new run clears the table).
    void follow(int pgid);
    /// One last read, then stop polling (the rows stay).
    void stopFollowing();
    bool following() const { return m_timer.isActive(); }
    /// Reads /proc now and redraws (the timer calls this).
    void refresh();
    const core::ProcessTracker &tracker() const { return m_tracker; }

private:
    core::ProcessTracker m_tracker;
    QTimer m_timer;
    int m_pgid = 0;
};

} // namespace forkscope::ui
