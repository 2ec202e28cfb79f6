#include "core/plan/plan_description.hpp"

#include "core/event.hpp"

#include <algorithm>
#include <cstdio>

namespace forkscope::core {

namespace {

/// A number as the code pane has always shown it: up to six significant digits, no trailing zeros.
std::string num(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", value);
    return buf;
}

std::string num(std::int64_t value) { return std::to_string(value); }

/// A variable access: `balance`, or `shared[3]` for an element past the first.
std::string element(const Step &s) { return s.text + (s.count ? "[" + num(s.count) + "]" : ""); }

/// One step as one line of C++ (without indent); `loopBody` is set to the number of steps a loop step
/// encloses, else left alone.
std::string describeStep(const Plan &plan, const Step &s, bool processes, int &loopBody)
{
    const std::string n = num(s.count);
    switch (s.op) {
    case StepOp::Print: return "print(\"" + s.text + "\");";
    case StepOp::Sleep: return "sleep_for(" + num(s.seconds) + "s);  // futex wait, wakes on Stop";
    case StepOp::Compute: return "compute_for(" + num(s.seconds) + "s);";
    case StepOp::ForEach: loopBody = static_cast<int>(s.count); return "for (auto x : items) {";
    case StepOp::Power: return "r = pow(x, " + n + ");";
    case StepOp::Crash: return "raise(" + signalName(static_cast<int>(s.count)) + ");";
    case StepOp::Exit: return "_exit(" + n + ");";
    case StepOp::Start: return "for (auto &w : workers) w.start();  // " + plan.kind;
    case StepOp::Join: return "for (auto &w : workers) w.join();";
    case StepOp::Read: return "r = " + element(s) + ".load(std::memory_order_relaxed);  // one load";
    case StepOp::Write: return element(s) + ".store(r, std::memory_order_relaxed);  // a separate store";
    case StepOp::Set: return "r = " + n + ";";
    case StepOp::Add: return "r += " + n + ";";
    case StepOp::Mul: return "r *= " + n + ";";
    case StepOp::Lock:
        return processes ? "pthread_mutex_lock(&lock[" + n + "]);  // process-shared, robust"
                         : "lock[" + n + "].lock();  // std::mutex";
    case StepOp::Unlock:
        return processes ? "pthread_mutex_unlock(&lock[" + n + "]);" : "lock[" + n + "].unlock();";
    case StepOp::Snapshot: return "puts(\"" + s.text + "\"); print_process_table(getpgrp());  // from /proc";
    case StepOp::Yield: return "sched_yield();  // let the other worker in between";
    case StepOp::Append: return s.text + ".append(r);  // length in [0], then the item";
    case StepOp::Repeat:
        loopBody = static_cast<int>(s.count);
        return "for (;;) {  // until a get/recv ends it";
    case StepOp::Put:
        return "queue[" + n + "].put({r, \"" + s.text + "\"});  // shared-memory ring, robust mutex + futex";
    case StepOp::Get:
        return s.text.empty() ? "msg = queue[" + n + "].get();  // blocks while empty"
                              : "msg = queue[" + n + "].get(); if (msg == \"" + s.text + "\") break;";
    case StepOp::Close: return "queue[" + n + "].close();";
    case StepOp::Send:
        return "send(end[" + n + "], {r, \"" + s.text + "\"});  // one datagram on a socketpair";
    case StepOp::Recv:
        return s.text.empty() ? "msg = recv(end[" + n + "]);"
                              : "msg = recv(end[" + n + "]); if (msg == \"" + s.text + "\") break;";
    case StepOp::SleepRandom: return "sleep_for(uniform(0, " + num(s.seconds) + "s));";
    case StepOp::Serve: return "while (auto task = tasks.get()) results.put(f(task.x));  // pool " + n;
    case StepOp::Map: return "r = sum(pool[" + n + "].map(f, items, chunk));  // results in input order";
    case StepOp::Submit: return "for (auto x : items) futures.push_back(pool[" + n + "].submit(f, x));";
    case StepOp::Wait: return "for (auto &f : as_completed(futures)) print(f.result());";
    case StepOp::Shutdown: return "pool[" + n + "].close();  // workers end when the task queue is empty";
    case StepOp::Work:
        return "r = count_primes(" + n + " blocks);  // about " + num(s.seconds * plan.timeScale)
            + " s on one core" + (plan.gil ? "; between blocks: if (gil.drop_request) gil.hand_over()" : "");
    }
    return "// (" + std::string(stepOpName(s.op)) + ")";
}

/// A list of steps, one line each at `indent`; a loop's body one level deeper, closed after its last step.
std::string describeSteps(const Plan &plan, const std::vector<Step> &steps, const std::string &indent)
{
    const bool processes = std::any_of(plan.workers.begin(), plan.workers.end(),
                                       [](const WorkerPlan &w) { return w.kind == WorkerKind::Process; });
    std::string text;
    int loopLeft = 0; // steps of the open loop still to come, counting the loop step itself
    for (const Step &s : steps) {
        text += (loopLeft > 0 ? indent + "    " : indent);
        int body = -1;
        text += describeStep(plan, s, processes, body) + "\n";
        if (body >= 0)
            loopLeft = body + 1;
        if (loopLeft > 0 && --loopLeft == 0)
            text += indent + "}\n";
    }
    return text;
}

} // namespace

std::string describePlan(const Plan &plan)
{
    std::string out = "// forkscope-runner executes this plan (time scale " + num(plan.timeScale) + ")\n";
    if (plan.gil)
        out += "// every thread holds its process's GIL (core/gil.hpp) while it runs, and releases it\n"
               "// around sleep and join; switch interval "
            + num(plan.switchInterval) + " s; each forked process has its own GIL\n";
    if (!plan.workers.empty()) {
        const WorkerPlan &w = plan.workers.front();
        out += "\n// each of " + std::to_string(plan.workers.size()) + " workers ("
            + std::string(workerKindName(w.kind)) + ")\nvoid "
            + (plan.workers.size() == 1 ? "worker" : "work") + "() {\n";
        out += describeSteps(plan, w.steps, "    ");
        out += "}\n";
        if (plan.workers.size() > 1 && plan.workers[1].steps.size() != w.steps.size())
            out += "// (the other workers differ: see the Python)\n";
    }
    out += "\nint main() {\n" + describeSteps(plan, plan.main, "    ")
        + "}   // then wait for every worker still running, as Python does at exit\n";
    return out;
}

} // namespace forkscope::core
