#include "core/shared_memory/shared_layout.hpp"

#include "core/shared_memory/pipe.hpp"
#include "core/shared_memory/queue.hpp"

namespace forkscope::core {

namespace {

constexpr std::size_t roundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

} // namespace

SharedLayout sharedLayout(const Plan &plan)
{
    SharedLayout layout;
    for (const VariablePlan &v : plan.variables) {
        std::size_t &next = v.shared ? layout.sharedSlots : layout.globalSlots;
        layout.variableSlot.push_back(next);
        next += static_cast<std::size_t>(v.size);
    }
    std::size_t at = roundUp(layout.sharedSlots * sizeof(std::int64_t), kLockBytes);
    layout.locks = at;
    at += kLockBytes * static_cast<std::size_t>(plan.locks);
    layout.queueCapacities = queueCapacities(plan);
    for (const std::uint32_t capacity : layout.queueCapacities) {
        layout.queues.push_back(at);
        at += SharedQueue::bytesFor(capacity);
    }
    layout.pipes = at;
    at += sizeof(PipeShared) * static_cast<std::size_t>(plan.pipes > 0 ? plan.pipes : 0);
    layout.runningTask = at;
    // Only runs that communicate need the per-lane task slots (a pool's main asks them who died).
    if (!plan.queues.empty() || plan.pipes > 0 || !plan.pools.empty())
        at += roundUp(sizeof(std::int64_t) * (plan.workers.size() + 1), 64);
    layout.totalBytes = at;
    return layout;
}

} // namespace forkscope::core
