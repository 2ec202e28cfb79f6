// The GIL lab: a real interpreter lock that real threads contend on, and what it does to runs of CPU-bound
// and I/O-bound tasks (the gil-cpu and gil-io fixtures, in the cpu-vs-io lesson's four modes).
// Timings are compared as ratios with generous bounds, and the ratio checks take the best of a few tries:
// this machine is shared, but a broken GIL (or none) misses the bound on every try.
#include "test_support.hpp"

#include "core/analysis/gil_stats.hpp"
#include "core/analysis/spans.hpp"
#include "core/shared_memory/gil.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;
using forkscope::test::fixturePlan;
using forkscope::test::runToEnd;

namespace {

struct Interval {
    std::int64_t begin;
    std::int64_t end;
    std::uint32_t lane;
};

/// GIL holds per process (pid), from the recorded events: grant to release or hand-over.
std::map<int, std::vector<Interval>> holdsByProcess(const RunResult &r, const std::vector<Event> &events)
{
    std::map<int, std::vector<Interval>> out;
    std::map<std::uint32_t, std::int64_t> from;
    for (const Event &e : events) {
        if (e.type == EventType::GilAcquire)
            from[e.lane] = e.timeNs;
        if ((e.type == EventType::GilRelease || e.type == EventType::GilHandOver) && from.count(e.lane)) {
            out[r.lanes[e.lane].info.pid].push_back({from[e.lane], e.timeNs, e.lane});
            from.erase(e.lane);
        }
    }
    return out;
}

std::vector<int> pidsOf(const RunResult &r)
{
    std::vector<int> pids;
    for (const LaneOutcome &l : r.lanes)
        pids.push_back(l.info.pid);
    return pids;
}

int count(const std::vector<Event> &events, EventType type)
{
    return static_cast<int>(
        std::count_if(events.begin(), events.end(), [&](const Event &e) { return e.type == type; }));
}

/// `tasks` tasks of CPU work ("cpu": `seconds` of one core's work each, sized here as the cpu-vs-io lesson
/// sizes it, so every mode does the same work) or I/O ("io": a sleep) in one of the lab's modes:
/// "sequential" and "gil-threads" under a GIL, "threads" free-threaded (no GIL), "processes" a GIL each.
Plan lab(const std::string &work, const std::string &mode, const std::string &seconds,
         const std::string &tasks = "4", const std::string &switchInterval = "0.005")
{
    const std::string kind = mode == "sequential" ? "sequential" : mode == "processes" ? "process" : "thread";
    std::map<std::string, std::string> params = {{"kind", kind},
                                                 {"gil", mode == "threads" ? "false" : "true"},
                                                 {"seconds", seconds},
                                                 {"workers", tasks}};
    if (work == "io")
        return fixturePlan("gil-io", params);
    params["switch_interval"] = switchInterval;
    params["units"] = std::to_string(workUnitsFor(std::stod(seconds)));
    return fixturePlan("gil-cpu", params);
}

bool twoCores() { return std::thread::hardware_concurrency() >= 2; }

/// CPU seconds the whole machine spent busy (all cores, from /proc/stat), and those of this process's
/// reaped children (the runners and their workers).
struct CpuUse {
    double machine = 0;
    double ours = 0;

    static CpuUse now()
    {
        CpuUse use;
        std::ifstream stat("/proc/stat");
        std::string cpu;
        stat >> cpu;
        double field = 0;
        for (int i = 0; i < 8 && stat >> field; ++i)
            if (i != 3 && i != 4) // idle and iowait are not busy
                use.machine += field / static_cast<double>(sysconf(_SC_CLK_TCK));
        rusage children{};
        getrusage(RUSAGE_CHILDREN, &children);
        use.ours = static_cast<double>(children.ru_utime.tv_sec + children.ru_stime.tv_sec)
            + static_cast<double>(children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
        return use;
    }
};

/// Cores' worth of CPU that other programs used while `work` ran.
template <class Work>
double othersCoresDuring(Work &&work)
{
    const CpuUse before = CpuUse::now();
    const std::int64_t begin = monotonicNs();
    work();
    const double wallSeconds = static_cast<double>(monotonicNs() - begin) / 1e9;
    const CpuUse after = CpuUse::now();
    return ((after.machine - before.machine) - (after.ours - before.ours)) / wallSeconds;
}

} // namespace

// --- The lock itself, without the runner ---------------------------------------------------------------

TEST(Gil, LetsOneThreadInAtATime)
{
    Gil gil;
    gil.setSwitchInterval(200'000); // 0.2 ms: many forced switches in a short test
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    std::atomic<std::uint32_t> cancel{0};
    std::atomic<long> rounds{0};
    const auto body = [&](int lane) {
        ASSERT_TRUE(gil.acquire(nullptr, lane, &cancel));
        const std::int64_t end = monotonicNs() + 60'000'000;
        while (monotonicNs() < end) {
            const int now = inside.fetch_add(1) + 1;
            most.store(std::max(most.load(), now));
            workUnit(rounds.fetch_add(1));
            inside.fetch_sub(1);
            if (gil.dropRequested())
                ASSERT_TRUE(gil.handOver(nullptr, lane, &cancel));
        }
        gil.release(nullptr, lane);
    };
    std::vector<std::thread> threads;
    for (int lane = 1; lane <= 3; ++lane)
        threads.emplace_back(body, lane);
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(most.load(), 1) << "two threads held the GIL at once";
    // At 0.2 ms a quiet machine makes hundreds of switches; a loaded one under ASan made exactly 10.
    EXPECT_GT(gil.switches(), 5u) << "the waiters should have been handed the GIL many times in 3 x 60 ms";
}

TEST(Gil, AWaiterGetsItAfterTheSwitchIntervalAndTheHolderDoesNotTakeItBack)
{
    Gil gil;
    constexpr std::int64_t kInterval = 20'000'000; // 20 ms
    gil.setSwitchInterval(kInterval);
    std::atomic<std::uint32_t> cancel{0};
    ASSERT_TRUE(gil.acquire(nullptr, 1, &cancel));
    std::atomic<std::int64_t> waitedNs{0};
    std::atomic<std::int64_t> gotItAt{0};
    std::thread waiter([&] {
        const std::int64_t begin = monotonicNs();
        ASSERT_TRUE(gil.acquire(nullptr, 2, &cancel));
        gotItAt = monotonicNs();
        waitedNs = gotItAt - begin;
        gil.release(nullptr, 2);
    });
    // The holder computes and checks the drop request between units, as the executor does.
    const std::int64_t start = monotonicNs();
    std::int64_t unit = 0;
    while (!gil.dropRequested() && monotonicNs() - start < 2'000'000'000)
        workUnit(unit++);
    ASSERT_TRUE(gil.dropRequested()) << "nobody asked for the GIL within 2 s";
    ASSERT_TRUE(gil.handOver(nullptr, 1, &cancel));
    const std::int64_t backAt = monotonicNs();
    gil.release(nullptr, 1);
    waiter.join();
    EXPECT_GE(waitedNs.load(), kInterval * 9 / 10) << "a waiter asks only after the switch interval";
    EXPECT_LE(waitedNs.load(), kInterval * 10) << "the holder should have answered the drop request promptly";
    EXPECT_GT(gotItAt.load(), 0);
    EXPECT_LE(gotItAt.load(), backAt) << "forced switching: the waiter runs before the holder takes it back";
}

TEST(Gil, AcquireGivesUpOnCancel)
{
    Gil gil;
    std::atomic<std::uint32_t> cancel{0};
    ASSERT_TRUE(gil.acquire(nullptr, 1, &cancel));
    std::atomic<bool> result{true};
    std::thread waiter([&] { result = gil.acquire(nullptr, 2, &cancel); });
    // A waiter asks for a drop after the switch interval (5 ms): then it is surely waiting inside acquire.
    const std::int64_t waitFrom = monotonicNs();
    while (!gil.dropRequested() && monotonicNs() - waitFrom < 10'000'000'000)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(gil.dropRequested()) << "the waiter did not ask for the GIL within 10 s";
    const std::int64_t at = monotonicNs();
    cancel = 1;
    waiter.join();
    EXPECT_FALSE(result.load());
    EXPECT_LT(monotonicNs() - at, 100'000'000) << "a cancelled waiter stops waiting within its 10 ms slice";
    gil.release(nullptr, 1);
}

TEST(Gil, WorkIsRealAndCalibrated)
{
    EXPECT_EQ(workUnit(0), workUnit(4096)) << "units repeat every 4096 blocks";
    EXPECT_GT(workUnit(0), 0);
    const double rate = workUnitsPerSecond();
    ASSERT_GT(rate, 100);
    const std::int64_t units = workUnitsFor(0.05);
    const std::int64_t begin = monotonicNs();
    long long sink = 0;
    for (std::int64_t u = 0; u < units; ++u)
        sink += workUnit(u);
    const double took = static_cast<double>(monotonicNs() - begin) / 1e9;
    EXPECT_GT(sink, 0);
    EXPECT_GT(took, 0.05 * 0.5) << "50 ms of calibrated work took " << took << " s";
    EXPECT_LT(took, 0.05 * 6) << "50 ms of calibrated work took " << took << " s";
}

// --- Runs of tasks, through the runner ------------------------------------------------------------------

TEST(GilLab, NoTwoThreadsOfAProcessHoldTheGilAtOnce)
{
    std::vector<Event> events;
    const RunResult r = runToEnd(lab("cpu", "gil-threads", "0.1"), &events);
    ASSERT_FALSE(r.failed()) << r.error;
    EXPECT_EQ(r.lostEvents, 0u);
    const auto holds = holdsByProcess(r, events);
    ASSERT_EQ(holds.size(), 1u) << "threads share main's process, so one GIL";
    std::vector<Interval> list = holds.begin()->second;
    std::sort(list.begin(), list.end(),
              [](const Interval &a, const Interval &b) { return a.begin < b.begin; });
    ASSERT_GT(list.size(), 8u) << "four 100 ms tasks under a 5 ms switch interval change hands many times";
    for (std::size_t i = 1; i < list.size(); ++i)
        ASSERT_GE(list[i].begin, list[i - 1].end)
            << "lane " << list[i].lane << " took the GIL at " << list[i].begin << " while lane "
            << list[i - 1].lane << " held it until " << list[i - 1].end;
    const GilStats stats = gilStats(events, pidsOf(r));
    EXPECT_EQ(stats.maxHoldersAtOnce, 1);
    EXPECT_GT(stats.handOvers, 4) << "CPU-bound threads only give the GIL up when asked";
    EXPECT_GE(stats.dropRequests, stats.handOvers);
    // Every task really did its work: the same number of primes.
    std::set<std::string> found;
    for (const Event &e : events)
        if (e.type == EventType::Print && e.text.find("found") != std::string::npos)
            found.insert(e.text.substr(e.text.find("found")));
    EXPECT_EQ(found.size(), 1u) << "every task counts the same primes";
}

TEST(GilLab, HandOversComeAtAboutTheSwitchInterval)
{
    // The waiter that asks must get a core when its interval is up: on a busy machine that can be late, so
    // the best of five runs counts (one failed under a parallel build with three). Without forced switching
    // holds last a whole task; with a drop request at once they last microseconds: every run misses then.
    for (const char *interval : {"0.005", "0.01"}) {
        const double want = std::stod(interval) * 1e9;
        double closest = 0;
        double others = 0; ///< the least other programs took during a try
        for (int attempt = 0; attempt < 5; ++attempt) {
            const Plan plan = lab("cpu", "gil-threads", "0.15", "3", interval);
            std::vector<Event> events;
            RunResult r;
            const double took = othersCoresDuring([&] { r = runToEnd(plan, &events); });
            others = attempt == 0 ? took : std::min(others, took);
            const GilStats stats = gilStats(events, pidsOf(r));
            ASSERT_GE(stats.forcedHoldsNs.size(), 10u) << "switch interval " << interval;
            const double median = static_cast<double>(stats.medianForcedHoldNs);
            if (attempt == 0 || std::abs(median - want) < std::abs(closest - want))
                closest = median;
            if (std::abs(closest - want) <= want * 0.5)
                break;
        }
        // Holds that run long because other programs kept a core busy on every try say nothing of the GIL
        // (seen once beside a CPU hog under ASan: 8 ms at 5 ms). Holds that end early are never the load's doing.
        if (closest > want * 1.5 && others > 0.5)
            GTEST_SKIP() << "other programs kept " << others << " cores busy on every try: median hold "
                         << closest / 1e6 << " ms at a switch interval of " << interval << " s";
        EXPECT_GE(closest, want * 0.5)
            << "switch interval " << interval << ": median hold " << closest / 1e6 << " ms";
        EXPECT_LE(closest, want * 1.5)
            << "switch interval " << interval << ": median hold " << closest / 1e6 << " ms";
    }
}

TEST(GilLab, CpuBoundThreadsUnderTheGilAreNoFasterThanSequential)
{
    double best = 0;
    for (int attempt = 0; attempt < 5 && best < 0.8;
         ++attempt) { // best of five: a busy moment can slow either run
        const RunResult seq = runToEnd(lab("cpu", "sequential", "0.08"));
        const RunResult gil = runToEnd(lab("cpu", "gil-threads", "0.08"));
        ASSERT_GT(seq.wallNs, 0);
        best = std::max(best, static_cast<double>(gil.wallNs) / static_cast<double>(seq.wallNs));
    }
    EXPECT_GE(best, 0.8) << "GIL threads took only " << best << " x the sequential time";
}

TEST(GilLab, ProcessesAndFreeThreadsUseTheCores)
{
    if (!twoCores())
        GTEST_SKIP() << "needs at least 2 cores (this machine has " << std::thread::hardware_concurrency()
                     << ")";
    // Free threads run inside the runner (a child of this process); process workers are its children: either
    // way their CPU time comes back through RUSAGE_CHILDREN, so what other programs took can be told apart.
    for (const char *mode : {"processes", "threads"}) {
        double best = 1e9;
        double others = 0; ///< the least other programs took during a try
        for (int attempt = 0; attempt < 5 && best > 0.7; ++attempt) {
            RunResult seq;
            RunResult par;
            const double took = othersCoresDuring([&] {
                seq = runToEnd(lab("cpu", "sequential", "0.08"));
                par = runToEnd(lab("cpu", mode, "0.08"));
            });
            others = attempt == 0 ? took : std::min(others, took);
            ASSERT_GT(seq.wallNs, 0);
            best = std::min(best, static_cast<double>(par.wallNs) / static_cast<double>(seq.wallNs));
        }
        // Another program keeping half a core busy on every try leaves no two cores to measure with. A GIL
        // wrongly shared by processes, or free threads serialised, misses the bound on an idle machine.
        if (best > 0.7 && others > 0.5)
            GTEST_SKIP() << "other programs kept " << others << " cores busy on every try: " << mode
                         << " took " << best << " x the sequential time";
        EXPECT_LE(best, 0.7) << mode << " took " << best
                             << " x the sequential time (other programs: " << others << " cores)";
    }
}

TEST(GilLab, EachProcessHasItsOwnGilAndFreeThreadsHaveNone)
{
    std::vector<Event> events;
    RunResult r = runToEnd(lab("cpu", "processes", "0.05"), &events);
    const auto holds = holdsByProcess(r, events);
    std::set<int> workerPids;
    for (const auto &[pid, list] : holds)
        if (pid != r.lanes[0].info.pid)
            workerPids.insert(pid);
    EXPECT_EQ(workerPids.size(), 4u) << "each process takes its own GIL";
    EXPECT_EQ(count(events, EventType::GilHandOver), 0) << "nobody else wants a process's GIL";

    r = runToEnd(lab("cpu", "threads", "0.05"), &events);
    ASSERT_FALSE(r.failed());
    EXPECT_EQ(count(events, EventType::GilRequest), 0) << "free-threaded: no GIL at all";
}

TEST(GilLab, IoBoundThreadsUnderTheGilStillOverlapTheirSleeps)
{
    std::vector<Event> events;
    const RunResult r = runToEnd(lab("io", "gil-threads", "0.2"), &events);
    ASSERT_FALSE(r.failed());
    std::int64_t latestBegin = 0;
    std::int64_t earliestEnd = INT64_MAX;
    int sleeps = 0;
    for (const Event &e : events) {
        if (e.lane == 0)
            continue;
        if (e.type == EventType::SleepBegin) {
            latestBegin = std::max(latestBegin, e.timeNs);
            ++sleeps;
        }
        if (e.type == EventType::SleepEnd)
            earliestEnd = std::min(earliestEnd, e.timeNs);
    }
    ASSERT_EQ(sleeps, 4);
    EXPECT_LT(latestBegin, earliestEnd) << "all four sleeps should be under way at one moment";
    EXPECT_LT(r.wallNs, 2 * 200'000'000) << "four 0.2 s waits at once take about 0.2 s, not 0.8 s";
    // The GIL was in play: each task took it before and after its sleep.
    EXPECT_GE(count(events, EventType::GilAcquire), 8);
    EXPECT_EQ(gilStats(events, pidsOf(r)).maxHoldersAtOnce, 1);
}

TEST(GilLab, AThreadComputesOnlyWhileItHoldsTheGil)
{
    // A work step stops at each hand-over and goes on when the GIL is back: its compute spans lie inside the
    // lane's holds (none runs on through a wait, as the window and traces once showed), and together they
    // did the step's whole work.
    std::vector<Event> events;
    const Plan plan = lab("cpu", "gil-threads", "0.06", "3");
    const RunResult r = runToEnd(plan, &events);
    ASSERT_FALSE(r.failed()) << r.error;
    ASSERT_EQ(r.lostEvents, 0u);
    std::map<std::uint32_t, std::vector<Span>> computes, holds;
    SpanPairer pairer;
    const auto closed = [&](const Span &span) {
        if (span.kind == SpanKind::Compute)
            computes[span.lane].push_back(span);
        if (span.kind == SpanKind::GilHold)
            holds[span.lane].push_back(span);
    };
    for (const Event &e : events)
        pairer.feed(
            e, [](Span &) {}, closed);
    int handOvers = 0;
    for (std::uint32_t lane = 1; lane <= 3; ++lane) {
        ASSERT_FALSE(computes[lane].empty());
        std::int64_t units = 0;
        for (const Span &c : computes[lane]) {
            units += c.endValue;
            const bool inAHold = std::any_of(holds[lane].begin(), holds[lane].end(), [&](const Span &h) {
                return h.begin <= c.begin && c.end <= h.end;
            });
            EXPECT_TRUE(inAHold) << "lane " << lane << " computed from " << c.begin << " to " << c.end
                                 << " ns without holding the GIL all along";
        }
        EXPECT_EQ(units, plan.workers[lane - 1].steps[1].count) << "the pieces did the whole step's work";
        handOvers += static_cast<int>(computes[lane].size()) - 1;
        for (std::size_t i = 1; i < computes[lane].size(); ++i) {
            EXPECT_EQ(computes[lane][i - 1].endArg, kWorkPausesForGil);
            EXPECT_EQ(computes[lane][i].arg, kWorkResumesAfterGil);
        }
    }
    // One more compute span per hand-over during the work (a hand-over may also come at a step boundary,
    // before or after it: at most two per lane).
    const int all = count(events, EventType::GilHandOver);
    EXPECT_LE(handOvers, all);
    EXPECT_GE(handOvers, all - 6);
    EXPECT_GT(handOvers, 3) << "three 60 ms tasks under a 5 ms switch interval hand over often";
}

TEST(GilLab, PlanCarriesTheGilThroughJson)
{
    Plan plan = lab("cpu", "gil-threads", "1", "4", "0.002");
    EXPECT_TRUE(plan.gil);
    Plan back;
    std::string error;
    ASSERT_TRUE(planFromJson(planToJson(plan), back, error)) << error;
    EXPECT_TRUE(back.gil);
    EXPECT_DOUBLE_EQ(back.switchInterval, 0.002);
    ASSERT_FALSE(back.workers.empty());
    EXPECT_EQ(back.workers[0].steps[1].op, StepOp::Work);
    EXPECT_EQ(back.workers[0].steps[1].count, plan.workers[0].steps[1].count);

    EXPECT_FALSE(planFromJson(R"({"gil":true,"switch_interval":0})", back, error));
    EXPECT_NE(error.find("switch_interval"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"steps":[{"op":"work","count":-1}]}]})", back, error));
    EXPECT_NE(error.find("work needs a count"), std::string::npos) << error;
}
