// TrialRunner on its own, with real runs of the bank: both series side by side, every trial counted and
// handed over whole.

#include "core/analysis/trials.hpp"
#include "core/scenario/scenarios.hpp"
#include "ui/trial_runner.hpp"

#include <QElapsedTimer>
#include <QTest>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

std::vector<core::TrialSeriesPlan> bankSeries(const char *kind, int trials)
{
    const core::Scenario *bank = core::findScenario("bank");
    std::vector<core::TrialSeriesPlan> series;
    std::string error;
    EXPECT_NE(bank, nullptr);
    if (bank) {
        EXPECT_TRUE(
            core::histogramSeries(*bank, {{"kind", kind}, {"trials", std::to_string(trials)}}, series, error))
            << error;
    }
    return series;
}

} // namespace

TEST(TrialRunner, RunsBothSeriesSideBySideAndHandsOverEveryTrialWhole)
{
    constexpr int kTrials = 10;
    TrialRunner runner;
    std::vector<FinishedTrial> arrived;
    bool done = false;
    bool stopped = true;
    QString error = QStringLiteral("not finished");
    qint64 elapsedNs = 0;
    QObject::connect(&runner, &TrialRunner::trialFinished,
                     [&](const FinishedTrial &t) { arrived.push_back(t); });
    QObject::connect(&runner, &TrialRunner::finished, [&](bool s, const QString &e, qint64 ns) {
        done = true;
        stopped = s;
        error = e;
        elapsedNs = ns;
    });
    ASSERT_TRUE(runner.start(bankSeries("thread", kTrials)));
    EXPECT_TRUE(runner.running());
    EXPECT_FALSE(runner.start(bankSeries("thread", kTrials))) << "one batch at a time";
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 60000));
    EXPECT_FALSE(runner.running());
    EXPECT_FALSE(stopped);
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_GT(elapsedNs, 0);

    ASSERT_EQ(arrived.size(), 2u * kTrials);
    int next[2] = {1, 1};
    std::size_t firstLocked = arrived.size();
    std::size_t lastUnlocked = 0;
    for (std::size_t i = 0; i < arrived.size(); ++i) {
        const FinishedTrial &t = arrived[i];
        ASSERT_TRUE(t.series == 0 || t.series == 1) << t.series;
        EXPECT_EQ(t.record.trial, next[t.series]++) << "each series' trials arrive in order, none twice";
        EXPECT_TRUE(t.record.counted);
        ASSERT_NE(t.run, nullptr);
        EXPECT_EQ(core::mainFinal(t.run->result), t.record.final) << "the run handed over is the one counted";
        EXPECT_EQ(t.run->result.lanes.size(), 3u) << "main and two tellers";
        EXPECT_FALSE(t.run->events.empty());
        if (t.record.wrong) {
            EXPECT_GT(t.lostUpdates, 0) << "a wrong balance comes from lost updates";
        }
        if (t.series == 1) {
            EXPECT_EQ(t.record.final, 100) << "with the lock, trial " << t.record.trial;
            EXPECT_EQ(t.lostUpdates, 0);
            firstLocked = std::min(firstLocked, i);
        } else {
            lastUnlocked = i;
        }
    }
    EXPECT_LT(firstLocked, lastUnlocked)
        << "the series run side by side: a locked trial ends before the last unlocked one";
}

TEST(TrialRunner, StopCancelsBothSeriesAtOnce)
{
    TrialRunner runner;
    int arrived = 0;
    bool done = false;
    bool stopped = false;
    QObject::connect(&runner, &TrialRunner::trialFinished, [&](const FinishedTrial &) { ++arrived; });
    QObject::connect(&runner, &TrialRunner::finished, [&](bool s, const QString &, qint64) {
        done = true;
        stopped = s;
    });
    ASSERT_TRUE(runner.start(bankSeries("process", 500)));
    ASSERT_TRUE(QTest::qWaitFor([&] { return arrived >= 2; }, 20000));
    QElapsedTimer timer;
    timer.start();
    runner.stop();
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 5000));
    EXPECT_LT(timer.elapsed(), 2000) << "the runs under way are cancelled, no other starts";
    EXPECT_TRUE(stopped);
    EXPECT_LT(arrived, 100);
    const int atStop = arrived;
    QTest::qWait(100);
    EXPECT_EQ(arrived, atStop) << "nothing arrives after finished()";
    EXPECT_TRUE(runner.start(bankSeries("thread", 2))) << "ready for the next batch";
    ASSERT_TRUE(QTest::qWaitFor([&] { return !runner.running(); }, 20000));
    EXPECT_EQ(arrived, atStop + 4);
}
