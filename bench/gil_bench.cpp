// gil_bench: what one GIL hand-over costs (core/gil.hpp), next to a bare mutex hand-over, measured in the
// same run. A plain program (no Google Benchmark): each sample is one hand-over between two threads.
//
//   GIL hand-over   the holder computes and polls dropRequested() as the executor does between work units;
//                   the waiter has asked (its switch interval set to 1 µs here, so it asks at once) and sleeps
//                   in the kernel on the GIL's futex word. Sample: from the holder seeing the request (just
//                   before handOver()) to the waiter returning from acquire() — release, futex wake, the
//                   waiter's thread running and taking the lock. Then the roles swap: the two threads
//                   ping-pong through handOver() as two CPU-bound Python threads do.
//   mutex hand-over the same shape with a std::mutex: the holder waits until the other thread is asleep in
//                   lock() (it announces itself, then 200 µs), then unlocks. Sample: from just before
//                   unlock() to the other thread returning from lock().
//
// Usage: gil_bench [--samples N] [--json FILE]

#include "bench_support.hpp"

#include "core/clock.hpp"
#include "core/shared_memory/gil.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using forkscope::bench::Stats;
using forkscope::bench::statsOf;
using forkscope::core::Gil;
using forkscope::core::monotonicNs;

namespace {

std::vector<double> gilHandOvers(int samples)
{
    Gil gil;
    gil.setSwitchInterval(1000); // ask at once: the bench times the hand-over, not the interval
    std::atomic<std::int64_t> handedAt{0};
    std::atomic<int> done{0};
    std::atomic<bool> stop{false};
    std::vector<double> out[2];
    const auto body = [&](int lane) {
        std::vector<double> &mine = out[lane];
        mine.reserve(static_cast<std::size_t>(samples));
        gil.acquire(nullptr, lane, nullptr);
        std::int64_t unit = 0;
        for (;;) {
            // Compute, checking the eval breaker between units, as a Work step does.
            while (!gil.dropRequested() && !stop.load(std::memory_order_relaxed))
                forkscope::core::workUnit(unit++ % 8); // a few µs
            if (stop.load())
                break;
            handedAt.store(monotonicNs(), std::memory_order_release);
            gil.handOver(nullptr, lane, nullptr); // returns holding it again, after the other had it
            const std::int64_t at = handedAt.load(std::memory_order_acquire);
            mine.push_back(static_cast<double>(monotonicNs() - at) / 1000.0);
            if (done.fetch_add(1) + 1 >= samples)
                stop.store(true);
        }
        gil.release(nullptr, lane);
    };
    std::thread a(body, 0);
    std::thread b(body, 1);
    a.join();
    b.join();
    std::vector<double> all = out[0];
    all.insert(all.end(), out[1].begin(), out[1].end());
    // The first of each thread's samples is taken at its first grant: drop the warm-up.
    if (all.size() > 10)
        all.erase(all.begin(), all.begin() + 2);
    return all;
}

std::vector<double> mutexHandOvers(int samples)
{
    std::mutex mutex;
    std::atomic<int> waiting{0}; // the other thread is about to block in lock()
    std::atomic<std::int64_t> unlockedAt{0};
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(samples));
    std::atomic<bool> go{false};
    std::thread waiter([&] {
        for (int i = 0; i < samples; ++i) {
            while (!go.load(std::memory_order_acquire)) { }
            go.store(false);
            waiting.store(1, std::memory_order_release);
            mutex.lock();
            out.push_back(static_cast<double>(monotonicNs() - unlockedAt.load(std::memory_order_acquire))
                          / 1000.0);
            mutex.unlock();
            waiting.store(0, std::memory_order_release);
        }
    });
    for (int i = 0; i < samples; ++i) {
        mutex.lock();
        go.store(true, std::memory_order_release);
        while (waiting.load(std::memory_order_acquire) == 0) { }
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // the waiter is asleep in the kernel now
        unlockedAt.store(monotonicNs(), std::memory_order_release);
        mutex.unlock();
        while (waiting.load(std::memory_order_acquire) != 0) { }
    }
    waiter.join();
    return out;
}

void print(const char *name, const Stats &s)
{
    std::printf("%-16s median %7.2f µs   p90 %7.2f µs   min %7.2f µs   max %8.2f µs\n", name, s.median, s.p90,
                s.min, s.max);
}

} // namespace

int main(int argc, char **argv)
{
    int samples = 2000;
    std::string json;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
            samples = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else {
            std::fprintf(stderr, "usage: gil_bench [--samples N (10 to 1000000)] [--json FILE]\n");
            return 2;
        }
    }
    if (samples < 10 || samples > 1'000'000) {
        std::fprintf(stderr, "gil_bench: --samples must be from 10 to 1000000\n");
        return 2;
    }
    std::printf("gil_bench: %d hand-overs each, %u cores, load average %s\n", samples,
                std::thread::hardware_concurrency(), forkscope::bench::loadAverage().c_str());
    const Stats mutexBefore = statsOf(mutexHandOvers(samples / 2));
    const Stats gil = statsOf(gilHandOvers(samples));
    const Stats mutexAfter = statsOf(mutexHandOvers(samples / 2));
    Stats mutex = mutexBefore;
    mutex.median = (mutexBefore.median + mutexAfter.median) / 2;
    mutex.p90 = (mutexBefore.p90 + mutexAfter.p90) / 2;
    mutex.min = std::min(mutexBefore.min, mutexAfter.min);
    mutex.max = std::max(mutexBefore.max, mutexAfter.max);
    print("GIL hand-over", gil);
    print("mutex hand-over", mutex);
    std::printf("ratio (median)   %.2f\n", gil.median / mutex.median);
    if (!json.empty()) {
        char ratio[64];
        std::snprintf(ratio, sizeof ratio, "%.3f", gil.median / mutex.median);
        const std::string text = "{\"unit\": \"us\", \"load\": \"" + forkscope::bench::loadAverage() + "\", "
            + forkscope::bench::statsJson("gil_handover", gil) + ", "
            + forkscope::bench::statsJson("mutex_handover", mutex) + ", \"ratio\": " + ratio + "}\n";
        if (!forkscope::bench::writeText(json, text)) {
            std::fprintf(stderr, "gil_bench: cannot write %s\n", json.c_str());
            return 1;
        }
    }
    return 0;
}
