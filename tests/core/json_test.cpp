#include "core/export/json.hpp"

#include <gtest/gtest.h>

using namespace forkscope::core;

TEST(Json, ParsesNestedDocuments)
{
    JsonValue v;
    std::string error;
    ASSERT_TRUE(parseJson(R"({"a": [1, -2.5e1, true, null, "x\n\u00e9"], "b": {}})", v, error)) << error;
    const auto &a = v.find("a")->asArray();
    ASSERT_EQ(a.size(), 5u);
    EXPECT_EQ(a[0].asNumber(), 1);
    EXPECT_EQ(a[1].asNumber(), -25);
    EXPECT_TRUE(a[2].asBool());
    EXPECT_TRUE(a[3].isNull());
    EXPECT_EQ(a[4].asString(), "x\n\xc3\xa9");
    EXPECT_TRUE(v.find("b")->isObject());
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, RejectsMalformedTextWithAnOffset)
{
    for (const char *bad : {"{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "1 2", "{\"a\":01x}"}) {
        JsonValue v;
        std::string error;
        EXPECT_FALSE(parseJson(bad, v, error)) << bad;
        EXPECT_NE(error.find("offset"), std::string::npos) << error;
    }
}

TEST(Json, StringsAndNumbersRoundTrip)
{
    std::string out;
    appendJsonString(out, "quote \" backslash \\ tab \t ctrl \x01");
    JsonValue v;
    std::string error;
    ASSERT_TRUE(parseJson(out, v, error)) << error;
    EXPECT_EQ(v.asString(), "quote \" backslash \\ tab \t ctrl \x01");
    std::string number;
    appendJsonNumber(number, 0.1);
    EXPECT_EQ(number, "0.1");
}
