#include "ui/time_axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace forkscope::ui {

double timeToX(std::int64_t t, const TimeWindow &window, double x0, double width) noexcept
{
    const auto span = static_cast<double>(std::max<std::int64_t>(window.span(), 1));
    return x0 + static_cast<double>(t - window.beginNs) * width / span;
}

std::int64_t xToTime(double x, const TimeWindow &window, double x0, double width) noexcept
{
    if (width <= 0)
        return window.beginNs;
    const auto span = static_cast<double>(window.span());
    return window.beginNs + std::llround((x - x0) * span / width);
}

double nsPerPixel(const TimeWindow &window, double width) noexcept
{
    return width > 0 ? static_cast<double>(window.span()) / width : 1.0;
}

std::int64_t niceTickStep(std::int64_t spanNs, int maxTicks) noexcept
{
    if (spanNs <= 0 || maxTicks <= 0)
        return 1;
    // Candidates are 1, 2, 2.5, 5 × 10^k; tenths keep 2.5 × 10^k exact as an integer for k >= 1.
    static constexpr std::int64_t kTenths[] = {10, 20, 25, 50};
    for (std::int64_t decade = 1; decade <= 1'000'000'000'000'000'000 / 10; decade *= 10) {
        for (const std::int64_t tenths : kTenths) {
            const std::int64_t step = tenths * decade / 10;
            if (step == 0 || (tenths == 25 && decade == 1))
                continue; // 2.5 ns is not a whole step
            if (spanNs / step < maxTicks || (spanNs / step == maxTicks && spanNs % step == 0))
                return step;
        }
    }
    return 1'000'000'000'000'000'000;
}

std::vector<std::int64_t> tickTimes(const TimeWindow &window, std::int64_t step)
{
    std::vector<std::int64_t> ticks;
    if (step <= 0 || window.span() <= 0)
        return ticks;
    // First multiple of step at or after beginNs (floor division for negative times).
    std::int64_t t = window.beginNs / step * step;
    if (t < window.beginNs)
        t += step;
    for (; t <= window.endNs; t += step)
        ticks.push_back(t);
    return ticks;
}

namespace {

struct Unit {
    std::int64_t ns;
    const char *name;
};

// The unit a value is read in: the largest whose one is not more than the value.
Unit unitFor(std::int64_t magnitude) noexcept
{
    if (magnitude >= 1'000'000'000)
        return {1'000'000'000, "s"};
    if (magnitude >= 1'000'000)
        return {1'000'000, "ms"};
    if (magnitude >= 1'000)
        return {1'000, "µs"};
    return {1, "ns"};
}

std::string trimZeros(std::string text)
{
    if (text.find('.') == std::string::npos)
        return text;
    while (!text.empty() && text.back() == '0')
        text.pop_back();
    if (!text.empty() && text.back() == '.')
        text.pop_back();
    return text;
}

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace

std::string formatTickLabel(std::int64_t t, std::int64_t step)
{
    if (t == 0)
        return "0";
    const std::int64_t magnitude = t < 0 ? -t : t;
    const Unit unit = unitFor(magnitude);
    // Enough decimals that every multiple of the step shows exactly in this unit: a 250 µs step read in ms
    // needs two, a 2.5 s step one (else 2.5, 7.5, 12.5 s round to 2, 8, 12 s).
    int decimals = 0;
    const std::int64_t exact = std::max<std::int64_t>(step, 1);
    for (std::int64_t resolution = unit.ns; resolution > 1 && exact % resolution != 0 && decimals < 9;
         resolution /= 10)
        ++decimals;
    const double value = static_cast<double>(t) / static_cast<double>(unit.ns);
    return trimZeros(fixed(value, decimals)) + " " + unit.name;
}

std::string formatDuration(std::int64_t ns)
{
    const std::int64_t magnitude = ns < 0 ? -ns : ns;
    const Unit unit = unitFor(magnitude);
    if (unit.ns == 1)
        return std::to_string(ns) + " ns";
    const double value = static_cast<double>(ns) / static_cast<double>(unit.ns);
    const double absolute = std::fabs(value);
    const int decimals = absolute >= 100 ? 1 : absolute >= 10 ? 2 : 3;
    return trimZeros(fixed(value, decimals)) + " " + unit.name;
}

TimeWindow zoomWindow(const TimeWindow &window, double factor, std::int64_t anchor) noexcept
{
    if (!(factor > 0))
        return window;
    const auto span = static_cast<double>(window.span());
    const double newSpan = std::max(span / factor, static_cast<double>(kMinWindowSpanNs));
    const double ratio = span > 0 ? static_cast<double>(anchor - window.beginNs) / span : 0.0;
    const auto begin = anchor - static_cast<std::int64_t>(std::llround(ratio * newSpan));
    return {begin, begin + static_cast<std::int64_t>(std::llround(newSpan))};
}

TimeWindow panWindow(const TimeWindow &window, std::int64_t deltaNs) noexcept
{
    return {window.beginNs + deltaNs, window.endNs + deltaNs};
}

} // namespace forkscope::ui
