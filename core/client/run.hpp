#pragma once

#include "core/analysis/run_result.hpp"
#include "core/client/collector.hpp"
#include "core/client/wait_watch.hpp"
#include "core/event.hpp"
#include "core/plan/plan.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace forkscope::core {

/// One run of a plan, live. start() spawns a forkscope-runner process (its own process group, tied to
/// this thread by PR_SET_PDEATHSIG) that interprets the plan; a collector thread here drains every lane's
/// ring (EventCollector) into one time-ordered event list that callers read while the run goes on: about once a millisecond
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
        /// How long the runner has to say it is ready (it read the plan and is about to run main; a start
        /// takes milliseconds). One that has not said so by then is killed and the run fails, naming it.
        std::chrono::milliseconds readyTimeout{10'000};
    };

    /// The run keeps the plan it is given: shared, so a caller that keeps it too (the window) does not copy
    /// it (a plan of a million items took ~45 ms to copy, on the GUI thread).
    static std::unique_ptr<Run> start(std::shared_ptr<const Plan> plan, const Options &options,
                                      std::string &error);
    static std::unique_ptr<Run> start(const Plan &plan, const Options &options, std::string &error)
    {
        return start(std::make_shared<const Plan>(plan), options, error);
    }
    static std::unique_ptr<Run> start(const Plan &plan, std::string &error) { return start(plan, {}, error); }
    ~Run(); ///< cancels a run still going and waits for it

    Run(const Run &) = delete;
    Run &operator=(const Run &) = delete;

    /// Asks every worker to stop: sleeps and computations end at once, child processes are killed. If the
    /// runner has not finished 150 ms later, its whole process group is killed. What the run was waiting
    /// for at that moment, if anything for a second or more, goes into the result (`waitingAtCancel`).
    void cancel();
    void wait();
    bool waitFor(std::chrono::nanoseconds timeout); ///< true once finished
    bool finished() const;

    /// Events published so far, in time order. Appends those from index `from` to `out`, at most `max` of
    /// them; returns the index after the last one appended (the count published, when `max` did not stop it).
    std::size_t copyEvents(std::size_t from, std::vector<Event> &out, std::size_t max = SIZE_MAX) const;
    std::vector<Event> events() const;
    /// Moves every event out of a finished run, never holding them twice (a run of ten million events is
    /// 700 MB of them); events() and copyEvents() have none left after it.
    std::vector<Event> takeEvents();
    std::size_t eventCount() const;
    std::vector<LaneInfo> lanes() const;
    /// Time since main started (0 before), for live displays.
    std::int64_t elapsedNs() const;
    std::uint64_t lostEvents() const;
    /// Complete once finished().
    RunResult result() const;
    /// The worker (or main) the run is waiting for, if it has waited for it at least `minWait` (see
    /// WaitWatch::waitingFor): a stopped one first, else the one main is joining. Reads the events published
    /// since the last call and, for lanes silent that long, their state in /proc. Nothing once finished.
    std::optional<Waiting> waitingFor(std::chrono::nanoseconds minWait) const;
    const Plan &plan() const { return *m_plan; }
    int runnerPid() const { return m_runnerPid; }

    /// $FORKSCOPE_RUNNER, else forkscope-runner beside this executable (the build tree's bin/), else the
    /// installed one (`<exe dir>/../libexec/forkscope-runner`), else, for a program of the build tree, the
    /// build's runner. When none exists, the installed path, so the error names where it should be.
    static std::string defaultRunnerPath();

private:
    Run() = default;
    /// The collector thread: drains the rings while the runner lives, then reaps it and builds the result.
    /// It is started before the runner and waits until openGate() says whether the runner was spawned.
    void collect();
    void openGate(bool go);
    void finish(int status);

    std::shared_ptr<const Plan> m_plan;
    SharedRegion m_region;
    std::unique_ptr<EventCollector> m_collector; ///< the rings' reader (drained on m_collectorThread)
    std::int64_t m_exitSeenNs = 0; ///< monotonic ns when the collector saw the runner exit (0: not seen)
    int m_runnerPid = 0;
    std::string m_runnerPath;
    std::int64_t m_readyTimeoutNs = 0;
    std::string m_notReady; ///< why the runner was killed before it said it was ready (collector thread)
    std::thread m_collectorThread;

    mutable std::mutex m_mutex;
    std::condition_variable m_finishedCv;
    enum class Gate { Wait, Go, Abort };
    Gate m_gate = Gate::Wait; ///< whether the collector may begin (guarded by m_mutex)
    std::condition_variable m_gateCv;
    bool m_finished = false;
    bool m_cancelRequested = false;
    bool m_runnerReapedElsewhere = false;
    std::int64_t m_cancelAtNs = 0;
    std::string m_waitingAtCancel;
    RunResult m_result;

    mutable std::mutex m_watchMutex; ///< guards the two below (waitingFor may be called from any thread)
    mutable WaitWatch m_watch;
    mutable std::size_t m_watched = 0; ///< events fed to m_watch so far
};

} // namespace forkscope::core
