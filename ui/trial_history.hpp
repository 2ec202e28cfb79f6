#pragma once

#include "ui/timeline_model.hpp"
#include "ui/trials_chart.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace forkscope::ui {

/// The trials the Trials chart draws, per lock setting (series 0: without the lock, 1: with it): every
/// final value, and the timeline of the first trial that ended with each value (what a click on its bar
/// shows; one kept per bar, not per trial).
class TrialHistory {
public:
    /// A trial kept to be shown: its number in its series and its timeline.
    struct Example {
        std::size_t trial = 0;
        std::shared_ptr<const TimelineModel> model;
    };

    /// Forgets series `series` (a new batch of trials of that setting begins).
    void clear(int series);
    /// Counts a trial of `series` that ended with `final`; `model` is copied if it is the first to end so.
    void add(int series, std::int64_t final, const TimelineModel &model);
    /// Both series for the chart, labelled.
    std::vector<TrialSeries> series() const;
    /// The first trial of `series` that ended with `value`, or null.
    const Example *example(int series, std::int64_t value) const;

private:
    struct Set {
        std::vector<std::int64_t> finals;
        std::map<std::int64_t, Example> firstWithValue;
    };
    Set m_sets[2];
};

} // namespace forkscope::ui
