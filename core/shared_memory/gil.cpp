#include "core/shared_memory/gil.hpp"

#include "core/clock.hpp"

#include <algorithm>
#include <climits>
#include <ctime>
#include <linux/futex.h>
#include <map>
#include <sys/syscall.h>
#include <tuple>
#include <unistd.h>

namespace forkscope::core {

namespace {

/// Longest a waiter sleeps before it looks at the cancel word again (a cancel only wakes sleeps).
constexpr std::int64_t kCancelSliceNs = 10'000'000;

// The GIL lives in one process's private memory: private futexes are cheaper (no shared-key lookup).
void futexWait(std::atomic<std::uint32_t> &word, std::uint32_t expected, std::int64_t timeoutNs) noexcept
{
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeoutNs / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeoutNs % 1'000'000'000);
    syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT_PRIVATE, expected, &ts, nullptr,
            0);
}

void futexWake(std::atomic<std::uint32_t> &word, int count) noexcept
{
    syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr,
            0);
}

bool isCancelled(const std::atomic<std::uint32_t> *cancel) noexcept
{
    return cancel && cancel->load(std::memory_order_acquire) != 0;
}

} // namespace

void Gil::resetAfterFork() noexcept
{
    m_locked.store(0, std::memory_order_relaxed);
    m_switchNumber.store(0, std::memory_order_relaxed);
    m_switchWaiters.store(0, std::memory_order_relaxed);
    m_waiters.store(0, std::memory_order_relaxed);
    m_dropRequest.store(0, std::memory_order_relaxed);
    m_holder.store(-1, std::memory_order_relaxed);
    m_requester.store(-1, std::memory_order_relaxed);
    m_lastSwitchNs.store(0, std::memory_order_relaxed);
    m_acquiredNs = 0;
}

bool Gil::acquire(EventWriter *writer, int lane, const std::atomic<std::uint32_t> *cancel) noexcept
{
    const std::int64_t requestNs = monotonicNs();
    if (writer)
        writer->recordAt(requestNs, EventType::GilRequest, 0, 0, {}, 0);
    bool waiting = false;
    for (;;) {
        std::uint32_t expected = 0;
        if (m_locked.compare_exchange_strong(expected, 1, std::memory_order_seq_cst))
            break;
        if (!waiting) {
            // Counted before the next look at the word, so a release either sees us or we see it free.
            m_waiters.fetch_add(1, std::memory_order_seq_cst);
            waiting = true;
            continue;
        }
        if (isCancelled(cancel)) {
            m_waiters.fetch_sub(1, std::memory_order_seq_cst);
            return false;
        }
        // Waited the switch interval with no switch in between: ask the holder to drop it (CPython's
        // SET_GIL_DROP_REQUEST). The timer restarts at every switch.
        const std::uint32_t switchNumber = m_switchNumber.load(std::memory_order_acquire);
        const std::int64_t since = std::max(requestNs, m_lastSwitchNs.load(std::memory_order_acquire));
        const std::int64_t now = monotonicNs();
        std::int64_t sleepNs = kCancelSliceNs;
        if (now >= since + m_intervalNs) {
            // Tagged with the holding it is meant for: if a switch comes between our look at the number and
            // the store, the new holder does not see it as its own (and the next waiter may ask again).
            const std::uint64_t request = std::uint64_t{switchNumber} + 1;
            std::uint64_t current = m_dropRequest.load(std::memory_order_acquire);
            if (current != request
                && m_dropRequest.compare_exchange_strong(current, request, std::memory_order_acq_rel)) {
                m_requester.store(lane, std::memory_order_relaxed);
                if (writer)
                    writer->record(EventType::GilDropRequest, 0, m_holder.load(std::memory_order_relaxed));
            }
        } else {
            sleepNs = std::min(sleepNs, since + m_intervalNs - now);
        }
        futexWait(m_locked, 1, sleepNs);
    }
    const std::int64_t acquiredNs = monotonicNs();
    if (waiting)
        m_waiters.fetch_sub(1, std::memory_order_seq_cst);
    const int previous = m_holder.exchange(lane, std::memory_order_relaxed);
    m_acquiredNs = acquiredNs;
    m_lastSwitchNs.store(acquiredNs, std::memory_order_release);
    // A request meant for the previous holder is answered (CPython resets it when it takes the lock).
    m_dropRequest.store(0, std::memory_order_release);
    m_switchNumber.fetch_add(1, std::memory_order_seq_cst);
    if (m_switchWaiters.load(std::memory_order_seq_cst) != 0)
        futexWake(m_switchNumber, INT_MAX);
    if (writer)
        writer->recordAt(acquiredNs, EventType::GilAcquire, acquiredNs - requestNs, previous, {}, 0);
    return true;
}

void Gil::unlock() noexcept
{
    m_locked.store(0, std::memory_order_seq_cst);
    if (m_waiters.load(std::memory_order_seq_cst) != 0)
        futexWake(m_locked, 1);
}

void Gil::release(EventWriter *writer, int) noexcept
{
    // Recorded before the unlock, as the grant is recorded after the lock is taken: recorded holds never
    // overlap unless the lock itself let two threads in.
    const std::int64_t now = monotonicNs();
    if (writer)
        writer->recordAt(now, EventType::GilRelease, now - m_acquiredNs, 0, {}, 0);
    unlock();
}

bool Gil::handOver(EventWriter *writer, int lane, const std::atomic<std::uint32_t> *cancel) noexcept
{
    const std::int64_t now = monotonicNs();
    if (writer)
        writer->recordAt(now, EventType::GilHandOver, now - m_acquiredNs,
                         m_requester.load(std::memory_order_relaxed), {}, 0);
    const std::uint32_t switchNumber = m_switchNumber.load(std::memory_order_acquire);
    m_switchWaiters.fetch_add(1, std::memory_order_seq_cst);
    unlock();
    // FORCE_SWITCHING: do not ask again before someone else has had it, or this thread, still running on its
    // core, would win it straight back from the waiter it was meant for.
    while (m_switchNumber.load(std::memory_order_seq_cst) == switchNumber) {
        if (isCancelled(cancel)) {
            m_switchWaiters.fetch_sub(1, std::memory_order_seq_cst);
            return false;
        }
        if (m_waiters.load(std::memory_order_seq_cst) == 0)
            break; // the one who asked is gone (cancelled): nobody to wait for
        futexWait(m_switchNumber, switchNumber, 1'000'000);
    }
    m_switchWaiters.fetch_sub(1, std::memory_order_seq_cst);
    return acquire(writer, lane, cancel);
}

// --- Work ------------------------------------------------------------------------------------------------

int workUnit(std::int64_t unit) noexcept
{
    const auto base = static_cast<std::uint32_t>(1'000'001 + 128 * (unit % 4096));
    int primes = 0;
    for (std::uint32_t n = base; n < base + 128; n += 2) {
        bool prime = true;
        for (std::uint32_t d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                prime = false;
                break;
            }
        }
        primes += prime;
    }
    return primes;
}

double workUnitsPerSecond()
{
    static const double rate = [] {
        double best = 0;
        long long sink = 0;
        for (int round = 0; round < 6; ++round) {
            const std::int64_t begin = monotonicNs();
            std::int64_t units = 0;
            std::int64_t elapsed = 0;
            do {
                sink += workUnit(units++);
                elapsed = monotonicNs() - begin;
            } while (elapsed < 4'000'000);
            best = std::max(best, static_cast<double>(units) * 1e9 / static_cast<double>(elapsed));
        }
        asm volatile("" : : "r"(sink));
        return best;
    }();
    return rate;
}

std::int64_t workUnitsFor(double seconds)
{
    if (!(seconds > 0))
        return 0;
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(seconds * workUnitsPerSecond() + 0.5));
}

} // namespace forkscope::core
