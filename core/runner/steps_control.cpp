// The control family: print, sleep, compute, work, sleep_random, crash, exit, yield, and main's start,
// join and snapshot (carried out by the Runner through Worker::control).

#include "core/clock.hpp"
#include "core/runner/print_format.hpp"
#include "core/runner/worker.hpp"

#include <csignal>
#include <sched.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

[[noreturn]] void dieBySignal(int sig) noexcept
{
    // Restore the default action (a sanitizer may have installed a handler) and unblock, then raise:
    // the process dies of the signal as a buggy Python child would.
    struct sigaction sa { };
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    kill(getpid(), sig);
    _exit(128 + sig); // only if the signal does not kill (e.g. SIGCHLD)
}

void print(Worker &w, StepState &st, const Step &s) noexcept
{
    PrintContext ctx{w.name, w.index, w.pid, st.x, st.r, w.mainStartNs};
    ctx.msg = st.msg.textView();
    const std::size_t n = formatPrint(st.line, sizeof st.line, s.text, ctx);
    w.writer.record(EventType::Print, 0, 0, std::string_view(st.line, n));
}

StepEnd compute(Worker &w, StepState &st, const Step &s) noexcept
{
    const std::int64_t ns = scaled(*w.plan, s.seconds);
    w.writer.record(EventType::ComputeBegin, ns);
    bool wasCancelled = false;
    const std::int64_t rounds = computeUntil(*w.region, monotonicNs() + ns, wasCancelled);
    w.writer.record(EventType::ComputeEnd, rounds, 0, {}, wasCancelled ? kCancelled : 0);
    return wasCancelled ? st.stop(Outcome::Cancelled) : StepEnd::Next;
}

StepEnd work(Worker &w, StepState &st, const Step &s) noexcept
{
    // A fixed amount of work, not a deadline: under the GIL a waiting thread makes no progress, so N threads
    // need N times as long as one, as in CPython.
    const std::int64_t requested = scaled(*w.plan, s.seconds);
    w.writer.record(EventType::ComputeBegin, requested);
    long long primes = 0;
    std::int64_t done = 0;
    std::int64_t doneBefore = 0; // units done before the current piece
    bool stopped = false;
    for (; done < s.count; ++done) {
        primes += workUnit(done);
        if (cancelled(*w.region)) {
            stopped = true;
            break;
        }
        if (done + 1 < s.count && w.holdsGil && w.memory->gil->dropRequested()) {
            // The thread computes only while it holds the GIL: the compute span ends before the hand-over
            // and a new one begins once the GIL is back, so no span covers the wait (a viewer would show the
            // thread computing while another holds the lock, and the span would cross the GIL spans). After
            // the last unit the step's end hands it over instead, leaving no empty span after a resume.
            w.writer.record(EventType::ComputeEnd, done + 1 - doneBefore, kWorkPausesForGil);
            doneBefore = done + 1;
            if (!gilCheck(w))
                return st.stop(Outcome::Cancelled); // the span is closed; the worker's end says why
            w.writer.record(EventType::ComputeBegin, requested, kWorkResumesAfterGil);
        }
    }
    st.r = primes;
    w.writer.record(EventType::ComputeEnd, done - doneBefore, 0, {}, stopped ? kCancelled : 0);
    return stopped ? st.stop(Outcome::Cancelled) : StepEnd::Next;
}

StepEnd sleepRandom(Worker &w, StepState &st, const Step &s) noexcept
{
    st.rng ^= st.rng << 13;
    st.rng ^= st.rng >> 7;
    st.rng ^= st.rng << 17;
    const auto ns = static_cast<std::int64_t>(static_cast<double>(scaled(*w.plan, s.seconds))
                                              * static_cast<double>(st.rng % 1001) / 1000.0);
    return sleepStep(w, ns) ? StepEnd::Next : st.stop(Outcome::Cancelled);
}

/// Main's start, join and snapshot: the Runner does them (validation keeps them out of workers).
StepEnd mainControl(Worker &w, StepState &st, const Step &s) noexcept
{
    if (!w.control.run)
        return StepEnd::Next;
    if (s.op == StepOp::Snapshot)
        print(w, st, s);
    if (s.op == StepOp::Join)
        gilDrop(w); // join() blocks: it releases the GIL
    w.control.run(w.control.context, s.op, w);
    return gilTake(w) ? StepEnd::Next : st.stop(Outcome::Cancelled);
}

} // namespace

StepEnd controlStep(Worker &w, StepState &st, const Step &s) noexcept
{
    switch (s.op) {
    case StepOp::Print: print(w, st, s); return StepEnd::Next;
    case StepOp::Sleep:
        return sleepStep(w, scaled(*w.plan, s.seconds)) ? StepEnd::Next : st.stop(Outcome::Cancelled);
    case StepOp::Compute: return compute(w, st, s);
    case StepOp::Work: return work(w, st, s);
    case StepOp::SleepRandom: return sleepRandom(w, st, s);
    case StepOp::Crash:
        w.writer.record(EventType::Note, s.count, kNoteCrash, "about to crash");
        dieBySignal(static_cast<int>(s.count));
    case StepOp::Exit: st.exitCode = static_cast<int>(s.count); return st.stop(Outcome::Exit);
    case StepOp::Yield:
        sched_yield(); // a plain system call: safe after fork
        return StepEnd::Next;
    case StepOp::Start:
    case StepOp::Join:
    case StepOp::Snapshot: return mainControl(w, st, s);
    default: return StepEnd::Next;
    }
}

} // namespace forkscope::core
