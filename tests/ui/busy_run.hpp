#pragma once

// A busy run for the tests of level of detail, pans and live ticks: several lanes with bars far shorter
// than a pixel among long ones, nesting, the GIL (holds and hatched waits), a queue's fill strip and its
// message arrows, prints and values, joins.

#include "example_run.hpp"

#include <random>

namespace forkscope::test {

inline ExampleRun busyRun(int blocksPerLane = 600)
{
    using core::EventType;
    ExampleRun run;
    run.lanes = {
        {"main", core::WorkerKind::Main, 100, 100},        {"thread 1", core::WorkerKind::Thread, 100, 101},
        {"thread 2", core::WorkerKind::Thread, 100, 102},  {"producer", core::WorkerKind::Process, 200, 200},
        {"consumer", core::WorkerKind::Process, 300, 300}, {"worker 5", core::WorkerKind::Process, 400, 400}};
    std::vector<core::Event> &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, 100, 100));
    ev.push_back(event(0, 0, EventType::QueueOpen, 0, 8, "jobs"));
    for (std::uint32_t lane = 1; lane < run.lanes.size(); ++lane)
        ev.push_back(event(lane * 1'000, 0, EventType::Spawn, static_cast<std::int32_t>(lane)));
    std::mt19937 random(11);
    std::int64_t lastEnd = 0;
    std::uint32_t seq = 0;
    int fill = 0;
    for (std::uint32_t lane = 1; lane < run.lanes.size(); ++lane) {
        std::int64_t t = 10'000 + lane * 3'000;
        ev.push_back(event(t, lane, EventType::WorkerStart, static_cast<std::int32_t>(run.lanes[lane].tid),
                           run.lanes[lane].pid));
        for (int i = 0; i < blocksPerLane; ++i) {
            const std::int64_t length
                = random() % 40 == 0 ? 100'000 + random() % 400'000 : 100 + random() % 6'000;
            const int pick = static_cast<int>(random() % 10);
            if (lane <= 2 && pick < 4) {
                // A compute under the GIL, after waiting for it.
                ev.push_back(event(t, lane, EventType::GilRequest));
                t += random() % 3 ? 200 : 20'000 + random() % 40'000;
                ev.push_back(event(t, lane, EventType::GilAcquire, -1));
                ev.push_back(event(t, lane, EventType::ComputeBegin, 0, length));
                t += length;
                ev.push_back(event(t, lane, EventType::ComputeEnd));
                ev.push_back(event(t, lane, EventType::GilRelease, 0, length));
            } else if (pick < 6) {
                ev.push_back(event(t, lane, EventType::LockWait, 1));
                t += random() % 2 ? 0 : random() % 5'000;
                ev.push_back(event(t, lane, EventType::LockAcquire, 1));
                ev.push_back(event(t, lane, EventType::SleepBegin, 0, length));
                t += length;
                ev.push_back(event(t, lane, EventType::SleepEnd));
                ev.push_back(event(t, lane, EventType::LockRelease, 1));
            } else if (lane == 3 && pick < 8) {
                auto put = event(t, 3, EventType::QueuePut, 0, i, "job");
                put.id = ++seq;
                put.detail = fill = std::min(fill + 1, 8);
                ev.push_back(put);
                auto get = event(t + 2'000 + random() % 30'000, 4, EventType::QueueGet, 0, i, "job");
                get.id = put.id;
                get.detail = fill = std::max(fill - 1, 0);
                ev.push_back(get);
                t += 500;
            } else {
                const bool sleep = pick % 2 == 0;
                ev.push_back(
                    event(t, lane, sleep ? EventType::SleepBegin : EventType::ComputeBegin, 0, length));
                t += length;
                ev.push_back(event(t, lane, sleep ? EventType::SleepEnd : EventType::ComputeEnd));
            }
            if (i % 97 == 0)
                ev.push_back(event(t, lane, EventType::Print, 0, 0, "step " + std::to_string(i)));
            t += random() % 3 == 0 ? 0 : random() % 3'000;
        }
        ev.push_back(event(t, lane, EventType::WorkerEnd, 0, 0));
        lastEnd = std::max(lastEnd, t);
    }
    for (std::uint32_t lane = 1; lane < run.lanes.size(); ++lane) {
        ev.push_back(event(lastEnd + lane * 100, 0, EventType::JoinBegin, static_cast<std::int32_t>(lane)));
        ev.push_back(
            event(lastEnd + lane * 100 + 50, 0, EventType::JoinEnd, static_cast<std::int32_t>(lane)));
    }
    ev.push_back(event(lastEnd + 1'000, 0, EventType::MainEnd));
    ev.push_back(event(lastEnd + 1'100, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(ev);
    run.result = resultFor(run.lanes, ev, "busy");
    return run;
}

} // namespace forkscope::test
