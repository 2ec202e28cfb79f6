// The timeline model: events in, bars/markers/arrows/groups out. No GUI involved.

#include "example_run.hpp"
#include "ui/timeline_model.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::core::LaneInfo;
using forkscope::core::WorkerKind;
using forkscope::test::event;

namespace {

constexpr std::int64_t ms = 1'000'000;

std::vector<LaneInfo> mixedLanes()
{
    return {
        {"main", WorkerKind::Main, 100, 100},    {"producer", WorkerKind::Process, 0, 0},
        {"helper", WorkerKind::Thread, 0, 0},    {"consumer", WorkerKind::Process, 0, 0},
        {"setup", WorkerKind::Sequential, 0, 0},
    };
}

/// main runs `setup` inline, starts a thread and two processes, joins them; the thread holds a lock around a
/// sleep; the consumer dies of SIGSEGV while computing.
std::vector<forkscope::core::Event> mixedEvents()
{
    std::vector<forkscope::core::Event> ev{
        event(0, 0, EventType::WorkerStart, 100, 100),
        event(1 * ms, 0, EventType::Spawn, 4),
        event(1 * ms, 4, EventType::WorkerStart, 100, 100),
        event(2 * ms, 4, EventType::ComputeBegin, 0, 3 * ms),
        event(5 * ms, 4, EventType::ComputeEnd, 0, 77),
        event(5 * ms, 4, EventType::WorkerEnd, 0, 0),
        event(6 * ms, 0, EventType::Spawn, 1),
        event(6 * ms, 0, EventType::Spawn, 2),
        event(6 * ms, 0, EventType::Spawn, 3),
        event(7 * ms, 1, EventType::WorkerStart, 201, 201),
        event(7 * ms, 2, EventType::WorkerStart, 102, 100),
        event(8 * ms, 3, EventType::WorkerStart, 202, 202),
        event(8 * ms, 2, EventType::LockWait, 1),
        event(9 * ms, 2, EventType::LockAcquire, 1),
        event(10 * ms, 2, EventType::SleepBegin, 0, 20 * ms),
        event(10 * ms, 1, EventType::SleepBegin, 0, 10 * ms),
        event(11 * ms, 3, EventType::ComputeBegin, 0, 100 * ms),
        event(12 * ms, 0, EventType::JoinBegin, 1),
        event(15 * ms, 3, EventType::Note, 11, 0, "about to crash"),
        event(16 * ms, 3, EventType::WorkerEnd, 11, -1),
        event(20 * ms, 1, EventType::SleepEnd),
        event(20 * ms, 1, EventType::Print, 0, 0, "produced 3 items"),
        event(21 * ms, 0, EventType::VariableOpen, 0, 0, "count"),
        event(21 * ms, 1, EventType::ValueWrite, 0, 3),
        event(22 * ms, 1, EventType::WorkerEnd, 0, 0),
        event(23 * ms, 0, EventType::JoinEnd, 1),
        event(23 * ms, 0, EventType::JoinBegin, 2),
        event(30 * ms, 2, EventType::SleepEnd),
        event(31 * ms, 2, EventType::LockRelease, 1),
        event(32 * ms, 2, EventType::WorkerEnd, 0, 0),
        event(33 * ms, 0, EventType::JoinEnd, 2),
        event(33 * ms, 0, EventType::JoinBegin, 3),
        event(34 * ms, 0, EventType::JoinEnd, 3),
        event(35 * ms, 0, EventType::MainEnd),
        event(36 * ms, 0, EventType::WorkerEnd, 0, 0),
    };
    return ev;
}

fs::TimelineModel mixedModel()
{
    fs::TimelineModel model(mixedLanes());
    const auto events = mixedEvents();
    model.appendEvents(events);
    return model;
}

TEST(TimelineModel, BarsFollowBeginEndPairs)
{
    const fs::TimelineModel model = mixedModel();
    ASSERT_EQ(model.laneCount(), 5u);

    const fs::Lane &main = model.lane(0);
    ASSERT_EQ(main.bars.size(), 3u);
    EXPECT_EQ(main.bars[0].state, fs::BarState::JoinWait);
    EXPECT_EQ(main.bars[0].begin, 12 * ms);
    EXPECT_EQ(main.bars[0].end, 23 * ms);
    EXPECT_EQ(main.bars[0].arg, 1);
    EXPECT_EQ(main.bars[2].begin, 33 * ms);
    EXPECT_EQ(main.bars[2].end, 34 * ms);

    // The thread: lock wait, then a hold with a sleep nested inside it.
    const fs::Lane &helper = model.lane(2);
    ASSERT_EQ(helper.bars.size(), 3u);
    EXPECT_EQ(helper.bars[0].state, fs::BarState::LockWait);
    EXPECT_EQ(helper.bars[0].begin, 8 * ms);
    EXPECT_EQ(helper.bars[0].end, 9 * ms);
    EXPECT_EQ(helper.bars[1].state, fs::BarState::LockHold);
    EXPECT_EQ(helper.bars[1].begin, 9 * ms);
    EXPECT_EQ(helper.bars[1].end, 31 * ms);
    EXPECT_EQ(helper.bars[1].depth, 0);
    EXPECT_EQ(helper.bars[2].state, fs::BarState::Sleeping);
    EXPECT_EQ(helper.bars[2].depth, 1);
    EXPECT_EQ(helper.bars[2].value, 20 * ms);
    for (std::size_t i = 1; i < helper.bars.size(); ++i)
        EXPECT_LE(helper.bars[i - 1].begin, helper.bars[i].begin);

    EXPECT_TRUE(model.hasState(fs::BarState::LockHold));
    EXPECT_FALSE(model.hasState(fs::BarState::QueueBlocked));
}

TEST(TimelineModel, CrashEndsOpenBarsAndLeavesSignalMarker)
{
    const fs::TimelineModel model = mixedModel();
    const fs::Lane &consumer = model.lane(3);
    ASSERT_EQ(consumer.bars.size(), 1u);
    EXPECT_EQ(consumer.bars[0].state, fs::BarState::Computing);
    EXPECT_EQ(consumer.bars[0].end, 16 * ms) << "the compute was cut short by the crash";
    EXPECT_TRUE(consumer.bars[0].cancelled);
    EXPECT_TRUE(consumer.crashed());
    EXPECT_EQ(consumer.signal, 11);
    EXPECT_EQ(consumer.endNs, 16 * ms);
    const auto &last = consumer.markers.back();
    EXPECT_EQ(last.kind, fs::MarkerKind::Crash);
    EXPECT_EQ(last.text, "SIGSEGV");
    EXPECT_TRUE(model.hasMarker(fs::MarkerKind::Crash));
}

TEST(TimelineModel, MarkersCarryText)
{
    const fs::TimelineModel model = mixedModel();
    const fs::Lane &producer = model.lane(1);
    std::vector<fs::MarkerKind> kinds;
    for (const auto &m : producer.markers)
        kinds.push_back(m.kind);
    EXPECT_EQ(kinds,
              (std::vector<fs::MarkerKind>{fs::MarkerKind::Start, fs::MarkerKind::Print,
                                           fs::MarkerKind::Value, fs::MarkerKind::End}));
    EXPECT_EQ(producer.markers[1].text, "produced 3 items");
    EXPECT_EQ(producer.markers[2].text, "count = 3");
    EXPECT_EQ(model.mainEndNs(), 35 * ms);
    EXPECT_EQ(model.lane(0).markers[1].kind, fs::MarkerKind::Spawn);
}

TEST(TimelineModel, GroupsFollowProcesses)
{
    const fs::TimelineModel model = mixedModel();
    const auto &groups = model.groups();
    ASSERT_EQ(groups.size(), 3u);
    // main's process holds main, its thread and the inline call; then each process worker by lane index.
    EXPECT_EQ(groups[0].pid, 100);
    EXPECT_EQ(groups[0].lanes, (std::vector<std::uint32_t>{0, 2, 4}));
    EXPECT_EQ(groups[1].leader, 1u);
    EXPECT_EQ(groups[1].pid, 201) << "learnt from the worker's start event";
    EXPECT_EQ(groups[2].leader, 3u);
    EXPECT_EQ(groups[2].pid, 202);
    EXPECT_EQ(model.lane(2).info.tid, 102);
}

TEST(TimelineModel, JoinArrowsRunFromWorkerEndToJoinReturn)
{
    const fs::TimelineModel model = mixedModel();
    const auto &arrows = model.joinArrows();
    ASSERT_EQ(arrows.size(), 3u);
    EXPECT_EQ(arrows[0].fromLane, 1u);
    EXPECT_EQ(arrows[0].toLane, 0u);
    EXPECT_EQ(arrows[0].fromTime, 22 * ms);
    EXPECT_EQ(arrows[0].toTime, 23 * ms);
    EXPECT_EQ(arrows[2].fromLane, 3u);
    EXPECT_EQ(arrows[2].fromTime, 16 * ms) << "a crashed worker's arrow starts at its death";
    EXPECT_EQ(arrows[2].toTime, 34 * ms);
}

TEST(TimelineModel, OpenBarsReachToNow)
{
    fs::TimelineModel model(mixedLanes());
    const auto events = mixedEvents();
    // Stop right after the producer's sleep began (event index 15).
    model.appendEvents(std::span(events).first(16));
    const fs::Lane &producer = model.lane(1);
    ASSERT_EQ(producer.bars.size(), 1u);
    EXPECT_TRUE(producer.bars[0].open());
    EXPECT_EQ(model.now(), 10 * ms);
    model.setNow(14 * ms);
    EXPECT_EQ(model.barEnd(producer.bars[0]), 14 * ms);
    model.setNow(12 * ms); // the present never goes back
    EXPECT_EQ(model.now(), 14 * ms);
    EXPECT_TRUE(model.live());
    // An open bar is visible at any time after its begin.
    EXPECT_EQ(producer.firstIndex(13 * ms), 0u);
}

class BatchSplit : public ::testing::TestWithParam<std::size_t> { };

TEST_P(BatchSplit, BatchesGiveTheSameTimeline)
{
    const fs::TimelineModel whole = mixedModel();
    fs::TimelineModel batched(mixedLanes());
    const auto events = mixedEvents();
    const std::size_t batch = GetParam();
    for (std::size_t i = 0; i < events.size(); i += batch)
        batched.appendEvents(std::span(events).subspan(i, std::min(batch, events.size() - i)));
    ASSERT_EQ(batched.laneCount(), whole.laneCount());
    EXPECT_EQ(batched.eventCount(), events.size());
    for (std::uint32_t l = 0; l < whole.laneCount(); ++l) {
        const auto &a = whole.lane(l).bars;
        const auto &b = batched.lane(l).bars;
        ASSERT_EQ(a.size(), b.size()) << "lane " << l;
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].begin, b[i].begin);
            EXPECT_EQ(a[i].end, b[i].end);
            EXPECT_EQ(a[i].state, b[i].state);
        }
        EXPECT_EQ(whole.lane(l).markers.size(), batched.lane(l).markers.size());
    }
    EXPECT_EQ(batched.joinArrows().size(), whole.joinArrows().size());
}

INSTANTIATE_TEST_SUITE_P(Sizes, BatchSplit, ::testing::Values(1, 2, 3, 7, 100));

TEST(TimelineModel, FirstAndLastIndexMatchBruteForce)
{
    // Random nested and sequential bars on one lane, compared with a linear scan.
    std::mt19937 rng(1234);
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    std::int64_t t = 0;
    for (int i = 0; i < 400; ++i) {
        const bool nested = rng() % 4 == 0;
        if (nested) {
            events.push_back(event(t, 0, EventType::LockAcquire, 1));
            t += rng() % 50;
            events.push_back(event(t, 0, EventType::SleepBegin));
            t += rng() % 200 + 1;
            events.push_back(event(t, 0, EventType::SleepEnd));
            t += rng() % 50;
            events.push_back(event(t, 0, EventType::LockRelease, 1));
        } else {
            events.push_back(event(t, 0, EventType::ComputeBegin));
            t += rng() % 300;
            events.push_back(event(t, 0, EventType::ComputeEnd));
        }
        t += rng() % 100;
    }
    model.appendEvents(events);
    const fs::Lane &lane = model.lane(0);
    ASSERT_GT(lane.bars.size(), 400u);
    for (std::int64_t q = -10; q <= t + 10; q += 37) {
        std::size_t first = lane.bars.size();
        for (std::size_t i = 0; i < lane.bars.size(); ++i)
            if (lane.bars[i].end >= q) {
                first = i;
                break;
            }
        std::size_t last = 0;
        for (std::size_t i = 0; i < lane.bars.size(); ++i)
            if (lane.bars[i].begin <= q)
                last = i + 1;
        EXPECT_EQ(lane.firstIndex(q), first) << q;
        EXPECT_EQ(lane.lastIndex(q), last) << q;
    }
}

TEST(TimelineModel, LevelOfDetailFoldsSubPixelBars)
{
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    // 1000 bars of 10 ns with 10 ns gaps (20 µs in all), then one long sleep of 1 ms.
    for (int i = 0; i < 1000; ++i) {
        events.push_back(event(i * 20, 0, i % 4 == 0 ? EventType::SleepBegin : EventType::ComputeBegin));
        events.push_back(event(i * 20 + 10, 0, i % 4 == 0 ? EventType::SleepEnd : EventType::ComputeEnd));
    }
    events.push_back(event(30'000, 0, EventType::SleepBegin));
    events.push_back(event(1'030'000, 0, EventType::SleepEnd));
    model.appendEvents(events);
    const fs::Lane &lane = model.lane(0);

    // 1 µs per pixel: every small bar is 1/100 px, they fold into one item; the long sleep stands alone.
    const auto items = fs::levelOfDetail(lane, 0, 1'100'000, 1000.0, model.now());
    ASSERT_EQ(items.size(), 2u);
    EXPECT_TRUE(items[0].folded());
    EXPECT_EQ(items[0].count, 1000u);
    EXPECT_EQ(items[0].begin, 0);
    EXPECT_EQ(items[0].end, 999 * 20 + 10);
    EXPECT_EQ(items[0].state, fs::BarState::Computing) << "three quarters of the folded time was computing";
    EXPECT_FALSE(items[1].folded());
    EXPECT_EQ(items[1].state, fs::BarState::Sleeping);
    EXPECT_EQ(items[1].end - items[1].begin, 1 * ms);

    // Zoomed in to 1 ns per pixel, nothing folds: only the bars in the window come back.
    const auto close = fs::levelOfDetail(lane, 100, 200, 1.0, model.now());
    ASSERT_EQ(close.size(), 6u); // bars starting at 100, 120, ..., 200
    for (const auto &item : close)
        EXPECT_FALSE(item.folded());
}

TEST(TimelineModel, FinishClosesOpenBarsAndMarksThem)
{
    fs::TimelineModel model(mixedLanes());
    const auto events = mixedEvents();
    model.appendEvents(std::span(events).first(16));
    auto run = forkscope::test::resultFor(mixedLanes(), events, "mixed");
    run.wallNs = 40 * ms;
    model.finish(run);
    EXPECT_FALSE(model.live());
    EXPECT_EQ(model.title(), "mixed");
    const fs::Lane &producer = model.lane(1);
    ASSERT_EQ(producer.bars.size(), 1u);
    EXPECT_FALSE(producer.bars[0].open());
    EXPECT_TRUE(producer.bars[0].cancelled);
    EXPECT_EQ(producer.bars[0].end, 22 * ms) << "closed at the lane's end known from the result";
    EXPECT_EQ(model.now(), 40 * ms);
}

TEST(TimelineModel, UnknownLaneIsCreated)
{
    fs::TimelineModel model;
    const std::vector<forkscope::core::Event> events{event(5, 2, EventType::WorkerStart, 9, 9)};
    model.appendEvents(events);
    ASSERT_EQ(model.laneCount(), 3u);
    EXPECT_EQ(model.lane(2).info.pid, 9);
    EXPECT_EQ(model.lane(0).info.name, "main");
}

TEST(TimelineModel, ResetEmpties)
{
    fs::TimelineModel model = mixedModel();
    model.reset({{"main", WorkerKind::Main, 1, 1}});
    EXPECT_EQ(model.laneCount(), 1u);
    EXPECT_TRUE(model.lane(0).bars.empty());
    EXPECT_TRUE(model.joinArrows().empty());
    EXPECT_EQ(model.now(), 0);
    EXPECT_EQ(model.mainEndNs(), -1);
}

TEST(TimelineModel, ExampleRunIsConsistent)
{
    const auto run = forkscope::test::tenProcessesOneCrash();
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    EXPECT_EQ(model.groups().size(), 11u);
    EXPECT_EQ(model.joinArrows().size(), 10u);
    EXPECT_TRUE(model.lane(7).crashed());
    for (const fs::Lane &lane : model.lanes())
        for (const fs::Bar &bar : lane.bars)
            EXPECT_LE(bar.begin, bar.end);
}

} // namespace
