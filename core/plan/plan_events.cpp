#include "core/plan/plan_events.hpp"

#include <algorithm>

namespace forkscope::core {

namespace {

constexpr std::uint64_t kSaturated = std::uint64_t{1} << 50; ///< "more than anything can keep"

std::uint64_t times(std::uint64_t a, std::uint64_t b)
{
    return (a != 0 && b > kSaturated / a) ? kSaturated : std::min(a * b, kSaturated);
}

/// Events a step records at most, before loops multiply them: a begin and an end, and a blocked wait's
/// begin and end around a queue or pipe operation, a lock's wait, acquire and release.
std::uint64_t stepEvents(const Step &s)
{
    if (!isVisibleStep(s.op))
        return 0;
    switch (s.op) {
    case StepOp::Put:
    case StepOp::Get:
    case StepOp::Send:
    case StepOp::Recv: return 4;
    case StepOp::Lock: return 2;
    default: return 2;
    }
}

struct Totals {
    std::uint64_t messages = 0; ///< puts and sends in the whole plan: what a repeat may go round for
    std::uint64_t poolItems = 0;
    double workSeconds = 0; ///< scaled seconds of GIL-bound work in the whole plan
};

/// Events of `steps` from `begin` to `end`, each loop's body counted once per time round.
std::uint64_t countEvents(const std::vector<Step> &steps, std::size_t begin, std::size_t end,
                          std::uint64_t items, const Totals &totals, const Plan &plan)
{
    std::uint64_t n = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const Step &s = steps[i];
        if (s.op == StepOp::ForEach || s.op == StepOp::Repeat) {
            const std::size_t bodyEnd
                = std::min(end, i + 1 + static_cast<std::size_t>(std::max<std::int64_t>(s.count, 0)));
            const std::uint64_t rounds = s.op == StepOp::ForEach ? items : totals.messages + 1;
            n = std::min(kSaturated,
                         n + times(rounds, countEvents(steps, i + 1, bodyEnd, items, totals, plan)));
            i = bodyEnd - 1;
            continue;
        }
        n += stepEvents(s);
        if (s.op == StepOp::Serve || s.op == StepOp::Map || s.op == StepOp::Submit || s.op == StepOp::Wait)
            n = std::min(kSaturated, n + 6 * totals.poolItems + 16);
        if (s.op == StepOp::Work && plan.gil && plan.switchInterval > 0)
            n = std::min(
                kSaturated,
                n + static_cast<std::uint64_t>(std::min(1e15, 6 * totals.workSeconds / plan.switchInterval))
                    + 64); // hand-overs
    }
    return n;
}

std::uint64_t messagesIn(const std::vector<Step> &steps, std::uint64_t items)
{
    std::uint64_t n = 0;
    std::uint64_t multiplier = 1;
    std::size_t loopEnd = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (i >= loopEnd)
            multiplier = 1;
        const Step &s = steps[i];
        if (s.op == StepOp::ForEach && i >= loopEnd) {
            multiplier = std::max<std::uint64_t>(items, 1);
            loopEnd = i + 1 + static_cast<std::size_t>(std::max<std::int64_t>(s.count, 0));
        }
        n += (s.op == StepOp::Put || s.op == StepOp::Send) ? multiplier : 0;
    }
    return n;
}

} // namespace

std::vector<std::uint64_t> estimateLaneEvents(const Plan &plan)
{
    Totals totals;
    totals.messages = messagesIn(plan.main, 1);
    for (const WorkerPlan &w : plan.workers) {
        totals.messages += messagesIn(w.steps, w.items.size());
        for (const Step &s : w.steps)
            if (s.op == StepOp::Work)
                totals.workSeconds += s.seconds * plan.timeScale;
    }
    for (const PoolPlan &pool : plan.pools)
        totals.poolItems += pool.items.size();
    std::vector<std::uint64_t> lanes;
    lanes.push_back(countEvents(plan.main, 0, plan.main.size(), 1, totals, plan) + 16);
    for (const WorkerPlan &w : plan.workers)
        lanes.push_back(countEvents(w.steps, 0, w.steps.size(), w.items.size(), totals, plan) + 16);
    return lanes;
}

std::uint64_t estimateEvents(const Plan &plan)
{
    std::uint64_t total = 0;
    for (const std::uint64_t n : estimateLaneEvents(plan))
        total = std::min(kSaturated, total + n);
    return total;
}

std::uint32_t ringCapacityFor(const Plan &plan)
{
    std::uint64_t busiest = 0;
    for (const std::uint64_t n : estimateLaneEvents(plan))
        busiest = std::max(busiest, n);
    const std::uint64_t wanted = busiest + busiest / 4 + 64;
    std::uint32_t capacity = 16384;
    while (capacity < wanted && capacity < (1u << 22))
        capacity *= 2;
    return capacity;
}

} // namespace forkscope::core
