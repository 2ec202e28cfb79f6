// View > Next Lost Update in the real window, on the platform the tests run on: a bank run without the lock
// loses updates, and the action zooms to each in turn so both workers' read, think and write are wide.

#include "ui/main_window.hpp"
#include "ui/timeline_widget.hpp"

#include <QAction>
#include <QApplication>
#include <QSettings>
#include <QStatusBar>
#include <QTest>
#include <gtest/gtest.h>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

std::unique_ptr<MainWindow> bankWindow(const char *lock)
{
    QSettings().clear();
    auto w = std::make_unique<MainWindow>();
    w->resize(1400, 900);
    w->show();
    w->activateWindow();
    EXPECT_TRUE(QTest::qWaitForWindowActive(w.get())) << "shortcuts need an active window";
    EXPECT_TRUE(w->selectScenario(QStringLiteral("bank")));
    // One run whose 10 ms think time makes the two workers' updates overlap again and again.
    for (const auto &[name, value] :
         {std::pair{"trials", "1"}, {"updates", "20"}, {"think", "0.01"}, {"sleep", "0.002"}, {"lock", lock}})
        EXPECT_TRUE(w->setParameter(QString::fromLatin1(name), QString::fromLatin1(value))) << name;
    EXPECT_TRUE(w->runScenario());
    EXPECT_TRUE(QTest::qWaitFor([&] { return !w->runningTrials(); }, 20000));
    return w;
}

QAction *nextLostAction(MainWindow &w)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->text().remove(QLatin1Char('&')) == QStringLiteral("Next Lost Update"))
            return a;
    return nullptr;
}

} // namespace

TEST(MainWindowLostUpdate, NextLostUpdateZoomsToBothWorkersPairs)
{
    auto w = bankWindow("off");
    QAction *action = nextLostAction(*w);
    ASSERT_NE(action, nullptr) << "in the View menu";
    EXPECT_EQ(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+L")));
    EXPECT_FALSE(action->toolTip().isEmpty());

    TimelineWidget *timeline = w->timeline();
    const TimelineModel *model = timeline->model();
    ASSERT_NE(model, nullptr);
    ASSERT_GE(model->lostUpdates().size(), 2u) << "20 updates each with 10 ms between read and write";
    const std::int64_t wholeRun = timeline->window().span();

    for (std::size_t n = 0; n < 2; ++n) {
        QTest::keyClick(w.get(), Qt::Key_L, Qt::ControlModifier);
        QApplication::processEvents();
        const LostUpdateMark &mark = model->lostUpdates()[n];
        // The view holds both pairs: from the first of the two reads to the last of the two writes ...
        const TimeWindow view = timeline->window();
        EXPECT_LT(view.beginNs, mark.beginNs()) << n;
        EXPECT_GT(view.endNs, mark.endNs()) << n;
        // (Two interleaved pairs span at most two think times, the run 20 updates' worth: a quarter is
        // safe even when a loaded machine stretches the think times.)
        EXPECT_LT(view.span() * 4, wholeRun) << n << ": zoomed in from the whole run";
        // ... narrow enough that the two pairs fill most of it and each is drawn in full, its values
        // readable (the think times of real workers differ, so one pair may be shorter than the other).
        const TimelineLayout layout = timeline->currentLayout();
        EXPECT_GT(static_cast<double>(mark.endNs() - mark.beginNs()), 0.6 * static_cast<double>(view.span()))
            << n;
        const double lostWidth = layout.timeToX(mark.lost.atNs) - layout.timeToX(mark.lost.readNs);
        EXPECT_GT(lostWidth, 60) << n;
        ASSERT_TRUE(mark.overwritten());
        const double byWidth
            = layout.timeToX(mark.lost.overwrittenAtNs) - layout.timeToX(mark.overwriterReadNs);
        EXPECT_GT(byWidth, 60) << n;
        for (const std::uint32_t lane : {mark.lost.lane, mark.lost.overwrittenBy}) {
            const int row = layout.laneRow[lane];
            EXPECT_TRUE(row >= layout.firstRow && row < layout.firstRow + layout.visibleRows) << lane;
        }
        // The status bar says which it is, in words.
        const QString status = w->statusBar()->currentMessage();
        EXPECT_TRUE(status.startsWith(
            QStringLiteral("Lost update %1 of %2").arg(n + 1).arg(model->lostUpdates().size())))
            << status.toStdString();
        // And it is drawn: the lost write crossed out in the crash colour, in the lost worker's row.
        const QImage image = timeline->grab().toImage();
        const QColor crash = timeline->paintOptions().theme.crash;
        const int x = static_cast<int>(layout.timeToX(mark.lost.atNs));
        const int y = static_cast<int>(layout.laneCenterY(mark.lost.lane));
        int crossed = 0;
        for (int dx = -6; dx <= 6; ++dx)
            for (int dy = -6; dy <= 6; ++dy)
                crossed += image.pixelColor(x + dx, y + dy) == crash;
        EXPECT_GT(crossed, 10) << n;
    }
}

TEST(MainWindowLostUpdate, SaysSoWhenThereIsNone)
{
    auto w = bankWindow("on");
    ASSERT_TRUE(w->timeline()->model()->lostUpdates().empty()) << "the lock keeps every update";
    const TimeWindow before = w->timeline()->window();
    QTest::keyClick(w.get(), Qt::Key_L, Qt::ControlModifier);
    EXPECT_TRUE(w->statusBar()->currentMessage().startsWith(QStringLiteral("No lost update")))
        << w->statusBar()->currentMessage().toStdString();
    EXPECT_EQ(w->timeline()->window(), before) << "the view stays where it was";
}
