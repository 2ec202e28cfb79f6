#include "ui/compare_view.hpp"
#include "ui/console_pane.hpp"
#include "ui/exporter.hpp"
#include "ui/focus/focus_widget.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/main_window.hpp"
#include "ui/process_panel.hpp"
#include "ui/result_panel.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QImage>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTimer>
#include <QTreeWidgetItemIterator>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

bool waitUntilIdle(MainWindow &w, int ms = 15000)
{
    return QTest::qWaitFor([&] { return !w.runningTrials() && !w.controller().running(); }, ms);
}

/// A fresh window with no remembered settings.
std::unique_ptr<MainWindow> freshWindow()
{
    QSettings().clear();
    auto w = std::make_unique<MainWindow>();
    w->resize(1400, 900);
    w->show();
    w->activateWindow();
    EXPECT_TRUE(QTest::qWaitForWindowActive(w.get())) << "shortcuts need an active window";
    return w;
}

QString consoleText(MainWindow &w) { return w.findChild<ConsolePane *>()->toPlainText(); }

} // namespace

TEST(MainWindow, RunsAScenarioAndDrawsItsLanes)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("kind"), QStringLiteral("process")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.05")));
    EXPECT_FALSE(w->setParameter(QStringLiteral("workers"), QStringLiteral("5000"))) << "refused as typed";
    ASSERT_TRUE(w->runScenario());
    EXPECT_TRUE(w->controller().running());
    ASSERT_TRUE(waitUntilIdle(*w));

    const core::RunResult &result = w->controller().lastResult();
    ASSERT_EQ(result.lanes.size(), 4u);
    EXPECT_FALSE(result.failed());
    const TimelineModel &model = w->controller().model();
    ASSERT_EQ(model.laneCount(), 4u);
    for (std::uint32_t i = 1; i < 4; ++i)
        EXPECT_TRUE(model.lane(i).ended());

    // The widget shows the whole run once it ends: each worker's sleep is drawn in the sleeping colour
    // in the middle of its lane, halfway through the run.
    TimelineWidget *timeline = w->timeline();
    timeline->fitAll();
    QApplication::processEvents();
    const QImage image = timeline->grab().toImage();
    const TimelineLayout layout = timeline->currentLayout();
    const QColor sleeping = timeline->paintOptions().theme.stateColor(BarState::Sleeping);
    for (std::uint32_t lane = 1; lane < 4; ++lane) {
        const Bar &bar = model.lane(lane).bars.front();
        EXPECT_EQ(bar.state, BarState::Sleeping);
        const int x = static_cast<int>(layout.timeToX((bar.begin + bar.end) / 2));
        const int y = static_cast<int>(layout.barBand(lane, 0).center().y());
        EXPECT_EQ(image.pixelColor(x, y), sleeping) << "lane " << lane << " at " << x << "," << y;
    }
    EXPECT_TRUE(consoleText(*w).contains(QStringLiteral("worker 3 woke up, bye")));
}

TEST(MainWindow, TheLiveTimelineRefreshesOften)
{
    // At least 30 refreshes a second, and no more than 50 ms behind the run. The lag is judged by its 90th
    // percentile: the test's own thread is preempted now and then on a shared machine, and one such stall
    // says nothing about the view's timer.
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    w->setParameter(QStringLiteral("workers"), QStringLiteral("2"));
    w->setParameter(QStringLiteral("sleep"), QStringLiteral("0.6"));
    int refreshes = 0;
    QObject::connect(&w->controller(), &RunController::updated, [&] { ++refreshes; });
    ASSERT_TRUE(w->runScenario());
    QTest::qWait(100); // the runner is up
    std::vector<std::int64_t> lagsNs;
    const int before = refreshes;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 400) {
        QTest::qWait(7);
        if (!w->controller().running())
            break;
        lagsNs.push_back(w->controller().elapsedNs() - w->controller().model().now());
    }
    const double seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    EXPECT_GE((refreshes - before) / seconds, 30.0);
    ASSERT_GE(lagsNs.size(), 10u);
    std::sort(lagsNs.begin(), lagsNs.end());
    const std::int64_t lagNs = lagsNs[lagsNs.size() * 9 / 10];
    EXPECT_LT(lagNs, 50'000'000) << "the view's present lagged the run by "
                                 << static_cast<double>(lagNs) / 1e6 << " ms in one sample of ten (worst "
                                 << static_cast<double>(lagsNs.back()) / 1e6 << " ms)";
    ASSERT_TRUE(waitUntilIdle(*w));
}

TEST(MainWindow, ParametersAreCheckedAsTheyAreEdited)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    auto *run = w->findChild<QPushButton *>(QStringLiteral("run"));
    ASSERT_NE(run, nullptr);
    EXPECT_TRUE(run->isEnabled());
    ASSERT_TRUE(w->setParameter(QStringLiteral("kind"), QStringLiteral("process")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("300")));
    EXPECT_FALSE(run->isEnabled()) << "300 processes is over the limit";
    EXPECT_FALSE(w->runScenario());
    ASSERT_TRUE(w->setParameter(QStringLiteral("kind"), QStringLiteral("thread")));
    EXPECT_TRUE(run->isEnabled()) << "300 threads is fine";
    // Small defaults survive the editors' rounding: the bank's 500 us think time is not shown as 0.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    EXPECT_DOUBLE_EQ(w->findChild<QDoubleSpinBox *>(QStringLiteral("think"))->value(), 0.0005);
}

TEST(MainWindow, ShortcutsWorkWhileAParameterHasFocus)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("square-cube")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.002")));
    auto *spin = w->findChild<QDoubleSpinBox *>(QStringLiteral("time-scale"));
    ASSERT_NE(spin, nullptr);
    spin->setFocus();
    QTest::keyClick(spin, Qt::Key_R, Qt::ControlModifier);
    EXPECT_TRUE(w->controller().running()) << "Ctrl+R ran the scenario from inside the spin box";
    ASSERT_TRUE(waitUntilIdle(*w));
    EXPECT_DOUBLE_EQ(spin->value(), 0.002) << "the key did not land in the editor";

    // Ctrl+E is "end of line" to a line edit; in the window it must open the export dialog.
    spin->setFocus();
    bool dialogOpened = false;
    QTimer::singleShot(200, [&] {
        if (QWidget *modal = QApplication::activeModalWidget()) {
            dialogOpened = true;
            modal->close();
        }
    });
    QTest::keyClick(spin, Qt::Key_E, Qt::ControlModifier);
    QTest::qWait(300);
    EXPECT_TRUE(dialogOpened) << "Ctrl+E opened Export from inside the spin box";
}

TEST(MainWindow, SwitchingThemeKeepsTheParameters)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    QAction *dark = nullptr;
    for (QAction *a : w->findChildren<QAction *>())
        if (a->text().contains(QStringLiteral("Dark")))
            dark = a;
    ASSERT_NE(dark, nullptr);
    dark->toggle();
    EXPECT_EQ(w->findChild<QSpinBox *>(QStringLiteral("workers"))->value(), 3);
    EXPECT_LT(w->timeline()->paintOptions().theme.background.lightness(), 128);
    EXPECT_LT(QApplication::palette().color(QPalette::Base).lightness(), 128) << "the panes go dark too";
    dark->toggle();
    EXPECT_GT(QApplication::palette().color(QPalette::Base).lightness(), 128);
}

TEST(MainWindow, RunOnTheBankFillsBothSeriesAndAClickShowsSuchATrial)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    for (const auto &[name, value] : {std::pair{"trials", "8"}, {"kind", "thread"}, {"lock", "on"}})
        ASSERT_TRUE(w->setParameter(QString::fromLatin1(name), QString::fromLatin1(value)));
    auto *progress = w->findChild<QProgressBar *>(QStringLiteral("trialProgress"));
    ASSERT_NE(progress, nullptr);
    ASSERT_TRUE(w->runScenario());
    EXPECT_TRUE(progress->isVisible());
    EXPECT_EQ(progress->maximum(), 16) << "8 trials without the lock and 8 with it, whatever the form says";
    EXPECT_FALSE(w->findChild<QPushButton *>(QStringLiteral("run"))->isEnabled());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !w->runningTrials(); }, 30000));
    EXPECT_FALSE(progress->isVisible());

    // Both series, 8 trials each: every locked one right, the unguarded ones nearly all wrong (generous).
    const auto &series = w->trialHistory().series();
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].label, QStringLiteral("without lock"));
    ASSERT_EQ(series[0].finals.size(), 8u);
    ASSERT_EQ(series[1].finals.size(), 8u);
    EXPECT_EQ(series[1].wrong(100), 0) << "the lock keeps every balance right";
    EXPECT_GE(series[0].wrong(100), 4) << "without the lock the race goes wrong";
    TrialsChart *chart = w->trialsChart();
    EXPECT_EQ(
        chart->title(),
        QStringLiteral("Without a lock %1 of 8 trials wrong; with it 0 of 8").arg(series[0].wrong(100)));
    EXPECT_TRUE(consoleText(*w).contains(QStringLiteral("with lock: wrong in 0 of 8 trials")));

    // What is shown at the end: a whole trial, the first that went wrong without the lock, and its result.
    const TrialRun *shown = w->shownTrial();
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(w->timeline()->model()->laneCount(), 3u);
    const auto resultFinal = [&] {
        for (QTreeWidgetItemIterator it(w->findChild<ResultPanel *>()); *it; ++it)
            if ((*it)->text(0) == QStringLiteral("main's final value"))
                return (*it)->text(1).toLongLong();
        return std::numeric_limits<qint64>::min();
    };
    EXPECT_EQ(resultFinal(), core::mainFinal(shown->result)) << "the Result pane follows the trial shown";

    // Clicking the locked bar on the chart shows one of its trials: timeline, result and all.
    ASSERT_EQ(w->findChild<QTabWidget *>()->currentWidget(), chart) << "the histogram stays in front";
    const TrialsChartLayout &layout = chart->currentLayout();
    const auto bar = std::find_if(layout.bars.begin(), layout.bars.end(),
                                  [](const TrialBar &b) { return b.series == 1; });
    ASSERT_NE(bar, layout.bars.end());
    QTest::mouseClick(chart, Qt::LeftButton, {}, bar->rect.center().toPoint());
    ASSERT_NE(w->shownTrial(), shown);
    EXPECT_EQ(core::mainFinal(w->shownTrial()->result), 100);
    EXPECT_EQ(resultFinal(), 100);
    EXPECT_EQ(w->findChild<QTabWidget *>()->currentWidget(), w->timeline());
    EXPECT_NE(w->timeline()->model()->title().find("with lock: final 100"), std::string::npos)
        << w->timeline()->model()->title();
    EXPECT_FALSE(w->showTrial(1, 12345, 12345)) << "no bar there";

    // It exports like the timeline; the locked series' bar is drawn in its colour.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("trials.png"));
    QString error;
    ASSERT_TRUE(exportPicture(
        path, {kExportSizeWide, 1, QStringLiteral("trials"), Qt::white},
        [&](QPainter &p, const QRectF &r) { chart->paintTo(p, r); }, &error))
        << error.toStdString();
    const QImage image(path);
    ASSERT_EQ(image.size(), QSize(1920, 1080));
    int green = 0;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            green += image.pixelColor(x, y) == QColor(0x00, 0x9E, 0x73);
    EXPECT_GT(green, 100) << "the with-lock bar is on the slide";
}

TEST(MainWindow, StopEndsTrialsAtAnyTime)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    for (const auto &[name, value] : {std::pair{"trials", "500"}, {"kind", "process"}})
        ASSERT_TRUE(w->setParameter(QString::fromLatin1(name), QString::fromLatin1(value)));
    auto *progress = w->findChild<QProgressBar *>(QStringLiteral("trialProgress"));
    // Esc at once, before the first trial has ended, and then again after a few trials.
    for (const int after : {0, 3}) {
        ASSERT_TRUE(w->runScenario());
        ASSERT_TRUE(QTest::qWaitFor([&] { return progress->value() >= after; }, 20000));
        QElapsedTimer timer;
        timer.start();
        QTest::keyClick(w.get(), Qt::Key_Escape);
        ASSERT_TRUE(QTest::qWaitFor([&] { return !w->runningTrials(); }, 5000));
        EXPECT_LT(timer.elapsed(), 2000) << "the trial under way is cancelled, no other starts";
        const auto &series = w->trialHistory().series();
        EXPECT_LT(series[0].finals.size() + series[1].finals.size(), 20u);
        EXPECT_GE(series[0].finals.size() + series[1].finals.size(), static_cast<std::size_t>(after));
        EXPECT_TRUE(w->findChild<QPushButton *>(QStringLiteral("run"))->isEnabled())
            << "ready for the next run";
        EXPECT_FALSE(w->trialRunner().running());
    }
}

TEST(MainWindow, TheWindowAnswersWhileTrialsRun)
{
    // The trials run on their own thread: the event loop keeps turning while they do.
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("trials"), QStringLiteral("15")));
    ASSERT_TRUE(w->runScenario());
    QElapsedTimer timer;
    timer.start();
    qint64 longest = 0;
    qint64 last = 0;
    while (w->runningTrials() && timer.elapsed() < 30000) {
        QTest::qWait(5);
        longest = std::max(longest, timer.elapsed() - last);
        last = timer.elapsed();
    }
    EXPECT_FALSE(w->runningTrials());
    EXPECT_LT(longest, 250) << "the GUI thread was blocked for " << longest << " ms";
}

TEST(MainWindow, StopEndsARunAtOnce)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("sleep"), QStringLiteral("30")));
    ASSERT_TRUE(w->runScenario());
    QTest::qWait(200);
    QElapsedTimer timer;
    timer.start();
    QTest::keyClick(w.get(), Qt::Key_Escape);
    ASSERT_TRUE(waitUntilIdle(*w, 2000));
    EXPECT_LT(timer.elapsed(), 500);
    EXPECT_TRUE(w->controller().lastResult().cancelled);
}

namespace {

/// Runs sleepers with `kind` (and 4 short workers) to its end.
void runSleepers(MainWindow &w, const char *kind, const char *workers = "4")
{
    ASSERT_TRUE(w.setParameter(QStringLiteral("kind"), QString::fromLatin1(kind)));
    ASSERT_TRUE(w.setParameter(QStringLiteral("workers"), QString::fromLatin1(workers)));
    ASSERT_TRUE(w.runScenario());
    ASSERT_TRUE(waitUntilIdle(w));
}

/// Answers the next "which run should make room" question with the button naming `run` ("run 1 ·"), or
/// Cancel when `run` is empty; `asked` is set when the question came.
void answerDropQuestion(const QString &run, bool *asked)
{
    QTimer::singleShot(0, [run, asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        ASSERT_NE(box, nullptr) << "a fourth run asks which one to drop";
        *asked = true;
        for (QAbstractButton *button : box->buttons()) {
            if (run.isEmpty() ? box->buttonRole(button) == QMessageBox::RejectRole
                              : button->text().contains(run + QStringLiteral(" ·"))) {
                button->click();
                return;
            }
        }
        FAIL() << "no button for " << run.toStdString();
    });
}

} // namespace

TEST(MainWindow, ComparesUpToThreeRunsAndAsksWhichToDropForAFourth)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.05"));
    CompareView *compare = w->compareView();
    for (const char *kind : {"sequential", "thread", "process"})
        runSleepers(*w, kind);
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{1, 2, 3}))
        << "new runs are picked while there is room";
    const Comparison &shown = compare->comparison();
    ASSERT_EQ(shown.labels.size(), 3u);
    EXPECT_EQ(shown.labels[0], QStringLiteral("sequential"));
    EXPECT_EQ(shown.labels[2], QStringLiteral("processes"));
    // The ratio of the slowest run's wall time to the fastest's is in the headline.
    EXPECT_TRUE(shown.headline.contains(QStringLiteral("× faster than sequential")))
        << shown.headline.toStdString();

    // A fourth run is listed but not compared; ticking it asks which one makes room.
    runSleepers(*w, "process", "2");
    auto *list = compare->findChild<QListWidget *>(QStringLiteral("compareRuns"));
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->count(), 4);
    EXPECT_EQ(compare->pickedRuns().size(), 3u);
    QListWidgetItem *fourth = list->item(0); // newest first
    ASSERT_EQ(fourth->data(Qt::UserRole).toInt(), 4);
    EXPECT_EQ(fourth->checkState(), Qt::Unchecked);

    bool asked = false;
    answerDropQuestion(QString(), &asked); // Cancel keeps the three
    fourth->setCheckState(Qt::Checked);
    EXPECT_TRUE(asked);
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(list->item(0)->checkState(), Qt::Unchecked) << "the tick is taken back";

    asked = false;
    answerDropQuestion(QStringLiteral("run 2"), &asked);
    list->item(0)->setCheckState(Qt::Checked);
    EXPECT_TRUE(asked);
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{1, 4, 3})) << "run 4 takes run 2's place";
    EXPECT_EQ(compare->comparison().labels[1], QStringLiteral("processes, workers 2"));

    // Removing: untick one, or select it and press the button.
    list->item(3)->setCheckState(Qt::Unchecked); // run 1, the oldest
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{4, 3}));
    list->setCurrentItem(list->item(1)); // run 3
    auto *drop = compare->findChild<QPushButton *>(QStringLiteral("dropRun"));
    ASSERT_NE(drop, nullptr);
    QTest::mouseClick(drop, Qt::LeftButton);
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{4}));
    EXPECT_TRUE(compare->pickRun(2));
    EXPECT_EQ(compare->pickedRuns(), (std::vector<int>{4, 2}));

    // Each scenario keeps its own runs.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("no-join")));
    EXPECT_TRUE(compare->runs().empty());
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    EXPECT_EQ(compare->runs().size(), 4u);
}

TEST(MainWindow, TheComparisonFitsThreeRunsOnScreen)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.1"));
    for (const char *kind : {"sequential", "thread", "process"})
        runSleepers(*w, kind, "10");
    w->findChild<QTabWidget *>()->setCurrentWidget(w->compareView());
    QApplication::processEvents();
    ComparisonCanvas *canvas = w->compareView()->canvas();
    ASSERT_GT(canvas->height(), 300);
    const ComparisonLayout &layout = canvas->currentLayout();
    ASSERT_EQ(layout.bands.size(), 3u);
    EXPECT_TRUE(layout.complete) << "lanes at least " << ComparisonStyle::screen(Theme::light()).minLaneHeight
                                 << " px; got " << layout.laneHeight;
    for (const ComparisonBand &band : layout.bands) {
        std::string lanes; // what a failure shows: how far each band was folded
        for (const Lane &lane : band.model->lanes())
            lanes += lane.info.name + " [" + std::to_string(lane.startNs / 1'000'000) + "-"
                + std::to_string(lane.endNs / 1'000'000) + " ms], ";
        SCOPED_TRACE(lanes);
        EXPECT_EQ(band.timeline.visibleRows, static_cast<int>(band.timeline.rows.size()));
        EXPECT_LE(band.rect.bottom(), canvas->height() + 0.5) << "no scrolling needed";
        EXPECT_DOUBLE_EQ(band.timeline.timeToX(1'000'000), layout.bands[0].timeline.timeToX(1'000'000));
    }

    // The export is a slide of the same comparison.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("compare.png"));
    QString error;
    ASSERT_TRUE(exportComparison(path, w->compareView()->comparison(), kExportSizeWide, 1, false, &error))
        << error.toStdString();
    EXPECT_EQ(QImage(path).size(), kExportSizeWide);
}

TEST(MainWindow, ReplaysTheLastRunThroughTheTimelineAndConsole)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("square-cube")));
    w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.004"));
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(waitUntilIdle(*w));
    const std::size_t events = w->controller().lastEvents().size();
    ASSERT_GT(events, 10u);

    // Step mode: one instant at a time.
    w->replay().rewind();
    w->replay().step();
    EXPECT_EQ(w->replay().model().eventCount(), 1u) << "main's start alone";
    // Playing at 1x reaches the end in about the run's own time and refills the console.
    w->startReplay(1.0);
    EXPECT_EQ(w->timeline()->model(), &w->replay().model());
    ASSERT_TRUE(QTest::qWaitFor([&] { return w->replay().atEnd(); }, 5000));
    EXPECT_EQ(w->replay().model().eventCount(), events);
    EXPECT_TRUE(consoleText(*w).contains(QStringLiteral("cube of 5 is 125")));
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication::setOrganizationName(QStringLiteral("ForkscopeTests"));
    // Each test process keeps its settings (recent files, parameters, layout) in a folder of its own: ctest
    // runs two at once, and one test's QSettings().clear() must not empty another's recent files.
    QTemporaryDir settings;
    if (!settings.isValid())
        return 1;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

TEST(MainWindow, TheProcessesPanelListsTheRunsWorkers)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("process-table")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.2")));
    auto *panel = w->findChild<ProcessPanel *>();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(w->runScenario());
    // While the workers sleep (1 s) the panel lists them, live, as sleeping children of main.
    const auto nameRow = [&](const QString &name) {
        for (int r = 0; r < panel->rowCount(); ++r)
            if (panel->item(r, 2) && panel->item(r, 2)->text() == name)
                return r;
        return -1;
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return nameRow(QStringLiteral("raise-to-3")) >= 0; }, 5000));
    EXPECT_TRUE(panel->following());
    const int row = nameRow(QStringLiteral("raise-to-3"));
    EXPECT_EQ(panel->item(row, 1)->text(), QString::number(w->controller().runnerPid()))
        << "main is its parent";
    ASSERT_TRUE(waitUntilIdle(*w));
    EXPECT_FALSE(panel->following());
    for (const char *name : {"raise-to-2", "raise-to-3"}) {
        const int r = nameRow(QString::fromLatin1(name));
        ASSERT_GE(r, 0) << name;
        EXPECT_EQ(panel->item(r, 3)->text(), QStringLiteral("exited")) << name << ": gone after the run";
    }
}

TEST(MainWindow, GilLabRunsEveryModeAndFillsTheChart)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("cpu-vs-io")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("tasks"), QStringLiteral("2")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("seconds"), QStringLiteral("0.2")));
    GilLabView *lab = w->gilLab();
    int progress = 0;
    QObject::connect(lab, &GilLabView::progressed, lab, [&](int done, int) { progress = done; });
    ASSERT_TRUE(lab->start());
    EXPECT_TRUE(lab->running());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !lab->running(); }, 30000));
    EXPECT_EQ(progress, 8) << "the chart filled run by run";
    ASSERT_EQ(lab->table().size(), 8u);
    // The window's parameters were used: two tasks of 0.2 s waiting one after the other take about 0.4 s.
    EXPECT_NEAR(lab->chart()->wallSeconds(QStringLiteral("io"), QStringLiteral("sequential")), 0.4, 0.15);
    EXPECT_GT(lab->chart()->speedup(QStringLiteral("io"), QStringLiteral("gil-threads")), 1.5);
    EXPECT_GT(lab->chart()->wallSeconds(QStringLiteral("cpu"), QStringLiteral("gil-threads")), 0);
}

TEST(MainWindow, GilLabCancelStopsTheRunUnderWay)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("cpu-vs-io")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("seconds"), QStringLiteral("5")));
    GilLabView *lab = w->gilLab();
    bool cancelled = false;
    QObject::connect(lab, &GilLabView::finished, lab, [&](bool c) { cancelled = c; });
    ASSERT_TRUE(lab->start());
    QTest::qWait(100);
    QElapsedTimer timer;
    timer.start();
    lab->cancel();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !lab->running(); }, 5000));
    EXPECT_LT(timer.elapsed(), 1000) << "a cancel ends the run under way at once";
    EXPECT_TRUE(cancelled);
    EXPECT_TRUE(lab->table().empty()) << "the first (20 s sequential) run never finished";
}

TEST(MainWindow, TheFocusTabShowsThePipeAsASequenceAndSaysWhenARunHasNone)
{
    auto w = freshWindow();
    auto *tabs = w->findChild<QTabWidget *>();
    ASSERT_NE(tabs, nullptr);
    const int focusTab = tabs->indexOf(w->focusView());
    ASSERT_GE(focusTab, 0);
    EXPECT_EQ(tabs->tabText(focusTab), QStringLiteral("Focus"));

    ASSERT_TRUE(w->selectScenario(QStringLiteral("pipe")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.05")));
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(waitUntilIdle(*w));
    QApplication::processEvents();
    EXPECT_EQ(w->focusView()->kind(), FocusKind::Sequence);
    EXPECT_EQ(tabs->tabText(focusTab), QStringLiteral("Focus: pipe"));
    // Shown, the tab paints the sequence diagram: the pipe's arrows in their colour.
    tabs->setCurrentIndex(focusTab);
    QApplication::processEvents();
    // The run's end is put away off the GUI thread: the diagram of the whole run may come a few turns later.
    // How many pixels the arrows cover depends on when each message was read (a late read draws a steeper,
    // longer arrow): 203-457 in quarter samples over 14 runs, some under load. None before the diagram comes.
    const QColor arrow = Theme::light().pipeMessage;
    int arrowPixels = 0;
    for (int tries = 0; tries < 60 && arrowPixels <= 60; ++tries) {
        if (tries > 0)
            QTest::qWait(50);
        const QImage image = w->focusView()->grab().toImage();
        arrowPixels = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                arrowPixels += image.pixelColor(x, y) == arrow;
    }
    EXPECT_GT(arrowPixels, 60);

    // A run with nothing to focus on empties the tab and its title says so.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.01")));
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(waitUntilIdle(*w));
    QApplication::processEvents();
    EXPECT_EQ(w->focusView()->kind(), FocusKind::Timeline);
    EXPECT_EQ(tabs->tabText(focusTab), QStringLiteral("Focus"));
}
