// The GIL lab's views: GIL spans in the timeline model and painter, and the speedup chart.

#include "render_fixture.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;
using forkscope::test::pixelAt;

namespace {

/// Two threads under one GIL: A holds it 10–30 ms and hands it over to B, who holds it 30–50 ms and
/// releases it; A waits 30–50 ms and holds it again 50–60 ms. Each computes while it holds the GIL, as the
/// runner records a work step: A's compute span ends at the hand-over and a new one begins when it has the
/// GIL back.
forkscope::test::ExampleRun twoGilThreads()
{
    forkscope::test::ExampleRun run;
    run.lanes = {{"main", forkscope::core::WorkerKind::Main, 100, 100},
                 {"A", forkscope::core::WorkerKind::Thread, 100, 101},
                 {"B", forkscope::core::WorkerKind::Thread, 100, 102}};
    run.events = {
        event(0, 0, EventType::WorkerStart, 100, 100),
        event(5 * kMs, 1, EventType::WorkerStart, 101, 100),
        event(10 * kMs, 1, EventType::GilRequest),
        event(10 * kMs, 1, EventType::GilAcquire, -1),
        event(10 * kMs, 1, EventType::ComputeBegin),
        event(12 * kMs, 2, EventType::WorkerStart, 102, 100),
        event(12 * kMs, 2, EventType::GilRequest),
        event(17 * kMs, 2, EventType::GilDropRequest, 1),
        event(30 * kMs, 1, EventType::ComputeEnd, forkscope::core::kWorkPausesForGil),
        event(30 * kMs, 1, EventType::GilHandOver, 2, 20 * kMs),
        event(30 * kMs, 1, EventType::GilRequest),
        event(30 * kMs, 2, EventType::GilAcquire, 1, 18 * kMs),
        event(30 * kMs, 2, EventType::ComputeBegin),
        event(50 * kMs, 2, EventType::ComputeEnd),
        event(50 * kMs, 2, EventType::GilRelease, 0, 20 * kMs),
        event(50 * kMs, 1, EventType::GilAcquire, 2, 20 * kMs),
        event(50 * kMs, 1, EventType::ComputeBegin, forkscope::core::kWorkResumesAfterGil),
        event(52 * kMs, 2, EventType::WorkerEnd),
        event(60 * kMs, 1, EventType::ComputeEnd),
        event(60 * kMs, 1, EventType::GilRelease, 0, 10 * kMs),
        event(62 * kMs, 1, EventType::WorkerEnd),
        event(70 * kMs, 0, EventType::WorkerEnd),
    };
    run.result = forkscope::test::resultFor(run.lanes, run.events, "gil");
    return run;
}

/// `model` painted into an image of `size` (filled with `fill` first), and the layout it was painted with.
struct Painted {
    QImage image;
    fs::TimelineLayout layout;
};
Painted paintInto(const fs::TimelineModel &model, const fs::PaintOptions &options, QSize size, QColor fill)
{
    Painted painted{QImage(size, QImage::Format_ARGB32), {}};
    painted.image.fill(fill);
    painted.layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), QSizeF(size)), options);
    QPainter painter(&painted.image);
    fs::paintTimeline(painter, model, painted.layout, options);
    return painted;
}

} // namespace

TEST(GilView, ModelKeepsWaitsAndHoldsApartFromBars)
{
    const auto run = twoGilThreads();
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    ASSERT_TRUE(model.hasGil());
    const auto &a = model.lane(1).gil;
    ASSERT_EQ(a.size(), 4u);
    EXPECT_TRUE(a[1].holds);
    EXPECT_EQ(a[1].begin, 10 * kMs);
    EXPECT_EQ(a[1].end, 30 * kMs);
    EXPECT_TRUE(a[1].forced) << "A's first hold ended in a hand-over";
    EXPECT_FALSE(a[2].holds);
    EXPECT_EQ(a[2].begin, 30 * kMs);
    EXPECT_EQ(a[2].end, 50 * kMs);
    EXPECT_FALSE(a[3].forced);
    EXPECT_EQ(model.lane(1).firstGilSpan(40 * kMs), 2u);
    EXPECT_TRUE(model.lane(1).markers.size() <= 2u) << "GIL events are not markers (start and end only)";
    // The model pairs each piece of the work into a bar of its own: none runs on through the wait.
    const auto &bars = model.lane(1).bars;
    ASSERT_EQ(bars.size(), 2u) << "computing until the hand-over, and again once the GIL is back";
    EXPECT_EQ(bars[0].begin, 10 * kMs);
    EXPECT_EQ(bars[0].end, 30 * kMs);
    EXPECT_EQ(bars[1].begin, 50 * kMs);
    EXPECT_EQ(bars[1].end, 60 * kMs);
    EXPECT_FALSE(fs::TimelineModel(run.lanes).hasGil());
}

TEST(GilView, HoldsAreAStripAndWaitsAHatch)
{
    const auto run = twoGilThreads();
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::PaintOptions options = forkscope::test::fixedOptions();
    const auto [image, layout] = paintInto(model, options, {1000, 300}, Qt::magenta);
    const fs::Theme &theme = options.theme;
    const auto x = [&](std::int64_t t) { return layout.timeToX(t); };
    const auto strip = [&](std::uint32_t lane) { return layout.barBand(lane, 0).bottom() - 1.5; };
    const auto upper = [&](std::uint32_t lane) { return layout.barBand(lane, 0).top() + 4; };
    const QColor computing = theme.stateColor(fs::BarState::Computing);
    // A holds it at 20 ms: its bar computes, with the hold strip beneath.
    EXPECT_EQ(pixelAt(image, x(20 * kMs), upper(1)), computing);
    EXPECT_EQ(pixelAt(image, x(20 * kMs), strip(1)), theme.gilHold);
    // B holds it at 40 ms, while A waits: A's bar is hatched over, without a strip.
    EXPECT_EQ(pixelAt(image, x(40 * kMs), strip(2)), theme.gilHold);
    EXPECT_EQ(pixelAt(image, x(40 * kMs), upper(2)), computing);
    int hatched = 0;
    int plain = 0;
    for (int dx = 0; dx < 20; ++dx) {
        const QColor c = pixelAt(image, x(35 * kMs) + dx, upper(1));
        hatched += c != computing;
        plain += c == computing;
        EXPECT_NE(pixelAt(image, x(35 * kMs) + dx, strip(1)), theme.gilHold);
    }
    EXPECT_EQ(plain, 0) << "a waiting lane's bar is covered";
    EXPECT_EQ(hatched, 20);

    // Hovering says what the lane does with the GIL there.
    const fs::TimelineHit holding = fs::hitTest(model, layout, QPointF(x(20 * kMs), upper(1)));
    ASSERT_EQ(holding.kind, fs::TimelineHit::Kind::Bar);
    EXPECT_TRUE(fs::describeHit(model, holding).contains(QStringLiteral("holds the GIL (for 20")))
        << fs::describeHit(model, holding).toStdString();
    EXPECT_TRUE(fs::describeHit(model, holding).contains(QStringLiteral("hands it over")));
    const fs::TimelineHit waiting = fs::hitTest(model, layout, QPointF(x(40 * kMs), upper(1)));
    EXPECT_TRUE(fs::describeHit(model, waiting).contains(QStringLiteral("waits for the GIL (20")))
        << fs::describeHit(model, waiting).toStdString();
}

TEST(GilView, AnExactLegendNamesTheGilOnlyWhereItsStripsCanBeSeen)
{
    // The legend of a slide (exactLegend) against the one listing all that was recorded, over the legend's
    // pixels: with holds and waits of 10-20 ms in a 70 ms run both name the GIL; with the same lanes taking the
    // GIL for a microsecond each (threads of a run that took it only to start, a pixel under their flags),
    // the slide's legend leaves both entries out.
    const auto legendInk = [](const forkscope::test::ExampleRun &run, bool exact) {
        const fs::TimelineModel model = forkscope::test::finishedModel(run);
        fs::PaintOptions options;
        options.window = {0, 70 * kMs};
        options.exactLegend = exact;
        const auto [image, layout] = paintInto(model, options, {1600, 500}, Qt::white);
        const QImage legend = image.copy(layout.legendRect.toAlignedRect());
        int ink = 0;
        for (int y = 0; y < legend.height(); ++y)
            for (int x = 0; x < legend.width(); ++x)
                ink += legend.pixelColor(x, y) != options.theme.background;
        return ink;
    };
    const auto isGil = [](EventType type) {
        return type == EventType::GilRequest || type == EventType::GilAcquire || type == EventType::GilRelease
            || type == EventType::GilHandOver || type == EventType::GilDropRequest;
    };
    // `run` without its GIL events: the legend the same run would have with no GIL at all.
    const auto withoutGil = [&](forkscope::test::ExampleRun run) {
        std::erase_if(run.events, [&](const forkscope::core::Event &e) { return isGil(e.type); });
        run.result = forkscope::test::resultFor(run.lanes, run.events, "gil");
        return run;
    };
    const forkscope::test::ExampleRun wide = twoGilThreads();
    EXPECT_GT(legendInk(wide, true), legendInk(withoutGil(wide), true)) << "holds and waits named";
    // The same run with every GIL event squeezed into the microsecond after its lane's start.
    forkscope::test::ExampleRun tiny = wide;
    std::vector<std::int64_t> start(tiny.lanes.size(), 0);
    int step = 0;
    for (auto &e : tiny.events) {
        if (e.type == EventType::WorkerStart)
            start[e.lane] = e.timeNs;
        if (isGil(e.type))
            e.timeNs = start[e.lane] + 100 + 10 * step++;
    }
    forkscope::test::sortByTime(tiny.events);
    tiny.result = forkscope::test::resultFor(tiny.lanes, tiny.events, "gil");
    EXPECT_TRUE(forkscope::test::finishedModel(tiny).hasGil());
    EXPECT_EQ(legendInk(tiny, true), legendInk(withoutGil(tiny), true)) << "nothing to see: not named";
    EXPECT_GT(legendInk(tiny, false), legendInk(tiny, true)) << "the window's legend names all recorded";
}

TEST(GilView, SpeedupChartDrawsWhatItIsGiven)
{
    fs::SpeedupChart chart;
    chart.resize(1200, 600);
    EXPECT_EQ(chart.speedup(QStringLiteral("cpu"), QStringLiteral("processes")), 0);
    const std::vector<forkscope::core::LabTiming> table{
        {"cpu", "sequential", 4'000'000'000}, {"cpu", "gil-threads", 4'100'000'000},
        {"cpu", "threads", 2'000'000'000},    {"io", "sequential", 4'000'000'000},
        {"io", "gil-threads", 1'000'000'000},
    };
    chart.setData(QStringLiteral("lab"), table, 4, 2);
    EXPECT_DOUBLE_EQ(chart.wallSeconds(QStringLiteral("cpu"), QStringLiteral("gil-threads")), 4.1);
    EXPECT_DOUBLE_EQ(chart.speedup(QStringLiteral("cpu"), QStringLiteral("threads")), 2.0);
    EXPECT_NEAR(chart.speedup(QStringLiteral("cpu"), QStringLiteral("gil-threads")), 4.0 / 4.1, 1e-9);
    EXPECT_DOUBLE_EQ(chart.speedup(QStringLiteral("io"), QStringLiteral("gil-threads")), 4.0);
    EXPECT_EQ(chart.speedup(QStringLiteral("io"), QStringLiteral("processes")), 0) << "not run yet: no bar";
    EXPECT_TRUE(chart.title().contains(QStringLiteral("2 core"))) << chart.title().toStdString();

    // Painted for export: both kinds of work show in their colours.
    QImage image(1200, 600, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    chart.paintTo(painter, QRectF(0, 0, 1200, 600));
    painter.end();
    int orange = 0;
    int blue = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            orange += c == QColor(0xE6, 0x9F, 0x00);
            blue += c == QColor(0x56, 0xB4, 0xE9);
        }
    EXPECT_GT(orange, 500);
    EXPECT_GT(blue, 500);
}
