// The Runner: what the forkscope-runner process does with a plan. It sets up the run's memory, plays
// main on lane 0, starts each worker as a plain call (sequential), a std::thread or a fork()ed child, joins
// them, reaps children (the reaper thread), and turns a cancel into SIGKILL for every live child (the
// watcher thread). The steps themselves are interpreted by interpreter.cpp.

#include "core/runner/runner.hpp"

#include "core/clock.hpp"
#include "core/proc_table.hpp"
#include "core/runner/worker.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

namespace forkscope::core {

namespace {

/// Stack of a thread worker: steps use a 4 KiB line buffer and shallow calls; sanitizers need far more.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kWorkerStackBytes = 8u << 20;
#else
constexpr std::size_t kWorkerStackBytes = 256u << 10;
#endif
/// How many thread stacks to warm up in glibc's cache before main starts.
constexpr std::size_t kWarmThreads = 128;

long gettidRaw() noexcept { return syscall(SYS_gettid); }

class Runner {
public:
    Runner(const SharedRegion &region, const Plan &plan, const StepGate &gate)
            : m_region(region), m_plan(plan), m_gate(gate), m_threads(plan.workers.size()),
              m_started(plan.workers.size(), false)
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
        mainWriter.recordAt(m_mainStartNs, EventType::WorkerStart, pid,
                            static_cast<std::int32_t>(gettidRaw()), {}, 0);

        // The watcher turns a cancel into SIGKILL for every live child process; threads and sleeps see the
        // cancel word themselves.
        std::thread(&Runner::watchCancel, this).detach();

        Worker main{&m_region, &m_plan,    &m_plan.main,  &m_noItems,       "main",   0,
                    pid,       mainWriter, m_mainStartNs, WorkerKind::Main, &m_memory};
        main.gate = m_gate;
        main.control.run = [](void *context, StepOp op, Worker &w) {
            auto *self = static_cast<Runner *>(context);
            if (op == StepOp::Start)
                self->startAll(w);
            else if (op == StepOp::Join)
                self->joinAll(w);
            else if (op == StepOp::Snapshot)
                self->snapshot(w);
        };
        main.control.context = this;
        main.pools = &m_poolClients;
        openObjects(main);
        int code = 0;
        const Outcome outcome = runSteps(main, code);
        releaseLocks(main);
        // A cancelled main never reached its last line, nor did one that failed (a Pool.map error).
        if (!cancelled(m_region) && outcome != Outcome::Exit)
            main.writer.record(EventType::MainEnd);
        // Like leaving `with Pool() as pool:`: pools take no more tasks, so their workers end.
        for (std::size_t p = 0; p < m_plan.pools.size(); ++p)
            m_memory.queues[static_cast<std::size_t>(poolTaskQueue(m_plan, static_cast<int>(p)))].close(
                queueContext(main));

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
                   && slot.state.load(std::memory_order_acquire)
                       == static_cast<std::uint32_t>(LaneState::Pending)
                   && monotonicNs() < deadline && !cancelled(m_region))
                std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        ProcessTracker table;
        table.update(getpgrp(), monotonicNs());
        std::string text = formatProcessTable(table.rows());
        std::size_t from = 0;
        // The table's heading line carries how many processes it lists, so nobody counts lines of text.
        EventFields heading{static_cast<std::int64_t>(table.rows().size()), 0, kProcessTableHeading};
        while (from < text.size()) {
            const std::size_t end = text.find('\n', from);
            main.writer.recordAt(monotonicNs(), EventType::Print, heading,
                                 std::string_view(text).substr(from, end - from));
            heading = {};
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
            Worker w{&m_region,       &m_plan, &wp.steps, &wp.items,
                     wp.name.c_str(), lane,    m_pid,     m_region.writer(static_cast<std::uint32_t>(lane)),
                     m_mainStartNs,   wp.kind, &m_memory};
            w.gate = m_gate;
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
                try {
                    m_threads[i] = std::thread([this, w, lane]() mutable {
                        runWorkerBody(w, static_cast<int>(gettidRaw()));
                        markEnded(m_region.lane(static_cast<std::uint32_t>(lane)));
                    });
                } catch (const std::system_error &e) {
                    // Out of threads or memory: Python's Thread.start() raises RuntimeError. The lane says
                    // why it never started and the result makes it the run's error; the rest run on.
                    EventWriter writer = m_region.writer(static_cast<std::uint32_t>(lane));
                    writer.record(EventType::Note, e.code().value(), 0,
                                  std::string("RuntimeError: can't start new thread (") + e.what() + ")",
                                  kError);
                    markEnded(m_region.lane(static_cast<std::uint32_t>(lane)));
                }
                break;
            case WorkerKind::Process:
                main.writer.record(EventType::Spawn, 0, lane);
                forkWorker(w);
                break;
            case WorkerKind::Main: break;
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
            prctlSyscall(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != m_pid)
                _exit(127); // the runner died between fork and prctl
            w.pid = getpid();
            w.writer = m_region.writer(static_cast<std::uint32_t>(w.index));
            m_gil.resetAfterFork(); // a new interpreter, a new GIL: plain stores, no allocation
            _exit(runWorkerBody(w, w.pid));
        }
        if (child < 0) {
            // Python's Process.start() raises here (BlockingIOError when a process limit is reached): the
            // worker's lane says why it never started, and the result makes it the run's error.
            const int error = errno;
            m_forked.fetch_sub(1);
            EventWriter writer = m_region.writer(static_cast<std::uint32_t>(w.index));
            writer.record(EventType::Note, error, 0,
                          "fork() failed: [Errno " + std::to_string(error) + "] " + std::strerror(error),
                          kError);
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

    /// Globals in this process's heap (forked children get copies), shared variables, locks, queues and
    /// pipes in the region (everyone sees the same bytes), where sharedLayout() puts them. Done before the
    /// first fork.
    void setUpMemory()
    {
        const SharedLayout layout = sharedLayout(m_plan);
        char *area = static_cast<char *>(m_region.sharedArea());
        m_globals = std::make_unique<Cell[]>(layout.globalSlots);
        auto *shared = reinterpret_cast<Cell *>(area);
        static_assert(sizeof(Cell) == 8, "the layout gives each element 8 bytes");
        for (std::size_t i = 0; i < m_plan.variables.size(); ++i) {
            const VariablePlan &v = m_plan.variables[i];
            Cell *elements = v.shared ? new (shared + layout.variableSlot[i]) Cell[v.size]
                                      : m_globals.get() + layout.variableSlot[i];
            for (int k = 0; k < v.size; ++k)
                elements[k].store(cellWord(v.initial, 0), std::memory_order_relaxed);
            m_memory.variables.push_back({&v.name, elements, v.size, static_cast<int>(i)});
        }
        if (m_plan.gil) {
            m_gil.setSwitchInterval(static_cast<std::int64_t>(m_plan.switchInterval * 1e9));
            m_memory.gil = &m_gil;
        }
        m_memory.locks = area + layout.locks;
        m_memory.processShared
            = std::any_of(m_plan.workers.begin(), m_plan.workers.end(),
                          [](const WorkerPlan &w) { return w.kind == WorkerKind::Process; });
        setUpLocks();
        setUpComm(layout);
    }

    void setUpLocks()
    {
        static_assert(sizeof(pthread_mutex_t) <= kLockBytes && sizeof(std::mutex) <= kLockBytes);
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
    }

    /// Queues and pools' queues, pipes and the per-lane running-task slots. Pipes are made here, before any
    /// fork, so every child inherits both ends (two OS pipes each, see core/shared_memory/pipe.hpp).
    void setUpComm(const SharedLayout &layout)
    {
        if (m_plan.queues.empty() && m_plan.pipes == 0 && m_plan.pools.empty())
            return;
        char *area = static_cast<char *>(m_region.sharedArea());
        for (std::size_t q = 0; q < layout.queues.size(); ++q)
            m_memory.queues.push_back(
                SharedQueue::create(area + layout.queues[q], layout.queueCapacities[q], static_cast<int>(q)));
        for (int p = 0; p < m_plan.pipes; ++p) {
            auto *shared
                = new (area + layout.pipes + sizeof(PipeShared) * static_cast<std::size_t>(p)) PipeShared{};
            PipeFds ends[2];
            std::string error;
            if (!PipeEnd::createPair(ends, error))
                throw std::runtime_error(error);
            m_memory.pipeEnds.emplace_back(ends[0], 2 * p, shared);
            m_memory.pipeEnds.emplace_back(ends[1], 2 * p + 1, shared);
        }
        m_memory.runningTask
            = new (area + layout.runningTask) std::atomic<std::int64_t>[m_plan.workers.size() + 1];
        for (std::size_t i = 0; i <= m_plan.workers.size(); ++i)
            m_memory.runningTask[i].store(-1, std::memory_order_relaxed);
        m_memory.poolLanes.resize(m_plan.pools.size());
        for (std::size_t i = 0; i < m_plan.workers.size(); ++i)
            for (const Step &s : m_plan.workers[i].steps)
                if (s.op == StepOp::Serve) {
                    m_memory.poolLanes[static_cast<std::size_t>(s.count)].push_back(
                        static_cast<std::uint32_t>(i + 1));
                    break;
                }
        m_poolClients.pools.resize(m_plan.pools.size());
        findPeers();
    }

    /// Memory::queuePutters, queueGetters and pipeSenders, from every lane's steps (main's too).
    void findPeers()
    {
        m_memory.queuePutters.resize(m_memory.queues.size());
        m_memory.queueGetters.resize(m_memory.queues.size());
        m_memory.pipeSenders.resize(m_memory.pipeEnds.size());
        m_memory.pipeReceivers.resize(m_memory.pipeEnds.size());
        const auto note
            = [](std::vector<std::vector<std::uint32_t>> &lists, std::int64_t id, std::uint32_t lane) {
                  if (id < 0 || static_cast<std::size_t>(id) >= lists.size())
                      return;
                  std::vector<std::uint32_t> &list = lists[static_cast<std::size_t>(id)];
                  if (std::find(list.begin(), list.end(), lane) == list.end())
                      list.push_back(lane);
              };
        for (std::size_t lane = 0; lane <= m_plan.workers.size(); ++lane) {
            const std::vector<Step> &steps = lane == 0 ? m_plan.main : m_plan.workers[lane - 1].steps;
            for (const Step &s : steps) {
                const auto l = static_cast<std::uint32_t>(lane);
                if (s.op == StepOp::Put)
                    note(m_memory.queuePutters, s.count, l);
                else if (s.op == StepOp::Get)
                    note(m_memory.queueGetters, s.count, l);
                else if (s.op == StepOp::Send)
                    note(m_memory.pipeSenders, s.count, l);
                else if (s.op == StepOp::Recv)
                    note(m_memory.pipeReceivers, s.count, l);
            }
        }
    }

    /// Main's first events: each variable's and each queue's name, size and kind, so that the events that
    /// follow can name them by id and a viewer can label them and scale a queue's fill.
    void openObjects(Worker &main)
    {
        const auto appendedTo = [this](const std::string &name) {
            const auto appends = [&](const std::vector<Step> &steps) {
                return std::any_of(steps.begin(), steps.end(),
                                   [&](const Step &s) { return s.op == StepOp::Append && s.text == name; });
            };
            return appends(m_plan.main)
                || std::any_of(m_plan.workers.begin(), m_plan.workers.end(),
                               [&](const WorkerPlan &w) { return appends(w.steps); });
        };
        for (std::size_t i = 0; i < m_plan.variables.size(); ++i) {
            const VariablePlan &v = m_plan.variables[i];
            const auto flags
                = static_cast<std::uint8_t>((v.shared ? kShared : 0) | (appendedTo(v.name) ? kList : 0));
            main.writer.recordAt(monotonicNs(), EventType::VariableOpen,
                                 EventFields{v.initial, static_cast<std::int32_t>(i), v.size}, v.name, flags);
        }
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
        try {
            for (std::size_t i = 0; i < std::min<std::size_t>(threads, kWarmThreads); ++i)
                warm.emplace_back([] {});
        } catch (const std::system_error &) {
            // Warming is only for speed; a worker that cannot get its thread later says so on its lane.
        }
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
    const StepGate m_gate;
    std::vector<std::thread> m_threads;
    std::vector<bool> m_started;
    const std::vector<std::int64_t> m_noItems;
    std::unique_ptr<Cell[]> m_globals;
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

void executePlan(const SharedRegion &region, const Plan &plan, const StepGate &gate)
{
    // Deliberately never freed: the detached cancel watcher may still look at it until the runner process
    // exits, which it does right after this returns.
    auto *runner = new Runner(region, plan, gate);
    runner->run();
}

} // namespace forkscope::core
