#pragma once

// Hand-made sleepers runs for the comparison tests: N workers each sleeping S, one after another (sequential
// calls on main's thread) or side by side (threads or processes), with the events the engine records.

#include "example_run.hpp"

#include <string>

namespace forkscope::test {

inline constexpr std::int64_t kMillis = 1'000'000;

/// `workers` workers of `kind` ("sequential", "thread", "process") sleeping `sleepNs` each; side by side they
/// start `staggerNs` apart (a fork takes a moment).
inline ExampleRun sleepersRun(const std::string &kind, int workers, std::int64_t sleepNs,
                              std::int64_t staggerNs = 0)
{
    using core::EventType;
    const bool sequential = kind == "sequential";
    const core::WorkerKind workerKind = sequential ? core::WorkerKind::Sequential
        : kind == "thread"                         ? core::WorkerKind::Thread
                                                   : core::WorkerKind::Process;
    ExampleRun run;
    run.lanes.push_back({"main", core::WorkerKind::Main, 100, 100});
    for (int i = 1; i <= workers; ++i) {
        const int pid = workerKind == core::WorkerKind::Process ? 100 + i : 100;
        run.lanes.push_back({"worker " + std::to_string(i), workerKind, pid, 100 + i});
    }
    const auto lane = [](int i) { return static_cast<std::uint32_t>(i); };
    run.events.push_back(event(0, 0, EventType::WorkerStart, 100, 100));
    std::int64_t end = 0;
    for (int i = 1; i <= workers; ++i) {
        const std::int64_t start
            = sequential ? (i - 1) * (sleepNs + kMillis) + kMillis : kMillis + (i - 1) * staggerNs;
        run.events.push_back(event(start, 0, EventType::Spawn, i));
        run.events.push_back(event(start, lane(i), EventType::WorkerStart, run.lanes[lane(i)].pid, 100 + i));
        run.events.push_back(event(start + 10, lane(i), EventType::SleepBegin, 0, sleepNs));
        run.events.push_back(event(start + 10 + sleepNs, lane(i), EventType::SleepEnd));
        run.events.push_back(event(start + 20 + sleepNs, lane(i), EventType::Print, 0, 0, "woke up"));
        run.events.push_back(event(start + 30 + sleepNs, lane(i), EventType::WorkerEnd, 0, 0));
        end = std::max(end, start + 30 + sleepNs);
    }
    if (!sequential) {
        std::int64_t t = kMillis + workers * staggerNs;
        for (int i = 1; i <= workers; ++i) {
            const std::int64_t ended = kMillis + (i - 1) * staggerNs + 30 + sleepNs;
            run.events.push_back(event(t, 0, EventType::JoinBegin, i));
            t = std::max(t, ended) + 5;
            run.events.push_back(event(t, 0, EventType::JoinEnd, i));
        }
        end = std::max(end, t);
    }
    run.events.push_back(event(end + kMillis, 0, EventType::MainEnd));
    run.events.push_back(event(end + kMillis + 10, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(run.events);
    run.result = resultFor(run.lanes, run.events, "sleepers");
    run.result.kind = kind;
    return run;
}

} // namespace forkscope::test
