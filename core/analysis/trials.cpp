#include "core/analysis/trials.hpp"

#include "core/scenario/scenarios.hpp"

#include <utility>

namespace forkscope::core {

int TrialOutcomes::wrong() const
{
    int n = 0;
    for (const std::int64_t f : finals)
        n += f != expected;
    return n;
}

std::int64_t mainFinal(const RunResult &result)
{
    return result.lanes.empty() || result.lanes[0].read.empty() ? 0 : result.lanes[0].read.back();
}

TrialLoop::TrialLoop(Plan plan, int count, std::optional<std::int64_t> expected)
        : m_plan(std::move(plan)), m_count(count), m_hasExpected(expected.has_value())
{
    m_outcomes.expected = expected.value_or(0);
}

TrialLoop TrialLoop::forScenario(const Scenario &scenario, const ParamSet &values, Plan plan)
{
    const int count = scenario.param("trials") ? values.integer("trials") : 1;
    std::optional<std::int64_t> expected;
    if (scenario.expected)
        expected = scenario.expected(values);
    return TrialLoop(std::move(plan), count, expected);
}

int TrialLoop::startNext()
{
    m_running = true;
    return ++m_started;
}

TrialRecord TrialLoop::record(const RunResult &result)
{
    m_running = false;
    TrialRecord r;
    r.trial = m_started;
    if (result.cancelled || result.failed()) {
        m_stopped = true; // a later trial would be cancelled or fail the same way
        return r;
    }
    if (!repeated())
        return r;
    r.counted = true;
    r.final = mainFinal(result);
    m_outcomes.finals.push_back(r.final);
    r.wrong = m_hasExpected && r.final != m_outcomes.expected;
    if (r.wrong && m_firstWrong == 0)
        m_firstWrong = r.trial;
    // Show the first trial that went wrong; until one does, the latest (so the last when none does).
    r.show = m_outcomes.finals.size() == 1 || (r.wrong && m_firstWrong == r.trial) || m_firstWrong == 0;
    return r;
}

} // namespace forkscope::core
