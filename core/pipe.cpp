#include "core/pipe.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>

namespace forkscope::core {

namespace {

/// A blocked call returns this often to look at the cancel word (and to begin its wait bar, which must not
/// reach the collector later than its 2 ms hold-back).
constexpr std::int64_t kWaitSliceNs = 1'000'000;
constexpr std::int64_t kDrawnWaitNs = 20'000; ///< shorter receive waits are not drawn
constexpr int kPollTries = 16;

void recordMessage(const QueueContext &context, EventType type, const Message &m, int end) noexcept
{
    if (!context.writer)
        return;
    char label[16 + kMessageTextBytes];
    const std::size_t n = formatMessageLabel(label, sizeof label, m);
    context.writer->record(type, m.value, end, std::string_view(label, n));
}

bool cancelledNow(const QueueContext &context) noexcept
{
    return context.cancel && context.cancel->load(std::memory_order_acquire) != 0;
}

/// Blocking (one call, returning each slice) unless a deadline is nearer than a slice: then poll for it.
int flagsFor(std::int64_t deadline) noexcept
{
    return deadline >= 0 && deadline - monotonicNs() < kWaitSliceNs ? MSG_DONTWAIT : 0;
}

} // namespace

bool PipeEnd::createPair(int fds[2], std::string &error)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        error = std::string("cannot create a pipe (socketpair): ") + std::strerror(errno);
        return false;
    }
    // Blocking calls return every slice, so a waiter notices a cancel: one system call per message in the
    // common case instead of poll + recv.
    timeval slice { 0, static_cast<suseconds_t>(kWaitSliceNs / 1000) };
    for (int i = 0; i < 2; ++i) {
        setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice);
        setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof slice);
    }
    return true;
}

QueueStatus PipeEnd::waitFor(short events, std::int64_t deadline, const QueueContext &context) const noexcept
{
    for (;;) {
        if (context.cancel && context.cancel->load(std::memory_order_acquire) != 0)
            return QueueStatus::Cancelled;
        std::int64_t slice = kWaitSliceNs;
        if (deadline >= 0) {
            const std::int64_t left = deadline - monotonicNs();
            if (left <= 0)
                return QueueStatus::Timeout;
            slice = std::min(slice, left);
        }
        if (deadline < 0 || deadline - monotonicNs() >= kWaitSliceNs)
            return QueueStatus::Ok; // far deadline: the caller's blocking call waits the slice itself
        pollfd p { m_fd, events, 0 };
        const int rc = poll(&p, 1, static_cast<int>((slice + 999'999) / 1'000'000));
        if (rc > 0)
            return QueueStatus::Ok; // ready, or an error/hang-up the next call reports
        if (rc < 0 && errno != EINTR)
            return QueueStatus::Closed;
    }
}

QueueStatus PipeEnd::send(
    Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept
{
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    message.seq = m_shared->sent[m_end & 1].fetch_add(1, std::memory_order_relaxed);
    // Recorded before the datagram leaves, so the send is never later in time than its receive.
    recordMessage(context, EventType::PipeSend, message, m_end);
    for (;;) {
        const ssize_t n = ::send(m_fd, &message, sizeof message, flagsFor(deadline) | MSG_NOSIGNAL);
        if (n == static_cast<ssize_t>(sizeof message))
            return QueueStatus::Ok;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (cancelledNow(context))
                return QueueStatus::Cancelled;
            const QueueStatus s = waitFor(POLLOUT, deadline, context);
            if (s != QueueStatus::Ok)
                return s;
            continue;
        }
        return QueueStatus::Closed; // EPIPE, ECONNRESET: the other end is gone
    }
}

QueueStatus PipeEnd::recv(
    Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept
{
    const std::int64_t start = monotonicNs();
    const std::int64_t deadline = timeoutNs < 0 ? -1 : start + timeoutNs;
    bool drawn = false;
    const QueueStatus status = receive(message, start, deadline, context, drawn);
    if (!drawn && context.writer && monotonicNs() - start >= kDrawnWaitNs)
        drawWait(start, context, drawn);
    if (drawn) // the wait drawn as a bar, like a get on an empty queue
        context.writer->record(EventType::QueueBlockEnd,
            status == QueueStatus::Ok            ? 0
                : status == QueueStatus::Timeout ? 1
                : status == QueueStatus::Closed  ? 2
                                                 : 3,
            m_end);
    if (status == QueueStatus::Ok)
        recordMessage(context, EventType::PipeRecv, message, m_end);
    return status;
}

void PipeEnd::drawWait(std::int64_t since, const QueueContext &context, bool &drawn) const noexcept
{
    if (drawn || !context.writer)
        return;
    context.writer->recordAt(since, EventType::QueueBlockBegin, 2, m_end, {}, 0);
    drawn = true;
}

QueueStatus PipeEnd::receive(Message &message, std::int64_t start, std::int64_t deadline,
    const QueueContext &context, bool &drawn) const noexcept
{
    // One blocking call per message. The socket's receive timeout (a short slice) brings a waiter back
    // to look at the cancel word and to begin its wait bar, at the time the wait began: a wait that ends
    // within the first slice is drawn afterwards (if it lasted kDrawnWaitNs), so a stream of messages
    // costs one system call and one event each.
    // A few non-blocking tries first: a sender on another core is usually a microsecond away, and a
    // receiver that is not asleep spares the sender the wake-up (the dearest part of a send).
    for (int i = 0; i < kPollTries; ++i) {
        const ssize_t n = ::recv(m_fd, &message, sizeof message, MSG_DONTWAIT);
        if (n == static_cast<ssize_t>(sizeof message))
            return QueueStatus::Ok;
        if (n == 0)
            return QueueStatus::Closed;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return QueueStatus::Closed;
    }
    for (;;) {
        const ssize_t n = ::recv(m_fd, &message, sizeof message, flagsFor(deadline));
        if (n == static_cast<ssize_t>(sizeof message))
            return QueueStatus::Ok;
        if (n == 0)
            return QueueStatus::Closed; // EOF: no copy of the other end is left
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            drawWait(start, context, drawn);
            if (cancelledNow(context))
                return QueueStatus::Cancelled;
            const QueueStatus s = waitFor(POLLIN, deadline, context);
            if (s != QueueStatus::Ok)
                return s;
            continue;
        }
        return QueueStatus::Closed;
    }
}

} // namespace forkscope::core
