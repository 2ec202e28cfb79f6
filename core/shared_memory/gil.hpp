#pragma once

// A CPython-like global interpreter lock for one process, and the CPU-bound work that contends for it.
//
// The lock is real: threads block on it in the kernel (a futex word), and the one that holds it is the only
// one allowed to run "Python" (a Work step). Like CPython's GIL since 3.2 (Python/ceval_gil.c):
// - a waiter that has waited the switch interval with no switch in between sets a drop request;
// - the holder checks the request between small slices of work (CPython: between bytecodes, the "eval
//   breaker") and drops the lock;
// - FORCE_SWITCHING: a holder that dropped on request waits until another thread has taken the lock before
//   it asks again, so it cannot take it straight back;
// - blocking calls (sleep, join, lock waits) release it and take it back afterwards.
//
// Everything here is async-signal-safe (futex system calls, atomics, clock reads, ring writes): each forked
// child resets its copy with resetAfterFork() and has its own GIL, as each CPython process has its own
// interpreter.

#include "core/event.hpp"
#include "core/shared_memory/event_ring.hpp"

#include <atomic>
#include <cstdint>

namespace forkscope::core {

/// CPython's default sys.getswitchinterval(): 5 ms.
inline constexpr double kDefaultSwitchInterval = 0.005;

class Gil {
public:
    Gil() = default;
    Gil(const Gil &) = delete;
    Gil &operator=(const Gil &) = delete;

    /// The switch interval: how long a waiter waits (with no switch in between) before it asks the holder to
    /// drop the lock. Set before any thread uses the lock.
    void setSwitchInterval(std::int64_t ns) noexcept { m_intervalNs = ns > 0 ? ns : 1; }
    std::int64_t switchInterval() const noexcept { return m_intervalNs; }

    /// In a forked child: a fresh, free lock (the parent's holder and waiters do not exist here). Plain stores.
    void resetAfterFork() noexcept;

    /// Blocks until `lane` holds the lock. Records GilRequest, then GilDropRequest each time it asks the
    /// holder to drop it, then GilAcquire (value: ns waited, arg: the previous holder's lane or -1), on
    /// `writer` if not null. Returns false, without the lock, if `cancel` becomes non-zero first.
    bool acquire(EventWriter *writer, int lane, const std::atomic<std::uint32_t> *cancel) noexcept;

    /// Gives the lock up (a blocking call, or the end of the thread's Python). Records GilRelease (value: ns
    /// held). The caller must hold it.
    void release(EventWriter *writer, int lane) noexcept;

    /// True when a waiter has asked the current holder to drop the lock (cheap: two relaxed loads). A request
    /// names the holding it was made during, so one that arrives just after a switch is not taken by the new
    /// holder for its own before its interval is up.
    bool dropRequested() const noexcept
    {
        return m_dropRequest.load(std::memory_order_relaxed)
            == std::uint64_t{m_switchNumber.load(std::memory_order_relaxed)} + 1;
    }

    /// The holder answers a drop request: records GilHandOver (value: ns held, arg: the lane that asked),
    /// releases, waits until another thread has taken the lock (forced switching), and takes it back in turn.
    /// Returns false, without the lock, if cancelled.
    bool handOver(EventWriter *writer, int lane, const std::atomic<std::uint32_t> *cancel) noexcept;

    /// Lane that took the lock last (it may have released it since), -1 before the first.
    int holder() const noexcept { return m_holder.load(std::memory_order_relaxed); }
    /// How many times the lock has been taken.
    std::uint32_t switches() const noexcept { return m_switchNumber.load(std::memory_order_relaxed); }

private:
    void unlock() noexcept;

    std::atomic<std::uint32_t> m_locked{0};        ///< futex word: 0 free, 1 held
    std::atomic<std::uint32_t> m_switchNumber{0};  ///< futex word: +1 on every acquisition
    std::atomic<std::uint32_t> m_switchWaiters{0}; ///< holders waiting for a switch (forced switching)
    std::atomic<std::uint32_t> m_waiters{0};       ///< threads waiting to take it
    std::atomic<std::uint64_t> m_dropRequest{0}; ///< 0, or 1 + the switch number of the holding asked to drop
    std::atomic<std::int32_t> m_holder{-1};
    std::atomic<std::int32_t> m_requester{-1};
    std::atomic<std::int64_t> m_lastSwitchNs{0}; ///< when the current holder took the lock
    std::int64_t m_acquiredNs = 0;               ///< the holder's own copy, for "held for"
    std::int64_t m_intervalNs = 5'000'000;
};

// --- CPU-bound work -------------------------------------------------------------------------------------

/// One unit of CPU-bound work: counts the primes among 64 odd numbers near one million by trial division
/// (about 20–60 µs on a current core). `unit` picks the block, so no two consecutive units are alike and
/// nothing can be hoisted. Returns the primes found. Async-signal-safe, no memory touched.
int workUnit(std::int64_t unit) noexcept;

/// Units of work per second of one core on this machine: measured once per process (the best of a few
/// short rounds, so a busy moment does not make the work too small) and cached.
double workUnitsPerSecond();

/// How many units make about `seconds` of one core's work.
std::int64_t workUnitsFor(double seconds);

} // namespace forkscope::core
