#pragma once

#include "core/plan/plan.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace forkscope::core {

/// One tunable of a scenario, as the command line (--name value) and the parameters panel show it.
struct ParamSpec {
    enum class Type { Integer, Number, Choice };
    std::string name; ///< "kind", "workers", "sleep", "join", "time-scale"
    Type type = Type::Integer;
    std::string defaultValue;
    double min = 0;
    double max = 0;
    std::vector<std::string> choices;
    std::string help;

    /// What values are allowed, in words: "an integer from 1 to 1024", "one of: thread, process".
    std::string allowed() const;
};

/// Parameter values after validation; typed getters read what the specs allowed.
class ParamSet {
public:
    std::string text(const std::string &name) const;
    double number(const std::string &name) const;
    int integer(const std::string &name) const;
    bool flag(const std::string &name) const; ///< "on" / "off"
    const std::map<std::string, std::string> &values() const { return m_values; }
    void set(const std::string &name, std::string value) { m_values[name] = std::move(value); }

private:
    std::map<std::string, std::string> m_values;
};

struct Scenario {
    std::string id;
    std::string lesson; ///< group in the browser: "Basics", "Shared state", ...
    std::string title;
    std::string summary;  ///< one line, for `forkscope list`
    std::string lookFor;  ///< what a learner should notice
    std::string codeFile; ///< the Python shown in the code pane, under resources/scenarios/
    std::vector<ParamSpec> params;
    std::function<Plan(const ParamSet &)> build;
    /// For scenarios run as repeated trials (a "trials" parameter): the value main should end with
    /// (main_final) if nothing went wrong. Empty otherwise.
    std::function<std::int64_t(const ParamSet &)> expected;

    const ParamSpec *param(const std::string &name) const;
};

/// Every built-in scenario, in browser order. The first is the default.
const std::vector<Scenario> &builtinScenarios();
const Scenario *findScenario(const std::string &id);

/// Validates `given` (name → text) against the scenario's specs, fills defaults, and builds the plan.
/// On failure returns false and sets `error` to a message naming the bad parameter and what is allowed.
bool buildPlan(const Scenario &scenario, const std::map<std::string, std::string> &given, Plan &plan,
               ParamSet &values, std::string &error);

} // namespace forkscope::core
