#pragma once

// A duplex Pipe like multiprocessing.Pipe(): a connected pair of AF_UNIX SOCK_SEQPACKET sockets created in
// the runner before any fork, so threads share and forked children inherit both ends. Each message is one
// fixed-size datagram (a core::Message, 48 bytes): message boundaries are kept by the kernel, send and recv
// are one system call each and never allocate, so children may use them. A receive sees EOF (Closed) once
// every copy of the other end is closed.

#include "core/queue.hpp"

#include <atomic>
#include <cstdint>

namespace forkscope::core {

inline constexpr int kMaxPipes = 16;

/// Per pipe, in shared memory: each end's send counter, so messages get one sequence per sending end even
/// when several processes hold copies of it.
struct alignas(64) PipeShared {
    std::atomic<std::uint32_t> sent[2];
};

/// One end of a pipe. Ends are numbered 2p (the parent's, "parent_conn") and 2p+1 ("child_conn").
class PipeEnd {
public:
    PipeEnd() = default;
    PipeEnd(int fd, int end, PipeShared *shared) noexcept
        : m_fd(fd)
        , m_end(end)
        , m_shared(shared)
    {
    }

    /// Creates pipe `pipe`'s two connected sockets; false with `error` (the OS's reason) on failure.
    static bool createPair(int fds[2], std::string &error);

    int end() const noexcept { return m_end; }
    int fd() const noexcept { return m_fd; }

    /// Sends `message` (its seq is set), waiting at most `timeoutNs` while the socket buffer is full.
    /// Records PipeSend. Closed: the other end is gone.
    QueueStatus send(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;
    /// Receives the next message, waiting at most `timeoutNs` (negative: no limit). Records PipeRecv, and
    /// a QueueBlockBegin/End pair (value 2, arg: this end) around a wait of 20 µs or more.
    /// Closed: every copy of the other end was closed (EOF).
    QueueStatus recv(Message &message, std::int64_t timeoutNs, const QueueContext &context) const noexcept;

private:
    QueueStatus waitFor(short events, std::int64_t deadline, const QueueContext &context) const noexcept;
    QueueStatus receive(Message &message, std::int64_t start, std::int64_t deadline, const QueueContext &context,
        bool &drawn) const noexcept;
    void drawWait(std::int64_t since, const QueueContext &context, bool &drawn) const noexcept;

    int m_fd = -1;
    int m_end = 0;
    PipeShared *m_shared = nullptr;
};

} // namespace forkscope::core
