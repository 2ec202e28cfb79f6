#pragma once

#include "core/plan/plan.hpp"
#include "core/runner/step_gate.hpp"
#include "core/shared_memory/shared_region.hpp"

namespace forkscope::core {

/// Runs `plan` in this process (the runner), recording into `region`: main's steps on lane 0, each worker
/// on lane i+1 as a sequential call, a std::thread, or a fork()ed child. Returns when main has reached its
/// end and every worker has ended (the implicit join Python does at exit). Must be called on the process's
/// main thread: forked children's PR_SET_PDEATHSIG is tied to the thread that forked them.
/// `gate`: the scheduler's hook, asked before every visible step of every lane (see StepGate); none by default.
void executePlan(const SharedRegion &region, const Plan &plan, const StepGate &gate = {});

} // namespace forkscope::core
