// Plans as data: JSON in and out, and what a malformed plan is refused for.
#include "core/plan/plan.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

using namespace forkscope::core;
using forkscope::test::fixturePlan;

TEST(Plan, RoundTripsThroughJson)
{
    const Plan plan = fixturePlan("square-cube", {{"kind", "thread"}, {"sleep", "5"}});
    std::string error;
    Plan back;
    ASSERT_TRUE(planFromJson(planToJson(plan), back, error)) << error;
    EXPECT_EQ(planToJson(back), planToJson(plan));
    ASSERT_EQ(back.workers.size(), 2u);
    EXPECT_EQ(back.workers[1].items, (std::vector<std::int64_t>{2, 3, 4, 5}));
    EXPECT_EQ(back.workers[0].kind, WorkerKind::Thread);
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
    EXPECT_NE(error.find("does not end a process"), std::string::npos)
        << error << " (SIGSTOP would hang a join)";
    EXPECT_FALSE(planFromJson(R"({"main":[{"op":"exit","count":3}]})", plan, error));
    EXPECT_NE(error.find("only allowed in workers"), std::string::npos) << error;
    EXPECT_FALSE(planFromJson(R"({"workers":[{"kind":"fiber"}]})", plan, error));
    EXPECT_NE(error.find("sequential, thread or process"), std::string::npos) << error;
}

TEST(Plan, CountingItemsTravelAsFirstAndCount)
{
    Plan plan = fixturePlan("deposit-withdraw", {{"kind", "thread"}, {"updates", "100000"}, {"think", "0"}});
    std::string error;
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
    const std::string head
        = R"({"scenario":"x","kind":"thread","main":[],"workers":[{"name":"w","kind":"thread",)";
    EXPECT_NE(refused(head + R"("items_from":1,"steps":[]}]})").find("go together"), std::string::npos);
    EXPECT_NE(
        refused(head + R"("items_from":1,"items_count":2000000,"steps":[]}]})").find("from 0 to 1000000"),
        std::string::npos);
    EXPECT_NE(
        refused(head + R"("items_from":1,"items_count":3,"items":[1],"steps":[]}]})").find("without 'items'"),
        std::string::npos);
}
