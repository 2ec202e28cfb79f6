// Messages to a lane out of sight: a stub with a head at the end in sight instead of a line across the plot,
// and the hit test still says where each goes (ui/timeline/message_stubs.hpp).

#include "render_fixture.hpp"
#include "ui/timeline/hit_test.hpp"
#include "ui/timeline/message_stubs.hpp"
#include "ui/timeline/slide.hpp"
#include "ui/timeline/texts.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;

namespace {

forkscope::core::Event message(std::int64_t timeNs, std::uint32_t lane, EventType type, std::int64_t value,
                               std::uint32_t seq)
{
    forkscope::core::Event e = event(timeNs, lane, type, 0, value);
    e.id = seq;
    return e;
}

constexpr std::uint32_t kConsumers = 30;
constexpr std::uint32_t kLast = 1 + kConsumers; ///< lane of "consumer 30"

/// main (lane 0), a producer (lane 1) and 30 consumers (lanes 2–31), threads of one process. The producer
/// puts 10 items on queue 0 for consumer 30 every 6 ms from 10 ms, each taken 4 ms later, and one for
/// consumer 1 at 80 ms, taken at 84 ms.
forkscope::test::ExampleRun stubRun()
{
    forkscope::test::ExampleRun run;
    run.lanes = {{"main", forkscope::core::WorkerKind::Main, 100, 100},
                 {"producer", forkscope::core::WorkerKind::Thread, 100, 101}};
    for (std::uint32_t c = 1; c <= kConsumers; ++c)
        run.lanes.push_back({"consumer " + std::to_string(c), forkscope::core::WorkerKind::Thread, 100,
                             static_cast<int>(101 + c)});
    std::vector<forkscope::core::Event> &events = run.events;
    events.push_back(event(0, 0, EventType::WorkerStart, 100, 100));
    events.push_back(event(0, 0, EventType::QueueOpen, 0, 100, "jobs"));
    for (std::uint32_t l = 1; l < run.lanes.size(); ++l)
        events.push_back(event(1 * kMs, l, EventType::WorkerStart, 100, 100 + l));
    for (std::uint32_t k = 0; k < 10; ++k) {
        events.push_back(message((10 + 6 * k) * kMs, 1, EventType::QueuePut, 100 + k, k));
        events.push_back(message((14 + 6 * k) * kMs, kLast, EventType::QueueGet, 100 + k, k));
    }
    events.push_back(message(80 * kMs, 1, EventType::QueuePut, 7, 10));
    events.push_back(message(84 * kMs, 2, EventType::QueueGet, 7, 10));
    for (std::uint32_t l = 1; l < run.lanes.size(); ++l)
        events.push_back(event(95 * kMs, l, EventType::WorkerEnd, 0, 0));
    events.push_back(event(96 * kMs, 0, EventType::WorkerEnd, 0, 0));
    forkscope::test::sortByTime(events);
    run.result = forkscope::test::resultFor(run.lanes, events, "stubs");
    return run;
}

struct Picture {
    QImage image;
    fs::TimelineLayout layout;
};

Picture render(const fs::TimelineModel &model, const fs::PaintOptions &options, QSize size)
{
    Picture p{QImage(size, QImage::Format_ARGB32), {}};
    p.layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), QSizeF(size)), options);
    QPainter painter(&p.image);
    fs::paintTimeline(painter, model, p.layout, options);
    return p;
}

/// The queue arrows' blue (0x005A8C at alpha 170 over white is about 85, 145, 178).
bool queueBlue(QRgb c) { return qBlue(c) > qRed(c) + 50 && qBlue(c) > 120; }

int blueIn(const QImage &image, int x0, int x1, int y0, int y1)
{
    int n = 0;
    for (int y = std::max(0, y0); y <= std::min(image.height() - 1, y1); ++y)
        for (int x = std::max(0, x0); x <= std::min(image.width() - 1, x1); ++x)
            n += queueBlue(image.pixel(x, y));
    return n;
}

} // namespace

TEST(MessageStubs, AMessageToALaneBelowTheRowsShownIsAStubWithAHeadNotALineAcrossThePlot)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(stubRun());
    ASSERT_EQ(model.messageArrows().size(), 11u);
    fs::PaintOptions options = forkscope::test::fixedOptions();
    const Picture p = render(model, options, {1000, 420});
    ASSERT_TRUE(p.layout.shown(1) && p.layout.shown(2)) << "producer and consumer 1 in sight";
    ASSERT_FALSE(p.layout.shown(kLast)) << "consumer 30 below the rows shown";
    const double fromY = p.layout.laneCenterY(1);
    const QRectF plot = p.layout.plotRect;
    // Nothing blue below the stubs' reach: no line runs down to consumer 30 (before, ten lines crossed every
    // row under the producer's), and the one line to consumer 1 (in sight) ends at its lane.
    const double consumer1 = p.layout.laneCenterY(2);
    EXPECT_EQ(blueIn(p.image, static_cast<int>(plot.left()), static_cast<int>(plot.right()),
                     static_cast<int>(consumer1 + 8), static_cast<int>(plot.bottom()) - 1),
              0);
    for (std::uint32_t k = 0; k < 10; ++k) {
        const int x = static_cast<int>(std::lround(p.layout.timeToX((10 + 6 * k) * kMs)));
        // The stub: a line down from the producer's middle ...
        EXPECT_GE(blueIn(p.image, x - 1, x + 1, static_cast<int>(fromY + 2), static_cast<int>(fromY + 8)), 5)
            << "stub " << k;
        // ... ending in a head a few pixels wide, about 16 pixels down, pointing down.
        const int headRow = static_cast<int>(fromY + fs::timeline::kStubLength - 3);
        EXPECT_GE(blueIn(p.image, x - 4, x + 4, headRow, headRow), 3) << "head of stub " << k;
        EXPECT_EQ(blueIn(p.image, x - 4, x + 4, static_cast<int>(fromY + fs::timeline::kStubLength + 2),
                         static_cast<int>(fromY + fs::timeline::kStubLength + 6)),
                  0)
            << "the stub stops at its head, " << k;
        // Where the message goes is said on hovering the stub.
        const fs::TimelineHit hit = fs::hitTest(model, p.layout, QPointF(x, fromY + 8));
        ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Message) << "stub " << k;
        EXPECT_EQ(model.messageArrows()[hit.index].fromTime, (10 + 6 * k) * kMs);
        const QString text = fs::describeHit(model, hit);
        EXPECT_TRUE(text.contains(QStringLiteral("→ consumer 30, out of sight below"))) << text.toStdString();
        EXPECT_TRUE(text.contains(QStringLiteral("value %1").arg(100 + k))) << text.toStdString();
    }
    // The message between two lanes in sight is a line as before: blue halfway between them at its middle.
    const double midX = p.layout.timeToX(82 * kMs);
    EXPECT_GT(blueIn(p.image, static_cast<int>(midX) - 3, static_cast<int>(midX) + 3,
                     static_cast<int>((fromY + consumer1) / 2) - 1,
                     static_cast<int>((fromY + consumer1) / 2) + 1),
              0);
}

TEST(MessageStubs, AMessageFromALaneAboveTheRowsShownIsAStubIntoItsReceive)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(stubRun());
    fs::PaintOptions options = forkscope::test::fixedOptions();
    options.firstRow = 26; // from consumer 24 on: the producer is scrolled away above
    const Picture p = render(model, options, {1000, 420});
    ASSERT_FALSE(p.layout.shown(1));
    ASSERT_TRUE(p.layout.shown(kLast));
    const double toY = p.layout.laneCenterY(kLast);
    const QRectF plot = p.layout.plotRect;
    EXPECT_EQ(blueIn(p.image, static_cast<int>(plot.left()), static_cast<int>(plot.right()),
                     static_cast<int>(plot.top()), static_cast<int>(toY - fs::timeline::kStubLength - 3)),
              0)
        << "no line comes down from above";
    for (std::uint32_t k = 0; k < 10; ++k) {
        const int x = static_cast<int>(std::lround(p.layout.timeToX((14 + 6 * k) * kMs)));
        EXPECT_GE(blueIn(p.image, x - 1, x + 1, static_cast<int>(toY - 14), static_cast<int>(toY - 8)), 5);
        EXPECT_GE(blueIn(p.image, x - 4, x + 4, static_cast<int>(toY - 3), static_cast<int>(toY - 3)), 3)
            << "a head into the receive";
        const fs::TimelineHit hit = fs::hitTest(model, p.layout, QPointF(x, toY - 10));
        ASSERT_EQ(hit.kind, fs::TimelineHit::Kind::Message);
        EXPECT_EQ(model.messageArrows()[hit.index].toTime, (14 + 6 * k) * kMs);
        const QString text = fs::describeHit(model, hit);
        EXPECT_TRUE(
            text.contains(QStringLiteral("consumer 30 — queue message from producer, out of sight above")))
            << text.toStdString();
    }
}

TEST(MessageStubs, AMessageBetweenTwoLanesOutOfSightIsNotDrawnEvenFromTheRowJustAboveThePlot)
{
    // Scrolled so that the producer's row lies just above the plot (its middle 20 px above it): its ten
    // messages to consumer 30, far below, join two lanes the picture does not show and cross nothing it
    // does; only the one to consumer 1 (in sight) is drawn, as a stub into its receive at 84 ms.
    const fs::TimelineModel model = forkscope::test::finishedModel(stubRun());
    fs::PaintOptions options = forkscope::test::fixedOptions();
    options.firstRow = 3;
    const Picture p = render(model, options, {1000, 420});
    ASSERT_FALSE(p.layout.shown(1));
    ASSERT_TRUE(p.layout.shown(2));
    ASSERT_FALSE(p.layout.shown(kLast));
    ASSERT_LE(p.layout.plotRect.top() - p.layout.laneCenterY(1), 20.0) << "the producer is just above";
    const QRectF plot = p.layout.plotRect;
    const int x = static_cast<int>(std::lround(p.layout.timeToX(84 * kMs)));
    const int top = static_cast<int>(plot.top());
    const int bottom = static_cast<int>(plot.bottom()) - 1;
    EXPECT_EQ(blueIn(p.image, static_cast<int>(plot.left()), x - 8, top, bottom), 0);
    EXPECT_EQ(blueIn(p.image, x + 8, static_cast<int>(plot.right()), top, bottom), 0);
    EXPECT_GE(blueIn(p.image, x - 1, x + 1, top, bottom), 5) << "the stub into consumer 1";
}

TEST(MessageStubs, ASlideShowsEveryRouteAsLinesOrFoldedNeverAsStubs)
{
    // A slide folds alike lanes rather than leave rows out, so a route has both its lanes in sight (lines,
    // as before stubs) or a folded one (not drawn, as before): its pictures did not change.
    const fs::TimelineModel model = forkscope::test::finishedModel(stubRun());
    for (const QSizeF size : {QSizeF(1920, 1080), QSizeF(1440, 1080), QSizeF(800, 450)}) {
        fs::PaintOptions options = forkscope::test::fixedOptions();
        options.window = fs::fitWindow(model);
        options.details = false;
        options = fs::slideOptions(model, size, options);
        const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), size), options);
        int lines = 0;
        for (const auto &route : model.messageRoutes()) {
            const fs::timeline::RouteShape shape = fs::timeline::routeShape(layout, route);
            EXPECT_TRUE(shape == fs::timeline::RouteShape::Lines
                        || shape == fs::timeline::RouteShape::Hidden);
            lines += shape == fs::timeline::RouteShape::Lines;
        }
        EXPECT_GE(lines, 1) << "the producer's messages to consumer 1 at least";
    }
}
