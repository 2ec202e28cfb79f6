// Folding alike lanes for a comparison: which lanes count as alike, and what a folded row holds.

#include "sleepers_runs.hpp"
#include "ui/compare_fold.hpp"
#include "ui/timeline/layout.hpp"

#include <gtest/gtest.h>

using namespace forkscope;
using namespace forkscope::ui;
using forkscope::test::kMillis;

namespace {

TimelineModel modelOf(const test::ExampleRun &run)
{
    TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    return model;
}

std::vector<std::uint32_t> range(std::uint32_t from, std::uint32_t to)
{
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}

} // namespace

TEST(CompareFold, WorkersThatSleptTogetherAreOneFamily)
{
    const auto run = test::sleepersRun("process", 10, 200 * kMillis, 2 * kMillis);
    const auto families = alikeFamilies(modelOf(run));
    ASSERT_EQ(families.size(), 1u);
    EXPECT_EQ(families[0].lanes, range(1, 10)) << "every worker, never main";
    EXPECT_EQ(families[0].timing, LaneFamily::Timing::Together);
    EXPECT_EQ(families[0].maxLevel(), 2);
}

TEST(CompareFold, SequentialCallsAreAFamilyInTurn)
{
    const auto families = alikeFamilies(modelOf(test::sleepersRun("sequential", 6, 200 * kMillis)));
    ASSERT_EQ(families.size(), 1u);
    EXPECT_EQ(families[0].lanes, range(1, 6));
    EXPECT_EQ(families[0].timing, LaneFamily::Timing::InTurn);
    EXPECT_EQ(families[0].maxLevel(), 2);
}

TEST(CompareFold, StaggeredLanesKeepTheirFirstAndLastApart)
{
    // Each starts halfway through the previous one's sleep: alike, but not together. Folding keeps the
    // first and the last, so the spread of the starts still shows.
    const auto run = test::sleepersRun("thread", 5, 200 * kMillis, 100 * kMillis);
    const auto families = alikeFamilies(modelOf(run));
    ASSERT_EQ(families.size(), 1u);
    EXPECT_EQ(families[0].timing, LaneFamily::Timing::Staggered);
    EXPECT_EQ(families[0].maxLevel(), 1);
    const TimelineModel folded = foldedModel(run.result, run.events, families, {2});
    ASSERT_EQ(folded.laneCount(), 4u) << "asked to fold whole, it folds its middle only";
    EXPECT_EQ(folded.lane(1).info.name, "worker 1");
    EXPECT_EQ(folded.lane(2).info.name, "workers 2–4 · 3 alike, staggered")
        << "the row is worker 2: the others started later";
    EXPECT_EQ(folded.lane(3).info.name, "worker 5");
    EXPECT_EQ(foldedLaneCount(families, {2}), 2);
    // Three staggered lanes cannot fold at all: there would be no middle.
    const auto three = alikeFamilies(modelOf(test::sleepersRun("thread", 3, 200 * kMillis, 100 * kMillis)));
    ASSERT_EQ(three.size(), 1u);
    EXPECT_EQ(three[0].maxLevel(), 0);
}

TEST(CompareFold, ThreadsTakingTurnsAtTheGilStayApart)
{
    // Four threads asleep together, as alike as bars go, but each waited for the GIL in turn: their turns
    // are what a GIL slide shows, so none stands for another. Holding it unchallenged (a process each, with
    // its own GIL) folds as before.
    using core::EventType;
    const auto withGil = [](bool turns) {
        auto run = test::sleepersRun("thread", 4, 200 * kMillis);
        for (std::uint32_t lane = 1; lane <= 4; ++lane) {
            const std::int64_t asked = kMillis + 2;
            // In turn, each waits for the ones before it; alone, a moment (taking a free GIL is not free).
            const std::int64_t got = asked + (turns ? (lane - 1) * 60 * kMillis : 20'000);
            run.events.push_back(test::event(asked, lane, EventType::GilRequest));
            run.events.push_back(test::event(got, lane, EventType::GilAcquire, -1, got - asked));
            run.events.push_back(
                test::event(got + 50 * kMillis, lane, EventType::GilRelease, 0, 50 * kMillis));
        }
        test::sortByTime(run.events);
        return run;
    };
    const auto turns = withGil(true);
    const TimelineModel model = modelOf(turns);
    ASSERT_TRUE(model.hasGil());
    ASSERT_FALSE(model.lane(2).gil.empty());
    EXPECT_TRUE(alikeFamilies(model).empty()) << "lanes that waited for the GIL fold into nothing";
    const auto alone = alikeFamilies(modelOf(withGil(false)));
    ASSERT_EQ(alone.size(), 1u) << "held without waiting, the GIL does not keep lanes apart";
    EXPECT_EQ(alone[0].lanes, range(1, 4));
}

TEST(CompareFold, DifferentBarsBreakAFamily)
{
    auto run = test::sleepersRun("thread", 4, 200 * kMillis);
    // Worker 3 sleeps twice as long: workers 1-2 and worker 4 alone cannot stand for it.
    for (core::Event &e : run.events)
        if (e.lane == 3 && e.type != core::EventType::WorkerStart && e.type != core::EventType::SleepBegin)
            e.timeNs += 200 * kMillis;
    test::sortByTime(run.events);
    run.result = test::resultFor(run.lanes, run.events, "sleepers");
    const auto families = alikeFamilies(modelOf(run));
    ASSERT_EQ(families.size(), 1u);
    EXPECT_EQ(families[0].lanes, range(1, 2));
}

TEST(CompareFold, TheMiddleFoldsIntoOneRowNamedForItsLanes)
{
    const auto run = test::sleepersRun("process", 10, 200 * kMillis, 2 * kMillis);
    const TimelineModel full = modelOf(run);
    const auto families = alikeFamilies(full);
    const TimelineModel folded = foldedModel(run.result, run.events, families, {1});
    ASSERT_EQ(folded.laneCount(), 4u) << "main, worker 1, workers 2-9, worker 10";
    EXPECT_EQ(folded.lane(1).info.name, "worker 1");
    EXPECT_EQ(folded.lane(2).info.name, "workers 2–9 · 8 alike");
    EXPECT_EQ(folded.lane(3).info.name, "worker 10");
    EXPECT_EQ(folded.lane(2).info.kind, core::WorkerKind::Process);
    // The folded row is worker 2 as recorded: its one sleep, its start and end.
    ASSERT_EQ(folded.lane(2).bars.size(), 1u);
    EXPECT_EQ(folded.lane(2).bars[0].begin, full.lane(2).bars[0].begin);
    EXPECT_EQ(folded.lane(2).bars[0].end, full.lane(2).bars[0].end);
    EXPECT_EQ(folded.lane(2).endNs, full.lane(2).endNs);
    // Main's joins of the folded workers point at their row; main's own bars are untouched.
    EXPECT_EQ(folded.lane(0).bars.size(), full.lane(0).bars.size());
    for (const JoinArrow &arrow : folded.joinArrows())
        EXPECT_LT(arrow.fromLane, folded.laneCount());
    EXPECT_EQ(displayRows(folded).size(), 8u) << "four processes, each a header and a lane";
    EXPECT_EQ(foldedLaneCount(families, {1}), 7);

    const TimelineModel whole = foldedModel(run.result, run.events, families, {2});
    ASSERT_EQ(whole.laneCount(), 2u);
    EXPECT_EQ(whole.lane(1).info.name, "workers 1–10 · 10 alike");
    EXPECT_EQ(foldedLaneCount(families, {2}), 9);
}

TEST(CompareFold, CallsInTurnKeepEachBarWhereItWas)
{
    const auto run = test::sleepersRun("sequential", 6, 200 * kMillis);
    const TimelineModel full = modelOf(run);
    const auto families = alikeFamilies(full);
    const TimelineModel folded = foldedModel(run.result, run.events, families, {1});
    ASSERT_EQ(folded.laneCount(), 4u);
    const Lane &row = folded.lane(2);
    EXPECT_EQ(row.info.name, "workers 2–5 · 4 in turn");
    ASSERT_EQ(row.bars.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(row.bars[i].begin, full.lane(static_cast<std::uint32_t>(i + 2)).bars[0].begin);
        EXPECT_EQ(row.bars[i].end, full.lane(static_cast<std::uint32_t>(i + 2)).bars[0].end);
    }
    EXPECT_EQ(row.startNs, full.lane(2).startNs);
    EXPECT_EQ(row.endNs, full.lane(5).endNs) << "the row lives from the first call's start to the last's end";

    // Calls stretched unevenly (a busy machine) still share a row: each bar is drawn as long as it was. The
    // third call's sleep lasts half as long again, and everything after it comes that much later.
    auto uneven = run;
    std::int64_t stretchFrom = 0;
    for (const core::Event &e : uneven.events)
        if (e.lane == 3 && e.type == core::EventType::SleepBegin)
            stretchFrom = e.timeNs;
    for (core::Event &e : uneven.events)
        if (e.timeNs > stretchFrom)
            e.timeNs += 100 * kMillis;
    uneven.result = test::resultFor(uneven.lanes, uneven.events, "sleepers");
    const TimelineModel unevenModel = modelOf(uneven);
    ASSERT_GT(unevenModel.lane(3).bars[0].end - unevenModel.lane(3).bars[0].begin, 250 * kMillis);
    const auto unevenFamilies = alikeFamilies(unevenModel);
    ASSERT_EQ(unevenFamilies.size(), 1u);
    EXPECT_EQ(unevenFamilies[0].lanes, range(1, 6));
    EXPECT_EQ(unevenFamilies[0].timing, LaneFamily::Timing::InTurn);
}

TEST(CompareFold, NamesSayWhichLanesAndHowMany)
{
    using Timing = LaneFamily::Timing;
    EXPECT_EQ(foldName({"worker 2", "worker 3", "worker 4"}, Timing::Together), "workers 2–4 · 3 alike");
    EXPECT_EQ(foldName({"worker 2", "worker 3", "worker 4"}, Timing::Staggered),
              "workers 2–4 · 3 alike, staggered");
    EXPECT_EQ(foldName({"producer", "consumer"}, Timing::InTurn), "producer … consumer · 2 in turn");
}
