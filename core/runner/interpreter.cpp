// Where a step is interpreted: the loop that walks a lane's steps, keeps its loops and registers
// (StepState), asks the scheduler's gate before each visible step, and hands each step to its family
// (steps_control.cpp, steps_values.cpp, steps_sync.cpp, steps_comm.cpp, steps_pool.cpp). Runs in the
// runner's threads and in forked children: async-signal-safe throughout.

#include "core/clock.hpp"
#include "core/runner/worker.hpp"

#include <sys/prctl.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

/// for_each and repeat: open a loop over the next `count` steps. False when the lane must stop.
StepEnd loopStep(Worker &w, StepState &st, const Step &s) noexcept
{
    const auto body = static_cast<std::size_t>(s.count);
    if (s.op == StepOp::ForEach && w.items->empty()) {
        st.i += body + 1; // nothing to loop over: skip the body
        return StepEnd::Jump;
    }
    if (st.depth == kMaxLoopDepth)
        return failWith(w, st, "RecursionError: loops nested too deep");
    LoopFrame &frame = st.loops[st.depth++];
    frame.start = st.i + 1;
    frame.end = frame.start + body;
    frame.item = 0;
    frame.forever = s.op == StepOp::Repeat;
    if (!frame.forever)
        st.x = (*w.items)[0];
    return StepEnd::Next;
}

/// After a step: the next one, going round the innermost loop at its body's end.
void advance(const Worker &w, StepState &st) noexcept
{
    ++st.i;
    while (st.depth > 0 && st.i == st.loops[st.depth - 1].end) {
        LoopFrame &frame = st.loops[st.depth - 1];
        if (frame.forever) {
            st.i = frame.start;
            return;
        }
        if (++frame.item < w.items->size()) {
            st.x = (*w.items)[frame.item];
            st.i = frame.start;
            return;
        }
        --st.depth; // the loop is done; its end may be the end of the loop around it too
        if (st.depth > 0 && !st.loops[st.depth - 1].forever)
            st.x = (*w.items)[st.loops[st.depth - 1].item]; // {x} is the enclosing loop's item again
    }
}

StepEnd runStep(Worker &w, StepState &st, const Step &s) noexcept
{
    switch (stepFamily(s.op)) {
    case StepFamily::Control: return controlStep(w, st, s);
    case StepFamily::Loop: return loopStep(w, st, s);
    case StepFamily::Values: return valueStep(w, st, s);
    case StepFamily::Sync: return syncStep(w, st, s);
    case StepFamily::Comm: return commStep(w, st, s);
    case StepFamily::Pool: return poolStep(w, st, s);
    }
    return StepEnd::Next;
}

Outcome runStepsHoldingGil(Worker &w, int &exitCode) noexcept
{
    const std::vector<Step> &steps = *w.steps;
    StepState st;
    st.rng = static_cast<std::uint64_t>(monotonicNs())
        ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(w.index + 1));
    while (st.i < steps.size()) {
        if (cancelled(*w.region) || !gilCheck(w))
            return Outcome::Cancelled;
        const Step &s = steps[st.i];
        if (w.gate.beforeStep && isVisibleStep(s.op) && !w.gate.beforeStep(w.gate.context, w.index, s))
            return Outcome::Cancelled;
        const StepEnd end = runStep(w, st, s);
        if (end == StepEnd::Stop) {
            exitCode = st.exitCode;
            return st.outcome;
        }
        if (end == StepEnd::Next)
            advance(w, st);
    }
    return Outcome::Done;
}

} // namespace

Outcome runSteps(Worker &w, int &exitCode) noexcept
{
    // A Python-like lane holds its GIL while it runs steps and gives it up however they end.
    if (!gilTake(w))
        return Outcome::Cancelled;
    const Outcome outcome = runStepsHoldingGil(w, exitCode);
    gilDrop(w);
    return outcome;
}

int runWorkerBody(Worker &w, int tid) noexcept
{
    LaneSlot &slot = w.region->lane(static_cast<std::uint32_t>(w.index));
    slot.pid.store(w.pid, std::memory_order_relaxed);
    slot.tid.store(tid, std::memory_order_relaxed);
    // Name the thread or child process after its worker, so ps, top and /proc show "deposit" rather than
    // "forkscope-runne" (PR_SET_NAME is a plain system call: safe after fork; the kernel keeps 15 bytes).
    // Before the lane says Running, so that whoever sees it running sees the name (snapshot()).
    if (w.kind == WorkerKind::Thread || w.kind == WorkerKind::Process)
        prctlSyscall(PR_SET_NAME, reinterpret_cast<unsigned long>(w.name));
    slot.state.store(static_cast<std::uint32_t>(LaneState::Running), std::memory_order_release);
    w.writer.record(EventType::WorkerStart, w.pid, tid);
    int code = 0;
    const Outcome outcome = runSteps(w, code);
    releaseLocks(w);
    if (outcome == Outcome::Cancelled && w.kind == WorkerKind::Process) {
        // A cancelled process is terminated, as Process.kill() would: the runner's watcher sends SIGKILL
        // (and the reaper records it) — wait for it rather than racing it to a normal exit.
        for (;;)
            pause();
    }
    w.writer.record(EventType::WorkerEnd, code, 0, {}, outcome == Outcome::Cancelled ? kCancelled : 0);
    slot.endRecorded.store(1, std::memory_order_release);
    return code;
}

} // namespace forkscope::core
