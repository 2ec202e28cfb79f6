// Legibility by machine: every lesson's slide, rendered at 1920x1080 by the real command line
// (`forkscope run ID --png FILE`), is read back with OCR (tesseract), and most of the words of its headline
// must come back. A slide whose headline is small, grey, clipped or drawn over would fail here.
//
// FORKSCOPE_KEEP_SLIDES=DIR keeps the slides (DIR/ID.png) and what OCR read (DIR/ID.txt).

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace {

namespace fsys = std::filesystem;

/// A lesson and the options that run it quickly (times shortened, one trial).
struct Lesson {
    const char *id;
    std::vector<std::string> args;
};

const std::vector<Lesson> &lessons()
{
    static const std::vector<Lesson> all = {
        {"sleepers", {"--time-scale", "0.05"}},
        {"no-join", {"--time-scale", "0.05"}},
        {"square-cube", {"--time-scale", "0.05"}},
        {"process-table", {"--time-scale", "0.05"}},
        {"memory-isolation", {"--time-scale", "0.05"}},
        {"shared-value", {"--time-scale", "0.05"}},
        {"global-list", {"--time-scale", "0.05"}},
        {"shared-array", {"--time-scale", "0.05"}},
        {"array-overflow", {"--time-scale", "0.05"}},
        {"bank", {"--trials", "1", "--updates", "100", "--time-scale", "0.2"}},
        {"cpu-vs-io", {"--mode", "processes", "--seconds", "0.1"}},
        {"producer-consumer", {"--time-scale", "0.05"}},
        {"queue-workers", {"--time-scale", "0.05"}},
        {"pipe", {"--time-scale", "0.05"}},
        {"pool-map", {"--time-scale", "0.05"}},
        {"futures", {"--time-scale", "0.05"}},
    };
    return all;
}

std::string shellQuote(const std::string &s)
{
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Runs `command` through the shell; its stdout, and its exit status in `status`.
std::string capture(const std::string &command, int &status)
{
    std::string out;
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe) {
        status = -1;
        return out;
    }
    char buffer[4096];
    while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe))
        out.append(buffer, n);
    const int raw = pclose(pipe);
    status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
}

bool haveTesseract()
{
    int status = 0;
    capture("command -v tesseract >/dev/null 2>&1", status);
    return status == 0;
}

/// Lower-case words of letters and digits (a decimal point inside a number stays: "0.11"); the typographic
/// signs a slide uses (×, –, …, ·) separate words like spaces.
std::vector<std::string> words(const std::string &text)
{
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        while (!word.empty() && word.back() == '.')
            word.pop_back();
        if (!word.empty())
            out.push_back(word);
        word.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (std::isalnum(c)) {
            word += static_cast<char>(std::tolower(c));
        } else if (c == '.' && !word.empty() && i + 1 < text.size()
                   && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            word += '.';
        } else {
            flush();
        }
    }
    flush();
    return out;
}

/// How many of `wanted` (with repeats) occur in `read`, each occurrence used once.
std::size_t wordsFound(const std::vector<std::string> &wanted, const std::vector<std::string> &read)
{
    std::map<std::string, int> available;
    for (const std::string &w : read)
        ++available[w];
    std::size_t found = 0;
    for (const std::string &w : wanted)
        if (available[w]-- > 0)
            ++found;
    return found;
}

class SlideOcr : public ::testing::TestWithParam<Lesson> { };

TEST(SlideOcrWords, SplitsAsTheHeadlineIsWritten)
{
    EXPECT_EQ(words("10 processes slept 100 ms each: all done in 0.11 s, not 1.0 s."),
              (std::vector<std::string>{"10", "processes", "slept", "100", "ms", "each", "all", "done", "in",
                                        "0.11", "s", "not", "1.0", "s"}));
    EXPECT_EQ(words("main reads [0, 0, 0]; a = 2 · exit 1"),
              (std::vector<std::string>{"main", "reads", "0", "0", "0", "a", "2", "exit", "1"}));
    EXPECT_EQ(wordsFound({"a", "a", "b"}, {"a", "c"}), 1u) << "each word read counts once";
}

TEST_P(SlideOcr, HeadlineReadsBack)
{
    if (!haveTesseract())
        GTEST_SKIP() << "tesseract is not installed (Debian: tesseract-ocr; scripts/common.sh installs it)";
    const Lesson &lesson = GetParam();
    const char *keep = std::getenv("FORKSCOPE_KEEP_SLIDES");
    const fsys::path dir = keep && *keep
        ? fsys::path(keep)
        : fsys::temp_directory_path() / ("forkscope-ocr-" + std::to_string(::getpid()) + "-" + lesson.id);
    fsys::create_directories(dir);
    const fsys::path png = dir / (std::string(lesson.id) + ".png");
    const fsys::path summary = dir / (std::string(lesson.id) + ".json");

    std::string command = shellQuote(FORKSCOPE_CLI_PATH) + " run " + lesson.id;
    for (const std::string &a : lesson.args)
        command += " " + shellQuote(a);
    command += " --png " + shellQuote(png.string()) + " --summary " + shellQuote(summary.string());
    int status = 0;
    const std::string printed = capture("QT_QPA_PLATFORM=offscreen " + command + " 2>&1", status);
    ASSERT_EQ(status, 0) << command << "\n" << printed;

    std::ifstream in(summary);
    const nlohmann::json json = nlohmann::json::parse(in);
    const std::string headline = json.at("headline").get<std::string>();
    const std::vector<std::string> wanted = words(headline);
    ASSERT_FALSE(wanted.empty()) << headline;

    const std::string ocr = capture("tesseract " + shellQuote(png.string()) + " - 2>/dev/null", status);
    ASSERT_EQ(status, 0) << "tesseract failed on " << png;
    if (keep && *keep)
        std::ofstream(dir / (std::string(lesson.id) + ".txt")) << ocr;
    const std::size_t found = wordsFound(wanted, words(ocr));
    // Printed for the record (the README's table of what OCR read per lesson).
    std::printf("ocr %-18s %2zu / %2zu words of the headline: %s\n", lesson.id, found, wanted.size(),
                headline.c_str());
    EXPECT_GE(found * 10, wanted.size() * 8) << "OCR read " << found << " of the headline's " << wanted.size()
                                             << " words\nheadline: " << headline << "\nOCR read:\n"
                                             << ocr;
    if (!(keep && *keep))
        fsys::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Lessons, SlideOcr, ::testing::ValuesIn(lessons()),
                         [](const ::testing::TestParamInfo<Lesson> &param) {
                             std::string name = param.param.id;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

} // namespace
