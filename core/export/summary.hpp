#pragma once

#include "core/analysis/run_result.hpp"
#include "core/analysis/trials.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

/// The run's summary as JSON: scenario, kind, wall_seconds, main_end_seconds, lost_events, cancelled,
/// error, main_pid, main_final, locks, and workers with name, kind, pid, tid, exit_code, signal, cancelled,
/// error, read, wrote, start_seconds, end_seconds; with `trials`, expected, wrong_trials and trials.
std::string summaryJson(const RunResult &result, const TrialOutcomes *trials = nullptr);

} // namespace forkscope::core
