// The widget: zoom and pan change what is visible, live runs are followed until the user pans.

#include "busy_run.hpp"
#include "render_fixture.hpp"
#include "ui/timeline_widget.hpp"

#include <QApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QWheelEvent>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::test::kMs;
using forkscope::test::pixelAt;

namespace {

class TimelineWidgetTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        widget.resize(1000, 400);
        widget.setLegendVisible(false);
        widget.setModel(&model);
        widget.setWindow({0, 100 * kMs});
    }

    QImage grab() { return widget.grab().toImage(); }

    double xOf(std::int64_t t) const { return widget.currentLayout().timeToX(t); }
    double barY(std::uint32_t lane) const { return widget.currentLayout().laneCenterY(lane) + 6; }

    void wheel(QPointF pos, int deltaY, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        QWheelEvent event(pos, widget.mapToGlobal(pos), QPoint(), QPoint(0, deltaY), Qt::NoButton, modifiers,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&widget, &event);
    }

    void mouse(QEvent::Type type, QPointF pos, Qt::MouseButton button, Qt::MouseButtons buttons)
    {
        QMouseEvent event(type, pos, widget.mapToGlobal(pos), button, buttons, Qt::NoModifier);
        QApplication::sendEvent(&widget, &event);
    }

    forkscope::test::ExampleRun run = forkscope::test::smallRun();
    fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::TimelineWidget widget;
    fs::Theme theme = fs::Theme::light();
};

TEST_F(TimelineWidgetTest, PaintsTheModel)
{
    const QImage image = grab();
    EXPECT_EQ(image.size(), QSize(1000, 400));
    EXPECT_EQ(pixelAt(image, xOf(25 * kMs), barY(0)), theme.stateColor(fs::BarState::Sleeping));
    EXPECT_EQ(pixelAt(image, xOf(40 * kMs), barY(2)), theme.stateColor(fs::BarState::Computing));
}

TEST_F(TimelineWidgetTest, WheelZoomsAroundTheCursor)
{
    QSignalSpy spy(&widget, &fs::TimelineWidget::viewChanged);
    const double x = xOf(25 * kMs);
    wheel(QPointF(x, barY(0)), 120 * 3); // three notches in
    const fs::TimeWindow w = widget.window();
    EXPECT_LT(w.span(), 100 * kMs / 1.9);
    EXPECT_NEAR(static_cast<double>(widget.currentLayout().xToTime(x)), 25.0 * kMs, 0.01 * kMs)
        << "the time under the cursor stays put";
    EXPECT_GE(spy.count(), 1);

    // Zoomed in around 25 ms, main's sleep (10–40 ms) now covers a wider stretch and 5 ms is off-screen.
    const QImage image = grab();
    EXPECT_EQ(pixelAt(image, xOf(14 * kMs), barY(0)), theme.stateColor(fs::BarState::Sleeping));
    EXPECT_GT(xOf(40 * kMs) - xOf(10 * kMs), 1.9 * 30 * widget.currentLayout().plotRect.width() / 100);
    EXPECT_LT(xOf(5 * kMs), widget.currentLayout().plotRect.left());

    wheel(QPointF(x, barY(0)), -120 * 3); // and back out
    EXPECT_NEAR(static_cast<double>(widget.window().span()), 100.0 * kMs, 0.01 * kMs);
}

TEST_F(TimelineWidgetTest, DragPansAndChangesWhatIsVisible)
{
    QSignalSpy spy(&widget, &fs::TimelineWidget::viewChanged);
    // Drag the content 450 px to the left: later times come into view.
    const QPointF start(xOf(50 * kMs), barY(1));
    const double perPixel = fs::nsPerPixel(widget.window(), widget.currentLayout().plotRect.width());
    mouse(QEvent::MouseButtonPress, start, Qt::LeftButton, Qt::LeftButton);
    mouse(QEvent::MouseMove, start - QPointF(225, 0), Qt::NoButton, Qt::LeftButton);
    mouse(QEvent::MouseMove, start - QPointF(450, 0), Qt::NoButton, Qt::LeftButton);
    mouse(QEvent::MouseButtonRelease, start - QPointF(450, 0), Qt::LeftButton, Qt::NoButton);
    const fs::TimeWindow w = widget.window();
    EXPECT_NEAR(static_cast<double>(w.beginNs), 450 * perPixel, perPixel);
    EXPECT_EQ(w.span(), 100 * kMs);
    EXPECT_GE(spy.count(), 2);

    // main's sleep (10–40 ms) has scrolled off to the left: the left edge now shows the join wait.
    const QImage image = grab();
    const fs::TimelineLayout layout = widget.currentLayout();
    EXPECT_GT(w.beginNs, 40 * kMs);
    EXPECT_EQ(pixelAt(image, layout.plotRect.left() + 3, barY(0)), theme.stateColor(fs::BarState::JoinWait));
}

TEST_F(TimelineWidgetTest, PanAndZoomProgrammatically)
{
    widget.panByPixels(-100);
    EXPECT_GT(widget.window().beginNs, 0);
    widget.zoomIn();
    EXPECT_LT(widget.window().span(), 100 * kMs);
    widget.fitAll();
    const fs::TimeWindow fit = fs::fitWindow(model);
    EXPECT_EQ(widget.window(), fit);
    EXPECT_LE(fit.beginNs, 0);
    EXPECT_GE(fit.endNs, 73 * kMs);
}

TEST_F(TimelineWidgetTest, ShiftWheelScrollsLanes)
{
    widget.resize(1000, 100); // room for four of the five rows
    EXPECT_LT(widget.visibleRowCount(), widget.rowCount());
    wheel(QPointF(500, 60), -120, Qt::ShiftModifier);
    EXPECT_EQ(widget.firstRow(), 1);
    widget.setFirstRow(99);
    EXPECT_EQ(widget.firstRow(), widget.rowCount() - 1);
}

TEST_F(TimelineWidgetTest, ToolTipDescribesBar)
{
    const QString text = widget.toolTipAt(QPointF(xOf(25 * kMs), barY(0)).toPoint());
    EXPECT_TRUE(text.contains(QStringLiteral("main"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("sleeping"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("pid 100 · tid 100"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("begins at 10 ms"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("lasts 30 ms"))) << text.toStdString();
    EXPECT_TRUE(widget.toolTipAt(QPoint(2, 2)).isEmpty());
}

TEST(TimelineWidgetLive, FollowsThePresentUntilTheUserPans)
{
    const forkscope::test::ExampleRun run = forkscope::test::smallRun();
    fs::TimelineModel model(run.lanes);
    fs::TimelineWidget widget;
    widget.resize(800, 300);
    widget.setModel(&model);
    QSignalSpy following(&widget, &fs::TimelineWidget::followingChanged);
    EXPECT_TRUE(widget.following());

    model.appendEvents(std::span(run.events).first(10));
    model.setNow(30 * kMs);
    widget.modelUpdated();
    EXPECT_GE(widget.window().endNs, 30 * kMs) << "the present is in view";

    // With a zoomed-in span, following slides the window along.
    widget.zoomAt(4.0, 400);
    const std::int64_t span = widget.window().span();
    model.setNow(200 * kMs);
    widget.modelUpdated();
    EXPECT_EQ(widget.window().span(), span);
    EXPECT_GE(widget.window().endNs, 200 * kMs);
    EXPECT_LE(widget.window().beginNs, 200 * kMs);
    EXPECT_TRUE(widget.following());

    // The user pans: the view stays where they put it.
    widget.panByPixels(50);
    EXPECT_FALSE(widget.following());
    ASSERT_EQ(following.count(), 1);
    EXPECT_FALSE(following.takeFirst().at(0).toBool());
    const fs::TimeWindow parked = widget.window();
    model.setNow(400 * kMs);
    widget.modelUpdated();
    EXPECT_EQ(widget.window(), parked);

    // Ctrl+0's fitAll shows everything and follows again.
    widget.fitAll();
    EXPECT_TRUE(widget.following());
    EXPECT_GE(widget.window().endNs, 400 * kMs);
    EXPECT_LE(widget.window().beginNs, 0);
}

/// The first pixel where two pictures differ, for the failure message.
std::string firstDifference(const QImage &a, const QImage &b)
{
    if (a.size() != b.size())
        return "sizes differ";
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (a.pixel(x, y) != b.pixel(x, y))
                return "first at (" + std::to_string(x) + ", " + std::to_string(y) + ")";
    return "none";
}

/// The picture a new widget paints of `model` at `window`: everything painted afresh.
QImage paintedAfresh(const fs::TimelineModel &model, QSize size, fs::TimeWindow window)
{
    fs::TimelineWidget fresh;
    fresh.resize(size);
    fresh.setModel(&model);
    fresh.setWindow(window);
    const QImage image = fresh.grab().toImage();
    EXPECT_TRUE(fresh.lastTracksPainted().whole);
    return image;
}

TEST(TimelineWidgetKeptTracks, PanMovesWhatWasDrawnAndPaintsOnlyTheNewStrip)
{
    // Busy lanes at a zoom where most bars are far below a pixel and some are hundreds wide, with GIL
    // hatches, nested bars, a queue strip, grid lines, arrows and markers.
    const forkscope::test::ExampleRun run = forkscope::test::busyRun();
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    const QSize size(900, 420);
    fs::TimelineWidget widget;
    widget.resize(size);
    widget.setModel(&model);
    const fs::TimeWindow all = fs::fitWindow(model);
    widget.setWindow({all.beginNs + all.span() / 5, all.beginNs + all.span() / 5 + all.span() / 3});
    widget.grab();
    ASSERT_TRUE(widget.lastTracksPainted().whole);
    const int plotWidth = static_cast<int>(widget.currentLayout().plotRect.width());

    for (const int dx : {37, -5, 1, 120, -260, -1, 300}) {
        widget.panByPixels(dx);
        const QImage panned = widget.grab().toImage();
        const fs::TimelineWidget::TracksPainted painted = widget.lastTracksPainted();
        EXPECT_FALSE(painted.whole) << dx;
        EXPECT_NEAR(painted.shift, dx, 1) << "the content moved with the pan";
        EXPECT_EQ(painted.columns, std::abs(painted.shift))
            << "only the strip that came into view was painted";
        EXPECT_LT(painted.columns, plotWidth / 2);
        const QImage fresh = paintedAfresh(model, size, widget.window());
        EXPECT_TRUE(panned == fresh) << "pan by " << dx << ": " << firstDifference(panned, fresh) << " plot "
                                     << widget.currentLayout().plotRect.left() << "–"
                                     << widget.currentLayout().plotRect.right() << " shift " << painted.shift;
        if (!(panned == fresh)) {
            panned.save(QStringLiteral("/tmp/pan-%1-kept.png").arg(dx));
            fresh.save(QStringLiteral("/tmp/pan-%1-fresh.png").arg(dx));
        }
    }
    // Nothing moved, nothing painted.
    widget.grab();
    EXPECT_EQ(widget.lastTracksPainted().columns, 0);
}

TEST(TimelineWidgetKeptTracks, LiveTicksPaintOnlyWhatChanged)
{
    const forkscope::test::ExampleRun run = forkscope::test::busyRun();
    fs::TimelineModel model(run.lanes);
    const std::size_t half = run.events.size() / 2;
    model.appendEvents(std::span(run.events).first(half));
    const QSize size(900, 420);
    fs::TimelineWidget widget;
    widget.resize(size);
    widget.setModel(&model);
    const fs::TimeWindow all = fs::fitWindow(forkscope::test::finishedModel(run));
    widget.setWindow({all.beginNs, all.endNs}); // held still: not following
    widget.grab();
    ASSERT_TRUE(widget.lastTracksPainted().whole);
    const int plotWidth = static_cast<int>(widget.currentLayout().plotRect.width());

    // Ticks of a live run: each brings events and moves the present on; the kept layer is painted again
    // from a pixel before the earliest change.
    int partial = 0;
    for (std::size_t from = half; from < run.events.size() - 200; from += 200) {
        const auto batch = std::span(run.events).subspan(from, 200);
        const QRectF plotBefore = widget.currentLayout().plotRect;
        model.appendEvents(batch);
        model.setNow(batch.back().timeNs + 1'000);
        widget.modelUpdated();
        const QImage ticked = widget.grab().toImage();
        const fs::TimelineWidget::TracksPainted painted = widget.lastTracksPainted();
        // Unless the layout moved (the legend grew a line when main's joins brought a new state).
        if (widget.currentLayout().plotRect == plotBefore) {
            ++partial;
            ASSERT_FALSE(painted.whole) << from;
            const double firstX = widget.currentLayout().timeToX(batch.front().timeNs);
            EXPECT_LE(painted.columns,
                      plotWidth - static_cast<int>(firstX - widget.currentLayout().plotRect.left()) + 2);
        }
        const QImage fresh = paintedAfresh(model, size, widget.window());
        ASSERT_TRUE(ticked == fresh) << "after the events up to " << from + 200 << ": "
                                     << firstDifference(ticked, fresh);
    }
    EXPECT_GT(partial, 10);
}

} // namespace
