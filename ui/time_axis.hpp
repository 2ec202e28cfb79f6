#pragma once

// Time <-> pixel maths for the timeline, free of Qt and of any GUI so it can be tested on its own.

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::ui {

/// A half-open window of run time [beginNs, endNs) shown across a strip of pixels.
struct TimeWindow {
    std::int64_t beginNs = 0;
    std::int64_t endNs = 1;

    std::int64_t span() const noexcept { return endNs - beginNs; }
    bool operator==(const TimeWindow &) const = default;
};

/// The smallest span a window may have (zooming stops there): 1 µs.
inline constexpr std::int64_t kMinWindowSpanNs = 1'000;

/// The x coordinate of time `t` when `window` is drawn over [x0, x0 + width).
double timeToX(std::int64_t t, const TimeWindow &window, double x0, double width) noexcept;

/// The time under x coordinate `x` (the inverse of timeToX, rounded to the nearest ns).
std::int64_t xToTime(double x, const TimeWindow &window, double x0, double width) noexcept;

/// Nanoseconds per pixel for `window` over `width` pixels.
double nsPerPixel(const TimeWindow &window, double width) noexcept;

/// A "nice" tick step (1, 2, 2.5 or 5 × 10^k ns) such that `span` holds at most `maxTicks` steps,
/// the smallest that does. Never less than 1 ns.
std::int64_t niceTickStep(std::int64_t spanNs, int maxTicks) noexcept;

/// The multiples of `step` inside [window.beginNs, window.endNs].
std::vector<std::int64_t> tickTimes(const TimeWindow &window, std::int64_t step);

/// A tick label: the unit follows the value's magnitude (ns, µs, ms, s), the decimals follow the step so
/// neighbouring labels differ, and trailing zeros go: "0", "250 µs", "1.5 ms", "2 s", "1.25 ms".
std::string formatTickLabel(std::int64_t t, std::int64_t step);

/// A duration for people to read, about four significant digits: "812 ns", "12.35 µs", "1.5 ms", "2.003 s".
std::string formatDuration(std::int64_t ns);

/// Zooms `window` by `factor` (> 1 zooms in) keeping time `anchor` at the same place on screen; the span
/// never goes below kMinWindowSpanNs.
TimeWindow zoomWindow(const TimeWindow &window, double factor, std::int64_t anchor) noexcept;

/// Shifts `window` by `deltaNs` (positive: later), keeping its span.
TimeWindow panWindow(const TimeWindow &window, std::int64_t deltaNs) noexcept;

} // namespace forkscope::ui
