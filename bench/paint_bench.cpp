// Paint time of one timeline frame at 1920x1080, offscreen, for a trace of 1,000 lanes x 1,000 events
// (1 M events). Target: <= 16 ms per frame (60 Hz), zoomed out (everything folded into level-of-detail
// summaries) and zoomed in. Also reports the cost of building the model from the events.

#include "core/event.hpp"
#include "ui/timeline_painter.hpp"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <benchmark/benchmark.h>

#include <memory>

using namespace forkscope;

namespace {

constexpr int kLanes = 1000;
constexpr int kEventsPerLane = 1000;

std::vector<core::LaneInfo> makeLanes()
{
    std::vector<core::LaneInfo> lanes;
    lanes.push_back({"main", core::WorkerKind::Main, 100, 100});
    for (int i = 1; i < kLanes; ++i)
        lanes.push_back({"worker " + std::to_string(i),
                         i % 2 ? core::WorkerKind::Process : core::WorkerKind::Thread, i % 2 ? 1000 + i : 100,
                         1000 + i});
    return lanes;
}

/// Each lane: start, 499 alternating compute/sleep bars of 1-20 us (498 begin/end pairs), end.
std::vector<core::Event> makeEvents()
{
    std::vector<core::Event> events;
    events.reserve(static_cast<std::size_t>(kLanes) * kEventsPerLane);
    for (std::uint32_t lane = 0; lane < kLanes; ++lane) {
        std::int64_t t = lane * 100;
        events.push_back({.timeNs = t,
                          .value = 1000 + lane,
                          .lane = lane,
                          .type = core::EventType::WorkerStart,
                          .text = {}});
        for (int i = 0; i < (kEventsPerLane - 2) / 2; ++i) {
            const bool compute = i % 2 == 0;
            const std::int64_t len = 1000 + (lane * 7 + static_cast<std::uint32_t>(i) * 13) % 19000;
            events.push_back({.timeNs = t,
                              .value = len,
                              .lane = lane,
                              .type = compute ? core::EventType::ComputeBegin : core::EventType::SleepBegin,
                              .text = {}});
            t += len;
            events.push_back({.timeNs = t,
                              .lane = lane,
                              .type = compute ? core::EventType::ComputeEnd : core::EventType::SleepEnd,
                              .text = {}});
            t += 500;
        }
        events.push_back({.timeNs = t, .lane = lane, .type = core::EventType::WorkerEnd, .text = {}});
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const core::Event &a, const core::Event &b) { return a.timeNs < b.timeNs; });
    return events;
}

struct Fixture {
    std::vector<core::Event> events = makeEvents();
    ui::TimelineModel model;
    Fixture()
    {
        model.reset(makeLanes());
        model.appendEvents(events);
        core::RunResult result;
        for (const auto &info : makeLanes()) {
            core::LaneOutcome lane;
            lane.info = info;
            lane.started = lane.ended = true;
            result.lanes.push_back(lane);
        }
        model.finish(result);
    }
};

Fixture &fixture()
{
    static Fixture f;
    return f;
}

void paintFrame(benchmark::State &state, double zoom)
{
    const ui::TimelineModel &model = fixture().model;
    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    ui::PaintOptions options;
    const ui::TimeWindow all = ui::fitWindow(model);
    const std::int64_t span = static_cast<std::int64_t>(static_cast<double>(all.endNs - all.beginNs) / zoom);
    options.window
        = {all.beginNs + (all.endNs - all.beginNs) / 3, all.beginNs + (all.endNs - all.beginNs) / 3 + span};
    if (zoom == 1.0)
        options.window = all;
    options.firstRow = 200; // somewhere in the middle of the 1,000 lanes
    for (auto _ : state) {
        QPainter painter(&image);
        ui::paintTimeline(painter, model, QRectF(0, 0, 1920, 1080), options);
        painter.end();
        benchmark::DoNotOptimize(image.bits());
    }
    state.counters["events"] = static_cast<double>(model.eventCount());
    state.counters["target_ms"] = 16;
}

void BM_PaintFrameWholeRun(benchmark::State &state) { paintFrame(state, 1.0); }
void BM_PaintFrameZoomed100x(benchmark::State &state) { paintFrame(state, 100.0); }
void BM_PaintFrameZoomed10000x(benchmark::State &state) { paintFrame(state, 10000.0); }

void BM_BuildModelFrom1MEvents(benchmark::State &state)
{
    const auto &events = fixture().events;
    const auto lanes = makeLanes();
    for (auto _ : state) {
        ui::TimelineModel model(lanes);
        model.appendEvents(events);
        benchmark::DoNotOptimize(model.eventCount());
    }
}

} // namespace

BENCHMARK(BM_PaintFrameWholeRun)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PaintFrameZoomed100x)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_PaintFrameZoomed10000x)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_BuildModelFrom1MEvents)->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv); // fonts need a GUI application
    benchmark::Initialize(&argc, argv);
    fixture(); // build outside the timed loops
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
