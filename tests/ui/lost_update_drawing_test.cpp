// Lost updates on the timeline: the painter brackets both read → write pairs and crosses out the lost write
// where they happened; zoomed out, hundreds fold into a few crosses; the widget zooms to one and the next.

#include "lost_update_run.hpp"
#include "render_fixture.hpp"
#include "ui/timeline_painter.hpp"
#include "ui/timeline_widget.hpp"

#include <QImage>
#include <QPainter>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::test::kLostMs;

namespace {

constexpr std::int64_t ms = kLostMs;

struct Rendered {
    QImage image;
    fs::TimelineLayout layout;
};

Rendered render(const fs::TimelineModel &model, const fs::PaintOptions &options, QSize size = {1000, 400})
{
    Rendered r;
    r.image = QImage(size, QImage::Format_ARGB32);
    r.image.fill(Qt::magenta);
    r.layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), QSizeF(size)), options);
    QPainter painter(&r.image);
    fs::paintTimeline(painter, model, r.layout, options);
    return r;
}

/// Pixels of exactly `color` in `region`.
int countColor(const QImage &image, const QRectF &region, const QColor &color)
{
    int n = 0;
    const QRect r = region.toAlignedRect().intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += image.pixelColor(x, y) == color;
    return n;
}

/// A lane's row, from `t0` to `t1`, widened by `pad` pixels on each side.
QRectF laneRegion(const fs::TimelineLayout &layout, std::uint32_t lane, std::int64_t t0, std::int64_t t1,
                  double pad = 0)
{
    const auto row = static_cast<std::size_t>(layout.laneRow[lane]);
    const double x0 = layout.timeToX(t0) - pad;
    const double x1 = layout.timeToX(t1) + pad;
    return {x0, layout.rowTop[row], x1 - x0, layout.rowHeight[row]};
}

fs::TimelineModel finished(const forkscope::test::ExampleRun &run)
{
    fs::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    return model;
}

/// `pairs` pairs of alike "teller N" threads taking turns: update i is pair i % pairs's, `gapNs` after the one
/// before, its first teller's write lost under its second's (as in manyLostUpdatesRun). Folded, one row
/// gathers the lost writes of many lanes.
forkscope::test::ExampleRun tellersRun(int pairs, int count, std::int64_t gapNs)
{
    using forkscope::core::EventType;
    using forkscope::test::addUpdate;
    using forkscope::test::event;
    using forkscope::test::writeIdOf;
    forkscope::test::ExampleRun run;
    run.lanes.push_back({"main", forkscope::core::WorkerKind::Main, 300, 300});
    for (int i = 1; i <= 2 * pairs; ++i)
        run.lanes.push_back(
            {"teller " + std::to_string(i), forkscope::core::WorkerKind::Thread, 300, 300 + i});
    auto &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, 300, 300));
    forkscope::core::Event open
        = event(0, 0, EventType::VariableOpen, 0, 100, "balance", forkscope::core::kShared);
    open.detail = 1;
    ev.push_back(open);
    for (int i = 1; i <= 2 * pairs; ++i)
        ev.push_back(event(ms, static_cast<std::uint32_t>(i), EventType::WorkerStart, 300 + i, 300));
    std::uint32_t last = 0;
    std::int64_t balance = 100;
    for (int i = 0; i < count; ++i) {
        const auto a = static_cast<std::uint32_t>(2 * (i % pairs) + 1);
        const auto n = static_cast<std::uint32_t>(i / pairs + 1);
        const std::int64_t t = 2 * ms + i * gapNs;
        const std::int64_t think = gapNs / 4;
        addUpdate(ev, a, t, think, balance, last, balance + 1, writeIdOf(a, n), last);
        addUpdate(ev, a + 1, t + think / 2, think, balance, last, balance - 1, writeIdOf(a + 1, n),
                  writeIdOf(a, n));
        last = writeIdOf(a + 1, n);
        balance -= 1;
    }
    const std::int64_t end = 2 * ms + count * gapNs;
    for (int i = 1; i <= 2 * pairs; ++i)
        ev.push_back(event(end, static_cast<std::uint32_t>(i), EventType::WorkerEnd, 0, 0));
    ev.push_back(event(end + ms, 0, EventType::WorkerEnd, 0, 0));
    forkscope::test::sortByTime(ev);
    return run;
}

/// Pixels that differ between two pictures of one size.
int differing(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

class LostUpdateDrawing : public ::testing::Test {
protected:
    fs::TimelineModel model = finished(forkscope::test::lostUpdateRun());
    fs::PaintOptions options = [] {
        fs::PaintOptions o = forkscope::test::fixedOptions();
        o.window = {5 * ms, 21 * ms};
        return o;
    }();
    fs::Theme theme = options.theme;
};

} // namespace

TEST_F(LostUpdateDrawing, TheLostWriteIsCrossedOutInItsLane)
{
    const Rendered r = render(model, options);
    // Around deposit's write at 14 ms, across its row: the cross in the crash colour.
    const QRectF atWrite = laneRegion(r.layout, 1, 14 * ms, 14 * ms, 8);
    EXPECT_GT(countColor(r.image, atWrite, theme.crash), 20);
    // The cross's centre, in the middle of the row, is the crash colour itself.
    const double y = r.layout.laneCenterY(1);
    int nearCentre = 0;
    for (int dx = -1; dx <= 1; ++dx)
        for (int dy = -1; dy <= 1; ++dy)
            nearCentre += r.image.pixelColor(static_cast<int>(r.layout.timeToX(14 * ms)) + dx,
                                             static_cast<int>(y) + dy)
                == theme.crash;
    EXPECT_GT(nearCentre, 0);
    // Not on the withdraw lane's write, which was not lost (the arrow from it leaves from its row's edge),
    // nor in main's row.
    const QRectF withdrawWrite(r.layout.timeToX(16 * ms) - 4, r.layout.laneCenterY(2) - 6, 8, 12);
    EXPECT_EQ(countColor(r.image, withdrawWrite, theme.crash), 0);
    EXPECT_EQ(countColor(r.image, laneRegion(r.layout, 0, 5 * ms, 21 * ms), theme.crash), 0);
}

TEST_F(LostUpdateDrawing, BothPairsAreBracketed)
{
    const Rendered r = render(model, options);
    // "[" at deposit's read (10 ms) and "]" at its write, in the crash colour, down the whole row.
    const auto column = [&](std::uint32_t lane, std::int64_t t, const QColor &color) {
        const auto row = static_cast<std::size_t>(r.layout.laneRow[lane]);
        const QRectF strip(r.layout.timeToX(t) - 1, r.layout.rowTop[row], 3, r.layout.rowHeight[row]);
        return countColor(r.image, strip, color);
    };
    const double rowHeight = r.layout.rowHeight[static_cast<std::size_t>(r.layout.laneRow[1])];
    EXPECT_GT(column(1, 10 * ms, theme.crash), rowHeight * 0.7) << "deposit's read";
    EXPECT_GT(column(1, 14 * ms, theme.crash), rowHeight * 0.5) << "deposit's write";
    // withdraw's read at 12 ms and write at 16 ms, in the text colour.
    EXPECT_GT(column(2, 12 * ms, theme.text), rowHeight * 0.7) << "withdraw's read";
    EXPECT_GT(column(2, 16 * ms, theme.text), rowHeight * 0.7) << "withdraw's write";
    // Deposit's kept update later (30–34 ms) is not bracketed.
    fs::PaintOptions later = options;
    later.window = {26 * ms, 38 * ms};
    const Rendered kept = render(model, later);
    EXPECT_EQ(countColor(kept.image, laneRegion(kept.layout, 1, 26 * ms, 38 * ms), theme.crash), 0);
}

TEST_F(LostUpdateDrawing, ARunWithoutALostUpdateHasNoMarks)
{
    // withdraw reads deposit's 101 after its write: both updates count, nothing to mark.
    forkscope::test::ExampleRun run = forkscope::test::lostUpdateRun();
    for (auto &e : run.events) {
        if (e.lane == 2 && e.type == forkscope::core::EventType::ValueRead) {
            e.value = 101;
            e.ref = forkscope::test::writeIdOf(1, 1);
        }
    }
    const fs::TimelineModel clean = finished(run);
    ASSERT_TRUE(clean.lostUpdates().empty());
    const Rendered r = render(clean, options);
    EXPECT_EQ(countColor(r.image, r.layout.plotRect, theme.crash), 0);
}

TEST_F(LostUpdateDrawing, ANarrowLostPairBesideALongOneIsDrawnInFullInItsView)
{
    // withdraw's 1 ms pair is about 15 px in the view of both pairs: still boxed, crossed out and explained,
    // since the two pairs together are what the view shows.
    const fs::TimelineModel lopsided = finished(forkscope::test::lopsidedLostUpdateRun());
    ASSERT_EQ(lopsided.lostUpdates().size(), 1u);
    const fs::LostUpdateMark &mark = lopsided.lostUpdates().front();
    ASSERT_EQ(mark.lost.lane, 2u);
    fs::PaintOptions view = options;
    view.window = fs::lostUpdateWindow(mark);
    const Rendered r = render(lopsided, view);
    const double lostPixels = r.layout.timeToX(13 * ms) - r.layout.timeToX(12 * ms);
    ASSERT_LT(lostPixels, 30) << "the case this test is about";
    const auto column = [&](std::uint32_t lane, std::int64_t t, const QColor &color) {
        const auto row = static_cast<std::size_t>(r.layout.laneRow[lane]);
        const QRectF strip(r.layout.timeToX(t) - 1, r.layout.rowTop[row], 3, r.layout.rowHeight[row]);
        return countColor(r.image, strip, color);
    };
    const double rowHeight = r.layout.rowHeight[static_cast<std::size_t>(r.layout.laneRow[2])];
    EXPECT_GT(column(2, 12 * ms, theme.crash), rowHeight * 0.7) << "withdraw's read, boxed";
    EXPECT_GT(column(1, 10 * ms, theme.text), rowHeight * 0.7) << "deposit's read, boxed";
    EXPECT_GT(column(1, 50 * ms, theme.text), rowHeight * 0.7) << "deposit's write, boxed";
    // The lost write's tag runs on past its narrow box, in the crash colour, in withdraw's row.
    const QRectF pastBox = laneRegion(r.layout, 2, 13 * ms, 13 * ms);
    EXPECT_GT(countColor(r.image, pastBox.translated(40, 0).adjusted(0, 0, 100, 0), theme.crash), 20)
        << "the words";
}

TEST_F(LostUpdateDrawing, ZoomedOutHundredsFoldIntoAFewCountedCrosses)
{
    const fs::TimelineModel many = finished(forkscope::test::manyLostUpdatesRun(300, 3 * ms));
    ASSERT_EQ(many.lostUpdates().size(), 300u);
    fs::PaintOptions overview = options;
    overview.window = fs::fitWindow(many);
    const Rendered r = render(many, overview);
    // Crosses in deposit's row: separate runs of columns that hold the crash colour.
    const auto row = static_cast<std::size_t>(r.layout.laneRow[1]);
    int crosses = 0;
    bool inCross = false;
    for (int x = static_cast<int>(r.layout.plotRect.left()); x < static_cast<int>(r.layout.plotRect.right());
         ++x) {
        const bool hit
            = countColor(r.image, QRectF(x, r.layout.rowTop[row], 1, r.layout.rowHeight[row]), theme.crash)
            > 0;
        crosses += hit && !inCross;
        inCross = hit;
    }
    // Something says "lost updates here" all along the run, but not 300 marks: one per 56 pixels at most
    // (each cross and its "N lost" count make about three runs of columns).
    const double width = r.layout.plotRect.width();
    EXPECT_GE(crosses, 5);
    EXPECT_LE(crosses, 3 * static_cast<int>(width / 56 + 1));
    // Nothing is drawn for the overwriting lane at this zoom.
    EXPECT_EQ(countColor(r.image,
                         QRectF(r.layout.plotRect.left(),
                                r.layout.rowTop[static_cast<std::size_t>(r.layout.laneRow[2])], width,
                                r.layout.rowHeight[static_cast<std::size_t>(r.layout.laneRow[2])]),
                         theme.crash),
              0);
}

TEST_F(LostUpdateDrawing, AWholeRunFrameFromTheLaneIndexHasThePixelsOfTheMarkByMarkOne)
{
    // 80 lost updates in a run drawn 1,000 pixels wide: a few per cross, with room for each cross's count.
    // The whole-run frame counts each cross's lost writes from the per-lane index (LostUpdateLanes); the
    // picture must be the one walking every mark gives, crosses, counts and all, in the window's view and on
    // a slide.
    const fs::TimelineModel many = finished(forkscope::test::manyLostUpdatesRun(80, 3 * ms));
    ASSERT_EQ(many.lostUpdates().size(), 80u);
    for (const bool slide : {false, true}) {
        fs::PaintOptions fast = options;
        fast.window = fs::fitWindow(many);
        fast.details = !slide;
        fs::PaintOptions walked = fast;
        walked.levelOfDetail = false;
        const Rendered a = render(many, fast, {1000, 300});
        const Rendered b = render(many, walked, {1000, 300});
        const QRectF plot = a.layout.plotRect;
        const int crash = countColor(a.image, plot, theme.crash);
        EXPECT_GT(crash, 50) << "crosses and counts in the crash colour, slide " << slide;
        EXPECT_EQ(differing(a.image, b.image), 0) << "slide " << slide;
    }
}

TEST_F(LostUpdateDrawing, AFoldedRowCountsTheLostWritesOfAllItsLanesAsTheMarkByMarkPictureDoes)
{
    // 30 pairs of tellers take turns losing updates; 60 lanes in 300 pixels fold into a row or two, whose
    // crosses gather the lost writes of 30 lanes (merged by time across the lanes' indexes).
    const fs::TimelineModel tellers = finished(tellersRun(30, 3000, ms / 4));
    ASSERT_EQ(tellers.lostUpdates().size(), 3000u);
    fs::PaintOptions fast = options;
    fast.window = fs::fitWindow(tellers);
    fast.foldLanes = true;
    fast.laneHeight = 0; // rows share the height, so lanes that do not fit fold
    fs::PaintOptions walked = fast;
    walked.levelOfDetail = false;
    const Rendered a = render(tellers, fast, {1000, 300});
    const Rendered b = render(tellers, walked, {1000, 300});
    ASSERT_FALSE(a.layout.folds.empty()) << "the tellers fold";
    EXPECT_GT(countColor(a.image, a.layout.plotRect, theme.crash), 50);
    EXPECT_EQ(differing(a.image, b.image), 0);
}

TEST(LostUpdateWidget, NextLostUpdateZoomsToEachInTurn)
{
    const fs::TimelineModel many = finished(forkscope::test::manyLostUpdatesRun(3, 20 * ms));
    fs::TimelineWidget widget;
    widget.resize(1000, 400);
    widget.setModel(&many);
    const std::int64_t fullSpan = widget.window().span();
    for (int round = 0; round < 4; ++round) {
        const int index = widget.showNextLostUpdate();
        EXPECT_EQ(index, round % 3) << "wraps round after the last";
        const fs::LostUpdateMark &mark = many.lostUpdates()[static_cast<std::size_t>(index)];
        const fs::TimeWindow w = widget.window();
        EXPECT_LT(w.beginNs, mark.beginNs());
        EXPECT_GT(w.endNs, mark.endNs());
        EXPECT_LT(w.span() * 4, fullSpan) << "zoomed in";
        // The lost read → write is wide on screen.
        const fs::TimelineLayout layout = widget.currentLayout();
        EXPECT_GT(layout.timeToX(mark.lost.atNs) - layout.timeToX(mark.lost.readNs),
                  layout.plotRect.width() / 4);
    }
    EXPECT_FALSE(widget.following());

    // A model without any: nothing moves.
    const fs::TimelineModel none = finished(forkscope::test::smallRun());
    widget.setModel(&none);
    const fs::TimeWindow before = widget.window();
    EXPECT_EQ(widget.showNextLostUpdate(), -1);
    EXPECT_EQ(widget.window(), before);
}

TEST(LostUpdateWidget, BringsBothLanesIntoView)
{
    // Scrolled so that deposit's and withdraw's rows are off screen: showing the lost update scrolls back.
    const fs::TimelineModel model = finished(forkscope::test::lostUpdateRun());
    fs::TimelineWidget widget;
    widget.resize(1000, 400);
    widget.setModel(&model);
    widget.setFirstRow(3);
    ASSERT_TRUE(widget.showLostUpdate(0));
    const fs::TimelineLayout layout = widget.currentLayout();
    for (const std::uint32_t lane : {1u, 2u}) {
        const int row = layout.laneRow[lane];
        EXPECT_GE(row, layout.firstRow) << lane;
        EXPECT_LT(row, layout.firstRow + layout.visibleRows) << lane;
    }
}

TEST(LostUpdateIndex, AWindowFindsEveryMarkOverlappingItAndFewOthers)
{
    const fs::TimelineModel many = finished(forkscope::test::manyLostUpdatesRun(300, 3 * ms));
    const auto &marks = many.lostUpdates();
    ASSERT_EQ(marks.size(), 300u);
    const fs::TimeWindow all = fs::fitWindow(many);
    // Windows a tenth of the run wide, stepped along it: every mark overlapping one is among its candidates,
    // and the candidates are far fewer than all marks.
    const std::int64_t width = all.span() / 10;
    for (std::int64_t from = all.beginNs; from < all.endNs; from += width / 2) {
        const std::int64_t to = from + width;
        const auto around = many.lostUpdatesAround(from, to);
        std::vector<bool> found(marks.size(), false);
        for (const std::uint32_t i : around) {
            ASSERT_LT(i, marks.size());
            found[i] = true;
        }
        std::size_t overlapping = 0;
        for (std::size_t i = 0; i < marks.size(); ++i) {
            if (marks[i].beginNs() <= to && marks[i].endNs() >= from) {
                ++overlapping;
                EXPECT_TRUE(found[i]) << "mark " << i << " overlaps [" << from << ", " << to << "]";
            }
        }
        EXPECT_LE(around.size(), overlapping + 20) << "a window looks at the marks near it, not all 300";
    }
    // Before the run and after it: none.
    EXPECT_TRUE(many.lostUpdatesAround(all.endNs + 1'000 * ms, all.endNs + 2'000 * ms).empty());
    const fs::TimelineModel none = finished(forkscope::test::smallRun());
    EXPECT_TRUE(none.lostUpdatesAround(all.beginNs, all.endNs).empty());
}
