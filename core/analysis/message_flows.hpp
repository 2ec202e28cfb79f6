#pragma once

// What went through a run's queues and pipes, from its events: each message from its put (or send) to its
// get (or receive), and each queue's fill level with the stretches in which a worker was blocked on it.
// The focus views (a pipe as a sequence diagram, a queue's fill chart, which worker took which message)
// draw these; they are plain data, so tests check them without Qt.

#include "core/event.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace forkscope::core {

/// One message, paired by its sequence number (flowKey).
struct MessageFlow {
    std::int64_t sendNs = 0;
    std::int64_t receiveNs = -1; ///< -1: never taken (still waiting when the run ended)
    std::uint32_t fromLane = 0;
    std::uint32_t toLane = 0; ///< meaningful once received
    std::int64_t value = 0;
    std::uint32_t seq = 0; ///< its number on its queue or sending pipe end
    int channel = 0;       ///< queue id, or the sending pipe end
    bool pipe = false;
    std::string text; ///< "hello", "message 3", "close"; "" when the message is only its value

    bool received() const noexcept { return receiveNs >= 0; }
};

/// Every message of the run in the order it was sent. Events in time order, as a run's log holds them.
std::vector<MessageFlow> messageFlows(std::span<const Event> events);

/// A worker blocked on a queue: a put waiting for room (`full`) or a get waiting for a message.
struct BlockedStretch {
    std::int64_t begin = 0;
    std::int64_t end = 0;
    std::uint32_t lane = 0;
    bool full = false;
};

/// One queue over the run.
struct QueueHistory {
    int id = 0;
    std::string name;
    std::uint32_t capacity = 0; ///< 0: unbounded (or its QueueOpen was not seen)
    std::vector<std::pair<std::int64_t, std::uint32_t>> fill; ///< (time, messages waiting) after each change
    std::vector<BlockedStretch> blocked;                      ///< in the order they began
    std::uint64_t messages = 0;                               ///< puts

    /// ns in [from, to) during which the queue held `capacity` messages (0 when unbounded).
    std::int64_t fullNs(std::int64_t from, std::int64_t to) const;
    /// ns lane `lane` spent blocked on this queue, on a full queue (`full`) or an empty one.
    std::int64_t blockedNs(std::uint32_t lane, bool full) const;
};

/// The queues that carried at least one message, by id. `endNs` closes stretches still open at the end.
std::vector<QueueHistory> queueHistories(std::span<const Event> events, std::int64_t endNs);

} // namespace forkscope::core
