#pragma once

// Repeated trials of one plan (a scenario's `trials` parameter: the bank). The command line and the window
// share this bookkeeping; each starts the runs its own way (a blocking wait, or the window's signals).

#include "core/analysis/run_result.hpp"
#include "core/plan/plan.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forkscope::core {

struct Scenario;
class ParamSet;

/// Repeated trials of one plan: what main should end with, and what it ended with each time.
struct TrialOutcomes {
    std::int64_t expected = 0;
    std::vector<std::int64_t> finals;
    int wrong() const;
};

/// What main ended with: the last value it read (the bank's final balance), 0 if it read none.
std::int64_t mainFinal(const RunResult &result);

/// What became of one finished run of a TrialLoop.
struct TrialRecord {
    int trial = 0;          ///< its number, from 1
    bool counted = false;   ///< a trial of a repeated loop that completed: its final value was counted
    std::int64_t final = 0; ///< main's final value (counted runs only)
    bool wrong = false;     ///< counted, and the final value differs from the expected one
    bool show = false; ///< counted, and now the trial to show: the first that went wrong, else the latest
};

/// One plan run `count` times, counting how often main ends with a value other than the expected one. It
/// starts nothing itself: the caller runs plan() after each startNext() and hands the result to record(),
/// so the command line can drive it in a blocking loop and the window one trial at a time, never blocking
/// its GUI thread:
///
///     while (loop.hasNext()) { loop.startNext(); /* run loop.plan() */ loop.record(result); }
///
/// With a count of 1 the one run is a plain run, not a trial: nothing is counted. A run that was cancelled
/// or failed ends the loop uncounted.
class TrialLoop {
public:
    TrialLoop() = default; ///< nothing to run: done() at once
    TrialLoop(Plan plan, int count, std::optional<std::int64_t> expected);
    /// The loop `scenario` asks for with `values`: its `trials` value (1 if it has no such parameter), and
    /// the value main should end with if the scenario says.
    static TrialLoop forScenario(const Scenario &scenario, const ParamSet &values, Plan plan);
    /// How many runs forScenario's loop makes (its `trials` value, 1 if it has none), without a plan.
    static int trialsFor(const Scenario &scenario, const ParamSet &values);

    const Plan &plan() const { return m_plan; }
    int count() const { return m_count; }
    /// More than one run: each is a trial whose final value is counted.
    bool repeated() const { return m_count > 1; }
    bool hasExpected() const { return m_hasExpected; }
    /// Runs started so far (the one under way included).
    int started() const { return m_started; }
    /// Whether another run is to start: fewer than count() started, none under way, not stopped.
    bool hasNext() const { return !m_stopped && !m_running && m_started < m_count; }
    /// Marks the next run as started and returns its number (from 1). Call only when hasNext().
    int startNext();
    /// Whether a run was started and its result not recorded yet.
    bool running() const { return m_running; }
    /// Records the result of the run under way and says what it counted for.
    TrialRecord record(const RunResult &result);
    /// No further run starts (Stop, Ctrl+C, a run that could not start); the one under way may still be
    /// recorded.
    void stop() { m_stopped = true; }
    /// Nothing under way and nothing more to start.
    bool done() const { return !m_running && !hasNext(); }
    /// The expected value and every counted trial's final value, in order.
    const TrialOutcomes &outcomes() const { return m_outcomes; }
    /// The number of the first trial that went wrong, 0 if none did.
    int firstWrongTrial() const { return m_firstWrong; }

private:
    Plan m_plan;
    int m_count = 0;
    bool m_hasExpected = false;
    int m_started = 0;
    bool m_running = false;
    bool m_stopped = false;
    int m_firstWrong = 0;
    TrialOutcomes m_outcomes;
};

/// One series of a trials histogram: one setting of a scenario (without or with its lock) and its trials.
struct TrialSeriesPlan {
    std::string label;   ///< "without lock", "with lock"; for a scenario without a lock, "trials"
    bool locked = false; ///< the setting guards its updates with the lock
    TrialLoop loop;
};

/// The series a histogram of `scenario` shows with the parameters `given`: when the scenario has a `lock`
/// parameter, the trials without the lock and those with it (in that order), whatever `given` says of the
/// lock; otherwise the one setting given. Each runs the scenario's `trials` count. False with `error`
/// (naming the parameter) when the parameters are refused.
bool histogramSeries(const Scenario &scenario, const std::map<std::string, std::string> &given,
                     std::vector<TrialSeriesPlan> &series, std::string &error);

/// What the trials of `plan` are, for a chart's caption: "bank, process: 100 trials per setting, each a
/// real run of 2 processes doing 100 updates".
std::string trialsCaption(const Plan &plan, int trials);

/// The bins of a histogram of final values: centred on the expected value, `width` values wide, with
/// width a power of three (1, 3, 9, 27, ...) and as narrow as keeps the bins over the values' spread at most
/// `maxBins`. Bin k holds the values from expected + k·width − width/2 to expected + k·width + width/2, so
/// the expected value is the middle of bin 0 (alone in it at width 1), and a bin three times as wide holds
/// three whole narrower bins: something kept per bin is still there, one per bin, once the spread grows.
struct TrialBins {
    std::int64_t expected = 0;
    std::int64_t width = 1;
    std::int64_t first = 0; ///< the lowest bin over the values (and the expected value)
    std::int64_t last = 0;  ///< the highest

    /// The bins over values from `lowest` to `highest`, the expected value included.
    static TrialBins over(std::int64_t expected, std::int64_t lowest, std::int64_t highest, int maxBins = 41);
    /// The bins over every value of `finals`, and the expected value.
    static TrialBins over(std::int64_t expected, const std::vector<std::int64_t> &finals, int maxBins = 41);

    std::int64_t binOf(std::int64_t value) const;
    std::int64_t low(std::int64_t bin) const { return expected + bin * width - width / 2; }
    std::int64_t high(std::int64_t bin) const { return expected + bin * width + width / 2; }
    int count() const { return static_cast<int>(last - first + 1); }
    bool operator==(const TrialBins &) const = default;
};

} // namespace forkscope::core
