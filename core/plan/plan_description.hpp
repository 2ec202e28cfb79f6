#pragma once

#include "core/plan/plan.hpp"

#include <string>

namespace forkscope::core {

/// The plan the runner interprets, written as the C++ it amounts to, for a reader: a header with the time
/// scale (and the GIL, if the plan has one), the first worker's function (with a note when the others'
/// steps differ) and main, one line per step, loop bodies indented and closed.
std::string describePlan(const Plan &plan);

} // namespace forkscope::core
