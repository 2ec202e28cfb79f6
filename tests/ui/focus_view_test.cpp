// Focus views on the lessons' real runs: the right view is chosen for the pipe, the full queue and the shared
// queue, and each picture carries what it is about in pixels (the capacity line, the arrows, the blocks).
// FORKSCOPE_FOCUS_PNG_DIR=<dir> also writes each picture there, for people to look at.

#include "core/analysis/headline.hpp"
#include "core/client/run.hpp"
#include "core/scenario/scenarios.hpp"
#include "ui/focus/focus_views.hpp"
#include "ui/timeline/theme.hpp"

#include <QDir>
#include <QImage>
#include <QPainter>

#include "ui/focus/focus_parts.hpp"
#include "ui/focus/focus_widget.hpp"

#include <gtest/gtest.h>

namespace fs = forkscope::ui;
namespace core = forkscope::core;

namespace {

struct LessonRun {
    core::RunResult result;
    std::vector<core::Event> events;
    fs::TimelineModel model;
    fs::FocusInput input;
};

std::unique_ptr<LessonRun> runLesson(const std::string &id, const std::map<std::string, std::string> &params)
{
    auto run = std::make_unique<LessonRun>();
    const core::Scenario *scenario = core::findScenario(id);
    EXPECT_NE(scenario, nullptr) << id;
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    EXPECT_TRUE(core::buildPlan(*scenario, params, plan, values, error)) << error;
    auto live = core::Run::start(plan, error);
    EXPECT_TRUE(live) << error;
    if (!live)
        return run;
    EXPECT_TRUE(live->waitFor(std::chrono::seconds(30))) << id << " did not finish";
    live->wait();
    run->events = live->events();
    run->result = live->result();
    std::vector<core::LaneInfo> lanes;
    for (const core::LaneOutcome &lane : run->result.lanes)
        lanes.push_back(lane.info);
    run->model.reset(lanes);
    run->model.appendEvents(run->events);
    run->model.finish(run->result);
    const core::HeadlineInput in{&run->result, &run->events, &values, nullptr};
    run->input = {&run->model,
                  run->events,
                  nullptr,
                  QString::fromStdString(core::headline(in)),
                  QString::fromStdString(core::caption(in)),
                  false};
    return run;
}

QImage paint(fs::FocusKind kind, const fs::FocusInput &input, const QString &name)
{
    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        fs::paintFocus(kind, painter, QRectF(0, 0, 1920, 1080), input);
    }
    if (const QByteArray dir = qgetenv("FORKSCOPE_FOCUS_PNG_DIR"); !dir.isEmpty())
        image.save(QDir(QString::fromLocal8Bit(dir)).filePath(name + QStringLiteral(".png")));
    return image;
}

/// Pixels within `tolerance` of `color` in `region`.
int countColor(const QImage &image, const QColor &color, const QRect &region = {}, int tolerance = 24)
{
    const QRect r = region.isNull() ? image.rect() : region.intersected(image.rect());
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            n += std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                    + std::abs(c.blue() - color.blue())
                <= tolerance;
        }
    return n;
}

TEST(FocusView, ThePipeBecomesASequenceDiagram)
{
    const auto run = runLesson("pipe", {{"kind", "process"}, {"delay", "0.5"}, {"time-scale", "0.05"}});
    ASSERT_EQ(fs::focusFor(run->model, run->events), fs::FocusKind::Sequence);
    const QImage image = paint(fs::FocusKind::Sequence, run->input, QStringLiteral("pipe"));
    // Five arrows in the pipe's colour, each a few px thick and hundreds long, across the middle.
    const int arrowPixels = countColor(image, fs::Theme::light().pipeMessage);
    EXPECT_GT(arrowPixels, 5 * 400 * 3) << "five long thick arrows";
    // Time runs down: the arrows' colour appears in the top and in the bottom half of the chart.
    EXPECT_GT(countColor(image, fs::Theme::light().pipeMessage, QRect(0, 200, 1920, 300)), 0);
    EXPECT_GT(countColor(image, fs::Theme::light().pipeMessage, QRect(0, 600, 1920, 400)), 0);
}

TEST(FocusView, AFullQueueShowsItsFillAndTheProducersWait)
{
    const auto run = runLesson("producer-consumer",
                               {{"kind", "thread"},
                                {"items", "30"},
                                {"capacity", "5"},
                                {"produce", "0.01"},
                                {"consume", "0.1"},
                                {"time-scale", "0.1"}});
    ASSERT_EQ(fs::focusFor(run->model, run->events), fs::FocusKind::QueueFill);
    const QImage image = paint(fs::FocusKind::QueueFill, run->input, QStringLiteral("producer-consumer"));
    QColor fill = fs::Theme::light().queueFill;
    // The queue is full most of the run: its fill colour (blended on the producer's shade or not) covers a
    // large part of the frame.
    int filled = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            filled += c.blue() > c.red() + 60 && c.blue() > 120;
        }
    EXPECT_GT(filled, 1920 * 1080 / 6) << "the fill area is the picture's main ink";
    EXPECT_GT(countColor(image, fs::Theme::light().states[0], {}, 30), 20000) << "the producer's waits";
    (void)fill;
}

TEST(FocusView, SharedOutMessagesShowWhoTookWhich)
{
    const auto run = runLesson(
        "queue-workers", {{"kind", "process"}, {"workers", "3"}, {"messages", "6"}, {"time-scale", "0.05"}});
    ASSERT_EQ(fs::focusFor(run->model, run->events), fs::FocusKind::Dispatch);
    const QImage image = paint(fs::FocusKind::Dispatch, run->input, QStringLiteral("queue-workers"));
    // Six messages in six colours: each hue appears as a block.
    int hues = 0;
    for (const QColor &c : {QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9), QColor(0x00, 0x9E, 0x73),
                            QColor(0xCC, 0x79, 0xA7), QColor(0xF0, 0xE4, 0x42), QColor(0x00, 0x72, 0xB2)})
        hues += countColor(image, c, {}, 12) > 500;
    EXPECT_EQ(hues, 6);
}

TEST(FocusView, ThreadsUnderAGilTakeTurns)
{
    const auto run = runLesson(
        "cpu-vs-io",
        {{"mode", "gil-threads"}, {"work", "cpu"}, {"tasks", "3"}, {"seconds", "0.3"}, {"time-scale", "1"}});
    ASSERT_EQ(fs::focusFor(run->model, run->events), fs::FocusKind::Gil);
    const QImage image = paint(fs::FocusKind::Gil, run->input, QStringLiteral("gil"));
    // In the zoomed turns, at any x at most one row is solid: sample columns across the top panel.
    const QColor solid = fs::Theme::light().stateColor(fs::BarState::Computing);
    int columns = 0, overlaps = 0, covered = 0;
    for (int x = 400; x < 1800; x += 7) {
        int rows = 0;
        for (int y = 150; y < 640; y += 2)
            rows += countColor(image, solid, QRect(x, y, 1, 1), 6) > 0;
        ++columns;
        covered += rows > 0;
        overlaps += rows > 60; // more than one row's height of solid in one column
    }
    EXPECT_GT(covered, columns / 2) << "someone holds the GIL most of the time";
    EXPECT_LE(overlaps, columns / 20) << "never two at once";
}

TEST(FocusView, TheTabWorksOutWhatItDrawsOnceAndKeepsNoEvents)
{
    // The Focus tab pairs the run's messages when the run is set, keeps what its view draws and lets the rest
    // go (the events too): a repaint, a resize or a theme switch goes through none of the events again.
    const auto dispatch = runLesson(
        "queue-workers", {{"kind", "process"}, {"workers", "3"}, {"messages", "6"}, {"time-scale", "0.05"}});
    const auto fill = runLesson("producer-consumer",
                                {{"kind", "thread"},
                                 {"items", "30"},
                                 {"capacity", "5"},
                                 {"produce", "0.01"},
                                 {"consume", "0.1"},
                                 {"time-scale", "0.1"}});
    for (const LessonRun *run : {dispatch.get(), fill.get()}) {
        fs::FocusWidget widget;
        {
            // The caller's events are gone (and scribbled over first) by the time the tab paints.
            std::vector<core::Event> events = run->events;
            widget.setRun(std::make_shared<const fs::TimelineModel>(run->model), events, run->input.headline,
                          run->input.caption);
            std::fill(events.begin(), events.end(), core::Event{});
        }
        const fs::FocusKind kind = fs::focusFor(run->model, run->events);
        ASSERT_EQ(widget.kind(), kind);
        const core::MessageFlow *first = nullptr;
        if (kind == fs::FocusKind::Dispatch) {
            EXPECT_EQ(widget.flows().messages.size(), core::messageFlows(run->events).size());
            EXPECT_TRUE(widget.flows().queues.empty()) << "who took what needs no fill history";
            first = &widget.flows().messages.front();
            EXPECT_EQ(first->value, core::messageFlows(run->events).front().value);
        } else {
            ASSERT_EQ(widget.flows().queues.size(), 1u);
            EXPECT_EQ(widget.flows().queues[0].fill.size(),
                      core::queueHistories(run->events, fs::focus::runEnd(run->model))[0].fill.size());
            EXPECT_TRUE(widget.flows().messages.empty()) << "a queue's fill needs no pairing of its messages";
        }
        // The tab's picture is the one painted from the events.
        QImage fromTab(1920, 1080, QImage::Format_ARGB32_Premultiplied);
        fromTab.fill(Qt::transparent);
        {
            QPainter painter(&fromTab);
            widget.paintTo(painter, QRectF(0, 0, 1920, 1080));
        }
        EXPECT_TRUE(fromTab == paint(kind, run->input, QStringLiteral("tab"))) << fs::focusName(kind);
    }
}

TEST(FocusView, AViewIsChosenWithoutPairingTheMessagesOfABusyQueue)
{
    // The window chooses a finished run's view on the thread pool (chooseFocus): the same view and the same
    // kept flows as focusFor and keptFor of every message paired, but a run whose queue took more than 60
    // messages has its messages counted, not paired (no view charting messages fits it; a million of them
    // were 80 MB paired and let go at once).
    const auto busy = runLesson("producer-consumer",
                                {{"kind", "thread"},
                                 {"items", "200"},
                                 {"capacity", "5"},
                                 {"produce", "0.01"},
                                 {"consume", "0.1"},
                                 {"time-scale", "0.01"}});
    const auto fill = runLesson("producer-consumer",
                                {{"kind", "thread"},
                                 {"items", "30"},
                                 {"capacity", "5"},
                                 {"produce", "0.01"},
                                 {"consume", "0.1"},
                                 {"time-scale", "0.1"}});
    const auto dispatch = runLesson(
        "queue-workers", {{"kind", "process"}, {"workers", "3"}, {"messages", "6"}, {"time-scale", "0.05"}});
    const auto pipe = runLesson("pipe", {{"kind", "process"}, {"delay", "0.5"}, {"time-scale", "0.05"}});
    const auto sleepers = runLesson("sleepers", {{"kind", "process"}, {"time-scale", "0.01"}});
    ASSERT_GT(core::messageFlows(busy->events).size(), 60u);
    for (const LessonRun *run : {busy.get(), fill.get(), dispatch.get(), pipe.get(), sleepers.get()}) {
        const fs::FocusKind kind = fs::focusFor(run->model, run->events);
        const fs::FocusFlows kept = fs::keptFor(kind, fs::focusFlows(run->model, run->events));
        const fs::FocusChoice choice = fs::chooseFocus(run->model, run->events);
        EXPECT_EQ(choice.kind, kind) << fs::focusName(kind);
        EXPECT_EQ(choice.kept.messages.size(), kept.messages.size()) << fs::focusName(kind);
        ASSERT_EQ(choice.kept.queues.size(), kept.queues.size()) << fs::focusName(kind);
        for (std::size_t q = 0; q < kept.queues.size(); ++q) {
            EXPECT_EQ(choice.kept.queues[q].fill, kept.queues[q].fill);
            EXPECT_EQ(choice.kept.queues[q].blocked.size(), kept.queues[q].blocked.size());
            EXPECT_EQ(choice.kept.queues[q].messages, kept.queues[q].messages);
        }
    }
    EXPECT_EQ(fs::chooseFocus(busy->model, busy->events).kind, fs::FocusKind::QueueFill)
        << "a producer waiting on a full queue, 200 messages";
}

TEST(FocusView, OtherLessonsKeepTheTimeline)
{
    const auto sleepers = runLesson("sleepers", {{"kind", "process"}, {"time-scale", "0.01"}});
    EXPECT_EQ(fs::focusFor(sleepers->model, sleepers->events), fs::FocusKind::Timeline);
    const auto oneWorker = runLesson(
        "queue-workers", {{"kind", "thread"}, {"workers", "1"}, {"messages", "4"}, {"time-scale", "0.02"}});
    EXPECT_EQ(fs::focusFor(oneWorker->model, oneWorker->events), fs::FocusKind::Timeline)
        << "one worker takes every message: nothing to share out";
}

} // namespace
