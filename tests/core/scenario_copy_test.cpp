// A user's copy of a scenario file (what `forkscope new` and the window's Save a Copy… write): its id from
// the file's name, its lesson, its twin beside it, nothing written over and nothing half-made.

#include "core/scenario/scenario_copy.hpp"
#include "core/scenario/scenario_file.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace forkscope::core;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path &path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("forkscope-copy-" + std::to_string(getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

const Scenario &sleepers()
{
    const Scenario *s = findScenario("sleepers");
    EXPECT_NE(s, nullptr);
    return *s;
}

} // namespace

TEST(ScenarioCopy, TheIdIsTheFilesName)
{
    std::string error;
    EXPECT_EQ(copyIdForPath("/tmp/my-lesson.json", error), "my-lesson");
    EXPECT_EQ(copyIdForPath("lesson_2.json", error), "lesson_2");
    EXPECT_EQ(copyIdForPath("/tmp/My Lesson.json", error), "");
    EXPECT_NE(error.find("lower case"), std::string::npos) << error;
    EXPECT_NE(error.find("My Lesson"), std::string::npos) << error;
    EXPECT_EQ(copyIdForPath("/tmp/lesson.txt", error), "");
    EXPECT_NE(error.find(".json"), std::string::npos) << error;
}

TEST(ScenarioCopy, ACopyOfALessonIsTheUsersAndReadsAsAScenario)
{
    ScenarioCopySource source{readAll(sleepers().sourcePath), true, "print('twin')\n", true};
    std::string text;
    std::string error;
    ASSERT_TRUE(scenarioCopyText(source, "naps", text, error)) << error;
    const auto doc = nlohmann::ordered_json::parse(text);
    EXPECT_EQ(doc["id"], "naps");
    EXPECT_EQ(doc["lesson"], "Your scenarios");
    EXPECT_EQ(doc["python"], "naps.py");
    EXPECT_FALSE(doc.contains("order"));
    EXPECT_EQ(doc.begin().key(), "format") << "keys keep their order";
    Scenario s;
    std::vector<ScenarioProblem> problems;
    EXPECT_TRUE(parseScenario(text, "naps.json", s, problems)) << problemsText(problems);

    // A user's own file copied keeps its lesson.
    source.builtin = false;
    ASSERT_TRUE(scenarioCopyText(source, "naps", text, error)) << error;
    EXPECT_EQ(nlohmann::ordered_json::parse(text)["lesson"], "Basics");

    // Text that is not JSON says where it breaks.
    source.text = "{\n  \"format\": 1,\n  \"id\": \"x\" \"title\": \"y\"\n}\n";
    EXPECT_FALSE(scenarioCopyText(source, "naps", text, error));
    EXPECT_EQ(error.rfind("line 3, column ", 0), 0u) << error;
}

TEST(ScenarioCopy, WritesTheFileAndItsTwinNeverOverAFileAndNothingHalfMade)
{
    TempDir dir;
    const ScenarioCopySource source{readAll(sleepers().sourcePath), true, readAll(sleepers().pythonPath()),
                                    true};
    const fs::path file = dir.path / "naps.json";
    std::string twin;
    ASSERT_EQ(writeScenarioCopy(source, file.string(), false, twin), "");
    EXPECT_EQ(twin, (dir.path / "naps.py").string());
    EXPECT_EQ(readAll(twin), source.twinText);
    Scenario s;
    std::vector<ScenarioProblem> problems;
    ASSERT_TRUE(loadScenarioFile(file.string(), s, problems)) << problemsText(problems);
    EXPECT_EQ(s.id, "naps");
    EXPECT_EQ(s.pythonPath(), twin);

    // Not again over either file.
    const std::string problem = writeScenarioCopy(source, file.string(), false, twin);
    EXPECT_NE(problem.find("exists already"), std::string::npos) << problem;

    // A twin that cannot be written (a folder stands where it would go): no scenario file is left either.
    fs::create_directories(dir.path / "blocked.py" / "inside");
    EXPECT_NE(writeScenarioCopy(source, (dir.path / "blocked.json").string(), true, twin), "");
    EXPECT_FALSE(fs::exists(dir.path / "blocked.json"));
}
