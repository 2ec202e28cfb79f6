#pragma once

// Scenario files (docs/scenario-format.md): reading one, checking it whole, and turning it into a Plan for
// given parameters. Every built-in lesson is such a file (resources/scenarios/<id>.json); a teacher's own
// file is read the same way.

#include "core/scenario/json_source.hpp"
#include "core/scenario/scenarios.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

/// One thing wrong with a scenario file, with its place.
struct ScenarioProblem {
    std::string file;    ///< as given ("lesson.json")
    TextPosition at;     ///< line and column
    std::string pointer; ///< JSON pointer of the value ("/workers/0/steps/2"); empty for the whole file
    std::string message; ///< what is wrong and what is allowed

    /// "lesson.json:14:22: /workers/0/steps/2: unknown lock 'balanse' (this file has: balance)"
    std::string text() const;
};

/// The limits a file is held to (besides those of the plan it makes, see plan.hpp).
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{1} << 20;
inline constexpr int kMaxScenarioWorkers = 1024;
inline constexpr int kMaxExpandedSteps = 100000; ///< per worker, after `copies`
inline constexpr int kScenarioFormat = 1;

/// Reads a scenario from `text` (the contents of `fileName`). On success `scenario` holds it: its build()
/// makes a plan from the file for given parameters. On failure `problems` lists every problem found, each
/// with its place, and `scenario` is left as it was.
bool parseScenario(std::string_view text, const std::string &fileName, Scenario &scenario,
                   std::vector<ScenarioProblem> &problems);

/// Reads the file at `path` (at most kMaxScenarioFileBytes), as parseScenario.
bool loadScenarioFile(const std::string &path, Scenario &scenario, std::vector<ScenarioProblem> &problems);

/// Each kind of object a scenario file holds, and the keys the loader allows in it (everywhere, keys starting
/// with '_' are comments too): "scenario" (the top level), "parameter", "worker", "variable", "queue",
/// "pipe", "pool", "preset", "rule" (of the headline and the caption), and "step:OP" for each op a step may
/// name (the op, "if" and its own extra keys). resources/scenario.schema.json must say the same.
std::map<std::string, std::vector<std::string>> scenarioFileKeys();

/// Every problem on one line each.
std::string problemsText(const std::vector<ScenarioProblem> &problems);

} // namespace forkscope::core
