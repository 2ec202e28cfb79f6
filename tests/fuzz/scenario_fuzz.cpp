// libFuzzer target for the scenario loader (scripts/fuzz.sh builds and runs it with clang, ASan and UBSan).
// One input is read three ways: as a scenario file (parseScenario: JSON with places, the shape checks and
// a plan built per choice; when the file is accepted, its plan with the defaults and with each preset, and
// its expected value), and as an expression (evaluate) and a string of a file (interpolate). Every crash,
// hang, leak or sanitizer report it finds becomes a file in tests/fuzz/regressions/ that
// tests/core/scenario_fuzz_test.cpp reads.
//
// Byte mutations alone rarely turn a valid file into another valid JSON file of a different shape (a text
// where a number was, a list where an object was), which is where a loader's type confusions hide; so half
// of the mutations are structural (LLVMFuzzerCustomMutator below): parse the input as JSON, change one value
// (another type, a copy of another value, a child removed or doubled, an extreme number, an expression),
// and write it back.
//
// `work` steps are sized by workUnitsFor, whose calibration runs once per process (cached), so the loader
// is fuzzed exactly as it runs for real, without a hook.

#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_file.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string_view>

using namespace forkscope::core;

namespace {

const ExprScope &scope()
{
    static const ExprScope names = {
        {"workers", ExprValue::of(4)},
        {"time-scale", ExprValue::of(0.01)},
        {"sleep", ExprValue::of(2)},
        {"kind", ExprValue::of(std::string("thread"))},
        {"lock", ExprValue::of(std::string("on"))},
        {"param:lock", ExprValue::of(std::string("off"))},
        {"copy", ExprValue::of(1)},
        {"race", ExprValue::ofBool(true)},
    };
    return names;
}

} // namespace

// --- Structural mutations -------------------------------------------------------------------------------

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t *data, std::size_t size, std::size_t maxSize);

namespace {

void collect(Json &node, std::vector<Json *> &nodes)
{
    nodes.push_back(&node);
    if (node.is_structured())
        for (Json &child : node)
            collect(child, nodes);
}

/// A value of some type, with the values that break loaders: extremes, empties, expressions.
Json anyValue(std::mt19937 &rng)
{
    static const std::array<const char *, 16> texts
        = {"",    "x",     "${copy}", "${workers}", "${1/0}", "${1e308*10}", "${-1e308-1e308}",  "on",
           "off", "start", "sleep",   "process",    "thread", "{r} {x}",     "${'a' + (((1)))}", "_comment"};
    static const std::array<double, 12> numbers
        = {0, -1, 1, 0.5, 1024, 1025, 100000, 100001, 1e9, 1e300, -1e300, 9007199254740993.0};
    switch (rng() % 8) {
    case 0: return texts[rng() % texts.size()];
    case 1: return numbers[rng() % numbers.size()];
    case 2: return static_cast<std::int64_t>(rng() % 2 ? INT64_MAX : INT64_MIN);
    case 3: return static_cast<std::uint64_t>(UINT64_MAX);
    case 4: return rng() % 2 == 0;
    case 5: return nullptr;
    case 6: return Json::array();
    default: return Json::object();
    }
}

} // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t *data, std::size_t size, std::size_t maxSize,
                                               unsigned int seed)
{
    std::mt19937 rng(seed);
    if (rng() % 2 == 0)
        return LLVMFuzzerMutate(data, size, maxSize);
    Json doc = Json::parse(data, data + size, nullptr, false);
    if (doc.is_discarded())
        return LLVMFuzzerMutate(data, size, maxSize);
    std::vector<Json *> nodes;
    collect(doc, nodes);
    Json &node = *nodes[rng() % nodes.size()];
    const Json other = *nodes[rng() % nodes.size()];
    switch (rng() % 6) {
    case 0: node = anyValue(rng); break;
    case 1: node = other; break; // a copy of another part of the file, e.g. a step list where a name was
    case 2:
        if (node.is_array() && !node.empty())
            node.erase(rng() % node.size());
        else if (node.is_object() && !node.empty())
            node.erase(std::next(node.begin(), static_cast<std::ptrdiff_t>(rng() % node.size())));
        else
            node = anyValue(rng);
        break;
    case 3:
        if (node.is_array() && !node.empty())
            node.push_back(node[rng() % node.size()]);
        else if (node.is_object())
            node[other.is_string() ? other.get<std::string>() : std::string("if")] = anyValue(rng);
        else
            node = Json::array({node});
        break;
    case 4:
        if (node.is_number())
            node = node.get<double>() * (rng() % 2 ? 1000.0 : -1.0);
        else if (node.is_string())
            node = node.get<std::string>() + (rng() % 2 ? "${" : "}");
        else
            node = Json::array({node});
        break;
    default: node = Json{{"copies", 1000}, {"steps", Json::array({node})}}; break;
    }
    const std::string out = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (out.size() > maxSize)
        return LLVMFuzzerMutate(data, size, maxSize);
    std::memcpy(data, out.data(), out.size());
    return out.size();
}

// --- The target ---------------------------------------------------------------------------------------

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);

    ExprValue value;
    std::string error;
    if (evaluate(text, scope(), value, error))
        (void)value.str();
    interpolate(text, scope(), value, error);

    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    if (!parseScenario(text, "fuzz.json", scenario, problems)) {
        (void)problemsText(problems);
        return 0;
    }
    Plan plan;
    ParamSet values;
    if (buildPlan(scenario, {}, plan, values, error) && scenario.expected)
        (void)scenario.expected(values);
    for (const ScenarioPreset &preset : scenario.presets)
        if (buildPlan(scenario, preset.params, plan, values, error) && scenario.expected)
            (void)scenario.expected(values);
    return 0;
}
