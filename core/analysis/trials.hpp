#pragma once

// Repeated trials of one plan (a scenario's `trials` parameter: the bank). The command line and the window
// share this bookkeeping; each starts the runs its own way (a blocking wait, or the window's signals).

#include "core/analysis/run_result.hpp"
#include "core/plan/plan.hpp"

#include <cstdint>
#include <optional>

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

} // namespace forkscope::core
