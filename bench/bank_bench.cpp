// bank_bench: how many bank trials per second the real engine runs, with full event recording on.
//
// Each trial is what `forkscope run bank --trials K` does once: Run::start on the `bank` scenario (kind
// process: a real forkscope-runner, two real fork()ed workers `deposit` and `withdraw` doing
// read-modify-write updates on a balance in shared memory), wait() until the collector has every event, read
// main's final balance from the result, and destroy the Run. Shapes (--shapes):
//   tight          --tight on --updates 100000 --lock off: 2 x 100,000 updates as fast as the cores go
//   tutorial       --updates 100 --lock off --time-scale 0: the tutorial's shape (10 ms sleep after each
//                  update, 0.2 ms think between read and write) with every duration scaled to zero
//   tight-lock, tutorial-lock   the same with --lock on (a process-shared robust pthread mutex per update)
//   SHAPE-noyield  a diagnosis, not a scenario option: SHAPE's plan with its Yield steps removed here (the
//                  tight plan does a sched_yield() between read and write; Python's loop does not)
// Per shape: trials/s = trials / the sum of the trial times; wrong trials (final balance != 100); lost events
// (must be 0: any loss makes the exit status 1; so does a wrong trial with the lock on). Per trial:
//   trial   = Run::start() until the Run is destroyed (what one more trial costs a caller)
//   run     = main's start to main's end inside the runner (result().wallNs: forks, both workers, join)
//   outside = trial - run: what the engine adds around the run (shared region, runner launch, the collector
//             noticing the end and publishing the last events, result, teardown); two parts of it:
//   start   = the Run::start() call (shared region, posix_spawn of the runner)
//   finish  = wait() returning until result() is read and the Run destroyed
//
// The reference, measured in the same run and interleaved with it trial by trial: the bare floor, the same
// race with no engine — this process fork()s two children that do the same updates on an atomic balance in a
// MAP_SHARED page (relaxed load, +/-1, relaxed store, no events; with -lock under a mutex set up like the
// engine's; with a sched_yield() between load and store when the scenario's plan has a Yield step there, as
// the tight shape does), then waitpid()s both. The printed floor / engine ratio is what recording and the
// engine cost. Also printed: one sched_yield() alone (nothing else runnable), since the tight plan does one
// per update.
//
// Usage: bank_bench [--trials N] [--warmup N] [--shapes tight,tutorial,...] [--floor on|off] [--json FILE]

#include "bench_support.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace forkscope::core;

namespace {

constexpr std::int64_t kBankStart = 100; // the scenario's starting (and expected final) balance

struct Shape {
    std::string name;
    int updates = 0;
    bool lock = false;
    bool stripYield = false; ///< remove the plan's Yield steps (the -noyield diagnosis)
    bool yield = false;      ///< the plan's workers yield between read and write (set from the plan)
    std::map<std::string, std::string> params;
};

Shape makeShape(const std::string &name)
{
    Shape s;
    s.name = name;
    const bool tight = name.compare(0, 5, "tight") == 0;
    s.lock = name.find("-lock") != std::string::npos;
    s.stripYield = name.find("-noyield") != std::string::npos;
    s.updates = tight ? 100000 : 100;
    const std::string lock = s.lock ? "on" : "off";
    // tutorial: sleep 0.01 and think 0.0002 (the defaults) scaled to zero-length.
    const std::pair<std::string, std::string> shapeParam = tight
        ? std::pair<std::string, std::string>("tight", "on")
        : std::pair<std::string, std::string>("time-scale", "0");
    // One trial each: with more than one the scenario would run its race shape instead.
    s.params = {{"kind", "process"},
                {"updates", std::to_string(s.updates)},
                {"lock", lock},
                {"trials", "1"},
                shapeParam};
    return s;
}

bool knownShape(const std::string &name)
{
    for (const char *base : {"tight", "tutorial"})
        for (const char *lock : {"", "-lock"})
            for (const char *yield : {"", "-noyield"})
                if (name == std::string(base) + lock + yield)
                    return true;
    return false;
}

/// Removes every Yield step from the workers' steps, shrinking the ForEach bodies that held them.
void stripYields(Plan &plan)
{
    for (WorkerPlan &w : plan.workers) {
        std::vector<Step> kept;
        std::size_t loop = SIZE_MAX; // index in `kept` of the ForEach whose body is being copied
        std::size_t bodyLeft = 0;
        for (const Step &step : w.steps) {
            const bool inBody = bodyLeft > 0;
            if (inBody)
                --bodyLeft;
            if (step.op == StepOp::Yield) {
                if (inBody)
                    --kept[loop].count;
                continue;
            }
            if (step.op == StepOp::ForEach) {
                loop = kept.size();
                bodyLeft = static_cast<std::size_t>(step.count);
            }
            kept.push_back(step);
        }
        w.steps = std::move(kept);
    }
}

struct Options {
    int trials = 20;
    int warmup = 1;
    std::vector<std::string> shapes = {"tight", "tutorial", "tight-lock", "tutorial-lock", "tight-noyield"};
    std::string jsonPath;
    bool floor = true; ///< also run the bare floor of each shape
};

/// The figures of one trial, in milliseconds, in the order of kFigures (the floor fills trial only).
enum Figure { kTrial, kRun, kOutside, kStart, kFinish, kFigureCount };
constexpr const char *kFigures[kFigureCount] = {"trial", "run", "outside", "start", "finish"};

struct Sample {
    double ms[kFigureCount] = {};
    std::int64_t final = 0;
    std::uint64_t events = 0;
    std::uint64_t lost = 0;
    int lockAcquisitions = 0;
    double lockWaitMs = 0;
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
        "bank_bench: %s\n"
        "usage: bank_bench [--trials N] [--warmup N] [--shapes LIST] [--floor on|off] [--json FILE]\n"
        "  shapes: tight, tutorial, tight-lock, tutorial-lock, each optionally with -noyield\n"
        "  (default: tight,tutorial,tight-lock,tutorial-lock,tight-noyield)\n"
        "  --floor off: skip the bare fork() floors (bank_python.py does; they are the reference here)\n",
        problem);
    std::exit(status);
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h")
            usage("measures bank trials per second through the engine, against a bare fork() floor", 0);
        if (i + 1 >= argc)
            usage(("missing value after " + flag).c_str());
        const std::string value = argv[++i];
        if (flag == "--trials")
            o.trials = std::atoi(value.c_str());
        else if (flag == "--warmup")
            o.warmup = std::atoi(value.c_str());
        else if (flag == "--json")
            o.jsonPath = value;
        else if (flag == "--floor") {
            if (value != "on" && value != "off")
                usage("--floor takes on or off");
            o.floor = value == "on";
        } else if (flag == "--shapes") {
            o.shapes.clear();
            std::size_t at = 0;
            while (at <= value.size()) {
                const std::size_t comma = std::min(value.find(',', at), value.size());
                o.shapes.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        } else {
            usage(("unknown option " + flag).c_str());
        }
    }
    if (o.trials < 1 || o.warmup < 0)
        usage("--trials must be at least 1, --warmup at least 0");
    for (const std::string &shape : o.shapes)
        if (!knownShape(shape))
            usage(("unknown shape '" + shape
                   + "' (tight, tutorial, tight-lock, tutorial-lock, each optionally "
                     "with -noyield)")
                      .c_str());
    return o;
}

double msBetween(std::int64_t from, std::int64_t to) { return static_cast<double>(to - from) / 1e6; }

/// One engine trial; false with `error` set when the run failed.
bool engineTrial(const Plan &plan, Sample &out, std::string &error)
{
    const std::int64_t t0 = monotonicNs();
    auto run = Run::start(plan, error);
    const std::int64_t t1 = monotonicNs();
    if (!run)
        return false;
    run->wait();
    const std::int64_t t2 = monotonicNs();
    const RunResult result = run->result();
    out.events = run->eventCount();
    run.reset();
    const std::int64_t t3 = monotonicNs();
    if (result.failed()) {
        error = result.error;
        return false;
    }
    if (result.lanes.empty() || result.lanes[0].read.empty()) {
        error = "main read no final balance";
        return false;
    }
    for (std::size_t lane = 1; lane < result.lanes.size(); ++lane) {
        if (!result.lanes[lane].ended || result.lanes[lane].exitCode != 0) {
            error = "worker " + result.lanes[lane].info.name + " did not end normally";
            return false;
        }
    }
    out.final = result.lanes[0].read.back();
    out.lost = result.lostEvents;
    if (!result.locks.empty()) {
        out.lockAcquisitions = result.locks[0].acquisitions;
        out.lockWaitMs = static_cast<double>(result.locks[0].totalWaitNs) / 1e6;
    }
    out.ms[kTrial] = msBetween(t0, t3);
    out.ms[kStart] = msBetween(t0, t1);
    out.ms[kRun] = static_cast<double>(result.wallNs) / 1e6;
    out.ms[kFinish] = msBetween(t2, t3);
    out.ms[kOutside] = out.ms[kTrial] - out.ms[kRun];
    return true;
}

/// ns per sched_yield() from this thread (the mean of 100,000 calls).
double yieldNsPerCall()
{
    constexpr int kCalls = 100000;
    const std::int64_t t0 = monotonicNs();
    for (int i = 0; i < kCalls; ++i)
        sched_yield();
    return static_cast<double>(monotonicNs() - t0) / kCalls;
}

/// The floor's shared page: the balance and the mutex each on their own cache line, as in the engine's
/// shared area (values first, then the locks at 64-byte slots).
struct FloorPage {
    alignas(64) std::atomic<std::int64_t> balance;
    alignas(64) pthread_mutex_t lock;
};

/// A child of the floor: async-signal-safe code only (loads, stores, pthread_mutex on a robust mutex).
[[noreturn]] void floorChild(FloorPage &page, int updates, std::int64_t delta, bool lock, bool yield) noexcept
{
    for (int i = 0; i < updates; ++i) {
        if (lock && pthread_mutex_lock(&page.lock) == EOWNERDEAD)
            pthread_mutex_consistent(&page.lock);
        const std::int64_t r = page.balance.load(std::memory_order_relaxed);
        if (yield)
            sched_yield();
        page.balance.store(r + delta, std::memory_order_relaxed);
        if (lock)
            pthread_mutex_unlock(&page.lock);
    }
    _exit(0);
}

/// The bare floor: the same trial as two plain fork()s of this process, no runner, no events.
bool floorTrial(const Shape &shape, FloorPage &page, Sample &out, std::string &error)
{
    page.balance.store(kBankStart);
    const std::int64_t t0 = monotonicNs();
    pid_t pids[2] = {};
    const std::int64_t deltas[2] = {+1, -1};
    bool ok = true;
    for (int i = 0; i < 2; ++i) {
        pids[i] = fork();
        if (pids[i] == 0)
            floorChild(page, shape.updates, deltas[i], shape.lock, shape.yield);
        if (pids[i] < 0) {
            error = std::string("fork: ") + std::strerror(errno);
            ok = false;
        }
    }
    ok = reapAll(pids) && ok;
    out.ms[kTrial] = msBetween(t0, monotonicNs());
    out.final = page.balance.load();
    if (!ok && error.empty())
        error = "a floor child failed";
    return ok;
}

struct ShapeResult {
    Shape shape;
    bool floor = false;
    Plan plan;
    std::vector<Sample> samples;
    Stats stats[kFigureCount];
    double trialsPerSecond = 0;
    int wrong = 0;
    std::uint64_t lost = 0;
    double eventsPerTrial = 0;

    std::string label() const { return shape.name + (floor ? "-floor" : ""); }
};

/// {"trials": N, "unit": "ms", "yield_ns": X, LABEL: {"trials_per_s", "wrong", "lost", "events_per_trial",
/// FIGURE: {median, p90, min, max}, ..., "samples": {"trial": [every trial's ms], "final": [...]}}, ...}.
/// bank_python.py reads it.
bool writeJson(const std::string &path, const Options &o, const std::vector<ShapeResult> &results,
               double yieldNs)
{
    char yieldText[64];
    std::snprintf(yieldText, sizeof yieldText, ",\n  \"yield_ns\": %.1f", yieldNs);
    std::string out = "{\n  \"trials\": " + std::to_string(o.trials) + ",\n  \"unit\": \"ms\"" + yieldText;
    for (const ShapeResult &r : results) {
        char head[256];
        std::snprintf(
            head, sizeof head,
            ",\n  \"%s\": {\"trials_per_s\": %.4f, \"wrong\": %d, \"lost\": %llu, \"events_per_trial\": "
            "%.1f, ",
            r.label().c_str(), r.trialsPerSecond, r.wrong, static_cast<unsigned long long>(r.lost),
            r.eventsPerTrial);
        out += head;
        for (int f = 0; f < kFigureCount; ++f)
            out += statsJson(kFigures[f], r.stats[f], 4) + ", ";
        out += "\"samples\": {\"trial\": [";
        for (std::size_t i = 0; i < r.samples.size(); ++i) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%s%.4f", i ? ", " : "", r.samples[i].ms[kTrial]);
            out += buf;
        }
        out += "], \"final\": [";
        for (std::size_t i = 0; i < r.samples.size(); ++i)
            out += (i ? ", " : "") + std::to_string(r.samples[i].final);
        out += "]}}";
    }
    out += "\n}\n";
    return writeText(path, out);
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parseOptions(argc, argv);
    const Scenario *scenario = findScenario("bank");
    if (!scenario) {
        std::fprintf(stderr, "bank_bench: no scenario 'bank'\n");
        return 1;
    }

    // Engine shapes first, then their floors.
    std::vector<ShapeResult> results;
    std::string error;
    for (const std::string &name : o.shapes) {
        ShapeResult r;
        r.shape = makeShape(name);
        ParamSet values;
        if (!buildPlan(*scenario, r.shape.params, r.plan, values, error)) {
            std::fprintf(stderr, "bank_bench: %s: %s\n", name.c_str(), error.c_str());
            return 1;
        }
        if (r.shape.stripYield)
            stripYields(r.plan);
        if (const std::string problem = validatePlan(r.plan); !problem.empty()) {
            std::fprintf(stderr, "bank_bench: %s: %s\n", name.c_str(), problem.c_str());
            return 1;
        }
        for (const Step &step : r.plan.workers.front().steps)
            r.shape.yield = r.shape.yield || step.op == StepOp::Yield;
        results.push_back(r);
    }
    for (std::size_t i = 0, n = o.floor ? results.size() : 0; i < n; ++i) {
        ShapeResult floor;
        floor.shape = results[i].shape;
        floor.floor = true;
        results.push_back(floor);
    }

    // The floor's page, with the mutex set up exactly as the engine's setUpMemory() does.
    void *mapping
        = mmap(nullptr, sizeof(FloorPage), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) {
        std::fprintf(stderr, "bank_bench: mmap: %s\n", std::strerror(errno));
        return 1;
    }
    auto *page = new (mapping) FloorPage{};
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&page->lock, &attr);
    pthread_mutexattr_destroy(&attr);

    const double yieldBefore = yieldNsPerCall();
    // Warm-up trials (page cache, the runner's first exec) are not counted. Shapes and floors alternate
    // trial by trial so that a slow moment of the machine hits them all alike.
    for (int trial = -o.warmup; trial < o.trials; ++trial) {
        for (ShapeResult &r : results) {
            Sample s;
            const bool ok = r.floor ? floorTrial(r.shape, *page, s, error) : engineTrial(r.plan, s, error);
            if (!ok) {
                std::fprintf(stderr, "bank_bench: %s trial failed: %s\n", r.label().c_str(), error.c_str());
                return 1;
            }
            if (trial >= 0)
                r.samples.push_back(s);
        }
    }
    pthread_mutex_destroy(&page->lock);
    munmap(mapping, sizeof(FloorPage));
    const double yieldNs = (yieldBefore + yieldNsPerCall()) / 2;

    std::printf(
        "Forkscope: bank trials through the engine (kind process, full event recording), %d trials per "
        "shape after %d warm-up; load average %s\n",
        o.trials, o.warmup, loadAverage().c_str());
    std::printf("%-24s %9s %7s %5s %9s %12s %10s %10s\n", "shape", "trials/s", "wrong", "lost", "events",
                "median trial", "median run", "run/update");
    int status = 0;
    for (ShapeResult &r : results) {
        double total = 0;
        double events = 0;
        for (const Sample &s : r.samples) {
            total += s.ms[kTrial];
            events += static_cast<double>(s.events);
            r.wrong += s.final != kBankStart;
            r.lost += s.lost;
        }
        r.trialsPerSecond = total > 0 ? 1e3 * static_cast<double>(r.samples.size()) / total : 0;
        r.eventsPerTrial = events / static_cast<double>(r.samples.size());
        for (int f = 0; f < kFigureCount; ++f) {
            std::vector<double> values;
            for (const Sample &s : r.samples)
                values.push_back(s.ms[f]);
            r.stats[f] = statsOf(values);
        }
        char eventsText[32] = "-";
        if (!r.floor)
            std::snprintf(eventsText, sizeof eventsText, "%.0f", r.eventsPerTrial);
        char runText[32] = "-";
        char perUpdate[32] = "-";
        if (!r.floor) {
            std::snprintf(runText, sizeof runText, "%.3f ms", r.stats[kRun].median);
            std::snprintf(perUpdate, sizeof perUpdate, "%.0f ns",
                          r.stats[kRun].median * 1e6 / r.shape.updates);
        }
        char verdict[96] = "";
        if (r.floor) {
            for (const ShapeResult &engine : results)
                if (!engine.floor && engine.shape.name == r.shape.name && engine.trialsPerSecond > 0)
                    std::snprintf(verdict, sizeof verdict, "   floor / engine = %.1f",
                                  r.trialsPerSecond / engine.trialsPerSecond);
        }
        std::printf("%-24s %9.1f %3d/%-3zu %5llu %9s %9.3f ms %10s %10s%s\n", r.label().c_str(),
                    r.trialsPerSecond, r.wrong, r.samples.size(), static_cast<unsigned long long>(r.lost),
                    eventsText, r.stats[kTrial].median, runText, perUpdate, verdict);
        if (!r.floor && r.lost != 0) {
            std::fprintf(stderr, "bank_bench: %s lost %llu events (must be 0)\n", r.label().c_str(),
                         static_cast<unsigned long long>(r.lost));
            status = 1;
        }
        if (r.shape.lock && r.wrong != 0) {
            std::fprintf(stderr, "bank_bench: %s: %d wrong trials with the lock on (must be 0)\n",
                         r.label().c_str(), r.wrong);
            status = 1;
        }
    }

    bool yields = false;
    for (const ShapeResult &r : results)
        yields = yields || r.shape.yield;
    std::printf("\nwhere an engine trial's time goes (ms)\n");
    std::printf("%-18s %-7s %9s %9s %9s %9s\n", "shape", "figure", "median", "p90", "min", "max");
    for (const ShapeResult &r : results) {
        if (r.floor)
            continue;
        for (int f = 0; f < kFigureCount; ++f) {
            const Stats &st = r.stats[f];
            std::printf("%-18s %-7s %9.3f %9.3f %9.3f %9.3f\n", r.label().c_str(), kFigures[f], st.median,
                        st.p90, st.min, st.max);
        }
        if (r.shape.lock) {
            double acquisitions = 0;
            double waitMs = 0;
            for (const Sample &s : r.samples) {
                acquisitions += s.lockAcquisitions;
                waitMs += s.lockWaitMs;
            }
            const auto n = static_cast<double>(r.samples.size());
            std::printf("%-18s lock: %.0f acquisitions per trial, %.3f ms waited per trial (%.0f ns per "
                        "acquisition, events included)\n",
                        r.label().c_str(), acquisitions / n, waitMs / n,
                        acquisitions > 0 ? waitMs * 1e6 / acquisitions : 0.0);
        }
    }
    std::printf(
        "trial = Run::start() to the Run destroyed; run = main's start to main's end in the runner (forks,\n"
        "both workers, join); run/update = run / updates per worker (the two run in parallel); outside =\n"
        "trial - run (region, runner launch, the collector's last drain, result, teardown), of which start "
        "=\n"
        "the Run::start() call and finish = wait() returning to the Run destroyed.\n"
        "*-floor: the same updates in two bare fork()ed children of this process, no runner, no events%s.\n"
        "wrong = trials whose final balance is not %lld.\n",
        yields ? " (with\nthe plan's sched_yield() between load and store where the plan has one)" : "",
        static_cast<long long>(kBankStart));
    if (yields)
        std::printf(
            "sched_yield() alone, nothing else runnable: %.0f ns per call; the tight plan yields once per\n"
            "update: %.1f ms of each worker's 100,000 updates at that price.\n",
            yieldNs, yieldNs * 100000 / 1e6);
    if (!o.jsonPath.empty() && !writeJson(o.jsonPath, o, results, yieldNs)) {
        std::fprintf(stderr, "bank_bench: cannot write %s: %s\n", o.jsonPath.c_str(), std::strerror(errno));
        return 1;
    }
    return status;
}
