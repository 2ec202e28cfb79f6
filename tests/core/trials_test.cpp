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
