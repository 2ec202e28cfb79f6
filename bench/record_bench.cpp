// record_bench: what recording one event costs, measured against its reference, one
// clock_gettime(CLOCK_MONOTONIC) read (every event starts with one). Target: record within 2x of the clock.
//
//   BM_ClockGettime              the reference alone
//   BM_RecordOneThread/ring:N    EventWriter::record of a small ValueWrite ("counter" = i) by one thread into
//                                a lane of a SharedRegion with N-event rings; counters: record_ns, clock_ns
//                                (the reference timed in the same call), ratio, lost (must be 0)
//   BM_RecordTwoProcesses        two fork()ed children record at once, each into its own lane of one region;
//                                each times its own clock loop and record loop and writes the figures to
//                                shared memory; counters: record_ns (mean of both), clock_ns, ratio, lost
//
// The test stands in for the collector: it advances the ring's tail to its head every half ring, so the
// writer never finds the ring full (a real collector also copies the events out; that is its cost, not the
// writer's).

#include "core/clock.hpp"
#include "core/event.hpp"
#include "core/shared_memory/shared_region.hpp"

#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forkscope::core;

namespace {

constexpr std::string_view kName = "counter"; // a short variable name, as a ValueWrite carries
constexpr std::int64_t kReferenceReads = 1 << 20;

/// Nanoseconds per clock_gettime(CLOCK_MONOTONIC), the mean over `reads` reads. Async-signal-safe.
double clockNsPerRead(std::int64_t reads) noexcept
{
    const std::int64_t t0 = monotonicNs();
    for (std::int64_t i = 0; i < reads; ++i) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
    return static_cast<double>(monotonicNs() - t0) / static_cast<double>(reads);
}

/// Plays the collector: everything written so far counts as read. Async-signal-safe.
inline void drainAll(RingHeader &ring) noexcept
{
    ring.tail.store(ring.head.load(std::memory_order_relaxed), std::memory_order_release);
}

/// Touches every page of a lane's slots, so that page faults are not timed. Needed again in a forked
/// child: fork() does not copy the page tables of shared mappings. Async-signal-safe.
void touchLane(const SharedRegion &region, std::uint32_t lane) noexcept
{
    auto *bytes = reinterpret_cast<volatile char *>(region.ringSlots(lane));
    const std::size_t size = std::size_t{region.header().ringCapacity} * sizeof(RawEvent);
    for (std::size_t at = 0; at < size; at += 4096)
        bytes[at] = 0;
}

SharedRegion makeRegion(std::uint32_t lanes, std::uint32_t ringCapacity)
{
    std::string error;
    SharedRegion region = SharedRegion::create(lanes, ringCapacity, {}, error);
    if (!region.valid()) {
        std::fprintf(stderr, "record_bench: %s\n", error.c_str());
        std::exit(1);
    }
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
        touchLane(region, lane);
    return region;
}

std::uint64_t lostEvents(const SharedRegion &region)
{
    std::uint64_t lost = 0;
    for (std::uint32_t lane = 0; lane < region.header().laneCount; ++lane)
        lost += region.ring(lane).lost.load();
    return lost;
}

// --- (a) the reference ---------------------------------------------------------------------------------

void BM_ClockGettime(benchmark::State &state)
{
    for (auto _ : state) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
}
BENCHMARK(BM_ClockGettime);

// --- (b) one thread alone ------------------------------------------------------------------------------

void BM_RecordOneThread(benchmark::State &state)
{
    const auto capacity = static_cast<std::uint32_t>(state.range(0));
    // One region per ring size for the whole program: creating and touching 64 MB per call would dominate.
    static SharedRegion big = makeRegion(1, 1u << 20);
    static SharedRegion small = makeRegion(1, 1u << 14);
    const SharedRegion &region = capacity == (1u << 20) ? big : small;
    if (region.header().ringCapacity != capacity) {
        state.SkipWithError("unsupported ring size");
        return;
    }
    RingHeader &ring = region.ring(0);
    const std::uint64_t lostBefore = ring.lost.load();
    drainAll(ring);
    EventWriter writer = region.writer(0);
    const std::int64_t drainMask = capacity / 2 - 1;

    const double clockBefore = clockNsPerRead(kReferenceReads);
    std::int64_t i = 0;
    const std::int64_t t0 = monotonicNs();
    for (auto _ : state) {
        writer.record(EventType::ValueWrite, i, 0, kName);
        if ((++i & drainMask) == 0)
            drainAll(ring);
    }
    const std::int64_t t1 = monotonicNs();
    const double clockAfter = clockNsPerRead(kReferenceReads);

    const double recordNs = static_cast<double>(t1 - t0) / static_cast<double>(i);
    const double clockNs = (clockBefore + clockAfter) / 2;
    state.counters["record_ns"] = recordNs;
    state.counters["clock_ns"] = clockNs;
    state.counters["ratio"] = recordNs / clockNs;
    state.counters["lost"] = static_cast<double>(ring.lost.load() - lostBefore);
}
BENCHMARK(BM_RecordOneThread)->ArgName("ring")->Arg(1 << 20)->Arg(1 << 14);

// --- (c) two processes at once -------------------------------------------------------------------------

constexpr int kChildren = 2;

struct alignas(64) ChildReport {
    std::atomic<std::int64_t> clockNs;  ///< total for `events` clock reads
    std::atomic<std::int64_t> recordNs; ///< total for `events` records
    std::atomic<std::int32_t> done;
};

/// Lives in a MAP_SHARED|MAP_ANONYMOUS page shared by the parent and its children.
struct Scratch {
    alignas(64) std::atomic<std::uint32_t> readyClock;
    alignas(64) std::atomic<std::uint32_t> readyRecord;
    ChildReport child[kChildren];
};

/// Every child arrives, then all go at once. Async-signal-safe (spins; there is a core per child).
void barrier(std::atomic<std::uint32_t> &word) noexcept
{
    word.fetch_add(1, std::memory_order_acq_rel);
    while (word.load(std::memory_order_acquire) < kChildren) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

/// The forked child: async-signal-safe code only from here to _exit (no malloc, no stdio).
[[noreturn]] void childBody(const SharedRegion &region, std::uint32_t lane, EventWriter writer,
                            Scratch &scratch, std::int64_t events) noexcept
{
    touchLane(region, lane);
    RingHeader &ring = region.ring(lane);
    const std::int64_t drainMask = region.header().ringCapacity / 2 - 1;

    barrier(scratch.readyClock);
    std::int64_t t0 = monotonicNs();
    for (std::int64_t i = 0; i < events; ++i) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
    std::int64_t t1 = monotonicNs();
    scratch.child[lane].clockNs.store(t1 - t0);

    barrier(scratch.readyRecord);
    t0 = monotonicNs();
    for (std::int64_t i = 1; i <= events; ++i) {
        writer.record(EventType::ValueWrite, i, 0, kName);
        if ((i & drainMask) == 0)
            drainAll(ring);
    }
    t1 = monotonicNs();
    scratch.child[lane].recordNs.store(t1 - t0);
    scratch.child[lane].done.store(1);
    _exit(0);
}

void BM_RecordTwoProcesses(benchmark::State &state)
{
    const std::int64_t events = state.range(0);
    static SharedRegion region = makeRegion(kChildren, 1u << 20);
    void *page = mmap(nullptr, sizeof(Scratch), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        state.SkipWithError("mmap failed");
        return;
    }
    auto *scratch = new (page) Scratch{};
    const std::uint64_t lostBefore = lostEvents(region);

    double recordSum = 0;
    double clockSum = 0;
    std::int64_t samples = 0;
    for (auto _ : state) {
        scratch->readyClock.store(0);
        scratch->readyRecord.store(0);
        pid_t pids[kChildren] = {};
        for (std::uint32_t lane = 0; lane < kChildren; ++lane) {
            scratch->child[lane].done.store(0);
            drainAll(region.ring(lane));
            const EventWriter writer = region.writer(lane);
            pids[lane] = fork();
            if (pids[lane] == 0)
                childBody(region, lane, writer, *scratch, events);
            if (pids[lane] < 0) {
                state.SkipWithError("fork failed");
                break;
            }
        }
        bool ok = forkscope::bench::reapAll(pids);
        for (const ChildReport &child : scratch->child)
            ok = ok && child.done.load() == 1;
        if (!ok) {
            state.SkipWithError("a child failed");
            break;
        }
        double iterationNs = 0;
        for (const ChildReport &child : scratch->child) {
            recordSum += static_cast<double>(child.recordNs.load()) / static_cast<double>(events);
            clockSum += static_cast<double>(child.clockNs.load()) / static_cast<double>(events);
            iterationNs += static_cast<double>(child.recordNs.load());
            ++samples;
        }
        // The iteration's time: one child's record loop (the mean of the two), not the forks around it.
        state.SetIterationTime(iterationNs / kChildren / 1e9);
    }
    scratch->~Scratch();
    munmap(page, sizeof(Scratch));
    if (samples == 0)
        return;
    const double recordNs = recordSum / static_cast<double>(samples);
    const double clockNs = clockSum / static_cast<double>(samples);
    state.counters["record_ns"] = recordNs;
    state.counters["clock_ns"] = clockNs;
    state.counters["ratio"] = recordNs / clockNs;
    state.counters["lost"] = static_cast<double>(lostEvents(region) - lostBefore);
}
BENCHMARK(BM_RecordTwoProcesses)
    ->ArgName("events")
    ->Arg(1 << 21)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
