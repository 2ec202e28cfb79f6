#pragma once

// Hand-made runs for the ui tests and the example renderer: event lists as the engine would record them.

#include "core/client/run.hpp"
#include "core/event.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::test {

struct ExampleRun {
    std::vector<core::LaneInfo> lanes;
    std::vector<core::Event> events;
    core::RunResult result;
};

inline core::Event event(std::int64_t timeNs, std::uint32_t lane, core::EventType type, std::int32_t arg = 0,
                         std::int64_t value = 0, std::string text = {}, std::uint8_t flags = 0)
{
    core::Event e;
    e.timeNs = timeNs;
    e.lane = lane;
    e.type = type;
    e.arg = arg;
    e.value = value;
    e.text = std::move(text);
    e.flags = flags;
    return e;
}

inline void sortByTime(std::vector<core::Event> &events)
{
    std::stable_sort(events.begin(), events.end(),
                     [](const core::Event &a, const core::Event &b) { return a.timeNs < b.timeNs; });
}

inline core::RunResult resultFor(const std::vector<core::LaneInfo> &lanes,
                                 const std::vector<core::Event> &events, const std::string &scenario)
{
    core::RunResult result;
    result.scenario = scenario;
    result.kind = "process";
    for (const core::LaneInfo &info : lanes) {
        core::LaneOutcome outcome;
        outcome.info = info;
        result.lanes.push_back(outcome);
    }
    for (const core::Event &e : events) {
        auto &lane = result.lanes[e.lane];
        if (e.type == core::EventType::WorkerStart) {
            lane.started = true;
            lane.startNs = e.timeNs;
        } else if (e.type == core::EventType::WorkerEnd) {
            lane.ended = true;
            lane.endNs = e.timeNs;
            lane.exitCode = static_cast<int>(e.value);
            lane.signal = e.arg;
        } else if (e.type == core::EventType::MainEnd) {
            result.mainEndNs = e.timeNs;
        }
        result.wallNs = std::max(result.wallNs, e.timeNs);
    }
    return result;
}

/// main forks ten process workers that each sleep about a second and print; worker 7 dies of SIGSEGV; main
/// joins them in order, prints and ends. Times in ns from main's start.
inline ExampleRun tenProcessesOneCrash()
{
    using core::EventType;
    constexpr std::int64_t ms = 1'000'000;
    ExampleRun run;
    const int mainPid = 41200;
    run.lanes.push_back({"main", core::WorkerKind::Main, mainPid, mainPid});
    for (int i = 1; i <= 10; ++i)
        run.lanes.push_back(
            {"worker " + std::to_string(i), core::WorkerKind::Process, mainPid + 10 + i, mainPid + 10 + i});
    auto &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, mainPid, mainPid));
    ev.push_back(event(0, 0, EventType::VariableOpen, 0, 0, "x"));
    ev.push_back(event(2 * ms / 10, 0, EventType::Print, 0, 0, "starting 10 workers"));
    std::vector<std::int64_t> ends(11, 0);
    for (std::uint32_t i = 1; i <= 10; ++i) {
        const std::int64_t spawn = 1 * ms + (i - 1) * 3 * ms / 10;
        const std::int64_t start = spawn + 4 * ms / 10;
        const int pid = mainPid + 10 + static_cast<int>(i);
        ev.push_back(event(spawn, 0, EventType::Spawn, static_cast<std::int32_t>(i)));
        ev.push_back(event(start, i, EventType::WorkerStart, pid, pid));
        std::int64_t t = start + ms / 20;
        if (i % 3 == 2) {
            // Some workers compute a little first.
            ev.push_back(event(t, i, EventType::ComputeBegin, 0, 150 * ms));
            t += 150 * ms;
            ev.push_back(event(t, i, EventType::ComputeEnd, 0, 1'000'000));
            t += ms / 20;
        }
        if (i == 4) {
            ev.push_back(event(t, i, EventType::ValueWrite, 0, 42)); // variable 0: x
            t += ms / 10;
        }
        if (i == 7) {
            ev.push_back(event(t, i, EventType::SleepBegin, 0, 400 * ms));
            t += 400 * ms;
            ev.push_back(event(t, i, EventType::SleepEnd));
            t += ms / 10;
            ev.push_back(event(t, i, EventType::Note, 0, 11, "about to crash"));
            t += ms / 5;
            ev.push_back(event(t, i, EventType::WorkerEnd, 11, -1));
            ends[i] = t;
            continue;
        }
        const std::int64_t sleep = 800 * ms + static_cast<std::int64_t>(i) * 40 * ms;
        ev.push_back(event(t, i, EventType::SleepBegin, 0, sleep));
        t += sleep;
        ev.push_back(event(t, i, EventType::SleepEnd));
        t += ms / 10;
        ev.push_back(event(t, i, EventType::Print, 0, 0, "worker " + std::to_string(i) + " done"));
        t += ms / 10;
        ev.push_back(event(t, i, EventType::WorkerEnd, 0, 0));
        ends[i] = t;
    }
    std::int64_t t = 5 * ms;
    for (std::uint32_t i = 1; i <= 10; ++i) {
        ev.push_back(event(t, 0, EventType::JoinBegin, static_cast<std::int32_t>(i)));
        t = std::max(t, ends[i]) + ms / 10;
        ev.push_back(event(t, 0, EventType::JoinEnd, static_cast<std::int32_t>(i)));
        t += ms / 20;
    }
    ev.push_back(event(t, 0, EventType::Print, 0, 0, "all workers joined"));
    t += ms / 5;
    ev.push_back(event(t, 0, EventType::MainEnd));
    t += ms / 5;
    ev.push_back(event(t, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(ev);
    run.result = resultFor(run.lanes, ev, "ten processes, one crash");
    return run;
}

} // namespace forkscope::test
