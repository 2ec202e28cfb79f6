#pragma once

// A duplex Pipe like multiprocessing.Pipe(): two OS pipes, one per direction, created in the runner before
// any fork, so threads share and forked children inherit both ends. An end writes into one pipe and reads
// from the other. Each message is one fixed-size write of a core::Message (48 bytes): a pipe write of at
// most PIPE_BUF bytes is atomic, so every message arrives whole and the bytes in a pipe are always whole
// messages. Send and recv are one system call each in the common case and never allocate, so children may
// use them. The pipes are non-blocking: a wait is a poll() in slices, which notices a cancel and a
// deadline. A receive sees EOF (Closed) once every copy of the other end is closed.
//
// Why pipes and not a socketpair (Python's duplex Pipe is one): on this kind of machine a pipe moves small
// messages about three times faster (2.6 M against 0.8-1.0 M 48-byte messages/s between two processes).

#include "core/shared_memory/queue.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace forkscope::core {

inline constexpr int kMaxPipes = 16;

/// Per pipe, in shared memory: each end's send counter, so messages get one sequence per sending end even
/// when several processes hold copies of it.
struct alignas(64) PipeShared {
    std::atomic<std::uint32_t> sent[2];
};

/// An end's two file descriptors: the pipe it receives from and the pipe it sends into.
struct PipeFds {
    int readFd = -1;
    int writeFd = -1;
};

/// One end of a pipe. Ends are numbered 2p (the parent's, "parent_conn") and 2p+1 ("child_conn").
class PipeEnd {
public:
    PipeEnd() = default;
    PipeEnd(PipeFds fds, int end, PipeShared *shared) noexcept : m_fds(fds), m_end(end), m_shared(shared) { }

    /// Creates the two pipes of one duplex Pipe and hands out its ends' descriptors: what ends[0] sends,
    /// ends[1] receives, and back. Non-blocking and close-on-exec. False with `error` (the OS's reason).
    static bool createPair(PipeFds ends[2], std::string &error);
    /// Closes an end's descriptors (this process's copy of the end).
    static void closeEnd(const PipeFds &fds) noexcept;

    int end() const noexcept { return m_end; }
    const PipeFds &fds() const noexcept { return m_fds; }

    /// Sends `message` (its seq is set), waiting at most `timeoutNs` while the pipe is full (64 KiB).
    /// Records PipeSend. Closed: the other end is gone.
    QueueStatus send(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;
    /// Receives the next message, waiting at most `timeoutNs` (negative: no limit). Records PipeRecv, and
    /// a QueueBlockBegin/End pair (value 2, arg: this end) around a wait of 20 µs or more.
    /// Closed: every copy of the other end was closed (EOF).
    QueueStatus recv(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;

private:
    /// Waits until `fd` is ready for `events`, at most `slice` ns (and not past `deadline`); Ok also when the
    /// slice passed, so that the caller looks again. Cancelled, Timeout, or Closed on a poll error.
    static QueueStatus waitFor(int fd, short events, std::int64_t deadline, const QueueContext &context,
                               std::int64_t slice) noexcept;
    QueueStatus receive(Message &message, std::int64_t start, std::int64_t deadline,
                        const QueueContext &context, bool &drawn) const noexcept;
    void drawWait(std::int64_t since, const QueueContext &context, bool &drawn) const noexcept;

    PipeFds m_fds;
    int m_end = 0;
    PipeShared *m_shared = nullptr;
};

} // namespace forkscope::core
