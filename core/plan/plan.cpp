#include "core/plan/plan.hpp"

#include "core/export/json.hpp"
#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"

#include <algorithm>
#include <array>
#include <csignal>
#include <cmath>

namespace forkscope::core {

namespace {

constexpr std::array<std::pair<StepOp, std::string_view>, 32> kOps{{
    {StepOp::Print, "print"},
    {StepOp::Sleep, "sleep"},
    {StepOp::Compute, "compute"},
    {StepOp::ForEach, "for_each"},
    {StepOp::Power, "power"},
    {StepOp::Crash, "crash"},
    {StepOp::Exit, "exit"},
    {StepOp::Start, "start"},
    {StepOp::Join, "join"},
    {StepOp::Read, "read"},
    {StepOp::Write, "write"},
    {StepOp::Set, "set"},
    {StepOp::Add, "add"},
    {StepOp::Mul, "mul"},
    {StepOp::Lock, "lock"},
    {StepOp::Unlock, "unlock"},
    {StepOp::Append, "append"},
    {StepOp::Yield, "yield"},
    {StepOp::Snapshot, "snapshot"},
    {StepOp::Work, "work"},
    {StepOp::Repeat, "repeat"},
    {StepOp::Put, "put"},
    {StepOp::Get, "get"},
    {StepOp::Close, "close"},
    {StepOp::Send, "send"},
    {StepOp::Recv, "recv"},
    {StepOp::SleepRandom, "sleep_random"},
    {StepOp::Serve, "serve"},
    {StepOp::Map, "map"},
    {StepOp::Submit, "submit"},
    {StepOp::Wait, "wait"},
    {StepOp::Shutdown, "shutdown"},
}};

constexpr std::string_view kOpList =
    "print, sleep, compute, for_each, power, crash, exit, start, join, read, write, set, add, mul, lock, unlock, "
    "append, yield, snapshot, work, repeat, put, get, close, send, recv, sleep_random, serve, map, submit, wait, shutdown";

constexpr std::array<std::pair<WorkerKind, std::string_view>, 3> kKinds{{
    {WorkerKind::Sequential, "sequential"},
    {WorkerKind::Thread, "thread"},
    {WorkerKind::Process, "process"},
}};

/// Signals whose default action ends the process (not those that stop it, continue it or are ignored).
bool crashSignalAllowed(std::int64_t sig)
{
    switch (sig) {
    case SIGHUP: case SIGINT: case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
    case SIGFPE: case SIGKILL: case SIGUSR1: case SIGSEGV: case SIGUSR2: case SIGPIPE: case SIGALRM:
    case SIGTERM: case SIGXCPU: case SIGXFSZ: case SIGVTALRM: case SIGPROF: case SIGSYS:
        return true;
    default:
        return false;
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
                   + std::to_string(plan.pipes) + " pipes, ends 0 to " + std::to_string(2 * plan.pipes - 1) + ")";
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
    default:
        return {};
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
        if (plan.queues[i].capacity < 1 || static_cast<std::uint32_t>(plan.queues[i].capacity) > kMaxQueueCapacity)
            return "queue " + std::to_string(i) + ": capacity must be from 1 to " + std::to_string(kMaxQueueCapacity);
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
                    return at + ": a sleep task's argument is seconds, from 0 to 86400 (got " + std::to_string(x) + ")";
        int servers = 0;
        for (const WorkerPlan &w : plan.workers)
            for (const Step &s : w.steps)
                if (s.op == StepOp::Serve && s.count == static_cast<std::int64_t>(p)) {
                    if (w.kind != WorkerKind::Thread && w.kind != WorkerKind::Process)
                        return at + ": worker '" + w.name + "' serves the pool, so it must be a thread or a process";
                    ++servers;
                    break;
                }
        if (servers == 0)
            return at + ": no worker serves it (give some workers a 'serve' step)";
    }
    return {};
}

std::string validateSteps(const Plan &plan, const std::vector<Step> &steps, bool isMain, const std::string &where)
{
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
            for (std::size_t j = i + 1; j <= i + static_cast<std::size_t>(s.count); ++j)
                if (steps[j].op == StepOp::ForEach || steps[j].op == StepOp::Repeat)
                    return at + ": loops (for_each, repeat) cannot be nested";
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
        if (s.op == StepOp::Work && (s.count < 0 || s.count > kMaxWorkUnits || !(s.seconds >= 0 && s.seconds <= 86400)))
            return at + ": work needs a count of units from 0 to " + std::to_string(kMaxWorkUnits)
                   + " (and seconds from 0 to 86400)";
        if (s.op == StepOp::Exit && (s.count < 0 || s.count > 255))
            return at + ": exit code must be between 0 and 255";
    }
    return {};
}

} // namespace

std::uint32_t sharedBytesFor(const Plan &plan)
{
    std::size_t slots = 0;
    for (const VariablePlan &v : plan.variables)
        if (v.shared)
            slots += static_cast<std::size_t>(v.size);
    const std::size_t valueBytes = (slots * sizeof(std::int64_t) + kLockBytes - 1) / kLockBytes * kLockBytes;
    const std::size_t before = valueBytes + kLockBytes * static_cast<std::size_t>(plan.locks);
    // Communication area: queues, then each pipe's counters, then one running-task slot per lane.
    if (plan.queues.empty() && plan.pipes == 0 && plan.pools.empty())
        return static_cast<std::uint32_t>(before);
    std::size_t comm = 0;
    for (const std::uint32_t capacity : queueCapacities(plan))
        comm += SharedQueue::bytesFor(capacity);
    comm += sizeof(PipeShared) * static_cast<std::size_t>(std::max(plan.pipes, 0));
    comm += (sizeof(std::int64_t) * (plan.workers.size() + 1) + 63) / 64 * 64;
    return static_cast<std::uint32_t>(before + comm);
}

std::uint32_t commOffset(const Plan &plan)
{
    std::size_t slots = 0;
    for (const VariablePlan &v : plan.variables)
        if (v.shared)
            slots += static_cast<std::size_t>(v.size);
    const std::size_t valueBytes = (slots * sizeof(std::int64_t) + kLockBytes - 1) / kLockBytes * kLockBytes;
    return static_cast<std::uint32_t>(valueBytes + kLockBytes * static_cast<std::size_t>(plan.locks));
}

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
        out.push_back(static_cast<std::uint32_t>(std::min<std::size_t>(std::max(chunks, n) + plan.workers.size() + 1, kMaxQueueCapacity)));
        out.push_back(static_cast<std::uint32_t>(std::min<std::size_t>(std::max<std::size_t>(n, 1), kMaxQueueCapacity)));
    }
    return out;
}

std::string_view stepOpName(StepOp op) noexcept
{
    for (const auto &[o, name] : kOps)
        if (o == op)
            return name;
    return "unknown";
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
    std::size_t total = plan.main.size();
    for (const auto &w : plan.workers)
        total += w.steps.size();
    if (total > kMaxSteps)
        return "at most " + std::to_string(kMaxSteps) + " steps in a plan";
    for (const auto &w : plan.workers)
        if (w.items.size() > kMaxItems)
            return "worker '" + w.name + "': at most " + std::to_string(kMaxItems) + " items";
    if (!(plan.switchInterval >= kMinSwitchInterval && plan.switchInterval <= kMaxSwitchInterval))
        return "switch interval must be between 0.00001 and 1 seconds";
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
        slots += v.size;
    }
    if (slots > kMaxVariableSlots)
        return "at most " + std::to_string(kMaxVariableSlots) + " variable slots in a plan";
    if (auto e = validateComm(plan); !e.empty())
        return e;
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

namespace {

void appendSteps(std::string &out, const std::vector<Step> &steps)
{
    out += '[';
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step &s = steps[i];
        if (i)
            out += ',';
        out += "{\"op\":";
        appendJsonString(out, stepOpName(s.op));
        if (!s.text.empty()) {
            out += ",\"text\":";
            appendJsonString(out, s.text);
        }
        if (s.seconds != 0) {
            out += ",\"seconds\":";
            appendJsonNumber(out, s.seconds);
        }
        if (s.count != 0) {
            out += ",\"count\":";
            appendJsonNumber(out, static_cast<double>(s.count));
        }
        out += '}';
    }
    out += ']';
}

/// Queues, pipes and pools, only when the plan has some (older plans' JSON stays as it was).
void appendComm(std::string &out, const Plan &plan)
{
    if (!plan.queues.empty()) {
        out += ",\"queues\":[";
        for (std::size_t i = 0; i < plan.queues.size(); ++i) {
            out += i ? ",{\"name\":" : "{\"name\":";
            appendJsonString(out, plan.queues[i].name);
            out += ",\"capacity\":" + std::to_string(plan.queues[i].capacity) + "}";
        }
        out += "]";
    }
    if (plan.pipes)
        out += ",\"pipes\":" + std::to_string(plan.pipes);
    if (!plan.pools.empty()) {
        out += ",\"pools\":[";
        for (std::size_t i = 0; i < plan.pools.size(); ++i) {
            const PoolPlan &pool = plan.pools[i];
            out += i ? ",{\"name\":" : "{\"name\":";
            appendJsonString(out, pool.name);
            out += ",\"function\":";
            appendJsonString(out, pool.function);
            out += ",\"chunk\":" + std::to_string(pool.chunk) + ",\"work\":";
            appendJsonNumber(out, pool.work);
            out += ",\"items\":[";
            for (std::size_t j = 0; j < pool.items.size(); ++j) {
                if (j)
                    out += ',';
                out += std::to_string(pool.items[j]);
            }
            out += "]}";
        }
        out += "]";
    }
}

bool readInt(const JsonValue &v, std::int64_t &out)
{
    if (!v.isNumber() || std::floor(v.asNumber()) != v.asNumber() || std::fabs(v.asNumber()) > 9e15)
        return false;
    out = static_cast<std::int64_t>(v.asNumber());
    return true;
}

bool readSteps(const JsonValue *v, std::vector<Step> &steps, const std::string &where, std::string &error)
{
    if (!v)
        return true;
    if (!v->isArray()) {
        error = where + ": 'steps' must be an array";
        return false;
    }
    for (std::size_t i = 0; i < v->asArray().size(); ++i) {
        const JsonValue &item = v->asArray()[i];
        const std::string at = where + " step " + std::to_string(i + 1);
        const JsonValue *op = item.find("op");
        if (!op || !op->isString()) {
            error = at + ": needs \"op\", one of " + std::string(kOpList);
            return false;
        }
        Step step;
        bool known = false;
        for (const auto &[o, name] : kOps)
            if (name == op->asString()) {
                step.op = o;
                known = true;
            }
        if (!known) {
            error = at + ": unknown op '" + op->asString() + "' (allowed: " + std::string(kOpList) + ")";
            return false;
        }
        if (const JsonValue *t = item.find("text")) {
            if (!t->isString()) {
                error = at + ": 'text' must be a string";
                return false;
            }
            step.text = t->asString();
        }
        if (const JsonValue *s = item.find("seconds")) {
            if (!s->isNumber()) {
                error = at + ": 'seconds' must be a number";
                return false;
            }
            step.seconds = s->asNumber();
        }
        if (const JsonValue *c = item.find("count")) {
            if (!readInt(*c, step.count)) {
                error = at + ": 'count' must be an integer";
                return false;
            }
        }
        steps.push_back(std::move(step));
    }
    return true;
}

bool readComm(const JsonValue &doc, Plan &plan, std::string &error)
{
    if (const JsonValue *queues = doc.find("queues")) {
        if (!queues->isArray()) {
            error = "'queues' must be an array of {\"name\", \"capacity\"}";
            return false;
        }
        for (const JsonValue &q : queues->asArray()) {
            QueuePlan queue;
            queue.name = "queue " + std::to_string(plan.queues.size());
            if (const JsonValue *n = q.find("name"); n && n->isString())
                queue.name = n->asString();
            std::int64_t capacity = 0;
            const JsonValue *c = q.find("capacity");
            if (!c || !readInt(*c, capacity) || capacity < 1 || capacity > kMaxQueueCapacity) {
                error = "queue '" + queue.name + "': 'capacity' must be an integer from 1 to "
                        + std::to_string(kMaxQueueCapacity);
                return false;
            }
            queue.capacity = static_cast<int>(capacity);
            plan.queues.push_back(std::move(queue));
        }
    }
    if (const JsonValue *v = doc.find("pipes")) {
        std::int64_t pipes = 0;
        if (!readInt(*v, pipes) || pipes < 0 || pipes > kMaxPipes) {
            error = "'pipes' must be an integer from 0 to " + std::to_string(kMaxPipes);
            return false;
        }
        plan.pipes = static_cast<int>(pipes);
    }
    if (const JsonValue *pools = doc.find("pools")) {
        if (!pools->isArray()) {
            error = "'pools' must be an array";
            return false;
        }
        for (const JsonValue &p : pools->asArray()) {
            PoolPlan pool;
            const std::string at = "pool " + std::to_string(plan.pools.size());
            if (const JsonValue *n = p.find("name"); n && n->isString())
                pool.name = n->asString();
            if (const JsonValue *f = p.find("function"); f && f->isString())
                pool.function = f->asString();
            if (const JsonValue *c = p.find("chunk")) {
                std::int64_t chunk = 0;
                if (!readInt(*c, chunk) || chunk < 1 || chunk > kMaxPoolItems) {
                    error = at + ": 'chunk' must be an integer from 1 to " + std::to_string(kMaxPoolItems);
                    return false;
                }
                pool.chunk = static_cast<int>(chunk);
            }
            if (const JsonValue *w = p.find("work")) {
                if (!w->isNumber()) {
                    error = at + ": 'work' must be a number of seconds";
                    return false;
                }
                pool.work = w->asNumber();
            }
            if (const JsonValue *items = p.find("items")) {
                if (!items->isArray() || items->asArray().size() > static_cast<std::size_t>(kMaxPoolItems)) {
                    error = at + ": 'items' must be an array of at most " + std::to_string(kMaxPoolItems) + " integers";
                    return false;
                }
                for (const JsonValue &item : items->asArray()) {
                    std::int64_t n = 0;
                    if (!readInt(item, n)) {
                        error = at + ": 'items' must be an array of integers";
                        return false;
                    }
                    pool.items.push_back(n);
                }
            }
            plan.pools.push_back(std::move(pool));
        }
    }
    return true;
}

} // namespace

std::string planToJson(const Plan &plan)
{
    std::string out = "{\"scenario\":";
    appendJsonString(out, plan.scenario);
    out += ",\"kind\":";
    appendJsonString(out, plan.kind);
    out += ",\"time_scale\":";
    appendJsonNumber(out, plan.timeScale);
    out += ",\"ring_capacity\":";
    appendJsonNumber(out, plan.ringCapacity);
    out += ",\"locks\":" + std::to_string(plan.locks);
    if (plan.gil) {
        out += ",\"gil\":true,\"switch_interval\":";
        appendJsonNumber(out, plan.switchInterval);
    }
    out += ",\"variables\":[";
    for (std::size_t i = 0; i < plan.variables.size(); ++i) {
        const VariablePlan &v = plan.variables[i];
        out += i ? ",{\"name\":" : "{\"name\":";
        appendJsonString(out, v.name);
        out += ",\"shared\":";
        out += v.shared ? "true" : "false";
        out += ",\"initial\":" + std::to_string(v.initial) + ",\"size\":" + std::to_string(v.size) + "}";
    }
    out += "]";
    appendComm(out, plan);
    out += ",\"main\":";
    appendSteps(out, plan.main);
    out += ",\"workers\":[";
    for (std::size_t i = 0; i < plan.workers.size(); ++i) {
        const WorkerPlan &w = plan.workers[i];
        if (i)
            out += ',';
        out += "{\"name\":";
        appendJsonString(out, w.name);
        out += ",\"kind\":";
        appendJsonString(out, workerKindName(w.kind));
        // A run of consecutive integers (a loop's counter, e.g. the bank's 100,000 updates) is written as
        // its first item and count, so the plan stays small.
        const bool counting = w.items.size() > 2
                              && std::adjacent_find(w.items.begin(), w.items.end(), [](std::int64_t a, std::int64_t b) {
                                     return b != a + 1;
                                 }) == w.items.end();
        if (counting) {
            out += ",\"items_from\":";
            out += std::to_string(w.items.front());
            out += ",\"items_count\":";
            out += std::to_string(w.items.size());
        } else {
            out += ",\"items\":[";
            for (std::size_t j = 0; j < w.items.size(); ++j) {
                if (j)
                    out += ',';
                appendJsonNumber(out, static_cast<double>(w.items[j]));
            }
            out += ']';
        }
        out += ",\"steps\":";
        appendSteps(out, w.steps);
        out += '}';
    }
    out += "]}";
    return out;
}

bool planFromJson(std::string_view text, Plan &plan, std::string &error)
{
    JsonValue doc;
    if (!parseJson(text, doc, error))
        return false;
    if (!doc.isObject()) {
        error = "a plan must be a JSON object";
        return false;
    }
    plan = Plan{};
    if (const JsonValue *v = doc.find("scenario"); v && v->isString())
        plan.scenario = v->asString();
    if (const JsonValue *v = doc.find("kind"); v && v->isString())
        plan.kind = v->asString();
    if (const JsonValue *v = doc.find("time_scale")) {
        if (!v->isNumber()) {
            error = "'time_scale' must be a number";
            return false;
        }
        plan.timeScale = v->asNumber();
    }
    if (const JsonValue *v = doc.find("ring_capacity")) {
        std::int64_t cap = 0;
        if (!readInt(*v, cap) || cap < 16 || cap > (1 << 24)) {
            error = "'ring_capacity' must be an integer from 16 to 16777216";
            return false;
        }
        plan.ringCapacity = static_cast<std::uint32_t>(cap);
    }
    if (const JsonValue *v = doc.find("locks")) {
        std::int64_t locks = 0;
        if (!readInt(*v, locks) || locks < 0 || locks > kMaxLocks) {
            error = "'locks' must be an integer from 0 to " + std::to_string(kMaxLocks);
            return false;
        }
        plan.locks = static_cast<int>(locks);
    }
    if (const JsonValue *v = doc.find("gil")) {
        if (!v->isBool()) {
            error = "'gil' must be true or false";
            return false;
        }
        plan.gil = v->asBool();
    }
    if (const JsonValue *v = doc.find("switch_interval")) {
        if (!v->isNumber() || !(v->asNumber() >= kMinSwitchInterval && v->asNumber() <= kMaxSwitchInterval)) {
            error = "'switch_interval' must be a number of seconds from 0.00001 to 1";
            return false;
        }
        plan.switchInterval = v->asNumber();
    }
    if (const JsonValue *vars = doc.find("variables")) {
        if (!vars->isArray()) {
            error = "'variables' must be an array";
            return false;
        }
        for (const JsonValue &v : vars->asArray()) {
            VariablePlan var;
            const JsonValue *name = v.find("name");
            const JsonValue *shared = v.find("shared");
            const JsonValue *initial = v.find("initial");
            const JsonValue *size = v.find("size");
            std::int64_t n = 0;
            if (!name || !name->isString()) {
                error = "each variable needs a \"name\"";
                return false;
            }
            var.name = name->asString();
            if (shared && shared->isBool())
                var.shared = shared->asBool();
            if (initial && !readInt(*initial, var.initial)) {
                error = "variable '" + var.name + "': 'initial' must be an integer";
                return false;
            }
            if (size) {
                if (!readInt(*size, n) || n < 1 || n > kMaxVariableSlots) {
                    error = "variable '" + var.name + "': 'size' must be an integer from 1 to "
                            + std::to_string(kMaxVariableSlots);
                    return false;
                }
                var.size = static_cast<int>(n);
            }
            plan.variables.push_back(std::move(var));
        }
    }
    if (!readComm(doc, plan, error))
        return false;
    if (!readSteps(doc.find("main"), plan.main, "main", error))
        return false;
    const JsonValue *workers = doc.find("workers");
    if (workers && !workers->isArray()) {
        error = "'workers' must be an array";
        return false;
    }
    if (workers) {
        for (std::size_t i = 0; i < workers->asArray().size(); ++i) {
            const JsonValue &w = workers->asArray()[i];
            const std::string where = "worker " + std::to_string(i + 1);
            WorkerPlan worker;
            if (const JsonValue *n = w.find("name"); n && n->isString())
                worker.name = n->asString();
            else
                worker.name = where;
            if (const JsonValue *k = w.find("kind")) {
                bool known = false;
                for (const auto &[kind, name] : kKinds)
                    if (k->isString() && name == k->asString()) {
                        worker.kind = kind;
                        known = true;
                    }
                if (!known) {
                    error = where + ": 'kind' must be sequential, thread or process";
                    return false;
                }
            }
            if (const JsonValue *items = w.find("items")) {
                if (!items->isArray()) {
                    error = where + ": 'items' must be an array of integers";
                    return false;
                }
                for (const JsonValue &item : items->asArray()) {
                    std::int64_t n = 0;
                    if (!readInt(item, n)) {
                        error = where + ": 'items' must be an array of integers";
                        return false;
                    }
                    worker.items.push_back(n);
                }
            }
            const JsonValue *from = w.find("items_from");
            const JsonValue *count = w.find("items_count");
            if (from || count) {
                std::int64_t first = 0;
                std::int64_t n = 0;
                if (!from || !count || !readInt(*from, first) || !readInt(*count, n) || n < 0
                    || n > static_cast<std::int64_t>(kMaxItems) || w.find("items")) {
                    error = where + ": 'items_from' and 'items_count' go together, without 'items'; the count "
                            "must be from 0 to " + std::to_string(kMaxItems);
                    return false;
                }
                worker.items.resize(static_cast<std::size_t>(n));
                for (std::int64_t k = 0; k < n; ++k)
                    worker.items[static_cast<std::size_t>(k)] = first + k;
            }
            if (!readSteps(w.find("steps"), worker.steps, where, error))
                return false;
            plan.workers.push_back(std::move(worker));
        }
    }
    error = validatePlan(plan);
    return error.empty();
}

} // namespace forkscope::core
