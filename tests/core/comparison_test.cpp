// Comparisons: what --compare accepts, what each run is called, and the sentence with the ratio of the
// runs' wall times.

#include "core/analysis/comparison.hpp"
#include "core/scenario/scenarios.hpp"

#include <gtest/gtest.h>

using namespace forkscope::core;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

struct CompareCase {
    std::string scenario;
    std::string text;
    std::string param;                 ///< expected on success; empty when refused
    std::vector<std::string> values;   ///< expected on success
    std::vector<std::string> mentions; ///< in the refusal's message
};

void PrintTo(const CompareCase &c, std::ostream *os) { *os << c.scenario << " " << c.text; }

class CompareRequests : public ::testing::TestWithParam<CompareCase> { };

} // namespace

TEST_P(CompareRequests, AreParsedOrRefusedNamingWhatIsAllowed)
{
    const CompareCase &c = GetParam();
    const Scenario *scenario = findScenario(c.scenario);
    ASSERT_NE(scenario, nullptr);
    CompareRequest request;
    const std::string problem = parseCompareRequest(*scenario, c.text, request);
    if (!c.param.empty()) {
        EXPECT_EQ(problem, "");
        EXPECT_EQ(request.param, c.param);
        EXPECT_EQ(request.values, c.values);
        return;
    }
    EXPECT_NE(problem, "") << "accepted: " << c.text;
    EXPECT_TRUE(request.param.empty()) << "nothing filled in when refused";
    for (const std::string &m : c.mentions)
        EXPECT_NE(problem.find(m), std::string::npos) << problem << "\nmissing: " << m;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CompareRequests,
    ::testing::Values(
        // One of each kind of parameter: a choice, an integer, a number.
        CompareCase{"sleepers", "kind=sequential,process", "kind", {"sequential", "process"}, {}},
        CompareCase{
            "sleepers", "kind=sequential,thread,process", "kind", {"sequential", "thread", "process"}, {}},
        CompareCase{"sleepers", "workers=2,8", "workers", {"2", "8"}, {}},
        CompareCase{"sleepers", "sleep=0.5,1.5", "sleep", {"0.5", "1.5"}, {}},
        CompareCase{"bank", "lock=off,on", "lock", {"off", "on"}, {}},
        CompareCase{"cpu-vs-io", "mode=sequential,processes", "mode", {"sequential", "processes"}, {}},
        // A value the parameter does not allow names what it allows.
        CompareCase{"sleepers",
                    "kind=fast,process",
                    {},
                    {},
                    {"'fast' is not allowed", "sequential, thread, process"}},
        CompareCase{
            "sleepers", "workers=2,2.5", {}, {}, {"'2.5' is not allowed", "an integer from 1 to 1024"}},
        CompareCase{"sleepers", "sleep=-1,1", {}, {}, {"'-1' is not allowed", "a number from 0 to 3600"}},
        CompareCase{
            "memory-isolation", "kind=sequential,thread", {}, {}, {"'sequential'", "thread, process"}},
        // One value, or more than three.
        CompareCase{
            "sleepers", "kind=process", {}, {}, {"two or three values", "got 1", "sequential, thread"}},
        CompareCase{
            "sleepers", "workers=1,2,3,4", {}, {}, {"two or three values", "got 4", "from 1 to 1024"}},
        CompareCase{"sleepers", "workers=2,2.0", {}, {}, {"given twice"}},
        // An unknown parameter names the scenario's own.
        CompareCase{
            "sleepers", "lock=on,off", {}, {}, {"'lock' is not a parameter", "kind, workers, sleep, join"}},
        // Malformed.
        CompareCase{"sleepers", "kind", {}, {}, {"expected PARAM=A,B[,C]"}},
        CompareCase{"sleepers", "=thread,process", {}, {}, {"expected PARAM=A,B[,C]"}},
        CompareCase{"sleepers", "kind=", {}, {}, {"expected PARAM=A,B[,C]"}},
        CompareCase{"sleepers", "kind=thread,,process", {}, {}, {"a value is empty", "PARAM=A,B[,C]"}}));

TEST(Comparison, TheRatioInTheHeadlineIsTheRunsWallTimes)
{
    const std::vector<ComparedRun> runs{{"sequential", 20 * kSecond}, {"processes", 2 * kSecond}};
    EXPECT_DOUBLE_EQ(wallRatio(runs), 10.0);
    EXPECT_EQ(comparisonHeadline(runs), "processes 2.0 s · sequential 20 s: 10× faster");
    // Measured times are never round: the ratio is theirs, not the lesson's ideal.
    const std::vector<ComparedRun> measured{{"sequential", 20'040'000'000}, {"processes", 2'090'000'000}};
    EXPECT_EQ(comparisonHeadline(measured), "processes 2.1 s · sequential 20 s: 9.6× faster");
    const std::vector<ComparedRun> far{{"a", 3 * kSecond}, {"b", 100'000'000}};
    EXPECT_EQ(comparisonHeadline(far), "b 100 ms · a 3.0 s: 30× faster");
}

TEST(Comparison, ThreeRunsNameTheFastestAndTheSlowest)
{
    const std::vector<ComparedRun> runs{
        {"sequential", 8 * kSecond}, {"threads", 2'000'000'000}, {"processes", 2'100'000'000}};
    EXPECT_EQ(comparisonHeadline(runs),
              "threads 2.0 s · processes 2.1 s · sequential 8.0 s: threads 4.0× faster than sequential");
}

TEST(Comparison, AlikeTimesAreAboutAsFast)
{
    const std::vector<ComparedRun> runs{{"lock off", 1'300'000'000}, {"lock on", 1'350'000'000}};
    EXPECT_EQ(comparisonHeadline(runs), "lock off 1.3 s · lock on 1.4 s: about as fast");
}

TEST(Comparison, AStoppedRunHasNoTimeToCompare)
{
    std::vector<ComparedRun> runs{{"sequential", 5 * kSecond}, {"processes", 2 * kSecond}};
    runs[0].cancelled = true;
    EXPECT_EQ(wallRatio(runs), 0.0);
    EXPECT_EQ(comparisonHeadline(runs), "processes 2.0 s · sequential stopped after 5.0 s");
    runs.push_back({"threads", 1 * kSecond});
    EXPECT_EQ(comparisonHeadline(runs),
              "threads 1.0 s · processes 2.0 s · sequential stopped after 5.0 s: threads 2.0× faster than "
              "processes");
}

TEST(Comparison, RatiosAreWrittenWithTwoDigits)
{
    EXPECT_EQ(formatRatio(10.0), "10×");
    EXPECT_EQ(formatRatio(9.96), "10×");
    EXPECT_EQ(formatRatio(9.84), "9.8×");
    EXPECT_EQ(formatRatio(1.04), "1.0×");
    EXPECT_EQ(formatRatio(123.4), "123×");
}

TEST(Comparison, RunsAreCalledByWhatTheyDifferIn)
{
    EXPECT_EQ(differenceLabels(
                  {{{"kind", "sequential"}, {"workers", "10"}}, {{"kind", "process"}, {"workers", "10"}}}),
              (std::vector<std::string>{"sequential", "processes"}));
    EXPECT_EQ(differenceLabels({{{"lock", "off"}, {"updates", "500"}}, {{"lock", "on"}, {"updates", "500"}}}),
              (std::vector<std::string>{"lock off", "lock on"}));
    EXPECT_EQ(
        differenceLabels({{{"kind", "thread"}, {"workers", "2"}}, {{"kind", "process"}, {"workers", "4"}}}),
        (std::vector<std::string>{"threads, workers 2", "processes, workers 4"}));
    EXPECT_EQ(
        differenceLabels({{{"mode", "threads"}, {"work", "cpu"}}, {{"mode", "threads"}, {"work", "io"}}}),
        (std::vector<std::string>{"cpu-bound", "io-bound"}));
    EXPECT_EQ(differenceLabels({{{"kind", "thread"}}, {{"kind", "thread"}}}),
              (std::vector<std::string>{"run 1", "run 2"}));
}

TEST(Comparison, TheCaptionSaysWhatTheRunsShare)
{
    EXPECT_EQ(comparisonCaption("sleepers",
                                {{{"kind", "sequential"}, {"workers", "10"}, {"time-scale", "0.1"}},
                                 {{"kind", "process"}, {"workers", "10"}, {"time-scale", "0.1"}}}),
              "sleepers · workers 10 · times shortened 10×");
    EXPECT_EQ(comparisonCaption(
                  "bank", {{{"lock", "off"}, {"time-scale", "1"}}, {{"lock", "on"}, {"time-scale", "1"}}}),
              "bank");
}
