#pragma once

#include "core/event.hpp"
#include "core/client/run.hpp"

#include <string>
#include <vector>

namespace forkscope::core {

/// Chrome Trace Event Format (opens in Perfetto UI and chrome://tracing): one pid per OS process, one tid
/// per thread, metadata naming each process and thread, complete events ("X") for sleep, compute, join
/// wait and lock wait/hold, instant events for start, end, print, values and spawns. Microseconds from
/// main's start.
std::string chromeTraceJson(const RunResult &result, const std::vector<Event> &events);

/// The run's summary: scenario, kind, wall_seconds, main_end_seconds, lost_events, cancelled, and
/// workers with name, kind, pid, tid, exit_code, signal, start_seconds, end_seconds.
/// Repeated trials of one plan: what main should end with, and what it ended with each time.
struct TrialOutcomes {
    std::int64_t expected = 0;
    std::vector<std::int64_t> finals;
    int wrong() const;
};

std::string summaryJson(const RunResult &result, const TrialOutcomes *trials = nullptr);

/// "SIGSEGV" for 11; "signal 77" for unknown numbers.
std::string signalName(int signal);

} // namespace forkscope::core
