// A plan as JSON (nlohmann-json: integers stay exact): how a plan crosses from the client to the runner,
// and how a plan file is read. Reading checks only shapes and types; what a plan may ask for (its limits)
// is checked once, by validatePlan (plan_limits.cpp), which planFromJson calls last.

#include "core/plan/plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace forkscope::core {

namespace {

using Json = nlohmann::ordered_json;

/// Why reading stopped: the message names the field and what it must be.
struct PlanError {
    std::string message;
};

[[noreturn]] void fail(std::string message) { throw PlanError{std::move(message)}; }

Json stepsToJson(const std::vector<Step> &steps)
{
    Json out = Json::array();
    for (const Step &s : steps) {
        Json step = {{"op", stepOpName(s.op)}};
        if (!s.text.empty())
            step["text"] = s.text;
        if (s.seconds != 0)
            step["seconds"] = s.seconds;
        if (s.count != 0)
            step["count"] = s.count;
        out.push_back(std::move(step));
    }
    return out;
}

/// Queues, pipes and pools, only when the plan has some (older plans' JSON stays as it was).
void commToJson(Json &out, const Plan &plan)
{
    if (!plan.queues.empty()) {
        Json queues = Json::array();
        for (const QueuePlan &q : plan.queues)
            queues.push_back({{"name", q.name}, {"capacity", q.capacity}});
        out["queues"] = std::move(queues);
    }
    if (plan.pipes)
        out["pipes"] = plan.pipes;
    if (!plan.pools.empty()) {
        Json pools = Json::array();
        for (const PoolPlan &pool : plan.pools)
            pools.push_back({{"name", pool.name},
                             {"function", pool.function},
                             {"chunk", pool.chunk},
                             {"work", pool.work},
                             {"items", pool.items}});
        out["pools"] = std::move(pools);
    }
}

Json workerToJson(const WorkerPlan &w)
{
    Json out = {{"name", w.name}, {"kind", workerKindName(w.kind)}};
    // A run of consecutive integers (a loop's counter, e.g. the bank's 100,000 updates) is written as its
    // first item and count, so the plan stays small.
    const bool counting = w.items.size() > 2
        && std::adjacent_find(w.items.begin(), w.items.end(),
                              [](std::int64_t a, std::int64_t b) { return b != a + 1; })
            == w.items.end();
    if (counting) {
        out["items_from"] = w.items.front();
        out["items_count"] = w.items.size();
    } else {
        out["items"] = w.items;
    }
    out["steps"] = stepsToJson(w.steps);
    return out;
}

// --- Reading: shapes and types only -------------------------------------------------------------------

const Json *member(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

/// An integer, also when written as a number with no fraction (2.0).
bool readInt(const Json &v, std::int64_t &out)
{
    if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            return false;
        out = v.get<std::int64_t>();
        return true;
    }
    if (!v.is_number_float())
        return false;
    const double d = v.get<double>();
    if (std::floor(d) != d || std::fabs(d) > 9e15)
        return false;
    out = static_cast<std::int64_t>(d);
    return true;
}

std::int64_t intField(const Json &object, const char *key, const std::string &what, std::int64_t fallback)
{
    const Json *v = member(object, key);
    if (!v)
        return fallback;
    std::int64_t n = 0;
    if (!readInt(*v, n))
        fail(what + ": '" + key + "' must be an integer");
    return n;
}

double numberField(const Json &object, const char *key, const std::string &what, double fallback)
{
    const Json *v = member(object, key);
    if (!v)
        return fallback;
    if (!v->is_number())
        fail(what + ": '" + key + "' must be a number");
    return v->get<double>();
}

std::string textField(const Json &object, const char *key, const std::string &what, std::string fallback)
{
    const Json *v = member(object, key);
    if (!v)
        return fallback;
    if (!v->is_string())
        fail(what + ": '" + key + "' must be a string");
    return v->get<std::string>();
}

/// An int that fits: plans hold ints where the JSON has int64s; larger values are refused here, ranges are
/// checked by validatePlan.
int smallInt(std::int64_t n, const std::string &what)
{
    if (n < INT32_MIN || n > INT32_MAX)
        fail(what + " is out of range");
    return static_cast<int>(n);
}

std::vector<std::int64_t> intList(const Json &v, const std::string &what)
{
    if (!v.is_array())
        fail(what + " must be an array of integers");
    std::vector<std::int64_t> out;
    out.reserve(v.size());
    for (const Json &item : v) {
        std::int64_t n = 0;
        if (!readInt(item, n))
            fail(what + " must be an array of integers");
        out.push_back(n);
    }
    return out;
}

std::vector<Step> readSteps(const Json *v, const std::string &where)
{
    std::vector<Step> steps;
    if (!v)
        return steps;
    if (!v->is_array())
        fail(where + ": 'steps' must be an array");
    for (std::size_t i = 0; i < v->size(); ++i) {
        const Json &item = (*v)[i];
        const std::string at = where + " step " + std::to_string(i + 1);
        if (!item.is_object())
            fail(at + ": must be an object with an \"op\"");
        const Json *op = member(item, "op");
        if (!op || !op->is_string())
            fail(at + ": needs \"op\", one of " + stepOpList());
        Step step;
        if (!stepOpFromName(op->get<std::string>(), step.op))
            fail(at + ": unknown op '" + op->get<std::string>() + "' (allowed: " + stepOpList() + ")");
        step.text = textField(item, "text", at, {});
        step.seconds = numberField(item, "seconds", at, 0);
        step.count = intField(item, "count", at, 0);
        steps.push_back(std::move(step));
    }
    return steps;
}

void readVariables(const Json &doc, Plan &plan)
{
    const Json *vars = member(doc, "variables");
    if (!vars)
        return;
    if (!vars->is_array())
        fail("'variables' must be an array");
    for (const Json &v : *vars) {
        if (!v.is_object() || !member(v, "name") || !member(v, "name")->is_string())
            fail("each variable needs a \"name\"");
        VariablePlan var;
        var.name = member(v, "name")->get<std::string>();
        const std::string what = "variable '" + var.name + "'";
        if (const Json *shared = member(v, "shared"); shared && shared->is_boolean())
            var.shared = shared->get<bool>();
        var.initial = intField(v, "initial", what, 0);
        var.size = smallInt(intField(v, "size", what, 1), what + ": 'size'");
        plan.variables.push_back(std::move(var));
    }
}

void readComm(const Json &doc, Plan &plan)
{
    if (const Json *queues = member(doc, "queues")) {
        if (!queues->is_array())
            fail("'queues' must be an array of {\"name\", \"capacity\"}");
        for (const Json &q : *queues) {
            QueuePlan queue;
            queue.name = "queue " + std::to_string(plan.queues.size());
            if (q.is_object())
                if (const Json *n = member(q, "name"); n && n->is_string())
                    queue.name = n->get<std::string>();
            const Json *c = q.is_object() ? member(q, "capacity") : nullptr;
            std::int64_t capacity = 0;
            if (!c || !readInt(*c, capacity))
                fail("queue '" + queue.name + "': 'capacity' must be an integer");
            queue.capacity = smallInt(capacity, "queue '" + queue.name + "': 'capacity'");
            plan.queues.push_back(std::move(queue));
        }
    }
    plan.pipes = smallInt(intField(doc, "pipes", "the plan", 0), "'pipes'");
    if (const Json *pools = member(doc, "pools")) {
        if (!pools->is_array())
            fail("'pools' must be an array");
        for (const Json &p : *pools) {
            PoolPlan pool;
            const std::string at = "pool " + std::to_string(plan.pools.size());
            if (!p.is_object())
                fail(at + ": must be an object");
            pool.name = textField(p, "name", at, pool.name);
            pool.function = textField(p, "function", at, pool.function);
            pool.chunk = smallInt(intField(p, "chunk", at, pool.chunk), at + ": 'chunk'");
            pool.work = numberField(p, "work", at, pool.work);
            if (const Json *items = member(p, "items"))
                pool.items = intList(*items, at + ": 'items'");
            plan.pools.push_back(std::move(pool));
        }
    }
}

WorkerPlan readWorker(const Json &w, std::size_t index)
{
    const std::string where = "worker " + std::to_string(index + 1);
    if (!w.is_object())
        fail(where + ": must be an object");
    WorkerPlan worker;
    worker.name = textField(w, "name", where, where);
    if (const Json *k = member(w, "kind")) {
        if (!k->is_string() || !workerKindFromName(k->get<std::string>(), worker.kind)
            || worker.kind == WorkerKind::Main)
            fail(where + ": 'kind' must be sequential, thread or process");
    }
    if (const Json *items = member(w, "items"))
        worker.items = intList(*items, where + ": 'items'");
    const Json *from = member(w, "items_from");
    const Json *count = member(w, "items_count");
    if (from || count) {
        std::int64_t first = 0;
        std::int64_t n = 0;
        if (!from || !count || !readInt(*from, first) || !readInt(*count, n) || n < 0
            || n > static_cast<std::int64_t>(kMaxItems) || member(w, "items"))
            fail(where
                 + ": 'items_from' and 'items_count' go together, without 'items'; the count must be from 0 "
                   "to "
                 + std::to_string(kMaxItems));
        worker.items.resize(static_cast<std::size_t>(n));
        for (std::int64_t k = 0; k < n; ++k)
            worker.items[static_cast<std::size_t>(k)] = first + k;
    }
    worker.steps = readSteps(member(w, "steps"), where);
    return worker;
}

void readPlan(const Json &doc, Plan &plan)
{
    if (!doc.is_object())
        fail("a plan must be a JSON object");
    plan.scenario = textField(doc, "scenario", "the plan", {});
    plan.kind = textField(doc, "kind", "the plan", {});
    plan.timeScale = numberField(doc, "time_scale", "the plan", plan.timeScale);
    const std::int64_t ring = intField(doc, "ring_capacity", "the plan", plan.ringCapacity);
    if (ring < 0 || ring > UINT32_MAX)
        fail("'ring_capacity' is out of range");
    plan.ringCapacity = static_cast<std::uint32_t>(ring);
    plan.locks = smallInt(intField(doc, "locks", "the plan", 0), "'locks'");
    if (const Json *v = member(doc, "gil")) {
        if (!v->is_boolean())
            fail("'gil' must be true or false");
        plan.gil = v->get<bool>();
    }
    plan.switchInterval = numberField(doc, "switch_interval", "the plan", plan.switchInterval);
    readVariables(doc, plan);
    readComm(doc, plan);
    plan.main = readSteps(member(doc, "main"), "main");
    if (const Json *workers = member(doc, "workers")) {
        if (!workers->is_array())
            fail("'workers' must be an array");
        for (std::size_t i = 0; i < workers->size(); ++i)
            plan.workers.push_back(readWorker((*workers)[i], i));
    }
}

} // namespace

std::string planToJson(const Plan &plan)
{
    Json out = {{"scenario", plan.scenario},
                {"kind", plan.kind},
                {"time_scale", plan.timeScale},
                {"ring_capacity", plan.ringCapacity},
                {"locks", plan.locks}};
    if (plan.gil) {
        out["gil"] = true;
        out["switch_interval"] = plan.switchInterval;
    }
    Json variables = Json::array();
    for (const VariablePlan &v : plan.variables)
        variables.push_back(
            {{"name", v.name}, {"shared", v.shared}, {"initial", v.initial}, {"size", v.size}});
    out["variables"] = std::move(variables);
    commToJson(out, plan);
    out["main"] = stepsToJson(plan.main);
    Json workers = Json::array();
    for (const WorkerPlan &w : plan.workers)
        workers.push_back(workerToJson(w));
    out["workers"] = std::move(workers);
    return out.dump();
}

bool planFromJson(std::string_view text, Plan &plan, std::string &error)
{
    plan = Plan{};
    try {
        readPlan(Json::parse(text), plan);
    } catch (const Json::parse_error &e) {
        // nlohmann's message ends "... at line L, column C: what"; keep the byte offset it also gives.
        error = "the plan is not valid JSON (at offset " + std::to_string(e.byte) + "): " + e.what();
        return false;
    } catch (const PlanError &e) {
        error = e.message;
        return false;
    }
    error = validatePlan(plan);
    return error.empty();
}

} // namespace forkscope::core
