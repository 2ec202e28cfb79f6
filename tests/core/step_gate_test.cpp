// The scheduler's hook: the interpreter asks the gate before every visible step of every lane, and a gate
// that says no stops that lane as cancelled.

#include "core/client/collector.hpp"
#include "core/runner/runner.hpp"
#include "core/shared_memory/shared_layout.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forkscope::core;

namespace {

/// What the gate saw, in memory shared with the forked child that runs the plan.
struct GateLog {
    std::atomic<int> count[2];
    StepOp ops[2][16];
    int refuseAt; ///< the worker's visible step the gate refuses (its index among them)
};

bool logStep(void *context, int lane, const Step &step) noexcept
{
    auto *log = static_cast<GateLog *>(context);
    const int n = log->count[lane].fetch_add(1);
    if (n < 16)
        log->ops[lane][n] = step.op;
    return !(lane == 1 && n == log->refuseAt);
}

} // namespace

TEST(StepGate, IsAskedBeforeEveryVisibleStepAndCanStopALane)
{
    Plan plan;
    plan.scenario = "gate";
    plan.kind = "thread";
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}};
    plan.workers.push_back({"w",
                            WorkerKind::Thread,
                            {},
                            {{StepOp::Print, "a", 0, 0},
                             {StepOp::Set, {}, 0, 5},
                             {StepOp::Add, {}, 0, 1},
                             {StepOp::Sleep, {}, 0, 0},
                             {StepOp::Print, "b {r}", 0, 0},
                             {StepOp::Print, "c", 0, 0}}});
    ASSERT_EQ(validatePlan(plan), "");
    std::string error;
    const SharedRegion region = SharedRegion::create(
        2, 1024, planToJson(plan), error, static_cast<std::uint32_t>(sharedLayout(plan).totalBytes));
    ASSERT_TRUE(region.valid()) << error;
    void *page = mmap(nullptr, sizeof(GateLog), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(page, MAP_FAILED);
    auto *log = new (page) GateLog{};
    log->refuseAt = 3; // print "c"

    // The runner's work happens in a child, as in the real forkscope-runner process.
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        executePlan(region, plan, StepGate{logStep, log});
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    EXPECT_EQ(log->count[0].load(), 2) << "main's start and join";
    EXPECT_EQ(log->ops[0][0], StepOp::Start);
    EXPECT_EQ(log->ops[0][1], StepOp::Join);
    ASSERT_EQ(log->count[1].load(), 4) << "print, sleep, print, print: set and add record nothing";
    EXPECT_EQ(log->ops[1][0], StepOp::Print);
    EXPECT_EQ(log->ops[1][1], StepOp::Sleep);
    EXPECT_EQ(log->ops[1][2], StepOp::Print);
    EXPECT_EQ(log->ops[1][3], StepOp::Print);

    EventCollector collector(region, {});
    collector.drain(true);
    std::vector<std::string> prints;
    bool endedCancelled = false;
    for (const Event &e : collector.events()) {
        if (e.lane == 1 && e.type == EventType::Print)
            prints.push_back(e.text);
        if (e.lane == 1 && e.type == EventType::WorkerEnd)
            endedCancelled = (e.flags & kCancelled) != 0;
    }
    EXPECT_EQ(prints, (std::vector<std::string>{"a", "b 6"})) << "the refused step never ran";
    EXPECT_TRUE(endedCancelled);
    munmap(page, sizeof(GateLog));
}
