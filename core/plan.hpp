#pragma once

#include "core/shared_region.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

/// A scenario is data: a Plan says which workers exist, what steps each runs, and what main does. The
/// runner process interprets it; nothing scenario-specific is compiled into the engine.
enum class StepOp : std::uint8_t {
    Print,   ///< print `text`, a template: {name} {index} {pid} {x} {r} {time} {elapsed}
    Sleep,   ///< sleep `seconds` (scaled by the plan's time scale)
    Compute, ///< busy real computation for `seconds` (scaled)
    ForEach, ///< run the next `count` steps once per item of the worker's `items`, with {x} = the item
    Power,   ///< r = x ^ `count` (e.g. 2 for square, 3 for cube)
    Crash,   ///< die by signal `count` (e.g. 11, SIGSEGV), as a bug in a child would
    Exit,    ///< end the worker now with exit code `count`
    Start,   ///< main only: start every worker (for sequential workers: call them one after another)
    Join,    ///< main only: wait for every started worker, in order
};

struct Step {
    StepOp op = StepOp::Print;
    std::string text;
    double seconds = 0;
    std::int64_t count = 0;
};

struct WorkerPlan {
    std::string name;
    WorkerKind kind = WorkerKind::Thread;
    std::vector<std::int64_t> items;
    std::vector<Step> steps;
};

struct Plan {
    std::string scenario;       ///< id of the scenario it came from
    std::string kind;           ///< "sequential", "thread" or "process": how the workers run
    double timeScale = 1.0;     ///< every duration is multiplied by this
    std::vector<Step> main;
    std::vector<WorkerPlan> workers;
    std::uint32_t ringCapacity = 16384; ///< events per lane before the ring counts losses
};

inline constexpr int kMaxProcesses = 256;
inline constexpr int kMaxThreads = 1024;
inline constexpr int kMaxSteps = 10000;

/// Checks limits and structure (ForEach bodies in range, Start/Join only in main, counts). Returns an
/// empty string when the plan is runnable, else what is wrong.
std::string validatePlan(const Plan &plan);

std::string planToJson(const Plan &plan);
/// Reads a plan written by planToJson (or by hand). Returns false with a message naming the bad field.
bool planFromJson(std::string_view text, Plan &plan, std::string &error);

std::string_view stepOpName(StepOp op) noexcept;

} // namespace forkscope::core
