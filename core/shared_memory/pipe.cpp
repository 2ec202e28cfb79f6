#include "core/shared_memory/pipe.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

/// A blocked call returns this often to look at the cancel word (and to begin its wait bar, which must not
/// reach the collector later than its 2 ms hold-back).
constexpr std::int64_t kWaitSliceNs = 1'000'000;
/// A receive's first sleep is shorter: once it ends with nothing to read the wait bar is begun, well inside
/// the collector's 2 ms hold-back even when the wake-up comes late on a busy machine.
constexpr std::int64_t kFirstSliceNs = 200'000;
constexpr std::int64_t kDrawnWaitNs = 20'000; ///< shorter receive waits are not drawn
constexpr int kPollTries = 16;

bool cancelledNow(const QueueContext &context) noexcept
{
    return context.cancel && context.cancel->load(std::memory_order_acquire) != 0;
}

bool wouldBlock(int error) noexcept { return error == EAGAIN || error == EWOULDBLOCK; }

} // namespace

bool PipeEnd::createPair(PipeFds ends[2], std::string &error)
{
    int toSecond[2];
    int toFirst[2];
    if (pipe2(toSecond, O_NONBLOCK | O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    if (pipe2(toFirst, O_NONBLOCK | O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        close(toSecond[0]);
        close(toSecond[1]);
        return false;
    }
    ends[0] = {toFirst[0], toSecond[1]};
    ends[1] = {toSecond[0], toFirst[1]};
    return true;
}

void PipeEnd::closeEnd(const PipeFds &fds) noexcept
{
    close(fds.readFd);
    close(fds.writeFd);
}

QueueStatus PipeEnd::waitFor(int fd, short events, std::int64_t deadline, const QueueContext &context,
                             std::int64_t slice) noexcept
{
    if (cancelledNow(context))
        return QueueStatus::Cancelled;
    if (context.abort && context.abort(context.abortContext))
        return QueueStatus::Aborted;
    if (deadline >= 0) {
        const std::int64_t left = deadline - monotonicNs();
        if (left <= 0)
            return QueueStatus::Timeout;
        slice = std::min(slice, left);
    }
    pollfd p{fd, events, 0};
    const timespec wait{0, static_cast<long>(slice)};
    const int rc = ppoll(&p, 1, &wait, nullptr);
    if (rc < 0 && errno != EINTR)
        return QueueStatus::Closed;
    return QueueStatus::Ok; // ready, a slice passed, or an error or hang-up that the next call reports
}

QueueStatus PipeEnd::send(Message &message, std::int64_t timeoutNs,
                          const QueueContext &context) const noexcept
{
    const std::int64_t deadline = timeoutNs < 0 ? -1 : monotonicNs() + timeoutNs;
    message.seq = m_shared->sent[m_end & 1].fetch_add(1, std::memory_order_relaxed);
    // Stamped before the message leaves, so the send is never later in time than its receive, and recorded
    // once it has left: a send that times out or finds no reader draws nothing.
    const std::int64_t stamp = context.writer ? monotonicNs() : 0;
    static_assert(sizeof(Message) <= PIPE_BUF, "a message is one atomic pipe write");
    for (;;) {
        // Whole or nothing: a non-blocking write of at most PIPE_BUF bytes either fits or fails with EAGAIN.
        const ssize_t n = write(m_fds.writeFd, &message, sizeof message);
        if (n == static_cast<ssize_t>(sizeof message)) {
            if (context.writer)
                recordMessage(*context.writer, stamp, EventType::PipeSend, message, m_end);
            return QueueStatus::Ok;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && wouldBlock(errno)) {
            const QueueStatus s = waitFor(m_fds.writeFd, POLLOUT, deadline, context, kWaitSliceNs);
            if (s != QueueStatus::Ok)
                return s;
            continue;
        }
        return QueueStatus::Closed; // EPIPE (the runner ignores SIGPIPE, as Python does): no reader is left
    }
}

QueueStatus PipeEnd::recv(Message &message, std::int64_t timeoutNs,
                          const QueueContext &context) const noexcept
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
    if (status == QueueStatus::Ok && context.writer)
        recordMessage(*context.writer, monotonicNs(), EventType::PipeRecv, message, m_end);
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
    // One read per message in the common case. A few tries before the first poll: a sender on another core
    // is usually a microsecond away, and a receiver that is not asleep spares the sender the wake-up (the
    // dearest part of a send). A wait that ends within the first slice is drawn afterwards (if it lasted
    // kDrawnWaitNs); one still waiting after its first (short) sleep is begun then, at the time the wait began.
    char *const into = reinterpret_cast<char *>(&message);
    std::size_t got = 0; // a message is written whole, so this stays 0 or reaches sizeof message at once
    bool slept = false;
    for (int tries = 0;; ++tries) {
        const ssize_t n = read(m_fds.readFd, into + got, sizeof message - got);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
            if (got == sizeof message)
                return QueueStatus::Ok;
            continue;
        }
        if (n == 0)
            return QueueStatus::Closed; // EOF: no copy of the other end is left
        if (errno == EINTR || (wouldBlock(errno) && tries < kPollTries))
            continue;
        if (!wouldBlock(errno))
            return QueueStatus::Closed;
        if (slept)
            drawWait(start, context, drawn); // still nothing after a sleep: begin the bar now
        const QueueStatus s
            = waitFor(m_fds.readFd, POLLIN, deadline, context, slept ? kWaitSliceNs : kFirstSliceNs);
        slept = true;
        if (s != QueueStatus::Ok)
            return s;
    }
}

} // namespace forkscope::core
