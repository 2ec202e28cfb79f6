#include "core/scenario/scenarios.hpp"

#include "core/scenario/builtin_parts.hpp"

#include <charconv>
#include <cmath>

namespace forkscope::core {

namespace {

std::vector<Scenario> makeScenarios()
{
    using namespace builtin;
    return {
        sleepersScenario(),        noJoinScenario(),      squareCubeScenario(), processTableScenario(),
        memoryIsolationScenario(), sharedValueScenario(), globalListScenario(), sharedArrayScenario(),
        arrayOverflowScenario(),   bankScenario(),        cpuVsIoScenario(),    producerConsumerScenario(),
        queueWorkersScenario(),    pipeScenario(),        poolMapScenario(),    futuresScenario()};
}

bool parseNumber(const std::string &text, double &out)
{
    const char *first = text.data();
    const char *last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last && std::isfinite(out);
}

} // namespace

std::string ParamSpec::allowed() const
{
    switch (type) {
    case Type::Integer:
        return "an integer from " + builtin::formatNumber(min) + " to " + builtin::formatNumber(max);
    case Type::Number:
        return "a number from " + builtin::formatNumber(min) + " to " + builtin::formatNumber(max);
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
            error
                = "--" + name + " does not apply to scenario '" + scenario.id + "' (it takes: " + takes + ")";
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
