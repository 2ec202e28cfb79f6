#include "test_support.hpp"

#include "core/export/output_file.hpp"
#include "core/export/trace_export.hpp"
#include "core/shared_memory/gil.hpp"
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;

namespace {

nlohmann::json traceOf(const RunResult &r, const std::vector<Event> &events)
{
    nlohmann::json doc = nlohmann::json::parse(chromeTraceJson(r, events), nullptr, false);
    EXPECT_FALSE(doc.is_discarded());
    return doc.is_discarded() ? nlohmann::json::object({{"traceEvents", nlohmann::json::array()}}) : doc;
}

std::pair<int, int> threadOf(const nlohmann::json &e)
{
    return {e.at("pid").get<int>(), e.at("tid").get<int>()};
}

/// Slices that do not nest on their thread, checked as a viewer does: with the numbers as written, sorted by
/// begin (longest first), each must end within the one it begins in.
std::vector<std::string> crossings(const nlohmann::json &doc)
{
    std::map<std::pair<int, int>, std::vector<const nlohmann::json *>> threads;
    for (const nlohmann::json &e : doc.at("traceEvents"))
        if (e.at("ph") == "X")
            threads[threadOf(e)].push_back(&e);
    std::vector<std::string> out;
    for (auto &[thread, slices] : threads) {
        std::stable_sort(slices.begin(), slices.end(), [](const nlohmann::json *a, const nlohmann::json *b) {
            const double ta = a->at("ts").get<double>(), tb = b->at("ts").get<double>();
            return ta != tb ? ta < tb : a->at("dur").get<double>() > b->at("dur").get<double>();
        });
        std::vector<const nlohmann::json *> stack;
        for (const nlohmann::json *s : slices) {
            const double begin = s->at("ts").get<double>();
            const double end = begin + s->at("dur").get<double>();
            while (!stack.empty()
                   && begin >= stack.back()->at("ts").get<double>() + stack.back()->at("dur").get<double>())
                stack.pop_back();
            if (!stack.empty()
                && end > stack.back()->at("ts").get<double>() + stack.back()->at("dur").get<double>())
                out.push_back(s->at("name").get<std::string>() + " at " + std::to_string(begin) + " crosses "
                              + stack.back()->at("name").get<std::string>());
            stack.push_back(s);
        }
    }
    return out;
}

Event at(std::int64_t ns, std::uint32_t lane, EventType type, std::int32_t arg = 0, std::int64_t value = 0)
{
    Event e;
    e.timeNs = ns;
    e.lane = lane;
    e.type = type;
    e.arg = arg;
    e.value = value;
    return e;
}

} // namespace

TEST(TraceExport, ChromeTraceHoldsProcessesThreadsSlicesAndInstants)
{
    std::vector<Event> events;
    const RunResult r = test::runToEnd(
        test::fixturePlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "0.05"}}), &events);
    const nlohmann::json doc = traceOf(r, events);
    std::map<std::string, int> counts;
    std::map<int, nlohmann::json> processes;
    for (const nlohmann::json &e : doc.at("traceEvents")) {
        const std::string ph = e.at("ph").get<std::string>();
        const std::string name = e.at("name").get<std::string>();
        counts[ph + ":" + name]++;
        const int pid = e.at("pid").get<int>();
        if (ph == "M" && name == "process_name")
            processes[pid] = e.at("args");
        if (ph == "X" && name == "sleep") {
            const double dur = e.at("dur").get<double>();
            EXPECT_GE(dur, 50'000 * 0.95) << "a 50 ms sleep, in microseconds";
            EXPECT_LT(dur, 50'000 * 3);
            EXPECT_NE(pid, 1) << "the sleeps happen in the workers' processes";
        }
        if (ph != "M") {
            const double ts = e.at("ts").get<double>();
            EXPECT_GE(ts, 0);
            EXPECT_LE(ts, static_cast<double>(r.wallNs) / 1000 + 1);
            EXPECT_EQ(ts * 1024, std::floor(ts * 1024)) << "a whole number of 1/1024 µs: sums stay exact";
        }
        if (ph == "I" && name == "print")
            EXPECT_FALSE(e.at("args").at("text").get<std::string>().empty());
        EXPECT_NE(ph, "i") << "DevTools' engine ignores the old instant phase";
    }
    EXPECT_EQ(counts["X:sleep"], 3);
    EXPECT_EQ(counts["I:print"], 3 * 2 + 1);
    EXPECT_EQ(counts["X:join wait: worker 2"], 1);
    EXPECT_EQ(counts["I:joined worker 2"], 1);
    EXPECT_EQ(counts["I:main reached its end"], 1);
    EXPECT_EQ(counts["I:start worker 3"], 1);
    // One trace process per OS process, numbered from 1; the OS pid in its args, never in its name.
    ASSERT_EQ(processes.size(), 4u) << "main's process and three workers' processes";
    EXPECT_EQ(processes[1].at("name"), "main");
    EXPECT_EQ(processes[1].at("os_pid"), r.lanes[0].info.pid);
    for (int worker = 1; worker <= 3; ++worker) {
        const nlohmann::json &p = processes[1 + worker];
        EXPECT_EQ(p.at("name"), "worker " + std::to_string(worker));
        EXPECT_EQ(p.at("os_pid"), r.lanes[static_cast<std::size_t>(worker)].info.pid);
    }
    EXPECT_EQ(counts["s:join"], 3) << "an arrow from each worker's end to the join that waited for it";
    EXPECT_EQ(counts["f:join"], 3);
    EXPECT_TRUE(crossings(doc).empty());
}

TEST(TraceExport, AThreadRunReadsAsOneProcess)
{
    std::vector<Event> events;
    const RunResult r = test::runToEnd(
        test::fixturePlan("sleepers", {{"kind", "thread"}, {"workers", "3"}, {"sleep", "0"}}), &events);
    const nlohmann::json doc = traceOf(r, events);
    std::set<int> pids;
    std::set<std::pair<int, int>> threads;
    for (const nlohmann::json &e : doc.at("traceEvents")) {
        pids.insert(e.at("pid").get<int>());
        if (e.at("ph") == "I")
            threads.insert(threadOf(e));
    }
    EXPECT_EQ(pids, std::set<int>{1});
    EXPECT_EQ(threads.size(), 4u) << "main and three threads, each its own track";
}

TEST(TraceExport, SlicesNestOnEveryThreadUnderTheGil)
{
    // CPU-bound threads under a GIL hand it over every few ms: holds, waits and the work they interleave
    // with must nest on each thread, with each boundary the same number on both sides.
    std::vector<Event> events;
    const RunResult r = test::runToEnd(test::fixturePlan("gil-cpu",
                                                         {{"kind", "thread"},
                                                          {"gil", "true"},
                                                          {"switch_interval", "0.002"},
                                                          {"seconds", "0.03"},
                                                          {"units", std::to_string(workUnitsFor(0.03))},
                                                          {"workers", "3"}}),
                                       &events);
    const nlohmann::json doc = traceOf(r, events);
    const std::vector<std::string> crossed = crossings(doc);
    EXPECT_TRUE(crossed.empty()) << crossed.size() << " crossings, the first: " << crossed.front();
    int handOvers = 0, holds = 0, computes = 0;
    for (const nlohmann::json &e : doc.at("traceEvents")) {
        handOvers += e.at("ph") == "I" && e.at("name").get<std::string>().starts_with("GIL hand-over");
        holds += e.at("ph") == "X" && e.at("name") == "GIL hold";
        computes += e.at("ph") == "X" && e.at("name") == "compute";
    }
    EXPECT_GT(handOvers, 3) << "the hand-overs are instants a viewer shows";
    EXPECT_GT(holds, handOvers);
    EXPECT_GE(computes, 3 + handOvers - 6) << "a compute slice ends at each hand-over";
}

TEST(TraceExport, AGilHoldAcrossALockHoldIsCutToNest)
{
    // A thread releases the GIL to wait for a lock, takes it back inside the lock hold, and keeps it past
    // the unlock: the hold crosses the lock hold, so the trace cuts it at the unlock.
    RunResult r;
    r.lanes.resize(2);
    r.lanes[0].info = {"main", WorkerKind::Main, 100, 100};
    r.lanes[1].info = {"deposit", WorkerKind::Thread, 100, 101};
    const std::vector<Event> events
        = {at(0, 0, EventType::WorkerStart, 100, 100), at(1000, 1, EventType::WorkerStart, 101, 100),
           at(1000, 1, EventType::GilRequest),         at(1500, 1, EventType::GilAcquire, -1),
           at(2000, 1, EventType::GilRelease),         at(2000, 1, EventType::LockWait, 0),
           at(3000, 1, EventType::LockAcquire, 0),     at(3000, 1, EventType::GilRequest),
           at(3333, 1, EventType::GilAcquire, -1),     at(4000, 1, EventType::ValueWrite, 0, 5),
           at(5000, 1, EventType::LockRelease, 0),     at(7000, 1, EventType::GilRelease),
           at(7001, 1, EventType::WorkerEnd),          at(8000, 0, EventType::WorkerEnd)};
    const nlohmann::json doc = traceOf(r, events);
    EXPECT_TRUE(crossings(doc).empty());
    std::vector<std::pair<double, double>> holds;
    for (const nlohmann::json &e : doc.at("traceEvents"))
        if (e.at("ph") == "X" && e.at("name") == "GIL hold")
            holds.emplace_back(e.at("ts").get<double>(),
                               e.at("ts").get<double>() + e.at("dur").get<double>());
    ASSERT_EQ(holds.size(), 3u) << "the first hold, and the second in two pieces";
    std::sort(holds.begin(), holds.end());
    EXPECT_EQ(holds[1].second, holds[2].first) << "cut at the unlock, end to end";
    EXPECT_NEAR(holds[1].second, 5.0, 0.001);
    EXPECT_NEAR(holds[2].second, 7.0, 0.001);
}

TEST(TraceExport, MessagesAreFlowsAndQueuesAndValuesAreCounters)
{
    std::vector<Event> events;
    const RunResult r = test::runToEnd(test::fixturePlan("producer-consumer",
                                                         {{"kind", "process"},
                                                          {"items", "12"},
                                                          {"capacity", "3"},
                                                          {"produce", "0"},
                                                          {"consume", "0.002"}}),
                                       &events);
    ASSERT_EQ(r.lostEvents, 0u);
    const nlohmann::json doc = traceOf(r, events);
    // An instant by (ts, pid, tid, cat): where DevTools binds a flow event.
    std::map<std::tuple<double, int, int, std::string>, std::string> instants;
    std::map<std::uint64_t, std::pair<const nlohmann::json *, const nlohmann::json *>> flows;
    std::map<int, std::pair<double, double>> putAndGet; // by seq: when each was recorded
    int fills = 0;
    for (const nlohmann::json &e : doc.at("traceEvents")) {
        const std::string ph = e.at("ph").get<std::string>();
        if (ph == "I")
            instants[{e.at("ts").get<double>(), e.at("pid").get<int>(), e.at("tid").get<int>(),
                      e.at("cat").get<std::string>()}]
                = e.at("name").get<std::string>();
        const std::string name = e.at("name").get<std::string>();
        if (ph == "I" && (name.starts_with("put #") || name.starts_with("get #"))) {
            const bool put = name.starts_with("put");
            auto &times = putAndGet.try_emplace(e.at("args").at("seq").get<int>(), -1.0, -1.0).first->second;
            (put ? times.first : times.second) = e.at("ts").get<double>();
        }
        if (ph == "s" || ph == "f") {
            auto &flow = flows[e.at("id").get<std::uint64_t>()];
            (ph == "s" ? flow.first : flow.second) = &e;
        }
        if (ph == "C" && e.at("name") == "queue queue") {
            ++fills;
            EXPECT_GE(e.at("args").at("messages").get<int>(), 0);
            EXPECT_LE(e.at("args").at("messages").get<int>(), 3) << "never more than the queue holds";
        }
    }
    EXPECT_EQ(fills, 24) << "the fill level after each put and get";
    int messages = 0;
    for (const auto &[id, flow] : flows) {
        ASSERT_TRUE(flow.first && flow.second) << "flow " << id << " has both ends";
        const auto boundTo = [&](const nlohmann::json &e) {
            const auto it = instants.find({e.at("ts").get<double>(), e.at("pid").get<int>(),
                                           e.at("tid").get<int>(), e.at("cat").get<std::string>()});
            return it == instants.end() ? std::string("nothing") : it->second;
        };
        EXPECT_EQ(flow.second->at("bp"), "e");
        if (flow.first->at("name") != "message")
            continue;
        ++messages;
        EXPECT_TRUE(boundTo(*flow.first).starts_with("put #")) << boundTo(*flow.first);
        EXPECT_TRUE(boundTo(*flow.second).starts_with("get #")) << boundTo(*flow.second);
        EXPECT_NE(flow.first->at("pid"), flow.second->at("pid")) << "producer and consumer are processes";
    }
    // One arrow per message, forwards in time: a put whose writer was preempted past the collector's
    // hold-back is recorded late, after its get, and gets none.
    const auto forwards = std::count_if(putAndGet.begin(), putAndGet.end(), [](const auto &m) {
        return m.second.first >= 0 && m.second.second >= m.second.first;
    });
    EXPECT_EQ(putAndGet.size(), 12u);
    EXPECT_EQ(messages, forwards);
    EXPECT_GT(forwards, 0);
}

TEST(TraceExport, SharedValuesAreCountersInTheMainProcess)
{
    std::vector<Event> events;
    const RunResult r = test::runToEnd(
        test::fixturePlan("shared-doubling", {{"kind", "process"}, {"workers", "3"}, {"sleep", "0"}}),
        &events);
    const nlohmann::json doc = traceOf(r, events);
    std::vector<std::int64_t> values;
    for (const nlohmann::json &e : doc.at("traceEvents"))
        if (e.at("ph") == "C" && e.at("name") == "a") {
            EXPECT_EQ(e.at("pid"), 1) << "shared memory is drawn where main made it";
            values.push_back(e.at("args").at("value").get<std::int64_t>());
        }
    ASSERT_EQ(values.size(), 4u) << "the initial value and each worker's write";
    EXPECT_EQ(values.front(), 1);
    for (std::size_t i = 1; i < values.size(); ++i)
        EXPECT_TRUE(values[i] == 2 || values[i] == 4 || values[i] == 8) << "a doubling of what a worker read";
}

TEST(TraceExport, SummaryHasTheDocumentedFields)
{
    std::vector<Event> events;
    const Plan plan = test::fixturePlan("no-join", {{"kind", "process"}, {"workers", "2"}, {"sleep", "0.1"}});
    const RunResult r = test::runToEnd(plan, &events);
    const nlohmann::json doc = nlohmann::json::parse(summaryJson(r, events), nullptr, false);
    ASSERT_FALSE(doc.is_discarded());
    for (const char *key : {"headline", "scenario", "kind", "wall_seconds", "lost_events", "workers",
                            "main_end_seconds", "lost_updates", "lost_updates_complete"})
        EXPECT_TRUE(doc.contains(key)) << key;
    EXPECT_EQ(doc.at("scenario").get<std::string>(), "no-join");
    const auto &workers = doc.at("workers");
    ASSERT_EQ(workers.size(), 2u);
    for (const nlohmann::json &w : workers) {
        for (const char *key : {"name", "pid", "tid", "exit_code", "signal", "start_seconds", "end_seconds"})
            EXPECT_TRUE(w.contains(key)) << key;
        EXPECT_GT(w.at("end_seconds").get<double>(), doc.at("main_end_seconds").get<double>())
            << "no join: the workers end after main";
    }
}

TEST(OutputFile, WritesWholeOrNotAtAll)
{
    char dir[] = "/tmp/forkscope-out-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/trace.json";
    EXPECT_EQ(writeFileAtomically(path, "{\"ok\":1}"), "");
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), "{\"ok\":1}");

    const std::string missing = std::string(dir) + "/no/such/folder/x.json";
    const std::string problem = writeFileAtomically(missing, "x");
    EXPECT_NE(problem.find("does not exist"), std::string::npos) << problem;
    EXPECT_NE(checkOutputPath(dir).find("is a folder"), std::string::npos);
    unlink(path.c_str());
    rmdir(dir);
}
