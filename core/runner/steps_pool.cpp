// The pool family: a pool's workers (serve) and main's map, submit, wait and shutdown
// (multiprocessing.Pool, ProcessPoolExecutor). Tasks and results travel through two queues per pool.
// serve runs in workers (async-signal-safe); main's steps run only on the runner's main thread, so they may
// allocate.

#include "core/clock.hpp"
#include "core/runner/worker.hpp"

#include <algorithm>
#include <csignal>
#include <string>

namespace forkscope::core {

namespace {

Outcome serveTasks(Worker &w, int poolId) noexcept
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
        std::string text = "Pool."
            + std::string(main.pools->pools[static_cast<std::size_t>(poolId)].futures.empty() ? "map"
                                                                                              : "wait")
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
        text
            += "; " + std::to_string(want - got) + " of " + std::to_string(want) + " results never came back";
        main.writer.record(EventType::Note, 1, 0, text, kError);
        exitCode = 1;
        return Outcome::Exit;
    }
    return Outcome::Done;
}

/// Main's pool steps: map, submit, wait, shutdown.
Outcome mainPoolStep(Worker &main, const Step &s, long long &r, int &exitCode)
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
        main.writer.record(EventType::Note, 1, 0, "ValueError: Pool not running (it was shut down)", kError);
        exitCode = 1;
        return Outcome::Exit;
    };
    switch (s.op) {
    case StepOp::Map: {
        const auto chunk = static_cast<std::size_t>(pool.chunk);
        for (std::size_t first = 0; first < n; first += chunk)
            if (const QueueStatus st = submit(first, std::min(chunk, n - first)); st != QueueStatus::Ok)
                return refused(st);
        client.results.assign(n, 0);
        const Outcome o = collectResults(
            main, poolId, n,
            [&](const Message &m) { client.results[static_cast<std::size_t>(m.tag)] = m.value; }, exitCode);
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
        main.writer.record(EventType::Print, 0, 0,
                           "submitted " + std::to_string(n) + " tasks: " + pool.function + " of "
                               + listText(pool.items));
        return Outcome::Done;
    case StepOp::Wait: {
        client.results.assign(n, 0);
        std::size_t done = 0;
        const Outcome o = collectResults(
            main, poolId, client.futures.size(),
            [&](const Message &m) {
                const auto k = static_cast<std::size_t>(m.tag);
                client.results[k] = m.value;
                main.writer.record(EventType::Print, 0, 0,
                                   "done " + std::to_string(++done) + ": future " + std::to_string(k) + ", "
                                       + pool.function + "(" + std::to_string(pool.items[k]) + ") returned "
                                       + std::to_string(m.value));
            },
            exitCode);
        if (o != Outcome::Done)
            return o;
        std::vector<std::int64_t> inOrder;
        for (const std::int64_t k : client.futures)
            inOrder.push_back(client.results[static_cast<std::size_t>(k)]);
        client.futures.clear();
        main.writer.record(EventType::Print, 0, 0, "results in submission order: " + listText(inOrder));
        return Outcome::Done;
    }
    case StepOp::Shutdown: tasks.close(qc); return Outcome::Done;
    default: return Outcome::Done;
    }
}

} // namespace

StepEnd poolStep(Worker &w, StepState &st, const Step &s) noexcept
{
    const int pool = static_cast<int>(s.count);
    gilDrop(w); // a pool worker's waits, and main's, release the GIL (tasks run without it)
    Outcome o = Outcome::Done;
    if (s.op == StepOp::Serve) {
        o = serveTasks(w, pool);
    } else if (w.pools) { // validation keeps map, submit, wait and shutdown in main
        try {
            o = mainPoolStep(w, s, st.r, st.exitCode);
        } catch (...) {
            // Main allocates here (results, texts): out of memory, it fails rather than ending the runner.
            w.writer.record(EventType::Note, 1, 0, "MemoryError: the pool's results do not fit in memory",
                            kError);
            st.exitCode = 1;
            o = Outcome::Exit;
        }
    }
    if (o != Outcome::Done)
        return st.stop(o);
    return gilTake(w) ? StepEnd::Next : st.stop(Outcome::Cancelled);
}

} // namespace forkscope::core
