#pragma once

// A small hand-made run whose geometry the GUI tests know exactly.

#include "example_run.hpp"
#include "ui/timeline_painter.hpp"

#include <QColor>
#include <QImage>

namespace forkscope::test {

inline constexpr std::int64_t kMs = 1'000'000;

/// main sleeps 10–40 ms and joins the worker 45–71 ms; the helper thread holds a lock 15–55 ms with a
/// sleep nested 25–45 ms; the worker process computes 20–60 ms, prints at 61 ms, computes for 10 ns at 62 ms,
/// writes a value at 64 ms and ends at 70 ms.
inline ExampleRun smallRun()
{
    using core::EventType;
    ExampleRun run;
    run.lanes = {{"main", core::WorkerKind::Main, 100, 100},
                 {"helper", core::WorkerKind::Thread, 100, 101},
                 {"worker", core::WorkerKind::Process, 200, 200}};
    run.events = {
        event(0, 0, EventType::WorkerStart, 100, 100),
        event(2 * kMs, 0, EventType::Spawn, 1),
        event(3 * kMs, 0, EventType::Spawn, 2),
        event(5 * kMs, 1, EventType::WorkerStart, 101, 100),
        event(8 * kMs, 2, EventType::WorkerStart, 200, 200),
        event(10 * kMs, 0, EventType::SleepBegin, 0, 30 * kMs),
        event(15 * kMs, 1, EventType::LockWait, 1),
        event(15 * kMs, 1, EventType::LockAcquire, 1),
        event(20 * kMs, 2, EventType::ComputeBegin, 0, 40 * kMs),
        event(25 * kMs, 1, EventType::SleepBegin, 0, 20 * kMs),
        event(40 * kMs, 0, EventType::SleepEnd),
        event(45 * kMs, 0, EventType::JoinBegin, 2),
        event(45 * kMs, 1, EventType::SleepEnd),
        event(55 * kMs, 1, EventType::LockRelease, 1),
        event(60 * kMs, 1, EventType::WorkerEnd, 0, 0),
        event(60 * kMs, 2, EventType::ComputeEnd, 0, 5),
        event(61 * kMs, 2, EventType::Print, 0, 0, "hi"),
        event(62 * kMs, 2, EventType::ComputeBegin, 0, 10),
        event(62 * kMs + 10, 2, EventType::ComputeEnd, 0, 1),
        event(64 * kMs, 0, EventType::VariableOpen, 0, 0, "x"),
        event(64 * kMs, 2, EventType::ValueWrite, 0, 7),
        event(70 * kMs, 2, EventType::WorkerEnd, 0, 0),
        event(71 * kMs, 0, EventType::JoinEnd, 2),
        event(72 * kMs, 0, EventType::MainEnd),
        event(73 * kMs, 0, EventType::WorkerEnd, 0, 0),
    };
    run.result = resultFor(run.lanes, run.events, "small");
    return run;
}

inline ui::TimelineModel finishedModel(const ExampleRun &run)
{
    ui::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    return model;
}

/// Options with a known geometry: fixed lane height and label width, no legend, no title.
inline ui::PaintOptions fixedOptions()
{
    ui::PaintOptions options;
    options.window = {0, 100 * kMs};
    options.laneHeight = 40;
    options.labelWidth = 200;
    options.legend = false;
    return options;
}

/// The colour of a pixel, opaque, for comparing with theme colours.
inline QColor pixelAt(const QImage &image, double x, double y)
{
    return image.pixelColor(static_cast<int>(x), static_cast<int>(y));
}

} // namespace forkscope::test
