// MainWindow, part three: saved runs. File > Save Run… (Ctrl+Alt+S) keeps what the window shows — a run, a batch
// of trials, the GIL lab's table — whole in a .fsrun file (core/saved_run/); File > Open Run… shows one again
// as it was shown when it ran, saying it is a saved run. Building the window is in main_window.cpp, running
// in main_window_runs.cpp.

#include "ui/main_window.hpp"

#include "core/analysis/headline.hpp"
#include "core/saved_run/saved_run.hpp"
#include "ui/code_pane.hpp"
#include "ui/console_pane.hpp"
#include "ui/focus/focus_views.hpp"
#include "ui/focus/focus_widget.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/parameter_form.hpp"
#include "ui/result_panel.hpp"
#include "ui/timeline/texts.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTreeWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <atomic>

namespace forkscope::ui {

/// A saved run read and made ready to show off the GUI thread (MainWindow::openRun): everything that goes
/// through all its events. A run's model, results, focus flows and printed lines are for a saved single
/// run; a batch of trials shows its (small) trials as a finished batch does.
struct OpenedRun {
    std::shared_ptr<const core::SavedRun> saved;
    std::string problem; ///< why the file cannot be shown ("" when it can)
    std::shared_ptr<TimelineModel> model;
    std::vector<LaneResult> results;
    FocusKind focus = FocusKind::Timeline;
    FocusFlows kept;
    QVector<PrintedLine> lines;
};

struct MainWindow::Opening {
    QString path;
    bool fromDialog = false;
    std::atomic<bool> dropped{false}; ///< read by the work on the thread pool
};

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

std::int64_t now() { return QDateTime::currentSecsSinceEpoch(); }

/// "bank.fsrun, ran 2024-05-02 14:31": how the window names a saved run.
QString savedRunLabel(const QString &path, std::int64_t ranAt)
{
    return QObject::tr("%1, ran %2").arg(QFileInfo(path).fileName(), fromStd(core::savedRunDate(ranAt)));
}

} // namespace

void MainWindow::addRunFileActions(QMenu *file)
{
    m_openRunAction = file->addAction(tr("Open R&un..."), this, &MainWindow::openRunDialog);
    m_openRunAction->setToolTip(tr("Show a run saved earlier (.fsrun) as it was shown when it ran, without "
                                   "running it again (Ctrl+Alt+O)"));
    m_openRunAction->setShortcut(QKeySequence(tr("Ctrl+Alt+O")));
    m_saveRunAction = file->addAction(tr("Save Ru&n..."), this, &MainWindow::saveRunDialog);
    m_saveRunAction->setShortcut(QKeySequence(tr("Ctrl+Alt+S"))); // Ctrl+S saves the edited scenario
    m_saveRunAction->setToolTip(tr("Keep the last run — its events, scenario, parameters and result, trials "
                                   "included — in a file to open again in class (Ctrl+Alt+S)"));
    file->addSeparator();
    // What Save Run writes follows what ran last; a new run, batch or lab leaves a saved run behind.
    connect(&m_controller, &RunController::started, this, [this] { leaveSavedRun(); });
    connect(&m_controller, &RunController::finished, this, [this] {
        m_shown = Shown::Run;
        m_ranAt = now();
    });
    connect(&m_trialRunner, &TrialRunner::trialFinished, this, [this] { leaveSavedRun(); });
    connect(&m_trialRunner, &TrialRunner::finished, this, [this] {
        leaveSavedRun();
        m_shown = Shown::Trials; // the trial to show is picked after this (onTrialsFinished)
        m_ranAt = now();
    });
    connect(m_gilLab, &GilLabView::started, this, [this] { leaveSavedRun(); });
    connect(m_gilLab, &GilLabView::finished, this, [this] { m_labRanAt = now(); });
}

void MainWindow::leaveSavedRun()
{
    if (m_savedRunFile.isEmpty())
        return;
    if (m_shown == Shown::Saved)
        m_shown = Shown::Nothing;
    m_savedRun.reset();
    m_savedRunFile.clear();
    setWindowTitle(tr("Forkscope"));
}

PaintOptions MainWindow::shownView() const
{
    return m_timeline->model() == &m_replay.model() ? m_beforeReplayView : m_timeline->paintOptions();
}

bool MainWindow::savedRunOfWindow(core::SavedRun &saved, QString *error) const
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_controller.running() || m_trialRunner.running() || m_gilLab->running())
        return fail(tr("a run is under way: save it once it has ended (or stop it with Esc)"));
    if (m_opening)
        return fail(tr("a saved run is being opened: save once it is shown"));
    if (m_shown == Shown::Saved && m_savedRun) {
        saved = *m_savedRun; // the saved run shown, saved again as it was read (under another name, say)
        return true;
    }
    if (m_views->currentWidget() == m_gilLab && !m_gilLab->table().empty()) {
        // The lab's tab is up: its table is what the window shows.
        const core::Scenario *lab = core::findScenario("cpu-vs-io");
        if (!lab)
            return fail(tr("the GIL lab's scenario (cpu-vs-io) is not known"));
        std::map<std::string, std::string> params = m_gilLab->parameters();
        params["work"] = core::kLabWorks[0];
        params["mode"] = core::kLabModes[0];
        core::Plan plan;
        core::ParamSet values;
        std::string problem;
        if (!core::buildPlan(*lab, params, plan, values, problem))
            return fail(fromStd(problem));
        saved.kind = core::SavedRun::Kind::GilLab;
        core::describeSavedRun(saved, *lab, values, plan, m_labRanAt ? m_labRanAt : now(), "window");
        saved.title = tr("GIL lab (cpu-vs-io)").toStdString();
        saved.headline = saved.title;
        saved.lab = {saved.title, m_gilLab->tasks(), m_gilLab->labCores(), m_gilLab->table(),
                     m_gilLab->chartNote().toStdString()};
        return true;
    }
    const core::Scenario *scenario = core::findScenario(m_runPlan->scenario);
    if (m_shown == Shown::Nothing || (m_shown == Shown::Trials && !m_shownRun) || !scenario)
        return fail(tr("nothing has run yet: run a scenario first (Ctrl+R), then save it"));
    const PaintOptions view = shownView();
    core::describeSavedRun(saved, *scenario, m_runValues, *m_runPlan, m_ranAt, "window");
    // A run's title as the timeline shows it; for trials the batch's ("bank — thread"), to which the
    // timeline adds which trial it shows.
    saved.title = (m_shown == Shown::Run ? view.title : m_runTitle).toStdString();
    saved.headline = view.headline.toStdString();
    saved.caption = view.caption.toStdString();
    if (m_shown == Shown::Run) {
        const core::RunResult &result = m_controller.lastResult();
        const std::vector<core::Event> &events = m_controller.lastEvents();
        const core::HeadlineInput in{&result, &events, &m_runValues, nullptr};
        for (const auto &[name, value] : core::measuredValues(in))
            saved.measured[name] = value;
        saved.runs.push_back(core::recordingOf(result, events));
        saved.shown = 0;
        return true;
    }
    // Trials: every final value of every series, each trial kept whole (one per bar), and the one shown.
    saved.kind = core::SavedRun::Kind::Trials;
    core::SavedTrials &t = saved.trials;
    t.count = m_runValues.values().count("trials") ? m_runValues.integer("trials") : 0;
    t.expected = m_trialHistory.expected();
    t.caption = m_trialsCaption.toStdString();
    for (const TrialSeries &s : m_trialHistory.series())
        t.series.push_back({s.label.toStdString(), s.locked, s.finals});
    for (const auto &[series, example] : m_trialHistory.keptTrials()) {
        if (!example.run)
            continue;
        if (example.run == m_shownRun)
            saved.shown = static_cast<int>(saved.runs.size());
        t.examples.push_back({series, example.trial, example.final, example.lostUpdates,
                              static_cast<std::uint32_t>(saved.runs.size())});
        saved.runs.push_back(core::recordingOf(example.run->result, example.run->events));
    }
    if (saved.shown < 0 && m_shownRun) {
        // The trial shown is not among those kept for the bars (a bar's better trial came later): keep it too.
        saved.shown = static_cast<int>(saved.runs.size());
        saved.runs.push_back(core::recordingOf(m_shownRun->result, m_shownRun->events));
    }
    if (const core::SavedRecording *shown = saved.shownRun()) {
        const core::HeadlineInput in{&shown->result, &shown->events, &m_runValues, nullptr};
        for (const auto &[name, value] : core::measuredValues(in))
            saved.measured[name] = value;
    }
    return true;
}

bool MainWindow::saveRun(const QString &path, QString *error)
{
    core::SavedRun saved;
    if (!savedRunOfWindow(saved, error))
        return false;
    if (const std::string problem = core::saveRun(saved, path.toStdString()); !problem.empty()) {
        if (error)
            *error = fromStd(problem);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1 (%2 events): File > Open Run shows it again")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(saved.eventCount()),
                             10000);
    return true;
}

void MainWindow::saveRunDialog()
{
    QString why;
    core::SavedRun probe;
    if (!savedRunOfWindow(probe, &why)) {
        QMessageBox::information(this, tr("Save Run"), tr("Nothing to save: %1.").arg(why));
        return;
    }
    const QString folder = m_exportFolder.isEmpty() ? QDir::homePath() : m_exportFolder;
    const QString name = fromStd(probe.scenarioId) + QStringLiteral(".fsrun");
    QString path = QFileDialog::getSaveFileName(this, tr("Save Run"), QDir(folder).filePath(name),
                                                tr("Saved runs (*.fsrun)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".fsrun")))
        path += QStringLiteral(".fsrun");
    if (!saveRun(path, &why))
        QMessageBox::critical(this, tr("Save Run"), tr("The run was not saved: %1").arg(why));
}

bool MainWindow::openRun(const QString &path, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_controller.running() || m_trialRunner.running() || m_gilLab->running() || m_runUnderWay)
        return fail(tr("a run is under way: open a saved run once it has ended (or stop it with Esc)"));
    if (m_opening)
        return fail(tr("%1 is still being opened: wait for it, or stop it with Esc")
                        .arg(QFileInfo(m_opening->path).fileName()));
    auto opening = std::make_shared<Opening>();
    opening->path = path;
    m_opening = opening;
    m_stateLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Opening saved run %1: reading it and drawing its timeline (Esc stops)")
                                 .arg(QFileInfo(path).fileName()));
    m_stopAction->setEnabled(true);
    m_openRunAction->setEnabled(false);
    updateRunButton();
    // Reading the file and building the timeline of millions of events take seconds: on the thread pool,
    // with nothing of the window (the work stops between steps once dropped).
    QtConcurrent::run([file = path.toStdString(), opening] {
        OpenedRun out;
        auto saved = std::make_shared<core::SavedRun>();
        out.problem = core::loadRun(file, *saved);
        if (!out.problem.empty() || opening->dropped)
            return out;
        out.saved = saved;
        if (saved->kind == core::SavedRun::Kind::GilLab)
            return out;
        const core::SavedRecording &run = *saved->shownRun();
        out.results = laneResults(run.result, run.events, &saved->plan);
        if (saved->kind != core::SavedRun::Kind::Run)
            return out;
        std::vector<core::LaneInfo> lanes;
        for (const core::LaneOutcome &lane : run.result.lanes)
            lanes.push_back(lane.info);
        auto model = std::make_shared<TimelineModel>();
        model->reset(lanes);
        model->appendEvents(run.events);
        if (opening->dropped)
            return out;
        model->finish(run.result);
        model->setTitle(saved->title);
        FocusFlows flows = focusFlows(*model, run.events);
        out.focus = focusFor(*model, flows);
        out.kept = keptFor(out.focus, std::move(flows));
        for (const core::Event &e : run.events)
            if (e.type == core::EventType::Print)
                out.lines.push_back({e.timeNs, e.lane, fromStd(e.text)});
        out.model = std::move(model);
        return out;
    }).then(this, [this, opening](OpenedRun opened) {
        // Always from the event loop, never from inside openRun: a small file can be read before the
        // continuation is attached, and Qt then calls it at once, which would show the run (and say
        // runOpened) before openRun had returned.
        QMetaObject::invokeMethod(
            this, [this, opening, out = std::move(opened)] { finishOpening(opening, out); },
            Qt::QueuedConnection);
    });
    return true;
}

void MainWindow::finishOpening(const std::shared_ptr<Opening> &opening, const OpenedRun &out)
{
    {
        if (m_opening != opening)
            return; // dropped (Stop): its runOpened was said then
        m_opening.reset();
        m_openRunAction->setEnabled(true);
        m_stopAction->setEnabled(false);
        updateRunButton();
        if (!out.problem.empty()) {
            // Nothing of the file is shown.
            const QString why = fromStd(out.problem);
            m_stateLabel->setText(tr("Not opened"));
            statusBar()->showMessage(tr("The run cannot be shown: %1").arg(why), 15000);
            emit runOpened(opening->path, why);
            if (opening->fromDialog)
                QMessageBox::critical(this, tr("Open Run"), tr("The run cannot be shown: %1").arg(why));
            return;
        }
        showSavedRun(out, opening->path);
        m_savedRun = out.saved;
        emit runOpened(opening->path, {});
    }
}

void MainWindow::dropOpening(const QString &why)
{
    if (!m_opening)
        return;
    m_opening->dropped = true;
    const QString path = m_opening->path;
    m_opening.reset();
    m_openRunAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    updateRunButton();
    m_stateLabel->setText(tr("Not opened"));
    statusBar()->showMessage(tr("%1 was not opened: %2").arg(QFileInfo(path).fileName(), why), 10000);
    emit runOpened(path, why);
}

void MainWindow::openRunDialog()
{
    const QString folder = m_exportFolder.isEmpty() ? QDir::homePath() : m_exportFolder;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Run"), folder,
                                                      tr("Saved runs (*.fsrun);;All files (*)"));
    if (path.isEmpty())
        return;
    QString why;
    if (!openRun(path, &why))
        QMessageBox::critical(this, tr("Open Run"), tr("The run cannot be shown: %1").arg(why));
    else
        m_opening->fromDialog = true; // a file that cannot be read says so in a message box too
}

void MainWindow::showSavedRun(const OpenedRun &opened, const QString &path)
{
    const core::SavedRun &saved = *opened.saved;
    m_replay.pause();
    const QString label = savedRunLabel(path, saved.ranAt);
    // Its scenario in the browser and the parameter panel, with the values it ran with.
    std::string note;
    if (const core::Scenario *scenario = core::savedRunScenario(saved, note)) {
        if (!selectScenario(fromStd(scenario->id)))
            showScenario(*scenario); // a teacher's own file: shown, though the browser lists only lessons
        for (const auto &[name, value] : saved.params)
            m_params->setValue(fromStd(name), fromStd(value));
    }
    m_savedRunFile = path;
    m_shown = Shown::Saved;
    setWindowTitle(tr("Forkscope — saved run %1").arg(label));
    m_stateLabel->setText(tr("Saved run %1").arg(label));
    QString message = tr("Saved run %1 (%2): nothing ran now; Run (Ctrl+R) runs it afresh")
                          .arg(label, fromStd(saved.savedBy));
    if (!note.empty())
        message += QStringLiteral(" · ") + fromStd(note);
    statusBar()->showMessage(message, 15000);
    m_elapsedLabel->clear();
    m_workersLabel->clear();
    m_lostLabel->clear();

    if (saved.kind == core::SavedRun::Kind::GilLab) {
        m_gilLab->showSaved(saved.lab.table, saved.lab.tasks, saved.lab.cores, fromStd(saved.lab.loadNote),
                            tr("Saved run %1: the table as it was measured then.").arg(label));
        m_views->setCurrentWidget(m_gilLab);
        return;
    }
    const core::SavedRecording &run = *saved.shownRun();
    m_runPlan = std::make_shared<const core::Plan>(saved.plan);
    m_runValues = core::ParamSet();
    for (const auto &[name, value] : saved.params)
        m_runValues.set(name, value);
    m_runTitle = fromStd(saved.title);
    m_code->showPlan(saved.plan);
    m_console->clear();

    if (saved.kind == core::SavedRun::Kind::Trials) {
        // The batch as its chart drew it: every final value, and the trials kept whole behind the bars.
        std::vector<TrialSeries> series;
        for (const core::SavedTrials::Series &s : saved.trials.series)
            series.push_back({fromStd(s.label), s.finals, s.locked});
        std::vector<std::pair<int, TrialHistory::Example>> kept;
        const core::SavedTrials::Example *shown = nullptr;
        for (const core::SavedTrials::Example &e : saved.trials.examples) {
            const core::SavedRecording &rec = saved.runs[e.run];
            auto trial = std::make_shared<const TrialRun>(TrialRun{rec.result, rec.events});
            kept.push_back({e.series, {e.trial, e.final, e.lostUpdates, trial}});
            if (e.run == static_cast<std::uint32_t>(saved.shown))
                shown = &e;
        }
        m_trialHistory.restore(saved.trials.expected, std::move(series), kept);
        m_trialsCaption = fromStd(saved.trials.caption);
        refreshTrialsChart();
        std::shared_ptr<const TrialRun> shownTrial;
        for (const auto &[s, example] : kept)
            if (shown && s == shown->series && example.trial == shown->trial)
                shownTrial = example.run;
        if (!shownTrial)
            shownTrial = std::make_shared<const TrialRun>(TrialRun{run.result, run.events});
        showTrialRun(shown ? shown->series : 0, shown ? shown->trial : 0, shown ? shown->final : 0,
                     shown ? shown->lostUpdates : run.lostUpdates, shownTrial);
        m_views->setCurrentWidget(m_trialsChart); // as a batch ends: its chart, the trial on the timeline
    } else {
        // Built on the thread pool (openRun); replay shares the saved run's events rather than copying them.
        m_timeline->setModel(opened.model.get());
        m_timeline->setFollowing(false);
        m_timeline->fitAll();
        m_shownModel = opened.model;
        m_shownRun.reset();
        m_resultPanel->showResult(run.result);
        m_replay.load(std::shared_ptr<const std::vector<core::Event>>(opened.saved, &run.events), run.result,
                      saved.title);
        for (QAction *action : {m_replayAction, m_stepAction, m_stepBackAction})
            action->setEnabled(true);
        m_views->setCurrentWidget(m_timeline);
    }
    // Its own words, as the run said them (its title, headline and caption), whatever the lesson's file
    // says now.
    if (saved.kind == core::SavedRun::Kind::Run)
        m_timeline->setTitle(fromStd(saved.title));
    m_timeline->setHeadline(fromStd(saved.headline), fromStd(saved.caption), opened.results);
    if (saved.kind == core::SavedRun::Kind::Run)
        m_focus->setRun(m_shownModel, fromStd(saved.headline), fromStd(saved.caption), opened.focus,
                        opened.kept);
    else
        m_focus->setRun(m_shownModel, run.events, fromStd(saved.headline), fromStd(saved.caption));
    if (saved.kind == core::SavedRun::Kind::Trials) {
        // As a batch ends: how each setting went.
        for (const core::SavedTrials::Series &s : saved.trials.series) {
            const auto wrong = std::count_if(s.finals.begin(), s.finals.end(),
                                             [&](std::int64_t f) { return f != saved.trials.expected; });
            m_console->appendNote(tr("%1: wrong in %2 of %3 trials (expected %4)")
                                      .arg(fromStd(s.label))
                                      .arg(wrong)
                                      .arg(s.finals.size())
                                      .arg(saved.trials.expected));
        }
        return;
    }
    // Inserted a few milliseconds at a time, as a live run's are (a run may have printed hundreds of
    // thousands: the console keeps the last ConsolePane::kScrollback, half a second of the GUI thread at once).
    m_console->appendLines(*m_shownModel, opened.lines);
}

} // namespace forkscope::ui
