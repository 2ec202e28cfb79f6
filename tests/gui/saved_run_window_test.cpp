// File > Save Run and Open Run: a run saved from one window and opened in another shows the very same
// timeline, headline, result, trials chart and GIL lab, says it is a saved run, and a bad file changes
// nothing.
#include "core/saved_run/saved_run.hpp"
#include "core/scenario/scenarios.hpp"
#include "ui/console_pane.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/main_window.hpp"
#include "ui/result_panel.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QMenuBar>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTreeWidgetItemIterator>
#include <gtest/gtest.h>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

std::unique_ptr<MainWindow> freshWindow()
{
    QSettings().clear();
    auto w = std::make_unique<MainWindow>();
    w->resize(1400, 900);
    w->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(w.get()));
    return w;
}

/// What a widget shows, pixel by pixel; a picture with something drawn on it (not one colour all over).
QImage picture(QWidget *widget)
{
    QApplication::processEvents();
    QImage image = widget->grab().toImage().convertToFormat(QImage::Format_RGB32);
    int drawn = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            drawn += image.pixel(x, y) != image.pixel(0, 0);
    EXPECT_GT(drawn, 2000) << "the widget shows something";
    return image;
}

/// Every row of the Result pane: "name = value".
QStringList resultRows(MainWindow &w)
{
    QStringList rows;
    for (QTreeWidgetItemIterator it(w.findChild<ResultPanel *>()); *it; ++it)
        rows << (*it)->text(0) + QStringLiteral(" = ") + (*it)->text(1);
    return rows;
}

QString consoleText(MainWindow &w) { return w.findChild<ConsolePane *>()->toPlainText(); }

QAction *fileAction(MainWindow &w, const QString &text)
{
    for (QAction *menu : w.menuBar()->actions())
        if (menu->menu() && menu->text() == QStringLiteral("&File"))
            for (QAction *a : menu->menu()->actions())
                if (a->text() == text)
                    return a;
    return nullptr;
}

/// File > Open Run without its dialog, waiting until the window shows the run (or says why it does not):
/// false with `error` then.
bool open(MainWindow &w, const QString &path, QString *error)
{
    bool done = false;
    QString why;
    const auto said
        = QObject::connect(&w, &MainWindow::runOpened, &w, [&](const QString &, const QString &e) {
              done = true;
              why = e;
          });
    const bool started = w.openRun(path, &why);
    const bool ended = started && QTest::qWaitFor([&] { return done; }, 60000);
    QObject::disconnect(said);
    if (started && !ended)
        why = QStringLiteral("not opened within 60 s");
    if (error)
        *error = why;
    EXPECT_FALSE(w.openingRun());
    return ended && why.isEmpty();
}

} // namespace

TEST(SavedRunWindow, ARunSavedAndOpenedInAnotherWindowLooksTheSameAndSaysItIsSaved)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sleepers.fsrun"));
    auto a = freshWindow();
    QString error;
    EXPECT_FALSE(a->saveRun(path, &error)) << "nothing has run yet";
    EXPECT_TRUE(error.contains(QStringLiteral("nothing has run yet"))) << error.toStdString();
    EXPECT_FALSE(QFile::exists(path));
    QAction *save = fileAction(*a, QStringLiteral("Save Ru&n..."));
    ASSERT_NE(save, nullptr);
    EXPECT_EQ(save->shortcut(), QKeySequence(QStringLiteral("Ctrl+Alt+S")));
    ASSERT_NE(fileAction(*a, QStringLiteral("Open R&un...")), nullptr);

    ASSERT_TRUE(a->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(a->setParameter(QStringLiteral("kind"), QStringLiteral("process")));
    ASSERT_TRUE(a->setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    ASSERT_TRUE(a->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.02")));
    ASSERT_TRUE(a->runScenario());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !a->runningTrials() && !a->controller().running(); }, 15000));
    a->timeline()->fitAll();
    ASSERT_TRUE(a->saveRun(path, &error)) << error.toStdString();
    ASSERT_TRUE(QFile::exists(path));

    auto b = freshWindow();
    ASSERT_TRUE(b->selectScenario(QStringLiteral("bank"))); // elsewhere, until the run is opened
    ASSERT_TRUE(open(*b, path, &error)) << error.toStdString();
    EXPECT_EQ(b->savedRunFile(), path);
    EXPECT_TRUE(b->windowTitle().contains(QStringLiteral("saved run sleepers.fsrun, ran ")))
        << b->windowTitle().toStdString();
    EXPECT_EQ(b->scenarioId(), QStringLiteral("sleepers"));
    // The same timeline, headline and lane results, pixel for pixel, the same result and printed lines.
    EXPECT_EQ(b->timeline()->paintOptions().headline, a->timeline()->paintOptions().headline);
    EXPECT_FALSE(b->timeline()->paintOptions().headline.isEmpty());
    EXPECT_EQ(b->timeline()->model()->laneCount(), 4u);
    EXPECT_TRUE(picture(b->timeline()) == picture(a->timeline())) << "the opened run's timeline is the run's";
    EXPECT_EQ(resultRows(*b), resultRows(*a));
    EXPECT_EQ(consoleText(*b).count(QStringLiteral("woke up, bye")), 3) << consoleText(*b).toStdString();
    EXPECT_EQ(consoleText(*a).count(QStringLiteral("woke up, bye")), 3);

    // Saved again from the window that shows it: the same run.
    const QString again = dir.filePath(QStringLiteral("again.fsrun"));
    ASSERT_TRUE(b->saveRun(again, &error)) << error.toStdString();
    core::SavedRun first;
    core::SavedRun second;
    ASSERT_EQ(core::loadRun(path.toStdString(), first), "");
    ASSERT_EQ(core::loadRun(again.toStdString(), second), "");
    EXPECT_EQ(second.eventCount(), first.eventCount());
    EXPECT_EQ(second.ranAt, first.ranAt);

    // A window closed while it opens a saved run says so, and its opening ends with it (nothing is shown on a
    // window that is gone).
    {
        auto c = freshWindow();
        QString why;
        QObject::connect(c.get(), &MainWindow::runOpened, c.get(),
                         [&](const QString &, const QString &e) { why = e; });
        ASSERT_TRUE(c->openRun(path, &error)) << error.toStdString();
        EXPECT_TRUE(c->openingRun());
        EXPECT_TRUE(c->close());
        EXPECT_FALSE(c->openingRun());
        EXPECT_TRUE(why.contains(QStringLiteral("closed"))) << why.toStdString();
        c.reset();
        QTest::qWait(200); // the pool's work ends; its continuation had the window as context
    }

    // A new run leaves the saved run behind.
    ASSERT_TRUE(b->runScenario());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !b->runningTrials() && !b->controller().running(); }, 15000));
    EXPECT_EQ(b->savedRunFile(), QString());
    EXPECT_FALSE(b->windowTitle().contains(QStringLiteral("saved run")));
}

TEST(SavedRunWindow, TrialsComeBackWithTheirChartAndTheTrialsBehindItsBars)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bank.fsrun"));
    auto a = freshWindow();
    ASSERT_TRUE(a->selectScenario(QStringLiteral("bank")));
    for (const auto &[name, value] : {std::pair{"trials", "4"}, {"kind", "thread"}, {"time-scale", "0.05"}})
        ASSERT_TRUE(a->setParameter(QString::fromLatin1(name), QString::fromLatin1(value)));
    ASSERT_TRUE(a->runScenario());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !a->runningTrials(); }, 60000));
    ASSERT_NE(a->shownTrial(), nullptr);
    QString error;
    ASSERT_TRUE(a->saveRun(path, &error)) << error.toStdString();

    auto b = freshWindow();
    ASSERT_TRUE(open(*b, path, &error)) << error.toStdString();
    auto *views = b->findChild<QTabWidget *>();
    EXPECT_EQ(views->currentWidget(), b->trialsChart()) << "as a batch ends: its chart in front";
    ASSERT_EQ(b->trialHistory().series().size(), 2u);
    for (std::size_t s = 0; s < 2; ++s)
        EXPECT_EQ(b->trialHistory().series()[s].finals, a->trialHistory().series()[s].finals);
    EXPECT_EQ(b->trialsChart()->title(), a->trialsChart()->title());
    EXPECT_TRUE(picture(b->trialsChart()) == picture(a->trialsChart())) << "the same histogram";
    EXPECT_EQ(b->trialHistory().keptCount(), a->trialHistory().keptCount()) << "every bar keeps its trial";
    ASSERT_NE(b->shownTrial(), nullptr);
    EXPECT_EQ(core::mainFinal(b->shownTrial()->result), core::mainFinal(a->shownTrial()->result));
    EXPECT_EQ(b->shownTrial()->events.size(), a->shownTrial()->events.size());
    EXPECT_EQ(b->timeline()->paintOptions().headline, a->timeline()->paintOptions().headline);
    EXPECT_EQ(b->timeline()->paintOptions().caption, a->timeline()->paintOptions().caption);
    EXPECT_EQ(b->timeline()->model()->title(), a->timeline()->model()->title());
    EXPECT_EQ(resultRows(*b), resultRows(*a));
    EXPECT_TRUE(consoleText(*b).contains(QStringLiteral("with lock: wrong in 0 of 4 trials (expected 100)")))
        << consoleText(*b).toStdString();
    views->setCurrentWidget(b->timeline());
    a->findChild<QTabWidget *>()->setCurrentWidget(a->timeline());
    a->timeline()->fitAll();
    b->timeline()->fitAll();
    EXPECT_TRUE(picture(b->timeline()) == picture(a->timeline()));
    // A bar of the opened chart shows its trial, as in the window that ran them.
    const auto &with = b->trialHistory().series()[1];
    ASSERT_FALSE(with.finals.empty());
    EXPECT_TRUE(b->showTrial(1, with.finals.front(), with.finals.front()));
}

TEST(SavedRunWindow, ASavedGilLabOpensInItsTabAndSavesAgain)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lab.fsrun"));
    // A lab saved by the command line's format, with a table of its own, opens in the lab's tab.
    core::SavedRun lab;
    lab.kind = core::SavedRun::Kind::GilLab;
    lab.scenarioId = "cpu-vs-io";
    lab.scenarioBuiltin = true;
    lab.ranAt = 1714650000;
    core::ParamSet values;
    std::string problem;
    ASSERT_TRUE(core::buildPlan(*core::findScenario("cpu-vs-io"), {}, lab.plan, values, problem)) << problem;
    lab.lab = {"GIL lab (cpu-vs-io)", 4, 2, {}, "machine while it ran: others used 3 % of 2 core(s)"};
    std::int64_t wall = 400'000'000;
    for (const char *work : core::kLabWorks)
        for (const char *mode : core::kLabModes)
            lab.lab.table.push_back({work, mode, wall -= 30'000'000});
    ASSERT_EQ(core::saveRun(lab, path.toStdString()), "");
    auto w = freshWindow();
    QString error;
    ASSERT_TRUE(open(*w, path, &error)) << error.toStdString();
    EXPECT_EQ(w->findChild<QTabWidget *>()->currentWidget(), w->gilLab());
    ASSERT_EQ(w->gilLab()->table().size(), 8u);
    EXPECT_EQ(w->gilLab()->table()[3].wallNs, lab.lab.table[3].wallNs);
    EXPECT_EQ(w->gilLab()->chartNote().toStdString(), lab.lab.loadNote);
    // Saved from the lab's tab, it is the same table.
    const QString again = dir.filePath(QStringLiteral("again.fsrun"));
    ASSERT_TRUE(w->saveRun(again, &error)) << error.toStdString();
    core::SavedRun back;
    ASSERT_EQ(core::loadRun(again.toStdString(), back), "");
    EXPECT_EQ(back.kind, core::SavedRun::Kind::GilLab);
    ASSERT_EQ(back.lab.table.size(), 8u);
    EXPECT_EQ(back.lab.table[7].wallNs, lab.lab.table[7].wallNs);
    EXPECT_EQ(back.lab.cores, 2);
}

TEST(SavedRunWindow, ABadFileChangesNothingAndSaysWhy)
{
    QTemporaryDir dir;
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("2")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.01")));
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(QTest::qWaitFor([&] { return !w->runningTrials() && !w->controller().running(); }, 15000));
    const QString good = dir.filePath(QStringLiteral("good.fsrun"));
    QString error;
    ASSERT_TRUE(w->saveRun(good, &error)) << error.toStdString();
    QFile in(good);
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    QByteArray bytes = in.readAll();
    bytes[bytes.size() - 3] = static_cast<char>(bytes[bytes.size() - 3] ^ 0x40);
    const QString bad = dir.filePath(QStringLiteral("bad.fsrun"));
    QFile out(bad);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();

    const TimelineModel *before = w->timeline()->model();
    const QString title = w->windowTitle();
    EXPECT_FALSE(open(*w, bad, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("is damaged"))) << error.toStdString();
    EXPECT_EQ(w->timeline()->model(), before) << "nothing of a bad file is shown";
    EXPECT_EQ(w->windowTitle(), title);
    EXPECT_EQ(w->savedRunFile(), QString());
    EXPECT_FALSE(open(*w, dir.filePath(QStringLiteral("none.fsrun")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("cannot open"))) << error.toStdString();
}
