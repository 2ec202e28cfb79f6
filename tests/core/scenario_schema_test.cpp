// resources/scenario.schema.json and the loader agree on which keys each object of a scenario file may hold:
// the keys the loader allows (scenarioFileKeys(), the lists its checkKeys uses) are the schema's properties
// of the same object, and the schema has no step the loader does not know. A key added to one and not the
// other fails here (tests/scenarios/validate_schema.py checks files against the schema itself).

#include "core/scenario/scenario_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

using namespace forkscope::core;

namespace {

Json readSchema()
{
    std::ifstream in(FORKSCOPE_SCENARIO_SCHEMA);
    EXPECT_TRUE(in) << "cannot read " << FORKSCOPE_SCENARIO_SCHEMA;
    return Json::parse(in);
}

std::set<std::string> keysOf(const Json &object)
{
    std::set<std::string> keys;
    for (const auto &[key, value] : object.items())
        keys.insert(key);
    return keys;
}

/// Where the schema describes the object the loader calls `kind`.
std::string schemaPointer(const std::string &kind)
{
    if (kind == "scenario")
        return "";
    if (kind == "parameter")
        return "/$defs/param";
    if (kind == "worker" || kind == "rule")
        return "/$defs/" + kind;
    if (kind.rfind("step:", 0) == 0)
        return "/$defs/step-" + kind.substr(5);
    // variable, queue, pipe, pool, preset: the items of the top-level list of that name
    return "/properties/" + kind + "s/items";
}

} // namespace

TEST(ScenarioSchema, EachObjectAllowsTheKeysTheLoaderAllows)
{
    const Json schema = readSchema();
    const auto loader = scenarioFileKeys();
    ASSERT_GE(loader.size(), 9u + 30u) << "the object kinds and at least 30 ops";
    for (const auto &[kind, keys] : loader) {
        const Json::json_pointer at(schemaPointer(kind));
        ASSERT_TRUE(schema.contains(at)) << "the schema has no " << at.to_string() << " for a " << kind;
        const Json &object = schema.at(at);
        ASSERT_TRUE(object.contains("properties")) << kind;
        EXPECT_EQ(keysOf(object["properties"]), std::set<std::string>(keys.begin(), keys.end()))
            << "the keys of a " << kind << " (schema " << at.to_string() << "/properties, loader "
            << "core/scenario/scenario_parts.hpp)";
        // The loader refuses any other key but comments ('_'); so must the schema.
        EXPECT_EQ(object.value("additionalProperties", true), false) << kind;
        EXPECT_TRUE(object.contains("patternProperties") && object["patternProperties"].contains("^_"))
            << kind << ": a comment key ('_…') is allowed everywhere";
        if (kind.rfind("step:", 0) == 0) {
            const std::string op = kind.substr(5);
            const Json required = object.value("required", Json::array());
            EXPECT_NE(std::find(required.begin(), required.end(), op), required.end())
                << "a '" << op << "' step requires its own key";
        }
    }
}

TEST(ScenarioSchema, KnowsExactlyTheStepsTheLoaderKnows)
{
    const Json schema = readSchema();
    std::set<std::string> loaderOps, loaderStepKeys;
    for (const auto &[kind, keys] : scenarioFileKeys())
        if (kind.rfind("step:", 0) == 0) {
            loaderOps.insert(kind.substr(5));
            loaderStepKeys.insert(keys.begin(), keys.end());
        }
    std::set<std::string> schemaOps;
    for (const auto &[name, def] : schema["$defs"].items())
        if (name.rfind("step-", 0) == 0 && name != "step-object")
            schemaOps.insert(name.substr(5));
    EXPECT_EQ(schemaOps, loaderOps);
    // The step object's names: every op and every extra key of some op, nothing else.
    std::set<std::string> names;
    for (const Json &n : schema["$defs"]["step-object"]["propertyNames"]["anyOf"][0]["enum"])
        names.insert(n.get<std::string>());
    EXPECT_EQ(names, loaderStepKeys);
    // A step written as a bare name is an op with nothing to say.
    for (const Json &bare : schema["$defs"]["step"]["then"]["enum"])
        EXPECT_TRUE(loaderOps.count(bare.get<std::string>())) << bare;
}

TEST(ScenarioSchema, RequiresWhatTheLoaderRequires)
{
    const Json schema = readSchema();
    const auto required = [&](const std::string &pointer) {
        std::set<std::string> out;
        for (const Json &k : schema.at(Json::json_pointer(pointer)).value("required", Json::array()))
            out.insert(k.get<std::string>());
        return out;
    };
    // Each refused by the loader when missing (scenario_file_test.cpp and the CLI's check tests show it).
    EXPECT_EQ(required(""), (std::set<std::string>{"format", "id", "title", "main"}));
    EXPECT_EQ(required("/properties/presets/items"), (std::set<std::string>{"id", "name", "params"}));
    EXPECT_EQ(required("/$defs/rule"), (std::set<std::string>{"text"}));
    EXPECT_EQ(required("/$defs/param"), (std::set<std::string>{"name", "type"}));
}
