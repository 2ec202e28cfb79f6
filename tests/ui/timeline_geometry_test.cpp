// Layout and hit testing as pure geometry: rows, rectangles, bands and hits of a hand-made run with fixed
// metrics (no fonts), so no QGuiApplication and nothing painted.

#include "core/shared_memory/queue.hpp"
#include "render_fixture.hpp"
#include "ui/timeline/hit_test.hpp"
#include "ui/timeline/layout.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;

namespace {

/// What measureTimeline would find for a small font: an axis, a 200-pixel label column, 20-pixel headers.
fs::TimelineMetrics fixedMetrics()
{
    fs::TimelineMetrics metrics;
    metrics.axisHeight = 20;
    metrics.labelWidth = 200;
    metrics.headerHeight = 20;
    return metrics;
}

/// The small run with two messages on a queue: its rows end with the queue's fill strip.
fs::TimelineModel queueModel()
{
    forkscope::test::ExampleRun run = forkscope::test::smallRun();
    run.events.push_back(event(0, 0, EventType::QueueOpen, 3, 4, "jobs"));
    // Queue 3's message #0: put (the fill becomes 1), then got (0).
    forkscope::core::Event put = event(30 * kMs, 0, EventType::QueuePut, 3, 1);
    put.detail = 1;
    forkscope::core::Event get = event(50 * kMs, 2, EventType::QueueGet, 3, 1);
    run.events.push_back(put);
    run.events.push_back(get);
    forkscope::test::sortByTime(run.events);
    return forkscope::test::finishedModel(run);
}

class TimelineGeometryTest : public ::testing::Test {
protected:
    fs::TimelineLayout arrange(const QRectF &rect = QRectF(0, 0, 1000, 400)) const
    {
        return fs::arrangeTimeline(model, rect, options, metrics);
    }

    // Rows: header (main's process), main, helper, header (the worker's process), worker.
    fs::TimelineModel model = forkscope::test::finishedModel(forkscope::test::smallRun());
    fs::PaintOptions options = forkscope::test::fixedOptions(); // 0-100 ms, 40-pixel lanes, no legend
    fs::TimelineMetrics metrics = fixedMetrics();
};

TEST_F(TimelineGeometryTest, LabelColumnAxisAndPlotSitInsideTheMargin)
{
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.bounds, QRectF(0, 0, 1000, 400));
    EXPECT_TRUE(L.titleRect.isEmpty());
    EXPECT_TRUE(L.legendRect.isEmpty());
    EXPECT_EQ(L.axisRect, QRectF(208, 8, 784, 20)) << "right of the label column, under the top margin";
    EXPECT_EQ(L.labelRect, QRectF(8, 28, 200, 160));
    EXPECT_EQ(L.plotRect, QRectF(208, 28, 784, 160)) << "as tall as the rows: 20 + 40 + 40 + 20 + 40";
}

TEST_F(TimelineGeometryTest, RowsStackInDisplayOrder)
{
    const fs::TimelineLayout L = arrange();
    ASSERT_EQ(L.rows.size(), 5u);
    EXPECT_EQ(L.rows[0].kind, fs::DisplayRow::Kind::Header);
    EXPECT_EQ(L.rows[3].kind, fs::DisplayRow::Kind::Header);
    EXPECT_EQ(L.rows[3].group, 1u);
    EXPECT_EQ(L.rows[3].lane, 2u) << "a header names its group's leader";
    EXPECT_EQ(L.laneRow, (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(L.rowTop, (std::vector<double>{28, 48, 88, 128, 148}));
    EXPECT_EQ(L.rowHeight, (std::vector<double>{20, 40, 40, 20, 40}));
    EXPECT_EQ(L.visibleRows, 5);
}

TEST_F(TimelineGeometryTest, TitleAboveAndLegendBelow)
{
    metrics.titleHeight = 25;
    metrics.legendHeight = 30;
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.titleRect, QRectF(8, 8, 984, 25));
    EXPECT_DOUBLE_EQ(L.axisRect.top(), 8 + 25 + 6) << "a gap under the title";
    EXPECT_DOUBLE_EQ(L.plotRect.top(), L.axisRect.bottom());
    EXPECT_EQ(L.legendRect, QRectF(8, L.plotRect.bottom() + 6, 984, 30)) << "a gap over the legend";
}

TEST_F(TimelineGeometryTest, NoAxisPutsTheRowsRightUnderTheMargin)
{
    metrics.axisHeight = 0;
    const fs::TimelineLayout L = arrange();
    EXPECT_DOUBLE_EQ(L.axisRect.height(), 0);
    EXPECT_DOUBLE_EQ(L.plotRect.top(), 8);
    EXPECT_DOUBLE_EQ(L.laneCenterY(0), 8 + 20 + 20);
}

TEST_F(TimelineGeometryTest, RowsBeforeFirstRowStackUpwardsAboveThePlot)
{
    options.firstRow = 3; // the worker's header, then the worker
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.firstRow, 3);
    EXPECT_EQ(L.visibleRows, 2);
    EXPECT_DOUBLE_EQ(L.rowTop[3], L.plotRect.top());
    EXPECT_DOUBLE_EQ(L.rowTop[2], L.plotRect.top() - 40);
    EXPECT_DOUBLE_EQ(L.rowTop[0], L.plotRect.top() - 100);
    EXPECT_LT(L.laneCenterY(0), L.plotRect.top()) << "an arrow to a scrolled-away lane still has a y";
    EXPECT_DOUBLE_EQ(L.plotRect.height(), 60);
}

TEST_F(TimelineGeometryTest, FirstRowIsClampedToTheRows)
{
    options.firstRow = 99;
    EXPECT_EQ(arrange().firstRow, 4);
    options.firstRow = -3;
    EXPECT_EQ(arrange().firstRow, 0);
}

TEST_F(TimelineGeometryTest, RowCountLimitsTheVisibleRows)
{
    options.rowCount = 2;
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.visibleRows, 2);
    EXPECT_DOUBLE_EQ(L.plotRect.height(), 60);
    EXPECT_EQ(L.rowAt(L.laneCenterY(1)), -1) << "the helper's row is laid out but not shown";
}

TEST_F(TimelineGeometryTest, RowAtCountsARowsTopButNotItsBottom)
{
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.rowAt(48), 1);
    EXPECT_EQ(L.rowAt(47.99), 0);
    EXPECT_EQ(L.rowAt(187.99), 4);
    EXPECT_EQ(L.rowAt(188), -1) << "under the last row";
    EXPECT_EQ(L.rowAt(27.99), -1) << "in the axis";
}

TEST_F(TimelineGeometryTest, LaneCenterIsTheMiddleOfItsRow)
{
    const fs::TimelineLayout L = arrange();
    EXPECT_DOUBLE_EQ(L.laneCenterY(0), 48 + 20);
    EXPECT_DOUBLE_EQ(L.laneCenterY(2), 148 + 20);
    EXPECT_DOUBLE_EQ(L.laneCenterY(7), L.plotRect.top()) << "an unknown lane";
}

TEST_F(TimelineGeometryTest, BarBandsShrinkWithDepthAndKeepSomeHeight)
{
    const fs::TimelineLayout L = arrange();
    EXPECT_EQ(L.barBand(1, 0), QRectF(208, 88 + 3, 784, 40 - 6));
    EXPECT_EQ(L.barBand(1, 1), QRectF(208, 88 + 6, 784, 40 - 12)) << "a nested bar leaves its parent showing";
    // A deep nest stops 2 pixels short of the row's middle: a 4-pixel band.
    EXPECT_EQ(L.barBand(1, 50), QRectF(208, 88 + 18, 784, 4));
    EXPECT_TRUE(L.barBand(7, 0).isNull()) << "an unknown lane";
}

TEST_F(TimelineGeometryTest, TimeMapsOntoThePlotsWidth)
{
    const fs::TimelineLayout L = arrange();
    EXPECT_DOUBLE_EQ(L.timeToX(0), L.plotRect.left());
    EXPECT_DOUBLE_EQ(L.timeToX(100 * kMs), L.plotRect.right());
    EXPECT_DOUBLE_EQ(L.timeToX(50 * kMs), L.plotRect.center().x());
    EXPECT_EQ(L.xToTime(L.plotRect.center().x()), 50 * kMs);
}

TEST_F(TimelineGeometryTest, AnEmptyWindowBecomesOneNanosecond)
{
    options.window = {5 * kMs, 5 * kMs};
    EXPECT_EQ(arrange().window, (fs::TimeWindow{5 * kMs, 5 * kMs + 1}));
}

TEST(TimelineGeometry, QueueStripsComeLastAndAreTallerThanHeaders)
{
    const fs::TimelineModel model = queueModel();
    const std::vector<fs::DisplayRow> rows = fs::displayRows(model);
    ASSERT_EQ(rows.size(), 6u);
    EXPECT_EQ(rows.back().kind, fs::DisplayRow::Kind::Queue);
    EXPECT_EQ(rows.back().group, 3u) << "a queue row carries its queue's id";
    const fs::TimelineLayout L = fs::arrangeTimeline(model, QRectF(0, 0, 1000, 400),
                                                     forkscope::test::fixedOptions(), fixedMetrics());
    EXPECT_DOUBLE_EQ(L.rowHeight[5], 32) << "1.6 header heights, rounded up";
    EXPECT_DOUBLE_EQ(L.plotRect.bottom(), 28 + 160 + 32);
}

TEST(TimelineGeometry, FitWindowPadsTheRunByTwoPercent)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(forkscope::test::smallRun());
    const std::int64_t pad = 73 * kMs / 50; // the last event is at 73 ms
    EXPECT_EQ(fs::fitWindow(model), (fs::TimeWindow{-pad, 73 * kMs + pad}));
    EXPECT_EQ(fs::fitWindow(fs::TimelineModel()), (fs::TimeWindow{-20, fs::kMinWindowSpanNs + 20}))
        << "an empty run shows the smallest span";
}

// Lanes share the height left between the axis and the legend (legend 30 + gap 6; two 20-pixel headers),
// within [minLaneHeight, maxLaneHeight] and in whole pixels.
struct ShareCase {
    double height;     ///< of the picture
    double laneHeight; ///< expected
    int visibleRows;
};

std::ostream &operator<<(std::ostream &out, const ShareCase &c) { return out << c.height << " px high"; }

class LaneHeightShare : public ::testing::TestWithParam<ShareCase> { };

TEST_P(LaneHeightShare, LanesShareWhatIsLeftInWholePixels)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(forkscope::test::smallRun());
    fs::PaintOptions options; // laneHeight 0: shared, between 20 and 40
    options.window = {0, 100 * kMs};
    fs::TimelineMetrics metrics = fixedMetrics();
    metrics.legendHeight = 30;
    const fs::TimelineLayout L
        = fs::arrangeTimeline(model, QRectF(0, 0, 1000, GetParam().height), options, metrics);
    EXPECT_DOUBLE_EQ(L.laneHeight, GetParam().laneHeight);
    EXPECT_EQ(L.visibleRows, GetParam().visibleRows);
    EXPECT_LE(L.plotRect.bottom(), L.legendRect.top()) << "the last row is cut, never drawn over the legend";
}

INSTANTIATE_TEST_SUITE_P(
    Table, LaneHeightShare,
    ::testing::Values(ShareCase{218, 35, 5}, // (218 - 8 - 28 - 36 - 40) / 3 = 35.3 pixels each
                      ShareCase{400, 40, 5}, // plenty of room: the maximum
                      ShareCase{150, 20,
                                4})); // too little: the minimum, and only the rows that start in the room

TEST_F(TimelineGeometryTest, HitTestPrefersAMarkerToTheBarUnderIt)
{
    const fs::TimelineLayout L = arrange();
    // The worker prints at 61 ms, between two computes; 2 pixels off is still the marker.
    const fs::TimelineHit hit = fs::hitTest(model, L, QPointF(L.timeToX(61 * kMs) + 2, L.laneCenterY(2)));
    ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Marker);
    EXPECT_EQ(hit.lane, 2u);
    EXPECT_EQ(model.lane(2).markers[hit.index].kind, fs::MarkerKind::Print);
    EXPECT_EQ(hit.time, L.xToTime(L.timeToX(61 * kMs) + 2));
}

TEST_F(TimelineGeometryTest, HitTestPicksTheInnermostBarUnderThePoint)
{
    const fs::TimelineLayout L = arrange();
    const double x = L.timeToX(35 * kMs); // the helper sleeps (25-45 ms) inside its lock hold (15-55 ms)
    const fs::TimelineHit inner = fs::hitTest(model, L, QPointF(x, L.laneCenterY(1)));
    ASSERT_EQ(inner.kind, fs::TimelineHit::Kind::Bar);
    EXPECT_EQ(model.lane(1).bars[inner.index].state, fs::BarState::Sleeping);
    const fs::TimelineHit outer = fs::hitTest(model, L, QPointF(x, L.barBand(1, 0).top() + 1));
    ASSERT_EQ(outer.kind, fs::TimelineHit::Kind::Bar);
    EXPECT_EQ(model.lane(1).bars[outer.index].state, fs::BarState::LockHold) << "the edge of the outer band";
}

TEST_F(TimelineGeometryTest, HitTestNamesHeadersLanesAndEmptySpace)
{
    const fs::TimelineLayout L = arrange();
    const fs::TimelineHit header = fs::hitTest(model, L, QPointF(500, L.rowTop[3] + 5));
    EXPECT_EQ(header.kind, fs::TimelineHit::Kind::Header);
    EXPECT_EQ(header.index, 1u) << "the group";
    EXPECT_EQ(header.lane, 2u) << "its leader";

    const fs::TimelineHit label = fs::hitTest(model, L, QPointF(50, L.laneCenterY(1)));
    EXPECT_EQ(label.kind, fs::TimelineHit::Kind::Lane) << "the label column";
    EXPECT_EQ(label.lane, 1u);

    const fs::TimelineHit idle = fs::hitTest(model, L, QPointF(L.timeToX(85 * kMs), L.laneCenterY(0)));
    EXPECT_EQ(idle.kind, fs::TimelineHit::Kind::Lane) << "after main's end";
    EXPECT_EQ(idle.time, L.xToTime(L.timeToX(85 * kMs)));

    EXPECT_EQ(fs::hitTest(model, L, QPointF(L.plotRect.right() + 1, L.laneCenterY(0))).kind,
              fs::TimelineHit::Kind::None);
    EXPECT_EQ(fs::hitTest(model, L, QPointF(500, L.plotRect.bottom() + 1)).kind, fs::TimelineHit::Kind::None);
    EXPECT_EQ(fs::hitTest(model, L, QPointF(4, L.laneCenterY(0))).kind, fs::TimelineHit::Kind::None)
        << "in the margin";
}

TEST(TimelineGeometry, HitTestFindsNothingOnAQueueStrip)
{
    const fs::TimelineModel model = queueModel();
    const fs::TimelineLayout L = fs::arrangeTimeline(model, QRectF(0, 0, 1000, 400),
                                                     forkscope::test::fixedOptions(), fixedMetrics());
    const double y = L.rowTop[5] + L.rowHeight[5] / 2;
    EXPECT_EQ(fs::hitTest(model, L, QPointF(L.timeToX(40 * kMs), y)).kind, fs::TimelineHit::Kind::None);
}

} // namespace
