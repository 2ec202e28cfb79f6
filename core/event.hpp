#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace forkscope::core {

/// What happened. Values are part of the shared-memory format between the client and the runner.
/// Begin/End pairs become bars on a timeline; the others are instants.
enum class EventType : std::uint8_t {
    WorkerStart = 1, ///< value: pid, arg: tid
    WorkerEnd,       ///< value: exit code (or -1 when killed), arg: signal number (0 = none)
    SleepBegin,      ///< value: requested duration in ns
    SleepEnd,
    ComputeBegin,    ///< value: requested duration in ns
    ComputeEnd,      ///< value: iterations done
    JoinBegin,       ///< arg: lane waited for
    JoinEnd,         ///< arg: lane waited for
    Print,           ///< text: one printed line (split over several events when long, see kMoreText)
    ValueRead,       ///< text: variable name, value: value read
    ValueWrite,      ///< text: variable name, value: value written
    LockWait,        ///< arg: lock id — the request; the wait lasts until LockAcquire
    LockAcquire,     ///< arg: lock id
    LockRelease,     ///< arg: lock id
    MainEnd,         ///< the scenario's main flow reached its last line (the program "ends" here)
    Note,            ///< text: a remark from the engine (e.g. "about to crash"); value: a code
    Spawn,           ///< main asks for a worker to start (Process.start()); arg: the lane started
    // Queues, pipes and pools (32..47; 48..63 belong to the GIL lab). See core/queue.hpp, core/pipe.hpp.
    // A queue event's arg packs the queue id (top 8 bits) and, for a put, get or close, the queue's fill
    // level after it (low 24 bits; set by the collector from the merged events, see Run::setQueueFill):
    // queueEventArg / queueIdOf / queueFillOf. Message texts are labels "#<seq>" or "#<seq> <text>",
    // where seq is the message's number in its queue (or on its sending pipe end): the pairing id that
    // links a put to its get and a send to its receive (formatMessageLabel / parseMessageLabel).
    QueuePut = 32,   ///< value: the message's value, arg: queue id | fill after the put, text: "#seq text"
    QueueGet,        ///< value: the message's value, arg: queue id | fill after the get, text: "#seq text"
    QueueBlockBegin, ///< value: 0 blocked on a full queue (put), 1 on an empty one (get), arg: queue id;
                     ///< value 2: a pipe receive waiting for a message, arg: the receiving end
    QueueBlockEnd,   ///< value: 0 woken with room/a message, 1 timed out, 2 closed, 3 cancelled/aborted;
                     ///< arg as in its begin
    PipeSend,        ///< value: the message's value, arg: the sending end (pipe p has ends 2p, 2p+1), text: "#seq text"
    PipeRecv,        ///< value: the message's value, arg: the receiving end, text: "#seq text" (seq of the sender's end)
    TaskBegin,       ///< a pool task starts on this worker; value: its argument, arg: task index, text: function
    TaskEnd,         ///< value: the result, arg: task index; kError when the task did not finish
    QueueOpen,       ///< recorded by main before its first step; value: capacity, arg: queue id, text: queue name
    QueueClose,      ///< queue.close(); arg: queue id | fill at the close
    // The GIL (core/gil.hpp): a per-process interpreter lock that Python-like threads contend on.
    GilRequest = 48, ///< the lane asks for its process's GIL; it waits until GilAcquire
    GilAcquire,      ///< value: ns waited since the request; arg: the lane that took it before (-1: none)
    GilRelease,      ///< gave it up for a blocking call or at its end; value: ns held
    GilDropRequest,  ///< waited the switch interval: asks the holder to drop it; arg: the holder's lane
    GilHandOver,     ///< dropped it because a waiter asked (a forced switch); value: ns held; arg: who asked
};

/// Flags on an event.
enum EventFlag : std::uint8_t {
    kMoreText = 1, ///< the text continues in the lane's next event
    kCancelled = 2, ///< the step or worker ended because the run was cancelled
    kContinued = 4, ///< this slot continues the previous slot's text (storage only)
    kLate = 8,      ///< published after later events: its time was raised to keep the stream ordered
    kError = 16,    ///< a Note that is an error message (the worker fails with it)
    /// Storage only: the text is a message's seq (4 bytes) and its text, which the collector turns into the
    /// label "#seq text"; a worker stores the number as it is instead of formatting it (recordMessage).
    kSeqLabel = 32,
};

/// A human name for the type ("sleep", "print", ...), stable for exports.
std::string_view eventTypeName(EventType type) noexcept;

/// One event as the consumer sees it: time relative to the run's start, text joined whole.
struct Event {
    std::int64_t timeNs = 0; ///< since the run's start (the client's clock reading at spawn)
    std::uint32_t lane = 0;  ///< 0 is main
    EventType type = EventType::Note;
    std::uint8_t flags = 0;
    std::int32_t arg = 0;
    std::int64_t value = 0;
    std::string text;
};

} // namespace forkscope::core
