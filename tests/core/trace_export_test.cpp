#include "test_support.hpp"

#include "core/export/output_file.hpp"
#include "core/export/trace_export.hpp"
#include <nlohmann/json.hpp>

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;

TEST(TraceExport, ChromeTraceHoldsLanesBarsAndInstants)
{
    std::vector<Event> events;
    const RunResult r = test::runToEnd(
        test::fixturePlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "0.05"}}), &events);
    const nlohmann::json doc = nlohmann::json::parse(chromeTraceJson(r, events), nullptr, false);
    ASSERT_FALSE(doc.is_discarded());
    const auto &items = doc.at("traceEvents");
    std::map<std::string, int> counts;
    std::map<int, std::string> processNames;
    for (const nlohmann::json &e : items) {
        const std::string ph = e.at("ph").get<std::string>();
        const std::string name = e.at("name").get<std::string>();
        counts[ph + ":" + name]++;
        const int pid = static_cast<int>(e.at("pid").get<double>());
        if (ph == "M" && name == "process_name")
            processNames[pid] = e.at("args").at("name").get<std::string>();
        if (ph == "X" && name == "sleep") {
            const double dur = e.at("dur").get<double>();
            EXPECT_GE(dur, 50'000 * 0.95) << "a 50 ms sleep, in microseconds";
            EXPECT_LT(dur, 50'000 * 3);
            EXPECT_NE(pid, r.lanes[0].info.pid) << "the sleeps happen in the workers' processes";
        }
        if (ph != "M") {
            EXPECT_GE(e.at("ts").get<double>(), 0);
            EXPECT_LE(e.at("ts").get<double>(), static_cast<double>(r.wallNs) / 1000 + 1);
        }
        if (ph == "i" && name == "print")
            EXPECT_FALSE(e.at("args").at("text").get<std::string>().empty());
    }
    EXPECT_EQ(counts["X:sleep"], 3);
    EXPECT_EQ(counts["i:print"], 3 * 2 + 1);
    EXPECT_EQ(counts["X:join wait: worker 2"], 1);
    EXPECT_EQ(counts["i:main reached its end"], 1);
    EXPECT_EQ(processNames.size(), 4u) << "main's process and three workers' processes";
    EXPECT_EQ(processNames[r.lanes[0].info.pid], "main (pid " + std::to_string(r.lanes[0].info.pid) + ")");
    EXPECT_EQ(processNames[r.lanes[2].info.pid],
              "worker 2 (pid " + std::to_string(r.lanes[2].info.pid) + ")");
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
