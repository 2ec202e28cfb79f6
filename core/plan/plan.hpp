#pragma once

#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

/// A scenario is data: a Plan says which workers exist, what steps each runs, and what main does. The
/// runner process interprets it; nothing scenario-specific is compiled into the engine.
enum class StepOp : std::uint8_t {
    Print,    ///< print `text`, a template: {name} {index} {pid} {x} {r} {time} {elapsed}
    Sleep,    ///< sleep `seconds` (scaled by the plan's time scale)
    Compute,  ///< busy real computation for `seconds` (scaled)
    ForEach,  ///< run the next `count` steps once per item of the worker's `items`, with {x} = the item
    Power,    ///< r = x ^ `count` (e.g. 2 for square, 3 for cube)
    Crash,    ///< die by signal `count` (e.g. 11, SIGSEGV), as a bug in a child would
    Exit,     ///< end the worker now with exit code `count`
    Start,    ///< main only: start every worker (for sequential workers: call them one after another)
    Join,     ///< main only: wait for every started worker, in order
    Read,     ///< r = variable `text`[`count`]: one relaxed atomic load, recorded as ValueRead
    Write,    ///< variable `text`[`count`] = r: one relaxed atomic store, recorded as ValueWrite
    Set,      ///< r = `count`
    Add,      ///< r = r + `count`
    Mul,      ///< r = r * `count`
    Lock,     ///< acquire lock `count` (LockWait, then LockAcquire once granted)
    Unlock,   ///< release lock `count` (LockRelease)
    Append,   ///< list `text` gets r at its end (element 0 holds the length, items follow)
    Yield,    ///< sched_yield(): let another runnable thread or process have this core now
    Snapshot, ///< main only: print `text`, then the run's process table read from /proc (pid, ppid, name,
              ///< state, threads), as the tutorial's psutil.process_iter() listing
    Work,     ///< a fixed amount of CPU work: `count` units (see core/gil.hpp, workUnit); r = primes found.
              ///< `seconds` is what it was sized for (shown, not used). Needs the GIL when the plan has one.
    // Queues, pipes and pools (see core/queue.hpp, core/pipe.hpp and ARCHITECTURE.md).
    Repeat, ///< run the next `count` steps again and again until a get/recv ends the loop
    Put,    ///< put r on queue `count`, with text `text` (a print template); `seconds` > 0: timeout
    Get,    ///< r = next message of queue `count` ({msg} = its text); a message whose text equals `text`
            ///< (the sentinel), a closed and empty queue or a timeout ends the enclosing loop
    Close,  ///< close queue `count`: no more puts; getters drain it, then their loops end
    Send,   ///< send r with text `text` (a print template) through pipe end `count` (pipe p: ends 2p, 2p+1)
    Recv,   ///< receive on pipe end `count`: r, {msg}; the sentinel `text`, EOF or a timeout ends the loop
    SleepRandom, ///< sleep a random time from 0 to `seconds` (scaled), like time.sleep(random.uniform(0, s))
    Serve,       ///< be a worker of pool `count`: take tasks until the pool shuts down
    Map,         ///< main only: pool `count` maps its function over its items (chunked), results in order
    Submit,      ///< main only: submit each item of pool `count` as a future
    Wait,        ///< main only: wait for every future of pool `count`, reporting each as it completes
    Shutdown,    ///< main only: pool `count` takes no more tasks; its workers end when the queue is empty
};

/// A variable of the scenario. A global lives in the runner's own memory, so threads share it and each
/// forked child works on its own copy (copy-on-write), as with a Python global. A shared one lives in the
/// run's shared memory, visible to every process, like multiprocessing.Value / Array.
struct VariablePlan {
    std::string name;
    bool shared = false;
    std::int64_t initial = 0; ///< every element starts here
    int size = 1;             ///< > 1: an array
};

struct Step {
    StepOp op = StepOp::Print;
    std::string text;
    double seconds = 0;
    std::int64_t count = 0;
};

struct WorkerPlan {
    std::string name;
    WorkerKind kind = WorkerKind::Thread;
    std::vector<std::int64_t> items;
    std::vector<Step> steps;
};

/// A queue of the scenario (multiprocessing.Queue(capacity)), living in the run's shared memory.
struct QueuePlan {
    std::string name;
    int capacity = 10;
};

/// A worker pool (multiprocessing.Pool / ProcessPoolExecutor). Its workers are the plan's workers whose
/// steps are `serve` of this pool. Tasks travel through two queues the engine adds after the plan's own
/// (ids queues.size() + 2p for tasks, + 1 for results); a task message carries the index of its first
/// item and the chunk's length, the worker reads the arguments from `items` and sends one result message
/// per item back.
struct PoolPlan {
    std::string name = "pool";
    std::string function = "square"; ///< "square": x*x after `work` seconds of computing; "sleep": sleeps x
                                     ///< seconds (scaled) and returns x
    std::vector<std::int64_t> items; ///< the inputs of map / submit
    int chunk = 1;                   ///< items per task message (Pool.map's chunksize)
    double work = 0;                 ///< "square": seconds of real computation per item (scaled)
};

struct Plan {
    std::string scenario;   ///< id of the scenario it came from
    std::string kind;       ///< "sequential", "thread" or "process": how the workers run
    double timeScale = 1.0; ///< every duration is multiplied by this
    std::vector<Step> main;
    std::vector<WorkerPlan> workers;
    std::vector<VariablePlan> variables;
    int locks = 0;                      ///< lock ids 0 .. locks-1 (process-shared, robust)
    std::uint32_t ringCapacity = 16384; ///< events per lane before the ring counts losses
    // The GIL lab (core/gil.hpp). With `gil` every process has an interpreter lock: a lane holds its
    // process's GIL while it runs steps and releases it around sleeps, joins and lock waits.
    bool gil = false;
    double switchInterval = 0.005; ///< seconds, CPython's sys.getswitchinterval(); not scaled by timeScale
    // Communication: queues, pipes (pairs of OS pipes made before any fork) and pools.
    std::vector<QueuePlan> queues;
    int pipes = 0;
    std::vector<PoolPlan> pools;
};

/// Queue ids of pool `pool`'s task and result queues.
inline int poolTaskQueue(const Plan &plan, int pool)
{
    return static_cast<int>(plan.queues.size()) + 2 * pool;
}
inline int poolResultQueue(const Plan &plan, int pool) { return poolTaskQueue(plan, pool) + 1; }
/// Capacities of every queue: the plan's, then each pool's task queue (room for every chunk and one stop per
/// worker, so main never blocks submitting) and result queue (room for every result).
std::vector<std::uint32_t> queueCapacities(const Plan &plan);

// What a plan may ask for. Checked once, by validatePlan (reading a plan checks only shapes and types).
inline constexpr int kMaxPoolItems = 100000;
inline constexpr int kMaxLocks = 16;
inline constexpr int kMaxVariableSlots = 4096;
inline constexpr int kMaxProcesses = 256;
inline constexpr int kMaxThreads = 1024;
inline constexpr int kMaxSteps = 100000;            ///< in all: main's and every worker's
inline constexpr int kMaxLoopDepth = 4;             ///< for_each and repeat nest this deep at most
inline constexpr std::size_t kMaxItems = 1'000'000; ///< per worker
inline constexpr std::int64_t kMaxWorkUnits = 1'000'000'000;
inline constexpr double kMinSwitchInterval = 0.00001;
inline constexpr double kMaxSwitchInterval = 1.0;
inline constexpr std::uint32_t kMinRingCapacity = 16;
inline constexpr std::uint32_t kMaxRingCapacity = 1u << 24;
inline constexpr std::size_t kMaxSharedBytes = std::size_t{1}
    << 30; ///< the shared area (queues, values, locks)

/// Checks limits and structure (ForEach bodies in range, Start/Join only in main, counts). Returns an
/// empty string when the plan is runnable, else what is wrong.
std::string validatePlan(const Plan &plan);

std::string planToJson(const Plan &plan);
/// Reads a plan written by planToJson (or by hand). Returns false with a message naming the bad field.
bool planFromJson(std::string_view text, Plan &plan, std::string &error);

std::string_view stepOpName(StepOp op) noexcept;

/// The families of steps, each run by one function of the interpreter (core/runner/steps_*.cpp). New
/// synchronisation primitives (semaphores, events, barriers, conditions) join Sync; new communication
/// joins Comm.
enum class StepFamily : std::uint8_t {
    Control, ///< print, sleep, compute, work, sleep_random, crash, exit, yield; main's start, join, snapshot
    Loop,    ///< for_each, repeat: the interpreter's own
    Values,  ///< read, write, append, set, add, mul, power
    Sync,    ///< lock, unlock
    Comm,    ///< put, get, close, send, recv
    Pool,    ///< serve; main's map, submit, wait, shutdown
};
StepFamily stepFamily(StepOp op) noexcept;
/// Whether the step records an event (what a scheduler that steps the workers one at a time stops before).
bool isVisibleStep(StepOp op) noexcept;
/// The op named `name` ("print", "sleep", ...); false if there is none.
bool stepOpFromName(std::string_view name, StepOp &op) noexcept;
/// Every op's name, comma-separated, for messages that say what is allowed.
std::string stepOpList();
/// The kind named `name` ("main", "sequential", "thread", "process"); false if there is none.
bool workerKindFromName(std::string_view name, WorkerKind &kind) noexcept;

} // namespace forkscope::core
