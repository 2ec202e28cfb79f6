// The trials histogram as a slide and as a tool: its title states the result, its texts are legible at
// 1920×1080 and never overlap, the x axis is numeric (binned when the spread is wide) with the expected value
// as a labelled line, and a bar answers hovering and clicking.

#include "ui/trials_chart.hpp"

#include <QApplication>
#include <QHelpEvent>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

/// 100 trials without the lock spread over -150..349 (one at 100), 100 with it, all at 100.
TrialsChartData wideData()
{
    TrialSeries without{QStringLiteral("without lock"), {}, false};
    for (int i = 0; i < 100; ++i)
        without.finals.push_back(i == 0 ? 100 : -150 + (i * 37) % 500);
    TrialSeries with{QStringLiteral("with lock"), std::vector<std::int64_t>(100, 100), true};
    return {QStringLiteral("bank, process: 100 trials per setting"), 100, {without, with}};
}

/// 20 trials without the lock between 97 and 103, 20 with it at 100: bins of one value each.
TrialsChartData narrowData()
{
    TrialSeries without{QStringLiteral("without lock"), {}, false};
    for (int i = 0; i < 20; ++i)
        without.finals.push_back(97 + i % 7);
    TrialSeries with{QStringLiteral("with lock"), std::vector<std::int64_t>(20, 100), true};
    return {QStringLiteral("bank, thread: 20 trials per setting"), 100, {without, with}};
}

const TrialBar *lockedBar(const TrialsChartLayout &layout)
{
    for (const TrialBar &bar : layout.bars)
        if (bar.series == 1)
            return &bar;
    return nullptr;
}

} // namespace

TEST(TrialsChart, TheTitleStatesTheResult)
{
    TrialsChartData data = wideData();
    EXPECT_EQ(trialsHeadline(data),
              QStringLiteral("Without a lock 99 of 100 trials wrong; with it 0 of 100"));
    data.series[1].finals.clear();
    EXPECT_EQ(trialsHeadline(data), QStringLiteral("Without a lock 99 of 100 trials wrong"))
        << "while the first series runs";
    data.series.clear();
    EXPECT_TRUE(trialsHeadline(data).startsWith(QStringLiteral("Run the bank with trials")));
}

struct LayoutCase {
    const char *name;
    QSize size;
    bool wide;
};

class TrialsChartLayoutTest : public ::testing::TestWithParam<LayoutCase> { };

TEST_P(TrialsChartLayoutTest, TextsAreLegibleAndNeverOverlap)
{
    const LayoutCase c = GetParam();
    const TrialsChartData data = c.wide ? wideData() : narrowData();
    const TrialsChartLayout l = layoutTrialsChart(data, QRectF(QPointF(0, 0), QSizeF(c.size)));
    ASSERT_FALSE(l.empty);
    const bool slide = c.size == QSize(1920, 1080);

    ASSERT_EQ(l.textsOf(ChartText::Title).size(), 1u);
    EXPECT_EQ(l.textsOf(ChartText::Title)[0]->text, trialsHeadline(data));
    if (slide) {
        EXPECT_GE(l.textsOf(ChartText::Title)[0]->font.pixelSize(), 40);
    }
    for (const ChartText &t : l.texts) {
        if (slide) {
            EXPECT_GE(t.font.pixelSize(), 22) << t.text.toStdString();
        }
        EXPECT_TRUE(l.bounds.contains(t.rect)) << t.text.toStdString();
    }
    for (std::size_t i = 0; i < l.texts.size(); ++i)
        for (std::size_t j = i + 1; j < l.texts.size(); ++j)
            EXPECT_FALSE(l.texts[i].rect.intersects(l.texts[j].rect))
                << "'" << l.texts[i].text.toStdString() << "' overlaps '" << l.texts[j].text.toStdString()
                << "'";

    // A numeric x axis: its labels are numbers, in order, where their values are; binned when wide.
    std::vector<double> xLabels;
    for (const ChartText *t : l.textsOf(ChartText::TickLabel))
        if (t->rect.top() > l.plot.bottom()) {
            bool number = false;
            const double v = t->text.toDouble(&number);
            ASSERT_TRUE(number) << t->text.toStdString();
            EXPECT_NEAR(t->rect.center().x(), l.xOf(v), 1.0);
            xLabels.push_back(v);
        }
    EXPECT_GE(xLabels.size(), 3u);
    EXPECT_LE(xLabels.size(), 16u) << "sparse";
    EXPECT_TRUE(std::is_sorted(xLabels.begin(), xLabels.end()));
    EXPECT_EQ(l.xTicks.size(), xLabels.size());
    EXPECT_EQ(l.bins.width > 1, c.wide) << "bins of one value when the spread is narrow";
    EXPECT_LE(l.bins.count(), 41);

    // The expected value: a line at 100 through the plot, labelled beside it.
    EXPECT_NEAR(l.expectedLine.x1(), l.xOf(100), 0.01);
    EXPECT_NEAR(l.expectedLine.p1().y(), l.plot.bottom(), 0.01);
    EXPECT_NEAR(l.expectedLine.p2().y(), l.plot.top(), 0.01);
    ASSERT_EQ(l.textsOf(ChartText::ExpectedLabel).size(), 1u);
    const ChartText &expected = *l.textsOf(ChartText::ExpectedLabel)[0];
    EXPECT_EQ(expected.text, QStringLiteral("expected 100"));
    EXPECT_TRUE(expected.rect.left() > l.expectedLine.x1() || expected.rect.right() < l.expectedLine.x1());
    EXPECT_LT(expected.rect.center().y(), l.barTop) << "above every bar";

    // Every trial in exactly one bar; the locked ones all in the bar of the expected value.
    for (int s = 0; s < 2; ++s) {
        int total = 0;
        for (const TrialBar &bar : l.bars)
            total += bar.series == s ? bar.count : 0;
        EXPECT_EQ(total, static_cast<int>(data.series[static_cast<std::size_t>(s)].finals.size()));
    }
    const TrialBar *locked = lockedBar(l);
    ASSERT_NE(locked, nullptr);
    EXPECT_EQ(locked->count, static_cast<int>(data.series[1].finals.size()));
    EXPECT_LE(locked->low, 100);
    EXPECT_GE(locked->high, 100);
    EXPECT_EQ(locked->atExpected, locked->count);
    for (std::size_t i = 0; i < l.bars.size(); ++i) {
        EXPECT_TRUE(l.plot.adjusted(-0.5, -0.5, 0.5, 0.5).contains(l.bars[i].rect));
        EXPECT_GE(l.bars[i].rect.height(), 2.0);
        for (std::size_t j = i + 1; j < l.bars.size(); ++j)
            EXPECT_FALSE(l.bars[i].rect.intersects(l.bars[j].rect));
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, TrialsChartLayoutTest,
                         ::testing::Values(LayoutCase{"slide_wide", {1920, 1080}, true},
                                           LayoutCase{"slide_narrow", {1920, 1080}, false},
                                           LayoutCase{"window_wide", {900, 560}, true},
                                           LayoutCase{"small_wide", {480, 320}, true},
                                           LayoutCase{"classic_wide", {1600, 1200}, true}),
                         [](const ::testing::TestParamInfo<LayoutCase> &c) {
                             return std::string(c.param.name);
                         });

TEST(TrialsChart, TheSlideShowsTheTitleTheBarsAndTheExpectedLine)
{
    const TrialsChartData data = wideData();
    TrialsChart chart;
    chart.setData(data);
    QImage image(1920, 1080, QImage::Format_RGB32);
    image.fill(Qt::white);
    const QRectF page(0, 0, 1920, 1080);
    {
        QPainter painter(&image);
        chart.paintTo(painter, page);
    }
    const TrialsChartLayout l = layoutTrialsChart(data, page);
    const auto dark = [&](int x, int y) { return image.pixelColor(x, y).lightness() < 100; };

    // The title's letters are at least 28 px tall on the page (a 44 px font's capitals and descenders).
    const QRect title = l.textsOf(ChartText::Title)[0]->rect.toAlignedRect();
    int firstInk = -1;
    int lastInk = -1;
    for (int y = title.top(); y <= title.bottom(); ++y)
        for (int x = title.left(); x <= title.right(); x += 2)
            if (dark(x, y)) {
                firstInk = firstInk < 0 ? y : firstInk;
                lastInk = y;
                break;
            }
    ASSERT_GE(firstInk, 0) << "the title is drawn";
    EXPECT_GE(lastInk - firstInk, 28);

    // The bars in their colours: the locked one green, the unlocked ones vermillion.
    const TrialBar *locked = lockedBar(l);
    ASSERT_NE(locked, nullptr);
    EXPECT_EQ(image.pixelColor((locked->rect.center() - QPointF(locked->rect.width() / 4, 0)).toPoint()),
              QColor(0x00, 0x9E, 0x73));
    EXPECT_GT(locked->rect.left(), l.xOf(100)) << "right of the unlocked trials that share its bin";
    // Alone in its bin, a bar stands on its value: the locked trials without unlocked ones near them.
    TrialsChartData apart = data;
    std::erase_if(apart.series[0].finals, [](std::int64_t v) { return v > 50 && v < 150; });
    const TrialsChartLayout alone = layoutTrialsChart(apart, page);
    ASSERT_NE(lockedBar(alone), nullptr);
    EXPECT_NEAR(lockedBar(alone)->rect.center().x(), alone.xOf(100), 1.0);
    const TrialBar &unlocked
        = *std::max_element(l.bars.begin(), l.bars.end(), [](const auto &a, const auto &b) {
              return (a.series == 0 ? a.count : -1) < (b.series == 0 ? b.count : -1);
          });
    EXPECT_EQ(image.pixelColor(unlocked.rect.center().toPoint()), QColor(0xD5, 0x5E, 0x00));

    // The expected line: dashes of ink along x = 100, over the locked bar too, from the plot's bottom to
    // its label.
    const int ex = static_cast<int>(std::lround(l.expectedLine.x1()));
    int ink = 0;
    int gaps = 0;
    for (int y = static_cast<int>(l.plot.top()); y < static_cast<int>(l.plot.bottom()) - 2; ++y)
        (image.pixelColor(ex, y).lightness() < 60 ? ink : gaps)++;
    EXPECT_GT(ink, 150) << "the line is drawn";
    EXPECT_GT(gaps, 50) << "dashed, not solid";
}

TEST(TrialsChart, ABarTellsWhatItCountsAndAClickAsksForSuchATrial)
{
    const TrialsChartData data = wideData();
    TrialsChart chart;
    chart.resize(1000, 620);
    chart.setData(data);
    chart.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&chart));
    const TrialsChartLayout &l = chart.currentLayout();
    const TrialBar *locked = lockedBar(l);
    ASSERT_NE(locked, nullptr);
    const QString tip = trialBarToolTip(data, *locked);
    EXPECT_TRUE(tip.contains(
        QStringLiteral("with lock: 100 trials ended between %1 and %2").arg(locked->low).arg(locked->high)))
        << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("100 of them at the expected 100"))) << tip.toStdString();

    // The tooltip the widget shows for that point is the bar's.
    const QPoint at = locked->rect.center().toPoint();
    QHelpEvent help(QEvent::ToolTip, at, chart.mapToGlobal(at));
    QApplication::sendEvent(&chart, &help);
    EXPECT_EQ(QToolTip::text(), tip);
    QToolTip::hideText();

    QSignalSpy clicked(&chart, &TrialsChart::barClicked);
    QTest::mouseClick(&chart, Qt::LeftButton, {}, at);
    ASSERT_EQ(clicked.size(), 1);
    EXPECT_EQ(clicked[0][0].toInt(), 1);
    EXPECT_EQ(clicked[0][1].toLongLong(), locked->low);
    EXPECT_EQ(clicked[0][2].toLongLong(), locked->high);
    // A click where no bar is asks for nothing.
    QTest::mouseClick(&chart, Qt::LeftButton, {},
                      QPoint(static_cast<int>(l.plot.left()) + 2, static_cast<int>(l.barTop) + 2));
    EXPECT_EQ(clicked.size(), 1);
}
