#pragma once

#include "core/analysis/trials.hpp"
#include "core/scenario/scenarios.hpp"
#include "ui/compare_view.hpp"
#include "ui/export_dialog.hpp"
#include "ui/exporter.hpp"
#include "ui/replay_controller.hpp"
#include "ui/run_controller.hpp"
#include "ui/timeline/paint_options.hpp"
#include "ui/trial_history.hpp"
#include "ui/trial_runner.hpp"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QMap>

#include <map>
#include <memory>

class QAction;
class QComboBox;
class QMenu;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QTabWidget;
class QTreeWidget;

namespace forkscope::core {
struct SavedRun;
}

namespace forkscope::ui {

class CodePane;
class ConsolePane;
struct OpenedRun;
class GilLabView;
class FocusWidget;
class ParameterForm;
class PresetPicker;
class ProcessPanel;
class ResultPanel;
class ScenarioFiles;
class TimelineWidget;
class TrialsChart;

/// The lab's window: scenario browser and parameters (left), the live timeline (centre), the code pane
/// (right) and the console (bottom). Runs happen in forkscope-runner processes driven by a RunController,
/// so the window never blocks; Stop (Esc) works at any time. A scenario with trials (the bank) runs them on
/// TrialRunner's threads, without the lock and with it side by side, and fills the Trials chart as they end.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Selects a scenario by id (false if unknown).
    bool selectScenario(const QString &id);
    /// The selected scenario's id ("" if none).
    QString scenarioId() const;
    /// Sets a parameter's editor to `value` (false if the scenario has no such parameter or it is invalid).
    bool setParameter(const QString &name, const QString &value);
    /// Why `value` is not accepted for `name` in the selected scenario (for the command line).
    std::string parameterProblem(const QString &name, const QString &value) const;
    /// Starts the selected scenario with the parameters shown: one run to watch, or, for a scenario with
    /// more than one trial (the bank), its trials without the lock and with it, side by side.
    bool runScenario();
    RunController &controller() { return m_controller; }
    TrialRunner &trialRunner() { return m_trialRunner; }
    /// The last (or current) batch of trials, per series (0: without the lock, 1: with it).
    const TrialHistory &trialHistory() const { return m_trialHistory; }
    /// Whether a run, or a batch of trials, is under way: from Run until the window shows how it ended.
    bool runningTrials() const { return m_runUnderWay; }
    ReplayController &replay() { return m_replay; }
    TimelineWidget *timeline() const { return m_timeline; }
    CompareView *compareView() const { return m_compare; }
    TrialsChart *trialsChart() const { return m_trialsChart; }
    GilLabView *gilLab() const { return m_gilLab; }
    FocusWidget *focusView() const { return m_focus; }
    /// Shows a kept trial of series `series` (0: without the lock, 1: with it) that ended between `low` and
    /// `high` (a bar of the chart) on the timeline, with its result and replay; false if there is none.
    bool showTrial(int series, std::int64_t low, std::int64_t high);
    /// The trial the timeline shows after a batch or a click on a bar (null after a single run).
    const TrialRun *shownTrial() const { return m_shownRun.get(); }
    /// Plays the last run back at `speed` (1, 0.5, 0.25, 0.1) through the timeline and console.
    void startReplay(double speed);
    /// The users' scenario files: Open, Save, Save a Copy, Recent, and the Scenario editor dock.
    ScenarioFiles *scenarioFiles() const { return m_files; }
    /// Stop (Esc): ends what runs — the GIL lab, trials, a run — or a replay, showing the whole run again.
    void stopAll();
    /// File > Save Run (Ctrl+S) without its dialog: writes what the window shows — the last run, the last
    /// batch of trials (their final values and the trials kept whole), the GIL lab's table when its tab is
    /// up, or the saved run it shows — to `path` (main_window_saved.cpp). False with `error` when there is
    /// nothing to save, a run is under way, or the file cannot be written (no file is left then).
    bool saveRun(const QString &path, QString *error);
    /// File > Open Run without its dialog: shows a saved run as it was shown when it ran — timeline,
    /// headline, result, console, trials chart, focus view, GIL lab — and says it is a saved run (its file
    /// and the date it ran). The file is read and what the window shows of it (the timeline model, the lanes'
    /// results, the Focus view's flows, the printed lines) built on the thread pool, the status bar saying
    /// so: a saved run of millions of events never holds the window, and Stop (Esc) or closing the window
    /// drops it. runOpened() says how it went: an empty error when shown, else why not (the window as it
    /// was). False with `error` when it cannot start: a run under way, or another file being opened.
    bool openRun(const QString &path, QString *error);
    /// A saved run is being opened (openRun): not shown yet.
    bool openingRun() const { return m_opening != nullptr; }

signals:
    /// An openRun() ended: `error` is empty when the saved run is shown, else why it is not (it could not
    /// be read, or it was stopped).
    void runOpened(const QString &path, const QString &error);

public:
    /// The saved run the window shows, "" when it shows one of its own.
    QString savedRunFile() const { return m_savedRunFile; }

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildViews();
    void buildDocks();
    void buildStatusBar();
    void buildActions();
    void fillBrowser();
    void showScenario(const core::Scenario &scenario);
    /// The scenario files, the editor dock, the presets and the Python pane's command (main_window_files.cpp).
    void buildScenarioFiles();
    /// What follows the scenario shown besides the form: the editor, the presets, the twin's command.
    void followScenario(const core::Scenario &scenario);
    void onStarted();
    void onUpdated(const QVector<PrintedLine> &lines);
    void onFinished(const core::RunResult &result);
    /// Starts the trials of the selected scenario (both lock settings) on m_trialRunner.
    /// Trials of the scenario with `values` (the run's parameters, kept with its plan and `title` once they
    /// start).
    bool startTrials(core::ParamSet values, const QString &title);
    void onTrialFinished(const FinishedTrial &trial);
    void onTrialsFinished(bool stopped, const QString &error, qint64 elapsedNs);
    /// Shows a whole trial on the timeline, in the Result pane and in replay.
    void showTrialRun(int series, int trial, std::int64_t final, int lostUpdates,
                      const std::shared_ptr<const TrialRun> &run);
    /// Run, Stop, Replay and the Run button as a run or batch starts (true) or ends (false).
    void setRunning(bool running);
    /// Back to idle after a run (or the last trial): actions, result, replay, history, status.
    void finishRun(const core::RunResult &result);
    void showReplay(const QVector<PrintedLine> &lines);
    /// Step mode: one instant forward (or back), saying in the status bar which events it showed.
    void stepReplay(bool forward);
    /// Ends a replay on the timeline: the whole run comes back as it was shown before the replay began.
    void endReplay();
    /// The headline and caption of a trial shown after a batch (or on a click on the histogram).
    void showTrialHeadline(const TrialRun &run, const QString &caption);
    void refreshCompare();
    /// Keeps a finished run (or the trial shown after trials) for the Compare tab, with its headline.
    void keepForCompare(const core::RunResult &result, std::vector<core::Event> events,
                        const std::string &headline);
    void refreshTrialsChart();
    void updateStatus();
    void showWaiting(); ///< the state label while a run goes on: whom it waits for (main_window_runs.cpp)
    void updateRunButton();
    void exportTimeline();
    void copyPicture();
    /// View > Next Lost Update: zooms the timeline to the next lost update and says which it is.
    void showNextLostUpdate();
    /// Whether the centre shows something to export: a timeline with lanes, or a chart with trials.
    bool hasPicture() const;
    /// The picture of what the centre shows (timeline or comparison), for export and the clipboard.
    PicturePainter currentPicture(const ExportOptions &options, QColor *background) const;
    void applyTheme(bool dark);
    // Saved runs (main_window_saved.cpp).
    /// Adds Open Run… and Save Run… to the File menu, and follows what the window shows to save.
    void addRunFileActions(QMenu *file);
    void saveRunDialog();
    void openRunDialog();
    /// What Save Run writes, made from what the window shows; false with `error` when there is nothing.
    bool savedRunOfWindow(core::SavedRun &saved, QString *error) const;
    /// Shows a saved run read and prepared off the GUI thread (openRun).
    void showSavedRun(const OpenedRun &opened, const QString &path);
    /// Drops the saved run being opened (Stop, closing the window): it is never shown, its work stops early.
    void dropOpening(const QString &why);
    /// The timeline's view of the run itself (not a replay's): its title, headline, caption, results.
    PaintOptions shownView() const;
    /// A new run (or batch, or lab) began or ended: the window no longer shows a saved run.
    void leaveSavedRun();
    void loadSettings();
    void saveSettings() const;

    const core::Scenario *m_scenario = nullptr;
    RunController m_controller;
    ReplayController m_replay;
    QTabWidget *m_views = nullptr;
    TimelineWidget *m_timeline = nullptr;
    CompareView *m_compare = nullptr;
    TrialsChart *m_trialsChart = nullptr;
    GilLabView *m_gilLab = nullptr; ///< the GIL lab's tab: all modes of cpu-vs-io and the speedup chart
    FocusWidget *m_focus = nullptr; ///< the Focus tab: the shown run's focus view, if it has one
    int m_finishedRuns = 0;         ///< numbers the runs kept for Compare ("run 3")

    // The run under way, or the batch of trials (the bank), and the trial shown when it is done.
    TrialRunner m_trialRunner;
    bool m_runUnderWay = false;
    QString m_runTitle;
    core::ParamSet m_runValues; ///< the parameters of the run under way, for its headline
    std::shared_ptr<const core::Plan> m_runPlan = std::make_shared<
        const core::Plan>(); ///< the plan of the run (or the trials) under way: which values are lists
    TrialHistory m_trialHistory;
    QString m_trialsCaption;
    int m_trialsDone = 0;
    int m_trialsTotal = 0; ///< of every series
    QElapsedTimer m_trialsClock;
    FinishedTrial m_pick; ///< the trial to show when the batch ends: the first wrong one without the lock
    std::shared_ptr<const TrialRun> m_shownRun;
    std::shared_ptr<TimelineModel> m_shownModel; ///< the shown trial's timeline, built when it is shown
    /// What the timeline showed before a replay took it over (the whole run), to show again after it.
    const TimelineModel *m_beforeReplayModel = nullptr;
    PaintOptions m_beforeReplayView;

    QTreeWidget *m_browser = nullptr;
    QLabel *m_scenarioTitle = nullptr;
    QLabel *m_lookFor = nullptr;      ///< what to look for, under the parameters
    QScrollArea *m_details = nullptr; ///< the description and the parameters, scrolling together
    ParameterForm *m_params = nullptr;
    PresetPicker *m_presets = nullptr;
    QLabel *m_owner = nullptr; ///< under the title: "your file: path" for a user's scenario
    ScenarioFiles *m_files = nullptr;
    QPushButton *m_runButton = nullptr;
    CodePane *m_code = nullptr;
    ConsolePane *m_console = nullptr;
    ResultPanel *m_resultPanel = nullptr;
    ProcessPanel *m_processPanel = nullptr;
    QComboBox *m_speed = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_elapsedLabel = nullptr;
    QLabel *m_workersLabel = nullptr;
    QLabel *m_lostLabel = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_replayAction = nullptr;
    QAction *m_stepAction = nullptr;
    QAction *m_stepBackAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_darkAction = nullptr;
    QAction *m_nextLostAction = nullptr;
    QTimer m_statusTimer;
    QString m_exportFolder;
    ExportChoice m_exportChoice; ///< the export dialog's last answers (size and scale are remembered)
    bool m_dark = false;
    // Saved runs: what Save Run writes, and the saved run shown.
    enum class Shown : std::uint8_t { Nothing, Run, Trials, Saved };
    Shown m_shown = Shown::Nothing;
    std::int64_t m_ranAt = 0;    ///< when the shown run (or batch) ended, seconds since 1970
    std::int64_t m_labRanAt = 0; ///< when the GIL lab's last run ended
    std::shared_ptr<const core::SavedRun> m_savedRun; ///< the saved run shown, as it was read
    QString m_savedRunFile;
    QAction *m_saveRunAction = nullptr;
    QAction *m_openRunAction = nullptr;
    /// The saved run being opened: its file, whether it came from the dialog, and a flag its work on the
    /// thread pool reads to stop early; null when none is.
    struct Opening;
    std::shared_ptr<Opening> m_opening;
    /// The end of openRun, from the event loop: shows what was read, or says why not (unless dropped).
    void finishOpening(const std::shared_ptr<Opening> &opening, const OpenedRun &out);
};

} // namespace forkscope::ui
