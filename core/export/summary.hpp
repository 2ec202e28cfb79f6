#pragma once

#include "core/analysis/run_result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

/// Repeated trials of one plan: what main should end with, and what it ended with each time.
struct TrialOutcomes {
    std::int64_t expected = 0;
    std::vector<std::int64_t> finals;
    int wrong() const;
};

/// The run's summary as JSON: scenario, kind, wall_seconds, main_end_seconds, lost_events, cancelled,
/// error, main_pid, main_final, locks, and workers with name, kind, pid, tid, exit_code, signal, cancelled,
/// error, read, wrote, start_seconds, end_seconds; with `trials`, expected, wrong_trials and trials.
std::string summaryJson(const RunResult &result, const TrialOutcomes *trials = nullptr);

} // namespace forkscope::core
