#pragma once

// Where everything a plan keeps in the run's shared memory lives: the one computation of the shared area's
// layout, used by the client to size the region and by the runner to place Values, Arrays, locks, queues,
// pipes and pools' bookkeeping in it.

#include "core/plan/plan.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace forkscope::core {

inline constexpr std::size_t kLockBytes
    = 64; ///< one lock (process-shared pthread mutex or std::mutex), a cache line

/// Byte offsets in the shared area (SharedRegion::sharedArea()), each 64-byte aligned.
struct SharedLayout {
    /// Per variable of the plan: its first element's index among the shared slots (shared variables) or
    /// among the runner's private globals (the others). Elements are 8 bytes each.
    std::vector<std::size_t> variableSlot;
    std::size_t sharedSlots = 0;                ///< 8-byte slots of shared variables, from offset 0
    std::size_t globalSlots = 0;                ///< slots the runner keeps in its own memory (copied by fork)
    std::size_t locks = 0;                      ///< the plan's locks, kLockBytes apart
    std::vector<std::uint32_t> queueCapacities; ///< every queue by id: the plan's, then each pool's two
    std::vector<std::size_t> queues;            ///< each queue's block (SharedQueue::bytesFor its capacity)
    std::size_t pipes = 0;                      ///< one PipeShared per pipe
    std::size_t runningTask = 0;                ///< one int64 per lane: the pool task it runs (-1: none)
    std::size_t totalBytes = 0;
};

/// The layout of `plan`'s shared area.
SharedLayout sharedLayout(const Plan &plan);

} // namespace forkscope::core
