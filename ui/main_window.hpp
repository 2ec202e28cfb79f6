#pragma once

#include "core/scenario/scenarios.hpp"
#include "core/export/trace_export.hpp"
#include "ui/compare_view.hpp"
#include "ui/exporter.hpp"
#include "ui/replay_controller.hpp"
#include "ui/run_controller.hpp"

#include <QMainWindow>
#include <QMap>

#include <map>

class QAction;
class QComboBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace forkscope::ui {

class CodeHighlighter;
class ProcessPanel;
class ResultPanel;
class GilLabView;
class TrialsChart;
class TimelineWidget;

/// The lab's window: scenario browser and parameters (left), the live timeline (centre), the code pane
/// (right) and the console (bottom). Runs happen in forkscope-runner processes driven by a RunController,
/// so the window never blocks; Stop (Esc) works at any time.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Selects a scenario by id (false if unknown).
    bool selectScenario(const QString &id);
    /// Sets a parameter's editor to `value` (false if the scenario has no such parameter or it is invalid).
    bool setParameter(const QString &name, const QString &value);
    /// Why `value` is not accepted for `name` in the selected scenario (for the command line).
    std::string parameterProblem(const QString &name, const QString &value) const;
    /// Starts the selected scenario with the parameters shown.
    bool runScenario();
    RunController &controller() { return m_controller; }
    /// Trials of the last (or current) repeated run: expected value and each trial's final one.
    const core::TrialOutcomes &trials() const { return m_trials; }
    bool runningTrials() const { return m_trialsLeft > 0 || m_controller.running(); }
    ReplayController &replay() { return m_replay; }
    TimelineWidget *timeline() const { return m_timeline; }
    CompareView *compareView() const { return m_compare; }
    TrialsChart *trialsChart() const { return m_trialsChart; }
    GilLabView *gilLab() const { return m_gilLab; }
    /// Shows on the timeline a trial of series `series` (0: without the lock, 1: with it) that ended with
    /// `value`; false if there is none.
    bool showTrial(int series, std::int64_t value);
    /// Plays the last run back at `speed` (1, 0.5, 0.25, 0.1) through the timeline and console.
    void startReplay(double speed);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildActions();
    void buildDocks();
    void fillBrowser();
    void showScenario(const core::Scenario &scenario);
    void highlightCode();
    void rebuildParameters(const core::Scenario &scenario);
    std::map<std::string, std::string> parameterValues() const;
    void onStarted();
    void onUpdated(const QVector<PrintedLine> &lines);
    void onFinished(const core::RunResult &result);
    /// A trial ended: count it, keep the first that went wrong, start the next. False once all are done.
    bool onTrialFinished(const core::RunResult &result);
    bool startPlan();
    void showReplay(const QVector<PrintedLine> &lines);
    void appendConsole(const TimelineModel &model, const QVector<PrintedLine> &lines);
    void stopAll();
    void refreshCompare();
    QString parameterLabel() const;
    void updateStatus();
    /// Checks the parameters as they are edited: a message under them, and Run disabled while invalid.
    void validateParameters();
    void exportTimeline();
    void copyPicture();
    /// The picture of what the centre shows (timeline or comparison), for export and the clipboard.
    PicturePainter currentPicture(const ExportOptions &options, QColor *background) const;
    void applyTheme(bool dark);
    void loadSettings();
    void saveSettings() const;
    QString describePlan(const core::Plan &plan) const;
    QColor laneColour(std::uint32_t lane) const;

    const core::Scenario *m_scenario = nullptr;
    RunController m_controller;
    ReplayController m_replay;
    QTabWidget *m_views = nullptr;
    TimelineWidget *m_timeline = nullptr;
    CompareView *m_compare = nullptr;
    QMap<QString, std::vector<PastRun>> m_history; ///< scenario id → its finished runs, oldest first
    QComboBox *m_speed = nullptr;
    QProgressBar *m_progress = nullptr;
    // Repeated trials (the bank): the plan, how many are left, and the trial shown when they are done.
    core::Plan m_runPlan;
    QString m_runTitle;
    int m_trialsTotal = 1;
    int m_trialsLeft = 0;
    core::TrialOutcomes m_trials;
    std::shared_ptr<const TimelineModel> m_shownTrial;
    std::vector<core::Event> m_shownEvents;
    core::RunResult m_shownResult;
    /// Trials kept for the chart, per lock setting (0 off, 1 on): every final value, and the timeline of the
    /// first trial that ended with each value (what a click on its bar shows; one per bar, not per trial).
    struct TrialSet {
        struct Example {
            std::size_t trial = 0;
            std::shared_ptr<const TimelineModel> model;
        };
        std::vector<std::int64_t> finals;
        std::map<std::int64_t, Example> firstWithValue;
    };
    TrialSet m_trialSets[2];
    int m_runLocked = 0;
    TrialsChart *m_trialsChart = nullptr;
    GilLabView *m_gilLab = nullptr; ///< the GIL lab's tab: all modes of cpu-vs-io and the speedup chart
    void refreshTrialsChart();
    QAction *m_replayAction = nullptr;
    QAction *m_stepAction = nullptr;
    QTreeWidget *m_browser = nullptr;
    QLabel *m_lookFor = nullptr;
    QLabel *m_paramProblem = nullptr;
    QPushButton *m_runButton = nullptr;
    QWidget *m_paramsBox = nullptr;
    QFormLayout *m_paramsForm = nullptr;
    QMap<QString, QWidget *> m_paramEditors;
    QTabWidget *m_codeTabs = nullptr;
    QPlainTextEdit *m_python = nullptr;
    QPlainTextEdit *m_plan = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    CodeHighlighter *m_planHighlighter = nullptr;
    QTextEdit *m_console = nullptr;
    ResultPanel *m_resultPanel = nullptr;
    ProcessPanel *m_processPanel = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_elapsedLabel = nullptr;
    QLabel *m_workersLabel = nullptr;
    QLabel *m_lostLabel = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_darkAction = nullptr;
    QTimer m_statusTimer;
    QString m_exportFolder;
    int m_exportSize = 0;  ///< index: 0 = 1920×1080, 1 = 1600×1200
    int m_exportScale = 1;
    bool m_dark = false;
};

} // namespace forkscope::ui
