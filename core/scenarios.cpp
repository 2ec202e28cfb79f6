#include "core/scenarios.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace forkscope::core {

namespace {

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

ParamSpec kindParam(std::vector<std::string> choices, std::string def)
{
    return {"kind", ParamSpec::Type::Choice, std::move(def), 0, 0, std::move(choices),
            "how the workers run: called one after another in main, as threads, or as forked processes"};
}

ParamSpec workersParam(int def)
{
    return {"workers", ParamSpec::Type::Integer, std::to_string(def), 1, kMaxThreads, {},
            "how many workers to start (at most 256 processes or 1024 threads)"};
}

ParamSpec sleepParam(double def)
{
    return {"sleep", ParamSpec::Type::Number, formatNumber(def), 0, 3600, {},
            "seconds each sleep lasts, before the time scale"};
}

ParamSpec joinParam(bool def)
{
    return {"join", ParamSpec::Type::Choice, def ? "on" : "off", 0, 0, {"on", "off"},
            "whether main waits for its workers (join) before it reaches its end"};
}

ParamSpec timeScaleParam()
{
    return {"time-scale", ParamSpec::Type::Number, "1", 0, 100, {},
            "multiplies every duration: 0.01 runs a 2 s sleep in 20 ms"};
}

WorkerKind kindFrom(const std::string &kind)
{
    if (kind == "sequential")
        return WorkerKind::Sequential;
    if (kind == "thread")
        return WorkerKind::Thread;
    return WorkerKind::Process;
}

Step print(std::string text) { return {StepOp::Print, std::move(text), 0, 0}; }
Step sleepFor(double seconds) { return {StepOp::Sleep, {}, seconds, 0}; }

/// N workers sleeping T seconds, started by main, joined or not. Shared by `sleepers` and `no-join`.
Plan sleepersPlan(const std::string &id, const ParamSet &p, const std::string &kind, bool join)
{
    Plan plan;
    plan.scenario = id;
    plan.kind = kind;
    plan.timeScale = p.number("time-scale");
    const double seconds = p.number("sleep");
    const int n = p.integer("workers");
    for (int i = 1; i <= n; ++i) {
        WorkerPlan w;
        w.name = "worker " + std::to_string(i);
        w.kind = kindFrom(kind);
        // Print the nap as it really lasts: at time scale 0.01 the tutorial's 2 s is 0.02 s.
        w.steps = {print("{name} (pid {pid}) at {time}: going to sleep for " + formatNumber(seconds * plan.timeScale)
                         + " s"),
                   sleepFor(seconds), print("{name} woke up, bye")};
        plan.workers.push_back(std::move(w));
    }
    plan.main.push_back({StepOp::Start, {}, 0, 0});
    if (join && kind != "sequential")
        plan.main.push_back({StepOp::Join, {}, 0, 0});
    plan.main.push_back(print("main reached its end after {elapsed} s"));
    return plan;
}

std::vector<Scenario> makeScenarios()
{
    std::vector<Scenario> list;

    list.push_back({
        "sleepers", "Basics", "Sleepers: one after another, or all at once",
        "N workers each sleep T seconds: sequentially (about N*T) or as threads/processes (about T)",
        "Sequentially the lanes form a staircase and the run takes N times T. As threads or processes "
        "every lane sleeps at the same time and the whole run takes about T.",
        "sleepers.py",
        {kindParam({"sequential", "thread", "process"}, "process"), workersParam(10), sleepParam(2),
         joinParam(true), timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("sleepers", p, p.text("kind"), p.flag("join")); },
    });

    list.push_back({
        "no-join", "Basics", "No join: main ends before its workers",
        "main starts its workers and reaches its end before they finish; --join on makes it wait",
        "Without join, main's last line (the dashed marker) runs right after the starts, while the workers "
        "still sleep; the program itself only exits once they are done. With join on, main waits in a join "
        "bar and its last line comes after theirs.",
        "no_join.py",
        {kindParam({"thread", "process"}, "process"), workersParam(2), sleepParam(1), joinParam(false),
         timeScaleParam()},
        [](const ParamSet &p) { return sleepersPlan("no-join", p, p.text("kind"), p.flag("join")); },
    });

    list.push_back({
        "square-cube", "Basics", "Square and cube in two processes",
        "squares and cubes of [2,3,4,5] in two workers at once, sleeping before each item",
        "Both workers print at the same moments: the two lanes run side by side, so the whole job takes "
        "as long as one of them, not both.",
        "square_cube.py",
        {kindParam({"thread", "process"}, "process"), sleepParam(5), timeScaleParam()},
        [](const ParamSet &p) {
            Plan plan;
            plan.scenario = "square-cube";
            plan.kind = p.text("kind");
            plan.timeScale = p.number("time-scale");
            const double seconds = p.number("sleep");
            const auto worker = [&](std::string name, std::string heading, std::string label, int power) {
                WorkerPlan w;
                w.name = std::move(name);
                w.kind = kindFrom(plan.kind);
                w.items = {2, 3, 4, 5};
                w.steps = {print(std::move(heading)),
                           {StepOp::ForEach, {}, 0, 3},
                           sleepFor(seconds),
                           {StepOp::Power, {}, 0, power},
                           print(label + " of {x} is {r}")};
                return w;
            };
            plan.workers.push_back(worker("square", "computing squares", "square", 2));
            plan.workers.push_back(worker("cube", "computing cubes", "cube", 3));
            plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, print("done")};
            return plan;
        },
    });

    return list;
}

bool parseNumber(const std::string &text, double &out)
{
    const char *begin = text.data();
    const char *end = begin + text.size();
    const auto result = std::from_chars(begin, end, out);
    return result.ec == std::errc() && result.ptr == end && std::isfinite(out);
}

} // namespace

std::string ParamSpec::allowed() const
{
    switch (type) {
    case Type::Integer:
        return "an integer from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Number:
        return "a number from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Choice: {
        std::string s = "one of: ";
        for (std::size_t i = 0; i < choices.size(); ++i)
            s += (i ? ", " : "") + choices[i];
        return s;
    }
    }
    return {};
}

std::string ParamSet::text(const std::string &name) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::string() : it->second;
}

double ParamSet::number(const std::string &name) const
{
    double v = 0;
    parseNumber(text(name), v);
    return v;
}

int ParamSet::integer(const std::string &name) const { return static_cast<int>(number(name)); }

bool ParamSet::flag(const std::string &name) const { return text(name) == "on"; }

const ParamSpec *Scenario::param(const std::string &name) const
{
    for (const auto &p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

const std::vector<Scenario> &builtinScenarios()
{
    static const std::vector<Scenario> scenarios = makeScenarios();
    return scenarios;
}

const Scenario *findScenario(const std::string &id)
{
    for (const auto &s : builtinScenarios())
        if (s.id == id)
            return &s;
    return nullptr;
}

bool buildPlan(const Scenario &scenario, const std::map<std::string, std::string> &given, Plan &plan,
               ParamSet &values, std::string &error)
{
    for (const auto &[name, text] : given) {
        const ParamSpec *spec = scenario.param(name);
        if (!spec) {
            std::string takes;
            for (const auto &p : scenario.params)
                takes += (takes.empty() ? "--" : ", --") + p.name;
            error = "--" + name + " does not apply to scenario '" + scenario.id + "' (it takes: " + takes + ")";
            return false;
        }
        bool ok = false;
        if (spec->type == ParamSpec::Type::Choice) {
            for (const auto &c : spec->choices)
                ok = ok || c == text;
        } else {
            double v = 0;
            ok = parseNumber(text, v) && v >= spec->min && v <= spec->max
                 && (spec->type == ParamSpec::Type::Number || std::floor(v) == v);
        }
        if (!ok) {
            error = "--" + name + " '" + text + "' is not allowed: expected " + spec->allowed();
            return false;
        }
    }
    values = ParamSet();
    for (const auto &spec : scenario.params) {
        const auto it = given.find(spec.name);
        values.set(spec.name, it != given.end() ? it->second : spec.defaultValue);
    }
    plan = scenario.build(values);
    error = validatePlan(plan);
    if (!error.empty()) {
        error = "cannot run '" + scenario.id + "' with these parameters: " + error;
        return false;
    }
    return true;
}

} // namespace forkscope::core
