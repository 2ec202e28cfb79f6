#pragma once

#include "core/analysis/gil_lab.hpp"
#include "core/client/run.hpp"
#include "core/machine_load.hpp"

#include <QTimer>
#include <QWidget>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

class QLabel;
class QProgressBar;
class QPushButton;

namespace forkscope::ui {

class SpeedupChart;

/// The GIL lab's tab: "Run all modes" runs cpu-vs-io for both kinds of work in all four modes, one run after
/// another, and fills the speedup chart as each finishes. Every run happens in a forkscope-runner process;
/// this widget starts them from the GUI thread (so the runner is tied to a thread that lives as long as the
/// window) and looks at them on a 20 ms timer, so the window never blocks. Cancel stops the run under way.
/// Its figures are wall times, so nothing else of the window may run beside it (setBlocker; the window
/// refuses its own runs while the lab runs), and the chart states how busy the machine was meanwhile: the
/// share of the cores other programs used and the load average (core::machineLoad).
class GilLabView : public QWidget {
    Q_OBJECT
public:
    explicit GilLabView(QWidget *parent = nullptr);
    ~GilLabView() override;

    /// Where the lab gets its parameters (tasks, seconds, switch interval, time scale) when it starts: the
    /// window passes what its parameter panel shows for cpu-vs-io. `work` and `mode` are set per run.
    void setParameterSource(std::function<std::map<std::string, std::string>()> source);
    /// What keeps the lab from starting now ("" when nothing does): the window's own run or trials under
    /// way, which would share the cores with the lab's runs and make its figures wrong.
    void setBlocker(std::function<QString()> blocker);
    /// Starts the eight runs; false (with a message on the view) if a parameter is refused or the blocker
    /// names something under way.
    bool start();
    void cancel();
    bool running() const { return static_cast<bool>(m_run); }
    const std::vector<core::LabTiming> &table() const { return m_table; }
    SpeedupChart *chart() const { return m_chart; }
    /// How busy the machine was from the start to the last finished run (or now, while it runs).
    core::MachineLoad load() const;
    /// That in words, as the chart states it ("" before the first run).
    QString loadText() const;
    void setDark(bool dark);
    /// The parameters the last lab ran with (`work` and `mode` left out).
    const std::map<std::string, std::string> &parameters() const { return m_params; }
    int tasks() const { return m_tasks; }
    /// The cores the table was measured on: this machine's, or a saved lab's.
    int labCores() const;
    /// The chart's short note on how busy the machine was ("" before the first run).
    QString chartNote() const;
    /// Shows a saved lab's table as its chart drew it (its core count and note), without running anything;
    /// `status` says where it comes from. The next start() measures afresh.
    void showSaved(std::vector<core::LabTiming> table, int tasks, int cores, const QString &note,
                   const QString &status);

signals:
    void started();
    void progressed(int done, int total);
    void finished(bool cancelled);

private:
    bool startNext();
    void poll();
    void exportChart();
    void finish(bool cancelled);
    void refreshChart();

    SpeedupChart *m_chart = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_explanation = nullptr; ///< what to expect, in plain words
    QLabel *m_status = nullptr;      ///< what runs now, or the result
    QTimer m_poll;
    std::function<std::map<std::string, std::string>()> m_source;
    std::function<QString()> m_blocker;
    std::optional<core::CpuSample> m_loadStart; ///< when the lab started
    std::optional<core::CpuSample> m_loadEnd;   ///< when its last run finished
    std::map<std::string, std::string> m_params;
    std::unique_ptr<core::Run> m_run;
    std::size_t m_next = 0; ///< index into the 8 (work, mode) pairs
    std::vector<core::LabTiming> m_table;
    int m_tasks = 4;
    int m_savedCores = 0;               ///< a saved lab's core count (0: this machine's)
    std::optional<QString> m_savedNote; ///< a saved lab's note on the machine's load
};

} // namespace forkscope::ui
