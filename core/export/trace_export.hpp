#pragma once

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "core/export/summary.hpp"

#include <string>
#include <vector>

namespace forkscope::core {

/// Chrome Trace Event Format, in the form Perfetto, Chrome DevTools, chrome://tracing and speedscope all
/// read whole: a process per OS process of the run (numbered from 1, the OS pid as `os_pid` in its metadata)
/// and a thread per OS thread, named; complete events ("X") for every span (sleep, compute, join wait, lock
/// wait and hold, blocked queue waits, pool tasks, GIL waits and holds), nested on every thread; instants
/// ("I") for start, end, print, values, messages, spawns, joins and GIL hand-overs; flows ("s"/"f") from each
/// put to its get, send to its receive and worker's end to its join; counters ("C") for queue fill levels and
/// variables' values. Microseconds from main's start, each a whole number of 1/1024 µs, in time order.
std::string chromeTraceJson(const RunResult &result, const std::vector<Event> &events);

} // namespace forkscope::core
