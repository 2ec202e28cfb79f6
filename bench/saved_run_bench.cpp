// Saved runs (.fsrun): bytes per event on disk and save/load throughput, for real runs of busy lessons and
// for synthetic runs of 1 M and 10 M events (plain program; see bench/README.md).
//
//   saved_run_bench [--synthetic N,M,...] [--folder DIR]
//
// Target (issue 14): at most about 50 bytes per event, so a 10 M-event run stays under 500 MB.

#include "core/analysis/headline.hpp"
#include "core/client/run.hpp"
#include "core/saved_run/saved_run.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vector>

using namespace forkscope::core;

namespace {

double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double one = -1;
    in >> one;
    return one;
}

/// A run shaped like a busy one: two workers reading and writing a shared value, putting messages on a
/// queue, taking a lock, printing now and then (the same generator as tests/core/saved_run_test.cpp).
SavedRun synthetic(std::size_t count)
{
    SavedRun saved;
    saved.scenarioId = "synthetic";
    const Scenario *sleepers = findScenario("sleepers");
    ParamSet values;
    std::string error;
    if (!sleepers || !buildPlan(*sleepers, {}, saved.plan, values, error)) {
        std::fprintf(stderr, "cannot build a plan: %s\n", error.c_str());
        std::exit(1);
    }
    RunResult r;
    r.lanes.resize(3);
    std::vector<Event> events;
    events.reserve(count);
    std::mt19937_64 random(1);
    std::int64_t t = 0;
    std::uint32_t seq[3] = {0, 0, 0};
    std::int64_t value = 0;
    while (events.size() < count) {
        const auto lane = static_cast<std::uint32_t>(1 + random() % 2);
        t += static_cast<std::int64_t>(50 + random() % 2000);
        Event e;
        e.timeNs = t;
        e.lane = lane;
        switch (random() % 5) {
        case 0:
            e.type = EventType::ValueRead;
            e.value = value;
            e.ref = seq[lane];
            break;
        case 1:
            e.type = EventType::ValueWrite;
            e.value = ++value;
            e.id = (lane << kWriteCountBits) | ++seq[lane];
            e.ref = seq[lane] - 1;
            break;
        case 2:
            e.type = EventType::QueuePut;
            e.value = static_cast<std::int64_t>(random() % 1000);
            e.detail = static_cast<std::int32_t>(random() % 10);
            e.id = seq[0]++;
            e.text = "item " + std::to_string(e.value);
            break;
        case 3: e.type = EventType::LockAcquire; break;
        default:
            e.type = random() % 50 == 0 ? EventType::Print : EventType::LockRelease;
            if (e.type == EventType::Print)
                e.text = "worker " + std::to_string(lane) + " at step " + std::to_string(events.size());
            break;
        }
        events.push_back(std::move(e));
    }
    saved.runs.push_back({r, std::move(events), 0});
    saved.shown = 0;
    return saved;
}

/// A real run of lesson `id` with `params`, as `run --save` keeps it; false when it cannot run.
bool lesson(const std::string &id, const std::map<std::string, std::string> &params, SavedRun &saved)
{
    const Scenario *scenario = findScenario(id);
    Plan plan;
    ParamSet values;
    std::string error;
    if (!scenario || !buildPlan(*scenario, params, plan, values, error)) {
        std::fprintf(stderr, "%s: %s\n", id.c_str(), error.c_str());
        return false;
    }
    auto run = Run::start(plan, error);
    if (!run) {
        std::fprintf(stderr, "%s: %s\n", id.c_str(), error.c_str());
        return false;
    }
    run->wait();
    const RunResult result = run->result();
    std::vector<Event> events = run->events();
    describeSavedRun(saved, *scenario, values, plan, 0, "bench");
    const HeadlineInput in{&result, &events, &values, nullptr};
    saved.headline = headline(in);
    saved.caption = caption(in);
    saved.runs.push_back(recordingOf(result, std::move(events)));
    saved.shown = 0;
    return true;
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// This thread's CPU time: on a shared machine the wall time says as much about the others as about us.
double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// Saves and loads `saved` three times and prints the best of each with the file's size per event.
void measure(const std::string &name, const SavedRun &saved, const std::string &folder)
{
    const std::string path = folder + "/saved_run_bench.fsrun";
    const double events = static_cast<double>(saved.eventCount());
    double bestSave = 1e9;
    double bestLoad = 1e9;
    double cpuSave = 1e9;
    double cpuLoad = 1e9;
    long long bytes = 0;
    for (int i = 0; i < 3; ++i) {
        auto start = std::chrono::steady_clock::now();
        double cpu = cpuSeconds();
        if (const std::string problem = saveRun(saved, path); !problem.empty()) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), problem.c_str());
            std::exit(1);
        }
        bestSave = std::min(bestSave, secondsSince(start));
        cpuSave = std::min(cpuSave, cpuSeconds() - cpu);
        struct stat st { };
        stat(path.c_str(), &st);
        bytes = static_cast<long long>(st.st_size);
        SavedRun back;
        start = std::chrono::steady_clock::now();
        cpu = cpuSeconds();
        if (const std::string problem = loadRun(path, back); !problem.empty()) {
            std::fprintf(stderr, "%s: %s\n", name.c_str(), problem.c_str());
            std::exit(1);
        }
        bestLoad = std::min(bestLoad, secondsSince(start));
        cpuLoad = std::min(cpuLoad, cpuSeconds() - cpu);
        if (back.eventCount() != saved.eventCount()) {
            std::fprintf(stderr, "%s: %zu events back of %zu\n", name.c_str(), back.eventCount(),
                         saved.eventCount());
            std::exit(1);
        }
    }
    unlink(path.c_str());
    std::printf("%-40s %9.0f %11lld %7.2f %7.2f %7.2f %7.2f %7.2f %7.1f %7.1f\n", name.c_str(), events, bytes,
                static_cast<double>(bytes) / events, bestSave, cpuSave, bestLoad, cpuLoad,
                events / cpuSave / 1e6, events / cpuLoad / 1e6);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::size_t> synthetics{1'000'000, 10'000'000};
    std::string folder = "/tmp";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--synthetic" && i + 1 < argc) {
            synthetics.clear();
            std::string list = argv[++i];
            for (std::size_t at = 0; at < list.size();) {
                const std::size_t comma = std::min(list.find(',', at), list.size());
                synthetics.push_back(std::stoull(list.substr(at, comma - at)));
                at = comma + 1;
            }
        } else if (arg == "--folder" && i + 1 < argc) {
            folder = argv[++i];
        } else {
            std::fprintf(stderr, "usage: saved_run_bench [--synthetic N,M,...] [--folder DIR]\n");
            return 2;
        }
    }
    std::printf("load average %.2f at the start; best of 3 saves and loads (zstd level 3, one thread)\n\n",
                loadAverage());
    std::printf("%-40s %9s %11s %7s %7s %7s %7s %7s %7s %7s\n", "run", "events", "bytes", "B/event", "save s",
                "cpu s", "load s", "cpu s", "save", "load");
    std::printf("%-40s %9s %11s %7s %7s %7s %7s %7s %7s %7s\n", "", "", "", "", "(wall)", "", "(wall)", "",
                "M ev/s", "M ev/s");
    const std::vector<std::pair<std::string, std::map<std::string, std::string>>> lessons{
        {"bank", {{"kind", "thread"}, {"tight", "on"}, {"updates", "100000"}, {"trials", "1"}}},
        {"bank", {{"kind", "process"}, {"tight", "on"}, {"updates", "100000"}, {"trials", "1"}}},
        {"producer-consumer", {{"items", "20000"}, {"produce", "0"}, {"consume", "0"}, {"time-scale", "0"}}},
        {"cpu-vs-io", {{"mode", "gil-threads"}, {"tasks", "4"}, {"seconds", "0.5"}}},
        {"sleepers", {{"kind", "process"}, {"workers", "100"}, {"time-scale", "0.01"}}},
    };
    for (const auto &[id, params] : lessons) {
        SavedRun saved;
        if (!lesson(id, params, saved))
            continue;
        std::string name = id;
        for (const auto &[k, v] : params)
            name += " " + k + "=" + v;
        measure(name.substr(0, 40), saved, folder);
    }
    for (std::size_t n : synthetics)
        measure("synthetic " + std::to_string(n) + " events", synthetic(n), folder);
    std::printf("\nload average %.2f at the end\n", loadAverage());
    return 0;
}
