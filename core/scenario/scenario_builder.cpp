// Building a plan from a scenario file for given parameters: parameters and `values` into a scope, then
// declarations, workers (with their copies), and steps (copies written out, loops flattened into the
// interpreter's for_each/repeat form), each problem reported at its place. Ring sizes are the engine's
// (core/plan/plan_events.hpp).

#include "core/plan/plan_events.hpp"
#include "core/scenario/scenario_parts.hpp"
#include "core/shared_memory/gil.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <thread>

#include <sched.h>

namespace forkscope::core::scenario_parts {

namespace {

// --- What may be written where -----------------------------------------------------------------------

/// The ops a step may name, and the keys each takes besides its own and "if".
struct StepKind {
    const char *name;
    std::vector<std::string> extra;
};
const std::vector<StepKind> kStepKinds = {{"print", {}},
                                          {"sleep", {}},
                                          {"sleep_random", {}},
                                          {"compute", {}},
                                          {"work", {}},
                                          {"yield", {}},
                                          {"crash", {}},
                                          {"exit", {}},
                                          {"start", {}},
                                          {"join", {}},
                                          {"snapshot", {}},
                                          {"set", {}},
                                          {"add", {}},
                                          {"mul", {}},
                                          {"power", {}},
                                          {"read", {"index"}},
                                          {"write", {"index"}},
                                          {"append", {}},
                                          {"lock", {}},
                                          {"unlock", {}},
                                          {"put", {"text", "timeout"}},
                                          {"get", {"sentinel", "timeout"}},
                                          {"close", {}},
                                          {"send", {"text"}},
                                          {"recv", {"sentinel", "timeout"}},
                                          {"serve", {}},
                                          {"map", {}},
                                          {"submit", {}},
                                          {"wait", {}},
                                          {"shutdown", {}},
                                          {"for_each", {}},
                                          {"repeat", {}},
                                          {"copies", {"steps"}}};

const StepKind *stepKind(const std::string &name)
{
    for (const StepKind &k : kStepKinds)
        if (name == k.name)
            return &k;
    return nullptr;
}

} // namespace

std::string join(const std::vector<std::string> &names)
{
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> stepKeys()
{
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const StepKind &k : kStepKinds) {
        std::vector<std::string> keys = {k.name, "if"};
        keys.insert(keys.end(), k.extra.begin(), k.extra.end());
        out.emplace_back(k.name, std::move(keys));
    }
    return out;
}

std::string stepNames()
{
    std::vector<std::string> names;
    for (const StepKind &k : kStepKinds)
        names.emplace_back(k.name);
    return join(names);
}

std::string typeName(const Json &v)
{
    if (v.is_string())
        return "a text";
    if (v.is_boolean())
        return "true/false";
    if (v.is_number())
        return "a number";
    if (v.is_array())
        return "a list";
    if (v.is_object())
        return "an object";
    return "null";
}

bool validName(const std::string &name)
{
    if (name.empty() || !std::islower(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c))
            || c == '-' || c == '_';
    });
}

int usableCoreCount()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string numberText(double v) { return ExprValue::of(v).str(); }

/// A parsed file shared by the scenario's build and expected functions.
void checkKeys(const Json &obj, const std::string &ptr, const std::vector<std::string> &allowed,
               Problems &problems, const char *what)
{
    for (const auto &[key, value] : obj.items()) {
        if (!key.empty() && key[0] == '_')
            continue; // a comment
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            problems.atKey(ptr, key,
                           "unknown key '" + key + "' in " + what + " (allowed: " + join(allowed) + ")");
    }
}

// --- The shape of steps, checked whole ------------------------------------------------------------------

void checkStepShapes(const Json &steps, const std::string &ptr, Problems &problems, int loopDepth)
{
    if (!steps.is_array()) {
        problems.at(ptr, "steps must be a list, not " + typeName(steps));
        return;
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Json &s = steps[i];
        const std::string p = ptr + "/" + std::to_string(i);
        if (s.is_string()) {
            if (!stepKind(s.get<std::string>()))
                problems.at(p,
                            "unknown step '" + s.get<std::string>() + "' (steps are: " + stepNames() + ")");
            continue;
        }
        if (!s.is_object()) {
            problems.at(p,
                        "a step is an object such as {\"sleep\": 1} or a name such as \"start\", not "
                            + typeName(s));
            continue;
        }
        const StepKind *kind = nullptr;
        std::string opName;
        for (const auto &[key, value] : s.items()) {
            if (key == "if" || (!key.empty() && key[0] == '_'))
                continue;
            if (const StepKind *k = stepKind(key)) {
                if (kind) {
                    problems.atKey(p, key,
                                   "a step does one thing: '" + opName + "' and '" + key
                                       + "' in one step (write two steps)");
                    continue;
                }
                kind = k;
                opName = key;
            }
        }
        if (!kind) {
            problems.at(p, "a step needs one of: " + stepNames());
            continue;
        }
        std::vector<std::string> allowed = kind->extra;
        allowed.push_back(opName);
        allowed.push_back("if");
        checkKeys(s, p, allowed, problems, ("a '" + opName + "' step").c_str());
        if (opName == "for_each" || opName == "repeat") {
            if (loopDepth + 1 > kMaxLoopDepth)
                problems.atKey(p, opName, "loops nest at most " + std::to_string(kMaxLoopDepth) + " deep");
            else
                checkStepShapes(s[opName], p + "/" + opName, problems, loopDepth + 1);
        } else if (opName == "copies") {
            if (!s.contains("steps"))
                problems.at(p, "a 'copies' step needs 'steps': the steps to write that many times");
            else
                checkStepShapes(s["steps"], p + "/steps", problems, loopDepth);
        }
    }
}

// --- Building a plan --------------------------------------------------------------------------------

namespace {

/// Steps looked at while writing out one plan: kept, left out by their `if`, and each round of a `copies`.
/// Ten times what a plan may keep (kMaxSteps); without it, `copies` of `copies` of steps an `if` leaves
/// out (or of none) write nothing, so no step budget runs out, and loop 10^10 times.
constexpr std::int64_t kMaxVisitedSteps = 10 * static_cast<std::int64_t>(kMaxSteps);
/// An expression evaluated counts as one step looked at per this many of its characters (parsing and
/// evaluating 32 characters costs about what looking at one step does).
constexpr std::size_t kCharsPerStep = 32;
/// Items written out that cost about what looking at one step does.
constexpr std::int64_t kItemsPerStep = 32;

class Builder {
public:
    Builder(const FileSource &src, Problems &problems, const ParamSet &params)
            : m_src(src), m_doc(src.json.document()), m_problems(problems), m_params(params)
    {
    }

    bool build(Plan &plan);
    /// The plan outgrew kMaxVisitedSteps or kMaxSteps: writing it out stopped there.
    bool outgrew() const noexcept { return m_tooMany; }
    /// The work done so far, in steps looked at: those, the expressions' charge, and one per
    /// kItemsPerStep items written out (checkBuilds' budget; a build's own limit counts steps alone).
    std::int64_t visited() const noexcept { return m_visited + m_items / kItemsPerStep; }
    ExprScope scope() const { return m_scope; }
    bool makeScope();

private:
    // Values of the file, each evaluated in the current scope.
    bool value(const Json &v, const std::string &ptr, ExprValue &out)
    {
        std::string error;
        if (v.is_string()) {
            // Only what holds ${…} is evaluated: a plain text (a print's message) costs nothing to take.
            if (const std::string &t = v.get_ref<const std::string &>(); t.find("${") != std::string::npos)
                charge(t.size());
            if (!interpolate(v.get<std::string>(), m_scope, out, error)) {
                m_problems.at(ptr, error);
                return false;
            }
            return true;
        }
        if (v.is_number()) {
            out = ExprValue::of(v.get<double>());
            return true;
        }
        if (v.is_boolean()) {
            out = ExprValue::ofBool(v.get<bool>());
            return true;
        }
        m_problems.at(ptr, "expected a value, not " + typeName(v));
        return false;
    }
    bool number(const Json &v, const std::string &ptr, double &out, const char *what)
    {
        ExprValue x;
        if (!value(v, ptr, x))
            return false;
        if (x.kind != ExprValue::Kind::Number) {
            m_problems.at(ptr, std::string(what) + " must be a number, not '" + x.str() + "'");
            return false;
        }
        out = x.number;
        return true;
    }
    bool integer(const Json &v, const std::string &ptr, std::int64_t &out, const char *what)
    {
        ExprValue x;
        if (!value(v, ptr, x))
            return false;
        if (!x.isInteger()) {
            m_problems.at(ptr, std::string(what) + " must be an integer, not '" + x.str() + "'");
            return false;
        }
        out = static_cast<std::int64_t>(x.number);
        return true;
    }
    bool text(const Json &v, const std::string &ptr, std::string &out)
    {
        ExprValue x;
        if (!value(v, ptr, x))
            return false;
        out = x.str();
        return true;
    }
    bool condition(const Json &obj, const std::string &ptr, bool &out)
    {
        out = true;
        if (!obj.is_object() || !obj.contains("if"))
            return true;
        const Json &c = obj["if"];
        ExprValue x;
        std::string error;
        if (c.is_boolean()) {
            out = c.get<bool>();
            return true;
        }
        if (!c.is_string()) {
            m_problems.atKey(ptr, "if", "'if' is a condition such as \"join == 'on'\", not " + typeName(c));
            return false;
        }
        const std::string expr = c.get<std::string>();
        charge(expr.size());
        const bool ok = expr.rfind("${", 0) == 0 ? interpolate(expr, m_scope, x, error)
                                                 : evaluate(expr, m_scope, x, error);
        if (!ok) {
            m_problems.at(ptr + "/if", error);
            return false;
        }
        out = x.truth();
        return true;
    }
    /// The id of a named thing, or a problem naming those that exist.
    bool lookup(const std::map<std::string, int> &names, const Json &v, const std::string &ptr,
                const char *what, int &out)
    {
        std::string name;
        if (!text(v, ptr, name))
            return false;
        const auto it = names.find(name);
        if (it != names.end()) {
            out = it->second;
            return true;
        }
        std::string known;
        for (const auto &[n, id] : names)
            known += (known.empty() ? "" : ", ") + n;
        m_problems.at(ptr,
                      "unknown " + std::string(what) + " '" + name + "' ("
                          + (known.empty() ? "this file declares none" : "this file has: " + known) + ")");
        return false;
    }

    /// An expression of `chars` characters is evaluated: it counts as steps looked at, one per
    /// kCharsPerStep, so a long `if` in `copies` of `copies` cannot make the budget of steps a budget of
    /// hours. The next visit() reports the budget spent.
    void charge(std::size_t chars) noexcept { m_visited += static_cast<std::int64_t>(chars / kCharsPerStep); }
    /// Counts one step (or round of copies) looked at; false, with one problem, past kMaxVisitedSteps.
    bool visit(const std::string &ptr)
    {
        if (m_tooMany)
            return false;
        if (++m_visited <= kMaxVisitedSteps)
            return true;
        m_tooMany = true;
        m_problems.at(ptr,
                      "more than " + std::to_string(kMaxVisitedSteps)
                          + " steps to write out with 'copies' (counting those an 'if' leaves out); a plan "
                            "keeps at most "
                          + std::to_string(kMaxSteps));
        return false;
    }

    void declarations(Plan &plan);
    void workers(Plan &plan);
    bool items(const Json &v, const std::string &ptr, std::vector<std::int64_t> &out);
    void steps(const Json &list, const std::string &ptr, std::vector<Step> &out, int &budget);
    void step(const Json &s, const std::string &ptr, std::vector<Step> &out, int &budget);

    const FileSource &m_src;
    const Json &m_doc;
    Problems &m_problems;
    const ParamSet &m_params;
    ExprScope m_scope;
    double m_timeScale = 1;
    std::map<std::string, int> m_locks, m_queues, m_pipeEnds, m_pools, m_variables;
    std::int64_t m_visited = 0; ///< steps looked at, see kMaxVisitedSteps
    std::int64_t m_items = 0;   ///< items of every worker and pool so far
    std::int64_t m_written = 0; ///< steps of the plan so far
    bool m_tooMany = false;     ///< kMaxVisitedSteps or kMaxSteps was reached: nothing more is written
};

bool Builder::makeScope()
{
    m_scope.clear();
    m_scope["cores"] = ExprValue::of(usableCoreCount());
    for (const ParamSpec &spec : m_src.params) {
        const std::string v = m_params.text(spec.name);
        m_scope[spec.name] = spec.type == ParamSpec::Type::Choice ? ExprValue::of(v) : ExprValue::parse(v);
    }
    if (m_doc.contains("values")) {
        const Json &values = m_doc["values"];
        if (!values.is_object()) {
            m_problems.at("/values", "'values' is an object of name: expression, not " + typeName(values));
            return false;
        }
        for (const auto &[name, expr] : values.items()) {
            if (!name.empty() && name[0] == '_')
                continue; // a comment, as everywhere in the file
            const std::string ptr = "/values/" + pointerToken(name);
            if (m_scope.count(name)) {
                m_problems.atKey("/values", name,
                                 "'" + name + "' is a parameter's name already; choose another");
                continue;
            }
            ExprValue x;
            std::string error;
            const bool ok = expr.is_string() ? (expr.get<std::string>().rfind("${", 0) == 0
                                                    ? interpolate(expr.get<std::string>(), m_scope, x, error)
                                                    : evaluate(expr.get<std::string>(), m_scope, x, error))
                                             : value(expr, ptr, x);
            if (!ok) {
                if (!error.empty())
                    m_problems.at(ptr, error);
                continue;
            }
            m_scope[name] = x;
        }
    }
    return true;
}

bool Builder::build(Plan &plan)
{
    const std::size_t before = m_problems.reported();
    if (!makeScope())
        return false;
    plan = Plan();
    // Only a text: value("id", …) throws on any other type (parseScenario reports that id's problem).
    plan.scenario = m_doc.contains("id") && m_doc["id"].is_string() ? m_doc["id"].get<std::string>() : "";
    plan.kind = "process";
    if (m_doc.contains("kind"))
        text(m_doc["kind"], "/kind", plan.kind);
    WorkerKind kind = WorkerKind::Process;
    if (!workerKindFromName(plan.kind, kind) || kind == WorkerKind::Main)
        m_problems.at("/kind", "kind '" + plan.kind + "' is not one of: sequential, thread, process");
    plan.timeScale = m_params.number("time-scale");
    if (m_doc.contains("time_scale"))
        number(m_doc["time_scale"], "/time_scale", plan.timeScale, "'time_scale'");
    m_timeScale = plan.timeScale;
    if (m_doc.contains("gil")) {
        ExprValue x;
        if (value(m_doc["gil"], "/gil", x))
            plan.gil = x.truth();
    }
    if (m_doc.contains("switch_interval"))
        number(m_doc["switch_interval"], "/switch_interval", plan.switchInterval, "'switch_interval'");
    declarations(plan);
    workers(plan);
    if (m_doc.contains("main")) {
        int budget = kMaxExpandedSteps;
        steps(m_doc["main"], "/main", plan.main, budget);
    }
    if (m_problems.reported() != before)
        return false;
    plan.ringCapacity = ringCapacityFor(plan);
    if (const std::string error = validatePlan(plan); !error.empty()) {
        m_problems.at("", error);
        return false;
    }
    const std::uint64_t events = estimateEvents(plan);
    if (events > kMaxEstimatedEvents) {
        m_problems.at("",
                      "this run would record about " + std::to_string(events) + " events; at most "
                          + std::to_string(kMaxEstimatedEvents) + " fit (fewer items, messages or workers)");
        return false;
    }
    return true;
}

void Builder::declarations(Plan &plan)
{
    const auto names = [&](const char *key, const auto &each) {
        if (!m_doc.contains(key))
            return;
        const Json &list = m_doc[key];
        const std::string ptr = std::string("/") + key;
        if (!list.is_array()) {
            m_problems.at(ptr, "'" + std::string(key) + "' must be a list, not " + typeName(list));
            return;
        }
        for (std::size_t i = 0; i < list.size(); ++i)
            each(list[i], ptr + "/" + std::to_string(i));
    };
    const auto declare
        = [&](std::map<std::string, int> &into, const std::string &name, const std::string &ptr, int id) {
              if (name.empty()) {
                  m_problems.at(ptr, "a name must not be empty");
                  return;
              }
              if (!into.emplace(name, id).second)
                  m_problems.at(ptr, "'" + name + "' is declared twice");
          };
    names("variables", [&](const Json &v, const std::string &ptr) {
        if (!v.is_object()) {
            m_problems.at(
                ptr, "a variable is an object {\"name\": …, \"shared\": …, \"initial\": …, \"size\": …}");
            return;
        }
        checkKeys(v, ptr, kVariableKeys, m_problems, "a variable");
        VariablePlan var;
        if (!v.contains("name") || !text(v["name"], ptr + "/name", var.name)) {
            if (!v.contains("name"))
                m_problems.at(ptr, "a variable needs a 'name'");
            return;
        }
        ExprValue shared = ExprValue::ofBool(false);
        if (v.contains("shared"))
            value(v["shared"], ptr + "/shared", shared);
        var.shared = shared.truth();
        std::int64_t n = 0;
        if (v.contains("initial") && integer(v["initial"], ptr + "/initial", n, "'initial'"))
            var.initial = n;
        if (v.contains("size") && integer(v["size"], ptr + "/size", n, "'size'")) {
            if (n < 1 || n > kMaxVariableSlots)
                m_problems.at(ptr + "/size", "'size' must be from 1 to " + std::to_string(kMaxVariableSlots));
            else
                var.size = static_cast<int>(n);
        }
        declare(m_variables, var.name, ptr, static_cast<int>(plan.variables.size()));
        plan.variables.push_back(std::move(var));
    });
    names("locks", [&](const Json &v, const std::string &ptr) {
        std::string name;
        if (text(v, ptr, name))
            declare(m_locks, name, ptr, plan.locks++);
    });
    names("queues", [&](const Json &v, const std::string &ptr) {
        if (!v.is_object()) {
            m_problems.at(ptr, "a queue is an object {\"name\": …, \"capacity\": …}");
            return;
        }
        checkKeys(v, ptr, kQueueKeys, m_problems, "a queue");
        QueuePlan q;
        if (!v.contains("name")) {
            m_problems.at(ptr, "a queue needs a 'name'");
            return;
        }
        text(v["name"], ptr + "/name", q.name);
        std::int64_t capacity = q.capacity;
        if (v.contains("capacity") && integer(v["capacity"], ptr + "/capacity", capacity, "'capacity'")) {
            if (capacity < 1 || capacity > 1'000'000)
                m_problems.at(ptr + "/capacity", "'capacity' must be from 1 to 1000000");
        }
        q.capacity = static_cast<int>(std::clamp<std::int64_t>(capacity, 1, 1'000'000));
        declare(m_queues, q.name, ptr, static_cast<int>(plan.queues.size()));
        plan.queues.push_back(std::move(q));
    });
    names("pipes", [&](const Json &v, const std::string &ptr) {
        if (!v.is_object() || !v.contains("ends") || !v["ends"].is_array() || v["ends"].size() != 2) {
            m_problems.at(ptr,
                          "a pipe is an object {\"name\": …, \"ends\": [\"parent_conn\", \"child_conn\"]}");
            return;
        }
        checkKeys(v, ptr, kPipeKeys, m_problems, "a pipe");
        for (int end = 0; end < 2; ++end) {
            std::string name;
            if (text(v["ends"][static_cast<std::size_t>(end)], ptr + "/ends/" + std::to_string(end), name))
                declare(m_pipeEnds, name, ptr + "/ends/" + std::to_string(end), 2 * plan.pipes + end);
        }
        ++plan.pipes;
    });
    names("pools", [&](const Json &v, const std::string &ptr) {
        if (!v.is_object()) {
            m_problems.at(ptr, "a pool is an object {\"name\": …, \"function\": …, \"items\": …}");
            return;
        }
        checkKeys(v, ptr, kPoolKeys, m_problems, "a pool");
        PoolPlan pool;
        if (v.contains("name"))
            text(v["name"], ptr + "/name", pool.name);
        if (v.contains("function")) {
            text(v["function"], ptr + "/function", pool.function);
            if (pool.function != "square" && pool.function != "sleep")
                m_problems.at(ptr + "/function",
                              "a pool's function is 'square' or 'sleep', not '" + pool.function + "'");
        }
        if (v.contains("items"))
            items(v["items"], ptr + "/items", pool.items);
        std::int64_t chunk = 1;
        if (v.contains("chunk") && integer(v["chunk"], ptr + "/chunk", chunk, "'chunk'") && chunk < 1)
            m_problems.at(ptr + "/chunk", "'chunk' must be at least 1");
        pool.chunk = static_cast<int>(std::clamp<std::int64_t>(chunk, 1, kMaxPoolItems));
        if (v.contains("work"))
            number(v["work"], ptr + "/work", pool.work, "'work'");
        declare(m_pools, pool.name, ptr, static_cast<int>(plan.pools.size()));
        plan.pools.push_back(std::move(pool));
    });
}

bool Builder::items(const Json &v, const std::string &ptr, std::vector<std::int64_t> &out)
{
    out.clear();
    // Items in all, across the copies of every worker and every pool: 1,024 copies of a worker with a
    // million items would be 8 GB before any limit of the plan is checked. No more items than the events a
    // run may record: each item a loop takes records at least one.
    const auto room = [&](std::int64_t n) {
        if (m_items + n <= static_cast<std::int64_t>(kMaxEstimatedEvents)) {
            m_items += n;
            return true;
        }
        m_problems.at(ptr,
                      "more than " + std::to_string(kMaxEstimatedEvents)
                          + " items in all (every copy of a worker has its own)");
        return false;
    };
    if (v.is_array()) {
        if (!room(static_cast<std::int64_t>(v.size())))
            return false;
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::int64_t n = 0;
            if (!integer(v[i], ptr + "/" + std::to_string(i), n, "an item"))
                return false;
            out.push_back(n);
        }
        return true;
    }
    if (v.is_object() && v.contains("range") && v["range"].is_array() && v["range"].size() >= 1
        && v["range"].size() <= 2 && v.size() == 1) {
        const Json &r = v["range"];
        std::int64_t start = 0;
        std::int64_t stop = 0;
        if (r.size() == 2 && !integer(r[0], ptr + "/range/0", start, "a range's start"))
            return false;
        if (!integer(r[r.size() - 1], ptr + "/range/" + std::to_string(r.size() - 1), stop, "a range's stop"))
            return false;
        if (stop - start > static_cast<std::int64_t>(kMaxItems)) {
            m_problems.at(ptr, "at most " + std::to_string(kMaxItems) + " items");
            return false;
        }
        if (!room(std::max<std::int64_t>(0, stop - start)))
            return false;
        for (std::int64_t x = start; x < stop; ++x)
            out.push_back(x);
        return true;
    }
    m_problems.at(ptr, "items are a list of integers, or {\"range\": [start, stop]} (stop not included)");
    return false;
}

void Builder::workers(Plan &plan)
{
    if (!m_doc.contains("workers"))
        return;
    const Json &list = m_doc["workers"];
    if (!list.is_array()) {
        m_problems.at("/workers", "'workers' must be a list, not " + typeName(list));
        return;
    }
    const ExprScope outer = m_scope;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Json &w = list[i];
        const std::string ptr = "/workers/" + std::to_string(i);
        if (!w.is_object()) {
            m_problems.at(ptr, "a worker is an object {\"name\": …, \"steps\": […]}");
            continue;
        }
        bool take = true;
        if (!condition(w, ptr, take) || !take)
            continue;
        std::int64_t copies = 1;
        if (w.contains("copies") && integer(w["copies"], ptr + "/copies", copies, "'copies'")
            && (copies < 0 || copies > kMaxScenarioWorkers)) {
            m_problems.at(ptr + "/copies",
                          "'copies' must be from 0 to " + std::to_string(kMaxScenarioWorkers));
            continue;
        }
        for (std::int64_t c = 1; c <= copies && !m_tooMany; ++c) {
            if (plan.workers.size() >= static_cast<std::size_t>(kMaxScenarioWorkers)) {
                m_problems.at(ptr,
                              "at most " + std::to_string(kMaxScenarioWorkers) + " workers in a scenario");
                m_scope = outer;
                return;
            }
            m_scope = outer;
            m_scope["copy"] = ExprValue::of(static_cast<double>(c));
            m_scope["copy0"] = ExprValue::of(static_cast<double>(c - 1));
            WorkerPlan worker;
            worker.name = "worker " + std::to_string(plan.workers.size() + 1);
            if (w.contains("name"))
                text(w["name"], ptr + "/name", worker.name);
            std::string kind = plan.kind;
            if (w.contains("kind"))
                text(w["kind"], ptr + "/kind", kind);
            if (!workerKindFromName(kind, worker.kind) || worker.kind == WorkerKind::Main) {
                m_problems.at(ptr + "/kind",
                              "kind '" + kind + "' is not one of: sequential, thread, process");
                worker.kind = WorkerKind::Process;
            }
            if (w.contains("items"))
                items(w["items"], ptr + "/items", worker.items);
            int budget = kMaxExpandedSteps;
            if (w.contains("steps"))
                steps(w["steps"], ptr + "/steps", worker.steps, budget);
            else
                m_problems.at(ptr, "a worker needs 'steps'");
            plan.workers.push_back(std::move(worker));
            if (m_problems.any() && c > 1)
                break; // the same problem in every copy: once is enough
        }
    }
    m_scope = outer;
}

void Builder::steps(const Json &list, const std::string &ptr, std::vector<Step> &out, int &budget)
{
    if (!list.is_array())
        return; // reported by the shape check
    for (std::size_t i = 0; i < list.size(); ++i) {
        step(list[i], ptr + "/" + std::to_string(i), out, budget);
        if (budget < 0)
            return;
    }
}

void Builder::step(const Json &s, const std::string &ptr, std::vector<Step> &out, int &budget)
{
    if (!visit(ptr)) {
        budget = -1;
        return;
    }
    std::string opName;
    const Json *arg = nullptr;
    static const Json kTrue = true;
    if (s.is_string()) {
        opName = s.get<std::string>();
        arg = &kTrue;
    } else if (s.is_object()) {
        for (const auto &[key, value] : s.items())
            if (stepKind(key)) {
                opName = key;
                arg = &value;
                break;
            }
        bool take = true;
        if (!condition(s, ptr, take) || !take)
            return;
    }
    if (!arg)
        return; // reported by the shape check
    const std::string argPtr = s.is_string() ? ptr : ptr + "/" + pointerToken(opName);
    if (--budget < 0) {
        m_problems.at(ptr, "more than " + std::to_string(kMaxExpandedSteps) + " steps after 'copies'");
        return;
    }
    if (opName == "copies") {
        std::int64_t n = 0;
        if (!integer(*arg, argPtr, n, "'copies'"))
            return;
        if (n < 0 || n > kMaxExpandedSteps) {
            m_problems.at(argPtr, "'copies' must be from 0 to " + std::to_string(kMaxExpandedSteps));
            return;
        }
        // Without 'steps' (a problem the shape check reports), const operator[] would read past the object.
        if (!s.is_object() || !s.contains("steps"))
            return;
        const ExprScope outer = m_scope;
        for (std::int64_t c = 1; c <= n && budget >= 0 && visit(ptr); ++c) {
            m_scope["copy"] = ExprValue::of(static_cast<double>(c));
            m_scope["copy0"] = ExprValue::of(static_cast<double>(c - 1));
            steps(s["steps"], ptr + "/steps", out, budget);
        }
        m_scope = outer;
        return;
    }
    // The plan's limit (kMaxSteps, main's and every worker's) checked while writing, not after: 1,024
    // workers of 100,000 steps each were 10^8 steps (gigabytes) before validatePlan refused them.
    if (++m_written > kMaxSteps) {
        if (!m_tooMany)
            m_problems.at(ptr,
                          "more than " + std::to_string(kMaxSteps)
                              + " steps in the plan (main's and every worker's, after 'copies')");
        m_tooMany = true;
        budget = -1;
        return;
    }
    if (opName == "for_each" || opName == "repeat") {
        const std::size_t at = out.size();
        out.push_back({opName == "for_each" ? StepOp::ForEach : StepOp::Repeat, {}, 0, 0});
        steps(*arg, argPtr, out, budget);
        out[at].count = static_cast<std::int64_t>(out.size() - at - 1);
        return;
    }
    StepOp op = StepOp::Print;
    stepOpFromName(opName, op);
    Step step{op, {}, 0, 0};
    const auto seconds = [&] {
        if (number(*arg, argPtr, step.seconds, ("'" + opName + "'").c_str()) && step.seconds < 0)
            m_problems.at(argPtr,
                          "'" + opName + "' takes seconds from 0 up, not " + numberText(step.seconds));
    };
    const auto count = [&] { integer(*arg, argPtr, step.count, ("'" + opName + "'").c_str()); };
    const auto named = [&](const std::map<std::string, int> &names, const char *what) {
        int id = 0;
        if (lookup(names, *arg, argPtr, what, id))
            step.count = id;
    };
    const auto extraText = [&](const char *key) {
        if (s.is_object() && s.contains(key))
            text(s[key], ptr + "/" + key, step.text);
    };
    const auto timeout = [&] {
        if (s.is_object() && s.contains("timeout"))
            number(s["timeout"], ptr + "/timeout", step.seconds, "'timeout'");
    };
    switch (op) {
    case StepOp::Print:
    case StepOp::Snapshot: text(*arg, argPtr, step.text); break;
    case StepOp::Sleep:
    case StepOp::Compute:
    case StepOp::SleepRandom: seconds(); break;
    case StepOp::Work: {
        seconds();
        // Sized here, once, so every mode and every lane does the very same work. Bounded first: a count of
        // units beyond an int64 (1e300 s) is undefined behaviour, not a long run.
        const double scaled = step.seconds * m_timeScale;
        const double most = static_cast<double>(kMaxWorkUnits) / workUnitsPerSecond();
        if (!(scaled <= most)) {
            m_problems.at(argPtr,
                          "'work' asks for " + numberText(scaled) + " s of CPU work (time-scaled); at most "
                              + numberText(std::floor(most)) + " s on this machine");
            break;
        }
        step.count = workUnitsFor(scaled);
        break;
    }
    case StepOp::Yield:
    case StepOp::Start:
    case StepOp::Join:
        // {"join": false} must not join anyway: the value says nothing but true.
        if (!(arg->is_boolean() && arg->get<bool>()))
            m_problems.at(argPtr,
                          "'" + opName + "' takes true, not " + (arg->is_boolean() ? "false" : typeName(*arg))
                              + " (to leave the step out, give it an \"if\")");
        break;
    case StepOp::Crash:
    case StepOp::Exit:
    case StepOp::Set:
    case StepOp::Add:
    case StepOp::Mul:
    case StepOp::Power: count(); break;
    case StepOp::Read:
    case StepOp::Write:
    case StepOp::Append: {
        int id = 0;
        if (lookup(m_variables, *arg, argPtr, "variable", id))
            text(*arg, argPtr, step.text);
        if (s.is_object() && s.contains("index"))
            integer(s["index"], ptr + "/index", step.count, "'index'");
        break;
    }
    case StepOp::Lock:
    case StepOp::Unlock: named(m_locks, "lock"); break;
    case StepOp::Put:
        named(m_queues, "queue");
        extraText("text");
        timeout();
        break;
    case StepOp::Get:
        named(m_queues, "queue");
        extraText("sentinel");
        timeout();
        break;
    case StepOp::Close: named(m_queues, "queue"); break;
    case StepOp::Send:
        named(m_pipeEnds, "pipe end");
        extraText("text");
        break;
    case StepOp::Recv:
        named(m_pipeEnds, "pipe end");
        extraText("sentinel");
        timeout();
        break;
    case StepOp::Serve:
    case StepOp::Map:
    case StepOp::Submit:
    case StepOp::Wait:
    case StepOp::Shutdown: named(m_pools, "pool"); break;
    case StepOp::ForEach:
    case StepOp::Repeat: break;
    }
    out.push_back(std::move(step));
}

} // namespace

std::int64_t maxVisitedSteps() noexcept { return kMaxVisitedSteps; }

bool buildFromFile(const FileSource &src, Problems &problems, const ParamSet &params, Plan &plan,
                   bool *outgrew, std::int64_t *visited)
{
    Builder builder(src, problems, params);
    const bool built = builder.build(plan);
    if (outgrew)
        *outgrew = builder.outgrew();
    if (visited)
        *visited = builder.visited();
    return built;
}

ExprScope scopeFor(const FileSource &src, const ParamSet &params)
{
    std::vector<ScenarioProblem> ignored;
    Problems quiet(src, ignored);
    Builder b(src, quiet, params);
    b.makeScope();
    return b.scope();
}

} // namespace forkscope::core::scenario_parts
