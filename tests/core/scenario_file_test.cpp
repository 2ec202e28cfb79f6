// Scenario files: the expression language, reading with places, every problem at once, limits, and the
// built-in lessons read from resources/scenarios/.

#include "core/plan/plan_events.hpp"
#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_file.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

using namespace forkscope::core;

namespace {

ExprValue eval(const std::string &expr, const ExprScope &scope = {})
{
    ExprValue v;
    std::string error;
    EXPECT_TRUE(evaluate(expr, scope, v, error)) << expr << ": " << error;
    return v;
}

std::string evalError(const std::string &expr, const ExprScope &scope = {})
{
    ExprValue v;
    std::string error;
    EXPECT_FALSE(evaluate(expr, scope, v, error)) << expr << " should not evaluate";
    return error;
}

/// A small valid scenario with `extra` spliced into its top level and `steps` as its worker's steps.
std::string lesson(const std::string &steps, const std::string &extra = {})
{
    return R"({
  "format": 1,
  "id": "lesson",
  "title": "A lesson",
  "params": [{"name": "workers", "type": "integer", "default": 2, "min": 1, "max": 8}],
  "kind": "thread",
  "variables": [{"name": "balance", "shared": true, "initial": 100}],
  "locks": ["balance"],)"
        + extra + R"(
  "workers": [{"name": "w ${copy}", "copies": "${workers}", "steps": )"
        + steps + R"(}],
  "main": ["start", "join", {"read": "balance"}, {"print": "balance {r}"}]
})";
}

std::vector<ScenarioProblem> problemsOf(const std::string &text)
{
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(parseScenario(text, "lesson.json", s, problems)) << "the file should be refused";
    return problems;
}

Scenario parsed(const std::string &text)
{
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_TRUE(parseScenario(text, "lesson.json", s, problems)) << problemsText(problems);
    return s;
}

Plan planOf(const Scenario &s, const std::map<std::string, std::string> &params = {})
{
    Plan plan;
    ParamSet values;
    std::string error;
    EXPECT_TRUE(buildPlan(s, params, plan, values, error)) << error;
    return plan;
}

} // namespace

TEST(Expression, PrecedenceNamesAndTypes)
{
    ExprScope scope{{"time-scale", ExprValue::of(0.5)},
                    {"sleep", ExprValue::of(2.0)},
                    {"join", ExprValue::of(std::string("off"))},
                    {"param:lock", ExprValue::of(std::string("on"))}};
    EXPECT_DOUBLE_EQ(eval("1 + 2 * 3").number, 7);
    EXPECT_DOUBLE_EQ(eval("(1 + 2) * 3").number, 9);
    EXPECT_DOUBLE_EQ(eval("sleep * time-scale", scope).number, 1.0); // a '-' between letters is the name's
    EXPECT_DOUBLE_EQ(eval("sleep - 1", scope).number, 1.0);
    EXPECT_DOUBLE_EQ(eval("-sleep % 3", scope).number, -2.0);
    EXPECT_FALSE(eval("join", scope).truth()); // 'off' reads as false
    EXPECT_TRUE(eval("param:lock == 'on'", scope).truth());
    EXPECT_EQ(eval("join ? 'yes' : 'no'", scope).str(), "no");
    EXPECT_EQ(eval("1 < 2 and not (2 < 1) or false").kind, ExprValue::Kind::Bool);
    EXPECT_DOUBLE_EQ(eval("max(1, min(5, 3)) + floor(2.7) + ceil(0.2)").number, 6);
    EXPECT_EQ(eval("'worker ' + 3").str(), "worker 3");
}

TEST(Expression, ErrorsSayWhatAndWhere)
{
    EXPECT_NE(evalError("workers + 1").find("unknown name 'workers'"), std::string::npos);
    EXPECT_NE(evalError("1 / 0").find("division by zero"), std::string::npos);
    EXPECT_NE(evalError("'a' < 2").find("needs numbers"), std::string::npos);
    EXPECT_NE(evalError("(1 + 2").find("expected ')'"), std::string::npos);
    EXPECT_NE(evalError("sqrt(4)").find("unknown function 'sqrt'"), std::string::npos);
    EXPECT_NE(evalError(std::string(200, '(') + "1" + std::string(200, ')')).find("nested more than"),
              std::string::npos);
}

TEST(Expression, InterpolateKeepsTypeOfAWholeValue)
{
    const ExprScope scope{{"workers", ExprValue::of(3.0)}};
    ExprValue v;
    std::string error;
    ASSERT_TRUE(interpolate("${workers}", scope, v, error)) << error;
    EXPECT_EQ(v.kind, ExprValue::Kind::Number);
    ASSERT_TRUE(interpolate("worker ${workers + 1} of ${workers}", scope, v, error)) << error;
    EXPECT_EQ(v.str(), "worker 4 of 3");
    EXPECT_FALSE(interpolate("worker ${workers", scope, v, error));
}

TEST(ScenarioFile, ReadsAndBuildsAPlan)
{
    const Scenario s = parsed(lesson(R"([{"for_each": [{"lock": "balance"}, {"read": "balance"}, {"add": 1},
        {"write": "balance"}, {"unlock": "balance"}]}])"));
    EXPECT_EQ(s.id, "lesson");
    ASSERT_NE(s.param("time-scale"), nullptr) << "every scenario takes --time-scale";
    const Plan plan = planOf(s, {{"workers", "3"}});
    ASSERT_EQ(plan.workers.size(), 3u);
    EXPECT_EQ(plan.workers[2].name, "w 3");
    ASSERT_EQ(plan.workers[0].steps.size(), 6u);
    EXPECT_EQ(plan.workers[0].steps[0].op, StepOp::ForEach);
    EXPECT_EQ(plan.workers[0].steps[0].count, 5);
    EXPECT_EQ(plan.locks, 1);
    EXPECT_GE(plan.ringCapacity, kMinRingCapacity);
}

TEST(ScenarioFile, ProblemsHaveLineColumnAndPath)
{
    // "balanse" is on line 9 (the workers line), its opening quote at column 80.
    const auto problems = problemsOf(lesson(R"([{"lock": "balanse"}])"));
    ASSERT_EQ(problems.size(), 1u) << problemsText(problems);
    EXPECT_EQ(problems[0].at.line, 9);
    EXPECT_EQ(problems[0].at.column, 80);
    EXPECT_EQ(problems[0].pointer, "/workers/0/steps/0/lock");
    EXPECT_NE(problems[0].message.find("unknown lock 'balanse' (this file has: balance)"), std::string::npos)
        << problems[0].message;
    EXPECT_EQ(problems[0].text().rfind("lesson.json:9:80: /workers/0/steps/0/lock: ", 0), 0u)
        << problems[0].text();
}

TEST(ScenarioFile, EveryProblemAtOnce)
{
    const auto problems = problemsOf(lesson(R"([{"lok": "balance"}, {"sleep": 1, "seconds": 2},
        {"for_each": [{"print": "x"}], "print": "y"}])",
                                            R"( "tiltle": "typo",)"));
    std::set<std::string> pointers;
    for (const auto &p : problems)
        pointers.insert(p.pointer);
    EXPECT_TRUE(pointers.count("/tiltle")) << problemsText(problems);
    EXPECT_TRUE(pointers.count("/workers/0/steps/0")) << problemsText(problems); // no op named
    EXPECT_TRUE(pointers.count("/workers/0/steps/1/seconds")) << problemsText(problems);
    EXPECT_TRUE(pointers.count("/workers/0/steps/2/print")) << problemsText(problems); // two ops in one step
    EXPECT_GE(problems.size(), 4u);
}

TEST(ScenarioFile, SyntaxErrorHasItsPlace)
{
    const auto problems = problemsOf("{\n  \"format\": 1,\n  \"id\": \"x\" \"title\": \"y\"\n}");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].at.line, 3);
    EXPECT_NE(problems[0].message.find("JSON syntax error"), std::string::npos);
}

TEST(ScenarioFile, DuplicateKeyIsAProblem)
{
    const auto problems = problemsOf(lesson(R"(["start"])", R"( "title": "again",)"));
    bool found = false;
    for (const auto &p : problems)
        found = found || (p.pointer == "/title" && p.message.find("twice") != std::string::npos);
    EXPECT_TRUE(found) << problemsText(problems);
}

TEST(ScenarioFile, ABranchOnlyAChoiceTakesIsChecked)
{
    // The misspelt lock is in a step only --guard on takes; checking builds every choice, so it is found.
    const std::string text = R"({"format": 1, "id": "x", "title": "x",
      "params": [{"name": "guard", "type": "choice", "default": "off", "choices": ["on", "off"]}],
      "locks": ["balance"],
      "workers": [{"name": "w", "steps": [{"lock": "balanse", "if": "guard"}]}],
      "main": ["start", "join"]})";
    const auto problems = problemsOf(text);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].message.find("unknown lock"), std::string::npos) << problemsText(problems);
}

TEST(ScenarioFile, AProblemFoundAgainByTheNextCheckBuildIsNotFollowedByThePlansComplaint)
{
    // The second check build (--guard off) found the unknown lock again; that repeat was not counted, so
    // the build went on to validate a plan holding lock 0 and added "lock 0 does not exist" at 1:1.
    const auto problems = problemsOf(R"({"format": 1, "id": "x", "title": "x",
      "params": [{"name": "guard", "type": "choice", "default": "on", "choices": ["on", "off"]}],
      "workers": [{"name": "w", "steps": [{"lock": "balance"}]}],
      "main": ["start", "join"]})");
    ASSERT_EQ(problems.size(), 1u) << problemsText(problems);
    EXPECT_EQ(problems[0].pointer, "/workers/0/steps/0/lock");
    EXPECT_NE(problems[0].message.find("unknown lock 'balance'"), std::string::npos);
}

// --- Presets ------------------------------------------------------------------------------------------

TEST(ScenarioFile, PresetsHaveAnIdANameAndValuesTheirParametersAllow)
{
    Scenario s;
    std::vector<ScenarioProblem> problems;
    ASSERT_TRUE(parseScenario(lesson(R"([{"sleep": 0}])", R"(
  "presets": [{"id": "many", "name": "eight workers", "params": {"workers": 8, "_why": "a comment"}}],)"),
                              "lesson.json", s, problems))
        << problemsText(problems);
    ASSERT_EQ(s.presets.size(), 1u);
    EXPECT_EQ(s.presets[0].id, "many");
    EXPECT_EQ(s.presets[0].name, "eight workers");
    EXPECT_EQ(s.presets[0].params, (std::map<std::string, std::string>{{"workers", "8"}}));
    ASSERT_NE(s.preset("many"), nullptr);
    EXPECT_EQ(s.preset("eight workers"), nullptr) << "found by id, not by name";

    const std::vector<std::tuple<std::string, std::string, std::string>> bad = {
        {R"([{"name": "no id", "params": {"workers": 8}}])", "/presets/0", "a preset is {\"id\""},
        {R"([{"id": "Eight Workers", "name": "x", "params": {}}])", "/presets/0/id",
         "a preset's id is lower case letters, digits and '-'"},
        {R"([{"id": "a", "name": "x", "params": {}}, {"id": "a", "name": "y", "params": {}}])",
         "/presets/1/id", "preset 'a' is declared twice"},
        {R"([{"id": "a", "name": "x", "params": {"workers": 9}}])", "/presets/0/params/workers",
         "'9' is not allowed for 'workers': expected an integer from 1 to 8"},
        {R"([{"id": "a", "name": "x", "params": {"workers": 2.5}}])", "/presets/0/params/workers",
         "'2.5' is not allowed"},
        {R"([{"id": "a", "name": "x", "params": {"worker": 2}}])", "/presets/0/params/worker",
         "unknown parameter 'worker'"},
        {R"([{"id": "a", "name": "x", "params": {}, "title": "t"}])", "/presets/0/title",
         "unknown key 'title'"},
    };
    for (const auto &[presets, pointer, says] : bad) {
        const auto found = problemsOf(lesson(R"([{"sleep": 0}])", R"( "presets": )" + presets + ","));
        ASSERT_FALSE(found.empty()) << presets;
        EXPECT_EQ(found[0].pointer, pointer) << problemsText(found);
        EXPECT_NE(found[0].message.find(says), std::string::npos) << problemsText(found);
    }
}

TEST(ScenarioFile, ABranchOnlyAPresetTakesIsChecked)
{
    // Only the preset's 8 workers take the step with the misspelt lock; no choice parameter reaches it.
    const std::string steps = R"([{"lock": "balanse", "if": "workers > 4"}, {"unlock": "balance"}])";
    Scenario s;
    std::vector<ScenarioProblem> problems;
    ASSERT_TRUE(parseScenario(lesson(steps), "lesson.json", s, problems)) << "without the preset it reads";
    const auto found = problemsOf(
        lesson(steps, R"( "presets": [{"id": "many", "name": "x", "params": {"workers": 8}}],)"));
    ASSERT_EQ(found.size(), 1u) << problemsText(found);
    EXPECT_EQ(found[0].pointer, "/workers/0/steps/0/lock");
    EXPECT_NE(found[0].message.find("unknown lock 'balanse'"), std::string::npos) << found[0].text();
}

TEST(ScenarioFile, Limits)
{
    // Too many workers after copies.
    auto problems = problemsOf(R"({"format": 1, "id": "x", "title": "x",
      "workers": [{"name": "w", "copies": 2000, "steps": [{"sleep": 0}]}], "main": ["start", "join"]})");
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].message.find("1024"), std::string::npos) << problemsText(problems);
    // Loops nested five deep.
    problems = problemsOf(lesson(
        R"([{"for_each": [{"for_each": [{"for_each": [{"for_each": [{"for_each": [{"print": "x"}]}]}]}]}]}])"));
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].message.find("nest at most 4"), std::string::npos) << problemsText(problems);
    // More than 100,000 steps after copies.
    problems
        = problemsOf(lesson(R"([{"copies": 1000, "steps": [{"copies": 1000, "steps": [{"print": "x"}]}]}])"));
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].message.find("100000"), std::string::npos) << problemsText(problems);
    // A file over 1 MiB.
    problems = problemsOf(std::string(kMaxScenarioFileBytes + 1, ' '));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].message.find("1 MiB"), std::string::npos);
    // A run too big to keep: 2 workers x 1,000,000 items x 3 recorded steps.
    std::string big = lesson(R"([{"for_each": [{"sleep": 0}, {"sleep": 0}, {"sleep": 0}, {"sleep": 0},
        {"sleep": 0}, {"sleep": 0}]}])");
    const std::string steps = R"("steps": [{"for_each")";
    big.replace(big.find(steps), steps.size(), R"("items": {"range": [0, 1000000]}, )" + steps);
    problems = problemsOf(big);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].message.find("events"), std::string::npos) << problemsText(problems);
}

TEST(ScenarioFile, NothingHalfLoaded)
{
    Scenario s;
    s.id = "before";
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(parseScenario(lesson(R"([{"lock": "nope"}])"), "lesson.json", s, problems));
    EXPECT_EQ(s.id, "before");
}

TEST(ScenarioFile, BadParameterValuesAreRefusedWhenBuilt)
{
    const Scenario s = parsed(lesson(R"([{"sleep": 0}])"));
    Plan plan;
    ParamSet values;
    std::string error;
    EXPECT_FALSE(buildPlan(s, {{"workers", "9"}}, plan, values, error));
    EXPECT_NE(error.find("an integer from 1 to 8"), std::string::npos) << error;
}

TEST(ScenarioFile, NestedLoopsRunForReal)
{
    // Two nested for_each over [1, 2, 3]: nine additions of x, then {x} is the outer item again.
    const Scenario s = parsed(R"({"format": 1, "id": "nested", "title": "nested", "kind": "thread",
      "variables": [{"name": "total", "shared": true}],
      "workers": [{"name": "w", "items": [1, 2, 3], "steps": [{"set": 0},
        {"for_each": [{"for_each": [{"add": 1}]}, {"print": "outer {x}"}]}, {"write": "total"}]}],
      "main": ["start", "join", {"read": "total"}]})");
    std::vector<Event> events;
    const RunResult r = forkscope::test::runToEnd(planOf(s), &events);
    ASSERT_FALSE(r.failed()) << r.error;
    ASSERT_FALSE(r.lanes[0].read.empty());
    EXPECT_EQ(r.lanes[0].read.back(), 9);
    std::vector<std::string> outer;
    for (const Event &e : events)
        if (e.type == EventType::Print && e.lane == 1)
            outer.push_back(e.text);
    EXPECT_EQ(outer, (std::vector<std::string>{"outer 1", "outer 2", "outer 3"}));
}

TEST(BuiltinScenarios, EveryFileReadsAndBuilds)
{
    EXPECT_EQ(builtinScenarioProblems(), "");
    const auto &all = builtinScenarios();
    ASSERT_EQ(all.size(), 16u);
    EXPECT_EQ(all.front().id, "sleepers") << "the first is the window's default";
    std::set<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(builtinScenarioDirectory()))
        if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json")
            files.insert(entry.path().stem().string());
    for (const Scenario &s : all) {
        EXPECT_TRUE(s.builtin);
        EXPECT_TRUE(files.count(s.id)) << s.id << " is not in a file named after it";
        // The twin is <id>.py beside <id>.json (the window's Python pane opens it by pythonPath()).
        EXPECT_EQ(s.codeFile, s.id + ".py");
        EXPECT_EQ(std::filesystem::path(s.pythonPath()),
                  std::filesystem::path(builtinScenarioDirectory()) / (s.id + ".py"));
        EXPECT_TRUE(std::filesystem::exists(s.pythonPath())) << s.id << ": its twin " << s.pythonPath();
        EXPECT_FALSE(s.headline.empty()) << s.id << " has no headline";
        const Plan plan = planOf(s);
        EXPECT_EQ(plan.scenario, s.id);
    }
}

TEST(BuiltinScenarios, RingsAreSizedByTheEngine)
{
    // producer-consumer at its largest: the producer's 100,000 items need a bigger ring than the default.
    const Scenario *s = findScenario("producer-consumer");
    ASSERT_NE(s, nullptr);
    const Plan small = planOf(*s);
    const Plan large = planOf(*s, {{"items", "100000"}});
    EXPECT_EQ(small.ringCapacity, 16384u);
    EXPECT_GE(large.ringCapacity, 262144u);
    EXPECT_LE(large.ringCapacity, kMaxRingCapacity);
}

TEST(BuiltinScenarios, ProducerConsumerRunsToTenMillionEvents)
{
    // The window keeps up with a live run of ten million events (bench/latency_bench --items 1000000), so
    // the lesson lets a class make one: a million items, about ten events each, under the engine's limit.
    const Scenario *s = findScenario("producer-consumer");
    ASSERT_NE(s, nullptr);
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(
        buildPlan(*s, {{"items", "1000000"}, {"produce", "0"}, {"consume", "0"}}, plan, values, error))
        << error;
    EXPECT_GE(estimateEvents(plan), 8'000'000u);
    EXPECT_LE(estimateEvents(plan), kMaxEstimatedEvents);
    EXPECT_FALSE(buildPlan(*s, {{"items", "1000001"}}, plan, values, error));
}

TEST(BuiltinScenarios, AUserFileShadowsAndIsMarked)
{
    Scenario s = parsed(lesson(R"([{"sleep": 0}])"));
    const Scenario *added = addScenario(std::move(s));
    EXPECT_FALSE(added->builtin);
    EXPECT_EQ(findScenario("lesson"), added);
}
