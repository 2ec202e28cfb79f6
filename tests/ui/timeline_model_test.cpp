// The timeline model: events in, bars/markers/arrows/groups out. No GUI involved.

#include "example_run.hpp"
#include "ui/timeline/layout.hpp"
#include "ui/timeline/track_columns.hpp"
#include "ui/timeline_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <sstream>

#include <sys/mman.h>
#include <unistd.h>

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
    EXPECT_EQ(model.text(last), "SIGSEGV");
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
    EXPECT_EQ(model.text(producer.markers[1]), "produced 3 items");
    EXPECT_EQ(model.text(producer.markers[2]), "wrote count = 3");
    EXPECT_EQ(model.mainEndNs(), 35 * ms);
    EXPECT_EQ(model.lane(0).markers[1].kind, fs::MarkerKind::Spawn);
}

TEST(TimelineModel, MarkersKnowWhetherTheirTextIsPrintableAsciiWithoutReadingIt)
{
    // The markers pass sizes a tag from the marker alone (TextRef::printableAscii): it must say what the
    // text holds, for texts stored whole and for those joined from parts (a long variable's label).
    const std::string longName
        = "\xc3\xa9" + std::string(200, 'n'); // "é" and a name too long to write at once
    fs::TimelineModel model(mixedLanes());
    model.appendEvents(std::vector<forkscope::core::Event>{
        event(1 * ms, 1, EventType::Print, 0, 0, "plain ascii ~"),
        event(2 * ms, 1, EventType::Print, 0, 0, "caf\xc3\xa9"),
        event(3 * ms, 1, EventType::Print, 0, 0, "tab\there"),
        event(4 * ms, 0, EventType::VariableOpen, 0, 0, "count"),
        event(5 * ms, 1, EventType::ValueWrite, 0, 3),
        event(6 * ms, 0, EventType::VariableOpen, 1, 0, longName),
        event(7 * ms, 1, EventType::ValueWrite, 1, 4),
        event(8 * ms, 0, EventType::VariableOpen, 2, 0, std::string(200, 'm')),
        event(9 * ms, 1, EventType::ValueWrite, 2, 5),
    });
    std::vector<std::pair<std::string, bool>> texts;
    for (const fs::Marker &m : model.lane(1).markers)
        if (m.hasText())
            texts.emplace_back(std::string(model.text(m)), m.text.printableAscii != 0);
    ASSERT_EQ(texts.size(), 6u);
    const auto expected = std::vector<std::pair<std::string, bool>>{
        {"plain ascii ~", true},
        {"caf\xc3\xa9", false},
        {"tab\there", false},
        {"wrote count = 3", true},
        {"wrote " + longName + " = 4", false},
        {"wrote " + std::string(200, 'm') + " = 5", true},
    };
    EXPECT_EQ(texts, expected);
    for (const fs::Marker &m : model.lane(1).markers)
        EXPECT_EQ(m.text.length, model.text(m).size());
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

/// What walkTrack says of each column: runs spread out into their columns, each with its state's share.
struct Columns {
    std::map<std::int64_t, fs::ColumnShares> mixed;
    std::map<std::int64_t, fs::BarState> whole;
};

Columns walk(const fs::Lane &lane, std::size_t depth, double pxPerNs, std::int64_t from, std::int64_t to,
             std::int64_t now)
{
    Columns out;
    const fs::PixelGrid grid{pxPerNs};
    std::int64_t last = std::numeric_limits<std::int64_t>::min();
    fs::walkTrack(
        lane, lane.tracks()[depth], grid, from, to, now,
        [&](std::int64_t c0, std::int64_t c1, fs::BarState state) {
            EXPECT_LT(c0, c1);
            EXPECT_GT(c0, last) << "columns come in order, each once";
            for (std::int64_t c = c0; c < c1; ++c)
                out.whole[c] = state;
            last = c1 - 1;
        },
        [&](std::int64_t c, const fs::ColumnShares &shares) {
            EXPECT_GT(c, last) << "columns come in order, each once";
            out.mixed[c] = shares;
            last = c;
        });
    return out;
}

/// The same, worked out bar by bar: each bar's overlap with each column.
Columns bruteForce(const fs::Lane &lane, std::size_t depth, double pxPerNs, std::int64_t from,
                   std::int64_t to, std::int64_t now)
{
    std::map<std::int64_t, fs::ColumnShares> all;
    const fs::PixelGrid grid{pxPerNs};
    for (const fs::Bar &bar : lane.bars) {
        if (bar.depth != depth)
            continue;
        const std::int64_t end = bar.open() ? std::max(now, bar.begin) : bar.end;
        for (std::int64_t c = std::max(grid.column(bar.begin), from); c <= std::min(grid.column(end), to - 1);
             ++c) {
            const double overlap = std::min(static_cast<double>(end), grid.timeOf(c + 1))
                - std::max(static_cast<double>(bar.begin), grid.timeOf(c));
            if (overlap < 0 || (overlap == 0 && end != bar.begin))
                continue;
            all[c].time[static_cast<std::size_t>(bar.state)] += overlap;
            all[c].present |= 1u << static_cast<unsigned>(bar.state);
        }
    }
    Columns out;
    const double column = 1 / pxPerNs;
    for (const auto &[c, shares] : all) {
        // A column one state fills entirely is part of a run.
        const auto single = std::popcount(shares.present) == 1;
        if (single && std::abs(shares.total() - column) < 1e-6 * column)
            out.whole[c] = static_cast<fs::BarState>(std::countr_zero(shares.present));
        else
            out.mixed[c] = shares;
    }
    return out;
}

void expectSameColumns(const Columns &got, const Columns &want, const std::string &what)
{
    // A column a bar fills exactly from its first nanosecond may come as a mixed column of one state: the
    // same pixels. Compare what each column shows.
    std::map<std::int64_t, fs::ColumnShares> a = got.mixed;
    std::map<std::int64_t, fs::ColumnShares> b = want.mixed;
    for (const auto &[c, state] : got.whole)
        a[c].present = 1u << static_cast<unsigned>(state), a[c].time[static_cast<std::size_t>(state)] = 1;
    for (const auto &[c, state] : want.whole)
        b[c].present = 1u << static_cast<unsigned>(state), b[c].time[static_cast<std::size_t>(state)] = 1;
    ASSERT_EQ(a.size(), b.size()) << what;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        ASSERT_EQ(ia->first, ib->first) << what;
        const double ta = ia->second.total();
        const double tb = ib->second.total();
        for (std::size_t s = 0; s < fs::kBarStateCount; ++s) {
            const double shareA = ta > 0 ? ia->second.time[s] / ta : 0;
            const double shareB = tb > 0 ? ib->second.time[s] / tb : 0;
            EXPECT_NEAR(shareA, shareB, 1e-6) << what << ": column " << ia->first << ", state " << s;
        }
    }
}

TEST(TimelineModel, TrackColumnsGiveEachStateItsShare)
{
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    // 1000 bars of 10 ns with 10 ns gaps (20 µs in all), one in four a sleep, then one long sleep of 1 ms.
    for (int i = 0; i < 1000; ++i) {
        events.push_back(event(i * 20, 0, i % 4 == 0 ? EventType::SleepBegin : EventType::ComputeBegin));
        events.push_back(event(i * 20 + 10, 0, i % 4 == 0 ? EventType::SleepEnd : EventType::ComputeEnd));
    }
    events.push_back(event(30'000, 0, EventType::SleepBegin));
    events.push_back(event(1'030'000, 0, EventType::SleepEnd));
    model.appendEvents(events);
    const fs::Lane &lane = model.lane(0);
    ASSERT_EQ(lane.tracks().size(), 1u);
    EXPECT_EQ(lane.tracks()[0].blocks.size(), 1001u / fs::BarTrack::kBlock) << "sealed as the bars closed";

    // 1 µs per pixel: fifty bars share each of the first twenty columns, three quarters of their time
    // computing, whatever the bar drawn last; the long sleep is a run of whole columns.
    const Columns columns = walk(lane, 0, 0.001, 0, 1200, model.now());
    ASSERT_EQ(columns.mixed.count(0), 1u);
    for (std::int64_t c = 0; c < 20; ++c) {
        const fs::ColumnShares &shares = columns.mixed.at(c);
        // Fifty bars a column, 12 or 13 of them sleeps.
        EXPECT_NEAR(shares.time[static_cast<std::size_t>(fs::BarState::Computing)] / shares.total(), 0.75,
                    0.011)
            << c;
        EXPECT_NEAR(shares.total(), 500.0, 1.0) << "busy half of each microsecond";
    }
    for (std::int64_t c = 31; c < 1030; ++c)
        EXPECT_EQ(columns.whole.at(c), fs::BarState::Sleeping) << c;
    EXPECT_EQ(columns.whole.count(1030), 0u) << "the sleep ends where column 1030 begins";

    // Zoomed in to 1 ns per pixel, each bar is ten whole columns of its own state.
    const Columns close = walk(lane, 0, 1.0, 100, 200, model.now());
    EXPECT_TRUE(close.mixed.empty() || close.mixed.begin()->second.total() == 1.0);
    EXPECT_EQ(close.whole.at(105), fs::BarState::Computing); // the bar at 100–110 (i = 5)
    EXPECT_EQ(close.whole.count(115), 0u) << "a gap";
    EXPECT_EQ(close.whole.at(165), fs::BarState::Sleeping); // i = 8
}

TEST(TimelineModel, ATrackKnowsWhichBlocksHoldOverlappingBars)
{
    // A frame takes a block across a column's edge from a few of its bars when they follow one another;
    // crossed nesting (a lock let go inside a compute step, a sleep begun before the step ends) makes two bars
    // of one depth overlap, and their block must say so.
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    std::int64_t t = 0;
    for (int i = 0; i < 40 * static_cast<int>(fs::BarTrack::kBlock); ++i) {
        events.push_back(event(t, 0, EventType::LockAcquire, 1));
        events.push_back(event(t, 0, EventType::ComputeBegin));
        t += 100;
        if (i % 150 == 7) {
            events.push_back(event(t, 0, EventType::LockRelease, 1));
            events.push_back(event(t, 0, EventType::SleepBegin));
            t += 50;
            events.push_back(event(t, 0, EventType::ComputeEnd));
            t += 50;
            events.push_back(event(t, 0, EventType::SleepEnd));
        } else {
            events.push_back(event(t, 0, EventType::ComputeEnd));
            events.push_back(event(t, 0, EventType::LockRelease, 1));
        }
        t += 20;
    }
    model.appendEvents(events);
    const fs::Lane &lane = model.lane(0);
    ASSERT_EQ(lane.tracks().size(), 2u);
    const fs::BarTrack &nested = lane.tracks()[1];
    std::size_t tangled = 0;
    for (std::size_t b = 0; b < nested.blocks.size(); ++b) {
        bool overlap = false;
        for (std::size_t k = b * fs::BarTrack::kBlock; k + 1 < (b + 1) * fs::BarTrack::kBlock; ++k)
            overlap = overlap || lane.bars[nested.bars[k]].end > lane.bars[nested.bars[k + 1]].begin;
        EXPECT_EQ(nested.isTangled(b), overlap) << "block " << b;
        tangled += overlap;
    }
    EXPECT_GT(tangled, 3u);
    EXPECT_LT(tangled, nested.blocks.size() / 2);
    for (std::size_t b = 0; b < lane.tracks()[0].blocks.size(); ++b)
        EXPECT_FALSE(lane.tracks()[0].isTangled(b)) << "lock holds one after another";
}

TEST(TimelineModel, AColumnOfBarsOfNoLengthStillShowsWhenItsBlockCrossesAnEdge)
{
    // 100 ns a column. Block 0: 32 compute steps of 1 ns. Block 1: three compute steps in column 0 (the last
    // ending on its right edge), then 29 sleeps of no length at 150 ns, alone in column 1. A block across
    // an edge is taken from a few of its bars; column 1 must still come out, in the sleeps' colour.
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    const auto bar = [&](std::int64_t from, std::int64_t to, EventType begin, EventType end) {
        events.push_back(event(from, 0, begin));
        events.push_back(event(to, 0, end));
    };
    for (int i = 0; i < 32; ++i)
        bar(i, i + 1, EventType::ComputeBegin, EventType::ComputeEnd);
    bar(40, 50, EventType::ComputeBegin, EventType::ComputeEnd);
    bar(60, 70, EventType::ComputeBegin, EventType::ComputeEnd);
    bar(80, 100, EventType::ComputeBegin, EventType::ComputeEnd);
    for (int i = 0; i < 29; ++i)
        bar(150, 150, EventType::SleepBegin, EventType::SleepEnd);
    for (int i = 0; i < 40; ++i)
        bar(1000 + i * 10, 1005 + i * 10, EventType::ComputeBegin, EventType::ComputeEnd);
    model.appendEvents(events);
    const fs::Lane &lane = model.lane(0);
    ASSERT_EQ(lane.tracks().size(), 1u);
    ASSERT_GE(lane.tracks()[0].blocks.size(), 2u);
    const Columns got = walk(lane, 0, 0.01, 0, 20, model.now());
    ASSERT_EQ(got.mixed.count(1), 1u) << "the column of sleeps of no length";
    EXPECT_EQ(got.mixed.at(1).present, 1u << static_cast<unsigned>(fs::BarState::Sleeping));
    expectSameColumns(got, bruteForce(lane, 0, 0.01, 0, 20, model.now()), "no length");
}

TEST(TimelineModel, TrackColumnsAgreeWithEveryBarAtEveryZoom)
{
    // Random bars, nested, some long, some open at the end: what walkTrack says of each column (taking
    // sealed blocks whole where it can) is what adding up every bar's overlap says.
    std::mt19937 random(7);
    fs::TimelineModel model(std::vector<LaneInfo>{{"main", WorkerKind::Main, 1, 1}});
    std::vector<forkscope::core::Event> events;
    std::int64_t t = 0;
    for (int i = 0; i < 5000; ++i) {
        const std::int64_t length
            = random() % 50 == 0 ? 200'000 + random() % 2'000'000 : 1 + random() % 3'000;
        if (random() % 5 == 0) {
            events.push_back(event(t, 0, EventType::LockWait, 1));
            t += random() % 2 ? 0 : random() % 500;
            events.push_back(event(t, 0, EventType::LockAcquire, 1));
            events.push_back(event(t, 0, EventType::ComputeBegin));
            t += length;
            events.push_back(event(t, 0, EventType::ComputeEnd));
            events.push_back(event(t, 0, EventType::LockRelease, 1));
        } else {
            const bool sleep = random() % 3 == 0;
            events.push_back(event(t, 0, sleep ? EventType::SleepBegin : EventType::ComputeBegin));
            t += length;
            events.push_back(event(t, 0, sleep ? EventType::SleepEnd : EventType::ComputeEnd));
        }
        t += random() % 4 == 0 ? 0 : random() % 2'000;
    }
    events.push_back(event(t, 0, EventType::SleepBegin)); // still open
    model.appendEvents(events);
    const std::int64_t now = t + 123'456;
    model.setNow(now);
    const fs::Lane &lane = model.lane(0);
    ASSERT_EQ(lane.tracks().size(), 2u);
    for (const double pxPerNs : {1.0, 0.01, 0.001, 0.0001, 0.00001, 1e-6, 1e-7, 3e-8}) {
        const fs::PixelGrid grid{pxPerNs};
        // The whole run, or (zoomed in) 50,000 columns of it from a third of the way in.
        const std::int64_t columns = grid.column(now) + 2;
        const std::int64_t from = columns > 50'000 ? columns / 3 : -2;
        const std::int64_t to = columns > 50'000 ? from + 50'000 : columns;
        for (std::size_t depth = 0; depth < 2; ++depth) {
            const std::string what = "px/ns " + std::to_string(pxPerNs) + ", depth " + std::to_string(depth);
            expectSameColumns(walk(lane, depth, pxPerNs, from, to, now),
                              bruteForce(lane, depth, pxPerNs, from, to, now), what);
            // And a strip from a column in the middle, as a pan draws one.
            const std::int64_t middle = (from + to) / 2;
            expectSameColumns(walk(lane, depth, pxPerNs, middle, middle + 300, now),
                              bruteForce(lane, depth, pxPerNs, middle, middle + 300, now),
                              what + ", a strip");
        }
    }
}

/// Everything a model holds that a view draws, written out.
std::string dump(const fs::TimelineModel &model)
{
    std::ostringstream out;
    out << "now " << model.now() << " last " << model.lastEventTime() << " events " << model.eventCount()
        << " mainEnd " << model.mainEndNs() << " live " << model.live() << '\n';
    for (const fs::Lane &lane : model.lanes()) {
        out << "lane " << lane.info.name << ' ' << lane.info.pid << ' ' << lane.info.tid << ' '
            << lane.startNs << ' ' << lane.endNs << ' ' << lane.exitCode << ' ' << lane.signal << ' '
            << lane.cancelled << ' ' << lane.stateMask() << ' ' << lane.markerMask() << '\n';
        for (const fs::Bar &b : lane.bars)
            out << " bar " << b.begin << ' ' << b.end << ' ' << int(b.state) << ' ' << int(b.depth) << ' '
                << b.cancelled << ' ' << b.arg << ' ' << b.value << ' ' << b.result << '\n';
        for (const fs::Marker &m : lane.markers)
            out << " marker " << m.time << ' ' << int(m.kind) << ' ' << m.arg << ' ' << m.value << ' '
                << model.text(m) << '\n';
        for (const fs::GilSpan &g : lane.gil)
            out << " gil " << g.begin << ' ' << g.end << ' ' << g.holds << ' ' << g.forced << '\n';
        for (const fs::BarTrack &track : lane.tracks()) {
            out << " track " << track.closed << ':';
            for (const std::uint32_t b : track.bars)
                out << ' ' << b;
            for (const fs::BarTrack::Block &block : track.blocks) {
                out << " | " << block.maxEnd;
                for (const std::int64_t time : block.time)
                    out << ' ' << time;
            }
            for (std::size_t b = 0; b < track.blocks.size(); ++b)
                out << (track.isTangled(b) ? " tangled " : "")
                    << (track.isTangled(b) ? std::to_string(b) : "");
            out << '\n';
        }
    }
    for (const fs::JoinArrow &a : model.joinArrows())
        out << "join " << a.fromTime << ' ' << a.toTime << ' ' << a.fromLane << ' ' << a.toLane << '\n';
    for (const fs::MessageArrow &a : model.messageArrows())
        out << "message " << a.fromTime << ' ' << a.toTime << ' ' << a.fromLane << ' ' << a.toLane << ' '
            << a.value << ' ' << a.pipe << '\n';
    for (const auto &route : model.messageRoutes()) {
        out << "route " << route.fromLane << ' ' << route.toLane << ' ' << route.longest << ':';
        for (const std::uint32_t a : route.arrows)
            out << ' ' << a;
        out << '\n';
    }
    for (const fs::QueueTrack *q : model.busyQueues()) {
        out << "queue " << q->id << ' ' << q->name << ' ' << q->capacity << ' ' << q->peak << ' '
            << q->closedAt << ':';
        for (const auto &[time, fill] : q->fill)
            out << ' ' << time << '/' << fill;
        out << '\n';
    }
    for (const fs::LostUpdateMark &m : model.lostUpdates())
        out << "lost " << m.lost.lane << ' ' << m.lost.atNs << ' ' << m.lost.readNs << ' '
            << m.overwriterReadNs << ' ' << m.overwriterRead << ' ' << m.overwriterWrote << '\n';
    return out.str();
}

/// Whether an event changes the tracks layer (bars, lifelines, GIL and queue strips).
bool drawnOnTracks(EventType type)
{
    switch (type) {
    case EventType::Print:
    case EventType::ValueRead:
    case EventType::ValueWrite:
    case EventType::MainEnd:
    case EventType::Note:
    case EventType::Spawn:
    case EventType::VariableOpen:
    case EventType::PipeSend:
    case EventType::PipeRecv:
    case EventType::JoinEnd: return type == EventType::JoinEnd; // a join's end closes its wait
    default: return true;
    }
}

TEST(TimelineModel, LiveAppendsBuildTheModelBuiltAtOnce)
{
    // A run with everything in it (spans nested and cut, markers, joins, queues, a crash, lost updates), fed
    // in batches of every size from one event to all of them, with the present moving on between batches as
    // a live run's does: the model is the one built from all the events at once, before and after finish.
    auto events = mixedEvents();
    const auto lanes = mixedLanes();
    // Two tellers racing for a counter (their reads and writes interleave, so updates are lost), and
    // messages through a queue from the producer to the consumer.
    for (int i = 0; i < 40; ++i) {
        const std::uint32_t lane = 1 + (i % 2) * 2;
        const std::int64_t t = 30 * ms + i * 100'000;
        events.push_back(event(t, lane, EventType::ValueRead, 1));
        events.push_back(event(t + 150'000, lane, EventType::ValueWrite, 1));
        auto put = event(t, 1, EventType::QueuePut, 0, i);
        put.id = static_cast<std::uint32_t>(i + 1);
        put.detail = 1;
        auto get = event(t + 50'000, 3, EventType::QueueGet, 0, i);
        get.id = put.id;
        events.push_back(put);
        events.push_back(get);
    }
    events.push_back(event(25 * ms, 0, EventType::QueueOpen, 0, 4, "jobs"));
    events.push_back(event(25 * ms, 0, EventType::VariableOpen, 1, 0, "counter", forkscope::core::kShared));
    forkscope::test::sortByTime(events);
    // What each read saw and each write replaced, in time order.
    std::int64_t value = 0;
    std::uint32_t lastWrite = 0;
    std::int64_t readValue[5] = {};
    std::uint32_t writes[5] = {};
    for (forkscope::core::Event &e : events) {
        if (e.type == EventType::ValueRead && e.arg == 1) {
            e.value = value;
            e.ref = lastWrite;
            readValue[e.lane] = value;
        } else if (e.type == EventType::ValueWrite && e.arg == 1) {
            e.value = value = readValue[e.lane] + 1;
            e.ref = lastWrite;
            e.id = lastWrite = (e.lane << forkscope::core::kWriteCountBits) | ++writes[e.lane];
        }
    }
    const auto result = forkscope::test::resultFor(lanes, events, "mixed");

    fs::TimelineModel whole(lanes);
    whole.appendEvents(events);
    const std::string wholeLive = dump(whole);
    whole.finish(result);
    const std::string wholeFinished = dump(whole);

    for (const std::size_t batch :
         {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{50}, events.size()}) {
        fs::TimelineModel live(lanes);
        std::uint64_t revision = live.revision();
        for (std::size_t from = 0; from < events.size(); from += batch) {
            const auto part = std::span(events).subspan(from, std::min(batch, events.size() - from));
            live.appendEvents(part);
            EXPECT_GT(live.revision(), revision);
            // What changed on the tracks starts no later than the batch's first event drawn there (markers
            // and arrows are drawn afresh each frame).
            std::int64_t first = fs::kOpenEnd;
            for (const forkscope::core::Event &e : part)
                if (drawnOnTracks(e.type))
                    first = std::min(first, e.timeNs);
            const std::int64_t changed = live.changedSince(revision);
            EXPECT_LE(changed, first) << "batch from " << from;
            revision = live.revision();
            live.setNow(part.back().timeNs); // the present never runs ahead here: now is the last event's
            EXPECT_EQ(live.changedSince(revision), fs::kOpenEnd) << "nothing moved";
        }
        EXPECT_EQ(dump(live), wholeLive) << "batches of " << batch;
        live.finish(result);
        EXPECT_EQ(dump(live), wholeFinished) << "batches of " << batch;
        EXPECT_EQ(live.changedSince(revision), fs::TimelineModel::kWholeRun) << "finish changes everything";
    }
    EXPECT_FALSE(whole.lostUpdates().empty()) << "the race lost updates, so they were compared too";
    EXPECT_FALSE(whole.messageArrows().empty());
}

/// A run of ~370,000 events on 48 lanes with everything in it: nested spans and locks, GIL waits, holds and
/// hand-overs, prints, reads and writes, queue messages between lanes, late events that go before others on
/// their lane, a crash with spans open, joins. A whole run's size: appendEvents applies it in two threads.
std::vector<forkscope::core::Event> bigMixedEvents(std::vector<LaneInfo> &lanes)
{
    using forkscope::core::Event;
    constexpr std::uint32_t kLanes = 48;
    lanes = {{"main", WorkerKind::Main, 100, 100}};
    for (std::uint32_t i = 1; i < kLanes; ++i)
        lanes.push_back(
            {"worker " + std::to_string(i), i % 2 ? WorkerKind::Process : WorkerKind::Thread, 0, 0});
    std::mt19937 rng(2026);
    std::vector<Event> ev{event(0, 0, EventType::WorkerStart, 100, 100),
                          event(1, 0, EventType::QueueOpen, 0, 8, "jobs"),
                          event(1, 0, EventType::VariableOpen, 1, 0, "counter", forkscope::core::kShared)};
    std::uint32_t seq = 0;
    std::int64_t end = 0;
    for (std::uint32_t lane = 1; lane < kLanes; ++lane) {
        std::int64_t t = 10 + lane;
        ev.push_back(event(t, 0, EventType::Spawn, static_cast<std::int32_t>(lane)));
        ev.push_back(
            event(t, lane, EventType::WorkerStart, static_cast<std::int32_t>(1000 + lane), 1000 + lane));
        for (int step = 0; step < 2800; ++step) {
            t += 1 + rng() % 500;
            const std::int64_t d = 1 + rng() % 400;
            switch (rng() % 8) {
            case 0:
                ev.push_back(event(t, lane, EventType::ComputeBegin, 0, d));
                ev.push_back(event(t + d, lane, EventType::ComputeEnd, 0, 7));
                break;
            case 1:
                ev.push_back(event(t, lane, EventType::SleepBegin, 0, d));
                ev.push_back(event(t + d, lane, EventType::SleepEnd));
                break;
            case 2:
                ev.push_back(event(t, lane, EventType::LockWait, 1));
                ev.push_back(event(t + 1, lane, EventType::LockAcquire, 1));
                ev.push_back(event(t + 2, lane, EventType::SleepBegin, 0, d));
                ev.push_back(event(t + 2 + d, lane, EventType::SleepEnd));
                ev.push_back(event(t + 3 + d, lane, EventType::LockRelease, 1));
                break;
            case 3:
                ev.push_back(event(t, lane, EventType::GilRequest));
                ev.push_back(event(t + 1, lane, EventType::GilAcquire));
                ev.push_back(event(t + 1 + d, lane, d % 2 ? EventType::GilHandOver : EventType::GilRelease));
                break;
            case 4:
                ev.push_back(event(t, lane, EventType::Print, 0, 0, "step " + std::to_string(step)));
                break;
            case 5: {
                auto read = event(t, lane, EventType::ValueRead, 1, step);
                auto write = event(t + d, lane, EventType::ValueWrite, 1, step + 1);
                write.id = (lane << forkscope::core::kWriteCountBits) | static_cast<std::uint32_t>(step + 1);
                ev.push_back(read);
                ev.push_back(write);
                break;
            }
            case 6: {
                auto put = event(t, lane, EventType::QueuePut, 0, step);
                put.id = ++seq;
                put.detail = 1;
                auto get = event(t + d, lane % (kLanes - 1) + 1, EventType::QueueGet, 0, step);
                get.id = put.id;
                ev.push_back(put);
                ev.push_back(get);
                break;
            }
            default:
                ev.push_back(event(t, lane, EventType::TaskBegin, step, d, "work"));
                ev.push_back(event(t + d, lane, EventType::TaskEnd, step, 2 * d));
                break;
            }
            t += d + 4;
        }
        if (lane == 5) { // dies while computing
            ev.push_back(event(t, lane, EventType::ComputeBegin, 0, 1000));
            ev.push_back(event(t + 10, lane, EventType::WorkerEnd, 11, -1));
        } else {
            ev.push_back(event(t, lane, EventType::WorkerEnd, 0, 0));
        }
        end = std::max(end, t + 10);
    }
    for (std::uint32_t lane = 1; lane < kLanes; ++lane) {
        ev.push_back(event(end + lane, 0, EventType::JoinBegin, static_cast<std::int32_t>(lane)));
        ev.push_back(event(end + lane, 0, EventType::JoinEnd, static_cast<std::int32_t>(lane)));
    }
    ev.push_back(event(end + kLanes, 0, EventType::MainEnd));
    forkscope::test::sortByTime(ev);
    // Late ones, as a slow ring hands them over: bars that begin before the lane's last one.
    std::vector<Event> out;
    out.reserve(ev.size() + ev.size() / 2500);
    for (std::size_t i = 0; i < ev.size(); ++i) {
        out.push_back(ev[i]);
        if (i % 5000 == 4999 && ev[i].lane != 0 && ev[i].type != EventType::WorkerEnd) {
            out.push_back(event(ev[i].timeNs - 3000, ev[i].lane, EventType::SleepBegin, 0, 100));
            out.push_back(event(ev[i].timeNs - 2900, ev[i].lane, EventType::SleepEnd));
        }
    }
    return out;
}

TEST(TimelineModel, AWholeRunAppliedByTwoThreadsIsTheModelAppliedInBatches)
{
    // A whole run at once is applied by two threads (spans and bars on one, the rest on the other) into
    // room reserved in one shared block; in batches of 5,000 it is applied by one, into room from malloc.
    std::vector<LaneInfo> lanes;
    const auto events = bigMixedEvents(lanes);
    ASSERT_GE(events.size(), 300'000u) << "bigger than appendEvents' threshold for two threads (262,144)";
    fs::TimelineModel whole(lanes);
    whole.appendEvents(events);
    fs::TimelineModel batched(lanes);
    for (std::size_t from = 0; from < events.size(); from += 5000)
        batched.appendEvents(
            std::span(events).subspan(from, std::min<std::size_t>(5000, events.size() - from)));
    EXPECT_EQ(whole.lastAppendThreads(), 2);
    EXPECT_EQ(batched.lastAppendThreads(), 1);
    EXPECT_TRUE(whole.lane(1).bars.shared() && whole.lane(1).markers.shared());
    EXPECT_FALSE(batched.lane(1).bars.shared());
    std::size_t moved = 0;
    for (const fs::Lane &lane : whole.lanes())
        moved += !std::is_sorted(lane.bars.begin(), lane.bars.end(),
                                 [](const fs::Bar &a, const fs::Bar &b) { return a.begin < b.begin; });
    EXPECT_EQ(moved, 0u) << "late bars inserted in place";
    // Each lane's closed bars are the spans core::SpanPairer makes of its events (GIL spans apart), ends and
    // all: a late bar moves the ones after it on, and a span that closes finds its bar where it went.
    forkscope::core::SpanPairer pairer;
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> spans(lanes.size());
    for (const forkscope::core::Event &e : events)
        pairer.feed(
            e, [](forkscope::core::Span &) {},
            [&](const forkscope::core::Span &span) {
                if (!forkscope::core::isGilSpan(span.kind))
                    spans[span.lane].emplace_back(span.begin, span.end);
            });
    std::size_t late = 0;
    for (std::uint32_t l = 0; l < lanes.size(); ++l) {
        std::vector<std::pair<std::int64_t, std::int64_t>> bars;
        for (const fs::Bar &bar : whole.lane(l).bars)
            if (!bar.open())
                bars.emplace_back(bar.begin, bar.end);
        late += !std::is_sorted(spans[l].begin(), spans[l].end());
        std::sort(bars.begin(), bars.end());
        std::sort(spans[l].begin(), spans[l].end());
        EXPECT_EQ(bars, spans[l]) << "lane " << l;
    }
    EXPECT_GT(late, 10u) << "lanes with late bars";
    EXPECT_TRUE(whole.hasGil());
    for (int s = 0; s <= static_cast<int>(fs::BarState::Task); ++s)
        EXPECT_EQ(whole.hasState(static_cast<fs::BarState>(s)),
                  batched.hasState(static_cast<fs::BarState>(s)))
            << s;
    const std::string built = dump(whole);
    EXPECT_EQ(built, dump(batched));
    EXPECT_NE(built.find(" gil "), std::string::npos);
    EXPECT_NE(built.find("message "), std::string::npos);
    const auto result = forkscope::test::resultFor(lanes, events, "big mixed");
    whole.finish(result);
    batched.finish(result);
    EXPECT_EQ(dump(whole), dump(batched));
}

/// A lane's tracks as they should be, worked out from its bars alone: the bars of each depth in order, the
/// closed ones before the first open one, and a block per 32 of those.
std::string expectedTracks(const fs::Lane &lane)
{
    std::vector<std::vector<std::uint32_t>> byDepth;
    for (std::uint32_t i = 0; i < lane.bars.size(); ++i) {
        if (byDepth.size() <= lane.bars[i].depth)
            byDepth.resize(lane.bars[i].depth + 1u);
        byDepth[lane.bars[i].depth].push_back(i);
    }
    std::ostringstream out;
    for (const std::vector<std::uint32_t> &bars : byDepth) {
        std::size_t closed = 0;
        while (closed < bars.size() && !lane.bars[bars[closed]].open())
            ++closed;
        out << "track " << closed << ':';
        for (const std::uint32_t b : bars)
            out << ' ' << b;
        std::int64_t maxEnd = std::numeric_limits<std::int64_t>::min();
        for (std::size_t k = 0; k + fs::BarTrack::kBlock <= closed; k += fs::BarTrack::kBlock) {
            std::array<std::int64_t, fs::kBarStateCount> time{};
            for (std::size_t j = k; j < k + fs::BarTrack::kBlock; ++j) {
                const fs::Bar &bar = lane.bars[bars[j]];
                maxEnd = std::max(maxEnd, bar.end);
                time[static_cast<std::size_t>(bar.state)] += bar.end - bar.begin;
            }
            out << " | " << maxEnd;
            for (const std::int64_t t : time)
                out << ' ' << t;
        }
        out << '\n';
    }
    return out.str();
}

std::string tracksOf(const fs::Lane &lane)
{
    std::ostringstream out;
    for (const fs::BarTrack &track : lane.tracks()) {
        out << "track " << track.closed << ':';
        for (const std::uint32_t b : track.bars)
            out << ' ' << b;
        for (const fs::BarTrack::Block &block : track.blocks) {
            out << " | " << block.maxEnd;
            for (const std::int64_t time : block.time)
                out << ' ' << time;
        }
        out << '\n';
    }
    return out.str();
}

/// A lane's marker blocks as the model has them, and as they should be (the OR of each 32 markers' bits).
std::vector<std::uint16_t> markerBlocksOf(const fs::TimelineModel &model, std::uint32_t lane)
{
    const fs::MarkerBlocks &blocks = model.markerBlocks();
    return lane < blocks.lanes.size() ? blocks.lanes[lane].blocks : std::vector<std::uint16_t>();
}

std::vector<std::uint16_t> expectedMarkerBlocks(const fs::Lane &lane)
{
    std::vector<std::uint16_t> blocks((lane.markers.size() + fs::MarkerBlocks::kBlock - 1)
                                      / fs::MarkerBlocks::kBlock);
    for (std::size_t i = 0; i < lane.markers.size(); ++i)
        blocks[i / fs::MarkerBlocks::kBlock] |= fs::MarkerBlocks::bitsOf(lane.markers[i]);
    return blocks;
}

/// The first bar ending at or after `t`, by looking at every bar.
std::size_t firstEndingBruteForce(const fs::Lane &lane, std::int64_t t)
{
    std::int64_t maxEnd = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < lane.bars.size(); ++i) {
        maxEnd = std::max(maxEnd, lane.bars[i].end);
        if (maxEnd >= t)
            return i;
    }
    return lane.bars.size();
}

TEST(TimelineModel, TracksAndEndIndexBuiltWhenAskedForAreTheOnesBuiltAtOnce)
{
    // A lane's tracks and its index of ends are brought up to date when first asked for after a change. Bars
    // nested three deep, long outer bars open across many batches, stragglers that go before bars already
    // there (their indices move), fed in batches of every size and asked for after some batches and not
    // others: after each batch, what the lane says is what its bars say, and a model asked for nothing until
    // the end says the same. So do the marker blocks, with markers going before others now and then.
    std::mt19937 random(15);
    std::vector<forkscope::core::Event> events;
    std::int64_t t = 1'000;
    for (int i = 0; i < 3000; ++i) {
        const auto lane = static_cast<std::uint32_t>(random() % 3);
        const int pick = static_cast<int>(random() % 10);
        if (pick < 2) {
            // A hold with a sleep inside, a compute inside that.
            events.push_back(event(t, lane, EventType::LockAcquire, 1));
            events.push_back(event(t + 10, lane, EventType::SleepBegin));
            events.push_back(event(t + 20, lane, EventType::ComputeBegin));
            events.push_back(event(t + 30 + random() % 100, lane, EventType::ComputeEnd));
            events.push_back(event(t + 200, lane, EventType::SleepEnd));
            events.push_back(event(t + 200 + random() % 5'000, lane, EventType::LockRelease, 1));
        } else if (pick == 3) {
            // A printed line; one in three written late, so it goes before markers already there.
            const bool late = random() % 3 == 0;
            events.push_back(event(late ? t - 300 : t, lane, late ? EventType::Note : EventType::Print, 0, 0,
                                   late ? "late" : "printed"));
        } else if (pick == 2) {
            // A straggler: a bar that began before bars already added to its lane.
            const std::int64_t back = t - 1 - random() % 500;
            auto begin = event(back, lane, EventType::QueueBlockBegin, 3);
            events.push_back(begin);
            events.push_back(event(back + 5, lane, EventType::QueueBlockEnd, 3));
        } else {
            const bool sleep = random() % 2;
            events.push_back(event(t, lane, sleep ? EventType::SleepBegin : EventType::ComputeBegin));
            events.push_back(
                event(t + 1 + random() % 300, lane, sleep ? EventType::SleepEnd : EventType::ComputeEnd));
        }
        t += 50 + random() % 100;
    }
    // In time order, except the stragglers, which come when they were written (late).
    std::stable_sort(events.begin(), events.end(), [](const auto &a, const auto &b) {
        const auto when = [](const forkscope::core::Event &e) {
            const bool late = e.type == EventType::QueueBlockBegin || e.type == EventType::QueueBlockEnd
                || e.type == EventType::Note;
            return late ? e.timeNs + 600 : e.timeNs;
        };
        return when(a) < when(b);
    });
    // Some straggler does go before a bar already there.
    bool straggles = false;
    std::int64_t latestBegin[3] = {0, 0, 0};
    for (const forkscope::core::Event &e : events) {
        const bool begins = e.type == EventType::SleepBegin || e.type == EventType::ComputeBegin
            || e.type == EventType::LockAcquire || e.type == EventType::QueueBlockBegin;
        if (!begins)
            continue;
        straggles = straggles || e.timeNs < latestBegin[e.lane];
        latestBegin[e.lane] = std::max(latestBegin[e.lane], e.timeNs);
    }
    ASSERT_TRUE(straggles);
    const std::vector<LaneInfo> lanes{
        {"main", WorkerKind::Main, 1, 1}, {"a", WorkerKind::Thread, 1, 2}, {"b", WorkerKind::Thread, 1, 3}};
    for (const std::size_t batch : {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{1000}}) {
        fs::TimelineModel asked(lanes);
        fs::TimelineModel notAsked(lanes);
        for (std::size_t from = 0, n = 0; from < events.size(); from += batch, ++n) {
            const auto part = std::span(events).subspan(from, std::min(batch, events.size() - from));
            asked.appendEvents(part);
            notAsked.appendEvents(part);
            if (n % 3 == 2)
                continue; // not asked after this batch: two batches' changes pile up
            for (std::uint32_t l = 0; l < lanes.size(); ++l) {
                const fs::Lane &lane = asked.lane(l);
                ASSERT_EQ(tracksOf(lane), expectedTracks(lane)) << "batch " << batch << " from " << from;
                ASSERT_EQ(markerBlocksOf(asked, l), expectedMarkerBlocks(lane)) << "batch " << batch;
                for (int q = 0; q < 8; ++q) {
                    const std::int64_t at
                        = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(t));
                    ASSERT_EQ(lane.firstIndex(at), firstEndingBruteForce(lane, at)) << at;
                }
            }
        }
        for (std::uint32_t l = 0; l < lanes.size(); ++l) {
            ASSERT_EQ(tracksOf(notAsked.lane(l)), tracksOf(asked.lane(l)));
            ASSERT_EQ(tracksOf(notAsked.lane(l)), expectedTracks(notAsked.lane(l)));
            ASSERT_EQ(markerBlocksOf(notAsked, l), expectedMarkerBlocks(notAsked.lane(l)));
            EXPECT_GT(notAsked.lane(l).markers.size(), 2u * fs::MarkerBlocks::kBlock);
            EXPECT_GE(asked.lane(l).tracks().size(), 3u) << "nested three deep";
            for (std::int64_t q = 0; q < t; q += 997)
                ASSERT_EQ(notAsked.lane(l).firstIndex(q), firstEndingBruteForce(notAsked.lane(l), q)) << q;
        }
    }
}

TEST(TimelineModel, ARefreshAfterTheRunEndedDoesNotStretchTheFinishedRun)
{
    // Between main's end and the runner's report a refresh still sees the run going and moves the present
    // on to the clock, later the more loaded the machine: the finished model ends where the run ended (its
    // result and last event), as the same run opened from a file does, not where the window last looked.
    // (A live run saved and opened again was drawn on another time scale when the refresh came late.)
    auto events = mixedEvents();
    events.pop_back(); // main's end is not among the events yet: the result says it
    const auto result = forkscope::test::resultFor(mixedLanes(), mixedEvents(), "mixed");
    fs::TimelineModel saved(mixedLanes());
    saved.appendEvents(events);
    saved.finish(result);

    fs::TimelineModel live(mixedLanes());
    live.appendEvents(events);
    live.setNow(result.wallNs + 25 * ms); // the last refresh, late
    live.finish(result);
    EXPECT_EQ(live.now(), saved.now());
    EXPECT_EQ(live.now(), std::max(result.wallNs, saved.lastEventTime()));
    EXPECT_EQ(dump(live), dump(saved));
    EXPECT_EQ(fs::fitWindow(live), fs::fitWindow(saved)) << "fit to the same time scale";
}

TEST(TimelineModel, CompactionGivesABigLanesSpareRoomBackWithoutCopyingIt)
{
    // A finished run's vectors keep the room they grew for: compaction gives it back. A big lane's is not
    // copied to fit (on a VM each fresh page of the copy costs ~20 us: one lane of a million-event run held
    // the GUI thread 50-95 ms, and the slices left at the run's end 600 ms once on CI); its whole pages past
    // the end go back to the kernel, and its bars stay where they are, unchanged.
    const std::vector<LaneInfo> lanes{{"main", WorkerKind::Main, 100, 100},
                                      {"worker", WorkerKind::Thread, 0, 0}};
    std::vector<forkscope::core::Event> events{event(0, 0, EventType::WorkerStart, 100, 100),
                                               event(0, 1, EventType::WorkerStart, 100, 101)};
    // Batches that grow the worker's bars by doubling, so its last block has room to spare.
    fs::TimelineModel model(lanes);
    model.appendEvents(events);
    std::int64_t t = 1;
    for (int batch = 0; batch < 11; ++batch) {
        std::vector<forkscope::core::Event> part;
        for (int i = 0; i < (batch < 10 ? 10'000 : 3'000); ++i, t += 10) {
            part.push_back(event(t, 1, EventType::ComputeBegin, 0, 5));
            part.push_back(event(t + 5, 1, EventType::ComputeEnd));
        }
        model.appendEvents(part);
        events.insert(events.end(), part.begin(), part.end());
    }
    events.push_back(event(t, 1, EventType::WorkerEnd, 0, 0));
    events.push_back(event(t + 1, 0, EventType::WorkerEnd, 0, 0));
    model.appendEvents(std::span(events).last(2));
    const auto &bars = model.lane(1).bars;
    const long page = sysconf(_SC_PAGESIZE);
    const auto spareFrom
        = (reinterpret_cast<std::uintptr_t>(bars.data() + bars.size()) + page - 1) / page * page;
    const auto spareTo = reinterpret_cast<std::uintptr_t>(bars.data() + bars.capacity()) / page * page;
    ASSERT_GE(spareTo, spareFrom + 16 * static_cast<std::uintptr_t>(page)) << "the lane has room to spare";
    const fs::Bar *before = bars.data();
    const std::string drawn = dump(model);

    fs::LostUpdateSearch search = model.finishLater(forkscope::test::resultFor(lanes, events, "busy"));
    model.setLostUpdates(search.run());
    ASSERT_FALSE(model.compacted());
    while (model.compactSome(std::chrono::milliseconds(4))) { }
    ASSERT_TRUE(model.compacted());
    EXPECT_EQ(model.lane(1).bars.data(), before) << "a big lane was copied to fit";
    std::vector<unsigned char> resident((spareTo - spareFrom) / static_cast<std::uintptr_t>(page));
    ASSERT_EQ(mincore(reinterpret_cast<void *>(spareFrom), spareTo - spareFrom, resident.data()), 0);
    EXPECT_EQ(std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }), 0)
        << "pages past the lane's end are still held";
    fs::TimelineModel whole(lanes);
    whole.appendEvents(events);
    whole.finish(forkscope::test::resultFor(lanes, events, "busy"));
    EXPECT_EQ(dump(model), dump(whole)) << "compaction changed what is drawn";
    EXPECT_NE(dump(model), drawn) << "finishing changed nothing: the comparison above proves nothing";
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
