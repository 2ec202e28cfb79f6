// Queues, pipes and pool tasks on the timeline: pairing in the model, strips, arrows and labels in pixels.

#include "core/shared_memory/queue.hpp"
#include "render_fixture.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
using forkscope::core::EventType;
using forkscope::test::event;
using forkscope::test::kMs;

namespace {

/// main puts 1 and 2 on queue 0 (capacity 2) at 10 and 12 ms, the worker gets them at 30 and 50 ms; main
/// sends "hi" on pipe end 0 at 60 ms, the worker receives it on end 1 at 62 ms; the worker runs task 0,
/// square(3), from 70 to 90 ms.
/// A message event: `channel` is the queue id or the pipe end, `seq` its number there; a queue's fill after it.
forkscope::core::Event message(std::int64_t timeNs, std::uint32_t lane, EventType type, std::int32_t channel,
                               std::int64_t value, std::uint32_t seq, std::int32_t fill = 0,
                               std::string text = {})
{
    forkscope::core::Event e = event(timeNs, lane, type, channel, value, std::move(text));
    e.id = seq;
    e.detail = fill;
    return e;
}

forkscope::test::ExampleRun messageRun()
{
    forkscope::test::ExampleRun run;
    run.lanes = {{"main", forkscope::core::WorkerKind::Main, 100, 100},
                 {"worker", forkscope::core::WorkerKind::Process, 200, 200}};
    run.events = {
        event(0, 0, EventType::WorkerStart, 100, 100),
        event(0, 0, EventType::QueueOpen, 0, 2, "jobs"),
        event(1 * kMs, 1, EventType::WorkerStart, 200, 200),
        message(10 * kMs, 0, EventType::QueuePut, 0, 1, 0, 1),
        message(12 * kMs, 0, EventType::QueuePut, 0, 2, 1, 2),
        message(30 * kMs, 1, EventType::QueueGet, 0, 1, 0, 1),
        message(50 * kMs, 1, EventType::QueueGet, 0, 2, 1, 0),
        message(60 * kMs, 0, EventType::PipeSend, 0, 0, 0, 0, "hi"),
        message(62 * kMs, 1, EventType::PipeRecv, 1, 0, 0, 0, "hi"),
        event(70 * kMs, 1, EventType::TaskBegin, 0, 3, "square"),
        event(90 * kMs, 1, EventType::TaskEnd, 0, 9),
        event(95 * kMs, 1, EventType::WorkerEnd, 0, 0),
        event(96 * kMs, 0, EventType::WorkerEnd, 0, 0),
    };
    return run;
}

} // namespace

TEST(MessageModel, PairsEachPutWithItsGetAndEachSendWithItsReceive)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(messageRun());
    const auto &arrows = model.messageArrows();
    ASSERT_EQ(arrows.size(), 3u);
    EXPECT_EQ(arrows[0].fromTime, 10 * kMs);
    EXPECT_EQ(arrows[0].toTime, 30 * kMs);
    EXPECT_EQ(arrows[1].fromTime, 12 * kMs);
    EXPECT_EQ(arrows[1].toTime, 50 * kMs);
    EXPECT_EQ(arrows[1].value, 2);
    EXPECT_FALSE(arrows[1].pipe);
    EXPECT_TRUE(arrows[2].pipe);
    EXPECT_EQ(arrows[2].fromLane, 0u);
    EXPECT_EQ(arrows[2].toLane, 1u);
    const auto queues = model.busyQueues();
    ASSERT_EQ(queues.size(), 1u);
    EXPECT_EQ(queues[0]->name, "jobs");
    EXPECT_EQ(queues[0]->capacity, 2u);
    EXPECT_EQ(queues[0]->peak, 2u);
    EXPECT_EQ(queues[0]->fill.size(), 4u);
    const fs::Lane &worker = model.lane(1);
    ASSERT_EQ(worker.bars.size(), 1u);
    EXPECT_EQ(worker.bars[0].state, fs::BarState::Task);
    EXPECT_EQ(worker.bars[0].value, 3);
    EXPECT_EQ(worker.bars[0].result, 9);
    EXPECT_EQ(model.taskFunction(), "square");
}

TEST(MessagePainter, DrawsTheFillStripTheTaskBarAndArrows)
{
    const fs::TimelineModel model = forkscope::test::finishedModel(messageRun());
    fs::PaintOptions options = forkscope::test::fixedOptions();
    QImage image(1000, 400, QImage::Format_ARGB32);
    const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(0, 0, 1000, 400), options);
    ASSERT_EQ(layout.rows.back().kind, fs::DisplayRow::Kind::Queue)
        << "a strip row for the queue, after the lanes";
    {
        QPainter painter(&image);
        fs::paintTimeline(painter, model, layout, options);
    }
    const std::size_t strip = layout.rows.size() - 1;
    const double stripBottom = layout.rowTop[strip] + layout.rowHeight[strip] - 4;
    const double stripTop = layout.rowTop[strip] + 4;
    // From 12 to 30 ms the queue is full (2 of 2): the strip is filled to its top; after 50 ms it is empty.
    const QColor full = forkscope::test::pixelAt(image, layout.timeToX(20 * kMs), stripTop);
    const QColor empty = forkscope::test::pixelAt(image, layout.timeToX(80 * kMs), stripBottom);
    EXPECT_GT(full.blue(), full.red() + 100)
        << "the fill colour at the full level: " << full.name().toStdString();
    EXPECT_GT(empty.red(), 150) << "no fill after the queue emptied: " << empty.name().toStdString();
    // The task bar has the task colour somewhere in its middle (the label covers part of the centre).
    const QRectF band = layout.barBand(1, 0);
    const QColor task = forkscope::test::pixelAt(image, layout.timeToX(72 * kMs), band.top() + 2);
    EXPECT_EQ(task, options.theme.stateColor(fs::BarState::Task));
    // The pipe arrow crosses the gap between the two lanes at about 61 ms, in the pipe colour's hue.
    const double midY = (layout.laneCenterY(0) + layout.laneCenterY(1)) / 2;
    bool found = false;
    for (int dx = -4; dx <= 4 && !found; ++dx) {
        const QColor c = forkscope::test::pixelAt(image, layout.timeToX(61 * kMs) + dx, midY);
        found = c.red() > c.blue() + 40 && c.red() > 120;
    }
    EXPECT_TRUE(found) << "a send → receive arrow between the lanes";
}
