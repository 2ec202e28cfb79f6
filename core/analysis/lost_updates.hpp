#pragma once

// The lost update, found exactly. Every element of a variable holds its value and the id of the write that
// stored it (core/runner/worker.hpp's Cell), so each ValueRead says which write it saw and each ValueWrite
// which write it replaced. An *update* is one lane's read of an element followed by its write of the same
// element. The final value of an element was computed from a chain of updates: the last write, the write its
// read saw, the write that one's read saw, and so on back to the initial value. An update that is not on
// that chain is *lost*: its effect does not reach the final value.
//
// Only what the workers share is analysed: Value and Array elements, and globals when every worker is a
// thread (a forked child's private copy of a global is never "lost"). Where the record cannot be complete
// (events lost, a worker killed between its store and its record, a lane that wrote more than 2^21 times)
// the report says so rather than guess.

#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

struct LostUpdate {
    std::uint32_t lane = 0; ///< whose update was lost
    int variable = 0;       ///< variable id
    int element = 0;
    std::string label;               ///< "balance", "arr[2]"
    std::int64_t read = 0;           ///< the value its read saw
    std::int64_t wrote = 0;          ///< the value it wrote
    std::int64_t readNs = 0;         ///< when it read
    std::int64_t atNs = 0;           ///< when it wrote (the write that got lost)
    std::uint32_t overwrittenBy = 0; ///< the lane whose write replaced it
    std::int64_t overwrittenAtNs = -1;
    std::uint32_t writeId = 0;
    std::uint32_t overwrittenById = 0;
};

struct LostUpdateReport {
    std::vector<LostUpdate> lost; ///< in the order they were written
    int updates = 0;              ///< read→write updates of shared elements, lost or not
    bool complete = true;
    std::string incompleteWhy; ///< when not complete: what is missing
};

/// `events` in time order (one run's); `lostEvents` the run's count of events its rings refused; `processLanes`
/// true for lanes that are forked processes (their globals are private copies).
LostUpdateReport findLostUpdates(const std::vector<Event> &events, std::uint64_t lostEvents,
                                 const std::vector<bool> &processLanes);

/// One lane's lost updates of one variable, counted: what a reader needs to see why "83 lost" leaves a
/// balance only 15 off (a lost +1 and a lost −1 cancel).
struct LostOnLane {
    std::uint32_t lane = 0;
    std::string label;      ///< the variable's label ("balance", "arr[2]")
    int count = 0;          ///< how many of its updates were lost
    std::int64_t delta = 0; ///< what each changed (wrote − read), when all changed the same
    bool sameDelta = true;  ///< every lost update of the lane changed the variable by `delta`
    std::int64_t net = 0;   ///< the sum of their changes: what the variable misses of them
};

/// `report`'s lost updates per lane and variable, in the order of each pair's first lost update.
std::vector<LostOnLane> lostPerLane(const LostUpdateReport &report);

} // namespace forkscope::core
