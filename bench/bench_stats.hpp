#pragma once

// Order statistics shared by the plain-program benchmarks (start_bench, bank_bench).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace forkscope::bench {

struct Stats {
    double median = 0;
    double p90 = 0; ///< nearest rank: the smallest value with at least 90 % of the samples at or below it
    double min = 0;
    double max = 0;
};

inline Stats statsOf(std::vector<double> values)
{
    Stats s;
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n)));
    s.p90 = values[std::max<std::size_t>(rank, 1) - 1];
    s.min = values.front();
    s.max = values.back();
    return s;
}

} // namespace forkscope::bench
