// lock_bench: what one lock/unlock of the engine's lock costs, against std::mutex measured in the same call.
//
// The engine's lock (core/executor.cpp, setUpMemory): a pthread_mutex_t with PTHREAD_PROCESS_SHARED and
// PTHREAD_MUTEX_ROBUST, in MAP_SHARED memory, one per 64-byte slot. Here it is set up the same way in a
// MAP_SHARED|MAP_ANONYMOUS page. Each lock/unlock guards one critical section of a bank update's size: a
// load, +1 and a store on a counter next to the lock (the counter must end at the number of lock/unlock
// pairs, else the benchmark fails), plus a note of which worker held it last (to count handoffs).
//
//   BM_Uncontended/lock:K     one thread, lock/unlock in a loop, K = robust (the engine's), pshared (process-
//                             shared, not robust), std (std::mutex). Counters: ns (per lock/unlock, timed
//                             around the loop), std_ns (the reference, std::mutex, timed in the same call
//                             just before and after), ratio = ns / std_ns.
//   BM_Contended/processes:P/gap:G
//                             two workers hammer one lock, each doing N lock/unlock pairs after a common start.
//                             P = 0: two threads (std::thread), 1: two fork()ed processes (the robust mutex
//                             only: std::mutex cannot cross processes). G = clock_gettime reads each worker
//                             does after every unlock, outside the lock: 0 = back to back (the lock rarely
//                             changes hands: whoever unlocks re-takes it first), 2 = about what the engine
//                             records between two bank updates (LockRelease, then LockWait), so the lock
//                             really passes between the workers. Per pair, wall time of both workers / 2N:
//                             robust_ns, pshared_ns (threads only), nolock_ns (G > 0: the same loop with no
//                             lock, same workers: the gap's own share), std_ns (the reference: std::mutex
//                             between two threads, timed in the same iteration before and after, also for the
//                             processes row), ratio = robust_ns / std_ns, handoffs / std_handoffs = share of
//                             pairs where the lock changed hands (1 = strict alternation). The Time column is
//                             the robust mutex's whole round (manual time).

#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <new>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

/// Nanoseconds on CLOCK_MONOTONIC. Async-signal-safe.
std::int64_t nowNs() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// kNone: the same loop with no lock at all (the counter may lose updates; not checked): the gap's own cost.
enum LockKind { kRobust, kPshared, kStd, kNone, kLockKinds };

constexpr int kWorkers = 2;

/// One lock in its own 64-byte slot (as the engine pads them) with the state it guards right after it.
struct alignas(64) Guarded {
    union {
        pthread_mutex_t pthread;
        std::mutex standard;
    };
    std::int64_t counter; ///< +1 per critical section
    std::int32_t owner;   ///< the worker that held it last
    std::int64_t handoffs;

    Guarded() : counter(0), owner(-1), handoffs(0) { }
    ~Guarded() { }
};

struct alignas(64) WorkerTimes {
    std::atomic<std::int64_t> begin;
    std::atomic<std::int64_t> end;
};

/// Everything the workers share, in one MAP_SHARED page (forked children see the same bytes).
struct Shared {
    Guarded lock[kLockKinds];
    alignas(64) std::atomic<std::uint32_t> ready;
    WorkerTimes times[kWorkers];
};

Shared *g_shared = nullptr;

void initPthread(pthread_mutex_t &m, bool robust)
{
    // As core/executor.cpp's setUpMemory(): process-shared so forked children can use it; robust so a worker
    // that dies holding it does not hang the others.
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (robust)
        pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m, &attr);
    pthread_mutexattr_destroy(&attr);
}

Shared &shared()
{
    if (!g_shared) {
        void *page = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (page == MAP_FAILED) {
            std::perror("lock_bench: mmap");
            std::exit(1);
        }
        g_shared = new (page) Shared{};
        initPthread(g_shared->lock[kRobust].pthread, true);
        initPthread(g_shared->lock[kPshared].pthread, false);
        new (&g_shared->lock[kStd].standard) std::mutex;
    }
    return *g_shared;
}

/// One critical section of a bank update's size, under lock `kind`. Async-signal-safe for the pthread kinds.
inline void lockedUpdate(LockKind kind, Guarded &g, std::int32_t me) noexcept
{
    if (kind == kNone) {
    } else if (kind == kStd) {
        g.standard.lock();
    } else if (pthread_mutex_lock(&g.pthread) == EOWNERDEAD) {
        pthread_mutex_consistent(&g.pthread); // a previous holder died: cannot happen here, but stay correct
    }
    const std::int64_t v = g.counter;
    benchmark::DoNotOptimize(v);
    g.counter = v + 1;
    if (g.owner != me) {
        g.owner = me;
        ++g.handoffs;
    }
    if (kind == kStd)
        g.standard.unlock();
    else if (kind != kNone)
        pthread_mutex_unlock(&g.pthread);
}

/// ns per lock/unlock by this thread alone, over `ops` pairs.
double soloNs(LockKind kind, std::int64_t ops)
{
    Guarded &g = shared().lock[kind];
    const std::int64_t t0 = nowNs();
    for (std::int64_t i = 0; i < ops; ++i)
        lockedUpdate(kind, g, 0);
    return static_cast<double>(nowNs() - t0) / static_cast<double>(ops);
}

// --- Uncontended ---------------------------------------------------------------------------------------

void BM_Uncontended(benchmark::State &state)
{
    const auto kind = static_cast<LockKind>(state.range(0));
    Guarded &g = shared().lock[kind];
    constexpr std::int64_t kReferenceOps = 1 << 20;
    const double stdBefore = soloNs(kStd, kReferenceOps);
    std::int64_t ops = 0;
    const std::int64_t t0 = nowNs();
    for (auto _ : state) {
        lockedUpdate(kind, g, 0);
        ++ops;
    }
    const std::int64_t t1 = nowNs();
    const double stdAfter = soloNs(kStd, kReferenceOps);
    const double ns = static_cast<double>(t1 - t0) / static_cast<double>(ops);
    const double stdNs = (stdBefore + stdAfter) / 2;
    state.counters["ns"] = ns;
    state.counters["std_ns"] = stdNs;
    state.counters["ratio"] = ns / stdNs;
}
BENCHMARK(BM_Uncontended)->ArgName("lock")->Arg(kRobust)->Arg(kPshared)->Arg(kStd);

// --- Contended -----------------------------------------------------------------------------------------

/// Every worker arrives, then all go at once. Spins (there is a core per worker); async-signal-safe.
void barrier(std::atomic<std::uint32_t> &word) noexcept
{
    word.fetch_add(1, std::memory_order_acq_rel);
    while (word.load(std::memory_order_acquire) < kWorkers) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

/// Private work between two updates: `reads` clock reads, about what recording that many events costs.
inline void gapWork(int reads) noexcept
{
    for (int k = 0; k < reads; ++k) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
}

/// A worker's part: barrier, `ops` locked updates (with `gap` clock reads after each), its times.
/// Async-signal-safe for the pthread kinds.
void hammer(LockKind kind, int me, std::int64_t ops, int gap) noexcept
{
    Shared &s = *g_shared;
    Guarded &g = s.lock[kind];
    barrier(s.ready);
    s.times[me].begin.store(nowNs());
    for (std::int64_t i = 0; i < ops; ++i) {
        lockedUpdate(kind, g, me);
        gapWork(gap);
    }
    s.times[me].end.store(nowNs());
}

struct Round {
    bool ok = false;
    double nsPerOp = 0;  ///< wall of both workers / (2 * ops)
    double handoffs = 0; ///< share of ops where the lock changed hands
    std::int64_t wallNs = 0;
};

/// Two workers (threads or forked processes) do `ops` locked updates each on lock `kind`.
Round contendedRound(LockKind kind, bool processes, std::int64_t ops, int gap)
{
    Shared &s = shared();
    Guarded &g = s.lock[kind];
    g.counter = 0;
    g.owner = -1;
    g.handoffs = 0;
    s.ready.store(0);
    Round r;
    bool ok = true;
    if (processes) {
        pid_t pids[kWorkers] = {};
        for (int w = 0; w < kWorkers; ++w) {
            pids[w] = fork();
            if (pids[w] == 0) {
                hammer(kind, w, ops, gap);
                _exit(0);
            }
            ok = ok && pids[w] > 0;
        }
        ok = forkscope::bench::reapAll(pids) && ok;
    } else {
        std::thread t[kWorkers];
        for (int w = 0; w < kWorkers; ++w)
            t[w] = std::thread(hammer, kind, w, ops, gap);
        for (std::thread &th : t)
            th.join();
    }
    if (!ok || (kind != kNone && g.counter != kWorkers * ops))
        return r; // a lost update under the lock, or a worker failed
    std::int64_t begin = INT64_MAX;
    std::int64_t end = INT64_MIN;
    for (const WorkerTimes &t : s.times) {
        begin = std::min(begin, t.begin.load());
        end = std::max(end, t.end.load());
    }
    r.ok = true;
    r.wallNs = end - begin;
    r.nsPerOp = static_cast<double>(r.wallNs) / static_cast<double>(kWorkers * ops);
    r.handoffs = static_cast<double>(g.handoffs) / static_cast<double>(kWorkers * ops);
    return r;
}

void BM_Contended(benchmark::State &state)
{
    const bool processes = state.range(0) == 1;
    const auto gap = static_cast<int>(state.range(1));
    const std::int64_t ops = gap ? 1 << 17 : 1 << 19; // per worker and round
    double robust = 0;
    double pshared = 0;
    double standard = 0;
    double none = 0;
    double handoffs = 0;
    double stdHandoffs = 0;
    std::int64_t rounds = 0;
    for (auto _ : state) {
        // The reference first and last (std::mutex between two threads), the measured locks between.
        const Round stdBefore = contendedRound(kStd, false, ops, gap);
        const Round main = contendedRound(kRobust, processes, ops, gap);
        const Round other = processes ? Round{true, 0, 0, 0} : contendedRound(kPshared, false, ops, gap);
        const Round bare = gap ? contendedRound(kNone, processes, ops, gap) : Round{true, 0, 0, 0};
        const Round stdAfter = contendedRound(kStd, false, ops, gap);
        if (!stdBefore.ok || !main.ok || !other.ok || !bare.ok || !stdAfter.ok) {
            state.SkipWithError("a worker failed or the counter is wrong (an update lost under the lock)");
            return;
        }
        state.SetIterationTime(static_cast<double>(main.wallNs) / 1e9);
        robust += main.nsPerOp;
        pshared += other.nsPerOp;
        none += bare.nsPerOp;
        standard += (stdBefore.nsPerOp + stdAfter.nsPerOp) / 2;
        handoffs += main.handoffs;
        stdHandoffs += (stdBefore.handoffs + stdAfter.handoffs) / 2;
        ++rounds;
    }
    if (rounds == 0)
        return;
    const auto n = static_cast<double>(rounds);
    state.counters["robust_ns"] = robust / n;
    if (!processes)
        state.counters["pshared_ns"] = pshared / n;
    if (gap)
        state.counters["nolock_ns"] = none / n;
    state.counters["std_ns"] = standard / n;
    state.counters["ratio"] = robust / standard;
    state.counters["handoffs"] = handoffs / n;
    state.counters["std_handoffs"] = stdHandoffs / n;
}
// processes: 0 = two threads, 1 = two fork()ed processes; gap: clock reads after each update, outside the
// lock.
BENCHMARK(BM_Contended)
    ->ArgNames({"processes", "gap"})
    ->ArgsProduct({{0, 1}, {0, 2}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
