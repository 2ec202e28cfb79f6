#include "core/analysis/run_result.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sys/wait.h>

namespace forkscope::core {

RunResultBuilder::RunResultBuilder(const Plan &plan)
{
    m_result.scenario = plan.scenario;
    m_result.kind = plan.kind;
    m_result.timeScale = plan.timeScale;
    m_result.lanes.resize(plan.workers.size() + 1);
    m_result.locks.resize(static_cast<std::size_t>(plan.locks));
    for (int i = 0; i < plan.locks; ++i)
        m_result.locks[static_cast<std::size_t>(i)].id = i;
}

void RunResultBuilder::spanClosed(const Span &span)
{
    // Lock statistics count what was granted and released: a wait or hold cut short by its lane's end
    // was never either.
    if (span.cut || span.arg < 0 || static_cast<std::size_t>(span.arg) >= m_result.locks.size())
        return;
    LockStats &stats = m_result.locks[static_cast<std::size_t>(span.arg)];
    if (span.kind == SpanKind::LockWait) {
        stats.totalWaitNs += span.duration();
        stats.longestWaitNs = std::max(stats.longestWaitNs, span.duration());
    } else if (span.kind == SpanKind::LockHold) {
        stats.totalHoldNs += span.duration();
    }
}

void RunResultBuilder::add(const Event &e)
{
    m_lastNs = std::max(m_lastNs, e.timeNs);
    if (e.lane >= m_result.lanes.size())
        m_result.lanes.resize(e.lane + 1);
    m_spans.feed(
        e, [](Span &) {}, [this](const Span &span) { spanClosed(span); });
    LaneOutcome &lane = m_result.lanes[e.lane];
    switch (e.type) {
    case EventType::LockAcquire:
        if (e.arg >= 0 && static_cast<std::size_t>(e.arg) < m_result.locks.size())
            ++m_result.locks[static_cast<std::size_t>(e.arg)].acquisitions;
        break;
    case EventType::WorkerStart:
        lane.started = true;
        lane.startNs = e.timeNs;
        break;
    case EventType::WorkerEnd:
        lane.ended = true;
        lane.endNs = e.timeNs;
        lane.exitCode = static_cast<int>(e.value);
        lane.signal = e.arg;
        lane.cancelled = (e.flags & kCancelled) != 0;
        break;
    case EventType::MainEnd: m_mainEndNs = e.timeNs; break;
    case EventType::ValueRead: lane.read.push_back(e.value); break;
    case EventType::ValueWrite: lane.wrote.push_back(e.value); break;
    case EventType::Note:
        if (e.flags & kError)
            lane.error = e.text;
        if (e.arg == kNoteCrash)
            lane.crashSignal = static_cast<int>(e.value);
        break;
    default: break;
    }
}

RunResult RunResultBuilder::finish(const RunnerEnding &ending)
{
    RunResult r = std::move(m_result);
    r.cancelled = ending.cancelled;
    r.runnerPid = ending.runnerPid;
    r.runnerExitCode = WIFEXITED(ending.waitStatus) ? WEXITSTATUS(ending.waitStatus) : -1;
    r.runnerSignal = WIFSIGNALED(ending.waitStatus) ? WTERMSIG(ending.waitStatus) : 0;
    r.lostEvents = ending.lostEvents;
    r.mainEndNs = m_mainEndNs;
    if (r.lanes.size() < ending.lanes.size())
        r.lanes.resize(ending.lanes.size());
    for (std::size_t i = 0; i < ending.lanes.size(); ++i)
        r.lanes[i].info = ending.lanes[i];
    // Lanes the runner could not close itself died with it: a thread worker's crash takes the whole
    // process down, as it would in Python.
    const bool runnerDied = r.runnerSignal != 0;
    // A runner killed mid-run took its unfinished lanes with it at the moment it died, which the client saw
    // (within a drain period), not at its last event, which may be long before (a sleep).
    const std::int64_t diedNs = runnerDied && ending.exitSeenNs > m_lastNs ? ending.exitSeenNs : m_lastNs;
    for (LaneOutcome &lane : r.lanes) {
        if (lane.started && !lane.ended && runnerDied) {
            lane.ended = true;
            lane.endNs = diedNs;
            lane.exitCode = -1;
            lane.signal = lane.info.kind == WorkerKind::Process ? SIGKILL : r.runnerSignal;
            lane.cancelled = r.cancelled;
        }
    }
    r.wallNs = !r.lanes.empty() && r.lanes[0].ended ? r.lanes[0].endNs : diedNs;
    r.waitingAtCancel = ending.waitingAtCancel;
    if (!ending.notReady.empty()) {
        r.error = ending.notReady;
    } else if (!ending.runnerError.empty()) {
        r.error = "the runner failed: " + ending.runnerError;
    } else if (runnerDied && !r.cancelled) {
        r.error = "the run's process died of signal " + std::to_string(r.runnerSignal) + " ("
            + strsignal(r.runnerSignal) + ")";
    } else if (ending.reapedElsewhere) {
        if (!ending.finishedCleanly)
            r.error = "the run's process disappeared (reaped by someone else: is SIGCHLD ignored?)";
    } else if (!runnerDied && r.runnerExitCode != 0) {
        r.error = "the runner exited with code " + std::to_string(r.runnerExitCode);
    }
    // A worker that could not even start (fork() refused by a process limit): the program failed at its
    // start() call, as Python's raises.
    for (std::size_t i = 1; i < r.lanes.size() && r.error.empty() && !r.cancelled; ++i)
        if (!r.lanes[i].started && !r.lanes[i].error.empty())
            r.error = "'" + r.lanes[i].info.name + "' never started: " + r.lanes[i].error;
    // Main itself failed (a pool whose worker died, an error in main's own steps): the program failed, as
    // a Python script that ends in a traceback does, whatever its workers did.
    if (r.error.empty() && !r.cancelled && !r.lanes.empty() && r.lanes[0].ended) {
        const LaneOutcome &main = r.lanes[0];
        if (!main.error.empty())
            r.error = main.error;
        else if (main.signal == 0 && main.exitCode != 0)
            r.error = "main exited with code " + std::to_string(main.exitCode);
    }
    // A worker killed by a signal that neither its own crash step raised nor a cancel sent (kill from outside
    // the run, the OOM killer): it never did what the program asked of it, so the run did not either. When
    // main failed because of it (a receive from its dead end), main's error comes first and this says why.
    for (std::size_t i = 1; i < r.lanes.size() && !r.cancelled && !runnerDied; ++i) {
        const LaneOutcome &w = r.lanes[i];
        if (!w.ended || w.signal == 0 || w.cancelled || w.signal == w.crashSignal)
            continue;
        const std::string pid = "(pid " + std::to_string(w.info.pid) + ")";
        const std::string killed = "'" + w.info.name + "' " + pid + " was killed by " + signalName(w.signal)
            + " from outside the run";
        if (r.error.empty())
            r.error = killed;
        else if (r.error.find(pid) == std::string::npos)
            r.error += "; " + killed;
        break;
    }
    return r;
}

} // namespace forkscope::core
