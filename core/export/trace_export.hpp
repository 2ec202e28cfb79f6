#pragma once

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "core/export/summary.hpp"

#include <string>
#include <vector>

namespace forkscope::core {

/// Chrome Trace Event Format (opens in Perfetto UI and chrome://tracing): one pid per OS process, one tid
/// per thread, metadata naming each process and thread, complete events ("X") for every span (sleep,
/// compute, join wait, lock wait and hold, blocked queue waits, pool tasks, GIL waits and holds), instant
/// events for start, end, print, values, messages and spawns. Microseconds from main's start.
std::string chromeTraceJson(const RunResult &result, const std::vector<Event> &events);

} // namespace forkscope::core
