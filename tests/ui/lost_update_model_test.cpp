// The timeline model learns a run's lost updates when it finishes, with both read → write pairs, and
// lostUpdateWindow frames them. No GUI involved.

#include "lost_update_run.hpp"
#include "ui/timeline_model.hpp"

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::test::kLostMs;

namespace {

constexpr std::int64_t ms = kLostMs;

fs::TimelineModel finished(const forkscope::test::ExampleRun &run)
{
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    return model;
}

} // namespace

TEST(LostUpdateModel, AFinishedRunKnowsItsLostUpdateAndBothPairs)
{
    const fs::TimelineModel model = finished(forkscope::test::lostUpdateRun());
    ASSERT_EQ(model.lostUpdates().size(), 1u);
    EXPECT_TRUE(model.lostUpdatesComplete());
    const fs::LostUpdateMark &mark = model.lostUpdates().front();
    // deposit's read → write is the lost one ...
    EXPECT_EQ(mark.lost.lane, 1u);
    EXPECT_EQ(mark.lost.label, "balance");
    EXPECT_EQ(mark.lost.read, 100);
    EXPECT_EQ(mark.lost.wrote, 101);
    EXPECT_EQ(mark.lost.readNs, 10 * ms);
    EXPECT_EQ(mark.lost.atNs, 14 * ms);
    // ... withdraw's, which read before it and wrote after it, replaced it.
    ASSERT_TRUE(mark.overwritten());
    EXPECT_EQ(mark.lost.overwrittenBy, 2u);
    EXPECT_EQ(mark.lost.overwrittenAtNs, 16 * ms);
    EXPECT_EQ(mark.overwriterReadNs, 12 * ms);
    EXPECT_EQ(mark.overwriterRead, 100);
    EXPECT_EQ(mark.overwriterWrote, 99);
    EXPECT_EQ(mark.beginNs(), 10 * ms);
    EXPECT_EQ(mark.endNs(), 16 * ms);
}

TEST(LostUpdateModel, ALiveRunHasNoneUntilItFinishes)
{
    const forkscope::test::ExampleRun run = forkscope::test::lostUpdateRun();
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    EXPECT_TRUE(model.lostUpdates().empty()) << "found when the run ends";
    model.finish(run.result);
    EXPECT_EQ(model.lostUpdates().size(), 1u);
    // A copy (kept for trials and comparisons) keeps them; a reset forgets them.
    const fs::TimelineModel copy = model;
    EXPECT_EQ(copy.lostUpdates().size(), 1u);
    model.reset(run.lanes);
    EXPECT_TRUE(model.lostUpdates().empty());
}

TEST(LostUpdateModel, FinishLaterDrawsTheRunFinishedAndTakesTheSearchsFindingsWhenTheyCome)
{
    const forkscope::test::ExampleRun run = forkscope::test::lostUpdateRun();
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    fs::LostUpdateSearch search = model.finishLater(run.result);
    // Settled at once: not live, lanes ended; the marks wait for the search.
    EXPECT_FALSE(model.live());
    EXPECT_TRUE(model.lane(1).ended());
    EXPECT_TRUE(model.lostUpdatesPending());
    EXPECT_TRUE(model.lostUpdates().empty());
    EXPECT_TRUE(model.lostUpdatesAround(0, 100 * ms).empty());
    EXPECT_GT(search.size(), 0u) << "the value events went with the search";
    const std::uint64_t before = model.revision();
    EXPECT_TRUE(model.setLostUpdates(search.run()));
    EXPECT_FALSE(model.lostUpdatesPending());
    EXPECT_GT(model.revision(), before) << "a view sees the marks came";
    EXPECT_EQ(model.changedSince(before), fs::TimelineModel::kWholeRun);
    // The same findings as finish() gives.
    const fs::TimelineModel whole = finished(run);
    ASSERT_EQ(model.lostUpdates().size(), 1u);
    ASSERT_EQ(whole.lostUpdates().size(), 1u);
    const fs::LostUpdateMark &a = model.lostUpdates().front();
    const fs::LostUpdateMark &b = whole.lostUpdates().front();
    EXPECT_EQ(a.lost.atNs, b.lost.atNs);
    EXPECT_EQ(a.lost.overwrittenAtNs, b.lost.overwrittenAtNs);
    EXPECT_EQ(a.overwriterReadNs, b.overwriterReadNs);
    EXPECT_EQ(a.overwriterWrote, b.overwriterWrote);
    EXPECT_EQ(model.lostUpdatesAround(13 * ms, 15 * ms).size(), 1u);
}

TEST(LostUpdateModel, StaleFindingsAreDroppedAfterAResetOrByAnotherModel)
{
    const forkscope::test::ExampleRun run = forkscope::test::lostUpdateRun();
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    fs::LostUpdateSearch first = model.finishLater(run.result);
    // A new run starts in the same model before the search is back: its findings belong to the old run.
    model.reset(run.lanes);
    model.appendEvents(run.events);
    EXPECT_FALSE(model.lostUpdatesPending());
    EXPECT_FALSE(model.setLostUpdates(first.run()));
    EXPECT_TRUE(model.lostUpdates().empty()) << "no stale marks on the new run";
    fs::LostUpdateSearch second = model.finishLater(run.result);
    // Another model finished the same way does not take this model's findings, nor this one its own twice.
    fs::TimelineModel other(run.lanes);
    other.appendEvents(run.events);
    fs::LostUpdateSearch otherSearch = other.finishLater(run.result);
    fs::FoundLostUpdates found = second.run();
    EXPECT_FALSE(other.setLostUpdates(found));
    EXPECT_TRUE(model.setLostUpdates(found));
    EXPECT_FALSE(model.setLostUpdates(found)) << "taken once";
    EXPECT_EQ(model.lostUpdates().size(), 1u);
    EXPECT_TRUE(other.setLostUpdates(otherSearch.run()));
    EXPECT_EQ(other.lostUpdates().size(), 1u);
}

TEST(LostUpdateModel, ProcessesPrivateGlobalsLoseNothing)
{
    // The same interleaving on a global (not shared) in forked processes: each wrote its own copy.
    forkscope::test::ExampleRun run = forkscope::test::lostUpdateRun();
    for (auto &lane : run.lanes)
        if (lane.kind == forkscope::core::WorkerKind::Thread)
            lane.kind = forkscope::core::WorkerKind::Process;
    for (auto &e : run.events)
        if (e.type == forkscope::core::EventType::VariableOpen)
            e.flags = 0;
    run.result = forkscope::test::resultFor(run.lanes, run.events, "bank");
    EXPECT_TRUE(finished(run).lostUpdates().empty());
}

TEST(LostUpdateModel, TheWindowHoldsBothPairsAndLittleElse)
{
    const fs::TimelineModel model = finished(forkscope::test::lostUpdateRun());
    const fs::LostUpdateMark &mark = model.lostUpdates().front();
    const fs::TimeWindow window = fs::lostUpdateWindow(mark);
    EXPECT_LT(window.beginNs, 10 * ms) << "deposit's read";
    EXPECT_GT(window.endNs, 16 * ms) << "withdraw's write";
    // The pairs span 6 ms and fill most of the window, so each 4 ms pair fills almost half of it.
    EXPECT_LE(window.span(), 9 * ms);
    EXPECT_GE(static_cast<double>(4 * ms) / static_cast<double>(window.span()), 0.45);
}

TEST(LostUpdateModel, ManyLostUpdatesInTheOrderTheyWereWritten)
{
    const fs::TimelineModel model = finished(forkscope::test::manyLostUpdatesRun(50, 3 * ms));
    ASSERT_EQ(model.lostUpdates().size(), 50u);
    for (std::size_t i = 1; i < model.lostUpdates().size(); ++i)
        EXPECT_LT(model.lostUpdates()[i - 1].lost.atNs, model.lostUpdates()[i].lost.atNs);
    for (const fs::LostUpdateMark &mark : model.lostUpdates()) {
        EXPECT_EQ(mark.lost.lane, 1u);
        EXPECT_EQ(mark.lost.overwrittenBy, 2u);
        EXPECT_EQ(mark.overwriterWrote, mark.lost.read - 1);
    }
}

TEST(LostUpdateModel, TheWindowDoesNotBeginBeforeTheRun)
{
    // A lost update in the run's first millisecond, undone 20 ms later: a fifth of that span before it would
    // reach below 0.
    fs::LostUpdateMark mark;
    mark.lost.readNs = ms / 2;
    mark.lost.atNs = ms;
    mark.lost.overwrittenAtNs = 20 * ms;
    mark.overwriterReadNs = ms / 4;
    const fs::TimeWindow window = fs::lostUpdateWindow(mark);
    EXPECT_EQ(window.beginNs, 0);
    EXPECT_GT(window.endNs, 20 * ms);
    // Later in the run the margin is there on both sides.
    for (std::int64_t *t :
         {&mark.lost.readNs, &mark.lost.atNs, &mark.lost.overwrittenAtNs, &mark.overwriterReadNs})
        *t += 100 * ms;
    const fs::TimeWindow later = fs::lostUpdateWindow(mark);
    EXPECT_LT(later.beginNs, 100 * ms + ms / 4);
    EXPECT_EQ(100 * ms + ms / 4 - later.beginNs, later.endNs - 120 * ms);
}
