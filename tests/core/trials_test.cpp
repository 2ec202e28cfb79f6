// The trial loop shared by the command line and the window: real runs of small plans, driven as the
// command line drives them (one after another), plus the bookkeeping rules on their own.

#include "test_support.hpp"

#include "core/analysis/trials.hpp"
#include "core/scenario/scenarios.hpp"

#include <gtest/gtest.h>

using namespace forkscope;
using core::StepOp;

namespace {

/// A plan whose main ends with `value`: it sets r, stores it in a global and reads it back.
core::Plan planEndingWith(std::int64_t value)
{
    core::Plan plan;
    plan.scenario = "trials-test";
    plan.kind = "thread";
    plan.variables = {{"v", false, 0, 1}};
    plan.main = {{StepOp::Set, {}, 0, value}, {StepOp::Write, "v", 0, 0}, {StepOp::Read, "v", 0, 0}};
    return plan;
}

/// Runs the loop to its end, one real run after another; returns what each run counted for.
std::vector<core::TrialRecord> runAll(core::TrialLoop &loop)
{
    std::vector<core::TrialRecord> records;
    while (loop.hasNext()) {
        loop.startNext();
        records.push_back(loop.record(test::runToEnd(loop.plan())));
    }
    return records;
}

/// A finished run whose main read `final` last.
core::RunResult resultEndingWith(std::int64_t final)
{
    core::RunResult r;
    r.lanes.resize(1);
    r.lanes[0].read = {1, final};
    return r;
}

} // namespace

TEST(TrialLoop, RunsEveryTrialAndCountsTheWrongOnes)
{
    core::TrialLoop loop(planEndingWith(7), 3, 5);
    const auto records = runAll(loop);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_TRUE(loop.done());
    EXPECT_EQ(loop.started(), 3);
    EXPECT_EQ(loop.outcomes().finals, (std::vector<std::int64_t>{7, 7, 7}));
    EXPECT_EQ(loop.outcomes().expected, 5);
    EXPECT_EQ(loop.outcomes().wrong(), 3);
    EXPECT_EQ(loop.firstWrongTrial(), 1);
    for (std::size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ(records[i].trial, static_cast<int>(i) + 1);
        EXPECT_TRUE(records[i].counted);
        EXPECT_TRUE(records[i].wrong);
        EXPECT_EQ(records[i].show, i == 0) << "the first wrong trial stays the one shown";
    }
}

TEST(TrialLoop, TheLockedBankIsRightInEveryTrial)
{
    const core::Scenario *bank = core::findScenario("bank");
    ASSERT_NE(bank, nullptr);
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    ASSERT_TRUE(core::buildPlan(*bank,
                                {{"lock", "on"},
                                 {"trials", "3"},
                                 {"updates", "20"},
                                 {"sleep", "0"},
                                 {"think", "0"},
                                 {"kind", "thread"}},
                                plan, values, error))
        << error;
    core::TrialLoop loop = core::TrialLoop::forScenario(*bank, values, plan);
    EXPECT_EQ(loop.count(), 3);
    EXPECT_TRUE(loop.hasExpected());
    runAll(loop);
    EXPECT_EQ(loop.outcomes().finals, (std::vector<std::int64_t>{100, 100, 100}));
    EXPECT_EQ(loop.outcomes().wrong(), 0);
    EXPECT_EQ(loop.firstWrongTrial(), 0);
}

TEST(TrialLoop, OneRunIsNotATrial)
{
    core::TrialLoop loop(planEndingWith(7), 1, 5);
    EXPECT_FALSE(loop.repeated());
    const auto records = runAll(loop);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(records[0].counted);
    EXPECT_TRUE(loop.outcomes().finals.empty());
    EXPECT_TRUE(loop.done());
}

TEST(TrialLoop, ACancelledTrialEndsTheLoopUncounted)
{
    core::Plan plan = planEndingWith(7);
    plan.main.insert(plan.main.begin(), test::sleepStep(30));
    core::TrialLoop loop(plan, 5, 7);
    ASSERT_TRUE(loop.hasNext());
    loop.startNext();
    std::string error;
    auto run = core::Run::start(loop.plan(), error);
    ASSERT_TRUE(run) << error;
    run->cancel();
    run->wait();
    const core::TrialRecord record = loop.record(run->result());
    EXPECT_FALSE(record.counted);
    EXPECT_FALSE(loop.hasNext()) << "no trial starts after a cancelled one";
    EXPECT_TRUE(loop.done());
    EXPECT_EQ(loop.started(), 1);
    EXPECT_TRUE(loop.outcomes().finals.empty());
}

TEST(TrialLoop, StopLetsTheTrialUnderWayBeCounted)
{
    core::TrialLoop loop(planEndingWith(5), 4, 5);
    loop.startNext();
    EXPECT_FALSE(loop.hasNext()) << "one run at a time";
    loop.stop();
    EXPECT_FALSE(loop.done()) << "the trial under way is not recorded yet";
    EXPECT_TRUE(loop.record(test::runToEnd(loop.plan())).counted);
    EXPECT_TRUE(loop.done());
    EXPECT_EQ(loop.outcomes().finals, (std::vector<std::int64_t>{5}));
}

TEST(TrialLoop, ShowsTheLatestTrialUntilOneGoesWrongThenKeepsThatOne)
{
    core::TrialLoop loop(core::Plan{}, 5, 5);
    std::vector<bool> shown;
    for (const std::int64_t final : {5, 5, 4, 6, 5}) {
        loop.startNext();
        shown.push_back(loop.record(resultEndingWith(final)).show);
    }
    EXPECT_EQ(shown, (std::vector<bool>{true, true, true, false, false}));
    EXPECT_EQ(loop.firstWrongTrial(), 3);
    EXPECT_EQ(loop.outcomes().wrong(), 2);
    EXPECT_TRUE(loop.done());
}

TEST(TrialLoop, AnEmptyLoopIsDone)
{
    const core::TrialLoop loop;
    EXPECT_FALSE(loop.hasNext());
    EXPECT_TRUE(loop.done());
}

TEST(TrialLoop, MainFinalIsTheLastValueMainRead)
{
    EXPECT_EQ(core::mainFinal(resultEndingWith(42)), 42);
    EXPECT_EQ(core::mainFinal(core::RunResult{}), 0);
}

TEST(TrialBins, AreCentredOnTheExpectedValueAndWidenByThrees)
{
    const core::TrialBins narrow = core::TrialBins::over(100, 95, 103);
    EXPECT_EQ(narrow.width, 1);
    EXPECT_EQ(narrow.binOf(100), 0);
    EXPECT_EQ(narrow.first, -5);
    EXPECT_EQ(narrow.last, 3);
    const core::TrialBins wide = core::TrialBins::over(100, -200, 400, 41);
    EXPECT_EQ(wide.width, 27) << "601 values in at most 41 bins";
    EXPECT_LE(wide.count(), 41);
    EXPECT_EQ(wide.binOf(100), 0);
    EXPECT_EQ(wide.low(0), 87);
    EXPECT_EQ(wide.high(0), 113);
    EXPECT_EQ(wide.binOf(86), -1);
    EXPECT_EQ(wide.binOf(114), 1);
    EXPECT_LE(wide.low(wide.first), -200);
    EXPECT_GE(wide.high(wide.last), 400);
    EXPECT_EQ(core::TrialBins::over(100, 100, 100).count(), 1) << "every trial right: one bin";
    EXPECT_EQ(core::TrialBins::over(100, std::vector<std::int64_t>{120}).first, 0)
        << "the expected value is in";
}

TEST(TrialBins, AWiderBinHoldsWholeNarrowerOnes)
{
    // What TrialHistory relies on: every value of a narrow bin falls in the same wide bin.
    for (const std::int64_t width : {1, 3, 9, 27}) {
        core::TrialBins narrow;
        narrow.expected = 100;
        narrow.width = width;
        core::TrialBins wide = narrow;
        wide.width = width * 3;
        for (std::int64_t bin = -20; bin <= 20; ++bin)
            for (std::int64_t v = narrow.low(bin); v <= narrow.high(bin); ++v) {
                ASSERT_EQ(narrow.binOf(v), bin) << v;
                ASSERT_EQ(wide.binOf(v), wide.binOf(narrow.low(bin))) << "width " << width << ", value " << v;
            }
    }
}

TEST(TrialSeriesPlans, TheBankGivesBothSettingsWithoutTheLockFirst)
{
    const core::Scenario *bank = core::findScenario("bank");
    ASSERT_NE(bank, nullptr);
    for (const char *lock : {"on", "off"}) {
        std::vector<core::TrialSeriesPlan> series;
        std::string error;
        ASSERT_TRUE(core::histogramSeries(*bank, {{"lock", lock}, {"trials", "7"}}, series, error)) << error;
        ASSERT_EQ(series.size(), 2u);
        EXPECT_EQ(series[0].label, "without lock");
        EXPECT_FALSE(series[0].locked);
        EXPECT_EQ(series[1].label, "with lock");
        EXPECT_TRUE(series[1].locked);
        for (const core::TrialSeriesPlan &s : series) {
            EXPECT_EQ(s.loop.count(), 7);
            EXPECT_EQ(s.loop.outcomes().expected, 100);
        }
        const auto &steps = series[1].loop.plan().workers.at(0).steps;
        EXPECT_EQ(steps.at(1).op, core::StepOp::Lock);
    }
    std::vector<core::TrialSeriesPlan> series;
    std::string error;
    EXPECT_FALSE(core::histogramSeries(*bank, {{"trials", "0"}}, series, error));
    EXPECT_NE(error.find("--trials"), std::string::npos) << error;
    ASSERT_TRUE(core::histogramSeries(*bank, {{"kind", "thread"}}, series, error)) << error;
    EXPECT_EQ(core::trialsCaption(series.at(0).loop.plan(), 100),
              "bank, thread: 100 trials per setting, each a real run of 2 threads doing 100 updates");
}
