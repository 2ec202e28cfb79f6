#pragma once

#include "core/analysis/run_result.hpp"
#include "core/analysis/trials.hpp"
#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

class ParamSet;

/// The run's summary as JSON: headline, scenario, kind, wall_seconds, main_end_seconds, lost_events,
/// cancelled, error, main_pid, main_final, locks, lost_updates (one object per lost update: worker,
/// variable, read, wrote, overwritten_by, at_seconds) and lost_updates_complete, and workers with name,
/// kind, pid, tid, exit_code, signal, cancelled, error, read, wrote, start_seconds, end_seconds; with
/// `trials`, expected, wrong_trials and trials. `events` are the run's; `params` its parameters (may be null).
std::string summaryJson(const RunResult &result, const std::vector<Event> &events,
                        const ParamSet *params = nullptr, const TrialOutcomes *trials = nullptr);

} // namespace forkscope::core
