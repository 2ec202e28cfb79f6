#pragma once

// Runs of one scenario side by side: which values to compare (`--compare PARAM=A,B[,C]`), what each run is
// called by the parameters it differs in ("processes", "lock off"), and the comparison's lesson in one
// sentence, its ratio computed from the runs' wall times: "processes 2.0 s · sequential 20 s: 10× faster".
// The command line and the window's Compare tab both use it; the pictures are drawn in ui/.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

struct Scenario;

/// How many runs a comparison holds: at least two, at most three (more no longer fit one slide legibly).
inline constexpr std::size_t kMinComparedRuns = 2;
inline constexpr std::size_t kMaxComparedRuns = 3;

/// What `--compare PARAM=A,B[,C]` asks for: one of the scenario's parameters and its values, in order.
struct CompareRequest {
    std::string param;
    std::vector<std::string> values;
};

/// Parses "PARAM=A,B[,C]" for `scenario`: the parameter must be one of its own, with two or three different
/// values it allows. Returns "" with `out` filled, or a sentence naming what is wrong and what is allowed
/// ("--compare kind=fast: 'fast' is not allowed: expected one of: sequential, thread, process").
std::string parseCompareRequest(const Scenario &scenario, std::string_view text, CompareRequest &out);

/// What a run is called in a comparison by one parameter's value: the kind in the plural ("processes",
/// "threads", "sequential"), a mode as it is ("gil-threads"), a work as "cpu-bound", otherwise the name and
/// the value ("lock off", "workers 4").
std::string compareLabel(const std::string &param, const std::string &value);

/// One label per run from the parameters in which the runs differ (compareLabel of each, joined by ", "),
/// in the order of `params`; "run 1", "run 2", ... when they do not differ at all.
std::vector<std::string> differenceLabels(const std::vector<std::map<std::string, std::string>> &params);

/// What the comparison's sentence is made of, per run.
struct ComparedRun {
    std::string label; ///< "processes"
    std::int64_t wallNs = 0;
    bool failed = false;    ///< could not run to its end: no time to compare
    bool cancelled = false; ///< stopped before its end: its time is only a lower bound
};

/// The slowest finished run's wall time over the fastest's; 0 when fewer than two runs finished.
double wallRatio(const std::vector<ComparedRun> &runs);

/// "10×", "9.8×", "1.5×": two significant digits, whole above 10.
std::string formatRatio(double ratio);

/// The comparison in one sentence, fastest first: "processes 2.0 s · sequential 20 s: 10× faster"; with three
/// runs "threads 2.0 s · processes 2.1 s · sequential 20 s: threads 10× faster than sequential"; times within
/// 10 % of each other are "about as fast". A stopped or failed run says so in place of its time.
std::string comparisonHeadline(const std::vector<ComparedRun> &runs);

/// The small line under a comparison's headline: the scenario and the parameters its runs share, and a
/// shortened time said in words ("sleepers · workers 10 · sleep 2 · join on · times shortened 10×").
std::string comparisonCaption(const std::string &scenario,
                              const std::vector<std::map<std::string, std::string>> &params);

} // namespace forkscope::core
