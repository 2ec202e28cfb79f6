// pingpong: how far apart this machine's first two CPUs are right now — the round trip of one cache line
// bounced between two threads pinned to CPU 0 and CPU 1 (each waits for the other's store, then answers).
// A shared-memory queue moves a few such lines per message, so its rate follows this figure; on a VM it
// changes when the hypervisor moves the virtual CPUs (bench/README.md, fourth session).
//
// Usage: pingpong [--rounds N] (default 2,000,000). Prints the mean round trip in ns; exit status 2 on bad
// usage or fewer than two CPUs.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <sched.h>
#include <thread>

namespace {

alignas(64) std::atomic<long> ping{0};
alignas(64) std::atomic<long> pong{0};

bool pinTo(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

} // namespace

int main(int argc, char **argv)
{
    long rounds = 2'000'000;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc && std::atol(argv[i + 1]) > 0) {
            rounds = std::atol(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: pingpong [--rounds N], N > 0\n");
            return 2;
        }
    }
    if (std::thread::hardware_concurrency() < 2) {
        std::fprintf(stderr, "pingpong: needs two CPUs\n");
        return 2;
    }
    std::thread answer([rounds] {
        pinTo(1); // if it cannot pin, the figure is still a round trip, just not between fixed CPUs
        for (long i = 1; i <= rounds; ++i) {
            while (ping.load(std::memory_order_acquire) != i) { }
            pong.store(i, std::memory_order_release);
        }
    });
    pinTo(0);
    const auto start = std::chrono::steady_clock::now();
    for (long i = 1; i <= rounds; ++i) {
        ping.store(i, std::memory_order_release);
        while (pong.load(std::memory_order_acquire) != i) { }
    }
    const auto end = std::chrono::steady_clock::now();
    answer.join();
    std::printf("round trip %.1f ns (%ld rounds, CPU 0 <-> CPU 1)\n",
                std::chrono::duration<double, std::nano>(end - start).count() / static_cast<double>(rounds),
                rounds);
    return 0;
}
