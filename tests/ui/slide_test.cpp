// Slides: the headline as the title, the lanes' results large at their ends, type and lanes scaled to the
// frame and the number of lanes, alike lanes folded, details only when asked, and what the lanes came to.

#include "render_fixture.hpp"
#include "ui/exporter.hpp"
#include "ui/timeline/passes.hpp"
#include "ui/timeline_painter.hpp"

#include <QFontMetricsF>
#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;
using forkscope::test::pixelAt;

namespace {

const QRectF kFrame(0, 0, 1920, 1080);

/// main and `workers` process workers named "worker N" that each sleep, write x and end; worker `failing`
/// (if any) exits 1 with an IndexError.
forkscope::test::ExampleRun workersRun(int workers, int failing = 0)
{
    forkscope::test::ExampleRun run;
    run.lanes.push_back({"main", forkscope::core::WorkerKind::Main, 100, 100});
    run.events.push_back(event(0, 0, EventType::WorkerStart, 100, 100));
    run.events.push_back(event(0, 0, EventType::VariableOpen, 0, 1, "a"));
    std::int64_t mainEnd = 0;
    for (int i = 1; i <= workers; ++i) {
        const auto lane = static_cast<std::uint32_t>(i);
        run.lanes.push_back(
            {"worker " + std::to_string(i), forkscope::core::WorkerKind::Process, 1000 + i, 1000 + i});
        const std::int64_t start = i * kMs / 10;
        run.events.push_back(event(start, lane, EventType::WorkerStart, 1000 + i, 1000 + i));
        run.events.push_back(event(start + kMs, lane, EventType::SleepBegin, 0, 50 * kMs));
        run.events.push_back(event(start + 51 * kMs, lane, EventType::SleepEnd));
        run.events.push_back(event(start + 52 * kMs, lane, EventType::ValueRead, 0, 1));
        run.events.push_back(event(start + 53 * kMs, lane, EventType::ValueWrite, 0, 2));
        if (i == failing)
            run.events.push_back(event(start + 54 * kMs, lane, EventType::Note, 0, 1,
                                       "IndexError: list assignment index out of range",
                                       forkscope::core::kError));
        run.events.push_back(event(start + 55 * kMs, lane, EventType::WorkerEnd, 0, i == failing ? 1 : 0));
        mainEnd = std::max(mainEnd, start + 56 * kMs);
    }
    run.events.push_back(event(mainEnd, 0, EventType::ValueRead, 0, 1));
    run.events.push_back(event(mainEnd + kMs, 0, EventType::MainEnd));
    run.events.push_back(event(mainEnd + 2 * kMs, 0, EventType::WorkerEnd, 0, 0));
    forkscope::test::sortByTime(run.events);
    run.result = forkscope::test::resultFor(run.lanes, run.events, "workers");
    if (failing > 0)
        run.result.lanes[static_cast<std::size_t>(failing)].error
            = "IndexError: list assignment index out of range";
    return run;
}

struct Slide {
    fs::TimelineModel model;
    fs::PaintOptions options;
    fs::TimelineLayout layout;
};

Slide slideOf(const forkscope::test::ExampleRun &run, const QString &headline, QSizeF size = kFrame.size())
{
    Slide s{forkscope::test::finishedModel(run), {}, {}};
    fs::ExportOptions exportOptions;
    exportOptions.size = size.toSize();
    exportOptions.headline = headline;
    exportOptions.caption = QStringLiteral("workers · kind process · workers 2 · times shortened 10×");
    exportOptions.results = fs::laneResults(run.result, run.events);
    s.options = fs::exportPaintOptions(s.model, exportOptions);
    s.layout = fs::layoutTimeline(s.model, QRectF(QPointF(0, 0), size), s.options);
    return s;
}

bool inside(const QRectF &outer, const QRectF &inner) { return outer.contains(inner); }

/// Whether any pixel of `rect` in `image` differs from `background`: something is drawn there.
bool inked(const QImage &image, const QRectF &rect, const QColor &background)
{
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if (image.pixelColor(x, y) != background)
                return true;
    return false;
}

/// The bounding box of the pixels of `rect` in `image` that differ from `background` (empty: none).
QRect inkBox(const QImage &image, const QRectF &rect, const QColor &background)
{
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    QRect box;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if (image.pixelColor(x, y) != background)
                box |= QRect(x, y, 1, 1);
    return box;
}

QImage render(const Slide &s, QSize size = kFrame.size().toSize())
{
    QImage image(size, QImage::Format_ARGB32);
    image.fill(Qt::magenta);
    QPainter painter(&image);
    fs::paintTimeline(painter, s.model, s.layout, s.options);
    painter.end();
    return image;
}

/// Whether some pixel of `rect` in `image` is exactly `color` (the solid inside of a glyph's stroke).
bool hasColor(const QImage &image, const QRectF &rect, const QColor &color)
{
    const QRect r = rect.toAlignedRect().intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if (image.pixelColor(x, y) == color)
                return true;
    return false;
}

TEST(Slide, HeadlineIsDrawnLargeAtTheTop)
{
    const Slide s = slideOf(workersRun(2), QStringLiteral("2 processes slept 50 ms each: all done in 56 ms"));
    const QImage image = render(s);
    const QRect headline = inkBox(image, s.layout.titleRect, s.options.theme.background);
    ASSERT_FALSE(headline.isEmpty()) << "nothing drawn where the headline goes";
    // Ascenders (l, d) to descenders (p): about the font's pixel size tall, so at least 40 px less a margin.
    EXPECT_GE(headline.height(), 36);
    // It runs across the slide, from its left margin, in the text colour.
    EXPECT_LE(headline.left(), s.layout.titleRect.left() + 8);
    EXPECT_GE(headline.width(), 900);
    EXPECT_TRUE(hasColor(image, headline, s.options.theme.text));
    // The caption beneath it: smaller, but drawn and no smaller than the slide's least text.
    const QRect caption = inkBox(image, s.layout.captionRect, s.options.theme.background);
    ASSERT_FALSE(caption.isEmpty());
    EXPECT_LT(caption.height(), headline.height());
    EXPECT_GE(caption.height(), 16) << "caption letters at 22 px or more";
    EXPECT_GE(caption.top(), headline.bottom());
}

TEST(Slide, HeadlineIsTheLargeTitleWithTheCaptionBeneath)
{
    const Slide s = slideOf(workersRun(2), QStringLiteral("2 processes slept 50 ms each: all done in 56 ms"));
    const fs::timeline::Fonts fonts(s.options);
    EXPECT_GE(fonts.title.pixelSize(), 40);
    EXPECT_TRUE(fonts.title.bold());
    EXPECT_GE(fonts.caption.pixelSize(), fs::kSlideMinTextPx);
    EXPECT_LT(fonts.caption.pixelSize(), fonts.title.pixelSize());
    ASSERT_FALSE(s.layout.titleRect.isEmpty());
    ASSERT_FALSE(s.layout.captionRect.isEmpty());
    EXPECT_TRUE(inside(kFrame, s.layout.titleRect));
    EXPECT_TRUE(inside(kFrame, s.layout.captionRect));
    EXPECT_LE(s.layout.titleRect.bottom(), s.layout.captionRect.top());
    EXPECT_LE(s.layout.captionRect.bottom(), s.layout.axisRect.top());
    // It fits its rectangle: one line at this length.
    EXPECT_LE(QFontMetricsF(fonts.title).horizontalAdvance(s.options.headline), s.layout.titleRect.width());
}

TEST(Slide, LongHeadlineWrapsIntoTwoLinesInsideTheFrame)
{
    const QString longOne = QStringLiteral(
        "each process doubled its own copy: workers ended with a = 2, main still has a = 1, as every forked "
        "child works on a copy of its parent's memory");
    const Slide s = slideOf(workersRun(2), longOne);
    const fs::timeline::Fonts fonts(s.options);
    const QFontMetricsF fm(fonts.title);
    EXPECT_GE(fonts.title.pixelSize(), 40);
    const QStringList lines = fs::timeline::wrapText(longOne, fm, s.layout.titleRect.width(), 2);
    ASSERT_EQ(lines.size(), 2);
    for (const QString &line : lines)
        EXPECT_LE(fm.horizontalAdvance(line), s.layout.titleRect.width());
    EXPECT_GE(s.layout.titleRect.height(), 2 * fm.lineSpacing());
    EXPECT_TRUE(inside(kFrame, s.layout.titleRect));
}

TEST(Slide, ResultsAreLargeAtTheLanesEndsAndDoNotOverlap)
{
    const Slide s = slideOf(workersRun(2, 2), QStringLiteral("a headline"));
    const fs::timeline::Fonts fonts(s.options);
    EXPECT_GE(fonts.result.pixelSize(), fonts.base.pixelSize()) << "the decisive values are the big text";
    EXPECT_GE(fonts.result.pixelSize(), 40) << "three lanes: tall lanes, big type";
    ASSERT_FALSE(s.layout.resultRect.isEmpty());
    EXPECT_TRUE(inside(kFrame, s.layout.resultRect));
    EXPECT_FALSE(s.layout.resultRect.intersects(s.layout.plotRect));
    EXPECT_FALSE(s.layout.resultRect.intersects(s.layout.titleRect));
    EXPECT_FALSE(s.layout.resultRect.intersects(s.layout.legendRect));
    EXPECT_GE(s.layout.resultRect.left(), s.layout.plotRect.right());

    const QImage image = render(s);
    // Each lane's cell in the result column has ink; the cells are its rows, one under the other.
    double lastBottom = -1;
    for (std::uint32_t lane = 0; lane < 3; ++lane) {
        const auto row = static_cast<std::size_t>(s.layout.laneRow[lane]);
        const QRectF cell(s.layout.resultRect.left(), s.layout.rowTop[row], s.layout.resultRect.width(),
                          s.layout.rowHeight[row]);
        EXPECT_TRUE(inked(image, cell, s.options.theme.background)) << "lane " << lane;
        EXPECT_GE(cell.top(), lastBottom);
        lastBottom = cell.bottom();
    }
    // "a = 2" is drawn big: its digits are about three quarters of the result font tall.
    const auto workerRow = static_cast<std::size_t>(s.layout.laneRow[1]);
    const QRect value = inkBox(image,
                               QRectF(s.layout.resultRect.left(), s.layout.rowTop[workerRow],
                                      s.layout.resultRect.width(), s.layout.rowHeight[workerRow]),
                               s.options.theme.background);
    EXPECT_GE(value.height(), fonts.result.pixelSize() * 6 / 10);
    EXPECT_GE(value.height(), 28);
    EXPECT_TRUE(hasColor(image, value, s.options.theme.text));
    EXPECT_EQ(s.options.results[0].text, QStringLiteral("a = 1"));
    EXPECT_EQ(s.options.results[1].text, QStringLiteral("a = 2"));
    EXPECT_TRUE(s.options.results[2].failed);
    EXPECT_TRUE(s.options.results[2].text.startsWith(QStringLiteral("exit 1 · IndexError")));
    // The failure is in the crash colour somewhere in its cell.
    const auto row = static_cast<std::size_t>(s.layout.laneRow[2]);
    const QRect cell = QRectF(s.layout.resultRect.left(), s.layout.rowTop[row], s.layout.resultRect.width(),
                              s.layout.rowHeight[row])
                           .toAlignedRect();
    bool crashInk = false;
    for (int y = cell.top(); y < cell.bottom() && !crashInk; ++y)
        for (int x = cell.left(); x < cell.right() && !crashInk; ++x)
            crashInk = image.pixelColor(x, y) == s.options.theme.crash;
    EXPECT_TRUE(crashInk);
}

TEST(Slide, TypeAndLanesScaleWithTheNumberOfLanesAndStayLegible)
{
    double lastLane = 1e9;
    int lastText = 1000;
    for (const int workers : {1, 3, 10, 20, 30, 60, 200}) {
        const Slide s = slideOf(workersRun(workers), QStringLiteral("headline"));
        const fs::timeline::Fonts fonts(s.options);
        for (const QFont *f :
             {&fonts.base, &fonts.bold, &fonts.small, &fonts.caption, &fonts.result, &fonts.legend})
            EXPECT_GE(f->pixelSize(), fs::kSlideMinTextPx) << workers << " workers";
        EXPECT_LE(s.layout.laneHeight, lastLane) << workers << " workers";
        EXPECT_LE(s.options.fontPixelSize, lastText) << workers << " workers";
        lastLane = s.layout.laneHeight;
        lastText = s.options.fontPixelSize;
        // Every row is on the slide: none is cut off at the bottom.
        EXPECT_EQ(s.layout.firstRow + s.layout.visibleRows, static_cast<int>(s.layout.rows.size()))
            << workers;
        EXPECT_LE(s.layout.rowTop.back() + s.layout.rowHeight.back(), s.layout.plotRect.bottom() + 0.5)
            << workers;
        EXPECT_TRUE(inside(kFrame, s.layout.plotRect));
        EXPECT_TRUE(s.layout.legendRect.isEmpty() || inside(kFrame, s.layout.legendRect));
    }
    const Slide two = slideOf(workersRun(1), QStringLiteral("headline"));
    const Slide eleven = slideOf(workersRun(10), QStringLiteral("headline"));
    EXPECT_GT(two.layout.laneHeight, 2 * eleven.layout.laneHeight);
    EXPECT_GT(two.options.resultPixelSize, eleven.options.resultPixelSize);
    // The plot fills the frame's height, not its top quarter.
    EXPECT_GT(eleven.layout.plotRect.height(), kFrame.height() * 0.55);
}

TEST(Slide, ManyAlikeLanesFoldIntoGroupsInsteadOfShrinking)
{
    const Slide s = slideOf(workersRun(200), QStringLiteral("headline"));
    ASSERT_EQ(s.layout.folds.size(), 1u);
    const fs::LaneFold &fold = s.layout.folds.front();
    EXPECT_TRUE(fold.label.startsWith(QStringLiteral("workers ")));
    EXPECT_TRUE(fold.label.endsWith(QStringLiteral("–200")));
    EXPECT_LT(s.layout.rows.size(), 45u);
    EXPECT_GE(s.layout.laneHeight, s.options.minLaneHeight);
    // The first workers keep lanes of their own; the fold takes the rest, every one of them.
    EXPECT_FALSE(s.layout.folded(1));
    EXPECT_TRUE(s.layout.folded(200));
    EXPECT_EQ(fold.lanes.size() + (s.layout.rows.size() - 1), 201u);
    const QRectF band = s.layout.barBand(200, 0);
    const auto foldRow = static_cast<std::size_t>(s.layout.laneRow[200]);
    EXPECT_GE(band.top(), s.layout.rowTop[foldRow]);
    EXPECT_LE(band.bottom(), s.layout.rowTop[foldRow] + s.layout.rowHeight[foldRow] + 0.01);
    // Drawn as a band of thin lanes: at 30 ms every folded worker sleeps, so a column through the band is
    // the sleeping colour from its top to its bottom; all came to a = 2, which the result column says once.
    const QImage image = render(s);
    const double x = s.layout.timeToX(30 * kMs);
    const QRectF inner = s.layout.barBand(s.layout.folds.front().lanes.front(), 0)
                             .united(s.layout.barBand(s.layout.folds.front().lanes.back(), 0));
    int sleeping = 0;
    int pixels = 0;
    for (int y = static_cast<int>(std::ceil(inner.top())); y < static_cast<int>(inner.bottom());
         ++y, ++pixels)
        sleeping += pixelAt(image, x, y) == s.options.theme.stateColor(fs::BarState::Sleeping);
    EXPECT_GT(pixels, 40);
    EXPECT_GE(sleeping * 10, pixels * 9) << sleeping << " of " << pixels;
    const QRectF foldResult(s.layout.resultRect.left(), s.layout.rowTop[foldRow], s.layout.resultRect.width(),
                            s.layout.rowHeight[foldRow]);
    EXPECT_TRUE(inked(image, foldResult, s.options.theme.background));
    // Its label says which lanes it holds; no process header is drawn in its place.
    const QRectF foldLabel(s.layout.labelRect.left(), s.layout.rowTop[foldRow], s.layout.labelRect.width(),
                           s.layout.rowHeight[foldRow]);
    EXPECT_TRUE(hasColor(image, foldLabel, s.options.theme.text));
    EXPECT_NE(pixelAt(image, foldLabel.left() + 2, foldLabel.top() + 3), s.options.theme.headerBackground);
    // Few lanes never fold.
    EXPECT_TRUE(slideOf(workersRun(10), QStringLiteral("headline")).layout.folds.empty());
}

TEST(Slide, DetailsOnlyWhenAsked)
{
    const auto run = workersRun(2);
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::ExportOptions plain;
    const fs::PaintOptions slide = fs::exportPaintOptions(model, plain);
    EXPECT_FALSE(slide.details);
    for (const fs::DisplayRow &row : fs::layoutTimeline(model, kFrame, slide).rows)
        EXPECT_NE(row.kind, fs::DisplayRow::Kind::Header) << "no process header bars on a slide";
    plain.details = true;
    const fs::PaintOptions detailed = fs::exportPaintOptions(model, plain);
    const auto rows = fs::layoutTimeline(model, kFrame, detailed).rows;
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                            [](const fs::DisplayRow &r) { return r.kind == fs::DisplayRow::Kind::Header; }),
              3);
}

TEST(Slide, LightWhateverTheWindowUnlessDarkIsChosen)
{
    const auto run = workersRun(2);
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::PaintOptions view;
    view.theme = fs::Theme::dark();
    fs::ExportOptions fromView = fs::ExportOptions::forView(view);
    EXPECT_GT(fs::exportPaintOptions(model, fromView).theme.background.lightness(), 128);
    fromView.dark = true;
    EXPECT_LT(fs::exportPaintOptions(model, fromView).theme.background.lightness(), 128);
}

TEST(Slide, LegendListsOnlyWhatTheSlideShows)
{
    // A print outside the exported window: the run recorded one, the slide shows none.
    auto run = workersRun(2);
    run.events.push_back(event(80 * kMs, 0, EventType::Print, 0, 0, "late"));
    forkscope::test::sortByTime(run.events);
    const fs::TimelineModel model = forkscope::test::finishedModel(run);
    fs::ExportOptions options;
    options.window = fs::TimeWindow{0, 70 * kMs};
    fs::PaintOptions paint = fs::exportPaintOptions(model, options);
    const fs::TimelineLayout layout = fs::layoutTimeline(model, kFrame, paint);
    QImage image(1920, 1080, QImage::Format_ARGB32);
    const auto legendWithout = [&](bool exact) {
        paint.exactLegend = exact;
        image.fill(Qt::white);
        QPainter painter(&image);
        fs::paintTimeline(painter, model, fs::layoutTimeline(model, kFrame, paint), paint);
        painter.end();
        return image.copy(layout.legendRect.toAlignedRect());
    };
    // The exact legend draws less than the one that lists everything recorded.
    const QImage exact = legendWithout(true);
    const QImage recorded = legendWithout(false);
    const auto inkCount = [&](const QImage &img) {
        int n = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                n += img.pixelColor(x, y) != paint.theme.background;
        return n;
    };
    EXPECT_LT(inkCount(exact), inkCount(recorded));
}

TEST(LaneResults, SayWhatEachLaneCameTo)
{
    using forkscope::core::WorkerKind;
    forkscope::test::ExampleRun run;
    run.lanes = {{"main", WorkerKind::Main, 1, 1},
                 {"squares", WorkerKind::Process, 2, 2},
                 {"crasher", WorkerKind::Process, 3, 3},
                 {"idle", WorkerKind::Process, 4, 4}};
    run.events = {
        event(0, 0, EventType::WorkerStart, 1, 1),
        event(0, 0, EventType::VariableOpen, 0, 0, "result"),
        event(0, 0, EventType::VariableOpen, 1, 16, "squares_list"),
        event(1, 1, EventType::WorkerStart, 2, 2),
        event(1, 2, EventType::WorkerStart, 3, 3),
        event(1, 3, EventType::WorkerStart, 4, 4),
        event(2, 1, EventType::ValueWrite, 1, 4),
        event(3, 1, EventType::ValueRead, 1, 1),
        event(4, 2, EventType::WorkerEnd, 11, -1),
        event(5, 1, EventType::WorkerEnd, 0, 0),
        event(5, 3, EventType::WorkerEnd, 0, 0),
        event(6, 0, EventType::ValueRead, 0, 0),
        event(7, 0, EventType::ValueRead, 0, 0),
        event(8, 0, EventType::ValueRead, 0, 0),
        event(9, 0, EventType::WorkerEnd, 0, 0),
    };
    // Elements: the events' detail.
    run.events[1].detail = 3;
    run.events[2].detail = 16;
    run.events[6].detail = 1; // squares_list[1] = 4, appended
    run.events[7].detail = 0; // the list's length
    run.events[11].detail = 0;
    run.events[12].detail = 1;
    run.events[13].detail = 2;
    run.result = forkscope::test::resultFor(run.lanes, run.events, "results");
    forkscope::core::Plan plan;
    forkscope::core::WorkerPlan squares;
    squares.steps = {{forkscope::core::StepOp::Append, "squares_list", 0, 0}};
    plan.workers.push_back(squares);

    const std::vector<fs::LaneResult> results = fs::laneResults(run.result, run.events, &plan);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].text, QStringLiteral("result = [0, 0, 0]")) << "a closing read of every element";
    EXPECT_EQ(results[1].text, QStringLiteral("len(squares_list) = 1")) << "a list's length";
    EXPECT_EQ(results[2].text, QStringLiteral("killed by SIGSEGV"));
    EXPECT_TRUE(results[2].failed);
    EXPECT_TRUE(results[3].text.isEmpty()) << "touched no variable";
    // Without the plan, the list is an array like any other.
    EXPECT_EQ(fs::laneResults(run.result, run.events)[1].text, QStringLiteral("squares_list[0] = 1"));
}

} // namespace
