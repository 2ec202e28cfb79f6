// Plans as JSON (nlohmann-json): what the hand-written parser these tests once covered promised, now
// asked of the plan reader and writer that use the library.

#include "core/plan/plan.hpp"

#include <gtest/gtest.h>

using namespace forkscope::core;

TEST(Json, ParsesNestedDocuments)
{
    Plan plan;
    std::string error;
    ASSERT_TRUE(planFromJson(R"({"main": [{"op": "print", "text": "x\n\u00e9"}],
                                 "workers": [{"name": "w", "kind": "thread", "items": [1, -25, 3],
                                              "steps": [{"op": "sleep", "seconds": 2.5e-1}]}]})",
                             plan, error))
        << error;
    ASSERT_EQ(plan.main.size(), 1u);
    EXPECT_EQ(plan.main[0].text, "x\n\xc3\xa9");
    ASSERT_EQ(plan.workers.size(), 1u);
    EXPECT_EQ(plan.workers[0].items, (std::vector<std::int64_t>{1, -25, 3}));
    EXPECT_EQ(plan.workers[0].steps[0].seconds, 0.25);
}

TEST(Json, RejectsMalformedTextWithAnOffset)
{
    for (const char *bad : {"{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "1 2", "{\"a\":01x}"}) {
        Plan plan;
        std::string error;
        EXPECT_FALSE(planFromJson(bad, plan, error)) << bad;
        EXPECT_NE(error.find("offset"), std::string::npos) << error;
    }
}

TEST(Json, StringsAndNumbersRoundTrip)
{
    Plan plan;
    plan.timeScale = 0.1;
    plan.main.push_back({StepOp::Print, "quote \" backslash \\ tab \t ctrl \x01", 0, 0});
    plan.workers.push_back({"w", WorkerKind::Thread, {(std::int64_t{1} << 53) + 1}, {}});
    const std::string json = planToJson(plan);
    EXPECT_NE(json.find("\"time_scale\":0.1"), std::string::npos) << json;
    Plan back;
    std::string error;
    ASSERT_TRUE(planFromJson(json, back, error)) << error;
    EXPECT_EQ(back.main[0].text, "quote \" backslash \\ tab \t ctrl \x01");
    EXPECT_EQ(back.workers[0].items[0], (std::int64_t{1} << 53) + 1) << "integers above 2^53 stay exact";
}
