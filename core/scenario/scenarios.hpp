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
    /// Whether `text` is one of those values ("2", "0.5", "thread").
    bool allows(const std::string &text) const;
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

/// One rule of a scenario's headline: the first whose condition holds gives the run's headline.
struct HeadlineRule {
    std::string condition; ///< an expression over the run's values (empty: always)
    std::string text;      ///< a template over the same values: "{workers} {kind_plural} slept {sleep} each"
};

/// A named set of parameter values the scenario offers ("the tutorial's own settings").
struct ScenarioPreset {
    std::string id;   ///< short, for the command line: `forkscope run bank --preset tutorial`
    std::string name; ///< in words: "the tutorial's own settings"
    std::map<std::string, std::string> params;
};

/// A scenario: a lesson read from its file (core/scenario/scenario_file.hpp, docs/scenario-format.md).
struct Scenario {
    std::string id;
    std::string lesson; ///< group in the browser: "Basics", "Shared state", ...
    std::string title;
    std::string summary;    ///< one line, for `forkscope list`
    std::string lookFor;    ///< what a learner should notice
    std::string codeFile;   ///< the Python twin's file name, beside the scenario file (may be empty)
    std::string sourcePath; ///< the file it was read from
    bool builtin = false;   ///< one of Forkscope's own lessons, not a user's file
    int order = 1000000;    ///< place among the built-in lessons
    std::vector<ParamSpec> params;
    std::vector<HeadlineRule> headline;
    std::vector<HeadlineRule> caption; ///< the line under the headline; none: the scenario and its parameters
    std::vector<ScenarioPreset> presets;
    /// Makes the plan for validated parameter values; false with `error` (each problem with its place).
    std::function<bool(const ParamSet &, Plan &, std::string &)> build;
    /// For scenarios run as repeated trials (a "trials" parameter): the value main should end with
    /// (main_final) if nothing went wrong. Empty otherwise.
    std::function<std::int64_t(const ParamSet &)> expected;

    const ParamSpec *param(const std::string &name) const;
    const ScenarioPreset *preset(const std::string &id) const;
    /// The Python twin's path (beside the scenario file), or empty.
    std::string pythonPath() const;
};

/// Every built-in scenario, read once from the scenario folder (builtinScenarioDirectory), in browser
/// order. The first is the default. A file that cannot be read is left out and reported by
/// builtinScenarioProblems().
const std::vector<Scenario> &builtinScenarios();
std::string builtinScenarioProblems();
/// Where the built-in scenario files are: $FORKSCOPE_SCENARIO_DIR, else <exe>/../share/forkscope/scenarios
/// when installed, else the source tree's resources/scenarios.
std::string builtinScenarioDirectory();
/// A user's scenario read from a file: kept for the rest of the process (its address stays valid), and
/// found by findScenario before a built-in one of the same id.
const Scenario *addScenario(Scenario scenario);
const Scenario *findScenario(const std::string &id);

/// Validates `given` (name → text) against the scenario's specs, fills defaults, and builds the plan.
/// On failure returns false and sets `error` to a message naming the bad parameter and what is allowed.
bool buildPlan(const Scenario &scenario, const std::map<std::string, std::string> &given, Plan &plan,
               ParamSet &values, std::string &error);

} // namespace forkscope::core
