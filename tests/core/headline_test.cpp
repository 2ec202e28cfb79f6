// Every lesson's run says what happened in one sentence with its own measured numbers.

#include "test_support.hpp"

#include "core/analysis/headline.hpp"
#include "core/scenario/scenarios.hpp"

#include <gtest/gtest.h>

#include <cctype>

using namespace forkscope;
using namespace forkscope::core;

namespace {

struct Told {
    RunResult result;
    std::string headline;
    std::string caption;
};

Told runAndTell(const std::string &id, const std::map<std::string, std::string> &params)
{
    const Scenario *scenario = findScenario(id);
    Plan plan;
    ParamSet values;
    std::string error;
    EXPECT_TRUE(buildPlan(*scenario, params, plan, values, error)) << error;
    std::vector<Event> events;
    Told told;
    told.result = test::runToEnd(plan, &events);
    const HeadlineInput in{&told.result, &events, &values, nullptr};
    told.headline = headline(in);
    told.caption = caption(in);
    return told;
}

bool hasDigit(const std::string &text)
{
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

} // namespace

TEST(Headline, EveryLessonSaysWhatHappenedWithAMeasuredNumber)
{
    for (const Scenario &s : builtinScenarios()) {
        std::map<std::string, std::string> params{{"time-scale", "0.01"}};
        if (s.param("trials"))
            params["trials"] = "1";
        if (s.id == "cpu-vs-io")
            params["seconds"] = "0.05";
        const Told told = runAndTell(s.id, params);
        EXPECT_TRUE(hasDigit(told.headline)) << s.id << ": " << told.headline;
        EXPECT_EQ(told.headline.find('{'), std::string::npos) << s.id << ": unfilled: " << told.headline;
        EXPECT_EQ(told.headline.rfind("the run failed", 0), std::string::npos)
            << s.id << ": " << told.headline;
        EXPECT_EQ(told.caption.rfind(s.id, 0), 0u) << told.caption;
    }
}

TEST(Headline, SleepersComparesTheWallTimeWithTheNapsInARow)
{
    const Told told = runAndTell(
        "sleepers", {{"kind", "process"}, {"workers", "10"}, {"sleep", "2"}, {"time-scale", "0.05"}});
    EXPECT_EQ(told.headline.rfind("10 processes slept 100 ms each: all done in ", 0), 0u) << told.headline;
    EXPECT_NE(told.headline.find(", not 1.0 s"), std::string::npos) << told.headline;
    EXPECT_NE(told.caption.find("times shortened 20×"), std::string::npos) << told.caption;
}

TEST(Headline, MemoryIsolationTellsTheCopiesApart)
{
    const Told processes = runAndTell("memory-isolation", {{"kind", "process"}, {"time-scale", "0.01"}});
    EXPECT_EQ(processes.headline,
              "each process doubled its own copy: workers ended with a = 2, main still has a = 1");
}

TEST(Headline, TheBankCountsItsLostUpdates)
{
    const Told locked
        = runAndTell("bank", {{"lock", "on"}, {"trials", "1"}, {"updates", "50"}, {"time-scale", "0.01"}});
    EXPECT_EQ(locked.headline, "with the lock: balance 100, as expected; no update lost");
    const Told racing
        = runAndTell("bank", {{"lock", "off"}, {"trials", "1"}, {"updates", "200"}, {"time-scale", "0.01"}});
    EXPECT_EQ(racing.headline.rfind("without a lock: balance ", 0), 0u) << racing.headline;
    EXPECT_NE(racing.headline.find("expected 100"), std::string::npos) << racing.headline;
}

TEST(Headline, DurationsReadLikeAPersonWouldSayThem)
{
    EXPECT_EQ(formatDuration(2'000'000'000), "2.0 s");
    EXPECT_EQ(formatDuration(20'000'000'000), "20 s");
    EXPECT_EQ(formatDuration(210'000'000), "210 ms");
    EXPECT_EQ(formatDuration(35'400'000), "35 ms");
    EXPECT_EQ(formatDuration(1'500), "1.5 µs");
}

TEST(Headline, TheBanksCaptionSaysWhatEachTrialRanAndWhereItDiffersFromPython)
{
    // One trial of the race shape, told as part of a series: the caption names the shape that really ran
    // (100 updates, not the --updates parameter's 500) and says it is wider than Python's race.
    const Scenario *scenario = findScenario("bank");
    ASSERT_NE(scenario, nullptr);
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(buildPlan(*scenario, {{"trials", "5"}, {"kind", "thread"}}, plan, values, error)) << error;
    std::vector<Event> events;
    const RunResult result = test::runToEnd(plan, &events);
    TrialOutcomes trials;
    trials.expected = 100;
    trials.finals = {100, 98, 101, 100, 97};
    const std::string told = caption(HeadlineInput{&result, &events, &values, &trials});
    EXPECT_EQ(told.rfind("bank · threads · each trial: 100 deposits and 100 withdrawals", 0), 0u) << told;
    EXPECT_NE(told.find("wider window than Python's"), std::string::npos) << told;
    EXPECT_EQ(told.find("500"), std::string::npos) << told;
    // One run to watch says its own settings.
    const std::string one = caption(HeadlineInput{&result, &events, &values, nullptr});
    EXPECT_NE(one.find("500 deposits and 500 withdrawals"), std::string::npos) << one;
}
