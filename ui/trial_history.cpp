#include "ui/trial_history.hpp"

namespace forkscope::ui {

void TrialHistory::reset(std::int64_t expected, std::vector<TrialSeries> series)
{
    m_expected = expected;
    m_series = std::move(series);
    for (TrialSeries &s : m_series)
        s.finals.clear();
    m_all.clear();
    m_bins = core::TrialBins::over(expected, m_all);
    m_kept.assign(m_series.size(), {});
}

bool TrialHistory::better(const Example &candidate, const Example &kept)
{
    if ((candidate.lostUpdates > 0) != (kept.lostUpdates > 0))
        return candidate.lostUpdates > 0;
    return candidate.trial < kept.trial;
}

void TrialHistory::keep(std::size_t series, Example example)
{
    const std::int64_t bin = m_bins.binOf(example.final);
    auto &kept = m_kept[series];
    const auto it = kept.find(bin);
    if (it == kept.end())
        kept.emplace(bin, std::move(example));
    else if (better(example, it->second))
        it->second = std::move(example);
}

void TrialHistory::add(const FinishedTrial &trial)
{
    if (trial.series < 0 || static_cast<std::size_t>(trial.series) >= m_series.size())
        return;
    const auto series = static_cast<std::size_t>(trial.series);
    m_series[series].finals.push_back(trial.record.final);
    m_all.push_back(trial.record.final);
    const core::TrialBins bins = core::TrialBins::over(m_expected, m_all);
    if (bins.width != m_bins.width) {
        // Wider bins: each holds whole narrower ones, so one of their trials is kept for it.
        m_bins = bins;
        for (std::size_t s = 0; s < m_kept.size(); ++s) {
            std::map<std::int64_t, Example> old;
            old.swap(m_kept[s]);
            for (auto &[bin, example] : old)
                keep(s, std::move(example));
        }
    }
    m_bins = bins;
    keep(series, {trial.record.trial, trial.record.final, trial.lostUpdates, trial.run});
}

const TrialHistory::Example *TrialHistory::example(int series, std::int64_t low, std::int64_t high) const
{
    if (series < 0 || static_cast<std::size_t>(series) >= m_kept.size())
        return nullptr;
    const Example *found = nullptr;
    for (const auto &[bin, example] : m_kept[static_cast<std::size_t>(series)])
        if (example.final >= low && example.final <= high && (!found || better(example, *found)))
            found = &example;
    return found;
}

std::size_t TrialHistory::keptCount() const
{
    std::size_t n = 0;
    for (const auto &kept : m_kept)
        n += kept.size();
    return n;
}

std::vector<std::pair<int, TrialHistory::Example>> TrialHistory::keptTrials() const
{
    std::vector<std::pair<int, Example>> out;
    for (std::size_t s = 0; s < m_kept.size(); ++s)
        for (const auto &[bin, example] : m_kept[s])
            out.emplace_back(static_cast<int>(s), example);
    return out;
}

void TrialHistory::restore(std::int64_t expected, std::vector<TrialSeries> series,
                           std::vector<std::pair<int, Example>> kept)
{
    m_expected = expected;
    m_series = std::move(series);
    m_all.clear();
    for (const TrialSeries &s : m_series)
        m_all.insert(m_all.end(), s.finals.begin(), s.finals.end());
    m_bins = core::TrialBins::over(expected, m_all);
    m_kept.assign(m_series.size(), {});
    for (auto &[s, example] : kept)
        if (s >= 0 && static_cast<std::size_t>(s) < m_kept.size())
            keep(static_cast<std::size_t>(s), std::move(example));
}

} // namespace forkscope::ui
