// The code pane's "What runs (C++)": a plan written as the C++ it amounts to.

#include "core/plan/plan_description.hpp"

#include <gtest/gtest.h>

using namespace forkscope;
using core::StepOp;

TEST(PlanDescription, WritesWorkerAndMainWithLoopsIndentedAndClosed)
{
    core::Plan plan;
    plan.kind = "process";
    plan.timeScale = 0.01;
    for (const char *name : {"square", "cube"}) {
        core::WorkerPlan w;
        w.name = name;
        w.kind = core::WorkerKind::Process;
        w.steps = {{StepOp::ForEach, {}, 0, 2},
                   {StepOp::Power, {}, 0, 2},
                   {StepOp::Print, "{r}", 0, 0},
                   {StepOp::Sleep, {}, 0.5, 0}};
        plan.workers.push_back(w);
    }
    plan.main = {{StepOp::Start, {}, 0, 0}, {StepOp::Join, {}, 0, 0}, {StepOp::Print, "done", 0, 0}};
    EXPECT_EQ(core::describePlan(plan),
              "// forkscope-runner executes this plan (time scale 0.01)\n"
              "\n"
              "// each of 2 workers (process)\n"
              "void work() {\n"
              "    for (auto x : items) {\n"
              "        r = pow(x, 2);\n"
              "        print(\"{r}\");\n"
              "    }\n"
              "    sleep_for(0.5s);  // futex wait, wakes on Stop\n"
              "}\n"
              "\n"
              "int main() {\n"
              "    for (auto &w : workers) w.start();  // process\n"
              "    for (auto &w : workers) w.join();\n"
              "    print(\"done\");\n"
              "}   // then wait for every worker still running, as Python does at exit\n");
}

TEST(PlanDescription, NamesTheGilAndWorkersThatDiffer)
{
    core::Plan plan;
    plan.gil = true;
    plan.switchInterval = 0.005;
    core::WorkerPlan a;
    a.steps = {{StepOp::Work, {}, 2, 40}};
    core::WorkerPlan b;
    plan.workers = {a, b};
    const std::string text = core::describePlan(plan);
    EXPECT_NE(text.find("switch interval 0.005 s"), std::string::npos) << text;
    EXPECT_NE(text.find("r = count_primes(40 blocks);  // about 2 s on one core; between blocks: if "
                        "(gil.drop_request) gil.hand_over()"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("// (the other workers differ: see the Python)"), std::string::npos) << text;
}

struct StepLine {
    core::Step step;
    bool processes; ///< a run with forked workers (locks are process-shared mutexes)
    std::string line;
};

void PrintTo(const StepLine &s, std::ostream *os) { *os << core::stepOpName(s.step.op); }

class PlanDescriptionStep : public ::testing::TestWithParam<StepLine> { };

TEST_P(PlanDescriptionStep, IsOneLineOfMain)
{
    core::Plan plan;
    plan.kind = "thread";
    if (GetParam().processes) {
        core::WorkerPlan w;
        w.kind = core::WorkerKind::Process;
        plan.workers.push_back(w);
    }
    plan.main = {GetParam().step};
    const std::string text = core::describePlan(plan);
    EXPECT_NE(text.find("int main() {\n    " + GetParam().line + "\n}"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(
    EveryOp, PlanDescriptionStep,
    ::testing::Values(
        StepLine{{StepOp::Compute, {}, 0.25, 0}, false, "compute_for(0.25s);"},
        StepLine{{StepOp::Crash, {}, 0, 11}, false, "raise(SIGSEGV);"},
        StepLine{{StepOp::Exit, {}, 0, 3}, false, "_exit(3);"},
        StepLine{{StepOp::Read, "balance", 0, 0},
                 false,
                 "r = balance.load(std::memory_order_relaxed);  // one load"},
        StepLine{{StepOp::Write, "a", 0, 2},
                 false,
                 "a[2].store(r, std::memory_order_relaxed);  // a separate store"},
        StepLine{{StepOp::Set, {}, 0, 4}, false, "r = 4;"},
        StepLine{{StepOp::Add, {}, 0, -1}, false, "r += -1;"},
        StepLine{{StepOp::Mul, {}, 0, 2}, false, "r *= 2;"},
        StepLine{{StepOp::Lock, {}, 0, 0}, false, "lock[0].lock();  // std::mutex"},
        StepLine{{StepOp::Lock, {}, 0, 1}, true, "pthread_mutex_lock(&lock[1]);  // process-shared, robust"},
        StepLine{{StepOp::Unlock, {}, 0, 0}, false, "lock[0].unlock();"},
        StepLine{{StepOp::Unlock, {}, 0, 1}, true, "pthread_mutex_unlock(&lock[1]);"},
        StepLine{{StepOp::Append, "items", 0, 0}, false, "items.append(r);  // length in [0], then the item"},
        StepLine{{StepOp::Yield, {}, 0, 0}, false, "sched_yield();  // let the other worker in between"},
        StepLine{{StepOp::Snapshot, "after start", 0, 0},
                 false,
                 "puts(\"after start\"); print_process_table(getpgrp());  // from /proc"},
        StepLine{{StepOp::Put, "item {x}", 0, 1},
                 false,
                 "queue[1].put({r, \"item {x}\"});  // shared-memory ring, robust mutex + futex"},
        StepLine{{StepOp::Get, {}, 0, 0}, false, "msg = queue[0].get();  // blocks while empty"},
        StepLine{{StepOp::Get, "STOP", 0, 0}, false, "msg = queue[0].get(); if (msg == \"STOP\") break;"},
        StepLine{{StepOp::Close, {}, 0, 0}, false, "queue[0].close();"},
        StepLine{
            {StepOp::Send, "hi", 0, 1}, false, "send(end[1], {r, \"hi\"});  // one datagram on a socketpair"},
        StepLine{{StepOp::Recv, {}, 0, 0}, false, "msg = recv(end[0]);"},
        StepLine{{StepOp::Recv, "close", 0, 0}, false, "msg = recv(end[0]); if (msg == \"close\") break;"},
        StepLine{{StepOp::SleepRandom, {}, 1.5, 0}, false, "sleep_for(uniform(0, 1.5s));"},
        StepLine{{StepOp::Serve, {}, 0, 0},
                 false,
                 "while (auto task = tasks.get()) results.put(f(task.x));  // pool 0"},
        StepLine{{StepOp::Map, {}, 0, 0},
                 false,
                 "r = sum(pool[0].map(f, items, chunk));  // results in input order"},
        StepLine{{StepOp::Submit, {}, 0, 0},
                 false,
                 "for (auto x : items) futures.push_back(pool[0].submit(f, x));"},
        StepLine{{StepOp::Wait, {}, 0, 0}, false, "for (auto &f : as_completed(futures)) print(f.result());"},
        StepLine{{StepOp::Shutdown, {}, 0, 0},
                 false,
                 "pool[0].close();  // workers end when the task queue is empty"},
        StepLine{{StepOp::Repeat, {}, 0, 0}, false, "for (;;) {  // until a get/recv ends it\n    }"}));
