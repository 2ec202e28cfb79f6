// Time <-> pixel maths, tick steps and labels: no GUI involved.

#include "ui/time_axis.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace fs = forkscope::ui;

namespace {

constexpr std::int64_t us = 1'000;
constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t s = 1'000'000'000;

TEST(TimeAxis, TimeToXMapsWindowOntoWidth)
{
    const fs::TimeWindow w{1 * ms, 3 * ms};
    EXPECT_DOUBLE_EQ(fs::timeToX(1 * ms, w, 100, 400), 100);
    EXPECT_DOUBLE_EQ(fs::timeToX(2 * ms, w, 100, 400), 300);
    EXPECT_DOUBLE_EQ(fs::timeToX(3 * ms, w, 100, 400), 500);
    EXPECT_DOUBLE_EQ(fs::timeToX(0, w, 100, 400), -100); // outside is extrapolated, not clamped
}

TEST(TimeAxis, XToTimeInvertsTimeToX)
{
    const fs::TimeWindow w{-250 * us, 7 * ms + 3};
    for (const std::int64_t t : {-250 * us, std::int64_t{0}, 1 * ms, 3 * ms + 17, 7 * ms}) {
        const double x = fs::timeToX(t, w, 12, 1234);
        EXPECT_NEAR(static_cast<double>(fs::xToTime(x, w, 12, 1234)), static_cast<double>(t), 1.0) << t;
    }
    EXPECT_DOUBLE_EQ(fs::nsPerPixel({0, 1 * ms}, 1000), 1000.0);
}

struct StepCase {
    std::int64_t span;
    int maxTicks;
    std::int64_t step;
};

void PrintTo(const StepCase &c, std::ostream *os)
{
    *os << "span " << c.span << " ns, " << c.maxTicks << " ticks -> " << c.step << " ns";
}

class NiceTickStep : public ::testing::TestWithParam<StepCase> { };

TEST_P(NiceTickStep, PicksSmallestNiceStepThatFits)
{
    const StepCase c = GetParam();
    const std::int64_t step = fs::niceTickStep(c.span, c.maxTicks);
    EXPECT_EQ(step, c.step);
    EXPECT_LE(c.span / step, c.maxTicks);
}

INSTANTIATE_TEST_SUITE_P(Table, NiceTickStep,
                         ::testing::Values(StepCase{10 * ms, 10, 1 * ms}, // exactly ten steps of 1 ms
                                           StepCase{10 * ms + 1, 10,
                                                    2 * ms}, // a hair more needs the next step up
                                           StepCase{1 * ms, 4, 250 * us}, // the 2.5 family
                                           StepCase{3 * ms, 6, 500 * us}, //
                                           StepCase{2 * s, 8, 250 * ms},  //
                                           StepCase{20 * s, 10, 2 * s},   //
                                           StepCase{7, 10, 1},            // never below a nanosecond
                                           StepCase{45, 10, 5},           // 2.5 ns is not offered
                                           StepCase{90 * s, 5, 20 * s}));

TEST(TimeAxis, NiceTickStepDegenerateInputs)
{
    EXPECT_EQ(fs::niceTickStep(0, 10), 1);
    EXPECT_EQ(fs::niceTickStep(-5, 10), 1);
    EXPECT_EQ(fs::niceTickStep(1000, 0), 1);
}

TEST(TimeAxis, TickTimesAreMultiplesInsideWindow)
{
    EXPECT_EQ(fs::tickTimes({-300 * us, 1 * ms}, 500 * us), (std::vector<std::int64_t>{0, 500 * us, 1 * ms}));
    EXPECT_EQ(fs::tickTimes({-1 * ms, -1}, 500 * us), (std::vector<std::int64_t>{-1 * ms, -500 * us}));
    EXPECT_EQ(fs::tickTimes({1, 999}, 1000), std::vector<std::int64_t>{});
    EXPECT_TRUE(fs::tickTimes({0, 10}, 0).empty());
}

struct LabelCase {
    std::int64_t t;
    std::int64_t step;
    const char *label;
};

void PrintTo(const LabelCase &c, std::ostream *os)
{
    *os << c.t << " ns, step " << c.step << " ns -> \"" << c.label << "\"";
}

class TickLabel : public ::testing::TestWithParam<LabelCase> { };

TEST_P(TickLabel, ReadsNaturally)
{
    const LabelCase c = GetParam();
    EXPECT_EQ(fs::formatTickLabel(c.t, c.step), c.label);
}

INSTANTIATE_TEST_SUITE_P(Table, TickLabel,
                         ::testing::Values(LabelCase{0, 250 * us, "0"},               //
                                           LabelCase{250 * us, 250 * us, "250 µs"},   //
                                           LabelCase{750 * us, 250 * us, "750 µs"},   //
                                           LabelCase{1 * ms, 250 * us, "1 ms"},       //
                                           LabelCase{1250 * us, 250 * us, "1.25 ms"}, //
                                           LabelCase{1500 * us, 500 * us, "1.5 ms"},  //
                                           LabelCase{2 * s, 1 * s, "2 s"},            //
                                           LabelCase{2500 * ms, 500 * ms, "2.5 s"},   //
                                           LabelCase{1 * s + 250 * ms, 250 * ms, "1.25 s"},
                                           LabelCase{40, 20, "40 ns"},          //
                                           LabelCase{1500, 500, "1.5 µs"},      //
                                           LabelCase{-2 * ms, 1 * ms, "-2 ms"}, //
                                           LabelCase{12 * ms, 2 * ms, "12 ms"}));

TEST(TimeAxis, NeighbouringLabelsDiffer)
{
    // Whatever the zoom, the labels of consecutive ticks must never read the same.
    for (const std::int64_t span : {3 * us, 1 * ms + 7, 37 * ms, 2 * s + 3 * ms, 95 * s}) {
        const fs::TimeWindow w{span / 3, span / 3 + span};
        const std::int64_t step = fs::niceTickStep(span, 9);
        const auto ticks = fs::tickTimes(w, step);
        ASSERT_GE(ticks.size(), 2u) << span;
        for (std::size_t i = 1; i < ticks.size(); ++i)
            EXPECT_NE(fs::formatTickLabel(ticks[i - 1], step), fs::formatTickLabel(ticks[i], step)) << span;
    }
}

TEST(TimeAxis, FormatDuration)
{
    EXPECT_EQ(fs::formatDuration(812), "812 ns");
    EXPECT_EQ(fs::formatDuration(12'346), "12.35 µs");
    EXPECT_EQ(fs::formatDuration(1'500'000), "1.5 ms");
    EXPECT_EQ(fs::formatDuration(2'003'000'000), "2.003 s");
    EXPECT_EQ(fs::formatDuration(150 * ms), "150 ms");
}

TEST(TimeAxis, ZoomKeepsAnchorInPlace)
{
    const fs::TimeWindow w{0, 10 * ms};
    const fs::TimeWindow in = fs::zoomWindow(w, 2.0, 8 * ms);
    EXPECT_EQ(in.span(), 5 * ms);
    // 8 ms sat at 80 % of the width and still does.
    EXPECT_NEAR(fs::timeToX(8 * ms, in, 0, 1000), 800, 0.01);
    const fs::TimeWindow out = fs::zoomWindow(in, 0.5, 8 * ms);
    EXPECT_EQ(out, w);
}

TEST(TimeAxis, ZoomStopsAtMinimumSpan)
{
    const fs::TimeWindow tiny = fs::zoomWindow({0, 10 * us}, 1000.0, 5 * us);
    EXPECT_EQ(tiny.span(), fs::kMinWindowSpanNs);
    EXPECT_LE(tiny.beginNs, 5 * us);
    EXPECT_GE(tiny.endNs, 5 * us);
}

TEST(TimeAxis, PanKeepsSpan)
{
    EXPECT_EQ(fs::panWindow({1 * ms, 3 * ms}, -500 * us), (fs::TimeWindow{500 * us, 2500 * us}));
}

} // namespace

TEST(TimeAxis, TwoAndAHalfSecondStepsKeepTheirHalf)
{
    // Found on a slide: a 2.5 s step labelled 2, 5, 8, 12 s.
    EXPECT_EQ(fs::formatTickLabel(2'500'000'000, 2'500'000'000), "2.5 s");
    EXPECT_EQ(fs::formatTickLabel(5'000'000'000, 2'500'000'000), "5 s");
    EXPECT_EQ(fs::formatTickLabel(7'500'000'000, 2'500'000'000), "7.5 s");
    EXPECT_EQ(fs::formatTickLabel(12'500'000'000, 2'500'000'000), "12.5 s");
}
