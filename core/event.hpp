#pragma once

// The event schema: what every layer of Forkscope agrees an event is. Workers record events into their
// lane's ring (core/shared_memory/event_ring.hpp), the client's collector turns them into this form
// (core/client/collector.cpp), and every consumer — spans, results, traces, the timeline — reads the same
// fields. Facts travel as fields (a message's seq, a queue's fill, a variable's id and index, the write a
// read saw); text is only there when text is the payload (a printed line, a note, a name).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

/// Kinds of lane. Values are part of the shared format.
enum class WorkerKind : std::uint8_t {
    Main = 0,       ///< the scenario's main flow
    Sequential = 1, ///< a "worker" called as a plain function by main, on main's thread
    Thread = 2,     ///< a std::thread in the runner process
    Process = 3,    ///< a fork()ed child of the runner process
};

std::string_view workerKindName(WorkerKind kind) noexcept;

/// What happened. Values are part of the shared-memory format between the client and the runner.
/// Begin/End pairs become spans (core/analysis/spans.hpp); the others are instants.
///
/// Fields per type (`value`, `arg`, `detail`, `id`, `ref`, `text`; unnamed ones are 0 or empty):
enum class EventType : std::uint8_t {
    WorkerStart = 1, ///< value: pid, arg: tid
    WorkerEnd,       ///< value: exit code (or -1 when killed), arg: signal number (0 = none)
    SleepBegin,      ///< value: requested duration in ns
    SleepEnd,
    ComputeBegin, ///< value: requested duration in ns (a work step's whole); arg: kWorkResumesAfterGil when
                  ///< it resumes a work step after a GIL hand-over
    ComputeEnd,   ///< value: iterations (or work units) done in this span; arg: kWorkPausesForGil when the
                  ///< work step stops there to hand the GIL over and goes on in a later span
    JoinBegin,    ///< arg: lane waited for
    JoinEnd,      ///< arg: lane waited for
    Print,       ///< text: one printed line; detail kProcessTableHeading: a process table's heading line, and
                 ///< value: how many processes the table lists
    ValueRead,   ///< value: the value read; arg: variable id (its index in the plan); detail: element;
                 ///< ref: id of the write it saw (0: the initial value, or not known)
    ValueWrite,  ///< value: the value written; arg: variable id; detail: element; id: this write's id
                 ///< (0: not known); ref: id of the write it replaced (0: the initial value, or not known)
    LockWait,    ///< arg: lock id — the request; the wait lasts until LockAcquire
    LockAcquire, ///< arg: lock id
    LockRelease, ///< arg: lock id
    MainEnd,     ///< the scenario's main flow reached its last line (the program "ends" here)
    Note,        ///< text: a remark from the engine (e.g. "about to crash"); value: a code; arg kNoteCrash:
                 ///< the worker's own crash step is about to raise signal `value`
    Spawn,       ///< main asks for a worker to start (Process.start()); arg: the lane started
    VariableOpen, ///< recorded by main before its first step; value: initial value, arg: variable id,
                  ///< detail: elements, text: the variable's name; flag kShared when in shared memory,
                  ///< kList when it is a list
    // Queues, pipes and pools (32..47; 48..63 belong to the GIL lab). See core/shared_memory/queue.hpp and
    // pipe.hpp. A message's seq (`id`) is its number in its queue, or on its sending pipe end: what pairs a
    // put with its get and a send with its receive (see flowKey below).
    QueuePut = 32,   ///< value: the message's value, arg: queue id, detail: fill after the put, id: seq,
                     ///< text: the message's text
    QueueGet,        ///< value: the message's value, arg: queue id, detail: fill after the get, id: seq,
                     ///< text: the message's text
    QueueBlockBegin, ///< value: 0 blocked on a full queue (put), 1 on an empty one (get), arg: queue id;
                     ///< value 2: a pipe receive waiting for a message, arg: the receiving end
    QueueBlockEnd,   ///< value: 0 woken with room/a message, 1 timed out, 2 closed, 3 cancelled/aborted;
                     ///< arg as in its begin
    PipeSend,        ///< value: the message's value, arg: the sending end (pipe p has ends 2p, 2p+1), id: seq
                     ///< on that end, text: the message's text
    PipeRecv,        ///< value: the message's value, arg: the receiving end, id: the sender's seq, text
    TaskBegin,  ///< a pool task starts on this worker; value: its argument, arg: task index, text: function
    TaskEnd,    ///< value: the result, arg: task index; kError when the task did not finish
    QueueOpen,  ///< recorded by main before its first step; value: capacity, arg: queue id, text: queue name
    QueueClose, ///< queue.close(); arg: queue id, detail: fill at the close
    // The GIL (core/shared_memory/gil.hpp): a per-process interpreter lock that Python-like threads contend on.
    GilRequest = 48, ///< the lane asks for its process's GIL; it waits until GilAcquire
    GilAcquire,      ///< value: ns waited since the request; arg: the lane that took it before (-1: none)
    GilRelease,      ///< gave it up for a blocking call or at its end; value: ns held
    GilDropRequest,  ///< waited the switch interval: asks the holder to drop it; arg: the holder's lane
    GilHandOver,     ///< dropped it because a waiter asked (a forced switch); value: ns held; arg: who asked
};

/// Flags on an event.
enum EventFlag : std::uint8_t {
    kMoreText = 1,  ///< storage only: the text continues in the lane's next slot
    kCancelled = 2, ///< the step or worker ended because the run was cancelled
    kContinued = 4, ///< storage only: this slot continues the previous slot's text
    kLate = 8,      ///< published after later events: its time was raised to keep the stream ordered
    kError = 16,    ///< a Note that is an error message (the worker fails with it); a TaskEnd that failed
    kShared = 32,   ///< a VariableOpen of a variable in shared memory (Value, Array), not a global
    kList = 64,     ///< a VariableOpen of a list (some step appends to it): element 0 is its length
};

/// A work step computes only while its thread holds the GIL: at each hand-over its compute span ends (a
/// ComputeEnd with this arg) and a new one begins once the GIL is back (a ComputeBegin with the other).
inline constexpr std::int32_t kWorkPausesForGil = 1;
inline constexpr std::int32_t kWorkResumesAfterGil = 1;

/// A Print's detail when it is the heading line of a process table (main's snapshot step).
inline constexpr std::int32_t kProcessTableHeading = 1;

/// A Note's arg when the worker's plan crashes it on purpose (a crash step): value is the signal it raises,
/// so a death by that signal is the lesson, not a fault.
inline constexpr std::int32_t kNoteCrash = 1;

/// A human name for the type ("sleep begin", "print", ...), stable for exports.
std::string_view eventTypeName(EventType type) noexcept;

/// "SIGSEGV" for 11; "signal 77" for unknown numbers.
std::string signalName(int signal);

/// One event as the consumer sees it: time relative to the run's start, text joined whole.
struct Event {
    std::int64_t timeNs = 0; ///< since the run's start (main's WorkerStart)
    std::int64_t value = 0;
    std::int32_t arg = 0;    ///< the object the event is about: lane, lock, queue, pipe end, variable, task
    std::int32_t detail = 0; ///< a second number: a queue's fill, an array element
    std::uint32_t id = 0;    ///< the event's own id within its object: a message's seq, a write's id
    std::uint32_t ref = 0;   ///< the id it refers to: the write a read saw, the write a write replaced
    std::uint32_t lane = 0;  ///< 0 is main
    EventType type = EventType::Note;
    std::uint8_t flags = 0;
    std::string text;
};

/// A message event's pairing key: the same for a put and the get that took its message (queue id, seq)
/// and for a send and the receive of it (the sending end, seq); unique among the messages of one run.
/// Only meaningful for QueuePut, QueueGet, PipeSend and PipeRecv.
inline std::uint64_t flowKey(const Event &e) noexcept
{
    const bool pipe = e.type == EventType::PipeSend || e.type == EventType::PipeRecv;
    // A receive happens on the other end of the one that sent: pipe p's ends are 2p and 2p+1.
    const auto channel = static_cast<std::uint32_t>(e.type == EventType::PipeRecv ? e.arg ^ 1 : e.arg);
    return (static_cast<std::uint64_t>(pipe) << 63) | (static_cast<std::uint64_t>(channel) << 32) | e.id;
}

/// A write's id (a ValueWrite's `id`; what a ValueRead's and a ValueWrite's `ref` name): the writing lane in
/// the top 11 bits, that lane's count of writes in the low 21. 0 stands for a variable's initial value.
inline constexpr int kWriteCountBits = 21;
inline constexpr std::uint32_t kWriteCountMask = (1u << kWriteCountBits) - 1;
constexpr std::uint32_t writeIdLane(std::uint32_t writeId) noexcept { return writeId >> kWriteCountBits; }

/// The label a message is shown with: "#seq" or "#seq text".
std::string messageLabel(const Event &e);

/// Room for `count` events in `events` (at least), in huge pages where the kernel gives them: a run's events
/// held at once (a finished run's, a saved run's) are read from start to end by whoever builds a timeline of
/// them, and in 4 KiB pages a million events are 18,000 pages, each a TLB miss; on a VM, where a miss walks
/// two page tables, that was a third of building the timeline (bench/README.md). Asked for before the events
/// are written (pages already there stay as they are). Small reservations are only reserved.
void reserveEvents(std::vector<Event> &events, std::size_t count);

} // namespace forkscope::core
