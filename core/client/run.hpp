#pragma once

#include "core/event.hpp"
#include "core/plan/plan.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace forkscope::core {

/// A lane as the client knows it: who it is and its OS ids (0 until the worker has started).
struct LaneInfo {
    std::string name;
    WorkerKind kind = WorkerKind::Main;
    int pid = 0;
    int tid = 0;
};

/// How one lane ended.
struct LaneOutcome {
    LaneInfo info;
    bool started = false;
    bool ended = false;
    bool cancelled = false;
    int exitCode = 0;          ///< -1 when killed by a signal
    int signal = 0;            ///< 0 when it exited normally
    std::int64_t startNs = -1; ///< relative to main's start
    std::int64_t endNs = -1;
    std::vector<std::int64_t> read;  ///< values this lane read, in order
    std::vector<std::int64_t> wrote; ///< values this lane wrote, in order
    std::string error;               ///< the error the worker failed with (e.g. an IndexError), if any
};

/// Contention on one lock over a run.
struct LockStats {
    int id = 0;
    int acquisitions = 0;
    std::int64_t totalWaitNs = 0;   ///< from each request (LockWait) to its grant (LockAcquire)
    std::int64_t longestWaitNs = 0;
    std::int64_t totalHoldNs = 0;   ///< from each grant to its release
};

struct RunResult {
    std::string scenario;
    std::string kind;
    double timeScale = 1;
    bool cancelled = false;
    std::string error;          ///< set when the run could not run (runner failed or died)
    int runnerPid = 0;
    int runnerExitCode = 0;
    int runnerSignal = 0;
    std::int64_t wallNs = 0;    ///< main's start to main's end, after the implicit join at exit
    std::int64_t mainEndNs = -1; ///< when main reached its last line (before the implicit join)
    std::uint64_t lostEvents = 0;
    std::vector<LaneOutcome> lanes; ///< [0] is main
    std::vector<LockStats> locks;   ///< one per lock the plan declares

    bool failed() const { return !error.empty(); }
};

/// One run of a plan, live. start() spawns a forkscope-runner process (its own process group, tied to
/// this thread by PR_SET_PDEATHSIG) that interprets the plan; a collector thread here drains every lane's
/// ring into one time-ordered event list that callers read while the run goes on: about once a millisecond
/// while someone reads it (a read in the last 100 ms), else when a ring is half full or holds an event
/// 50 ms old, and at the end.
///
/// Call start() from a thread that outlives the run (the main or GUI thread): if the thread that spawned
/// the runner exits, the kernel kills the runner. The first start() makes this process a child subreaper
/// so that workers orphaned by a killed runner come back here to be reaped.
class Run {
public:
    struct Options {
        std::string runnerPath; ///< empty: defaultRunnerPath()
    };

    static std::unique_ptr<Run> start(const Plan &plan, const Options &options, std::string &error);
    static std::unique_ptr<Run> start(const Plan &plan, std::string &error) { return start(plan, {}, error); }
    ~Run(); ///< cancels a run still going and waits for it

    Run(const Run &) = delete;
    Run &operator=(const Run &) = delete;

    /// Asks every worker to stop: sleeps and computations end at once, child processes are killed. If the
    /// runner has not finished 150 ms later, its whole process group is killed.
    void cancel();
    void wait();
    bool waitFor(std::chrono::nanoseconds timeout); ///< true once finished
    bool finished() const;

    /// Events published so far, in time order. Appends those from index `from` to `out`; returns the count.
    std::size_t copyEvents(std::size_t from, std::vector<Event> &out) const;
    std::vector<Event> events() const;
    std::size_t eventCount() const;
    std::vector<LaneInfo> lanes() const;
    /// Time since main started (0 before), for live displays.
    std::int64_t elapsedNs() const;
    std::uint64_t lostEvents() const;
    /// Complete once finished().
    RunResult result() const;
    const Plan &plan() const { return m_plan; }
    int runnerPid() const { return m_runnerPid; }

    /// $FORKSCOPE_RUNNER, else forkscope-runner beside this executable, else the one in the build tree.
    static std::string defaultRunnerPath();

private:
    Run() = default;
    void collect();
    void drain(bool final);
    /// Some lane's ring holds half its capacity not yet drained, or an event older than 50 ms.
    bool ringsNeedDraining(std::int64_t nowNs) const;
    void finish(int status);
    void buildResult(int status);

    Plan m_plan;
    SharedRegion m_region;
    int m_runnerPid = 0;
    std::thread m_collector;

    mutable std::mutex m_mutex;
    std::condition_variable m_finishedCv;
    mutable std::atomic<std::int64_t> m_lastReadNs{0}; ///< when someone last read the events (monotonic ns)

    /// The published events, time-ordered: a list of chunks, each one drain's batch moved in whole, so
    /// publishing a busy drain holds the lock for as long as a pointer move (a quiet one's few events join
    /// the last chunk).
    class EventLog {
    public:
        std::size_t size() const { return m_size; }
        void append(std::vector<Event> &&batch);
        void copyFrom(std::size_t from, std::vector<Event> &out) const; ///< appends events [from, size())
        const std::vector<std::vector<Event>> &chunks() const { return m_chunks; }

    private:
        std::vector<std::vector<Event>> m_chunks;
        std::vector<std::size_t> m_starts; ///< the index of each chunk's first event
        std::size_t m_size = 0;
    };
    EventLog m_events;
    /// Where the collector is in one lane's ring: slots [tail, head) are recorded and not yet published.
    struct Cursor {
        const RawEvent *ring = nullptr; ///< the lane's event slots (not "slots": a Qt macro)
        std::uint64_t tail = 0;
        std::uint64_t head = 0;
    };
    using Head = std::pair<std::int64_t, std::uint32_t>; ///< a lane's next time, the lane
    /// Converts the event at `c`'s tail (with the rest of a long text) onto m_batch and moves the tail past it.
    void convertNext(Cursor &c, std::uint32_t lane);
    /// Sets a queue event's fill level from the puts and gets converted so far (`seq`: a put's or get's
    /// message number, null for a close).
    void setQueueFill(Event &e, const std::uint32_t *seq);
    std::vector<Cursor> m_cursors; ///< collector only
    std::vector<Head> m_heads;     ///< collector only: the merge's heap, kept to reuse its memory
    std::vector<Event> m_batch;    ///< collector only: one drain's events, converted outside the lock
    std::int64_t m_lastTimeNs = INT64_MIN; ///< collector only: the time of the last event converted
    /// Collector only: per queue id, the messages put and got as of the last event converted (one past the
    /// highest seq seen), from which every queue event's fill level is set (see convertNext).
    struct QueueCount {
        std::uint64_t puts = 0;
        std::uint64_t gets = 0;
        std::uint64_t capacity = 0; ///< the queue's capacity (a put proves the gets that made room for it)
    };
    std::vector<QueueCount> m_queueCounts;
    std::uint64_t m_ringMask = 0;
    std::int64_t m_rawStartNs = 0;     ///< main's WorkerStart on the monotonic clock (0 = not yet)
    bool m_finished = false;
    bool m_cancelRequested = false;
    bool m_runnerReapedElsewhere = false;
    std::int64_t m_cancelAtNs = 0;
    RunResult m_result;
};

} // namespace forkscope::core
