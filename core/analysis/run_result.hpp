#pragma once

// What a run came to, read from its events: how each lane ended, what it read and wrote, how each lock was
// contended, and whether the run itself failed. Built by the client once a run is over
// (core/client/run.cpp), and by anything else that holds a run's events.

#include "core/analysis/spans.hpp"
#include "core/event.hpp"
#include "core/plan/plan.hpp"

#include <cstdint>
#include <string>
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
    int crashSignal = 0;             ///< the signal its own crash step raised on purpose (0: none)
};

/// Contention on one lock over a run.
struct LockStats {
    int id = 0;
    int acquisitions = 0;
    std::int64_t totalWaitNs = 0; ///< from each request (LockWait) to its grant (LockAcquire)
    std::int64_t longestWaitNs = 0;
    std::int64_t totalHoldNs = 0; ///< from each grant to its release
};

struct RunResult {
    std::string scenario;
    std::string kind;
    double timeScale = 1;
    bool cancelled = false;
    std::string error; ///< set when the run could not run (runner failed or died)
    /// A cancelled run: what it was waiting for when it was cancelled, if anything for a second or more
    /// ("waiting for worker 2 'producer' (pid 1234) for 12 s — stopped"); else empty.
    std::string waitingAtCancel;
    int runnerPid = 0;
    int runnerExitCode = 0;
    int runnerSignal = 0;
    std::int64_t wallNs = 0;     ///< main's start to main's end, after the implicit join at exit
    std::int64_t mainEndNs = -1; ///< when main reached its last line (before the implicit join)
    std::uint64_t lostEvents = 0;
    std::vector<LaneOutcome> lanes; ///< [0] is main
    std::vector<LockStats> locks;   ///< one per lock the plan declares

    bool failed() const { return !error.empty(); }
};

/// How the runner process ended, as the client saw it (what the events cannot say).
struct RunnerEnding {
    std::vector<LaneInfo> lanes; ///< [0] is main, from the lane table
    int runnerPid = 0;
    int waitStatus = 0;           ///< waitpid's status of the runner
    bool reapedElsewhere = false; ///< someone else reaped the runner: its status is unknown
    bool cancelled = false;       ///< the client asked the run to stop
    bool finishedCleanly = false; ///< the runner said it finished (its phase)
    std::string runnerError;      ///< the runner's own reason when it said it failed, else empty
    std::string notReady;         ///< why the client killed a runner that never said it was ready, else empty
    std::string waitingAtCancel;  ///< see RunResult::waitingAtCancel
    std::uint64_t lostEvents = 0;
    std::int64_t exitSeenNs
        = -1; ///< when the client saw the runner exit, relative to main's start (-1: unknown)
};

/// Reads a finished run's events (fed in time order) into its RunResult.
class RunResultBuilder {
public:
    explicit RunResultBuilder(const Plan &plan);
    void add(const Event &e);
    RunResult finish(const RunnerEnding &ending);

private:
    void spanClosed(const Span &span);

    RunResult m_result;
    SpanPairer m_spans;
    std::int64_t m_lastNs = 0;
    std::int64_t m_mainEndNs = -1;
};

} // namespace forkscope::core
