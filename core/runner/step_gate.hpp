#pragma once

#include "core/plan/plan.hpp"

namespace forkscope::core {

/// The scheduler's hook: called before each visible step (one that records an event, see isVisibleStep) of
/// every lane. A scheduler that steps the workers one at a time holds a lane here until its turn; without
/// one (the default) every lane runs free. Runs in forked children: it must be async-signal-safe (a futex
/// in shared memory, not a std::mutex). Returns false to stop the lane as cancelled.
struct StepGate {
    bool (*beforeStep)(void *context, int lane, const Step &step) noexcept = nullptr;
    void *context = nullptr;
};

} // namespace forkscope::core
