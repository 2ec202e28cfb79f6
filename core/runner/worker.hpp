#pragma once

// What a lane runs with inside the runner: its plan, its ring, the run's memory, and the interpreter's
// state. Workers are copied into forked children, so everything a step touches after fork() is here as
// plain data and pointers, and every function that runs a step is async-signal-safe (no allocation, no
// locks another thread may hold) unless it says it runs only in main.

#include "core/plan/plan.hpp"
#include "core/runner/step_gate.hpp"
#include "core/shared_memory/gil.hpp"
#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"
#include "core/shared_memory/shared_layout.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <pthread.h>
#include <string_view>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace forkscope::core {

/// One element of a variable: its value (32 bits, as the tutorials' `Value('i')`) and the id of the write
/// that stored it (0: the initial value), in one 64-bit word. So a read knows which write it saw, and a
/// write — a relaxed exchange, still a separate operation from the read before it — knows which write it
/// replaced: the order of writes and what each update was computed from are exact, not guessed from times.
using Cell = std::atomic<std::uint64_t>;
constexpr std::uint64_t cellWord(std::int64_t value, std::uint32_t writeId) noexcept
{
    return (std::uint64_t{writeId} << 32) | static_cast<std::uint32_t>(value);
}
constexpr std::int32_t cellValue(std::uint64_t word) noexcept
{
    return static_cast<std::int32_t>(word & 0xFFFFFFFFu);
}
constexpr std::uint32_t cellWriter(std::uint64_t word) noexcept
{
    return static_cast<std::uint32_t>(word >> 32);
}

/// A variable as the steps see it: its elements are cells, read and written with relaxed atomic operations
/// — a real, unguarded read-modify-write when split across steps, but no undefined behaviour.
struct Variable {
    const std::string *name;
    Cell *elements;
    int size;
    int id; ///< its index in the plan's variables: the events' arg
};

/// What all workers of a run share (or, for globals, get a copy of when forked). Set up before the first
/// fork, only read afterwards.
struct Memory {
    std::vector<Variable> variables;
    /// Lock slots, kLockBytes apart in the region. A run with forked workers uses process-shared robust
    /// pthread mutexes there; a run of threads only (one process) uses std::mutex, as the tutorials'
    /// threading.Lock is a plain in-process lock.
    char *locks = nullptr;
    bool processShared = false;
    Gil *gil
        = nullptr; ///< this process's interpreter lock when the plan has one (each child resets its copy)
    std::vector<SharedQueue> queues;
    std::vector<PipeEnd> pipeEnds;                     ///< two per pipe: 2p (parent's), 2p+1 (child's)
    std::atomic<std::int64_t> *runningTask = nullptr;  ///< per lane: the pool task it is running, -1 none
    std::vector<std::vector<std::uint32_t>> poolLanes; ///< per pool: the lanes of its workers
    /// Who could ever end a wait, from the plan's steps: per queue the lanes that put on it and those that
    /// get from it; per pipe end the lanes that send from it and those that receive on it. A wait whose every such peer has ended would
    /// last for ever (Python's would): it ends with an error instead.
    std::vector<std::vector<std::uint32_t>> queuePutters;
    std::vector<std::vector<std::uint32_t>> queueGetters;
    std::vector<std::vector<std::uint32_t>> pipeSenders;
    std::vector<std::vector<std::uint32_t>> pipeReceivers; ///< per pipe end: the lanes that receive on it

    pthread_mutex_t *sharedLock(int id) const noexcept
    {
        return reinterpret_cast<pthread_mutex_t *>(locks + kLockBytes * static_cast<std::size_t>(id));
    }
    std::mutex *threadLock(int id) const noexcept
    {
        return std::launder(
            reinterpret_cast<std::mutex *>(locks + kLockBytes * static_cast<std::size_t>(id)));
    }
    const Variable *find(const std::string &name) const noexcept
    {
        for (const Variable &v : variables) // no allocation: safe after fork
            if (*v.name == name)
                return &v;
        return nullptr;
    }
};

/// What main's map/submit/wait keep between steps (main runs in the runner process, so it may allocate).
struct PoolClient {
    std::vector<std::int64_t> results; ///< per item
    std::vector<std::int64_t> futures; ///< item indices submitted and not yet waited for
};
struct PoolClients {
    std::vector<PoolClient> pools;
};

struct Worker;
/// Main only: carries out start, join and snapshot (the Runner). A plain pointer pair, so a Worker stays
/// trivially copyable into forked children.
struct MainControl {
    void (*run)(void *context, StepOp op, Worker &main) = nullptr;
    void *context = nullptr;
};

struct Worker {
    const SharedRegion *region;
    const Plan *plan;
    const std::vector<Step> *steps;
    const std::vector<std::int64_t> *items;
    const char *name;
    int index; ///< 0 for main, i+1 for worker i
    int pid;
    EventWriter writer;
    long long mainStartNs;
    WorkerKind kind = WorkerKind::Main;
    const Memory *memory = nullptr;
    std::uint32_t heldLocks = 0;  ///< bit i: lock i is held by this worker
    std::uint32_t writes = 0;     ///< writes this lane made: the low bits of its next write's id
    bool holdsGil = false;        ///< this lane holds its process's GIL
    MainControl control{};        ///< main only
    PoolClients *pools = nullptr; ///< main only: what map/submit/wait remember between steps
    StepGate gate{};
};

/// prctl(2) as a plain system call. In a forked child the libc wrapper is not enough: a sanitizer intercepts
/// it (PR_SET_NAME updates its thread registry under a lock that fork() may have copied held), and the child
/// would wait for that lock forever. The system call itself is async-signal-safe.
inline void prctlSyscall(int option, unsigned long arg) noexcept
{
    syscall(SYS_prctl, option, arg, 0UL, 0UL, 0UL);
}

/// A new write id for `w`: its lane in the top 11 bits, its count of writes in the low 21 (never 0, which
/// stands for a variable's initial value). Unique within a run while a lane writes fewer than 2^21 times;
/// core/analysis/lost_updates.cpp says the analysis is incomplete beyond that.
inline std::uint32_t nextWriteId(Worker &w) noexcept
{
    std::uint32_t n = ++w.writes & kWriteCountMask;
    if (n == 0)
        n = ++w.writes & kWriteCountMask;
    return (static_cast<std::uint32_t>(w.index) << kWriteCountBits) | n;
}

/// How a lane's steps ended.
enum class Outcome { Done, Cancelled, Exit };

/// Where the interpreter goes after a step.
enum class StepEnd {
    Next, ///< on to the following step
    Jump, ///< the step moved the position itself (a loop ended early)
    Stop, ///< the lane stops: see StepState::outcome
};

/// One level of a loop (for_each over the worker's items, or repeat until a get/recv ends it).
struct LoopFrame {
    std::size_t start = 0; ///< its body's first step
    std::size_t end = 0;   ///< one past its body's last step
    std::size_t item = 0;  ///< for_each: the item being run
    bool forever = false;  ///< a repeat (ended by a get or recv), not a for_each
};

/// The interpreter's state for one lane: its position, registers and loops. Lives on the lane's stack.
struct StepState {
    std::size_t i = 0; ///< the step being run
    long long x = 0;   ///< the current item of the innermost for_each: {x}
    long long r = 0;   ///< the register values flow through: {r}
    Message msg{};     ///< the last message got or received: {msg}
    std::uint64_t rng = 0;
    LoopFrame loops[kMaxLoopDepth]{};
    int depth = 0; ///< loops open
    Outcome outcome = Outcome::Done;
    int exitCode = 0;
    char line[4096]; ///< a formatted print

    /// Leaves the innermost repeat loop (a get/recv met its end): false when not in one.
    bool endLoop() noexcept;
    StepEnd stop(Outcome why) noexcept
    {
        outcome = why;
        return StepEnd::Stop;
    }
};

// --- Shared by the step families (worker.cpp) -------------------------------------------------------------

bool cancelled(const SharedRegion &region) noexcept;
/// `seconds` of the scenario's time in ns, scaled by the plan's time scale.
std::int64_t scaled(const Plan &plan, double seconds) noexcept;
/// Sleeps until the deadline or a cancel, waking on the region's cancel futex. False if cancelled.
bool sleepUntil(const SharedRegion &region, std::int64_t deadline) noexcept;
/// Real work the compiler cannot drop until `deadline`; returns the rounds done.
std::int64_t computeUntil(const SharedRegion &region, std::int64_t deadline, bool &wasCancelled) noexcept;
/// Takes this process's GIL for the lane if the plan has one. False if the run was cancelled meanwhile.
bool gilTake(Worker &w) noexcept;
/// Gives the GIL up around a blocking call (sleep, join, lock wait) and at the lane's end.
void gilDrop(Worker &w) noexcept;
/// The eval breaker: if a waiter asked for the GIL, hand it over and queue for it again.
bool gilCheck(Worker &w) noexcept;
/// A sleep of `ns` on the lane, bracketed by its events; time.sleep() releases the GIL around it.
bool sleepStep(Worker &w, std::int64_t ns) noexcept;
/// The worker fails with Python's exception text on its lane (exit code 1).
StepEnd failWith(Worker &w, StepState &st, std::string_view text) noexcept;
QueueContext queueContext(Worker &w) noexcept;
void markEnded(LaneSlot &slot) noexcept;

// --- The step families: one function each, called by the interpreter (interpreter.cpp) -----------------

/// print, sleep, compute, work, sleep_random, crash, exit, yield, and main's start, join and snapshot.
StepEnd controlStep(Worker &w, StepState &st, const Step &s) noexcept;
/// read, write, append, set, add, mul, power: values in the register and in variables.
StepEnd valueStep(Worker &w, StepState &st, const Step &s) noexcept;
/// lock and unlock (and, later, the other synchronisation primitives).
StepEnd syncStep(Worker &w, StepState &st, const Step &s) noexcept;
/// put, get, close, send, recv: queues and pipes.
StepEnd commStep(Worker &w, StepState &st, const Step &s) noexcept;
/// serve (a pool's worker) and main's map, submit, wait and shutdown.
StepEnd poolStep(Worker &w, StepState &st, const Step &s) noexcept;

/// Whatever way a lane's steps end (done, cancelled, exit), the locks it still holds are released, so a
/// cancel never strands a waiter.
void releaseLocks(Worker &w) noexcept;

/// Runs one worker's steps on its lane, bracketed by its start and end events; returns its exit code.
int runWorkerBody(Worker &w, int tid) noexcept;
/// Runs a lane's steps, holding its GIL while it does (main runs its own through here too).
Outcome runSteps(Worker &w, int &exitCode) noexcept;

} // namespace forkscope::core
