#include "core/runner/executor.hpp"

#include "core/clock.hpp"
#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"
#include "core/shared_memory/gil.hpp"
#include "core/proc_table.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <mutex>
#include <new>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <sched.h>
#include <csignal>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace forkscope::core {

namespace {

/// Stack of a thread worker: steps use a 1 KiB line buffer and shallow calls; sanitizers need far more.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kWorkerStackBytes = 8u << 20;
#else
constexpr std::size_t kWorkerStackBytes = 256u << 10;
#endif
/// How many thread stacks to warm up in glibc's cache before main starts.
constexpr std::size_t kWarmThreads = 128;

// --- Async-signal-safe text helpers (used in forked children) -----------------------------------------

struct Out {
    char *p;
    std::size_t cap;
    std::size_t n = 0;
    void put(char c) noexcept
    {
        if (n < cap)
            p[n++] = c;
    }
    void put(std::string_view s) noexcept
    {
        for (char c : s)
            put(c);
    }
    void putInt(long long v) noexcept
    {
        char buf[24];
        int len = 0;
        unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        do {
            buf[len++] = static_cast<char>('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            put('-');
        while (len)
            put(buf[--len]);
    }
    void putFixed(long long ns, int decimals) noexcept
    {
        if (ns < 0) {
            put('-');
            ns = -ns;
        }
        putInt(ns / 1'000'000'000);
        put('.');
        long long frac = ns % 1'000'000'000;
        for (int d = 0; d < 9 - decimals; ++d)
            frac /= 10;
        char digits[9];
        for (int d = decimals - 1; d >= 0; --d) {
            digits[d] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        for (int d = 0; d < decimals; ++d)
            put(digits[d]);
    }
};

long gettidRaw() noexcept { return syscall(SYS_gettid); }

// --- Running steps -------------------------------------------------------------------------------------

/// A variable as the steps see it: its elements are atomics, read and written with relaxed loads and
/// stores — a real, unguarded read-modify-write when split across steps, but no undefined behaviour.
struct Variable {
    const std::string *name;
    std::atomic<std::int64_t> *elements;
    int size;
};

/// What all workers of a run share (or, for globals, get a copy of when forked).
struct Memory {
    std::vector<Variable> variables;
    /// Lock slots, kLockBytes apart in the region. A run with forked workers uses process-shared robust
    /// pthread mutexes there; a run of threads only (one process) uses std::mutex, as the tutorials'
    /// threading.Lock is a plain in-process lock.
    char *locks = nullptr;
    bool processShared = false;

    pthread_mutex_t *sharedLock(int id) const noexcept
    {
        return reinterpret_cast<pthread_mutex_t *>(locks + kLockBytes * static_cast<std::size_t>(id));
    }
    std::mutex *threadLock(int id) const noexcept
    {
        return std::launder(reinterpret_cast<std::mutex *>(locks + kLockBytes * static_cast<std::size_t>(id)));
    }
    Gil *gil = nullptr; ///< this process's interpreter lock when the plan has one (each child resets its copy)
    // Queues, pipes and pools: set up before the first fork, only read afterwards.
    std::vector<SharedQueue> queues;
    std::vector<PipeEnd> pipeEnds;                    ///< two per pipe: 2p (parent's), 2p+1 (child's)
    std::atomic<std::int64_t> *runningTask = nullptr; ///< per lane: the pool task it is running, -1 none
    std::vector<std::vector<std::uint32_t>> poolLanes; ///< per pool: the lanes of its workers

    const Variable *find(const std::string &name) const noexcept
    {
        for (const Variable &v : variables) // no allocation: safe after fork
            if (*v.name == name)
                return &v;
        return nullptr;
    }
};

struct Worker {
    const SharedRegion *region;
    const Plan *plan;
    const std::vector<Step> *steps;
    const std::vector<std::int64_t> *items;
    const char *name;
    int index;       ///< 0 for main, i+1 for worker i
    int pid;
    EventWriter writer;
    long long mainStartNs;
    WorkerKind kind = WorkerKind::Main;
    const Memory *memory = nullptr;
    std::uint32_t heldLocks = 0; ///< bit i: lock i is held by this worker
    bool holdsGil = false;       ///< this lane holds its process's GIL
    /// Main only: carries out start and join (the Runner). A plain pointer pair, so a Worker stays
    /// trivially copyable into forked children.
    void (*control)(void *context, StepOp op, Worker &w) = nullptr;
    void *controlContext = nullptr;
    /// Main only: what map/submit/wait remember between steps (the Runner's, in its heap).
    struct PoolClients *pools = nullptr;
};

enum class Outcome { Done, Cancelled, Exit };

bool cancelled(const SharedRegion &region) noexcept
{
    return region.header().cancel.load(std::memory_order_acquire) != 0;
}

std::int64_t scaled(const Plan &plan, double seconds) noexcept
{
    return static_cast<std::int64_t>(seconds * plan.timeScale * 1e9);
}

/// Sleeps until the deadline or a cancel, waking on the region's cancel futex. Returns false if cancelled.
bool sleepUntil(const SharedRegion &region, std::int64_t deadline) noexcept
{
    auto &word = region.header().cancel;
    for (;;) {
        if (word.load(std::memory_order_acquire) != 0)
            return false;
        const std::int64_t left = deadline - monotonicNs();
        if (left <= 0)
            return true;
        SharedRegion::waitWhile(word, 0, left);
    }
}

/// Real work the compiler cannot drop: a xorshift walk, checked against the clock every 4096 rounds.
std::int64_t computeUntil(const SharedRegion &region, std::int64_t deadline, bool &wasCancelled) noexcept
{
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    std::int64_t rounds = 0;
    wasCancelled = false;
    // The clock is checked before each batch, so a zero-length computation (time scale 0) does none.
    while (monotonicNs() < deadline) {
        for (int i = 0; i < 4096; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        rounds += 4096;
        asm volatile("" : : "r"(x));
        if (cancelled(region)) {
            wasCancelled = true;
            break;
        }
    }
    return rounds;
}

[[noreturn]] void dieBySignal(int sig) noexcept
{
    // Restore the default action (a sanitizer may have installed a handler) and unblock, then raise:
    // the process dies of the signal as a buggy Python child would.
    struct sigaction sa{};
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    kill(getpid(), sig);
    _exit(128 + sig); // only if the signal does not kill (e.g. SIGCHLD)
}

/// "a" or "a[2]" into `buf`, without allocating.
std::string_view variableLabel(char *buf, std::size_t cap, const Variable &v, std::int64_t index) noexcept
{
    Out o{buf, cap};
    o.put(std::string_view(*v.name));
    if (v.size > 1) {
        o.put('[');
        o.putInt(index);
        o.put(']');
    }
    return {buf, o.n};
}

// --- The GIL (plans with "gil": true) ---------------------------------------------------------------------

/// Takes this process's GIL for the lane if the plan has one. False if the run was cancelled meanwhile.
bool gilTake(Worker &w) noexcept
{
    if (!w.memory->gil || w.holdsGil)
        return true;
    w.holdsGil = w.memory->gil->acquire(&w.writer, w.index, &w.region->header().cancel);
    return w.holdsGil;
}

/// Gives the GIL up around a blocking call (sleep, join, lock wait) and at the lane's end.
void gilDrop(Worker &w) noexcept
{
    if (!w.holdsGil)
        return;
    w.memory->gil->release(&w.writer, w.index);
    w.holdsGil = false;
}

/// A sleep of `ns` on the lane, bracketed by its events; time.sleep() releases the GIL around it. False if
/// the run was cancelled meanwhile.
bool sleepStep(Worker &w, std::int64_t ns) noexcept
{
    gilDrop(w);
    w.writer.record(EventType::SleepBegin, ns);
    const bool ok = sleepUntil(*w.region, monotonicNs() + ns);
    w.writer.record(EventType::SleepEnd, 0, 0, {}, ok ? 0 : kCancelled);
    return ok && gilTake(w);
}

/// The eval breaker: if a waiter asked for the GIL, hand it over and queue for it again.
bool gilCheck(Worker &w) noexcept
{
    if (!w.holdsGil || !w.memory->gil->dropRequested())
        return true;
    w.holdsGil = w.memory->gil->handOver(&w.writer, w.index, &w.region->header().cancel);
    return w.holdsGil;
}

void lockStep(Worker &w, int id) noexcept
{
    w.writer.record(EventType::LockWait, 0, id);
    if (w.memory->processShared) {
        const int rc = pthread_mutex_lock(w.memory->sharedLock(id));
        if (rc == EOWNERDEAD) {
            // The previous owner died holding the lock: take it over and say so.
            pthread_mutex_consistent(w.memory->sharedLock(id));
            w.writer.record(EventType::Note, id, 0, "lock recovered from a worker that died holding it");
        }
    } else {
        w.memory->threadLock(id)->lock();
    }
    w.writer.record(EventType::LockAcquire, 0, id);
    w.heldLocks |= 1u << id;
}

void unlockStep(Worker &w, int id) noexcept
{
    if (!(w.heldLocks & (1u << id)))
        return;
    if (w.memory->processShared)
        pthread_mutex_unlock(w.memory->sharedLock(id));
    else
        w.memory->threadLock(id)->unlock();
    w.heldLocks &= ~(1u << id);
    w.writer.record(EventType::LockRelease, 0, id);
}

/// Whatever way a lane's steps end (done, cancelled, exit), the locks it still holds are released, so a
/// cancel never strands a waiter.
void releaseLocks(Worker &w) noexcept
{
    for (int id = 0; id < kMaxLocks; ++id)
        unlockStep(w, id);
}


// --- Queues, pipes and pools ---------------------------------------------------------------------------

QueueContext queueContext(Worker &w) noexcept
{
    return {&w.writer, &w.region->header().cancel, nullptr, nullptr};
}

/// A step's timeout: `seconds` scaled, or none (-1) when 0.
std::int64_t timeoutOf(const Worker &w, const Step &s) noexcept
{
    return s.seconds > 0 ? scaled(*w.plan, s.seconds) : -1;
}

/// The worker fails with Python's exception text on its lane (exit code 1).
Outcome failWith(Worker &w, std::string_view text, int &exitCode) noexcept
{
    w.writer.record(EventType::Note, 1, 0, text, kError);
    exitCode = 1;
    return Outcome::Exit;
}

/// A message to put or send: the value r and the step's text formatted as a print template.
Message outgoing(const Worker &w, const Step &s, long long x, long long r, const Message &last) noexcept
{
    Message m{};
    m.value = r;
    if (!s.text.empty()) {
        char text[kMessageTextBytes * 2];
        PrintContext ctx{w.name, w.index, w.pid, x, r, w.mainStartNs};
        ctx.msg = last.textView();
        m.setText(std::string_view(text, formatPrint(text, sizeof text, s.text, ctx)));
    }
    return m;
}

/// What main's map/submit/wait keep (main runs in the runner process, so it may allocate).
struct PoolClient {
    std::vector<std::int64_t> results;  ///< per item
    std::vector<std::int64_t> futures;  ///< item indices submitted and not yet waited for
};
struct PoolClients {
    std::vector<PoolClient> pools;
};

/// A pool worker: takes task messages (first item, chunk length) until the pool shuts down (the task
/// queue is closed, or a stop message), runs each item as a task bar and sends one result per item back.
Outcome serve(Worker &w, int poolId) noexcept
{
    const Plan &plan = *w.plan;
    const PoolPlan &pool = plan.pools[static_cast<std::size_t>(poolId)];
    SharedQueue tasks = w.memory->queues[static_cast<std::size_t>(poolTaskQueue(plan, poolId))];
    SharedQueue results = w.memory->queues[static_cast<std::size_t>(poolResultQueue(plan, poolId))];
    const QueueContext qc = queueContext(w);
    std::atomic<std::int64_t> &running = w.memory->runningTask[w.index];
    const bool sleeps = pool.function == "sleep";
    for (;;) {
        Message task{};
        const QueueStatus got = tasks.get(task, -1, qc);
        if (got == QueueStatus::Cancelled)
            return Outcome::Cancelled;
        if (got != QueueStatus::Ok || task.tag < 0)
            return Outcome::Done;
        const auto first = static_cast<std::size_t>(task.value);
        const std::size_t last = std::min(pool.items.size(), first + static_cast<std::size_t>(task.tag));
        for (std::size_t k = first; k < last; ++k) {
            const std::int64_t x = pool.items[k];
            running.store(static_cast<std::int64_t>(k), std::memory_order_relaxed);
            w.writer.record(EventType::TaskBegin, x, static_cast<std::int32_t>(k), pool.function);
            bool stopped = false;
            std::int64_t result = x * x;
            if (sleeps) {
                stopped = !sleepUntil(*w.region, monotonicNs() + scaled(plan, static_cast<double>(x)));
                result = x;
            } else if (pool.work > 0) {
                computeUntil(*w.region, monotonicNs() + scaled(plan, pool.work), stopped);
            }
            if (stopped) {
                w.writer.record(EventType::TaskEnd, 0, static_cast<std::int32_t>(k), {}, kCancelled);
                return Outcome::Cancelled;
            }
            w.writer.record(EventType::TaskEnd, result, static_cast<std::int32_t>(k));
            running.store(-1, std::memory_order_relaxed);
            Message out{};
            out.value = result;
            out.tag = static_cast<std::int32_t>(k);
            const QueueStatus put = results.put(out, -1, qc);
            if (put == QueueStatus::Cancelled)
                return Outcome::Cancelled;
            if (put != QueueStatus::Ok)
                return Outcome::Done; // the pool was torn down (a map failed): stop quietly
        }
    }
}

/// Watches a pool's workers while main waits for results: a worker ends only when the pool shuts down,
/// so one that ends earlier died.
struct PoolWatch {
    const Worker *main;
    int pool;
    std::int32_t deadLane = -1;
};

bool poolWorkerDied(void *context) noexcept
{
    auto *watch = static_cast<PoolWatch *>(context);
    for (const std::uint32_t lane : watch->main->memory->poolLanes[static_cast<std::size_t>(watch->pool)]) {
        if (watch->main->region->lane(lane).state.load(std::memory_order_acquire)
            == static_cast<std::uint32_t>(LaneState::Ended)) {
            watch->deadLane = static_cast<std::int32_t>(lane);
            return true;
        }
    }
    return false;
}

std::string listText(const std::vector<std::int64_t> &values)
{
    std::string text = "[";
    const bool shorten = values.size() > 1000;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (shorten && i == 5) {
            text += ", …";
            i = values.size() - 5;
        }
        text += (i ? ", " : "") + std::to_string(values[i]);
    }
    return text + "]";
}

/// Main takes `want` results from pool `poolId`, calling `onResult` for each as it arrives. If a worker
/// dies first, the pool is torn down (both queues closed, so the other workers stop) and main fails with
/// an error saying who died and what never came back.
template <typename OnResult>
Outcome collectResults(Worker &main, int poolId, std::size_t want, OnResult &&onResult, int &exitCode)
{
    const Plan &plan = *main.plan;
    SharedQueue tasks = main.memory->queues[static_cast<std::size_t>(poolTaskQueue(plan, poolId))];
    SharedQueue results = main.memory->queues[static_cast<std::size_t>(poolResultQueue(plan, poolId))];
    PoolWatch watch{&main, poolId};
    QueueContext qc = queueContext(main);
    qc.abort = poolWorkerDied;
    qc.abortContext = &watch;
    std::size_t got = 0;
    while (got < want) {
        Message m{};
        const QueueStatus status = results.get(m, -1, qc);
        if (status == QueueStatus::Ok) {
            onResult(m);
            ++got;
            continue;
        }
        if (status == QueueStatus::Cancelled)
            return Outcome::Cancelled;
        // A worker died (or the pool was closed under us): Python's Pool would hang here; we fail clearly,
        // and tear the pool down like Pool.terminate(): both queues closed (thread workers stop after their
        // task) and the process workers still alive killed (the reaper records how each ended).
        tasks.close(qc);
        results.close(qc);
        for (const std::uint32_t lane : main.memory->poolLanes[static_cast<std::size_t>(poolId)]) {
            LaneSlot &slot = main.region->lane(lane);
            const pid_t pid = slot.pid.load(std::memory_order_acquire);
            if (plan.workers[lane - 1].kind == WorkerKind::Process && pid > 0 && pid != main.pid
                && slot.state.load(std::memory_order_acquire) != static_cast<std::uint32_t>(LaneState::Ended))
                kill(pid, SIGKILL);
        }
        const PoolPlan &pool = plan.pools[static_cast<std::size_t>(poolId)];
        std::string text = "Pool." + std::string(main.pools->pools[static_cast<std::size_t>(poolId)].futures.empty() ? "map" : "wait")
                           + " failed: ";
        if (watch.deadLane > 0) {
            const auto lane = static_cast<std::uint32_t>(watch.deadLane);
            const std::int64_t task = main.memory->runningTask[lane].load(std::memory_order_relaxed);
            text += "worker '" + plan.workers[lane - 1].name + "' (pid "
                    + std::to_string(main.region->lane(lane).pid.load()) + ") died";
            if (task >= 0 && static_cast<std::size_t>(task) < pool.items.size())
                text += " while running task " + std::to_string(task) + " (" + pool.function + "("
                        + std::to_string(pool.items[static_cast<std::size_t>(task)]) + "))";
        } else {
            text += "the pool was shut down";
        }
        text += "; " + std::to_string(want - got) + " of " + std::to_string(want) + " results never came back";
        main.writer.record(EventType::Note, 1, 0, text, kError);
        exitCode = 1;
        return Outcome::Exit;
    }
    return Outcome::Done;
}

/// Main's pool steps: map, submit, wait, shutdown.
Outcome poolStep(Worker &main, const Step &s, long long &r, int &exitCode)
{
    const Plan &plan = *main.plan;
    const int poolId = static_cast<int>(s.count);
    const PoolPlan &pool = plan.pools[static_cast<std::size_t>(poolId)];
    PoolClient &client = main.pools->pools[static_cast<std::size_t>(poolId)];
    SharedQueue tasks = main.memory->queues[static_cast<std::size_t>(poolTaskQueue(plan, poolId))];
    const QueueContext qc = queueContext(main);
    const std::size_t n = pool.items.size();
    const auto submit = [&](std::size_t first, std::size_t count) {
        Message task{};
        task.value = static_cast<std::int64_t>(first);
        task.tag = static_cast<std::int32_t>(count);
        return tasks.put(task, -1, qc); // the task queue has room for every task: never blocks
    };
    const auto refused = [&](QueueStatus status) {
        if (status == QueueStatus::Cancelled)
            return Outcome::Cancelled;
        return failWith(main, "ValueError: Pool not running (it was shut down)", exitCode);
    };
    switch (s.op) {
    case StepOp::Map: {
        const auto chunk = static_cast<std::size_t>(pool.chunk);
        for (std::size_t first = 0; first < n; first += chunk)
            if (const QueueStatus st = submit(first, std::min(chunk, n - first)); st != QueueStatus::Ok)
                return refused(st);
        client.results.assign(n, 0);
        const Outcome o = collectResults(main, poolId, n, [&](const Message &m) {
            client.results[static_cast<std::size_t>(m.tag)] = m.value;
        }, exitCode);
        if (o != Outcome::Done)
            return o;
        long long sum = 0;
        for (const std::int64_t v : client.results)
            sum += v;
        r = sum;
        const std::string text = "map(" + pool.function + ") = " + listText(client.results);
        main.writer.record(EventType::Print, 0, 0, text);
        return Outcome::Done;
    }
    case StepOp::Submit:
        for (std::size_t k = 0; k < n; ++k) {
            if (const QueueStatus st = submit(k, 1); st != QueueStatus::Ok)
                return refused(st);
            client.futures.push_back(static_cast<std::int64_t>(k));
        }
        main.writer.record(EventType::Print, 0, 0, "submitted " + std::to_string(n) + " tasks: " + pool.function
                                                       + " of " + listText(pool.items));
        return Outcome::Done;
    case StepOp::Wait: {
        client.results.assign(n, 0);
        std::size_t done = 0;
        const Outcome o = collectResults(main, poolId, client.futures.size(), [&](const Message &m) {
            const auto k = static_cast<std::size_t>(m.tag);
            client.results[k] = m.value;
            main.writer.record(EventType::Print, 0, 0,
                               "done " + std::to_string(++done) + ": future " + std::to_string(k) + ", "
                                   + pool.function + "(" + std::to_string(pool.items[k]) + ") returned "
                                   + std::to_string(m.value));
        }, exitCode);
        if (o != Outcome::Done)
            return o;
        std::vector<std::int64_t> inOrder;
        for (const std::int64_t k : client.futures)
            inOrder.push_back(client.results[static_cast<std::size_t>(k)]);
        client.futures.clear();
        main.writer.record(EventType::Print, 0, 0, "results in submission order: " + listText(inOrder));
        return Outcome::Done;
    }
    case StepOp::Shutdown:
        tasks.close(qc);
        return Outcome::Done;
    default:
        return Outcome::Done;
    }
}

Outcome runStepsHoldingGil(Worker &w, int &exitCode) noexcept
{
    const auto &steps = *w.steps;
    const Plan &plan = *w.plan;
    long long x = 0;
    long long r = 0;
    std::size_t loopStart = 0;
    std::size_t loopEnd = 0; // exclusive; 0 = not in a loop
    std::size_t itemIndex = 0;
    char line[4096];
    bool forever = false; // the loop is a repeat (ended by a get/recv), not a for_each
    Message msg{};        // the last message got or received: {msg}
    std::uint64_t rng = static_cast<std::uint64_t>(monotonicNs()) ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(w.index + 1));

    std::size_t i = 0;
    // A get/recv that meets its sentinel, a closed queue or a timeout leaves the enclosing loop.
    const auto endLoop = [&]() noexcept {
        if (!loopEnd)
            return false;
        i = loopEnd;
        loopEnd = 0;
        forever = false;
        return true;
    };
    while (i < steps.size()) {
        if (cancelled(*w.region) || !gilCheck(w))
            return Outcome::Cancelled;
        const Step &s = steps[i];
        switch (s.op) {
        case StepOp::Print: {
            PrintContext ctx{w.name, w.index, w.pid, x, r, w.mainStartNs};
            ctx.msg = msg.textView();
            const std::size_t n = formatPrint(line, sizeof line, s.text, ctx);
            w.writer.record(EventType::Print, 0, 0, std::string_view(line, n));
            break;
        }
        case StepOp::Sleep: {
            if (!sleepStep(w, scaled(plan, s.seconds)))
                return Outcome::Cancelled;
            break;
        }
        case StepOp::Compute: {
            const std::int64_t ns = scaled(plan, s.seconds);
            w.writer.record(EventType::ComputeBegin, ns);
            bool wasCancelled = false;
            const std::int64_t rounds = computeUntil(*w.region, monotonicNs() + ns, wasCancelled);
            w.writer.record(EventType::ComputeEnd, rounds, 0, {}, wasCancelled ? kCancelled : 0);
            if (wasCancelled)
                return Outcome::Cancelled;
            break;
        }
        case StepOp::ForEach:
            if (w.items->empty()) {
                i += static_cast<std::size_t>(s.count) + 1;
                continue;
            }
            loopStart = i + 1;
            loopEnd = loopStart + static_cast<std::size_t>(s.count);
            forever = false;
            itemIndex = 0;
            x = (*w.items)[0];
            break;
        case StepOp::Power: {
            long long v = 1;
            for (std::int64_t k = 0; k < s.count; ++k)
                v *= x;
            r = v;
            break;
        }
        case StepOp::Crash:
            w.writer.record(EventType::Note, s.count, 0, "about to crash");
            dieBySignal(static_cast<int>(s.count));
        case StepOp::Exit:
            exitCode = static_cast<int>(s.count);
            return Outcome::Exit;
        case StepOp::Read:
        case StepOp::Write: {
            const Variable *v = w.memory->find(s.text);
            if (!v)
                break; // validated: cannot happen
            char label[64];
            if (s.count >= v->size) {
                // Python raises IndexError here and the worker dies with exit code 1; so does this one,
                // with the error text on its lane.
                char text[160];
                Out o{text, sizeof text};
                o.put("IndexError: ");
                o.put(variableLabel(label, sizeof label, *v, s.count));
                o.put(" is out of range (");
                o.put(std::string_view(*v->name));
                o.put(" has ");
                o.putInt(v->size);
                o.put(" elements)");
                w.writer.record(EventType::Note, 1, 0, std::string_view(text, o.n), kError);
                exitCode = 1;
                return Outcome::Exit;
            }
            std::atomic<std::int64_t> &element = v->elements[s.count];
            if (s.op == StepOp::Read) {
                r = element.load(std::memory_order_relaxed);
                w.writer.record(EventType::ValueRead, r, static_cast<std::int32_t>(s.count),
                                variableLabel(label, sizeof label, *v, s.count));
            } else {
                element.store(r, std::memory_order_relaxed);
                w.writer.record(EventType::ValueWrite, r, static_cast<std::int32_t>(s.count),
                                variableLabel(label, sizeof label, *v, s.count));
            }
            break;
        }
        case StepOp::Append: {
            // A list: element 0 is its length, the items follow. Two stores, as list.append is for a
            // process-private global (shared by threads, copied by fork).
            const Variable *v = w.memory->find(s.text);
            if (!v)
                break;
            const std::int64_t length = v->elements[0].load(std::memory_order_relaxed);
            if (1 + length >= v->size) {
                w.writer.record(EventType::Note, 1, 0, "MemoryError: the list is full", kError);
                exitCode = 1;
                return Outcome::Exit;
            }
            v->elements[1 + length].store(r, std::memory_order_relaxed);
            v->elements[0].store(length + 1, std::memory_order_relaxed);
            char label[64];
            w.writer.record(EventType::ValueWrite, r, static_cast<std::int32_t>(length + 1),
                            variableLabel(label, sizeof label, *v, length + 1));
            break;
        }
        case StepOp::Yield:
            sched_yield(); // a plain system call: safe after fork
            break;
        case StepOp::Set:
            r = s.count;
            break;
        case StepOp::Add:
            r += s.count;
            break;
        case StepOp::Mul:
            r *= s.count;
            break;
        case StepOp::Lock:
            gilDrop(w); // a blocking acquire releases the GIL
            lockStep(w, static_cast<int>(s.count));
            if (!gilTake(w))
                return Outcome::Cancelled;
            break;
        case StepOp::Unlock:
            unlockStep(w, static_cast<int>(s.count));
            break;
        case StepOp::Snapshot: {
            PrintContext ctx{w.name, w.index, w.pid, x, r, w.mainStartNs};
            const std::size_t n = formatPrint(line, sizeof line, s.text, ctx);
            w.writer.record(EventType::Print, 0, 0, std::string_view(line, n));
            if (w.control)
                w.control(w.controlContext, s.op, w);
            break;
        }
        // --- Queues, pipes and pools ---
        case StepOp::Repeat:
            loopStart = i + 1;
            loopEnd = loopStart + static_cast<std::size_t>(s.count);
            forever = true;
            break;
        case StepOp::Put:
        case StepOp::Send: {
            Message m = outgoing(w, s, x, r, msg);
            const QueueContext qc = queueContext(w);
            gilDrop(w); // a blocking put or send releases the GIL, as in CPython
            const QueueStatus st = s.op == StepOp::Put ? w.memory->queues[static_cast<std::size_t>(s.count)].put(m, timeoutOf(w, s), qc)
                                                       : w.memory->pipeEnds[static_cast<std::size_t>(s.count)].send(m, timeoutOf(w, s), qc);
            if (!gilTake(w))
                return Outcome::Cancelled;
            if (st == QueueStatus::Cancelled)
                return Outcome::Cancelled;
            if (st == QueueStatus::Timeout)
                return failWith(w, s.op == StepOp::Put ? "queue.Full: put timed out" : "TimeoutError: send timed out", exitCode);
            if (st != QueueStatus::Ok)
                return failWith(w, s.op == StepOp::Put ? "ValueError: Queue is closed" : "BrokenPipeError: the other end of the pipe is closed", exitCode);
            break;
        }
        case StepOp::Get:
        case StepOp::Recv: {
            Message m{};
            const QueueContext qc = queueContext(w);
            gilDrop(w); // so does a blocking get or receive
            const QueueStatus st = s.op == StepOp::Get ? w.memory->queues[static_cast<std::size_t>(s.count)].get(m, timeoutOf(w, s), qc)
                                                       : w.memory->pipeEnds[static_cast<std::size_t>(s.count)].recv(m, timeoutOf(w, s), qc);
            if (!gilTake(w))
                return Outcome::Cancelled;
            if (st == QueueStatus::Cancelled)
                return Outcome::Cancelled;
            if (st == QueueStatus::Ok) {
                msg = m;
                r = m.value;
                if (!s.text.empty() && m.textView() == std::string_view(s.text) && endLoop())
                    continue;
                break;
            }
            // Python raises queue.Empty / EOFError here; a loop ends instead (a loop of gets is how a
            // consumer waits for "no more"), outside one the step records why and goes on.
            w.writer.record(EventType::Note, 0, 0,
                            st == QueueStatus::Timeout ? (s.op == StepOp::Get ? "queue.Empty: get timed out" : "recv timed out")
                                                       : (s.op == StepOp::Get ? "the queue is closed and empty" : "EOFError: the other end is closed"));
            if (endLoop())
                continue;
            break;
        }
        case StepOp::Close:
            w.memory->queues[static_cast<std::size_t>(s.count)].close(queueContext(w));
            break;
        case StepOp::SleepRandom: {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            const std::int64_t ns = static_cast<std::int64_t>(static_cast<double>(scaled(plan, s.seconds)) * static_cast<double>(rng % 1001) / 1000.0);
            if (!sleepStep(w, ns))
                return Outcome::Cancelled;
            break;
        }
        case StepOp::Serve: {
            gilDrop(w); // a pool worker's waits release the GIL (its tasks run without it)
            const Outcome o = serve(w, static_cast<int>(s.count));
            if (o != Outcome::Done || !gilTake(w))
                return o == Outcome::Done ? Outcome::Cancelled : o;
            break;
        }
        case StepOp::Map:
        case StepOp::Submit:
        case StepOp::Wait:
        case StepOp::Shutdown:
            if (!w.pools)
                break; // validation keeps these in main
            gilDrop(w);
            if (const Outcome o = poolStep(w, s, r, exitCode); o != Outcome::Done)
                return o;
            if (!gilTake(w))
                return Outcome::Cancelled;
            break;
        case StepOp::Start:
        case StepOp::Join:
            if (!w.control) // main's steps (validation keeps them out of workers)
                break;
            if (s.op == StepOp::Join)
                gilDrop(w); // join() blocks: it releases the GIL
            w.control(w.controlContext, s.op, w);
            if (!gilTake(w))
                return Outcome::Cancelled;
            break;
        case StepOp::Work: {
            // A fixed amount of work, not a deadline: under the GIL a waiting thread makes no progress, so
            // N threads need N times as long as one, as in CPython.
            w.writer.record(EventType::ComputeBegin, scaled(plan, s.seconds));
            long long primes = 0;
            std::int64_t done = 0;
            bool stopped = false;
            for (; done < s.count; ++done) {
                primes += workUnit(done);
                if (cancelled(*w.region) || !gilCheck(w)) {
                    stopped = true;
                    break;
                }
            }
            r = primes;
            w.writer.record(EventType::ComputeEnd, done, 0, {}, stopped ? kCancelled : 0);
            if (stopped)
                return Outcome::Cancelled;
            break;
        }
        }
        ++i;
        if (loopEnd && i == loopEnd && forever) {
            i = loopStart;
        } else if (loopEnd && i == loopEnd) {
            if (++itemIndex < w.items->size()) {
                x = (*w.items)[itemIndex];
                i = loopStart;
            } else {
                loopEnd = 0;
            }
        }
    }
    return Outcome::Done;
}

/// A Python-like lane holds its GIL while it runs steps and gives it up however they end.
Outcome runSteps(Worker &w, int &exitCode) noexcept
{
    if (!gilTake(w))
        return Outcome::Cancelled;
    const Outcome outcome = runStepsHoldingGil(w, exitCode);
    gilDrop(w);
    return outcome;
}

/// Runs one worker's steps on its lane, bracketed by its start and end events.
int runWorkerBody(Worker &w, int tid) noexcept
{
    LaneSlot &slot = w.region->lane(static_cast<std::uint32_t>(w.index));
    slot.pid.store(w.pid, std::memory_order_relaxed);
    slot.tid.store(tid, std::memory_order_relaxed);
    // Name the thread or child process after its worker, so ps, top and /proc show "deposit" rather than
    // "forkscope-runne" (PR_SET_NAME is a plain system call: safe after fork; the kernel keeps 15 bytes).
    // Before the lane says Running, so that whoever sees it running sees the name (snapshot()).
    if (w.kind == WorkerKind::Thread || w.kind == WorkerKind::Process)
        prctl(PR_SET_NAME, w.name, 0, 0, 0);
    slot.state.store(static_cast<std::uint32_t>(LaneState::Running), std::memory_order_release);
    w.writer.record(EventType::WorkerStart, w.pid, tid);
    int code = 0;
    const Outcome outcome = runSteps(w, code);
    releaseLocks(w);
    if (outcome == Outcome::Cancelled && w.kind == WorkerKind::Process) {
        // A cancelled process is terminated, as Process.kill() would: the runner's watcher sends SIGKILL
        // (and the reaper records it) — wait for it rather than racing it to a normal exit.
        for (;;)
            pause();
    }
    w.writer.record(EventType::WorkerEnd, code, 0, {}, outcome == Outcome::Cancelled ? kCancelled : 0);
    slot.endRecorded.store(1, std::memory_order_release);
    return code;
}

void markEnded(LaneSlot &slot) noexcept
{
    slot.state.store(static_cast<std::uint32_t>(LaneState::Ended), std::memory_order_release);
    SharedRegion::wakeAll(slot.state);
}

class Runner {
public:
    Runner(const SharedRegion &region, const Plan &plan)
        : m_region(region), m_plan(plan), m_threads(plan.workers.size()), m_started(plan.workers.size(), false)
    {
    }

    void run()
    {
        prepare();
        const int pid = getpid();
        m_pid = pid;
        LaneSlot &mainSlot = m_region.lane(0);
        EventWriter mainWriter = m_region.writer(0);
        m_mainStartNs = monotonicNs();
        mainSlot.pid.store(pid);
        mainSlot.tid.store(static_cast<int>(gettidRaw()));
        mainSlot.state.store(static_cast<std::uint32_t>(LaneState::Running));
        mainWriter.recordAt(m_mainStartNs, EventType::WorkerStart, pid, static_cast<std::int32_t>(gettidRaw()), {}, 0);

        // The watcher turns a cancel into SIGKILL for every live child process; threads and sleeps see the
        // cancel word themselves.
        std::thread(&Runner::watchCancel, this).detach();

        Worker main{&m_region, &m_plan, &m_plan.main, &m_noItems, "main", 0, pid, mainWriter, m_mainStartNs,
                    WorkerKind::Main, &m_memory};
        main.control = [](void *context, StepOp op, Worker &w) {
            auto *self = static_cast<Runner *>(context);
            if (op == StepOp::Start)
                self->startAll(w);
            else if (op == StepOp::Join)
                self->joinAll(w);
            else if (op == StepOp::Snapshot)
                self->snapshot(w);
        };
        main.controlContext = this;
        main.pools = &m_poolClients;
        openQueues(main);
        int code = 0;
        const Outcome outcome = runSteps(main, code);
        releaseLocks(main);
        // A cancelled main never reached its last line, nor did one that failed (a Pool.map error).
        if (!cancelled(m_region) && outcome != Outcome::Exit)
            main.writer.record(EventType::MainEnd);
        // Like leaving `with Pool() as pool:`: pools take no more tasks, so their workers end.
        for (std::size_t p = 0; p < m_plan.pools.size(); ++p)
            m_memory.queues[static_cast<std::size_t>(poolTaskQueue(m_plan, static_cast<int>(p)))].close(queueContext(main));

        // Like Python at exit: wait for every thread and (non-daemon) process still running.
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i)
            waitFor(i);
        m_forkingDone.store(true);
        bump();
        if (m_reaper.joinable())
            m_reaper.join();
        main.writer.record(EventType::WorkerEnd, code, 0, {}, cancelled(m_region) ? kCancelled : 0);
        mainSlot.endRecorded.store(1);
        markEnded(mainSlot);
    }

private:
    /// The run's processes right now (this runner's process group), one printed line each. Main's thread of
    /// the runner is not a forked child, so reading /proc here may allocate.
    void snapshot(Worker &main)
    {
        // A worker process just forked may not have run yet: give each started one a moment (at most
        // 100 ms) to name itself, so the table lists it as itself, as Process.start() promises a running
        // child.
        const std::int64_t deadline = monotonicNs() + 100'000'000;
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i) {
            const LaneSlot &slot = m_region.lane(static_cast<std::uint32_t>(i + 1));
            while (m_started[i] && m_plan.workers[i].kind == WorkerKind::Process
                   && slot.state.load(std::memory_order_acquire) == static_cast<std::uint32_t>(LaneState::Pending)
                   && monotonicNs() < deadline && !cancelled(m_region))
                std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        ProcessTracker table;
        table.update(getpgrp(), monotonicNs());
        std::string text = formatProcessTable(table.rows());
        std::size_t from = 0;
        while (from < text.size()) {
            const std::size_t end = text.find('\n', from);
            main.writer.record(EventType::Print, 0, 0, std::string_view(text).substr(from, end - from));
            from = end == std::string::npos ? text.size() : end + 1;
        }
    }

    void startAll(Worker &main)
    {
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i) {
            if (m_started[i])
                continue;
            if (cancelled(m_region))
                return;
            const WorkerPlan &wp = m_plan.workers[i];
            const int lane = static_cast<int>(i + 1);
            Worker w{&m_region, &m_plan, &wp.steps, &wp.items, wp.name.c_str(), lane, m_pid,
                     m_region.writer(static_cast<std::uint32_t>(lane)), m_mainStartNs, wp.kind, &m_memory};
            m_started[i] = true;
            switch (wp.kind) {
            case WorkerKind::Sequential:
                // A plain function call on main's thread: the lane shows when main ran it. It takes the GIL
                // on its own lane, so main's lane lets go of it meanwhile (the same OS thread holds it).
                main.writer.record(EventType::Spawn, 0, lane);
                gilDrop(main);
                runWorkerBody(w, static_cast<int>(gettidRaw()));
                if (!gilTake(main))
                    return;
                markEnded(m_region.lane(static_cast<std::uint32_t>(lane)));
                break;
            case WorkerKind::Thread:
                main.writer.record(EventType::Spawn, 0, lane);
                m_threads[i] = std::thread([this, w, lane]() mutable {
                    runWorkerBody(w, static_cast<int>(gettidRaw()));
                    markEnded(m_region.lane(static_cast<std::uint32_t>(lane)));
                });
                break;
            case WorkerKind::Process:
                main.writer.record(EventType::Spawn, 0, lane);
                forkWorker(w);
                break;
            case WorkerKind::Main:
                break;
            }
        }
    }

    void forkWorker(Worker w)
    {
        if (!m_reaper.joinable())
            m_reaper = std::thread(&Runner::reap, this); // normally started before main (see prepare())
        LaneSlot &slot = m_region.lane(static_cast<std::uint32_t>(w.index));
        m_forked.fetch_add(1);
        const pid_t child = fork();
        if (child == 0) {
            // From here to _exit: async-signal-safe calls only (this process may have other threads).
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != m_pid)
                _exit(127); // the runner died between fork and prctl
            w.pid = getpid();
            w.writer = m_region.writer(static_cast<std::uint32_t>(w.index));
            m_gil.resetAfterFork(); // a new interpreter, a new GIL: plain stores, no allocation
            _exit(runWorkerBody(w, w.pid));
        }
        if (child < 0) {
            m_forked.fetch_sub(1);
            EventWriter writer = m_region.writer(static_cast<std::uint32_t>(w.index));
            writer.record(EventType::Note, errno, 0, "fork failed");
            markEnded(slot);
            return;
        }
        slot.pid.store(child, std::memory_order_seq_cst);
        bump();
        // seq_cst pairs with the client's cancel store: either the watcher's sweep sees this pid, or this
        // load sees the cancel.
        if (m_region.header().cancel.load(std::memory_order_seq_cst) != 0)
            kill(child, SIGKILL); // the watcher may have swept the lanes before this pid was stored
    }

    /// Globals in this process's heap (forked children get copies), shared variables and locks in the
    /// region (everyone sees the same bytes). Done before the first fork.
    void setUpMemory()
    {
        std::size_t globalSlots = 0;
        for (const VariablePlan &v : m_plan.variables)
            if (!v.shared)
                globalSlots += static_cast<std::size_t>(v.size);
        m_globals = std::make_unique<std::atomic<std::int64_t>[]>(globalSlots);
        auto *shared = static_cast<std::atomic<std::int64_t> *>(m_region.sharedArea());
        std::size_t nextGlobal = 0;
        std::size_t nextShared = 0;
        for (const VariablePlan &v : m_plan.variables) {
            std::atomic<std::int64_t> *elements = v.shared ? new (shared + nextShared) std::atomic<std::int64_t>[v.size]
                                                           : m_globals.get() + nextGlobal;
            (v.shared ? nextShared : nextGlobal) += static_cast<std::size_t>(v.size);
            for (int i = 0; i < v.size; ++i)
                elements[i].store(v.initial, std::memory_order_relaxed);
            m_memory.variables.push_back({&v.name, elements, v.size});
        }
        const std::size_t valueBytes = (nextShared * sizeof(std::int64_t) + kLockBytes - 1) / kLockBytes * kLockBytes;
        if (m_plan.gil) {
            m_gil.setSwitchInterval(static_cast<std::int64_t>(m_plan.switchInterval * 1e9));
            m_memory.gil = &m_gil;
        }
        m_memory.locks = static_cast<char *>(m_region.sharedArea()) + valueBytes;
        static_assert(sizeof(pthread_mutex_t) <= kLockBytes && sizeof(std::mutex) <= kLockBytes);
        m_memory.processShared = std::any_of(m_plan.workers.begin(), m_plan.workers.end(),
                                             [](const WorkerPlan &w) { return w.kind == WorkerKind::Process; });
        for (int i = 0; i < m_plan.locks; ++i) {
            if (!m_memory.processShared) {
                new (m_memory.locks + kLockBytes * static_cast<std::size_t>(i)) std::mutex;
                continue;
            }
            // Process-shared so forked children can use it; robust so a worker that dies holding it does
            // not hang the others (the next owner gets EOWNERDEAD and recovers it).
            pthread_mutexattr_t attr;
            pthread_mutexattr_init(&attr);
            pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
            pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
            pthread_mutex_init(m_memory.sharedLock(i), &attr);
            pthread_mutexattr_destroy(&attr);
        }
        setUpComm();
    }

    /// Queues and pools' queues, pipes and the per-lane running-task slots, in the shared area after the
    /// locks (layout: sharedBytesFor / commOffset). Pipes are made here, before any fork, so
    /// every child inherits both ends (two OS pipes each, see core/pipe.hpp).
    void setUpComm()
    {
        if (m_plan.queues.empty() && m_plan.pipes == 0 && m_plan.pools.empty())
            return;
        char *at = static_cast<char *>(m_region.sharedArea()) + commOffset(m_plan);
        int id = 0;
        for (const std::uint32_t capacity : queueCapacities(m_plan)) {
            m_memory.queues.push_back(SharedQueue::create(at, capacity, id++));
            at += SharedQueue::bytesFor(capacity);
        }
        for (int p = 0; p < m_plan.pipes; ++p) {
            auto *shared = new (at) PipeShared{};
            at += sizeof(PipeShared);
            PipeFds ends[2];
            std::string error;
            if (!PipeEnd::createPair(ends, error))
                throw std::runtime_error(error);
            m_memory.pipeEnds.emplace_back(ends[0], 2 * p, shared);
            m_memory.pipeEnds.emplace_back(ends[1], 2 * p + 1, shared);
        }
        m_memory.runningTask = new (at) std::atomic<std::int64_t>[m_plan.workers.size() + 1];
        for (std::size_t i = 0; i <= m_plan.workers.size(); ++i)
            m_memory.runningTask[i].store(-1, std::memory_order_relaxed);
        m_memory.poolLanes.resize(m_plan.pools.size());
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i)
            for (const Step &s : m_plan.workers[i].steps)
                if (s.op == StepOp::Serve) {
                    m_memory.poolLanes[static_cast<std::size_t>(s.count)].push_back(static_cast<std::uint32_t>(i + 1));
                    break;
                }
        m_poolClients.pools.resize(m_plan.pools.size());
    }

    /// Main's first events: each queue's name and capacity, so a viewer can label it and scale its fill.
    void openQueues(Worker &main)
    {
        const std::vector<std::uint32_t> capacities = queueCapacities(m_plan);
        for (std::size_t q = 0; q < capacities.size(); ++q) {
            std::string name;
            if (q < m_plan.queues.size()) {
                name = m_plan.queues[q].name;
            } else {
                const std::size_t p = (q - m_plan.queues.size()) / 2;
                name = m_plan.pools[p].name + ((q - m_plan.queues.size()) % 2 ? " results" : " tasks");
            }
            main.writer.record(EventType::QueueOpen, capacities[q], static_cast<std::int32_t>(q), name);
        }
    }

    /// Wakes the reaper: a child was forked (and its pid stored), or forking is over.
    void bump()
    {
        m_epoch.fetch_add(1, std::memory_order_release);
        SharedRegion::wakeAll(m_epoch);
    }

    /// Work done before main's first line, so that start() costs only what it must: the reaper exists
    /// before the first fork, and thread stacks are small and already in glibc's cache (a fresh process
    /// otherwise maps and faults in a new 8 MiB stack per thread).
    void prepare()
    {
        setUpMemory();
        bool processes = false;
        std::size_t threads = 0;
        for (const WorkerPlan &w : m_plan.workers) {
            processes = processes || w.kind == WorkerKind::Process;
            threads += w.kind == WorkerKind::Thread;
        }
        if (processes)
            m_reaper = std::thread(&Runner::reap, this);
        if (threads == 0)
            return;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            pthread_attr_setstacksize(&attr, kWorkerStackBytes);
            pthread_setattr_default_np(&attr);
            pthread_attr_destroy(&attr);
        }
        std::vector<std::thread> warm;
        for (std::size_t i = 0; i < std::min<std::size_t>(threads, kWarmThreads); ++i)
            warm.emplace_back([] {});
        for (std::thread &t : warm)
            t.join();
    }

    void joinAll(Worker &main)
    {
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i) {
            if (!m_started[i] || m_plan.workers[i].kind == WorkerKind::Sequential)
                continue;
            const auto lane = static_cast<std::int32_t>(i + 1);
            main.writer.record(EventType::JoinBegin, 0, lane);
            waitFor(i);
            main.writer.record(EventType::JoinEnd, 0, lane);
        }
    }

    void waitFor(std::size_t i)
    {
        if (m_threads[i].joinable())
            m_threads[i].join();
        if (!m_started[i])
            return;
        LaneSlot &slot = m_region.lane(static_cast<std::uint32_t>(i + 1));
        for (;;) {
            const std::uint32_t state = slot.state.load(std::memory_order_acquire);
            if (state == static_cast<std::uint32_t>(LaneState::Ended))
                return;
            SharedRegion::waitWhile(slot.state, state, 50'000'000);
        }
    }

    std::uint32_t laneOfPid(pid_t pid) const
    {
        // Skip lanes already ended: their pid may have been recycled for a later child.
        for (std::uint32_t i = 1; i < m_region.header().laneCount; ++i) {
            const LaneSlot &slot = m_region.lane(i);
            if (slot.pid.load(std::memory_order_acquire) == pid
                && slot.state.load(std::memory_order_acquire) != static_cast<std::uint32_t>(LaneState::Ended))
                return i;
        }
        return 0;
    }

    void finishChild(pid_t pid, int status)
    {
        const std::uint32_t lane = laneOfPid(pid);
        if (lane == 0)
            return;
        LaneSlot &slot = m_region.lane(lane);
        if (!slot.endRecorded.load(std::memory_order_acquire) || WIFSIGNALED(status)) {
            // The child died before it could record its own end (a crash or a kill): the reaper records it.
            EventWriter writer = m_region.writer(lane);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            if (!slot.endRecorded.load(std::memory_order_acquire))
                writer.record(EventType::WorkerEnd, code, sig, {}, cancelled(m_region) ? kCancelled : 0);
            slot.endRecorded.store(1);
        }
        markEnded(slot);
    }

    void reap()
    {
        // Main's start() loop and the workers come first on a busy machine; the reaper only bookkeeps.
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettidRaw()), 10);
        std::vector<std::pair<pid_t, int>> unmatched; // reaped before main stored their pid
        for (;;) {
            int status = 0;
            const pid_t pid = waitpid(-1, &status, 0);
            if (pid > 0) {
                m_reaped.fetch_add(1);
                if (laneOfPid(pid) != 0)
                    finishChild(pid, status);
                else
                    unmatched.emplace_back(pid, status);
                continue;
            }
            if (errno == EINTR)
                continue;
            // ECHILD: nothing to wait for right now. Read the epoch before checking, so a fork or the end
            // of forking that happens after the check changes it and the futex wait returns at once.
            const std::uint32_t epoch = m_epoch.load(std::memory_order_acquire);
            for (auto it = unmatched.begin(); it != unmatched.end();) {
                if (laneOfPid(it->first) != 0) {
                    finishChild(it->first, it->second);
                    it = unmatched.erase(it);
                } else {
                    ++it;
                }
            }
            if (m_forkingDone.load() && m_reaped.load() == m_forked.load() && unmatched.empty())
                return;
            // Nothing to reap: sleep until the next fork (or the end). While a fork is under way (counted but
            // not yet returned) or a reaped pid is not yet in the lane table, look again shortly.
            const bool settled = m_reaped.load() == m_forked.load() && unmatched.empty();
            SharedRegion::waitWhile(m_epoch, epoch, settled ? -1 : 100'000);
        }
    }

    void watchCancel()
    {
        auto &word = m_region.header().cancel;
        while (word.load(std::memory_order_acquire) == 0)
            SharedRegion::waitWhile(word, 0, -1);
        for (std::uint32_t i = 1; i < m_region.header().laneCount; ++i) {
            LaneSlot &slot = m_region.lane(i);
            const pid_t pid = slot.pid.load(std::memory_order_acquire);
            if (slot.kind == WorkerKind::Process && pid > 0
                && slot.state.load() != static_cast<std::uint32_t>(LaneState::Ended))
                kill(pid, SIGKILL);
        }
    }

    const SharedRegion &m_region;
    const Plan &m_plan;
    std::vector<std::thread> m_threads;
    std::vector<bool> m_started;
    const std::vector<std::int64_t> m_noItems;
    std::unique_ptr<std::atomic<std::int64_t>[]> m_globals;
    Memory m_memory;
    PoolClients m_poolClients;
    Gil m_gil; ///< this process's; a forked child resets its copy
    std::thread m_reaper;
    std::atomic<int> m_forked{0};
    std::atomic<int> m_reaped{0};
    std::atomic<bool> m_forkingDone{false};
    std::atomic<std::uint32_t> m_epoch{0}; ///< bumped on every fork and at the end: the reaper's futex
    int m_pid = 0;
    std::int64_t m_mainStartNs = 0;
};

} // namespace

std::size_t formatPrintRaw(char *out, std::size_t capacity, std::string_view pattern, const PrintContext &ctx) noexcept;

std::size_t formatPrint(char *out, std::size_t capacity, std::string_view pattern, const PrintContext &ctx) noexcept
{
    const std::size_t n = formatPrintRaw(out, capacity, pattern, ctx);
    if (n < capacity)
        return n;
    // Cut at a character boundary: never leave half a UTF-8 sequence at the end.
    std::size_t cut = n;
    while (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0xC0) == 0x80)
        --cut;
    if (cut > 0 && static_cast<unsigned char>(out[cut - 1]) >= 0xC0)
        --cut; // the lead byte of the cut sequence
    return cut == 0 ? n : cut;
}

std::size_t formatPrintRaw(char *out, std::size_t capacity, std::string_view pattern, const PrintContext &ctx) noexcept
{
    Out o{out, capacity};
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string_view::npos) {
                const std::string_view key = pattern.substr(i + 1, close - i - 1);
                bool known = true;
                if (key == "name")
                    o.put(std::string_view(ctx.name));
                else if (key == "index")
                    o.putInt(ctx.index);
                else if (key == "pid")
                    o.putInt(ctx.pid);
                else if (key == "x")
                    o.putInt(ctx.x);
                else if (key == "r")
                    o.putInt(ctx.r);
                else if (key == "time")
                    o.putFixed(realtimeNs(), 7);
                else if (key == "elapsed")
                    o.putFixed(monotonicNs() - ctx.mainStartNs, 4);
                else if (key == "msg")
                    o.put(ctx.msg);
                else
                    known = false;
                if (known) {
                    i = close + 1;
                    continue;
                }
            }
        }
        o.put(pattern[i++]);
    }
    return o.n;
}

void executePlan(const SharedRegion &region, const Plan &plan)
{
    // Deliberately never freed: the detached cancel watcher may still look at it until the runner process
    // exits, which it does right after this returns.
    auto *runner = new Runner(region, plan);
    runner->run();
}

} // namespace forkscope::core
