#include "core/plan/plan.hpp"
#include "core/scenario/scenarios.hpp"

#include <gtest/gtest.h>

using namespace forkscope::core;

TEST(Plan, RoundTripsThroughJson)
{
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(buildPlan(*findScenario("square-cube"), {{"kind", "thread"}}, plan, values, error)) << error;
    Plan back;
    ASSERT_TRUE(planFromJson(planToJson(plan), back, error)) << error;
    EXPECT_EQ(planToJson(back), planToJson(plan));
    ASSERT_EQ(back.workers.size(), 2u);
    EXPECT_EQ(back.workers[1].items, (std::vector<std::int64_t>{2, 3, 4, 5}));
    EXPECT_EQ(back.workers[0].kind, WorkerKind::Thread);
}

TEST(Plan, LimitsAreRefusedBeforeAnythingStarts)
{
    Plan plan;
    ParamSet values;
    std::string error;
    EXPECT_FALSE(buildPlan(*findScenario("sleepers"), {{"workers", "300"}, {"kind", "process"}}, plan, values, error));
    EXPECT_NE(error.find("at most 256 processes"), std::string::npos) << error;
    EXPECT_TRUE(buildPlan(*findScenario("sleepers"), {{"workers", "300"}, {"kind", "thread"}}, plan, values, error))
        << error;
    EXPECT_FALSE(buildPlan(*findScenario("sleepers"), {{"workers", "1025"}, {"kind", "thread"}}, plan, values, error));
    EXPECT_NE(error.find("--workers '1025'"), std::string::npos) << error;
    EXPECT_NE(error.find("an integer from 1 to 1024"), std::string::npos) << error;
}

TEST(Plan, BadParametersNameWhatIsAllowed)
{
    Plan plan;
    ParamSet values;
    std::string error;
    const Scenario &sleepers = *findScenario("sleepers");
    EXPECT_FALSE(buildPlan(sleepers, {{"kind", "fiber"}}, plan, values, error));
    EXPECT_EQ(error, "--kind 'fiber' is not allowed: expected one of: sequential, thread, process");
    EXPECT_FALSE(buildPlan(sleepers, {{"sleep", "-1"}}, plan, values, error));
    EXPECT_NE(error.find("a number from 0 to 3600"), std::string::npos) << error;
    EXPECT_FALSE(buildPlan(sleepers, {{"workers", "2.5"}}, plan, values, error));
    EXPECT_FALSE(buildPlan(*findScenario("square-cube"), {{"join", "on"}}, plan, values, error));
    EXPECT_NE(error.find("does not apply"), std::string::npos) << error;
}

TEST(Plan, MalformedPlansAreRejectedWithTheField)
{
    Plan plan;
    std::string error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"steps":[{"op":"teleport"}]}]})", plan, error));
    EXPECT_NE(error.find("unknown op 'teleport'"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"steps":[{"op":"for_each","count":3}]}]})", plan, error));
    EXPECT_NE(error.find("for_each"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"steps":[{"op":"start"}]}]})", plan, error));
    EXPECT_NE(error.find("only allowed in main"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"steps":[{"op":"crash","count":19}]}]})", plan, error));
    EXPECT_NE(error.find("does not end a process"), std::string::npos) << error << " (SIGSTOP would hang a join)";
    EXPECT_FALSE(planFromJson(R"({"main":[{"op":"exit","count":3}]})", plan, error));
    EXPECT_NE(error.find("only allowed in workers"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"kind":"fiber"}]})", plan, error));
    EXPECT_NE(error.find("sequential, thread or process"), std::string::npos) << error;
}

TEST(Plan, EveryBuiltinScenarioBuildsWithItsDefaults)
{
    ASSERT_GE(builtinScenarios().size(), 3u);
    EXPECT_EQ(builtinScenarios().front().id, "sleepers");
    for (const Scenario &s : builtinScenarios()) {
        Plan plan;
        ParamSet values;
        std::string error;
        EXPECT_TRUE(buildPlan(s, {}, plan, values, error)) << s.id << ": " << error;
        EXPECT_FALSE(plan.workers.empty()) << s.id;
        EXPECT_FALSE(s.summary.empty());
        EXPECT_FALSE(s.codeFile.empty());
    }
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(buildPlan(*findScenario("sleepers"), {}, plan, values, error));
    EXPECT_EQ(plan.workers.size(), 10u) << "the tutorial's ten workers";
    EXPECT_EQ(plan.workers[0].steps[1].seconds, 2.0) << "sleeping two seconds";
}

TEST(Plan, CountingItemsTravelAsFirstAndCount)
{
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(buildPlan(*findScenario("bank"), {{"updates", "100000"}, {"tight", "on"}}, plan, values, error)) << error;
    const std::string json = planToJson(plan);
    EXPECT_LT(json.size(), 4000u) << "100,000 counted items must not be spelled out";
    EXPECT_NE(json.find("\"items_count\":100000"), std::string::npos);
    Plan back;
    ASSERT_TRUE(planFromJson(json, back, error)) << error;
    ASSERT_EQ(back.workers[0].items.size(), 100000u);
    EXPECT_EQ(back.workers[0].items.front(), 1);
    EXPECT_EQ(back.workers[0].items.back(), 100000);
    EXPECT_EQ(planToJson(back), json);

    // Items that do not count up one by one stay a list.
    plan.workers[0].items = {5, 4, 3};
    EXPECT_NE(planToJson(plan).find("\"items\":[5,4,3]"), std::string::npos);

    const auto refused = [&](const std::string &text) {
        Plan p;
        std::string e;
        EXPECT_FALSE(planFromJson(text, p, e)) << text;
        return e;
    };
    const std::string head = R"({"scenario":"x","kind":"thread","main":[],"workers":[{"name":"w","kind":"thread",)";
    EXPECT_NE(refused(head + R"("items_from":1,"steps":[]}]})").find("go together"), std::string::npos);
    EXPECT_NE(refused(head + R"("items_from":1,"items_count":2000000,"steps":[]}]})").find("from 0 to 1000000"),
              std::string::npos);
    EXPECT_NE(refused(head + R"("items_from":1,"items_count":3,"items":[1],"steps":[]}]})").find("without 'items'"),
              std::string::npos);
}
