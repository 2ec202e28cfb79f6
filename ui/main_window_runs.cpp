// MainWindow, part two: running a scenario (once or as trials), following it live, replaying it, and what
// the window shows when a run ends. Building the window, pictures, theme and settings are in main_window.cpp.

#include "ui/main_window.hpp"

#include "core/analysis/headline.hpp"
#include "ui/code_pane.hpp"
#include "ui/console_pane.hpp"
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
    if (!m_scenario || m_controller.running())
        return false;
    m_replay.pause();
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (!core::buildPlan(*m_scenario, m_params->values(), plan, values, error)) {
        statusBar()->showMessage(tr("Cannot run: %1").arg(fromStd(error)), 8000); // the form says why too
        return false;
    }
    m_code->showPlan(plan);
    m_runTitle = tr("%1 — %2").arg(fromStd(m_scenario->id), fromStd(plan.kind));
    if (plan.timeScale != 1)
        m_runTitle += tr(" (time scale %1)").arg(plan.timeScale);
    m_runValues = values;
    m_trialLoop = core::TrialLoop::forScenario(*m_scenario, values, plan);
    m_runLocked = m_scenario->param("lock") && values.flag("lock") ? 1 : 0;
    if (m_trialLoop.repeated())
        m_trialHistory.clear(m_runLocked);
    m_shownTrial.reset();
    m_console->clear();
    m_resultPanel->clearResult();
    m_progress->setRange(0, m_trialLoop.count());
    m_progress->setValue(0);
    m_progress->setVisible(m_trialLoop.repeated());
    m_runUnderWay = startTrial();
    return m_runUnderWay;
}

bool MainWindow::startTrial()
{
    const int trial = m_trialLoop.startNext();
    const QString title = m_trialLoop.repeated()
        ? m_runTitle + tr(" — trial %1 of %2").arg(trial).arg(m_trialLoop.count())
        : m_runTitle;
    QString why;
    if (!m_controller.start(m_trialLoop.plan(), title, &why)) {
        core::RunResult notStarted;
        notStarted.error = why.toStdString();
        m_trialLoop.record(notStarted); // ends the loop
        QMessageBox::critical(this, tr("Cannot run"), why);
        return false;
    }
    return true;
}

bool MainWindow::onTrialFinished(const core::RunResult &result)
{
    const core::TrialRecord record = m_trialLoop.record(result);
    if (!record.counted)
        return false; // a single run, or a trial that was stopped or failed
    m_progress->setValue(static_cast<int>(m_trialLoop.outcomes().finals.size()));
    m_trialHistory.add(m_runLocked, record.final, m_controller.model());
    refreshTrialsChart(); // the histogram fills as trials complete
    if (record.show) {
        m_shownTrial = std::make_shared<const TimelineModel>(m_controller.model());
        m_shownEvents = m_controller.lastEvents();
        m_shownResult = result;
    }
    if (!m_trialLoop.hasNext()) {
        showTrialsVerdict();
        return false;
    }
    // The next trial starts once this one's end has been handled; a Stop in between ends the trials here.
    QTimer::singleShot(0, this, [this] {
        if (m_trialLoop.hasNext() && startTrial())
            return;
        showTrialsVerdict(); // stopped in between, or the next trial could not start
        finishRun(m_shownResult);
    });
    return true;
}

void MainWindow::showTrialsVerdict()
{
    const core::TrialOutcomes &trials = m_trialLoop.outcomes();
    m_timeline->setModel(m_shownTrial.get());
    const QString verdict = tr("wrong in %1 of %2 trials (expected %3)")
                                .arg(trials.wrong())
                                .arg(trials.finals.size())
                                .arg(trials.expected);
    m_timeline->setTitle(m_runTitle + QStringLiteral(" — ") + verdict
                         + (trials.wrong() ? tr("; shown: the first wrong trial") : QString()));
    m_console->appendNote(verdict);
    m_progress->hide();
}

void MainWindow::onStarted()
{
    m_views->setCurrentWidget(m_timeline);
    m_timeline->setModel(&m_controller.model());
    m_timeline->setTitle(fromStd(m_controller.model().title()));
    m_timeline->setFollowing(true);
    m_runAction->setEnabled(false);
    m_runButton->setEnabled(false);
    m_replayAction->setEnabled(false);
    m_stepAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_stateLabel->setText(tr("Running"));
    m_statusTimer.start();
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
    if (onTrialFinished(result))
        return; // the next trial is on its way
    finishRun(result);
}

void MainWindow::finishRun(const core::RunResult &result)
{
    m_runUnderWay = false;
    const bool trialsDone = m_trialLoop.repeated() && m_shownTrial;
    m_runAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    updateRunButton();
    m_statusTimer.stop();
    m_resultPanel->showResult(trialsDone ? m_shownResult : result);
    if (trialsDone)
        m_replay.load(m_shownEvents, m_shownResult, m_shownTrial->title());
    else
        m_replay.load(m_controller.lastEvents(), result, m_controller.model().title());
    m_replayAction->setEnabled(true);
    m_stepAction->setEnabled(true);
    if (m_scenario && !result.failed())
        keepForCompare(trialsDone ? m_shownResult : result);
    QString state = result.cancelled ? tr("Stopped") : tr("Finished");
    if (result.failed())
        state = tr("Failed: %1").arg(fromStd(result.error));
    m_stateLabel->setText(state);
    int crashed = 0;
    for (std::size_t i = 1; i < result.lanes.size(); ++i)
        crashed += result.lanes[i].signal != 0 && !result.lanes[i].cancelled;
    if (result.cancelled)
        m_timeline->setTitle(fromStd(m_controller.model().title()) + tr(" — stopped"));
    if (!result.failed())
        showHeadline(trialsDone ? m_shownResult : result,
                     trialsDone ? m_shownEvents : m_controller.lastEvents());
    QString summary = tr("%1 in %2").arg(state, seconds(result.wallNs));
    if (trialsDone)
        summary = tr("%1: wrong in %2 of %3 trials")
                      .arg(state)
                      .arg(m_trialLoop.outcomes().wrong())
                      .arg(m_trialLoop.outcomes().finals.size());
    if (crashed)
        summary += tr(", %n worker(s) killed by a signal", nullptr, crashed);
    statusBar()->showMessage(summary, 10000);
    updateStatus();
}

void MainWindow::showHeadline(const core::RunResult &result, const std::vector<core::Event> &events)
{
    const bool trials = m_trialLoop.repeated() && !m_trialLoop.outcomes().finals.empty();
    const core::HeadlineInput in{&result, &events, &m_runValues, trials ? &m_trialLoop.outcomes() : nullptr};
    m_timeline->setHeadline(fromStd(core::headline(in)), fromStd(core::caption(in)),
                            laneResults(result, events, &m_trialLoop.plan()));
}

void MainWindow::refreshTrialsChart()
{
    m_trialsChart->setData(tr("Final balances over the trials"), m_trialLoop.outcomes().expected,
                           m_trialHistory.series());
}

bool MainWindow::showTrial(int series, std::int64_t value)
{
    const TrialHistory::Example *example = m_trialHistory.example(series, value);
    if (!example)
        return false;
    m_timeline->setModel(example->model.get());
    m_timeline->setTitle(tr("%1 — trial %2 %3: final %4")
                             .arg(m_runTitle)
                             .arg(example->trial)
                             .arg(series ? tr("with lock") : tr("without lock"))
                             .arg(value));
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
    m_trialLoop.stop();
    if (m_controller.running()) {
        m_controller.stop();
        return;
    }
    m_replay.pause();
    m_stopAction->setEnabled(false);
    m_stateLabel->setText(tr("Replay paused"));
}

void MainWindow::keepForCompare(const core::RunResult &result)
{
    // Trials keep the trial shown on the timeline, told with the verdict over all of them.
    const bool trials = m_trialLoop.repeated() && m_shownTrial;
    std::vector<core::Event> events = trials ? m_shownEvents : m_controller.lastEvents();
    const core::HeadlineInput told{&result, &events, &m_runValues,
                                   trials ? &m_trialLoop.outcomes() : nullptr};
    const std::string headline = core::headline(told);
    PastRun run = makePastRun(result, std::move(events), m_runValues.values(), headline);
    run.number = ++m_finishedRuns;
    m_compare->addRun(fromStd(m_scenario->id), std::move(run));
}

void MainWindow::refreshCompare()
{
    if (m_scenario)
        m_compare->showScenario(fromStd(m_scenario->id));
}

void MainWindow::updateStatus()
{
    m_elapsedLabel->setText(tr("Elapsed %1").arg(seconds(m_controller.elapsedNs())));
    m_workersLabel->setText(tr("Workers running: %1").arg(m_controller.liveWorkers()));
    const auto lost = m_controller.lostEvents();
    m_lostLabel->setText(tr("Lost events: %1").arg(lost));
    m_lostLabel->setStyleSheet(lost ? QStringLiteral("color: #D55E00; font-weight: bold") : QString());
}

} // namespace forkscope::ui
