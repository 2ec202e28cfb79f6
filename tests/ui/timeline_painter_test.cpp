// Paints a hand-made run into a QImage and checks pixels at coordinates computed from the time axis.

#include "bench/paint_scene.hpp"
#include "render_fixture.hpp"
#include "ui/timeline/layout.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::test::kMs;
using forkscope::test::pixelAt;

namespace {

constexpr int kWidth = 1000;
constexpr int kHeight = 400;

struct Rendered {
    QImage image;
    fs::TimelineLayout layout;
};

Rendered render(const fs::TimelineModel &model, const fs::PaintOptions &options)
{
    Rendered r;
    r.image = QImage(kWidth, kHeight, QImage::Format_ARGB32);
    r.image.fill(Qt::magenta); // anything left unpainted would show
    r.layout = fs::layoutTimeline(model, QRectF(0, 0, kWidth, kHeight), options);
    QPainter painter(&r.image);
    fs::paintTimeline(painter, model, r.layout, options);
    return r;
}

/// x of time t, computed independently of the layout's helpers: plot left + fraction of plot width.
double xOf(const fs::TimelineLayout &layout, std::int64_t t)
{
    const double fraction
        = static_cast<double>(t - layout.window.beginNs) / static_cast<double>(layout.window.span());
    return layout.plotRect.left() + fraction * layout.plotRect.width();
}

/// A point inside lane `lane`'s bars but clear of the lifeline and of markers at the top of the row.
double barY(const fs::TimelineLayout &layout, std::uint32_t lane) { return layout.laneCenterY(lane) + 8; }

class TimelinePainterTest : public ::testing::Test {
protected:
    forkscope::test::ExampleRun run = forkscope::test::smallRun();
    fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::PaintOptions options = forkscope::test::fixedOptions();
    fs::Theme theme = options.theme;
};

TEST_F(TimelinePainterTest, LayoutPutsRowsInProcessOrder)
{
    const Rendered r = render(model, options);
    // Header(main process), main, helper, Header(worker process), worker.
    ASSERT_EQ(r.layout.rows.size(), 5u);
    EXPECT_EQ(r.layout.rows[0].kind, fs::DisplayRow::Kind::Header);
    EXPECT_EQ(r.layout.rows[1].lane, 0u);
    EXPECT_EQ(r.layout.rows[2].lane, 1u);
    EXPECT_EQ(r.layout.rows[3].kind, fs::DisplayRow::Kind::Header);
    EXPECT_EQ(r.layout.rows[4].lane, 2u);
    EXPECT_EQ(r.layout.visibleRows, 5);
    EXPECT_DOUBLE_EQ(r.layout.laneHeight, 40);
    EXPECT_LT(r.layout.laneCenterY(0), r.layout.laneCenterY(1));
    EXPECT_LT(r.layout.laneCenterY(1), r.layout.laneCenterY(2));
    EXPECT_GE(r.layout.plotRect.left(), 200);
    EXPECT_EQ(fs::groupTitle(model, 1), QStringLiteral("process 200 · worker"));
}

TEST_F(TimelinePainterTest, BarsHaveTheirStateColourPerLane)
{
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    EXPECT_EQ(pixelAt(r.image, xOf(L, 25 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::Sleeping));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 58 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::JoinWait));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 40 * kMs), barY(L, 2)), theme.stateColor(fs::BarState::Computing));
    // The helper holds the lock from 15 to 55 ms ...
    EXPECT_EQ(pixelAt(r.image, xOf(L, 20 * kMs), barY(L, 1)), theme.stateColor(fs::BarState::LockHold));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 50 * kMs), barY(L, 1)), theme.stateColor(fs::BarState::LockHold));
    // ... and sleeps inside it 25–45 ms: the sleep fills the middle, the hold still shows at the edge.
    EXPECT_EQ(pixelAt(r.image, xOf(L, 35 * kMs), barY(L, 1)), theme.stateColor(fs::BarState::Sleeping));
    const QRectF holdBand = L.barBand(1, 0);
    const QRectF sleepBand = L.barBand(1, 1);
    ASSERT_LT(holdBand.top() + 1, sleepBand.top());
    EXPECT_EQ(pixelAt(r.image, xOf(L, 35 * kMs), holdBand.top() + 1),
              theme.stateColor(fs::BarState::LockHold));
}

TEST_F(TimelinePainterTest, BackgroundWhereNothingHappens)
{
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    // Before main's sleep and after every lane has ended: the row's own background.
    EXPECT_EQ(pixelAt(r.image, xOf(L, 85 * kMs), barY(L, 0)), theme.background);
    EXPECT_EQ(pixelAt(r.image, xOf(L, 85 * kMs), barY(L, 1)), theme.alternateRow)
        << "second lane of its process";
    EXPECT_EQ(pixelAt(r.image, xOf(L, 87 * kMs), barY(L, 2)), theme.background)
        << "first lane of its process";
    EXPECT_EQ(pixelAt(r.image, xOf(L, 7 * kMs), barY(L, 0)), theme.background);
    // Nothing is left unpainted, even below the rows.
    EXPECT_EQ(pixelAt(r.image, kWidth - 3, kHeight - 3), theme.background);
    EXPECT_EQ(pixelAt(r.image, 2, 2), theme.background);
}

TEST_F(TimelinePainterTest, TinyBarGetsAtLeastOnePixel)
{
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    // 10 ns at 100 ms over ~780 px is 1/12800 of a pixel; it still shows.
    const double x = std::round(xOf(L, 62 * kMs));
    bool found = false;
    for (double dx = -1; dx <= 1; ++dx)
        found = found || pixelAt(r.image, x + dx, barY(L, 2)) == theme.stateColor(fs::BarState::Computing);
    EXPECT_TRUE(found);
    EXPECT_EQ(pixelAt(r.image, x + 4, barY(L, 2)), theme.background);
}

TEST_F(TimelinePainterTest, WindowSelectsWhatIsVisible)
{
    // Zoomed onto 30–50 ms: the worker's compute fills the lane, main's sleep ends at 40 ms.
    options.window = {30 * kMs, 50 * kMs};
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    EXPECT_EQ(pixelAt(r.image, L.plotRect.left() + 2, barY(L, 2)), theme.stateColor(fs::BarState::Computing));
    EXPECT_EQ(pixelAt(r.image, L.plotRect.right() - 2, barY(L, 2)),
              theme.stateColor(fs::BarState::Computing));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 35 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::Sleeping));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 43 * kMs + 300'000), barY(L, 0)), theme.background);
    EXPECT_EQ(pixelAt(r.image, xOf(L, 47 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::JoinWait));
}

TEST_F(TimelinePainterTest, RowRangeHidesOtherLanes)
{
    options.firstRow = 3; // the worker's process header, then the worker
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    EXPECT_EQ(L.visibleRows, 2);
    EXPECT_EQ(L.rowAt(L.laneCenterY(2)), 4);
    EXPECT_EQ(L.rowAt(L.laneCenterY(0)), -1) << "main is scrolled away";
    EXPECT_EQ(pixelAt(r.image, xOf(L, 40 * kMs), barY(L, 2)), theme.stateColor(fs::BarState::Computing));
    // The worker's row is now right under the header row.
    EXPECT_NEAR(L.laneCenterY(2), L.plotRect.top() + L.headerHeight + 20, 0.5);
}

TEST_F(TimelinePainterTest, DarkThemePaintsDark)
{
    options.theme = fs::Theme::dark();
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    EXPECT_EQ(pixelAt(r.image, xOf(L, 85 * kMs), barY(L, 0)), options.theme.background);
    EXPECT_LT(options.theme.background.lightness(), 60);
    EXPECT_EQ(pixelAt(r.image, xOf(L, 25 * kMs), barY(L, 0)),
              options.theme.stateColor(fs::BarState::Sleeping));
}

TEST_F(TimelinePainterTest, OpenBarReachesNowWhileLive)
{
    fs::TimelineModel live(run.lanes);
    // Up to main's sleep beginning at 10 ms (the sixth event), then the present moves to 30 ms.
    live.appendEvents(std::span(run.events).first(6));
    live.setNow(30 * kMs);
    const Rendered r = render(live, options);
    const auto &L = r.layout;
    EXPECT_EQ(pixelAt(r.image, xOf(L, 28 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::Sleeping));
    EXPECT_EQ(pixelAt(r.image, xOf(L, 33 * kMs), barY(L, 0)), theme.background);
}

TEST_F(TimelinePainterTest, EmptyModelPaintsBackgroundAndAxis)
{
    const fs::TimelineModel empty;
    const Rendered r = render(empty, options);
    EXPECT_TRUE(r.layout.rows.empty());
    EXPECT_EQ(r.layout.visibleRows, 0);
    EXPECT_EQ(pixelAt(r.image, kWidth / 2, kHeight / 2), theme.background);
    EXPECT_EQ(fs::hitTest(empty, r.layout, QPointF(500, 100)).kind, fs::TimelineHit::Kind::None);
}

TEST_F(TimelinePainterTest, LegendAndTitleTakeTheirPlace)
{
    options.legend = true;
    options.title = QStringLiteral("A title");
    const Rendered r = render(model, options);
    const auto &L = r.layout;
    ASSERT_FALSE(L.titleRect.isEmpty());
    ASSERT_FALSE(L.legendRect.isEmpty());
    EXPECT_LE(L.titleRect.bottom(), L.axisRect.top());
    EXPECT_LE(L.plotRect.bottom(), L.legendRect.top());
    EXPECT_LE(L.legendRect.bottom(), kHeight);
    // The first legend swatch is the first state seen (computing), drawn at the legend's left edge.
    const QColor swatch
        = pixelAt(r.image, L.legendRect.left() + 6, L.legendRect.top() + L.legendRect.height() / 2);
    EXPECT_EQ(swatch, theme.stateColor(fs::BarState::Computing));
    // Bars still sit where the axis says.
    EXPECT_EQ(pixelAt(r.image, xOf(L, 25 * kMs), barY(L, 0)), theme.stateColor(fs::BarState::Sleeping));
}

TEST_F(TimelinePainterTest, StatesAreDistinct)
{
    // The palette must keep every state apart (and apart from the backgrounds) in both themes.
    for (const fs::Theme &t : {fs::Theme::light(), fs::Theme::dark()}) {
        for (int a = 0; a < fs::kBarStateCount; ++a) {
            EXPECT_NE(t.states[static_cast<std::size_t>(a)], t.background);
            for (int b = a + 1; b < fs::kBarStateCount; ++b)
                EXPECT_NE(t.states[static_cast<std::size_t>(a)], t.states[static_cast<std::size_t>(b)]);
        }
    }
}

TEST_F(TimelinePainterTest, HitTestFindsBarsAndMarkers)
{
    const fs::TimelineLayout L = fs::layoutTimeline(model, QRectF(0, 0, kWidth, kHeight), options);
    fs::TimelineHit hit = fs::hitTest(model, L, QPointF(xOf(L, 35 * kMs), barY(L, 1)));
    ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Bar);
    EXPECT_EQ(hit.lane, 1u);
    EXPECT_EQ(model.lane(1).bars[hit.index].state, fs::BarState::Sleeping) << "the innermost bar wins";

    hit = fs::hitTest(model, L, QPointF(xOf(L, 35 * kMs), L.barBand(1, 0).top() + 1));
    ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Bar);
    EXPECT_EQ(model.lane(1).bars[hit.index].state, fs::BarState::LockHold);

    hit = fs::hitTest(model, L, QPointF(xOf(L, 61 * kMs) + 1, L.laneCenterY(2) - 10));
    ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Marker);
    EXPECT_EQ(model.lane(2).markers[hit.index].kind, fs::MarkerKind::Print);
    const QString text = fs::describeHit(model, hit);
    EXPECT_TRUE(text.contains(QStringLiteral("hi"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("pid 200"))) << text.toStdString();

    hit = fs::hitTest(model, L, QPointF(xOf(L, 85 * kMs), barY(L, 0)));
    EXPECT_EQ(hit.kind, fs::TimelineHit::Kind::Lane);
    hit = fs::hitTest(model, L, QPointF(50, 2));
    EXPECT_EQ(hit.kind, fs::TimelineHit::Kind::None);
}

TEST(TimelineLevelOfDetail, ColoursKeepTheirSharesAtEveryWidth)
{
    // A bank teller's lane as the tutorial runs it: thinks (computes) 0.5 ms, sleeps 2 ms, 500 times; a
    // fifth of its time computing. Zoomed out to the whole run, a pixel holds parts of several updates: at
    // every width the lane must still read one fifth orange and four fifths blue, not whichever state got
    // the pixel (at one width mostly blue, at another mostly orange).
    using forkscope::core::EventType;
    using forkscope::test::event;
    forkscope::test::ExampleRun run;
    run.lanes = {{"teller", forkscope::core::WorkerKind::Thread, 100, 101}};
    run.events.push_back(event(0, 0, EventType::WorkerStart, 101, 100));
    std::int64_t t = 0;
    for (int i = 0; i < 500; ++i) {
        run.events.push_back(event(t, 0, EventType::ComputeBegin, 0, 500'000));
        run.events.push_back(event(t + 500'000, 0, EventType::ComputeEnd));
        run.events.push_back(event(t + 500'000, 0, EventType::SleepBegin, 0, 2'000'000));
        t += 2'500'000;
        run.events.push_back(event(t, 0, EventType::SleepEnd));
    }
    run.events.push_back(event(t, 0, EventType::WorkerEnd));
    run.result = forkscope::test::resultFor(run.lanes, run.events, "bank");
    const fs::TimelineModel model = forkscope::test::finishedModel(run);

    fs::PaintOptions options = forkscope::test::fixedOptions();
    options.window = {0, t};
    const fs::Theme theme = options.theme;
    for (const int width : {400, 520, 700, 811, 1000, 1280, 1600, 1920, 3000}) {
        const QRectF frame(0, 0, width, 200);
        const fs::TimelineLayout layout = fs::layoutTimeline(model, frame, options);
        QImage image(width, 200, QImage::Format_ARGB32);
        QPainter painter(&image);
        fs::paintTimeline(painter, model, layout, options);
        painter.end();
        // Every pixel row of the lane's bars (whose centre is inside its band).
        const QRectF band = layout.barBand(0, 0);
        double computing = 0;
        double sleeping = 0;
        for (int y = 0; y < image.height(); ++y) {
            if (y + 0.5 < band.top() || y + 0.5 >= band.bottom())
                continue;
            for (int x = static_cast<int>(layout.timeToX(0)) + 1; x < static_cast<int>(layout.timeToX(t)) - 1;
                 ++x) {
                const QColor c = image.pixelColor(x, y);
                computing += c == theme.stateColor(fs::BarState::Computing);
                sleeping += c == theme.stateColor(fs::BarState::Sleeping);
            }
        }
        ASSERT_GT(computing + sleeping, 0) << width;
        EXPECT_NEAR(computing / (computing + sleeping), 0.2, 0.03)
            << "at " << width << " px wide (" << layout.plotRect.width() / 500 << " px per update), band "
            << band.top() << "–" << band.bottom() << ", counted " << computing << " + " << sleeping;
    }
}

} // namespace

TEST(TimelinePainterThreads, BarsDrawnByTwoThreadsAreTheBarsOneThreadDraws)
{
    // paint_bench's scene, smaller: every kind of bar, nested holds, GIL strips, queue rows, lost updates.
    const forkscope::bench::SceneShape shape{80, 8000};
    fs::TimelineModel model(forkscope::bench::sceneLanes(shape));
    forkscope::bench::SceneStream stream(shape);
    std::vector<forkscope::core::Event> batch;
    while (!stream.done()) {
        batch.clear();
        stream.next(batch, 65536);
        model.appendEvents(batch);
    }
    const fs::TimeWindow whole = fs::fitWindow(model);
    int twice = 0;
    int compared = 0;
    for (const fs::TimeWindow &window :
         {whole, fs::TimeWindow{whole.beginNs + whole.span() / 3, whole.beginNs + whole.span() / 2}}) {
        for (const int variant : {0, 1, 2, 3}) {
            for (const qreal ratio : {1.0, 2.0}) {
                // 0: the top rows; 1: from row 7, the plot half a pixel down (rows at fractions of a pixel);
                // 2: alike lanes folded; 3: only the tracks, in a strip of the plot (a pan's or a live tick's).
                const QRectF bounds(0, variant == 1 ? 0.5 : 0, 1600, 899);
                QImage images[2];
                int threads[2] = {0, 0};
                for (int t = 0; t < 2; ++t) {
                    fs::PaintOptions options;
                    options.window = window;
                    options.firstRow = variant == 1 ? 7 : 0;
                    options.foldLanes = variant == 2;
                    if (variant == 2)
                        options.minLaneHeight = 40; // too tall for 81 lanes: they fold
                    options.paintThreads = t + 1;
                    fs::PassTimes times;
                    options.passTimes = &times;
                    images[t] = QImage(QSize(1600, 900) * ratio, QImage::Format_ARGB32_Premultiplied);
                    images[t].setDevicePixelRatio(ratio);
                    images[t].fill(Qt::magenta);
                    QPainter painter(&images[t]);
                    const fs::TimelineLayout layout = fs::layoutTimeline(model, bounds, options);
                    if (variant == 3) {
                        const QRect plot = layout.plotRect.toAlignedRect();
                        fs::paintTimelineTracks(painter, model, layout, options,
                                                QRect(plot.left() + plot.width() / 5, plot.top(),
                                                      plot.width() * 7 / 10, plot.height()));
                    } else {
                        fs::paintTimeline(painter, model, layout, options);
                    }
                    threads[t] = times.trackThreads;
                }
                EXPECT_EQ(threads[0], 1);
                twice += threads[1] == 2;
                int differing = 0;
                for (int y = 0; y < images[0].height(); ++y)
                    for (int x = 0; x < images[0].width(); ++x)
                        differing += images[0].pixel(x, y) != images[1].pixel(x, y);
                EXPECT_EQ(differing, 0) << "window " << window.beginNs << " + " << window.span()
                                        << ", variant " << variant << ", ratio " << ratio;
                ++compared;
            }
        }
    }
    EXPECT_EQ(compared, 16);
    EXPECT_GE(twice, 8) << "the whole run (tens of thousands of bars in sight) was drawn by two threads";
}
