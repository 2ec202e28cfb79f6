#pragma once

#include <cstdint>
#include <ctime>

namespace forkscope::core {

/// Nanoseconds on CLOCK_MONOTONIC: one clock shared by every process and thread of the machine,
/// so events recorded in forked children line up with the parent's. Async-signal-safe.
inline std::int64_t monotonicNs() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Nanoseconds on CLOCK_REALTIME (for the tutorial's `time.time()`). Async-signal-safe.
inline std::int64_t realtimeNs() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace forkscope::core
