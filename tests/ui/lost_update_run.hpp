#pragma once

// The bank's race written out by hand, with the write ids the engine records, so the ui tests know exactly
// which update is lost and where.

#include "example_run.hpp"

#include <cstdint>

namespace forkscope::test {

inline constexpr std::int64_t kLostMs = 1'000'000;

/// A write's id as the engine makes it: the writing lane in the top bits, its count of writes below.
inline std::uint32_t writeIdOf(std::uint32_t lane, std::uint32_t n)
{
    return (lane << core::kWriteCountBits) | n;
}

/// One read → think → write of the balance by `lane`: read `seen` (the write it saw) at `readMs`, compute
/// `thinkMs`, write `wrote` with id `id` over `replaced`.
inline void addUpdate(std::vector<core::Event> &ev, std::uint32_t lane, std::int64_t readNs,
                      std::int64_t thinkNs, std::int64_t read, std::uint32_t seen, std::int64_t wrote,
                      std::uint32_t id, std::uint32_t replaced)
{
    using core::EventType;
    core::Event r = event(readNs, lane, EventType::ValueRead, 0, read);
    r.ref = seen;
    ev.push_back(r);
    ev.push_back(event(readNs, lane, EventType::ComputeBegin, 0, thinkNs));
    ev.push_back(event(readNs + thinkNs, lane, EventType::ComputeEnd, 0, 1));
    core::Event w = event(readNs + thinkNs, lane, EventType::ValueWrite, 0, wrote);
    w.id = id;
    w.ref = replaced;
    ev.push_back(w);
}

/// main (lane 0) starts `deposit` (1) and `withdraw` (2), threads sharing `balance` = 100. deposit reads
/// 100 at 10 ms, thinks 4 ms and writes 101 at 14 ms; withdraw read 100 too, at 12 ms, and writes 99 over
/// it at 16 ms: deposit's update is lost. Then deposit reads 99 at 30 ms and writes 100 at 34 ms (kept).
inline ExampleRun lostUpdateRun()
{
    using core::EventType;
    constexpr std::int64_t ms = kLostMs;
    ExampleRun run;
    run.lanes = {{"main", core::WorkerKind::Main, 300, 300},
                 {"deposit", core::WorkerKind::Thread, 300, 301},
                 {"withdraw", core::WorkerKind::Thread, 300, 302}};
    auto &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, 300, 300));
    core::Event open = event(0, 0, EventType::VariableOpen, 0, 100, "balance", core::kShared);
    open.detail = 1;
    ev.push_back(open);
    ev.push_back(event(1 * ms, 0, EventType::Spawn, 1));
    ev.push_back(event(1 * ms, 0, EventType::Spawn, 2));
    ev.push_back(event(2 * ms, 1, EventType::WorkerStart, 301, 300));
    ev.push_back(event(2 * ms, 2, EventType::WorkerStart, 302, 300));
    ev.push_back(event(3 * ms, 0, EventType::JoinBegin, 1));
    addUpdate(ev, 1, 10 * ms, 4 * ms, 100, 0, 101, writeIdOf(1, 1), 0);
    addUpdate(ev, 2, 12 * ms, 4 * ms, 100, 0, 99, writeIdOf(2, 1), writeIdOf(1, 1));
    addUpdate(ev, 1, 30 * ms, 4 * ms, 99, writeIdOf(2, 1), 100, writeIdOf(1, 2), writeIdOf(2, 1));
    ev.push_back(event(40 * ms, 1, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(40 * ms, 2, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(41 * ms, 0, EventType::JoinEnd, 1));
    ev.push_back(event(41 * ms, 0, EventType::JoinBegin, 2));
    ev.push_back(event(41 * ms, 0, EventType::JoinEnd, 2));
    core::Event final = event(42 * ms, 0, EventType::ValueRead, 0, 100);
    final.ref = writeIdOf(1, 2);
    ev.push_back(final);
    ev.push_back(event(43 * ms, 0, EventType::MainEnd));
    ev.push_back(event(44 * ms, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(ev);
    run.result = resultFor(run.lanes, ev, "bank");
    run.result.kind = "thread";
    return run;
}

/// The same two workers, but deposit is preempted while it thinks: it reads 100 at 10 ms and writes 101 only
/// at 50 ms, while withdraw reads 100 at 12 ms, thinks 1 ms and writes 99 at 13 ms. withdraw's update is
/// lost, its pair 40 times narrower than the one that undid it.
inline ExampleRun lopsidedLostUpdateRun()
{
    using core::EventType;
    constexpr std::int64_t ms = kLostMs;
    ExampleRun run;
    run.lanes = {{"main", core::WorkerKind::Main, 300, 300},
                 {"deposit", core::WorkerKind::Thread, 300, 301},
                 {"withdraw", core::WorkerKind::Thread, 300, 302}};
    auto &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, 300, 300));
    core::Event open = event(0, 0, EventType::VariableOpen, 0, 100, "balance", core::kShared);
    open.detail = 1;
    ev.push_back(open);
    ev.push_back(event(2 * ms, 1, EventType::WorkerStart, 301, 300));
    ev.push_back(event(2 * ms, 2, EventType::WorkerStart, 302, 300));
    addUpdate(ev, 2, 12 * ms, 1 * ms, 100, 0, 99, writeIdOf(2, 1), 0);
    addUpdate(ev, 1, 10 * ms, 40 * ms, 100, 0, 101, writeIdOf(1, 1), writeIdOf(2, 1));
    ev.push_back(event(60 * ms, 1, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(60 * ms, 2, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(61 * ms, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(ev);
    run.result = resultFor(run.lanes, ev, "bank");
    run.result.kind = "thread";
    return run;
}

/// The same two workers with `count` lost updates one after another, `gapNs` apart, each as above
/// (deposit's read, withdraw's read 2 ms later, deposit's write, withdraw's write over it), in a run of
/// about count × gapNs. For the overview: hundreds of them must not turn into a barcode.
inline ExampleRun manyLostUpdatesRun(int count, std::int64_t gapNs)
{
    using core::EventType;
    constexpr std::int64_t ms = kLostMs;
    ExampleRun run;
    run.lanes = {{"main", core::WorkerKind::Main, 300, 300},
                 {"deposit", core::WorkerKind::Thread, 300, 301},
                 {"withdraw", core::WorkerKind::Thread, 300, 302}};
    auto &ev = run.events;
    ev.push_back(event(0, 0, EventType::WorkerStart, 300, 300));
    core::Event open = event(0, 0, EventType::VariableOpen, 0, 100, "balance", core::kShared);
    open.detail = 1;
    ev.push_back(open);
    ev.push_back(event(1 * ms, 1, EventType::WorkerStart, 301, 300));
    ev.push_back(event(1 * ms, 2, EventType::WorkerStart, 302, 300));
    std::uint32_t last = 0; // the write the balance holds
    std::int64_t balance = 100;
    for (int i = 0; i < count; ++i) {
        const std::int64_t t = 2 * ms + i * gapNs;
        const auto n = static_cast<std::uint32_t>(i + 1);
        const std::int64_t think = gapNs / 4;
        addUpdate(ev, 1, t, think, balance, last, balance + 1, writeIdOf(1, n), last);
        addUpdate(ev, 2, t + think / 2, think, balance, last, balance - 1, writeIdOf(2, n), writeIdOf(1, n));
        last = writeIdOf(2, n);
        balance -= 1;
    }
    const std::int64_t end = 2 * ms + count * gapNs;
    ev.push_back(event(end, 1, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(end, 2, EventType::WorkerEnd, 0, 0));
    ev.push_back(event(end + ms, 0, EventType::WorkerEnd, 0, 0));
    sortByTime(ev);
    run.result = resultFor(run.lanes, ev, "bank");
    run.result.kind = "thread";
    return run;
}

} // namespace forkscope::test
