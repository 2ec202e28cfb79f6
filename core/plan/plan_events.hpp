#pragma once

// How many events a plan will record, estimated before it runs: the engine sizes each lane's ring from it
// (a scenario says what runs, never how big a buffer is), and a run too big to keep is refused before it
// starts rather than losing events.

#include "core/plan/plan.hpp"

#include <cstdint>
#include <vector>

namespace forkscope::core {

/// The most events a run may be expected to record (the window keeps every event of a run).
inline constexpr std::uint64_t kMaxEstimatedEvents = 20'000'000;

/// Estimated events per lane: main first, then each worker. Loops count their items; a repeat counts the
/// messages that could reach it; a pool's workers count its items; a GIL lane counts its hand-overs.
std::vector<std::uint64_t> estimateLaneEvents(const Plan &plan);
/// The sum over the lanes.
std::uint64_t estimateEvents(const Plan &plan);
/// Events per lane's ring: room for the busiest lane's estimate with a margin, a power of two from 16,384
/// to 4,194,304 (the collector drains the rings while the run goes on, so a ring need not hold a whole run).
std::uint32_t ringCapacityFor(const Plan &plan);

} // namespace forkscope::core
