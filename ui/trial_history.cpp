#include "ui/trial_history.hpp"

#include <QCoreApplication>

namespace forkscope::ui {

void TrialHistory::clear(int series) { m_sets[series] = {}; }

void TrialHistory::add(int series, std::int64_t final, const TimelineModel &model)
{
    Set &set = m_sets[series];
    set.finals.push_back(final);
    if (!set.firstWithValue.count(final))
        set.firstWithValue[final] = {set.finals.size(), std::make_shared<const TimelineModel>(model)};
}

std::vector<TrialSeries> TrialHistory::series() const
{
    return {{QCoreApplication::translate("MainWindow", "without lock"), m_sets[0].finals},
            {QCoreApplication::translate("MainWindow", "with lock"), m_sets[1].finals}};
}

const TrialHistory::Example *TrialHistory::example(int series, std::int64_t value) const
{
    if (series < 0 || series > 1)
        return nullptr;
    const auto it = m_sets[series].firstWithValue.find(value);
    return it == m_sets[series].firstWithValue.end() ? nullptr : &it->second;
}

} // namespace forkscope::ui
