// The one font-dependent step of the layout: what measureTimeline finds with real fonts (offscreen), and
// that layoutTimeline is arrangeTimeline with those metrics. Nothing is painted.

#include "render_fixture.hpp"
#include "ui/timeline/layout.hpp"

#include <QFont>
#include <QFontMetricsF>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::test::kMs;

namespace {

class TimelineMetricsTest : public ::testing::Test {
protected:
    forkscope::test::ExampleRun run = forkscope::test::smallRun();
    fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::PaintOptions options = [] {
        fs::PaintOptions o;
        o.window = {0, 100 * kMs};
        return o;
    }();
    QRectF rect{0, 0, 1000, 400};
};

TEST_F(TimelineMetricsTest, TitleAxisAndLegendTakeRoomOnlyWhenAsked)
{
    const fs::TimelineMetrics plain = fs::measureTimeline(model, rect, options);
    EXPECT_DOUBLE_EQ(plain.titleHeight, 0);
    EXPECT_GT(plain.axisHeight, 0);
    EXPECT_GT(plain.legendHeight, 0);

    options.title = QStringLiteral("A title");
    options.axis = false;
    options.legend = false;
    const fs::TimelineMetrics other = fs::measureTimeline(model, rect, options);
    EXPECT_GT(other.titleHeight, options.fontPixelSize) << "the title font is 1.5 times the size";
    EXPECT_DOUBLE_EQ(other.axisHeight, 0);
    EXPECT_DOUBLE_EQ(other.legendHeight, 0);
}

TEST_F(TimelineMetricsTest, HeaderRowsAreWholePixelsAndGrowWithTheFont)
{
    const double small = fs::measureTimeline(model, rect, options).headerHeight;
    options.fontPixelSize = 24;
    const double large = fs::measureTimeline(model, rect, options).headerHeight;
    EXPECT_EQ(small, std::floor(small));
    EXPECT_GT(large, small);
}

TEST_F(TimelineMetricsTest, LabelColumnFitsTheWidestNameUpToThirtyPercent)
{
    QFont bold(options.fontFamily);
    bold.setPixelSize(options.fontPixelSize);
    bold.setBold(true);
    const fs::TimelineMetrics fit = fs::measureTimeline(model, rect, options);
    EXPECT_GE(fit.labelWidth, 90);
    EXPECT_GE(fit.labelWidth, QFontMetricsF(bold).horizontalAdvance(QStringLiteral("worker")) + 14 + 16);

    run.lanes[2].name = std::string(200, 'w');
    run.result.lanes[2].info.name = run.lanes[2].name; // finish() takes the result's names
    const fs::TimelineModel longNames = forkscope::test::finishedModel(run);
    EXPECT_DOUBLE_EQ(fs::measureTimeline(longNames, rect, options).labelWidth, (1000 - 16) * 0.3);

    options.labelWidth = 150;
    EXPECT_DOUBLE_EQ(fs::measureTimeline(longNames, rect, options).labelWidth, 150)
        << "a fixed width is kept";
}

TEST_F(TimelineMetricsTest, LegendWrapsIntoMoreLinesWhenNarrow)
{
    const double wide = fs::measureTimeline(model, QRectF(0, 0, 1900, 400), options).legendHeight;
    const double narrow = fs::measureTimeline(model, QRectF(0, 0, 200, 400), options).legendHeight;
    EXPECT_GT(wide, 0);
    EXPECT_GE(narrow, 3 * wide) << "the small run's eleven entries cannot share a line 184 pixels wide";
}

TEST_F(TimelineMetricsTest, LayoutIsTheArrangementOfTheMeasuredMetrics)
{
    options.title = QStringLiteral("A title");
    const fs::TimelineLayout measured = fs::layoutTimeline(model, rect, options);
    const fs::TimelineLayout arranged
        = fs::arrangeTimeline(model, rect, options, fs::measureTimeline(model, rect, options));
    EXPECT_EQ(measured.titleRect, arranged.titleRect);
    EXPECT_EQ(measured.plotRect, arranged.plotRect);
    EXPECT_EQ(measured.legendRect, arranged.legendRect);
    EXPECT_EQ(measured.rowTop, arranged.rowTop);
}

} // namespace
