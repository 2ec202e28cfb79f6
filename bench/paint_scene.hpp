#pragma once

// The scene paint_bench draws: a run of many lanes with every kind of thing the timeline draws, generated
// in time order as the collector would hand it over, so it can be fed to a model in one go or in live-sized
// batches without holding ten million events at once.
//
// Each worker lane runs a loop of blocks: computes and sleeps (most shorter than a pixel of a whole-run
// view, a few long ones), a lock-guarded update of a shared balance with its think nested in the hold,
// unguarded read → think → write updates of a shared counter by a few "tellers" (real lost updates), puts on
// a queue that the next lane gets (message arrows, queue fill strips, message waits), prints, notes, pool
// tasks, and on some thread lanes the GIL around their computes. Main spawns every worker, joins them all
// at the end (join arrows) and reaches its last line; one worker is killed by a signal.

#include "core/client/run.hpp"
#include "core/event.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <string>
#include <vector>

namespace forkscope::bench {

struct SceneShape {
    int lanes = 1000;
    int eventsPerLane = 1000; ///< about: a block is not cut in half
};

/// A small deterministic generator (xorshift), so both sides of a comparison draw the same scene.
class SceneRandom {
public:
    explicit SceneRandom(std::uint64_t seed) : m_state(seed * 0x9E3779B97F4A7C15ull + 1) { }
    std::uint64_t next()
    {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 7;
        m_state ^= m_state << 17;
        return m_state;
    }
    std::int64_t range(std::int64_t lo, std::int64_t hi) // [lo, hi]
    {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    bool chance(int percent) { return static_cast<int>(next() % 100) < percent; }

private:
    std::uint64_t m_state;
};

inline constexpr int kSceneQueues = 16;
inline constexpr std::int32_t kBalance = 0; ///< variable ids
inline constexpr std::int32_t kCounter = 1;

inline std::vector<core::LaneInfo> sceneLanes(const SceneShape &shape)
{
    std::vector<core::LaneInfo> lanes;
    lanes.push_back({"main", core::WorkerKind::Main, 100, 100});
    for (int i = 1; i < shape.lanes; ++i) {
        const bool process = i % 3 != 0;
        lanes.push_back({"worker " + std::to_string(i),
                         process ? core::WorkerKind::Process : core::WorkerKind::Thread,
                         process ? 1000 + i : 100, 1000 + i});
    }
    return lanes;
}

/// Produces the scene's events in time order, a batch at a time.
class SceneStream {
public:
    explicit SceneStream(SceneShape shape) : m_shape(shape), m_lanes(static_cast<std::size_t>(shape.lanes))
    {
        for (std::size_t i = 0; i < m_lanes.size(); ++i) {
            LaneGen &g = m_lanes[i];
            g.lane = static_cast<std::uint32_t>(i);
            g.random = SceneRandom(i + 1);
            g.t = static_cast<std::int64_t>(i) * 137;
            if (i > 0)
                g.budget = shape.eventsPerLane;
        }
        // Main: starts, names its objects, spawns every worker (the workers start just after).
        LaneGen &main = m_lanes[0];
        push(main, ev(0, 0, core::EventType::WorkerStart, 100, 100));
        push(main, ev(0, 0, core::EventType::VariableOpen, kBalance, 100, "balance", core::kShared));
        push(main, ev(0, 0, core::EventType::VariableOpen, kCounter, 0, "counter", core::kShared));
        for (int q = 0; q < kSceneQueues; ++q)
            push(main, ev(0, 0, core::EventType::QueueOpen, q, 64, "jobs " + std::to_string(q)));
        for (std::uint32_t i = 1; i < m_lanes.size(); ++i)
            push(main,
                 ev(static_cast<std::int64_t>(i) * 100, 0, core::EventType::Spawn,
                    static_cast<std::int32_t>(i)));
        main.t = static_cast<std::int64_t>(m_lanes.size()) * 100;
        m_workersLeft = shape.lanes - 1;
        for (std::size_t i = 0; i < m_lanes.size(); ++i)
            if (refill(m_lanes[i]))
                m_heap.push({nextTime(m_lanes[i]), static_cast<std::uint32_t>(i)});
    }

    bool done() const { return m_heap.empty() && m_gets.empty(); }
    std::uint64_t produced() const { return m_produced; }

    /// Appends up to `count` more events, in time order, to `out`.
    void next(std::vector<core::Event> &out, std::size_t count)
    {
        for (std::size_t n = 0; n < count && !done(); ++n) {
            const bool takeGet
                = !m_gets.empty() && (m_heap.empty() || m_gets.top().timeNs <= m_heap.top().time);
            if (takeGet) {
                core::Event get = m_gets.top();
                m_gets.pop();
                Queue &q = m_queues[static_cast<std::size_t>(get.arg)];
                q.fill = q.fill > 0 ? q.fill - 1 : 0;
                get.detail = q.fill;
                emit(out, std::move(get));
                continue;
            }
            const Item top = m_heap.top();
            m_heap.pop();
            LaneGen &g = m_lanes[top.lane];
            core::Event e = std::move(g.pending.front());
            g.pending.pop_front();
            settle(g, e);
            emit(out, std::move(e));
            if (refill(g))
                m_heap.push({nextTime(g), g.lane});
            if (m_mainWaiting && m_workersLeft == 0) {
                // Main's joins can only be written once every worker's end is known.
                m_mainWaiting = false;
                LaneGen &main = m_lanes[0];
                mainEnding(main);
                m_heap.push({nextTime(main), 0});
            }
        }
    }

private:
    struct LaneGen {
        std::uint32_t lane = 0;
        SceneRandom random{1};
        std::int64_t t = 0;
        int budget = 0; ///< events still to generate (workers)
        bool started = false;
        bool ended = false;
        std::deque<core::Event> pending;
        std::int64_t readValue = 0;
        std::uint32_t writes = 0;
        std::uint32_t seq = 0;
    };
    struct Item {
        std::int64_t time;
        std::uint32_t lane;
        bool operator>(const Item &o) const { return time != o.time ? time > o.time : lane > o.lane; }
    };
    struct Queue {
        std::int32_t fill = 0;
        std::uint32_t seq = 0;
    };
    struct LaterGet {
        bool operator()(const core::Event &a, const core::Event &b) const { return a.timeNs > b.timeNs; }
    };

    static core::Event ev(std::int64_t t, std::uint32_t lane, core::EventType type, std::int32_t arg = 0,
                          std::int64_t value = 0, std::string text = {}, std::uint8_t flags = 0)
    {
        core::Event e;
        e.timeNs = t;
        e.lane = lane;
        e.type = type;
        e.arg = arg;
        e.value = value;
        e.text = std::move(text);
        e.flags = flags;
        return e;
    }
    static void push(LaneGen &g, core::Event e) { g.pending.push_back(std::move(e)); }
    static std::int64_t nextTime(const LaneGen &g) { return g.pending.front().timeNs; }

    void emit(std::vector<core::Event> &out, core::Event e)
    {
        out.push_back(std::move(e));
        ++m_produced;
    }

    /// What only the merged order knows: the values reads see, the writes they replace, queue fills.
    void settle(LaneGen &g, core::Event &e)
    {
        using core::EventType;
        if (e.type == EventType::ValueRead) {
            const auto var = static_cast<std::size_t>(e.arg);
            e.value = m_value[var];
            e.ref = m_lastWrite[var];
            g.readValue = e.value;
        } else if (e.type == EventType::ValueWrite) {
            const auto var = static_cast<std::size_t>(e.arg);
            e.value = g.readValue + (var == kCounter ? 1 : (g.lane % 2 ? 1 : -1));
            e.ref = m_lastWrite[var];
            e.id = (g.lane << core::kWriteCountBits) | (++g.writes & core::kWriteCountMask);
            m_value[var] = e.value;
            m_lastWrite[var] = e.id;
        } else if (e.type == EventType::QueuePut) {
            Queue &q = m_queues[static_cast<std::size_t>(e.arg)];
            e.id = ++q.seq;
            e.detail = ++q.fill;
            // The next lane takes it a little later.
            core::Event get = ev(e.timeNs + g.random.range(200, 20'000),
                                 static_cast<std::uint32_t>(g.lane + 1 < m_lanes.size() ? g.lane + 1 : 1),
                                 EventType::QueueGet, e.arg, e.value, e.text);
            get.id = e.id;
            m_gets.push(std::move(get));
        }
    }

    /// Gives the lane its next block of events when it has run out; false when the lane is over.
    bool refill(LaneGen &g)
    {
        if (!g.pending.empty())
            return true;
        if (g.ended)
            return false;
        if (g.lane == 0) {
            m_mainWaiting = true; // until the workers are done
            return false;
        }
        while (g.pending.empty() && !g.ended)
            workerBlock(g);
        return !g.pending.empty();
    }

    void mainEnding(LaneGen &g)
    {
        using core::EventType;
        // Main joins every worker once they are all done (their ends are known from the shape).
        g.ended = true;
        std::int64_t t = std::max(g.t, m_lastWorkerEnd);
        for (std::uint32_t i = 1; i < m_lanes.size(); ++i) {
            push(g, ev(t, 0, EventType::JoinBegin, static_cast<std::int32_t>(i)));
            t += 50;
            push(g, ev(t, 0, EventType::JoinEnd, static_cast<std::int32_t>(i)));
        }
        push(g, ev(t + 100, 0, EventType::MainEnd));
        push(g, ev(t + 200, 0, EventType::WorkerEnd, 0, 0));
    }

    void workerBlock(LaneGen &g)
    {
        using core::EventType;
        SceneRandom &r = g.random;
        const std::uint32_t lane = g.lane;
        std::int64_t &t = g.t;
        if (!g.started) {
            g.started = true;
            t = static_cast<std::int64_t>(lane) * 100 + 500;
            push(g, ev(t, lane, EventType::WorkerStart, static_cast<std::int32_t>(1000 + lane), 1000 + lane));
            g.budget -= 2; // its start and end
            return;
        }
        if (g.budget <= 0) {
            g.ended = true;
            const bool killed = lane == 7;
            push(g, ev(t, lane, EventType::WorkerEnd, killed ? 9 : 0, killed ? -1 : 0));
            m_lastWorkerEnd = std::max(m_lastWorkerEnd, t);
            --m_workersLeft;
            return;
        }
        const bool gil = lane % 3 == 0 && lane % 2 == 1; // some thread lanes
        const bool teller = lane % 50 == 1;
        const bool producer = lane % 4 == 1;
        const int pick = static_cast<int>(r.next() % 100);
        auto bar = [&](EventType begin, EventType end, std::int64_t length, std::int32_t arg = 0) {
            push(g, ev(t, lane, begin, arg, length));
            t += length;
            push(g, ev(t, lane, end, arg));
            g.budget -= 2;
        };
        // Mostly shorter than a pixel of the whole run; one in fifty is long.
        const std::int64_t length = r.chance(2) ? r.range(200'000, 2'000'000) : r.range(300, 20'000);
        if (pick < 35) {
            if (gil) {
                push(g, ev(t, lane, EventType::GilRequest));
                t += r.range(100, 5'000);
                push(g, ev(t, lane, EventType::GilAcquire, -1, 0));
                g.budget -= 3;
                bar(EventType::ComputeBegin, EventType::ComputeEnd, length);
                push(g, ev(t, lane, EventType::GilRelease, 0, length));
            } else {
                bar(EventType::ComputeBegin, EventType::ComputeEnd, length);
            }
        } else if (pick < 60) {
            bar(EventType::SleepBegin, EventType::SleepEnd, length);
        } else if (pick < 70) {
            // A guarded update: wait, hold (read, think, write nested), release.
            push(g, ev(t, lane, EventType::LockWait, 0));
            t += r.chance(50) ? 0 : r.range(100, 10'000);
            push(g, ev(t, lane, EventType::LockAcquire, 0));
            t += 50;
            push(g, ev(t, lane, EventType::ValueRead, kBalance));
            bar(EventType::ComputeBegin, EventType::ComputeEnd, r.range(200, 3'000));
            push(g, ev(t, lane, EventType::ValueWrite, kBalance));
            t += 50;
            push(g, ev(t, lane, EventType::LockRelease, 0));
            g.budget -= 5;
        } else if (pick < 78 && teller) {
            // An unguarded update: the race that loses updates.
            push(g, ev(t, lane, EventType::ValueRead, kCounter));
            bar(EventType::SleepBegin, EventType::SleepEnd, r.range(500, 5'000));
            push(g, ev(t, lane, EventType::ValueWrite, kCounter));
            g.budget -= 2;
        } else if (pick < 86 && producer) {
            const auto queue = static_cast<std::int32_t>(lane % kSceneQueues);
            ++g.seq;
            push(g, ev(t, lane, EventType::QueuePut, queue, g.seq, "job " + std::to_string(g.seq)));
            t += r.range(100, 2'000);
            g.budget -= 2; // and its get on the next lane
        } else if (pick < 90) {
            bar(EventType::QueueBlockBegin, EventType::QueueBlockEnd, length / 2 + 100,
                static_cast<std::int32_t>(lane % kSceneQueues));
        } else if (pick < 93) {
            push(g,
                 ev(t, lane, EventType::Print, 0, 0,
                    "worker " + std::to_string(lane) + " step " + std::to_string(g.budget)));
            t += r.range(100, 1'000);
            g.budget -= 1;
        } else if (pick < 96 && lane % 5 == 2) {
            const auto arg = static_cast<std::int32_t>(g.budget);
            push(g, ev(t, lane, EventType::TaskBegin, arg, arg % 100, "square"));
            t += length;
            push(g, ev(t, lane, EventType::TaskEnd, arg, (arg % 100) * (arg % 100)));
            g.budget -= 2;
        } else if (pick < 97) {
            push(g, ev(t, lane, EventType::Note, 0, 0, "about to do it"));
            t += 100;
            g.budget -= 1;
        } else {
            t += r.range(100, 3'000); // idle
        }
    }

private:
    SceneShape m_shape;
    std::vector<LaneGen> m_lanes;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> m_heap;
    std::priority_queue<core::Event, std::vector<core::Event>, LaterGet> m_gets;
    Queue m_queues[kSceneQueues];
    std::int64_t m_value[2] = {100, 0};
    std::uint32_t m_lastWrite[2] = {0, 0};
    std::int64_t m_lastWorkerEnd = 0;
    int m_workersLeft = 0;
    bool m_mainWaiting = false;
    std::uint64_t m_produced = 0;
};

} // namespace forkscope::bench
