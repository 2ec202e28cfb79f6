// Markers drawn from the per-lane marker blocks (ui/timeline/marker_blocks.hpp) against the marker-by-marker
// walk: the same pixels, glyphs, tags and all, at every zoom, with and without details.

#include "render_fixture.hpp"
#include "ui/timeline/passes.hpp"
#include "ui/timeline/slide.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

#include <random>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;

namespace {

/// Four worker lanes with markers of every kind: dense bursts (thousands within a fraction of a pixel of a
/// whole-run view) of notes, prints, values and spawns, sparse values and prints with texts short and long
/// between them, a crash; a few notes arrive out of time order (inserted before others).
forkscope::test::ExampleRun markerRun()
{
    forkscope::test::ExampleRun run;
    run.lanes = {{"main", forkscope::core::WorkerKind::Main, 100, 100}};
    for (int l = 1; l <= 4; ++l)
        run.lanes.push_back(
            {"worker " + std::to_string(l), forkscope::core::WorkerKind::Thread, 100, 100 + l});
    std::minstd_rand random(15);
    std::vector<forkscope::core::Event> &events = run.events;
    events.push_back(event(0, 0, EventType::WorkerStart, 100, 100));
    events.push_back(event(0, 0, EventType::VariableOpen, 0, 0, "x"));
    for (std::uint32_t l = 1; l <= 4; ++l) {
        events.push_back(event(1 * kMs, 0, EventType::Spawn, static_cast<std::int32_t>(l)));
        events.push_back(event(2 * kMs, l, EventType::WorkerStart, 100, 100 + l));
        std::int64_t t = 2 * kMs;
        while (t < 98 * kMs) {
            const bool burst = random() % 4 == 0;
            const int count
                = burst ? 200 + static_cast<int>(random() % 3000) : 1 + static_cast<int>(random() % 6);
            for (int k = 0; k < count && t < 98 * kMs; ++k) {
                t += burst ? 1 + static_cast<std::int64_t>(random() % 40)
                           : 50'000 + static_cast<std::int64_t>(random() % 3'000'000);
                const auto pick = static_cast<unsigned>(random() % 10);
                if (pick < 3)
                    events.push_back(event(t, l, EventType::Note, 0, 0, "note"));
                else if (pick < 5)
                    events.push_back(event(t, l, EventType::Print, 0, 0,
                                           random() % 2 ? "hi" : "a rather long printed line from a worker"));
                else if (pick < 8)
                    events.push_back(event(t, l, random() % 2 ? EventType::ValueWrite : EventType::ValueRead,
                                           0, static_cast<std::int64_t>(random() % 100000)));
                else if (pick < 9 && l == 1)
                    events.push_back(event(t, l, EventType::Spawn, 2));
                else
                    events.push_back(event(t, l, EventType::Note, 0, 0, "n"));
            }
        }
        if (l == 3)
            events.push_back(event(98 * kMs, l, EventType::WorkerEnd, 0, 1));
        else if (l != 4)
            events.push_back(event(98 * kMs, l, EventType::WorkerEnd, 0, 0));
    }
    forkscope::test::sortByTime(events);
    // Out of order: a note before markers already added.
    events.push_back(event(50 * kMs, 2, EventType::Note, 0, 0, "late"));
    events.push_back(event(3 * kMs, 1, EventType::Note, 0, 0, "later"));
    events.push_back(event(99 * kMs, 0, EventType::WorkerEnd, 0, 0));
    run.result = forkscope::test::resultFor(run.lanes, events, "markers");
    run.result.lanes[4].signal = 9; // worker 4 was killed
    return run;
}

QImage render(const fs::TimelineModel &model, const fs::PaintOptions &options, QSize size)
{
    QImage image(size, QImage::Format_ARGB32);
    const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), QSizeF(size)), options);
    QPainter painter(&image);
    fs::paintTimeline(painter, model, layout, options);
    return image;
}

int differing(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            n += a.pixel(x, y) != b.pixel(x, y);
    return n;
}

} // namespace

TEST(MarkerBlocks, SayWhichKindsAndTextsEachBlockHoldsAfterEveryInsertion)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(markerRun());
    const fs::MarkerBlocks &blocks = model.markerBlocks();
    for (std::uint32_t l = 0; l < model.laneCount(); ++l) {
        const auto &markers = model.lane(l).markers;
        ASSERT_LT(l, blocks.lanes.size());
        const fs::MarkerBlocks::Lane &lane = blocks.lanes[l];
        ASSERT_EQ(lane.blocks.size(), (markers.size() + 31) / 32) << "lane " << l;
        for (std::size_t b = 0; b < lane.blocks.size(); ++b) {
            std::uint16_t bits = 0;
            for (std::size_t i = b * 32; i < std::min(markers.size(), (b + 1) * 32); ++i)
                bits |= fs::MarkerBlocks::bitsOf(markers[i]);
            ASSERT_EQ(lane.blocks[b], bits) << "lane " << l << " block " << b;
            ASSERT_EQ(lane.firstTimes[b], markers[b * 32].time) << "lane " << l << " block " << b;
        }
        ASSERT_EQ(lane.codes.size(), markers.size());
        for (std::size_t i = 0; i < markers.size(); ++i)
            ASSERT_EQ(fs::MarkerBlocks::bitsOfCode(lane.codes[i]), fs::MarkerBlocks::bitsOf(markers[i]))
                << "lane " << l << " marker " << i;
        // next and previous find what a plain scan finds.
        for (const std::uint16_t want : {std::uint16_t(1u << static_cast<unsigned>(fs::MarkerKind::Crash)),
                                         fs::MarkerBlocks::kTagged, std::uint16_t(0x3ff)}) {
            for (std::size_t from = 0; from < markers.size(); from += 97) {
                std::size_t scan = from;
                while (scan < markers.size() && !(fs::MarkerBlocks::bitsOf(markers[scan]) & want))
                    ++scan;
                EXPECT_EQ(blocks.next(l, markers, from, markers.size(), want), scan);
                std::size_t back = from;
                while (back > 0 && !(fs::MarkerBlocks::bitsOf(markers[back - 1]) & want))
                    --back;
                EXPECT_EQ(blocks.previous(l, markers, 0, from, want), back > 0 ? back - 1 : from);
            }
        }
    }
    // More than four per pixel of the plots below (about 1,000 px): drawn from the blocks there.
    for (std::uint32_t l = 1; l <= 4; ++l)
        EXPECT_GT(model.lane(l).markers.size(), 4400u) << "bursts of thousands of markers, lane " << l;
}

TEST(MarkerBlocks, GlyphByGlyphDrawsThePixelsOfTheMarkerByMarkerWalk)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(markerRun());
    const fs::TimeWindow whole = fs::fitWindow(model);
    std::vector<fs::TimeWindow> windows = {whole};
    for (const std::int64_t span : {whole.span() / 10, whole.span() / 300, whole.span() / 20000})
        for (const std::int64_t at : {whole.beginNs + whole.span() / 7, whole.beginNs + whole.span() / 2})
            windows.push_back({at, at + span});
    int compared = 0;
    for (const bool details : {true, false}) {
        for (const fs::TimeWindow &window : windows) {
            fs::PaintOptions fast = forkscope::test::fixedOptions();
            fast.window = window;
            fast.details = details;
            fs::PaintOptions walked = fast;
            walked.levelOfDetail = false;
            const QImage a = render(model, fast, {1200, 380});
            const QImage b = render(model, walked, {1200, 380});
            EXPECT_EQ(differing(a, b), 0)
                << "details " << details << ", window " << window.beginNs << " + " << window.span();
            ++compared;
        }
    }
    // A slide of it (alike lanes fold, 22 px type, no printed lines).
    fs::PaintOptions slide
        = forkscope::ui::slideOptions(model, QSizeF(1920, 1080), forkscope::test::fixedOptions());
    slide.window = whole;
    slide.details = false;
    fs::PaintOptions walked = slide;
    walked.levelOfDetail = false;
    EXPECT_EQ(differing(render(model, slide, {1920, 1080}), render(model, walked, {1920, 1080})), 0);
    EXPECT_EQ(compared, 14);
}

TEST(MarkerBlocks, TheWholeRunShowsGlyphsAndTags)
{
    // What the comparison above compares is a real picture: glyphs in every lane and tags with text.
    const fs::TimelineModel model = forkscope::test::finishedModel(markerRun());
    fs::PaintOptions options = forkscope::test::fixedOptions();
    options.window = fs::fitWindow(model);
    options.window.endNs = options.window.beginNs + options.window.span() / 300;
    const QImage zoomed = render(model, options, {1200, 380});
    options.window = fs::fitWindow(model);
    const QImage whole = render(model, options, {1200, 380});
    const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(0, 0, 1200, 380), options);
    for (std::uint32_t l = 1; l <= 4; ++l) {
        const auto row = static_cast<std::size_t>(layout.laneRow[l]);
        int dark = 0;
        for (int y = static_cast<int>(layout.rowTop[row]);
             y < static_cast<int>(layout.rowTop[row] + layout.rowHeight[row]); ++y)
            for (int x = static_cast<int>(layout.plotRect.left());
                 x < static_cast<int>(layout.plotRect.right()); ++x)
                dark += qGray(whole.pixel(x, y)) < 100;
        EXPECT_GT(dark, 200) << "glyphs on lane " << l;
    }
    EXPECT_NE(differing(zoomed, whole), 0);
}

TEST(MarkerBlocks, StampsBlendedIntoTheImageAreThePixelsQPainterDraws)
{
    // GlyphStamps blends a stamp into an image itself (ui/timeline/passes.hpp); against the same stamps drawn
    // by QPainter::drawImage (a clip of more than one rectangle sends every stamp there): every kind of glyph
    // at fractional places, sizes and pixel ratios, on noisy opaque pixels, into both 32-bit formats.
    const fs::Theme theme = fs::Theme::light();
    const fs::timeline::Fonts fonts{fs::PaintOptions{}};
    constexpr QPoint kHole(200, 60);
    std::minstd_rand random(7);
    int compared = 0;
    for (const QImage::Format format : {QImage::Format_ARGB32_Premultiplied, QImage::Format_RGB32}) {
        for (const int ratio : {1, 2}) {
            QImage background(400 * ratio, 120 * ratio, format);
            background.setDevicePixelRatio(ratio);
            for (int y = 0; y < background.height(); ++y)
                for (int x = 0; x < background.width(); ++x)
                    background.setPixel(x, y, 0xff000000u | static_cast<QRgb>(random() & 0xffffffu));
            QImage blended = background;
            QImage painted = background;
            std::size_t direct[2] = {0, 0};
            for (int which = 0; which < 2; ++which) {
                QImage &image = which == 0 ? blended : painted;
                QPainter p(&image);
                // A clip at fractions of a pixel (stamps across its edges go through QPainter); the second
                // painter's clip has a hole of one pixel too, so it is no rectangle.
                p.setClipRect(QRectF(10.5, 5.25, 370.3, 100.6));
                if (which == 1)
                    p.setClipRegion(QRegion(0, 0, 400, 120) - QRegion(kHole.x(), kHole.y(), 1, 1),
                                    Qt::IntersectClip);
                fs::timeline::GlyphStamps stamps(p, theme, fonts);
                std::minstd_rand places(11);
                for (int i = 0; i < 400; ++i) {
                    const auto kind = static_cast<fs::MarkerKind>(i % 8);
                    const QPointF at(static_cast<double>(places() % 4000) / 10.0,
                                     static_cast<double>(places() % 1200) / 10.0);
                    const double size = 4 + static_cast<double>(places() % 50) / 10.0;
                    stamps.draw(p, kind, at, size, i % 3 == 0);
                }
                direct[which] = stamps.blended();
            }
            EXPECT_GT(direct[0], 150u) << "stamps wholly inside the clip are blended directly";
            EXPECT_EQ(direct[1], 0u);
            // The hole's pixels are the second image's background.
            for (int y = kHole.y() * ratio; y < (kHole.y() + 1) * ratio; ++y)
                for (int x = kHole.x() * ratio; x < (kHole.x() + 1) * ratio; ++x) {
                    EXPECT_EQ(painted.pixel(x, y), background.pixel(x, y));
                    painted.setPixel(x, y, blended.pixel(x, y));
                }
            EXPECT_EQ(differing(blended, painted), 0) << "format " << format << ", ratio " << ratio;
            EXPECT_NE(differing(blended, background), 0);
            ++compared;
        }
    }
    EXPECT_EQ(compared, 4);
}

TEST(MarkerBlocks, StampsAreKeptForTheNextPaintWithTheSameThemeFontsAndRatio)
{
    const fs::timeline::Fonts fonts{fs::PaintOptions{}};
    fs::PaintOptions bigger;
    bigger.fontPixelSize = 20;
    const fs::timeline::Fonts biggerFonts{bigger};
    // Paints the same glyphs and two tags of one shape at two fractions of a pixel; how many images it made.
    const auto paint = [&](const fs::Theme &theme, const fs::timeline::Fonts &f, qreal ratio, QImage &image) {
        image = QImage(QSize(300, 80) * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(Qt::white);
        QPainter p(&image);
        fs::timeline::GlyphStamps stamps(p, theme, f);
        for (int i = 0; i < 40; ++i)
            stamps.draw(p, static_cast<fs::MarkerKind>(i % 8), QPointF(10 + i * 7, 20), 6, i % 5 == 0);
        for (const double fraction : {0.25, 0.5})
            stamps.draw(p, fs::timeline::GlyphStamps::Key{42, fraction, 0}, 10, QPointF(100, 60),
                        [&](QPainter &ip, QPointF c) {
                            ip.fillRect(QRectF(c.x() - 8 + fraction, c.y() - 4, 16, 8), theme.crash);
                        });
        return stamps.made();
    };
    QImage first;
    QImage again;
    QImage dark;
    QImage big;
    QImage twice;
    fs::Theme other = fs::Theme::light(); // whatever earlier tests on this thread kept: let go
    other.background = Qt::cyan;
    paint(other, fonts, 1, first);
    const std::size_t madeFirst = paint(fs::Theme::light(), fonts, 1, first);
    EXPECT_EQ(paint(fs::Theme::light(), fonts, 1, again), 0u) << "every image kept from the paint before";
    EXPECT_EQ(differing(first, again), 0);
    EXPECT_GE(madeFirst, 10u) << "eight kinds, one failed end, two fractions";
    EXPECT_EQ(paint(fs::Theme::dark(), fonts, 1, dark), madeFirst) << "another theme: made afresh";
    EXPECT_NE(differing(first, dark), 0);
    EXPECT_EQ(paint(fs::Theme::dark(), biggerFonts, 1, big), madeFirst) << "other fonts: made afresh";
    EXPECT_EQ(paint(fs::Theme::dark(), biggerFonts, 2, twice), madeFirst) << "another ratio: made afresh";
    EXPECT_EQ(paint(fs::Theme::dark(), biggerFonts, 2, twice), 0u);
}
