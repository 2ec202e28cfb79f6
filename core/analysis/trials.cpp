#include "core/analysis/trials.hpp"

#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <limits>
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
    const int count = trialsFor(scenario, values);
    std::optional<std::int64_t> expected;
    if (scenario.expected)
        expected = scenario.expected(values);
    return TrialLoop(std::move(plan), count, expected);
}

int TrialLoop::trialsFor(const Scenario &scenario, const ParamSet &values)
{
    return scenario.param("trials") ? values.integer("trials") : 1;
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

bool histogramSeries(const Scenario &scenario, const std::map<std::string, std::string> &given,
                     std::vector<TrialSeriesPlan> &series, std::string &error)
{
    series.clear();
    const bool hasLock = scenario.param("lock") != nullptr;
    for (const bool locked : {false, true}) {
        if (locked && !hasLock)
            break;
        std::map<std::string, std::string> params = given;
        if (hasLock)
            params["lock"] = locked ? "on" : "off";
        Plan plan;
        ParamSet values;
        if (!buildPlan(scenario, params, plan, values, error)) {
            series.clear();
            return false;
        }
        const bool guarded = hasLock && values.flag("lock");
        series.push_back({hasLock ? (guarded ? "with lock" : "without lock") : "trials", guarded,
                          TrialLoop::forScenario(scenario, values, std::move(plan))});
    }
    return true;
}

std::string trialsCaption(const Plan &plan, int trials)
{
    const std::size_t workers = plan.workers.size();
    std::string text = plan.scenario + ", " + plan.kind + ": " + std::to_string(trials)
        + " trials per setting, " + "each a real run of " + std::to_string(workers) + " "
        + (plan.kind == "thread" ? "thread" : "process")
        + (workers == 1 ? "" : (plan.kind == "thread" ? "s" : "es"));
    if (!plan.workers.empty() && !plan.workers[0].items.empty())
        text += " doing " + std::to_string(plan.workers[0].items.size()) + " updates";
    return text;
}

namespace {

/// floor(a / b) for b > 0.
std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

} // namespace

TrialBins TrialBins::over(std::int64_t expected, std::int64_t lowest, std::int64_t highest, int maxBins)
{
    TrialBins bins;
    bins.expected = expected;
    lowest = std::min(lowest, expected);
    highest = std::max(highest, expected);
    for (;;) {
        bins.first = bins.binOf(lowest);
        bins.last = bins.binOf(highest);
        if (bins.count() <= std::max(1, maxBins) || bins.width > std::numeric_limits<std::int64_t>::max() / 6)
            return bins;
        bins.width *= 3;
    }
}

TrialBins TrialBins::over(std::int64_t expected, const std::vector<std::int64_t> &finals, int maxBins)
{
    if (finals.empty())
        return over(expected, expected, expected, maxBins);
    const auto [lo, hi] = std::minmax_element(finals.begin(), finals.end());
    return over(expected, *lo, *hi, maxBins);
}

std::int64_t TrialBins::binOf(std::int64_t value) const
{
    return floorDiv(value - expected + width / 2, width);
}

} // namespace forkscope::core
