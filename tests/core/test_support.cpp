#include "test_support.hpp"

#include "core/proc_table.hpp"
#include "core/scenario/scenarios.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace forkscope::test {

namespace {

/// Each lane's last event (or none): a hung run's failure then says which lane hung, and whether it started.
std::string whereLanesStand(const core::Run &run)
{
    const std::vector<core::Event> events = run.events();
    const std::vector<core::LaneInfo> lanes = run.lanes();
    std::string out;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        const auto last
            = std::find_if(events.rbegin(), events.rend(), [&](const core::Event &e) { return e.lane == i; });
        out += "\n  lane " + std::to_string(i) + " (" + lanes[i].name + ", pid "
            + std::to_string(lanes[i].pid) + "): ";
        if (last == events.rend())
            out += "no event";
        else
            out += "last event " + std::string(core::eventTypeName(last->type)) + " at "
                + std::to_string(last->timeNs / 1000) + " us";
    }
    return out;
}

} // namespace

core::Plan scenarioPlan(const std::string &id, const std::map<std::string, std::string> &params)
{
    const core::Scenario *scenario = core::findScenario(id);
    EXPECT_NE(scenario, nullptr) << id;
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    EXPECT_TRUE(scenario && core::buildPlan(*scenario, params, plan, values, error)) << error;
    return plan;
}

core::Plan fixturePlan(const std::string &name, const std::map<std::string, std::string> &params)
{
    const std::string path = std::string(FORKSCOPE_FIXTURES_DIR) + "/" + name + ".json";
    std::ifstream in(path);
    if (!in) {
        ADD_FAILURE() << "no fixture " << path;
        return {};
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    for (const auto &[key, value] : params) {
        const std::string placeholder = "${" + key + "}";
        bool used = key == "workers"; // the template's count may also appear as a placeholder
        for (std::size_t at = text.find(placeholder); at != std::string::npos;
             at = text.find(placeholder, at + value.size())) {
            text.replace(at, placeholder.size(), value);
            used = true;
        }
        // A parameter nothing reads is a typo in the test, which would otherwise run with the wrong plan.
        EXPECT_TRUE(used) << name << ": no placeholder ${" << key << "}";
    }
    if (const std::size_t at = text.find("${"); at != std::string::npos) {
        ADD_FAILURE() << name << ": no value given for " << text.substr(at, text.find('}', at) - at + 1);
        return {};
    }
    auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        ADD_FAILURE() << name << " is not valid JSON after substitution";
        return {};
    }
    if (const auto it = doc.find("worker_template"); it != doc.end()) {
        const auto count = params.find("workers");
        if (count == params.end()) {
            ADD_FAILURE() << name << " has a worker template: say how many workers";
            return {};
        }
        const nlohmann::ordered_json pattern = *it;
        doc.erase("worker_template");
        auto &workers = doc["workers"];
        for (int i = 1; i <= std::stoi(count->second); ++i) {
            nlohmann::ordered_json w = pattern;
            w["name"] = pattern.value("name", "worker") + " " + std::to_string(i);
            workers.push_back(std::move(w));
        }
    } else if (params.count("workers")) {
        ADD_FAILURE() << name << " has a fixed set of workers, no template to copy";
    }
    core::Plan plan;
    std::string error;
    if (!core::planFromJson(doc.dump(), plan, error)) {
        ADD_FAILURE() << name << ": " << error;
        return {};
    }
    return plan;
}

core::RunResult runToEnd(const core::Plan &plan, std::vector<core::Event> *events, double timeoutSeconds)
{
    std::string error;
    auto run = core::Run::start(plan, error);
    EXPECT_TRUE(run) << error;
    if (!run)
        return {};
    const bool done = run->waitFor(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeoutSeconds)));
    if (!done) {
        ADD_FAILURE() << "the run did not finish within " << timeoutSeconds
                      << " s; where its lanes stand:" << whereLanesStand(*run);
        run->cancel();
    }
    run->wait();
    if (events)
        *events = run->events();
    return run->result();
}

::testing::AssertionResult waitForEvents(const core::Run &run,
                                         const std::function<bool(const std::vector<core::Event> &)> &done,
                                         const std::string &what, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<core::Event> events;
    for (;;) {
        // Read once more after the run finished or the deadline passed: the last events may be just in.
        const bool last = run.finished() || std::chrono::steady_clock::now() >= deadline;
        run.copyEvents(events.size(), events);
        if (done(events))
            return ::testing::AssertionSuccess();
        if (last) {
            ::testing::AssertionResult failure = ::testing::AssertionFailure() << "waited for " << what;
            if (run.finished())
                failure << ", but the run finished without it";
            else
                failure << " for " << timeout.count() << " ms in vain";
            return failure << " (" << events.size() << " events so far)";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

::testing::AssertionResult waitForWorkerStarts(const core::Run &run, std::size_t lanes)
{
    return waitForEvents(
        run,
        [&](const std::vector<core::Event> &events) {
            std::size_t started = 0;
            for (const core::Event &e : events)
                started += e.type == core::EventType::WorkerStart;
            return started >= lanes;
        },
        std::to_string(lanes) + " lanes to start");
}

std::vector<int> processesInGroup(int pgid)
{
    std::vector<int> out;
    for (const core::ProcessInfo &p : core::readProcessGroup(pgid))
        out.push_back(p.pid);
    return out;
}

std::vector<int> zombieChildren()
{
    std::vector<int> out;
    for (const core::ProcessInfo &p : core::readProcesses())
        if (p.state == 'Z' && p.ppid == getpid())
            out.push_back(p.pid);
    return out;
}

core::WorkerPlan worker(const std::string &name, core::WorkerKind kind, std::vector<core::Step> steps)
{
    core::WorkerPlan w;
    w.name = name;
    w.kind = kind;
    w.steps = std::move(steps);
    return w;
}

core::Step sleepStep(double seconds) { return {core::StepOp::Sleep, {}, seconds, 0}; }
core::Step printStep(const std::string &text) { return {core::StepOp::Print, text, 0, 0}; }

} // namespace forkscope::test
