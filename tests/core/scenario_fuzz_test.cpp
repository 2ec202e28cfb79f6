// What fuzzing the scenario loader (tests/fuzz/scenario_fuzz.cpp, scripts/fuzz.sh) found, kept: each input
// in tests/fuzz/regressions/ is read here and must be refused with its own message (or read as it should),
// quickly, without a crash — under ASan + UBSan in the asan preset. The seed corpus is read too.

#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_file.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace forkscope::core;

namespace {

const std::filesystem::path kFuzzDir = FORKSCOPE_FUZZ_DIR;

std::string contents(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string regression(const std::string &name) { return contents(kFuzzDir / "regressions" / name); }

/// Reads `text` as a scenario file; true when accepted. `problems` gets what was found.
bool read(const std::string &text, std::vector<ScenarioProblem> &problems, Scenario &scenario)
{
    return parseScenario(text, "fuzz.json", scenario, problems);
}

/// The problems of a file that must be refused, all on one text.
std::string refusal(const std::string &text)
{
    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(read(text, problems, scenario)) << "the file should be refused";
    EXPECT_FALSE(problems.empty());
    return problemsText(problems);
}

} // namespace

TEST(ScenarioFuzzCorpus, EverySeedAndRegressionIsReadWithoutACrash)
{
    int files = 0;
    int accepted = 0;
    for (const char *dir : {"corpus", "regressions"}) {
        for (const auto &entry : std::filesystem::directory_iterator(kFuzzDir / dir)) {
            const std::string text = contents(entry.path());
            Scenario scenario;
            std::vector<ScenarioProblem> problems;
            ExprValue value;
            std::string error;
            evaluate(text, {}, value, error);
            interpolate(text, {}, value, error);
            if (read(text, problems, scenario)) {
                ++accepted;
                Plan plan;
                ParamSet values;
                EXPECT_TRUE(buildPlan(scenario, {}, plan, values, error)) << entry.path() << ": " << error;
            } else {
                EXPECT_FALSE(problems.empty()) << entry.path() << " was refused without a reason";
            }
            ++files;
        }
    }
    EXPECT_GE(files, 10);
    EXPECT_GE(accepted, 1) << "the seed every-step.json should be a valid scenario";
}

TEST(ScenarioFuzzCorpus, TheSeedWithEveryStepIsValidAndUsesEveryStep)
{
    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    ASSERT_TRUE(read(contents(kFuzzDir / "corpus" / "every-step.json"), problems, scenario))
        << problemsText(problems);
    Plan plan;
    ParamSet values;
    std::string error;
    ASSERT_TRUE(buildPlan(scenario, {{"lock", "on"}}, plan, values, error)) << error;
    std::set<StepOp> ops;
    for (const Step &s : plan.main)
        ops.insert(s.op);
    for (const WorkerPlan &w : plan.workers)
        for (const Step &s : w.steps)
            ops.insert(s.op);
    // Every op a file can name (copies is written out before the run, so it is not an op of the plan).
    EXPECT_EQ(ops.size(), 32u);
}

TEST(ScenarioFuzzCorpus, TheDictionaryNamesEveryKeyTheLoaderAllows)
{
    // libFuzzer splices the dictionary's words into inputs: a key missing from it is one the fuzzer has to
    // find by chance, byte by byte (it once lacked every top-level key, "presets" and "caption" among them).
    std::set<std::string> words;
    std::istringstream dict(contents(kFuzzDir / "scenario.dict"));
    for (std::string line; std::getline(dict, line);)
        if (const auto open = line.find("=\"\\\""); line.rfind("key_", 0) == 0 && open != std::string::npos)
            words.insert(line.substr(open + 4, line.find("\\\"", open + 4) - open - 4));
    std::set<std::string> missing;
    for (const auto &[kind, keys] : scenarioFileKeys())
        for (const std::string &key : keys)
            if (!words.count(key))
                missing.insert(key);
    EXPECT_TRUE(missing.empty()) << "tests/fuzz/scenario.dict has no key_ line for: "
                                 << ::testing::PrintToString(missing);
    EXPECT_GE(words.size(), 70u);
}

// --- Found by the fuzzer (structural mutations), on the first day --------------------------------------

namespace {

/// True when some problem is at `pointer` and says `says`.
bool has(const std::string &problems, const std::string &pointer, const std::string &says)
{
    std::istringstream lines(problems);
    for (std::string line; std::getline(lines, line);)
        if (line.find(": " + pointer + ": ") != std::string::npos && line.find(says) != std::string::npos)
            return true;
    return false;
}

} // namespace

// nlohmann's value("name", std::string()) throws type_error 302 when the key holds another type: the
// uncaught exception ended the process (the window with it) instead of naming the problem.
TEST(ScenarioFuzzRegression, AParameterNameThatIsNotATextIsAProblem)
{
    const std::string problems = refusal(regression("param-name-a-list.json"));
    EXPECT_TRUE(has(problems, "/params/0/name", "a parameter's name is lower case letters")) << problems;
}

TEST(ScenarioFuzzRegression, AParameterTypeThatIsNotATextIsAProblem)
{
    const std::string problems = refusal(regression("param-type-a-list.json"));
    EXPECT_TRUE(has(problems, "/params/0/type", "integer, number or choice, not '[]'")) << problems;
}

TEST(ScenarioFuzzRegression, AParameterHelpThatIsNotATextIsAProblem)
{
    const std::string problems = refusal(regression("param-help-an-object.json"));
    EXPECT_TRUE(has(problems, "/params/1/help", "'help' is a text, not an object")) << problems;
}

// The plan's name was read with value("id", std::string()): an id that is not a text ended the process from
// the check build, after the id's own problem had been listed.
TEST(ScenarioFuzzRegression, AnIdThatIsNotATextIsAProblem)
{
    const std::string problems = refusal(regression("id-a-boolean.json"));
    EXPECT_TRUE(has(problems, "/id", "'id' must be a text, not true/false")) << problems;
}

// {"copies": N} without "steps" was reported by the shape check, then built anyway: const operator[] on a
// missing key, an assertion in nlohmann (and undefined behaviour without one).
TEST(ScenarioFuzzRegression, CopiesWithoutStepsIsAProblemNotARead)
{
    const std::string problems = refusal(regression("copies-without-steps.json"));
    EXPECT_TRUE(has(problems, "/main/1", "a 'copies' step needs 'steps'")) << problems;
}

// get<double>() on a preset's value threw the same way for anything but a number or a text.
TEST(ScenarioFuzzRegression, APresetValueThatIsAListIsAProblem)
{
    const std::string problems = refusal(regression("preset-value-a-list.json"));
    EXPECT_TRUE(has(problems, "/presets/0/params/kind", "a number or a text, not a list")) << problems;
}

// --- Found by reading the loader while fuzzing it: inputs too large for the fuzzer's 16 KiB ------------
// A file is at most 1 MiB, and each of these took from minutes to hours, or gigabytes, before it was
// refused. Bounded in CPU time (generously), not wall time: a loaded machine may stop the test for a while.

namespace {

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

constexpr double kGenerousCpuSeconds = 20; ///< each case below takes well under a second once fixed

/// A valid file with `extra` spliced into its top level, `steps` as its one worker's steps.
std::string file(const std::string &steps, const std::string &extra = {})
{
    return R"({"format": 1, "id": "f", "title": "f",)" + extra + R"( "kind": "thread",
      "workers": [{"name": "w", "steps": )"
        + steps + R"(}], "main": ["start", "join"]})";
}

/// A top-level "params" entry (for file()'s `extra`): one choice parameter, "mode", of `choices` choices.
std::string choiceParameter(int choices)
{
    std::string list;
    for (int c = 0; c < choices; ++c)
        list += (c ? ", \"c" : "\"c") + std::to_string(c) + "\"";
    return R"( "params": [{"name": "mode", "type": "choice", "default": "c0", "choices": [)" + list + "]}],";
}

} // namespace

TEST(ScenarioFuzzRegression, NestingIsLimitedTo64)
{
    // Every value's pointer spelled out its depth: 1 MiB of '[' was quadratic in time and memory.
    const double before = cpuSeconds();
    std::vector<ScenarioProblem> problems;
    Scenario s;
    EXPECT_FALSE(read(std::string(kMaxScenarioFileBytes, '['), problems, s));
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].message.find("nested more than 64 deep"), std::string::npos) << problems[0].text();
    EXPECT_EQ(problems[0].at.column, 65);
    // 64 deep is still a file (a comment holding 63 nested lists in the top object), 65 is not.
    const auto nested = [](int lists) {
        return R"({"_deep": )" + std::string(static_cast<std::size_t>(lists), '[')
            + std::string(static_cast<std::size_t>(lists), ']')
            + R"(, "format": 1, "id": "f", "title": "f", "main": []})";
    };
    EXPECT_TRUE(read(nested(63), problems, s)) << problemsText(problems);
    const std::string deeper = refusal(nested(64));
    EXPECT_NE(deeper.find("nested more than 64 deep"), std::string::npos) << deeper;
}

TEST(ScenarioFuzzRegression, ANumberBeyondADoubleIsAProblem)
{
    // nlohmann's parser refuses 1e400 (out_of_range 406), and the message called valid JSON a syntax error.
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(read(file(R"([{"sleep": 1e400}])"), problems, s));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].message, "a number too large (at most about 1.8e308)") << problems[0].text();
    EXPECT_EQ(problems[0].at.line, 2);
    EXPECT_EQ(problems[0].at.column, 53) << "at the number";
}

TEST(ScenarioFuzzRegression, AnExpressionThatOverflowsIsAProblem)
{
    for (const char *expr : {"1e308 + 1e308", "-1e308 - 1e308", "1e308 + 1e308 - (1e308 + 1e308)"}) {
        ExprValue v;
        std::string error;
        EXPECT_FALSE(evaluate(expr, {}, v, error)) << expr << " gave " << v.str();
        EXPECT_NE(error.find("too large"), std::string::npos) << error;
    }
    const std::string problems = refusal(file(R"([{"work": "${1e308 + 1e308}"}])"));
    EXPECT_TRUE(has(problems, "/workers/0/steps/0/work", "a number too large")) << problems;
}

TEST(ScenarioFuzzRegression, WorkBeyondTheMostUnitsIsAProblemNotUndefinedBehaviour)
{
    // 1e300 s of work made workUnitsFor cast 1e304 to an int64 (undefined; UBSan's float-cast-overflow).
    const std::string problems = refusal(file(R"([{"work": 1e300}])"));
    EXPECT_TRUE(has(problems, "/workers/0/steps/0/work", "'work' asks for 1e+300 s of CPU work")) << problems;
}

TEST(ScenarioFuzzRegression, CopiesOfCopiesOfNothingStop)
{
    // Nothing was written, so no step budget ran out: 10^10 rounds. Steps an `if` leaves out count too.
    for (const char *inner : {"[]", R"([{"print": "never", "if": false}])"}) {
        const double before = cpuSeconds();
        const std::string problems = refusal(file(
            R"([{"copies": 100000, "steps": [{"copies": 100000, "steps": )" + std::string(inner) + "}]}]"));
        EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds) << inner;
        EXPECT_NE(problems.find("more than 1000000 steps to write out"), std::string::npos) << problems;
    }
}

/// A condition of about `chars` characters that is false.
std::string longFalseCondition(std::size_t chars)
{
    std::string expr = "0";
    while (expr.size() + 4 < chars)
        expr += " + 0";
    return expr + " == 1";
}

TEST(ScenarioFuzzRegression, ALongConditionCountsAsTheStepsItCosts)
{
    // 90,000 steps looked at are within the budget, but each evaluates an `if` of 1,000 characters: parsing
    // them is the work of 2.8 M steps. An expression counts one step per 32 characters, so such a file is
    // refused (a fuzzed `if` of 16 KB in `copies` of `copies` would otherwise be hours of work).
    const std::string steps
        = R"([{"copies": 300, "steps": [{"copies": 300, "steps": [{"print": "never", "if": ")"
        + longFalseCondition(1000) + R"("}]}]}])";
    const double before = cpuSeconds();
    const std::string problems = refusal(file(steps));
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    EXPECT_NE(problems.find("more than 1000000 steps to write out"), std::string::npos) << problems;
}

TEST(ScenarioFuzzRegression, APlainTextCostsNothingToLookAt)
{
    // Only an expression is charged to the budget of steps looked at: 100,000 prints of a long plain message
    // are a valid plan (charged by their characters, they were refused as "more than 1000000 steps").
    const std::string message(300, 'x');
    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    EXPECT_TRUE(
        read(file(R"([{"copies": 99990, "steps": [{"print": ")" + message + R"("}]}])"), problems, scenario))
        << problemsText(problems);
}

TEST(ScenarioFuzzRegression, TextsThatJoinThemselvesStopAtTheLongestText)
{
    // Values that each join the one before eight times grow eightfold a name: ten names were 16 GB of text.
    std::string values = R"( "values": {"a0": "'xxxxxxxxxxxxxxxx'")";
    for (int i = 1; i < 10; ++i) {
        const std::string prev = "a" + std::to_string(i - 1);
        std::string sum = prev;
        for (int k = 1; k < 8; ++k)
            sum += "+" + prev;
        values += ", \"a" + std::to_string(i) + "\": \"" + sum + "\"";
    }
    values += "},";
    const double before = cpuSeconds();
    const std::string problems = refusal(file(R"([{"print": "${a9}"}])", values));
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    EXPECT_NE(problems.find("a text longer than 4096 characters"), std::string::npos) << problems;
}

TEST(ScenarioFuzzRegression, AFileThatOutgrowsTheStepBudgetIsWrittenOutOnce)
{
    // A file is built with its defaults and with each other choice of its choice parameters, to find every
    // problem. Once one build outgrew the budget of steps the others are not tried: they would only say it
    // again (a fuzzed file took 47 s under ASan, a million steps looked at per build). Checked as a ratio:
    // the same file with one choice and with thirty.
    const std::string steps
        = R"([{"copies": 1000, "steps": [{"copies": 1000, "steps": [{"print": "never", "if": ")"
        + longFalseCondition(3200) + R"("}]}]}])";
    const auto timed = [&](int choices) {
        const double before = cpuSeconds();
        const std::string problems = refusal(file(steps, choiceParameter(choices)));
        EXPECT_NE(problems.find("more than 1000000 steps to write out"), std::string::npos) << problems;
        return cpuSeconds() - before;
    };
    timed(1); // warm
    const double one = std::max(timed(1), 1e-3);
    const double thirty = timed(30);
    std::printf("[ outgrow  ] one choice %.3f s, thirty %.3f s\n", one, thirty);
    EXPECT_LT(thirty, 4 * one) << "each of the thirty choices was written out again";
}

TEST(ScenarioFuzzRegression, AFileOfManyChoicesIsCheckedWithinOneBuildsBudgetOfSteps)
{
    // Each build stays within its budget (300,000 steps an `if` leaves out, in copies of copies: ~600,000
    // looked at), but a file may list thousands of choices, and each was built to be checked: now no more
    // are once those built have looked at as many steps as one plan may. Checked as a ratio: one choice,
    // thirty (two builds of the thirty).
    const std::string steps
        = R"([{"copies": 300, "steps": [{"copies": 1000, "steps": [{"print": "never", "if": "false"}]}]}])";
    const auto timed = [&](int choices) {
        const double before = cpuSeconds();
        Scenario scenario;
        std::vector<ScenarioProblem> problems;
        EXPECT_TRUE(read(file(steps, choiceParameter(choices)), problems, scenario))
            << problemsText(problems);
        return cpuSeconds() - before;
    };
    timed(1); // warm
    const double one = std::max(timed(1), 1e-3);
    const double thirty = timed(30);
    std::printf("[ choices  ] one choice %.3f s, thirty %.3f s\n", one, thirty);
    EXPECT_LT(thirty, 4 * one) << "each of the thirty choices was written out";
}

TEST(ScenarioFuzzRegression, ItemsInAllAreLimited)
{
    // 1,024 copies of a worker with a million items each: 8 GB of items before any limit of the plan.
    const double before = cpuSeconds();
    const std::string problems = refusal(R"({"format": 1, "id": "f", "title": "f", "kind": "thread",
      "workers": [{"name": "w", "copies": 1024, "items": {"range": [0, 1000000]}, "steps": [{"for_each": []}]}],
      "main": ["start", "join"]})");
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    EXPECT_TRUE(has(problems, "/workers/0/items", "more than 20000000 items in all")) << problems;
}

TEST(ScenarioFuzzRegression, AFileWithAHundredThousandProblemsListsAHundred)
{
    // Each problem's place was found by scanning the text, and ordered_json looked for each new key among
    // all the object's keys before it: 70,000 unknown keys in one 1 MiB file took minutes.
    std::string text = R"({"format": 1, "id": "f", "title": "f", "main": [])";
    for (int i = 0; text.size() < kMaxScenarioFileBytes - 100; ++i)
        text += ", \"k" + std::to_string(i) + "\": 1";
    text += "}";
    const double before = cpuSeconds();
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(read(text, problems, s));
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    ASSERT_EQ(problems.size(), 101u);
    EXPECT_EQ(problems[0].pointer, "/k0") << problems[0].text();
    EXPECT_EQ(problems[0].at.line, 1);
    EXPECT_EQ(problems[99].pointer, "/k99") << problems[99].text();
    EXPECT_NE(problems[100].message.find("more problems than these 100"), std::string::npos);
}

TEST(ScenarioFuzzRegression, AKeyWrittenAHundredThousandTimesIsOneProblemFoundQuickly)
{
    // Each repeat was placed (a scan of the text up to it) before it was found to be the same problem again.
    std::string text = R"({"format": 1, "id": "f", "title": "f", "main": [])";
    while (text.size() < kMaxScenarioFileBytes - 100)
        text += R"(, "title": "f")";
    text += "}";
    const double before = cpuSeconds();
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_FALSE(read(text, problems, s));
    EXPECT_LT(cpuSeconds() - before, kGenerousCpuSeconds);
    ASSERT_EQ(problems.size(), 1u) << problemsText(problems);
    EXPECT_EQ(problems[0].pointer, "/title");
    EXPECT_EQ(problems[0].at.column, 52) << "the second 'title', the first written twice";
    EXPECT_NE(problems[0].message.find("written twice"), std::string::npos);
}

TEST(ScenarioFuzzRegression, AKeyWrittenTwiceAloneRefusesTheFile)
{
    // The duplicates were listed but not counted, so a file whose only problem was one was accepted.
    const std::string valid = file(R"([{"sleep": 1}])");
    Scenario s;
    std::vector<ScenarioProblem> problems;
    ASSERT_TRUE(read(valid, problems, s)) << problemsText(problems);
    const std::string twice = file(R"([{"sleep": 1}])", R"( "lesson": "a", "lesson": "b",)");
    EXPECT_TRUE(has(refusal(twice), "/lesson", "written twice")) << twice;
}

TEST(ScenarioFuzzRegression, AValueWhoseNameStartsWithAnUnderscoreIsAComment)
{
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_TRUE(
        read(file(R"([{"sleep": "${n}"}])", R"( "values": {"_note": "n is how long, in seconds", "n": 2},)"),
             problems, s))
        << problemsText(problems);
}

TEST(ScenarioFuzzRegression, JoinWithFalseIsAProblemNotAJoin)
{
    const std::string problems = refusal(R"({"format": 1, "id": "f", "title": "f",
      "workers": [{"name": "w", "steps": [{"sleep": 1}]}], "main": ["start", {"join": false}]})");
    EXPECT_TRUE(has(problems, "/main/1/join", "'join' takes true, not false")) << problems;
}
