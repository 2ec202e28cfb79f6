// One timeline frame at 1920x1080, offscreen, for scenes of 1 M and 10 M events with everything the painter
// draws (bars nested and folded below a pixel, GIL strips, queue strips, join and message arrows, markers
// with their tags, lost updates, the headline, caption, lane labels and results, the legend); a pan of the
// live view (TimelineWidget); the cost of building the model from 1 M events at once and in live batches;
// and the memory the model holds per event. Targets (issue 15): a whole-run frame <= 8 ms at 1 M events and
// <= 16 ms at 10 M, zoomed frames no slower, the model built from 1 M events in <= 30 ms, about 150 bytes
// per event for a whole live window (the model is part of it).
//
// The scene is generated (bench/paint_scene.hpp), so this file builds against an older commit's ui library
// too: compare two commits by building this same file against each (see bench/README.md).

#include "paint_scene.hpp"
#include "ui/timeline_painter.hpp"
#include "ui/timeline_widget.hpp"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <span>

using namespace forkscope;

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

/// Resident memory of this process, in bytes.
double residentBytes()
{
    long pages = 0;
    long resident = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

/// This process's CPU time in ms, all threads (Qt's raster engine hands large fills to a thread pool).
double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// Bytes malloc has handed out and not had back.
double heapInUse() { return static_cast<double>(mallinfo2().uordblks); }

core::RunResult sceneResult(const std::vector<core::LaneInfo> &lanes, const std::vector<std::int64_t> &ends,
                            std::int64_t wall)
{
    core::RunResult result;
    result.scenario = "paint-bench";
    result.kind = "process";
    result.wallNs = wall;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        core::LaneOutcome lane;
        lane.info = lanes[i];
        lane.started = true;
        lane.ended = ends[i] >= 0;
        lane.endNs = ends[i];
        if (i == 7) {
            lane.signal = 9;
            lane.exitCode = -1;
        }
        result.lanes.push_back(lane);
    }
    return result;
}

/// A scene's model, built once by streaming its events in batches of 64 Ki (as a live run appends them),
/// with what building it cost in memory.
struct Scene {
    bench::SceneShape shape;
    std::vector<core::LaneInfo> lanes;
    ui::TimelineModel model;
    double liveRssPerEvent = 0; ///< after the last batch, before finish
    double liveHeapPerEvent = 0;
    double rssPerEvent = 0; ///< finished
    double heapPerEvent = 0;
    std::vector<ui::LaneResult> results;

    explicit Scene(bench::SceneShape s) : shape(s), lanes(bench::sceneLanes(s))
    {
        malloc_trim(0);
        const double rss0 = residentBytes();
        const double heap0 = heapInUse();
        model.reset(lanes);
        bench::SceneStream stream(shape);
        std::vector<core::Event> batch;
        std::vector<std::int64_t> ends(lanes.size(), -1);
        std::int64_t last = 0;
        while (!stream.done()) {
            batch.clear();
            stream.next(batch, 65536);
            for (const core::Event &e : batch)
                if (e.type == core::EventType::WorkerEnd)
                    ends[e.lane] = e.timeNs;
            if (!batch.empty())
                last = batch.back().timeNs;
            model.appendEvents(batch);
        }
        batch = {};
        const auto events = static_cast<double>(model.eventCount());
        liveRssPerEvent = (residentBytes() - rss0) / events;
        liveHeapPerEvent = (heapInUse() - heap0) / events;
        model.finish(sceneResult(lanes, ends, last));
        rssPerEvent = (residentBytes() - rss0) / events;
        heapPerEvent = (heapInUse() - heap0) / events;
        for (std::size_t i = 0; i < lanes.size(); ++i)
            results.push_back({i == 7 ? QStringLiteral("killed by SIGKILL")
                                      : QStringLiteral("counter = %1").arg(i * 7 % 1000),
                               i == 7});
    }
};

Scene &scene(int lanes, int eventsPerLane)
{
    static std::map<std::pair<int, int>, std::unique_ptr<Scene>> scenes;
    auto &slot = scenes[{lanes, eventsPerLane}];
    if (!slot)
        slot = std::make_unique<Scene>(bench::SceneShape{lanes, eventsPerLane});
    return *slot;
}

enum View { kWhole, kZoom100, kZoom10000, kFoldedSlide };

ui::PaintOptions sceneOptions(const Scene &s, View view)
{
    ui::PaintOptions options;
    const ui::TimeWindow all = ui::fitWindow(s.model);
    const double zoom = view == kZoom100 ? 100.0 : view == kZoom10000 ? 10000.0 : 1.0;
    const auto span = static_cast<std::int64_t>(static_cast<double>(all.span()) / zoom);
    const std::int64_t from = all.beginNs + all.span() / 3;
    options.window = zoom == 1.0 ? all : ui::TimeWindow{from, from + span};
    options.headline = QStringLiteral("999 workers computed, slept, queued and raced for one counter: "
                                      "%1 events in %2 lanes")
                           .arg(s.model.eventCount())
                           .arg(s.model.laneCount());
    options.caption = QStringLiteral("paint-bench · workers %1 · events per lane %2 · times shortened 10×")
                          .arg(s.shape.lanes)
                          .arg(s.shape.eventsPerLane);
    options.results = s.results;
    // PAINT_BENCH_THREADS=1: the bars drawn by one thread, to compare with two.
    if (const char *threads = std::getenv("PAINT_BENCH_THREADS"))
        options.paintThreads = std::atoi(threads);
    if (view == kFoldedSlide) {
        // A slide of the whole run: alike lanes folded, no details, larger type.
        options.foldLanes = true;
        options.details = false;
        options.exactLegend = true;
        options.fontPixelSize = 22;
        options.minLaneHeight = 24;
        options.maxLaneHeight = 60;
    } else {
        options.firstRow = s.shape.lanes > 400 ? 200 : 0; // somewhere in the middle of many lanes
    }
    return options;
}

void BM_Frame(benchmark::State &state)
{
    Scene &s = scene(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    const auto view = static_cast<View>(state.range(2));
    const ui::PaintOptions options = sceneOptions(s, view);
    QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    const double cpu0 = processCpuMs();
    for (auto _ : state) {
        QPainter painter(&image);
        ui::paintTimeline(painter, s.model, QRectF(0, 0, kWidth, kHeight), options);
        painter.end();
        benchmark::DoNotOptimize(image.bits());
    }
    // Google Benchmark's CPU column is the main thread's; this is every thread's, per frame.
    state.counters["process_cpu_ms"] = (processCpuMs() - cpu0) / static_cast<double>(state.iterations());
    // PAINT_BENCH_PNG=DIR: the frame drawn, to look at (DIR/frame-LANES-PERLANE-VIEW.png).
    if (const char *dir = std::getenv("PAINT_BENCH_PNG"))
        image.save(QStringLiteral("%1/frame-%2-%3-%4.png")
                       .arg(QString::fromLocal8Bit(dir))
                       .arg(state.range(0))
                       .arg(state.range(1))
                       .arg(state.range(2)));
    state.counters["events"] = static_cast<double>(s.model.eventCount());
    state.counters["target_ms"] = s.model.eventCount() > 2'000'000 ? 16 : 8;
#if __has_include("ui/timeline/track_columns.hpp") // a commit with the per-pass timer
    // Where the time goes: a few more frames, timed pass by pass (milliseconds per frame).
    ui::PassTimes times;
    ui::PaintOptions timed = options;
    timed.passTimes = &times;
    constexpr int kTimed = 5;
    double layoutMs = 0;
    for (int i = 0; i < kTimed; ++i) {
        QPainter painter(&image);
        const auto t0 = std::chrono::steady_clock::now();
        const ui::TimelineLayout layout = ui::layoutTimeline(s.model, QRectF(0, 0, kWidth, kHeight), timed);
        layoutMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ui::paintTimeline(painter, s.model, layout, timed);
    }
    state.counters["ms_layout"] = layoutMs / kTimed;
    for (int pass = 0; pass < ui::PassTimes::kCount; ++pass) {
        std::string name = std::string("ms_") + ui::PassTimes::kNames[pass];
        std::replace(name.begin(), name.end(), ' ', '_');
        state.counters[name] = times.ms[pass] / kTimed;
    }
    // The bars may be drawn by two threads: the tracks' wall time beside their CPU time, and how many.
    state.counters["ms_tracks_wall"] = times.wallMs[1] / kTimed;
    state.counters["track_threads"] = times.trackThreads;
#endif
}

/// The window's timeline panned by a few pixels at a time, as a drag does: each frame is what the widget
/// paints after one pan step.
void BM_Pan(benchmark::State &state)
{
    Scene &s = scene(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    const auto view = static_cast<View>(state.range(2));
    ui::TimelineWidget widget;
    widget.resize(kWidth, kHeight);
    widget.setModel(&s.model);
    const ui::PaintOptions options = sceneOptions(s, view);
    widget.setHeadline(options.headline, options.caption, options.results);
    widget.setWindow(options.window);
    widget.setFirstRow(options.firstRow);
    QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    widget.render(&image); // the first frame is a full one
    int step = 0;
    const double cpu0 = processCpuMs();
    for (auto _ : state) {
        // Back and forth, 12 pixels a step, so the view stays where it was measured.
        widget.panByPixels((step++ / 8) % 2 == 0 ? 12 : -12);
        widget.render(&image);
        benchmark::DoNotOptimize(image.bits());
    }
    state.counters["process_cpu_ms"] = (processCpuMs() - cpu0) / static_cast<double>(state.iterations());
    state.counters["events"] = static_cast<double>(s.model.eventCount());
}

/// The scene's events held as the app holds a run's events once it has them all (core::reserveEvents, as
/// EventLog::take and the saved-run reader reserve them).
std::vector<core::Event> sceneEvents(bench::SceneShape shape)
{
    bench::SceneStream stream(shape);
    std::vector<core::Event> made;
    while (!stream.done())
        stream.next(made, 65536);
    std::vector<core::Event> events;
    core::reserveEvents(events, made.size());
    events.insert(events.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
    return events;
}

/// The model from 1 M events handed over at once.
void BM_BuildModel(benchmark::State &state)
{
    const bench::SceneShape shape{static_cast<int>(state.range(0)), static_cast<int>(state.range(1))};
    const std::vector<core::Event> events = sceneEvents(shape);
    const auto lanes = bench::sceneLanes(shape);
    for (auto _ : state) {
        auto model = std::make_unique<ui::TimelineModel>(lanes);
        model->appendEvents(events);
        benchmark::DoNotOptimize(model->eventCount());
        state.PauseTiming(); // letting it go is not building it
        model.reset();
        state.ResumeTiming();
    }
    state.counters["events"] = static_cast<double>(events.size());
    state.counters["target_ms"] = 30;
}

/// The same events appended in live-sized batches (what a 60 Hz refresh hands over), timed per batch.
void BM_AppendLive(benchmark::State &state)
{
    const bench::SceneShape shape{static_cast<int>(state.range(0)), static_cast<int>(state.range(1))};
    const std::vector<core::Event> events = sceneEvents(shape);
    const auto lanes = bench::sceneLanes(shape);
    const auto batch = static_cast<std::size_t>(state.range(2));
    double worst = 0;
    for (auto _ : state) {
        ui::TimelineModel model(lanes);
        for (std::size_t from = 0; from < events.size(); from += batch) {
            const auto t0 = std::chrono::steady_clock::now();
            model.appendEvents(std::span(events).subspan(from, std::min(batch, events.size() - from)));
            model.setNow(events[std::min(from + batch, events.size()) - 1].timeNs);
            worst = std::max(
                worst,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        benchmark::DoNotOptimize(model.eventCount());
    }
    state.counters["events"] = static_cast<double>(events.size());
    state.counters["worst_batch_ms"] = worst;
}

/// What the model holds per event once built (streamed in batches, then finished): resident memory and
/// heap in use, each the difference between before and after.
void BM_ModelMemory(benchmark::State &state)
{
    Scene &s = scene(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    for (auto _ : state)
        benchmark::DoNotOptimize(s.model.eventCount());
    state.counters["events"] = static_cast<double>(s.model.eventCount());
    state.counters["live_rss_B_per_event"] = s.liveRssPerEvent;
    state.counters["live_heap_B_per_event"] = s.liveHeapPerEvent;
    state.counters["rss_B_per_event"] = s.rssPerEvent;
    state.counters["heap_B_per_event"] = s.heapPerEvent;
}

/// The scene paint_bench drew until issue 15, kept so an old commit's figures compare with the same picture:
/// 1,000 lanes, each a start, 499 alternating compute/sleep bars of 1–20 µs and an end; no arrows, strips,
/// markers or texts. Whole run, 100× and 10,000× zoom, rows from 200 on, as the old BM_PaintFrame* drew it.
struct BarsOnlyScene {
    std::vector<core::LaneInfo> lanes;
    std::vector<core::Event> events;
    ui::TimelineModel model;

    BarsOnlyScene()
    {
        constexpr int kLanes = 1000;
        constexpr int kEventsPerLane = 1000;
        lanes.push_back({"main", core::WorkerKind::Main, 100, 100});
        for (int i = 1; i < kLanes; ++i)
            lanes.push_back({"worker " + std::to_string(i),
                             i % 2 ? core::WorkerKind::Process : core::WorkerKind::Thread,
                             i % 2 ? 1000 + i : 100, 1000 + i});
        const auto event = [](std::int64_t t, std::int64_t value, std::uint32_t lane, core::EventType type) {
            core::Event e;
            e.timeNs = t;
            e.value = value;
            e.lane = lane;
            e.type = type;
            return e;
        };
        for (std::uint32_t lane = 0; lane < kLanes; ++lane) {
            std::int64_t t = lane * 100;
            events.push_back(event(t, 1000 + lane, lane, core::EventType::WorkerStart));
            for (int i = 0; i < (kEventsPerLane - 2) / 2; ++i) {
                const bool compute = i % 2 == 0;
                const std::int64_t len = 1000 + (lane * 7 + static_cast<std::uint32_t>(i) * 13) % 19000;
                events.push_back(event(
                    t, len, lane, compute ? core::EventType::ComputeBegin : core::EventType::SleepBegin));
                t += len;
                events.push_back(
                    event(t, 0, lane, compute ? core::EventType::ComputeEnd : core::EventType::SleepEnd));
                t += 500;
            }
            events.push_back(event(t, 0, lane, core::EventType::WorkerEnd));
        }
        std::stable_sort(events.begin(), events.end(),
                         [](const core::Event &a, const core::Event &b) { return a.timeNs < b.timeNs; });
        model.reset(lanes);
        model.appendEvents(events);
        core::RunResult result;
        for (const auto &info : lanes) {
            core::LaneOutcome lane;
            lane.info = info;
            lane.started = lane.ended = true;
            result.lanes.push_back(lane);
        }
        model.finish(result);
    }
};

BarsOnlyScene &barsOnly()
{
    static BarsOnlyScene s;
    return s;
}

void BM_BarsOnlyFrame(benchmark::State &state)
{
    const ui::TimelineModel &model = barsOnly().model;
    const double zoom = static_cast<double>(state.range(0));
    QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    ui::PaintOptions options;
    const ui::TimeWindow all = ui::fitWindow(model);
    const auto span = static_cast<std::int64_t>(static_cast<double>(all.endNs - all.beginNs) / zoom);
    options.window
        = {all.beginNs + (all.endNs - all.beginNs) / 3, all.beginNs + (all.endNs - all.beginNs) / 3 + span};
    if (zoom == 1.0)
        options.window = all;
    options.firstRow = 200;
    for (auto _ : state) {
        QPainter painter(&image);
        ui::paintTimeline(painter, model, QRectF(0, 0, kWidth, kHeight), options);
        painter.end();
        benchmark::DoNotOptimize(image.bits());
    }
    state.counters["events"] = static_cast<double>(model.eventCount());
}

void BM_BarsOnlyBuildModel(benchmark::State &state)
{
    const BarsOnlyScene &s = barsOnly();
    for (auto _ : state) {
        auto model = std::make_unique<ui::TimelineModel>(s.lanes);
        model->appendEvents(s.events);
        benchmark::DoNotOptimize(model->eventCount());
        state.PauseTiming();
        model.reset();
        state.ResumeTiming();
    }
    state.counters["events"] = static_cast<double>(s.events.size());
}

constexpr int kM1[] = {1000, 1000};    // 1,000 lanes x 1,000 events: 1 M
constexpr int kM10[] = {1000, 10000};  // 1,000 lanes x 10,000 events: 10 M
constexpr int kFew10[] = {8, 1250000}; // 8 lanes x 1.25 M events: 10 M on few lanes

} // namespace

BENCHMARK(BM_Frame)
    ->ArgNames({"lanes", "per_lane", "view"})
    ->Args({kM1[0], kM1[1], kWhole})
    ->Args({kM1[0], kM1[1], kZoom100})
    ->Args({kM1[0], kM1[1], kZoom10000})
    ->Args({kM1[0], kM1[1], kFoldedSlide})
    ->Args({kM10[0], kM10[1], kWhole})
    ->Args({kM10[0], kM10[1], kZoom100})
    ->Args({kM10[0], kM10[1], kZoom10000})
    ->Args({kFew10[0], kFew10[1], kWhole})
    ->Args({kFew10[0], kFew10[1], kZoom100})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_BarsOnlyFrame)
    ->ArgNames({"zoom"})
    ->Arg(1)
    ->Arg(100)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
// The builds' times are wall time: a whole run is built by two threads (TimelineModel::appendEvents), and
// the CPU column counts the benchmark's own thread only.
BENCHMARK(BM_BarsOnlyBuildModel)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_Pan)
    ->ArgNames({"lanes", "per_lane", "view"})
    ->Args({kM1[0], kM1[1], kZoom100})
    ->Args({kM10[0], kM10[1], kZoom100})
    ->Args({kFew10[0], kFew10[1], kZoom100})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_BuildModel)
    ->ArgNames({"lanes", "per_lane"})
    ->Args({kM1[0], kM1[1]})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();
BENCHMARK(BM_AppendLive)
    ->ArgNames({"lanes", "per_lane", "batch"})
    ->Args({kM1[0], kM1[1], 20000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_ModelMemory)
    ->ArgNames({"lanes", "per_lane"})
    ->Args({kM1[0], kM1[1]})
    ->Args({kM10[0], kM10[1]})
    ->Iterations(1);

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv); // fonts need a GUI application
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
