// The window says which worker a running run waits for, and for how long, from /proc: a stopped one stands
// out in the status bar until the run goes on or is stopped.
#include "tests/support/proc_files.hpp"
#include "ui/main_window.hpp"

#include <QLabel>
#include <QSettings>
#include <QTest>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <vector>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

using forkscope::test::childrenOf;

} // namespace

TEST(WaitingWindow, TheStatusBarNamesTheWorkerTheRunWaitsForAndAStoppedOneStandsOut)
{
    QSettings().clear();
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    ASSERT_TRUE(w.selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w.setParameter(QStringLiteral("kind"), QStringLiteral("process")));
    ASSERT_TRUE(w.setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    ASSERT_TRUE(w.setParameter(QStringLiteral("sleep"), QStringLiteral("30")));
    ASSERT_TRUE(w.runScenario());
    const int runner = w.controller().runnerPid();
    ASSERT_GT(runner, 0);
    std::vector<int> workers;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (workers = childrenOf(runner)).size() == 3; }, 10000));
    auto *state = w.findChild<QLabel *>(QStringLiteral("runState"));
    ASSERT_NE(state, nullptr);
    // Main joins the first worker, asleep: said once it has waited a second.
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return state->text().contains(QStringLiteral("waiting for worker 1 'worker 1' (pid ")); },
        8000))
        << state->text().toStdString();
    EXPECT_TRUE(state->text().endsWith(QStringLiteral("— sleeping"))) << state->text().toStdString();
    EXPECT_TRUE(state->styleSheet().isEmpty()) << "a sleeping worker is no alarm";
    // Stopped: the third worker comes first, with how to resume it.
    const int stopped = workers.back();
    ASSERT_EQ(kill(stopped, SIGSTOP), 0);
    const QString pid = QString::number(stopped);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return state->text().contains(QStringLiteral("(pid %1) for ").arg(pid)); }, 8000))
        << state->text().toStdString();
    EXPECT_TRUE(state->text().contains(QStringLiteral("— stopped (kill -CONT %1 resumes it").arg(pid)))
        << state->text().toStdString();
    EXPECT_FALSE(state->styleSheet().isEmpty()) << "a stopped worker stands out";
    // Resumed, it is no longer named; stopped, the run ends and the label says so, plainly.
    ASSERT_EQ(kill(stopped, SIGCONT), 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !state->text().contains(pid); }, 5000))
        << state->text().toStdString();
    QTest::keyClick(&w, Qt::Key_Escape);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !w.runningTrials() && !w.controller().running(); }, 5000));
    EXPECT_EQ(state->text(), QStringLiteral("Stopped"));
    EXPECT_TRUE(state->styleSheet().isEmpty());
}
