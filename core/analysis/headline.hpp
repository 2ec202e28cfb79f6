#pragma once

// A run's lesson in one sentence, computed from that run's own result: "10 processes slept 2 s each: all
// done in 2.0 s, not 20 s". The window shows it above the timeline, a slide has it as its title, the command
// line prints it first and the summary carries it as `headline`.
//
// A headline is a template over the run's measured values ("{workers} {kind_plural} slept {sleep} each: all
// done in {wall}, not {sequential}"), with wording per kind where it differs. Each scenario file carries its
// own as a list of rules (`headline`: the first whose condition over the same values holds).

#include "core/analysis/lost_updates.hpp"
#include "core/analysis/run_result.hpp"
#include "core/analysis/trials.hpp"
#include "core/event.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

class ParamSet;

/// What a headline is computed from. `params` are the scenario's parameters as run (may be null);
/// `trials`, when the run was one of a series of trials.
struct HeadlineInput {
    const RunResult *result = nullptr;
    const std::vector<Event> *events = nullptr;
    const ParamSet *params = nullptr;
    const TrialOutcomes *trials = nullptr;
};

/// The run's measured values by name, written for people: "wall" ("2.0 s"), "workers" ("10"),
/// "kind_plural" ("processes"), "final", "expected", "lost", and what each lesson needs. Values of the
/// scenario's parameters are there too as "param:<name>".
using RunValues = std::map<std::string, std::string, std::less<>>;
RunValues measuredValues(const HeadlineInput &in);

/// The template of the first of the scenario's headline rules whose condition holds for this run.
std::string headlineTemplate(const HeadlineInput &in, const RunValues &values);

/// Fills "{name}" placeholders from `values`; an unknown name stays as written.
std::string fillTemplate(std::string_view pattern, const RunValues &values);

/// The run's headline: its template filled with its measured values. A run that failed or was cancelled
/// says so first.
std::string headline(const HeadlineInput &in);

/// The small line under a slide's headline: the scenario and its parameters, and a shortened time said in
/// words ("sleepers · process · 10 workers · sleep 2 s · sleeps shortened 10×").
std::string caption(const HeadlineInput &in);

/// "2.0 s", "35 ms", "120 µs": two or three significant digits.
std::string formatDuration(std::int64_t ns);

} // namespace forkscope::core
