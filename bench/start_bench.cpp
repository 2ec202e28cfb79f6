// start_bench: how fast the real engine starts 10 processes and 10 threads.
//
// Each run is Run::start on the `sleepers` scenario with sleep 0 and join on (workers 10, kind process or
// thread): a real forkscope-runner process, real fork()s and std::threads. From the run's events:
//   spread = last worker's WorkerStart - first worker's WorkerStart
//   delay  = last worker's WorkerStart - main's first Spawn (main's start() call for the first worker)
// and, to see where the delay goes:
//   first  = first worker's WorkerStart - main's first Spawn (the latency of one start)
//   gap    = (main's last Spawn - main's first Spawn) / (workers - 1): what one start() costs main
//   tail   = last worker's WorkerStart - main's last Spawn (so delay = (workers - 1) * gap + tail)
//   run    = Run::start() until wait() returns, outside the events (runner launch, the whole run, the
//            collector noticing the end).
//
// The reference, measured in the same run and interleaved with it: the machine's floor. `process-floor` and
// `thread-floor` do the same start with no engine at all: from this process, a plain loop of fork() (or
// std::thread) whose children store CLOCK_MONOTONIC into shared memory first thing and _exit (or return);
// the parent reads the clock before each start (its "Spawn"). Same figures; `run` is the loop plus the
// waits. The printed ratio engine / floor shows what the engine adds to what fork() and clone() cost here.
//
// Prints median, p90 (nearest rank), min and max of each figure over the repetitions, and checks the
// targets on the engine's median delay: processes <= 1.5 ms, threads <= 300 us.
//
// Usage: start_bench [--reps N] [--warmup N] [--workers N] [--kinds process,thread] [--json FILE]

#include "bench_support.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace forkscope::core;

namespace {

struct Options {
    int reps = 20;
    int warmup = 2;
    int workers = 10;
    std::vector<std::string> kinds = {"process", "thread"};
    std::string jsonPath;
    int ballastMib = 0; ///< grow the client first, as a GUI would be
};

/// The figures of one run, in microseconds, in the order of kFigures.
enum Figure { kSpread, kDelay, kFirst, kGap, kTail, kRun, kFigureCount };
constexpr const char *kFigures[kFigureCount] = {"spread", "delay", "first", "gap", "tail", "run"};

struct Sample {
    double us[kFigureCount] = {};
};

using forkscope::bench::loadAverage;
using forkscope::bench::reapAll;
using forkscope::bench::Stats;
using forkscope::bench::statsJson;
using forkscope::bench::statsOf;
using forkscope::bench::writeText;

[[noreturn]] void usage(const char *problem, int status = 2)
{
    std::fprintf(
        stderr,
        "start_bench: %s\n"
        "usage: start_bench [--reps N] [--warmup N] [--workers N] [--kinds process,thread] "
        "[--json FILE] [--ballast-mib N]\n"
        "  --ballast-mib N  first grow this process by N MiB of touched memory, like a GUI starting runs\n",
        problem);
    std::exit(status);
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h")
            usage("measures the start of N processes and N threads through the engine", 0);
        if (i + 1 >= argc)
            usage(("missing value after " + flag).c_str());
        const std::string value = argv[++i];
        if (flag == "--reps")
            o.reps = std::atoi(value.c_str());
        else if (flag == "--warmup")
            o.warmup = std::atoi(value.c_str());
        else if (flag == "--workers")
            o.workers = std::atoi(value.c_str());
        else if (flag == "--json")
            o.jsonPath = value;
        else if (flag == "--ballast-mib")
            o.ballastMib = std::atoi(value.c_str());
        else if (flag == "--kinds") {
            o.kinds.clear();
            std::size_t at = 0;
            while (at <= value.size()) {
                const std::size_t comma = std::min(value.find(',', at), value.size());
                o.kinds.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        } else {
            usage(("unknown option " + flag).c_str());
        }
    }
    if (o.reps < 1 || o.workers < 2 || o.warmup < 0)
        usage("--reps must be at least 1, --workers at least 2, --warmup at least 0");
    for (const std::string &kind : o.kinds)
        if (kind != "process" && kind != "thread")
            usage(("unknown kind '" + kind + "' (process or thread)").c_str());
    return o;
}

/// One run of `sleepers`; false with `error` set when the run failed or its events are incomplete.
bool measureOnce(const std::string &kind, int workers, Sample &out, std::string &error)
{
    const Scenario *scenario = findScenario("sleepers");
    if (!scenario) {
        error = "no scenario 'sleepers'";
        return false;
    }
    Plan plan;
    ParamSet values;
    const std::map<std::string, std::string> given
        = {{"kind", kind}, {"workers", std::to_string(workers)}, {"sleep", "0"}, {"join", "on"}};
    if (!buildPlan(*scenario, given, plan, values, error))
        return false;

    const std::int64_t before = monotonicNs();
    auto run = Run::start(plan, error);
    if (!run)
        return false;
    run->wait();
    const std::int64_t after = monotonicNs();
    const RunResult result = run->result();
    if (result.failed()) {
        error = result.error;
        return false;
    }
    if (result.lostEvents != 0) {
        error = std::to_string(result.lostEvents) + " events lost";
        return false;
    }

    std::int64_t firstSpawn = -1;
    std::int64_t lastSpawn = -1;
    std::vector<std::int64_t> starts(static_cast<std::size_t>(workers) + 1, -1);
    for (const Event &e : run->events()) {
        if (e.lane == 0 && e.type == EventType::Spawn) {
            if (firstSpawn < 0)
                firstSpawn = e.timeNs;
            lastSpawn = e.timeNs;
        } else if (e.lane >= 1 && e.lane < starts.size() && e.type == EventType::WorkerStart
                   && starts[e.lane] < 0) {
            starts[e.lane] = e.timeNs;
        }
    }
    if (firstSpawn < 0) {
        error = "main recorded no Spawn event";
        return false;
    }
    std::int64_t first = INT64_MAX;
    std::int64_t last = INT64_MIN;
    for (std::size_t lane = 1; lane < starts.size(); ++lane) {
        if (starts[lane] < 0) {
            error = "worker lane " + std::to_string(lane) + " has no WorkerStart event";
            return false;
        }
        first = std::min(first, starts[lane]);
        last = std::max(last, starts[lane]);
    }
    auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1e3; };
    out.us[kSpread] = us(last - first);
    out.us[kDelay] = us(last - firstSpawn);
    out.us[kFirst] = us(first - firstSpawn);
    out.us[kGap] = us(lastSpawn - firstSpawn) / (workers - 1);
    out.us[kTail] = us(last - lastSpawn);
    out.us[kRun] = us(after - before);
    return true;
}

/// The bare floor: `workers` plain fork()s (or std::threads) from this process, same figures.
bool measureFloor(const std::string &kind, int workers, Sample &out, std::string &error)
{
    const auto n = static_cast<std::size_t>(workers);
    const std::size_t bytes = sizeof(std::int64_t) * n;
    void *page = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        error = std::string("mmap: ") + std::strerror(errno);
        return false;
    }
    auto *starts = static_cast<std::int64_t *>(page); // zero-filled
    std::vector<std::int64_t> spawns(n);
    std::vector<pid_t> pids;
    std::vector<std::thread> threads;
    pids.reserve(n);
    threads.reserve(n);
    bool ok = true;
    const std::int64_t before = monotonicNs();
    for (std::size_t i = 0; i < n; ++i) {
        spawns[i] = monotonicNs();
        if (kind == "thread") {
            threads.emplace_back([starts, i] { starts[i] = monotonicNs(); });
            continue;
        }
        const pid_t pid = fork();
        if (pid == 0) {
            starts[i] = monotonicNs(); // async-signal-safe only: a clock read, a store, _exit
            _exit(0);
        }
        if (pid < 0) {
            error = std::string("fork: ") + std::strerror(errno);
            ok = false;
            break;
        }
        pids.push_back(pid);
    }
    for (std::thread &t : threads)
        t.join();
    ok = reapAll(pids) && ok;
    const std::int64_t after = monotonicNs();
    std::int64_t first = INT64_MAX;
    std::int64_t last = INT64_MIN;
    for (std::size_t i = 0; ok && i < n; ++i) {
        ok = starts[i] != 0;
        first = std::min(first, starts[i]);
        last = std::max(last, starts[i]);
    }
    munmap(page, bytes);
    if (!ok) {
        if (error.empty())
            error = "a bare worker did not start";
        return false;
    }
    auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1e3; };
    out.us[kSpread] = us(last - first);
    out.us[kDelay] = us(last - spawns.front());
    out.us[kFirst] = us(first - spawns.front());
    out.us[kGap] = us(spawns.back() - spawns.front()) / (workers - 1);
    out.us[kTail] = us(last - spawns.back());
    out.us[kRun] = us(after - before);
    return true;
}

struct KindResult {
    std::string kind;
    bool floor = false; ///< the bare reference, not the engine
    std::vector<Sample> samples;
    Stats stats[kFigureCount];
};

/// {"workers": N, "reps": N, "unit": "us", KIND: {FIGURE: {median, p90, min, max}, ..., "samples": {FIGURE:
/// [every run's value], ...}}, ...}: the samples let a caller pool several invocations (python_peer.py does).
bool writeJson(const std::string &path, const Options &o, const std::vector<KindResult> &results)
{
    std::string out = "{\n  \"workers\": " + std::to_string(o.workers)
        + ",\n  \"reps\": " + std::to_string(o.reps) + ",\n  \"unit\": \"us\"";
    for (const KindResult &r : results) {
        out += ",\n  \"" + r.kind + "\": {";
        for (int f = 0; f < kFigureCount; ++f)
            out += statsJson(kFigures[f], r.stats[f]) + ", ";
        out += "\"samples\": {";
        for (int f = 0; f < kFigureCount; ++f) {
            out += std::string(f ? ", \"" : "\"") + kFigures[f] + "\": [";
            for (std::size_t i = 0; i < r.samples.size(); ++i) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%s%.3f", i ? ", " : "", r.samples[i].us[f]);
                out += buf;
            }
            out += "]";
        }
        out += "}}";
    }
    out += "\n}\n";
    return writeText(path, out);
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parseOptions(argc, argv);
    // A client as big as a GUI: the engine's starts happen in the small runner, so they should not care;
    // the floors (fork() from this process) do, since fork copies the parent's page tables.
    std::vector<char> ballast(static_cast<std::size_t>(o.ballastMib) << 20);
    for (std::size_t i = 0; i < ballast.size(); i += 4096)
        ballast[i] = 1;
    if (o.ballastMib > 0)
        std::printf("client grown by %d MiB of touched memory\n", o.ballastMib);
    // Engine kinds first, then their floors ("process-floor", "thread-floor").
    std::vector<KindResult> results;
    for (const std::string &kind : o.kinds)
        results.push_back({kind, false, {}, {}});
    for (const std::string &kind : o.kinds)
        results.push_back({kind + "-floor", true, {}, {}});

    // Warm-up runs (page cache, the runner's first exec, lazy binding) are not counted. Kinds and floors
    // alternate run by run so that a slow moment of the machine hits them all alike.
    std::string error;
    for (int rep = -o.warmup; rep < o.reps; ++rep) {
        for (KindResult &r : results) {
            Sample s;
            const std::string kind = r.floor ? r.kind.substr(0, r.kind.find('-')) : r.kind;
            const bool ok
                = r.floor ? measureFloor(kind, o.workers, s, error) : measureOnce(kind, o.workers, s, error);
            if (!ok) {
                std::fprintf(stderr, "start_bench: %s run failed: %s\n", r.kind.c_str(), error.c_str());
                return 1;
            }
            if (rep >= 0)
                r.samples.push_back(s);
        }
    }

    std::printf("Forkscope: start of %d workers through the engine (sleepers, sleep 0, join on), %d runs per "
                "kind; load average %s\n",
                o.workers, o.reps, loadAverage().c_str());
    std::printf("%-14s %-7s %10s %10s %10s %10s   %s\n", "kind", "figure", "median us", "p90 us", "min us",
                "max us", "target (median)");
    for (KindResult &r : results) {
        const double target = r.kind == "process" ? 1500 : 300;
        for (int f = 0; f < kFigureCount; ++f) {
            std::vector<double> values;
            for (const Sample &s : r.samples)
                values.push_back(s.us[f]);
            const Stats st = r.stats[f] = statsOf(values);
            char verdict[96] = "";
            if (f == kDelay && !r.floor && st.median <= target)
                std::snprintf(verdict, sizeof verdict, "<= %.0f us: met", target);
            else if (f == kDelay && !r.floor)
                std::snprintf(verdict, sizeof verdict, "<= %.0f us: MISSED by %.0f us (%.0f%%)", target,
                              st.median - target, 100 * (st.median - target) / target);
            if (r.floor && (f == kSpread || f == kDelay)) {
                for (const KindResult &engine : results)
                    if (!engine.floor && engine.kind + "-floor" == r.kind && st.median > 0)
                        std::snprintf(verdict, sizeof verdict, "engine / floor = %.2f",
                                      engine.stats[f].median / st.median);
            }
            std::printf("%-14s %-7s %10.1f %10.1f %10.1f %10.1f   %s\n", r.kind.c_str(), kFigures[f],
                        st.median, st.p90, st.min, st.max, verdict);
        }
    }
    std::printf(
        "spread = last WorkerStart - first WorkerStart; delay = last WorkerStart - main's first Spawn;\n"
        "first = first WorkerStart - main's first Spawn; gap = mean time between main's Spawns;\n"
        "tail = last WorkerStart - main's last Spawn; run = Run::start() to wait() returning.\n"
        "*-floor: the same start as a bare fork()/std::thread loop in this process, no engine (the\n"
        "machine's floor); Spawn = the loop's clock read before each start, run = loop and waits.\n");
    if (!o.jsonPath.empty() && !writeJson(o.jsonPath, o, results)) {
        std::fprintf(stderr, "start_bench: cannot write %s: %s\n", o.jsonPath.c_str(), std::strerror(errno));
        return 1;
    }
    return 0;
}
