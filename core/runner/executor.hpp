#pragma once

#include "core/plan/plan.hpp"
#include "core/shared_memory/shared_region.hpp"

namespace forkscope::core {

/// Runs `plan` in this process (the runner), recording into `region`: main's steps on lane 0, each worker
/// on lane i+1 as a sequential call, a std::thread, or a fork()ed child. Returns when main has reached its
/// end and every worker has ended (the implicit join Python does at exit). Must be called on the process's
/// main thread: forked children's PR_SET_PDEATHSIG is tied to the thread that forked them.
void executePlan(const SharedRegion &region, const Plan &plan);

/// Formats a print template into `out` without allocating (safe after fork). Placeholders: {name}
/// {index} {pid} {x} {r} {time} (wall clock, like time.time()) {elapsed} (seconds since main started)
/// {msg} (the last message's text).
/// Returns the length written (truncated to `capacity`).
struct PrintContext {
    const char *name = "";
    int index = 0;
    int pid = 0;
    long long x = 0;
    long long r = 0;
    long long mainStartNs = 0;
    std::string_view msg{}; ///< {msg}: the text of the last message got or received
};
std::size_t formatPrint(char *out, std::size_t capacity, std::string_view pattern, const PrintContext &ctx) noexcept;

} // namespace forkscope::core
