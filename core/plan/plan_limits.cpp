// What a plan may ask for: the one validation of its limits and structure, and the names of its ops.

#include "core/plan/plan.hpp"

#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"
#include "core/shared_memory/shared_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <csignal>

namespace forkscope::core {

namespace {

/// Every op: its name in plans, the family of steps the interpreter runs it with, and whether it is
/// visible (records an event, so a scheduler that steps the workers stops before it).
struct OpInfo {
    StepOp op;
    std::string_view name;
    StepFamily family;
    bool visible;
};

constexpr std::array<OpInfo, 32> kOps{{
    {StepOp::Print, "print", StepFamily::Control, true},
    {StepOp::Sleep, "sleep", StepFamily::Control, true},
    {StepOp::Compute, "compute", StepFamily::Control, true},
    {StepOp::ForEach, "for_each", StepFamily::Loop, false},
    {StepOp::Power, "power", StepFamily::Values, false},
    {StepOp::Crash, "crash", StepFamily::Control, true},
    {StepOp::Exit, "exit", StepFamily::Control, true},
    {StepOp::Start, "start", StepFamily::Control, true},
    {StepOp::Join, "join", StepFamily::Control, true},
    {StepOp::Read, "read", StepFamily::Values, true},
    {StepOp::Write, "write", StepFamily::Values, true},
    {StepOp::Set, "set", StepFamily::Values, false},
    {StepOp::Add, "add", StepFamily::Values, false},
    {StepOp::Mul, "mul", StepFamily::Values, false},
    {StepOp::Lock, "lock", StepFamily::Sync, true},
    {StepOp::Unlock, "unlock", StepFamily::Sync, true},
    {StepOp::Append, "append", StepFamily::Values, true},
    {StepOp::Yield, "yield", StepFamily::Control, false},
    {StepOp::Snapshot, "snapshot", StepFamily::Control, true},
    {StepOp::Work, "work", StepFamily::Control, true},
    {StepOp::Repeat, "repeat", StepFamily::Loop, false},
    {StepOp::Put, "put", StepFamily::Comm, true},
    {StepOp::Get, "get", StepFamily::Comm, true},
    {StepOp::Close, "close", StepFamily::Comm, true},
    {StepOp::Send, "send", StepFamily::Comm, true},
    {StepOp::Recv, "recv", StepFamily::Comm, true},
    {StepOp::SleepRandom, "sleep_random", StepFamily::Control, true},
    {StepOp::Serve, "serve", StepFamily::Pool, true},
    {StepOp::Map, "map", StepFamily::Pool, true},
    {StepOp::Submit, "submit", StepFamily::Pool, true},
    {StepOp::Wait, "wait", StepFamily::Pool, true},
    {StepOp::Shutdown, "shutdown", StepFamily::Pool, true},
}};

const OpInfo *opInfo(StepOp op) noexcept
{
    for (const OpInfo &info : kOps)
        if (info.op == op)
            return &info;
    return nullptr;
}

/// Signals whose default action ends the process (not those that stop it, continue it or are ignored).
bool crashSignalAllowed(std::int64_t sig)
{
    switch (sig) {
    case SIGHUP:
    case SIGINT:
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGKILL:
    case SIGUSR1:
    case SIGSEGV:
    case SIGUSR2:
    case SIGPIPE:
    case SIGALRM:
    case SIGTERM:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGVTALRM:
    case SIGPROF:
    case SIGSYS: return true;
    default: return false;
    }
}

/// Queue, pipe and pool steps: ids in range, main-only ops in main, sane timeouts.
std::string validateCommStep(const Plan &plan, const Step &s, bool isMain, const std::string &at)
{
    const std::string op(stepOpName(s.op));
    switch (s.op) {
    case StepOp::Put:
    case StepOp::Get:
    case StepOp::Close:
        if (s.count < 0 || s.count >= static_cast<std::int64_t>(plan.queues.size()))
            return at + ": queue " + std::to_string(s.count) + " does not exist (the plan has "
                + std::to_string(plan.queues.size()) + " queues)";
        break;
    case StepOp::Send:
    case StepOp::Recv:
        if (s.count < 0 || s.count >= 2 * static_cast<std::int64_t>(plan.pipes))
            return at + ": pipe end " + std::to_string(s.count) + " does not exist (the plan has "
                + std::to_string(plan.pipes) + " pipes, ends 0 to " + std::to_string(2 * plan.pipes - 1)
                + ")";
        break;
    case StepOp::Serve:
    case StepOp::Map:
    case StepOp::Submit:
    case StepOp::Wait:
    case StepOp::Shutdown:
        if (s.count < 0 || s.count >= static_cast<std::int64_t>(plan.pools.size()))
            return at + ": pool " + std::to_string(s.count) + " does not exist (the plan has "
                + std::to_string(plan.pools.size()) + " pools)";
        if (s.op == StepOp::Serve && isMain)
            return at + ": 'serve' is only allowed in workers (a pool's workers)";
        if (s.op != StepOp::Serve && !isMain)
            return at + ": '" + op + "' is only allowed in main";
        break;
    default: return {};
    }
    if ((s.op == StepOp::Get || s.op == StepOp::Recv) && s.text.size() > kMessageTextBytes)
        return at + ": the sentinel '" + s.text + "' is longer than " + std::to_string(kMessageTextBytes)
            + " bytes, the longest message text";
    if (!(s.seconds >= 0 && s.seconds <= 86400))
        return at + ": timeout seconds must be between 0 (none) and 86400";
    return {};
}

/// Queues, pipes and pools declared by the plan.
std::string validateComm(const Plan &plan)
{
    if (static_cast<int>(plan.queues.size() + 2 * plan.pools.size()) > kMaxQueues)
        return "at most " + std::to_string(kMaxQueues) + " queues (each pool uses two)";
    for (std::size_t i = 0; i < plan.queues.size(); ++i)
        if (plan.queues[i].capacity < 1
            || static_cast<std::uint32_t>(plan.queues[i].capacity) > kMaxQueueCapacity)
            return "queue '" + plan.queues[i].name + "': 'capacity' must be an integer from 1 to "
                + std::to_string(kMaxQueueCapacity);
    if (plan.pipes < 0 || plan.pipes > kMaxPipes)
        return "at most " + std::to_string(kMaxPipes) + " pipes";
    for (std::size_t p = 0; p < plan.pools.size(); ++p) {
        const PoolPlan &pool = plan.pools[p];
        const std::string at = "pool " + std::to_string(p);
        if (pool.function != "square" && pool.function != "sleep")
            return at + ": function '" + pool.function + "' is unknown (allowed: square, sleep)";
        if (pool.items.size() > static_cast<std::size_t>(kMaxPoolItems))
            return at + ": at most " + std::to_string(kMaxPoolItems) + " items";
        if (pool.chunk < 1 || pool.chunk > kMaxPoolItems)
            return at + ": chunk size must be from 1 to " + std::to_string(kMaxPoolItems);
        if (!(pool.work >= 0 && pool.work <= 86400))
            return at + ": work seconds must be between 0 and 86400";
        if (pool.function == "sleep")
            for (const std::int64_t x : pool.items)
                if (x < 0 || x > 86400)
                    return at + ": a sleep task's argument is seconds, from 0 to 86400 (got "
                        + std::to_string(x) + ")";
        int servers = 0;
        for (const WorkerPlan &w : plan.workers)
            for (const Step &s : w.steps)
                if (s.op == StepOp::Serve && s.count == static_cast<std::int64_t>(p)) {
                    if (w.kind != WorkerKind::Thread && w.kind != WorkerKind::Process)
                        return at + ": worker '" + w.name
                            + "' serves the pool, so it must be a thread or a process";
                    ++servers;
                    break;
                }
        if (servers == 0)
            return at + ": no worker serves it (give some workers a 'serve' step)";
    }
    return {};
}

std::string validateSteps(const Plan &plan, const std::vector<Step> &steps, bool isMain,
                          const std::string &where)
{
    std::vector<std::size_t> openEnds; // one past the body of each loop open at step i
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step &s = steps[i];
        const std::string at = where + " step " + std::to_string(i + 1);
        if ((s.op == StepOp::Start || s.op == StepOp::Join || s.op == StepOp::Snapshot) && !isMain)
            return at + ": '" + std::string(stepOpName(s.op)) + "' is only allowed in main";
        if ((s.op == StepOp::Sleep || s.op == StepOp::Compute) && !(s.seconds >= 0 && s.seconds <= 86400))
            return at + ": seconds must be between 0 and 86400";
        if (s.op == StepOp::ForEach || s.op == StepOp::Repeat) {
            const std::string name(stepOpName(s.op));
            if (s.count < 1 || static_cast<std::size_t>(s.count) > steps.size() - i - 1)
                return at + ": " + name + " must cover 1 to " + std::to_string(steps.size() - i - 1)
                    + " following steps";
            // Loops nest: each body lies inside the body around it, at most kMaxLoopDepth deep.
            while (!openEnds.empty() && openEnds.back() <= i)
                openEnds.pop_back();
            const std::size_t end = i + 1 + static_cast<std::size_t>(s.count);
            if (!openEnds.empty() && end > openEnds.back())
                return at + ": " + name + "'s body runs past the end of the loop around it";
            openEnds.push_back(end);
            if (openEnds.size() > static_cast<std::size_t>(kMaxLoopDepth))
                return at + ": loops (for_each, repeat) nest at most " + std::to_string(kMaxLoopDepth)
                    + " deep";
        }
        if (auto e = validateCommStep(plan, s, isMain, at); !e.empty())
            return e;
        if (s.op == StepOp::Power && (s.count < 0 || s.count > 16))
            return at + ": power exponent must be between 0 and 16";
        if (s.op == StepOp::Crash && !crashSignalAllowed(s.count))
            return at + ": crash signal " + std::to_string(s.count)
                + " does not end a process by default; use one that does (e.g. 6 SIGABRT, 9 SIGKILL, "
                  "11 SIGSEGV, 15 SIGTERM)";
        if (s.op == StepOp::Exit && isMain)
            return at + ": 'exit' is only allowed in workers (main ends after its last step)";
        if (s.op == StepOp::Read || s.op == StepOp::Write || s.op == StepOp::Append) {
            const VariablePlan *var = nullptr;
            for (const VariablePlan &v : plan.variables)
                if (v.name == s.text)
                    var = &v;
            if (!var)
                return at + ": no variable named '" + s.text + "' (declare it under \"variables\")";
            // An index past the end is allowed: like Python, it fails when it runs (an IndexError that
            // ends the worker with exit code 1), which is a lesson of its own (array-overflow).
            if (s.count < 0 || s.count >= kMaxVariableSlots)
                return at + ": index " + std::to_string(s.count) + " must be from 0 to "
                    + std::to_string(kMaxVariableSlots - 1);
        }
        if ((s.op == StepOp::Lock || s.op == StepOp::Unlock) && (s.count < 0 || s.count >= plan.locks))
            return at + ": lock " + std::to_string(s.count) + " does not exist (the plan has "
                + std::to_string(plan.locks) + ")";
        if (s.op == StepOp::Work
            && (s.count < 0 || s.count > kMaxWorkUnits || !(s.seconds >= 0 && s.seconds <= 86400)))
            return at + ": work needs a count of units from 0 to " + std::to_string(kMaxWorkUnits)
                + " (and seconds from 0 to 86400)";
        if (s.op == StepOp::Exit && (s.count < 0 || s.count > 255))
            return at + ": exit code must be between 0 and 255";
    }
    return {};
}

} // namespace

std::vector<std::uint32_t> queueCapacities(const Plan &plan)
{
    std::vector<std::uint32_t> out;
    for (const QueuePlan &q : plan.queues)
        out.push_back(static_cast<std::uint32_t>(std::max(q.capacity, 1)));
    for (const PoolPlan &pool : plan.pools) {
        const std::size_t n = pool.items.size();
        const std::size_t chunk = static_cast<std::size_t>(std::max(pool.chunk, 1));
        const std::size_t chunks = (n + chunk - 1) / chunk;
        // Room for every task (map's chunks or submit's single items) and a stop per worker.
        out.push_back(static_cast<std::uint32_t>(
            std::min<std::size_t>(std::max(chunks, n) + plan.workers.size() + 1, kMaxQueueCapacity)));
        out.push_back(static_cast<std::uint32_t>(
            std::min<std::size_t>(std::max<std::size_t>(n, 1), kMaxQueueCapacity)));
    }
    return out;
}

std::string_view stepOpName(StepOp op) noexcept
{
    const OpInfo *info = opInfo(op);
    return info ? info->name : "unknown";
}

StepFamily stepFamily(StepOp op) noexcept
{
    const OpInfo *info = opInfo(op);
    return info ? info->family : StepFamily::Control;
}

bool isVisibleStep(StepOp op) noexcept
{
    const OpInfo *info = opInfo(op);
    return info && info->visible;
}

bool stepOpFromName(std::string_view name, StepOp &op) noexcept
{
    for (const OpInfo &info : kOps)
        if (info.name == name) {
            op = info.op;
            return true;
        }
    return false;
}

std::string stepOpList()
{
    std::string list;
    for (const OpInfo &info : kOps)
        list += (list.empty() ? "" : ", ") + std::string(info.name);
    return list;
}

bool workerKindFromName(std::string_view name, WorkerKind &kind) noexcept
{
    for (const WorkerKind k :
         {WorkerKind::Main, WorkerKind::Sequential, WorkerKind::Thread, WorkerKind::Process})
        if (workerKindName(k) == name) {
            kind = k;
            return true;
        }
    return false;
}

std::string validatePlan(const Plan &plan)
{
    int processes = 0;
    int threads = 0;
    for (const auto &w : plan.workers) {
        processes += w.kind == WorkerKind::Process;
        threads += w.kind == WorkerKind::Thread;
    }
    if (processes > kMaxProcesses)
        return "at most " + std::to_string(kMaxProcesses) + " processes can run at once (asked for "
            + std::to_string(processes) + ")";
    if (threads > kMaxThreads)
        return "at most " + std::to_string(kMaxThreads) + " threads can run at once (asked for "
            + std::to_string(threads) + ")";
    if (!(plan.timeScale >= 0 && plan.timeScale <= 100))
        return "time scale must be between 0 and 100";
    if (plan.ringCapacity < kMinRingCapacity || plan.ringCapacity > kMaxRingCapacity)
        return "'ring_capacity' must be an integer from " + std::to_string(kMinRingCapacity) + " to "
            + std::to_string(kMaxRingCapacity) + " events";
    std::size_t total = plan.main.size();
    for (const auto &w : plan.workers)
        total += w.steps.size();
    if (total > kMaxSteps)
        return "at most " + std::to_string(kMaxSteps) + " steps in a plan";
    for (const auto &w : plan.workers)
        if (w.items.size() > kMaxItems)
            return "worker '" + w.name + "': at most " + std::to_string(kMaxItems) + " items";
    if (!(plan.switchInterval >= kMinSwitchInterval && plan.switchInterval <= kMaxSwitchInterval))
        return "'switch_interval' must be a number of seconds from 0.00001 to 1";
    if (plan.locks < 0 || plan.locks > kMaxLocks)
        return "at most " + std::to_string(kMaxLocks) + " locks";
    int slots = 0;
    for (std::size_t i = 0; i < plan.variables.size(); ++i) {
        const VariablePlan &v = plan.variables[i];
        if (v.name.empty() || v.size < 1 || v.size > kMaxVariableSlots)
            return "variable " + std::to_string(i + 1) + " needs a name and a size from 1 to "
                + std::to_string(kMaxVariableSlots);
        for (std::size_t j = 0; j < i; ++j)
            if (plan.variables[j].name == v.name)
                return "variable '" + v.name + "' is declared twice";
        if (v.initial < INT32_MIN || v.initial > INT32_MAX)
            return "variable '" + v.name
                + "': 'initial' must be a 32-bit integer (from -2147483648 to 2147483647), "
                  "as a Value('i') holds";
        slots += v.size;
    }
    if (slots > kMaxVariableSlots)
        return "at most " + std::to_string(kMaxVariableSlots) + " variable slots in a plan";
    if (auto e = validateComm(plan); !e.empty())
        return e;
    if (sharedLayout(plan).totalBytes > kMaxSharedBytes)
        return "the plan's queues, values and locks need more than 1 GiB of shared memory";
    if (auto e = validateSteps(plan, plan.main, true, "main"); !e.empty())
        return e;
    for (std::size_t i = 0; i < plan.workers.size(); ++i) {
        const auto &w = plan.workers[i];
        if (w.kind == WorkerKind::Main)
            return "worker " + std::to_string(i + 1) + " cannot be of kind main";
        if (auto e = validateSteps(plan, w.steps, false, "worker " + std::to_string(i + 1)); !e.empty())
            return e;
    }
    return {};
}

} // namespace forkscope::core
