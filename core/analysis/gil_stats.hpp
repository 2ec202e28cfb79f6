#pragma once

// The GIL over a run, read from its events: how often it changed hands, how long waiters waited, how long
// forced holds lasted, and whether two lanes of one process ever held it at once (they must not).

#include "core/event.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace forkscope::core {

struct GilStats {
    int acquisitions = 0;
    int handOvers = 0; ///< forced: the holder dropped it because a waiter asked
    int dropRequests = 0;
    std::int64_t totalWaitNs = 0;        ///< from each request to its grant
    std::int64_t medianForcedHoldNs = 0; ///< holds that ended in a hand-over: acquire → hand-over
    std::vector<std::int64_t> forcedHoldsNs;
    /// Largest number of lanes of one process holding a GIL at the same instant (1 when the lock works).
    int maxHoldersAtOnce = 0;
};

/// Reads the GIL's waits and holds (core::SpanPairer) and drop requests from `events` (time-ordered).
/// `pidOfLane` maps a lane to its process, as each process has its own GIL.
GilStats gilStats(std::span<const Event> events, const std::vector<int> &pidOfLane);

} // namespace forkscope::core
