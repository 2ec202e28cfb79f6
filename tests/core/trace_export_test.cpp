#include "test_support.hpp"

#include "core/export/json.hpp"
#include "core/export/output_file.hpp"
#include "core/export/trace_export.hpp"

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
        test::scenarioPlan("sleepers", {{"kind", "process"}, {"workers", "3"}, {"sleep", "1"}, {"time-scale", "0.05"}}),
        &events);
    JsonValue doc;
    std::string error;
    ASSERT_TRUE(parseJson(chromeTraceJson(r, events), doc, error)) << error;
    const auto &items = doc.find("traceEvents")->asArray();
    std::map<std::string, int> counts;
    std::map<int, std::string> processNames;
    for (const JsonValue &e : items) {
        const std::string ph = e.find("ph")->asString();
        const std::string name = e.find("name")->asString();
        counts[ph + ":" + name]++;
        const int pid = static_cast<int>(e.find("pid")->asNumber());
        if (ph == "M" && name == "process_name")
            processNames[pid] = e.find("args")->find("name")->asString();
        if (ph == "X" && name == "sleep") {
            const double dur = e.find("dur")->asNumber();
            EXPECT_GE(dur, 50'000 * 0.95) << "a 50 ms sleep, in microseconds";
            EXPECT_LT(dur, 50'000 * 3);
            EXPECT_NE(pid, r.lanes[0].info.pid) << "the sleeps happen in the workers' processes";
        }
        if (ph != "M") {
            EXPECT_GE(e.find("ts")->asNumber(), 0);
            EXPECT_LE(e.find("ts")->asNumber(), static_cast<double>(r.wallNs) / 1000 + 1);
        }
        if (ph == "i" && name == "print")
            EXPECT_FALSE(e.find("args")->find("text")->asString().empty());
    }
    EXPECT_EQ(counts["X:sleep"], 3);
    EXPECT_EQ(counts["i:print"], 3 * 2 + 1);
    EXPECT_EQ(counts["X:join wait: worker 2"], 1);
    EXPECT_EQ(counts["i:main reached its end"], 1);
    EXPECT_EQ(processNames.size(), 4u) << "main's process and three workers' processes";
    EXPECT_EQ(processNames[r.lanes[0].info.pid], "main (pid " + std::to_string(r.lanes[0].info.pid) + ")");
    EXPECT_EQ(processNames[r.lanes[2].info.pid], "worker 2 (pid " + std::to_string(r.lanes[2].info.pid) + ")");
}

TEST(TraceExport, SummaryHasTheDocumentedFields)
{
    const RunResult r = test::runToEnd(test::scenarioPlan("no-join", {{"time-scale", "0.1"}}));
    JsonValue doc;
    std::string error;
    ASSERT_TRUE(parseJson(summaryJson(r), doc, error)) << error;
    for (const char *key : {"scenario", "kind", "wall_seconds", "lost_events", "workers", "main_end_seconds"})
        EXPECT_NE(doc.find(key), nullptr) << key;
    EXPECT_EQ(doc.find("scenario")->asString(), "no-join");
    const auto &workers = doc.find("workers")->asArray();
    ASSERT_EQ(workers.size(), 2u);
    for (const JsonValue &w : workers) {
        for (const char *key : {"name", "pid", "tid", "exit_code", "signal", "start_seconds", "end_seconds"})
            EXPECT_NE(w.find(key), nullptr) << key;
        EXPECT_GT(w.find("end_seconds")->asNumber(), doc.find("main_end_seconds")->asNumber())
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
