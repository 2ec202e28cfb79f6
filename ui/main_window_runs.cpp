// MainWindow, part two: running a scenario (once or as trials), following it live, replaying it, and what
// the window shows when a run ends. Building the window, pictures, theme and settings are in main_window.cpp.

#include "ui/main_window.hpp"

#include "core/analysis/headline.hpp"
#include "ui/code_pane.hpp"
#include "ui/console_pane.hpp"
#include "ui/focus/focus_views.hpp"
#include "ui/focus/focus_widget.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/parameter_form.hpp"
#include "ui/process_panel.hpp"
#include "ui/result_panel.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace forkscope::ui {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

QString seconds(std::int64_t ns)
{
    return QStringLiteral("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 3);
}

} // namespace

bool MainWindow::runScenario()
{
    if (m_gilLab->running()) {
        // The lab measures wall times: a run beside it would take cores from its runs and make its chart
        // wrong without a word. So nothing starts until it is done or cancelled.
        statusBar()->showMessage(
            tr("Not started: the GIL lab is timing its runs, and a run beside them would "
               "make its figures wrong. Wait for it, or cancel it (Esc)."),
            10000);
        return false;
    }
    if (m_opening) {
        statusBar()->showMessage(
            tr("Not started: a saved run is being opened. Wait for it, or stop it (Esc)."), 10000);
        return false;
    }
    if (!m_scenario || m_controller.running() || m_trialRunner.running() || m_runUnderWay)
        return false;        // m_runUnderWay: the last run's end is still being worked out (finishRun)
    m_params->commitEdits(); // what is being typed counts, as the nearest value allowed
    m_replay.pause();
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (!core::buildPlan(*m_scenario, m_params->values(), plan, values, error)) {
        statusBar()->showMessage(tr("Cannot run: %1").arg(fromStd(error)), 8000); // the form says why too
        return false;
    }
    m_code->showPlan(plan);
    QString title = tr("%1 — %2").arg(fromStd(m_scenario->id), fromStd(plan.kind));
    if (plan.timeScale != 1)
        title += tr(" (time scale %1)").arg(plan.timeScale);
    m_console->clear();
    m_resultPanel->clearResult();
    if (core::TrialLoop::trialsFor(*m_scenario, values) > 1)
        return startTrials(std::move(values), title);
    // Kept, never copied: a plan of a million items takes ~45 ms to copy (its fresh pages, on this VM).
    auto shared = std::make_shared<const core::Plan>(std::move(plan));
    QString why;
    if (!m_controller.start(shared, title, &why)) {
        QMessageBox::critical(this, tr("Cannot run"), why);
        return false;
    }
    // The plan, the values and the title go together: a start refused leaves the last run's (saving it says
    // all three).
    m_runPlan = std::move(shared);
    m_runValues = std::move(values);
    m_runTitle = title;
    m_runUnderWay = true;
    return true;
}

bool MainWindow::startTrials(core::ParamSet values, const QString &title)
{
    std::vector<core::TrialSeriesPlan> series;
    std::string error;
    if (!core::histogramSeries(*m_scenario, m_params->values(), series, error) || series.empty()) {
        statusBar()->showMessage(tr("Cannot run: %1").arg(fromStd(error)), 8000);
        return false;
    }
    const core::TrialLoop &first = series.front().loop;
    std::vector<TrialSeries> labels;
    QStringList parts;
    for (const core::TrialSeriesPlan &s : series) {
        labels.push_back({fromStd(s.label), {}, s.locked});
        parts << tr("%1 %2").arg(s.loop.count()).arg(fromStd(s.label));
    }
    m_trialHistory.reset(first.outcomes().expected, labels);
    m_trialsCaption = fromStd(core::trialsCaption(first.plan(), first.count()));
    m_trialsDone = 0;
    m_pick = {};
    int total = 0;
    for (const core::TrialSeriesPlan &s : series)
        total += s.loop.count();
    // Trials run in the race shape the scenario chose for them: show what they run.
    m_code->showPlan(first.plan());
    auto plan = std::make_shared<const core::Plan>(first.plan());
    if (!m_trialRunner.start(std::move(series)))
        return false;
    m_runPlan = std::move(plan);
    m_runValues = std::move(values);
    m_runTitle = title;
    m_trialsClock.start();
    m_runUnderWay = true;
    refreshTrialsChart();
    m_views->setCurrentWidget(m_trialsChart); // the histogram fills as the trials end
    m_console->appendNote(tr("running trials, the settings side by side: %1").arg(parts.join(tr(" and "))));
    m_trialsTotal = total;
    // Trials done, as the chart counts them (not the one under way: two run at once, one per setting).
    m_progress->setFormat(tr("%v of %m trials done"));
    m_progress->setRange(0, total);
    m_progress->setValue(0);
    m_progress->show();
    setRunning(true);
    m_stateLabel->setText(tr("Running trials"));
    return true;
}

void MainWindow::onTrialFinished(const FinishedTrial &trial)
{
    m_trialHistory.add(trial);
    m_progress->setValue(++m_trialsDone);
    refreshTrialsChart();
    // Shown at the end: the first trial that went wrong without the lock (it has lost updates to see);
    // until one does, the latest of the first series.
    const bool pickIsWrong = m_pick.run && m_pick.series == 0 && m_pick.record.wrong;
    if (!pickIsWrong && (trial.series == 0 || !m_pick.run))
        m_pick = trial;
}

void MainWindow::onTrialsFinished(bool stopped, const QString &error, qint64 elapsedNs)
{
    m_runUnderWay = false;
    m_progress->hide();
    setRunning(false);
    const QString headline
        = trialsHeadline({m_trialsCaption, m_trialHistory.expected(), m_trialHistory.series()});
    for (const TrialSeries &s : m_trialHistory.series())
        if (!s.finals.empty())
            m_console->appendNote(tr("%1: wrong in %2 of %3 trials (expected %4)")
                                      .arg(s.label)
                                      .arg(s.wrong(m_trialHistory.expected()))
                                      .arg(s.finals.size())
                                      .arg(m_trialHistory.expected()));
    // A trial cancelled by Stop is not counted (its workers were stopped mid-race): the chart, the bar and
    // this line count the same trials.
    QString state = stopped ? tr("Stopped after %1 of %2 trials").arg(m_trialsDone).arg(m_trialsTotal)
                            : tr("Finished %1 trials").arg(m_trialsDone);
    // The batch's time, not the last trial's: what the status bar said while it ran, to its end.
    m_elapsedLabel->setText(tr("Elapsed %1").arg(seconds(elapsedNs)));
    m_workersLabel->clear();
    m_lostLabel->clear();
    if (!error.isEmpty()) {
        state = tr("Failed: %1").arg(error);
        m_console->appendNote(tr("a trial failed: %1").arg(error));
    }
    m_stateLabel->setText(state);
    QString message = tr("%1: %2 (in %3)").arg(state, headline, seconds(elapsedNs));
    if (stopped)
        message += tr("; the trials under way were stopped and are not counted");
    statusBar()->showMessage(message, 10000);
    if (m_pick.run) {
        showTrialRun(m_pick.series, m_pick.record.trial, m_pick.record.final, m_pick.lostUpdates, m_pick.run);
        if (m_scenario && error.isEmpty())
            keepForCompare(m_pick.run->result, m_pick.run->events, headline.toStdString());
    }
    m_pick = {}; // the kept trials hold what the chart's bars show
}

void MainWindow::setRunning(bool running)
{
    m_runAction->setEnabled(!running);
    m_stopAction->setEnabled(running);
    m_replayAction->setEnabled(!running && m_replay.loaded());
    m_stepAction->setEnabled(!running && m_replay.loaded());
    m_stepBackAction->setEnabled(!running && m_replay.loaded());
    updateRunButton();
    if (running)
        m_statusTimer.start();
    else
        m_statusTimer.stop();
}

void MainWindow::showTrialRun(int series, int trial, std::int64_t final, int lostUpdates,
                              const std::shared_ptr<const TrialRun> &run)
{
    const TrialSeries *s = static_cast<std::size_t>(series) < m_trialHistory.series().size()
        ? &m_trialHistory.series()[static_cast<std::size_t>(series)]
        : nullptr;
    QString title = tr("%1 — trial %2%3: final %4 (expected %5)")
                        .arg(m_runTitle)
                        .arg(trial)
                        .arg(s ? tr(" %1").arg(s->label) : QString())
                        .arg(final)
                        .arg(m_trialHistory.expected());
    if (lostUpdates > 0)
        title += lostUpdates == 1 ? tr(", 1 update lost") : tr(", %1 updates lost").arg(lostUpdates);
    std::vector<core::LaneInfo> lanes;
    for (const core::LaneOutcome &lane : run->result.lanes)
        lanes.push_back(lane.info);
    auto model = std::make_shared<TimelineModel>();
    model->reset(lanes);
    model->appendEvents(run->events);
    model->finish(run->result);
    model->setTitle(title.toStdString());
    m_timeline->setModel(model.get()); // before the old model goes
    m_timeline->setTitle(title);
    m_timeline->setFollowing(false);
    m_timeline->fitAll();
    m_shownModel = std::move(model);
    showTrialHeadline(*run, title);
    m_shownRun = run;
    m_resultPanel->showResult(run->result);
    m_replay.load(run->events, run->result, title.toStdString());
    m_replayAction->setEnabled(!m_runUnderWay);
    m_stepAction->setEnabled(!m_runUnderWay);
    m_stepBackAction->setEnabled(!m_runUnderWay);
}

void MainWindow::onStarted()
{
    m_views->setCurrentWidget(m_timeline);
    m_timeline->setModel(&m_controller.model());
    m_timeline->setTitle(fromStd(m_controller.model().title()));
    m_timeline->setFollowing(true);
    m_shownRun.reset();
    m_shownModel.reset();
    setRunning(true);
    m_stateLabel->setText(tr("Running"));
    m_processPanel->follow(m_controller.runnerPid());
}

void MainWindow::onUpdated(const QVector<PrintedLine> &lines)
{
    m_timeline->modelUpdated();
    m_console->appendLines(m_controller.model(), lines);
}

void MainWindow::onFinished(const core::RunResult &result)
{
    m_timeline->modelUpdated();
    m_processPanel->stopFollowing();
    finishRun(result);
}

void MainWindow::finishRun(const core::RunResult &result)
{
    // The lesson, the lanes' results, the Focus view's message flows and the Compare tab's headline each read
    // every event of the run (seconds for millions of them, the lost-update search of the headline among
    // them): worked out on the thread pool from the run's shared, read-only events and model, and shown
    // when back. The run counts as under way until then (runningTrials()), so nothing starts over it.
    m_stateLabel->setText(tr("Finishing…"));
    struct Told {
        QString headline;
        QString caption;
        std::vector<LaneResult> results;
        FocusKind focus = FocusKind::Timeline; ///< the Focus view that fits the run
        FocusFlows kept;                       ///< what that view keeps of the events
        std::string pastHeadline;              ///< for the Compare tab, when the run is kept there
    };
    const std::shared_ptr<const std::vector<core::Event>> events = m_controller.sharedEvents();
    const std::shared_ptr<const TimelineModel> model = m_controller.sharedModel();
    const bool keep = m_scenario && !result.failed();
    const std::map<std::string, std::string> runValues = m_runValues.values();
    // Handed back in a shared_ptr: QFuture::then hands a copyable result over by copy, and a big run's Focus
    // flows (a queue's whole fill history: 2 M changes at 8 M events) took 0.2 s to copy on the GUI thread.
    QtConcurrent::run([result, events, model, values = m_runValues, plan = m_runPlan, keep] {
        auto out = std::make_shared<Told>();
        Told &told = *out;
        const core::HeadlineInput in{&result, events.get(), &values, nullptr};
        const std::string headline = core::headline(in);
        told.headline = fromStd(headline);
        told.caption = fromStd(core::caption(in));
        told.results = laneResults(result, *events, plan.get());
        FocusChoice focus = chooseFocus(*model, *events);
        told.focus = focus.kind;
        told.kept = std::move(focus.kept);
        if (keep)
            told.pastHeadline = headline; // the same input as the window's headline
        return out;
    })
        .then(
            this,
            [this, result, events, model, keep, runValues,
             scenarioId = m_scenario ? m_scenario->id : std::string()](const std::shared_ptr<Told> &out) {
                Told &told = *out;
                m_runUnderWay = false;
                // Shown unless something else took the timeline meanwhile (a saved run opened).
                if (m_timeline->model() == model.get()) {
                    m_resultPanel->showResult(result);
                    // Replay, the Focus tab and Compare share the run's one copy of its events and its model: a run
                    // of ten million events is about 700 MB of events, and a copy each would also hold the window
                    // while it is made.
                    m_replay.load(events, result, model->title());
                    // The lesson above the timeline, said from this run's numbers (a failed run says why it failed).
                    m_timeline->setHeadline(told.headline, told.caption, told.results);
                    m_focus->setRun(model, told.headline, told.caption, told.focus, std::move(told.kept));
                }
                setRunning(false);
                if (keep) {
                    PastRun run = makePastRun(result, events, model, runValues, told.pastHeadline);
                    run.number = ++m_finishedRuns;
                    m_compare->addRun(fromStd(scenarioId), std::move(run));
                }
                QString state = result.cancelled ? tr("Stopped") : tr("Finished");
                if (result.failed())
                    state = tr("Failed: %1").arg(fromStd(result.error));
                m_stateLabel->setText(state);
                m_stateLabel->setStyleSheet({}); // no longer waiting for a stopped worker
                int crashed = 0;
                for (std::size_t i = 1; i < result.lanes.size(); ++i)
                    crashed += result.lanes[i].signal != 0 && !result.lanes[i].cancelled;
                if (result.cancelled && m_timeline->model() == model.get())
                    m_timeline->setTitle(fromStd(model->title()) + tr(" — stopped"));
                QString summary = tr("%1 in %2").arg(state, seconds(result.wallNs));
                if (crashed)
                    summary += tr(", %n worker(s) killed by a signal", nullptr, crashed);
                statusBar()->showMessage(summary, 10000);
                updateStatus();
            });
}

void MainWindow::showTrialHeadline(const TrialRun &run, const QString &caption)
{
    // The batch's verdict over all trials is the lesson; the caption says which trial is drawn.
    const QString headline
        = trialsHeadline({m_trialsCaption, m_trialHistory.expected(), m_trialHistory.series()});
    m_timeline->setHeadline(headline, m_trialsCaption + QStringLiteral(" · shown: ") + caption,
                            laneResults(run.result, run.events, m_runPlan.get()));
    m_focus->setRun(m_shownModel, run.events, headline,
                    m_trialsCaption + QStringLiteral(" · shown: ") + caption);
}

void MainWindow::refreshTrialsChart()
{
    m_trialsChart->setData({m_trialsCaption, m_trialHistory.expected(), m_trialHistory.series()});
}

bool MainWindow::showTrial(int series, std::int64_t low, std::int64_t high)
{
    const TrialHistory::Example *example = m_trialHistory.example(series, low, high);
    if (!example)
        return false;
    showTrialRun(series, example->trial, example->final, example->lostUpdates, example->run);
    m_views->setCurrentWidget(m_timeline);
    return true;
}

void MainWindow::startReplay(double speed)
{
    if (!m_replay.loaded() || m_controller.running())
        return;
    m_console->clear();
    m_views->setCurrentWidget(m_timeline);
    m_replay.rewind();
    if (m_timeline->model() != &m_replay.model()) {
        m_beforeReplayModel = m_timeline->model();
        m_beforeReplayView = m_timeline->paintOptions();
    }
    m_timeline->setModel(&m_replay.model());
    m_timeline->setTitle(fromStd(m_replay.model().title()));
    m_timeline->setFollowing(true);
    m_replay.play(speed);
    m_stopAction->setEnabled(true);
    m_stateLabel->setText(tr("Replay at %1").arg(m_speed->itemText(m_speed->findData(speed))));
}

void MainWindow::showReplay(const QVector<PrintedLine> &lines)
{
    if (m_timeline->model() != &m_replay.model())
        return;
    m_timeline->modelUpdated();
    m_console->appendLines(m_replay.model(), lines);
    m_elapsedLabel->setText(tr("Playhead %1").arg(seconds(m_replay.playheadNs())));
}

void MainWindow::stopAll()
{
    if (m_opening) {
        dropOpening(tr("stopped before it was shown"));
        return;
    }
    if (m_gilLab->running()) {
        m_gilLab->cancel(); // its finished() brings the window back to idle
        return;
    }
    if (m_trialRunner.running()) {
        m_trialRunner.stop(); // the trial under way is cancelled; finished() follows
        return;
    }
    if (m_controller.running()) {
        m_controller.stop();
        return;
    }
    endReplay();
}

void MainWindow::endReplay()
{
    m_replay.pause();
    m_stopAction->setEnabled(false);
    if (m_timeline->model() != &m_replay.model())
        return;
    // The whole run again, as it was shown before the replay: its model (not the replay's, cut at the
    // playhead), title, headline and lane results, fitted.
    m_timeline->setModel(m_beforeReplayModel);
    m_timeline->setTitle(m_beforeReplayView.title);
    m_timeline->setHeadline(m_beforeReplayView.headline, m_beforeReplayView.caption,
                            m_beforeReplayView.results);
    m_timeline->setFollowing(false);
    m_stateLabel->setText(tr("Replay stopped: the whole run is shown"));
}

void MainWindow::stepReplay(bool forward)
{
    if (!m_replay.loaded() || m_runUnderWay)
        return;
    if (m_timeline->model() != &m_replay.model()) {
        startReplay(1.0);
        m_replay.rewind();
    }
    if (forward) {
        m_replay.step();
    } else {
        m_console->clear(); // the replay hands every print up to the earlier instant over again
        m_replay.stepBack();
    }
    const std::span<const core::Event> shown = m_replay.steppedEvents();
    const TimelineModel &model = m_replay.model();
    QString what;
    if (shown.empty()) {
        what = tr("Step: the start, nothing has happened yet");
    } else {
        what
            = tr("Step: events %1 of %2 at %3 · %4")
                  .arg(m_replay.shownEvents())
                  .arg(m_replay.eventCount())
                  .arg(QStringLiteral("%1 s").arg(static_cast<double>(shown.front().timeNs) / 1e9, 0, 'f', 6),
                       describeEvent(model, shown.front()));
        if (shown.size() > 1)
            what += tr(" (and %n more at the same instant)", nullptr, static_cast<int>(shown.size() - 1));
    }
    m_stateLabel->setText(forward ? tr("Replay: step") : tr("Replay: step back"));
    statusBar()->showMessage(what);
}

void MainWindow::keepForCompare(const core::RunResult &result, std::vector<core::Event> events,
                                const std::string &headline)
{
    PastRun run = makePastRun(result, std::move(events), m_runValues.values(), headline);
    run.number = ++m_finishedRuns;
    m_compare->addRun(fromStd(m_scenario->id), std::move(run));
}

void MainWindow::refreshCompare()
{
    if (m_scenario)
        m_compare->showScenario(fromStd(m_scenario->id));
}

void MainWindow::showWaiting()
{
    // Which worker a running run waits for, and for how long, read from /proc: a stopped one (SIGSTOP, a
    // debugger) stands out, since the run cannot go on until it is resumed or the run is stopped.
    if (!m_controller.running())
        return;
    const std::optional<core::Waiting> waiting = m_controller.waitingFor();
    QString text = tr("Running");
    if (waiting)
        text += QStringLiteral(": ") + fromStd(waiting->describe());
    if (waiting && waiting->stopped())
        text += tr(" (kill -CONT %1 resumes it; Stop ends the run)").arg(waiting->info.pid);
    m_stateLabel->setText(text);
    m_stateLabel->setStyleSheet(
        waiting && waiting->stopped() ? QStringLiteral("color: #D55E00; font-weight: bold") : QString());
}

void MainWindow::updateStatus()
{
    if (m_gilLab->running()) {
        m_elapsedLabel->clear(); // the lab's tab shows its progress; no run of the window's is under way
        m_workersLabel->clear();
        m_lostLabel->clear();
        return;
    }
    if (m_trialRunner.running()) {
        m_elapsedLabel->setText(tr("Elapsed %1").arg(seconds(m_trialsClock.nsecsElapsed())));
        m_workersLabel->clear();
        m_lostLabel->clear();
        return;
    }
    m_elapsedLabel->setText(tr("Elapsed %1").arg(seconds(m_controller.elapsedNs())));
    m_workersLabel->setText(tr("Workers running: %1").arg(m_controller.liveWorkers()));
    showWaiting();
    const auto lost = m_controller.lostEvents();
    m_lostLabel->setText(tr("Lost events: %1").arg(lost));
    m_lostLabel->setStyleSheet(lost ? QStringLiteral("color: #D55E00; font-weight: bold") : QString());
}

} // namespace forkscope::ui
