#pragma once

#include "core/analysis/trials.hpp"
#include "ui/trial_runner.hpp"
#include "ui/trials_chart.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace forkscope::ui {

/// The trials of one batch, per series (the bank without and with its lock): every final value for the
/// chart, and a few whole trials to show when a bar is clicked — one per bar, not one per trial. The bars
/// are the chart's own bins (core::TrialBins over every final value of the batch), so each bar with trials
/// has a kept trial; when the spread grows and the bins widen, each wider bin keeps one of the trials its
/// narrower bins kept. Of the trials in a bar, the one kept is the first that lost updates (so a click on
/// the expected value's bar without the lock shows lost deposits and withdrawals that cancelled out), else
/// the first.
class TrialHistory {
public:
    /// A kept trial: its number in its series, its final value, its lost updates and the run itself.
    struct Example {
        int trial = 0;
        std::int64_t final = 0;
        int lostUpdates = 0;
        std::shared_ptr<const TrialRun> run;
    };

    /// A new batch: `series` gives each series' label and setting (their finals are ignored); every trial
    /// kept so far is dropped.
    void reset(std::int64_t expected, std::vector<TrialSeries> series);
    /// Counts a finished trial of the batch.
    void add(const FinishedTrial &trial);
    std::int64_t expected() const { return m_expected; }
    /// Every series with the final values counted so far, for the chart.
    const std::vector<TrialSeries> &series() const { return m_series; }
    /// The bins the chart draws the series in.
    const core::TrialBins &bins() const { return m_bins; }
    /// The trial kept for the bar of series `series` holding the values `low`..`high`, or null.
    const Example *example(int series, std::int64_t low, std::int64_t high) const;
    /// How many whole trials are kept (at most one per bar).
    std::size_t keptCount() const;
    /// Every kept trial with its series, series by series and by bar (for saving the batch).
    std::vector<std::pair<int, Example>> keptTrials() const;
    /// A batch saved earlier: every series with its final values, and the trials that were kept whole
    /// (each with its series), as keptTrials() gave them. Drops whatever was there.
    void restore(std::int64_t expected, std::vector<TrialSeries> series,
                 std::vector<std::pair<int, Example>> kept);

private:
    /// Whether `candidate` is a better trial to show than `kept`.
    static bool better(const Example &candidate, const Example &kept);
    void keep(std::size_t series, Example example);

    std::int64_t m_expected = 0;
    std::vector<TrialSeries> m_series;
    std::vector<std::int64_t> m_all; ///< every final value of every series, for the bins
    core::TrialBins m_bins;
    std::vector<std::map<std::int64_t, Example>> m_kept; ///< per series: bin → its trial
};

} // namespace forkscope::ui
