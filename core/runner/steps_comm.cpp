// The communication family: put, get and close on queues, send and recv on pipes. A blocking put, get,
// send or receive releases the GIL, as in CPython. A get or receive that meets its sentinel, a closed
// queue, EOF or a timeout ends the loop around it (how a consumer waits for "no more").

#include "core/runner/print_format.hpp"
#include "core/runner/worker.hpp"

namespace forkscope::core {

namespace {

/// A step's timeout: `seconds` scaled, or none (-1) when 0.
std::int64_t timeoutOf(const Worker &w, const Step &s) noexcept
{
    return s.seconds > 0 ? scaled(*w.plan, s.seconds) : -1;
}

/// The peers that could end a blocked put, get, send or receive: while one of them (other than the waiter)
/// has not ended, the wait may end; once all have, it never would (Python's would hang for ever).
struct PeerWatch {
    const Worker *self = nullptr;
    const std::vector<std::uint32_t> *peers = nullptr;
};

bool everyPeerEnded(void *context) noexcept
{
    const auto *watch = static_cast<const PeerWatch *>(context);
    bool anyPeer = false; // no peer in the plan at all: someone we do not know of may yet act, so wait on
    for (const std::uint32_t lane : *watch->peers) {
        if (lane == static_cast<std::uint32_t>(watch->self->index))
            continue;
        anyPeer = true;
        if (watch->self->region->lane(lane).state.load(std::memory_order_acquire)
            != static_cast<std::uint32_t>(LaneState::Ended))
            return false;
    }
    return anyPeer;
}

/// A queue context whose wait ends (Aborted) when every lane in `peers` has ended.
QueueContext watchedContext(Worker &w, PeerWatch &watch, const std::vector<std::uint32_t> &peers) noexcept
{
    QueueContext qc = queueContext(w);
    watch = {&w, &peers};
    qc.abort = everyPeerEnded;
    qc.abortContext = &watch;
    return qc;
}

/// A message to put or send: the value r and the step's text formatted as a print template.
Message outgoing(const Worker &w, const StepState &st, const Step &s) noexcept
{
    Message m{};
    m.value = st.r;
    if (!s.text.empty()) {
        char text[kMessageTextBytes * 2];
        PrintContext ctx{w.name, w.index, w.pid, st.x, st.r, w.mainStartNs};
        ctx.msg = st.msg.textView();
        m.setText(std::string_view(text, formatPrint(text, sizeof text, s.text, ctx)));
    }
    return m;
}

StepEnd send(Worker &w, StepState &st, const Step &s) noexcept
{
    Message m = outgoing(w, st, s);
    const auto target = static_cast<std::size_t>(s.count);
    const bool put = s.op == StepOp::Put;
    // A put waits for a getter; a send on a full pipe for a receiver on the other end.
    PeerWatch watch;
    const QueueContext qc = watchedContext(
        w, watch, put ? w.memory->queueGetters[target] : w.memory->pipeReceivers[target ^ 1]);
    gilDrop(w);
    const QueueStatus status = put ? w.memory->queues[target].put(m, timeoutOf(w, s), qc)
                                   : w.memory->pipeEnds[target].send(m, timeoutOf(w, s), qc);
    if (!gilTake(w) || status == QueueStatus::Cancelled)
        return st.stop(Outcome::Cancelled);
    if (status == QueueStatus::Timeout)
        return failWith(w, st, put ? "queue.Full: put timed out" : "TimeoutError: send timed out");
    if (status == QueueStatus::Aborted)
        return failWith(w, st,
                        put ? "the queue stays full for ever: every worker that gets from it has ended "
                              "(Python would hang here)"
                            : "the pipe stays full for ever: the other end's worker has ended "
                              "(Python would hang here)");
    if (status != QueueStatus::Ok)
        return failWith(w, st,
                        put ? "ValueError: Queue is closed"
                            : "BrokenPipeError: the other end of the pipe is closed");
    return StepEnd::Next;
}

StepEnd receive(Worker &w, StepState &st, const Step &s) noexcept
{
    Message m{};
    const auto source = static_cast<std::size_t>(s.count);
    const bool get = s.op == StepOp::Get;
    // A get waits for a putter; a receive on end e for a send from the other end, e ^ 1.
    PeerWatch watch;
    const QueueContext qc
        = watchedContext(w, watch, get ? w.memory->queuePutters[source] : w.memory->pipeSenders[source ^ 1]);
    gilDrop(w);
    const QueueStatus status = get ? w.memory->queues[source].get(m, timeoutOf(w, s), qc)
                                   : w.memory->pipeEnds[source].recv(m, timeoutOf(w, s), qc);
    if (!gilTake(w) || status == QueueStatus::Cancelled)
        return st.stop(Outcome::Cancelled);
    if (status == QueueStatus::Aborted)
        return failWith(w, st,
                        get ? "queue.get() would wait for ever: every worker that puts on the queue has "
                              "ended (Python would hang here)"
                            : "recv() would wait for ever: the worker at the other end has ended "
                              "(Python would hang here)");
    if (status == QueueStatus::Ok) {
        st.msg = m;
        st.r = m.value;
        const bool sentinel = !s.text.empty() && m.textView() == std::string_view(s.text);
        return sentinel && st.endLoop() ? StepEnd::Jump : StepEnd::Next;
    }
    // Python raises queue.Empty / EOFError here; a loop ends instead, outside one the step records why and
    // goes on.
    w.writer.record(EventType::Note, 0, 0,
                    status == QueueStatus::Timeout
                        ? (get ? "queue.Empty: get timed out" : "recv timed out")
                        : (get ? "the queue is closed and empty" : "EOFError: the other end is closed"));
    return st.endLoop() ? StepEnd::Jump : StepEnd::Next;
}

} // namespace

StepEnd commStep(Worker &w, StepState &st, const Step &s) noexcept
{
    switch (s.op) {
    case StepOp::Put:
    case StepOp::Send: return send(w, st, s);
    case StepOp::Get:
    case StepOp::Recv: return receive(w, st, s);
    case StepOp::Close:
        w.memory->queues[static_cast<std::size_t>(s.count)].close(queueContext(w));
        return StepEnd::Next;
    default: return StepEnd::Next;
    }
}

} // namespace forkscope::core
