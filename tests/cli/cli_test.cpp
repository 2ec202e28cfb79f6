#include "test_support.hpp"

#include "core/scenario/scenarios.hpp"
#include "tests/support/proc_files.hpp"
#include "tests/support/system_user.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <map>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace forkscope;

namespace {

using forkscope::test::childrenOf;
using forkscope::test::slurp;

struct Output {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// A running `forkscope` with its stdout and stderr captured.
class Cli {
public:
    /// Starts `program` (forkscope unless said) with `args`; `headless`: without DISPLAY, WAYLAND_DISPLAY and
    /// QT_QPA_PLATFORM, so `open` never finds a display.
    explicit Cli(const std::vector<std::string> &args, const char *program = FORKSCOPE_CLI_PATH,
                 bool headless = false)
    {
        int outPipe[2];
        int errPipe[2];
        EXPECT_EQ(pipe2(outPipe, O_CLOEXEC), 0);
        EXPECT_EQ(pipe2(errPipe, O_CLOEXEC), 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
        std::vector<std::string> all{program};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char *> argv;
        for (auto &a : all)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char *> env;
        for (char **e = environ; *e; ++e) {
            const std::string_view var(*e);
            const bool display = var.starts_with("DISPLAY=") || var.starts_with("WAYLAND_DISPLAY=")
                || var.starts_with("QT_QPA_PLATFORM=");
            if (!(headless && display))
                env.push_back(*e);
        }
        env.push_back(nullptr);
        EXPECT_EQ(posix_spawn(&m_pid, program, &actions, nullptr, argv.data(), env.data()), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(outPipe[1]);
        close(errPipe[1]);
        m_out = outPipe[0];
        m_err = errPipe[0];
    }

    pid_t pid() const { return m_pid; }

    /// Reads standard output until it holds `text` (kept for finish()); false after `timeoutMs` or at its end.
    bool waitForOutput(const std::string &text, int timeoutMs = 10'000)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        char buf[4096];
        while (m_early.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd fd{m_out, POLLIN, 0};
            if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0)
                return false;
            const ssize_t n = read(m_out, buf, sizeof buf);
            if (n <= 0)
                return false;
            m_early.append(buf, static_cast<std::size_t>(n));
        }
        return true;
    }

    Output finish()
    {
        Output o;
        o.out = std::move(m_early);
        pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
        int open = 2;
        char buf[4096];
        while (open > 0 && poll(fds, 2, 30'000) > 0) {
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                    continue;
                const ssize_t n = read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open;
                } else {
                    (i == 0 ? o.out : o.err).append(buf, static_cast<std::size_t>(n));
                }
            }
        }
        int status = 0;
        waitpid(m_pid, &status, 0);
        o.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return o;
    }

private:
    pid_t m_pid = 0;
    int m_out = -1;
    int m_err = -1;
    std::string m_early; // standard output read by waitForOutput()
};

Output runCli(const std::vector<std::string> &args) { return Cli(args).finish(); }

/// Runs forkscope with no display to be found.
Output runHeadless(const std::vector<std::string> &args)
{
    return Cli(args, FORKSCOPE_CLI_PATH, true).finish();
}

std::string tempDir()
{
    char dir[] = "/tmp/forkscope-cli-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    return dir;
}

bool exists(const std::string &path)
{
    struct stat st { };
    return stat(path.c_str(), &st) == 0;
}

} // namespace

TEST(Cli, HelpAndVersion)
{
    const Output help = runCli({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("Usage: forkscope"), std::string::npos);
    EXPECT_NE(help.out.find("--time-scale"), std::string::npos);
    const Output version = runCli({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out.rfind("forkscope ", 0), 0u) << version.out;
}

TEST(Cli, ListPrintsOneScenarioALine)
{
    const Output o = runCli({"list"});
    EXPECT_EQ(o.exitCode, 0);
    std::istringstream lines(o.out);
    std::vector<std::string> ids;
    for (std::string line; std::getline(lines, line);) {
        ids.push_back(line.substr(0, line.find(' ')));
        EXPECT_GT(line.size(), ids.back().size() + 10) << "each id has a description: " << line;
    }
    std::vector<std::string> builtin;
    for (const core::Scenario &s : core::builtinScenarios())
        builtin.push_back(s.id);
    EXPECT_EQ(ids, builtin) << "every built-in scenario, in the browser's order";
    for (const char *id : {"sleepers", "no-join", "square-cube", "process-table", "memory-isolation", "bank",
                           "producer-consumer", "queue-workers", "pipe", "pool-map", "futures"})
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
}

struct BadUsage {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
};

void PrintTo(const BadUsage &u, std::ostream *os)
{
    for (const auto &a : u.args)
        *os << a << ' ';
}

class CliBadUsage : public ::testing::TestWithParam<BadUsage> { };

TEST_P(CliBadUsage, ExitsWithTwoAndNamesTheProblem)
{
    const Output o = runCli(GetParam().args);
    EXPECT_EQ(o.exitCode, 2) << o.err;
    EXPECT_TRUE(o.out.empty()) << "nothing ran: " << o.out;
    for (const std::string &m : GetParam().mentions)
        EXPECT_NE(o.err.find(m), std::string::npos) << "stderr: " << o.err << "\nmissing: " << m;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadUsage,
    ::testing::Values(
        BadUsage{{"frobnicate"}, {"unknown command 'frobnicate'", "list, run"}},
        BadUsage{{"run"}, {"needs a scenario id", "sleepers"}},
        BadUsage{{"run", "nope"},
                 {"unknown scenario 'nope'", "sleepers, no-join, square-cube, process-table"}},
        BadUsage{{"run", "sleepers", "--kind", "fiber"}, {"--kind 'fiber'", "sequential, thread, process"}},
        BadUsage{{"run", "sleepers", "--workers", "0"}, {"--workers '0'", "an integer from 1 to 1024"}},
        BadUsage{{"run", "sleepers", "--workers", "300", "--kind", "process"}, {"at most 256 processes"}},
        BadUsage{{"run", "sleepers", "--sleep", "soon"}, {"--sleep 'soon'", "a number from 0 to 3600"}},
        BadUsage{{"run", "sleepers", "--time-scale", "-1"}, {"--time-scale '-1'", "from 0 to 100"}},
        BadUsage{{"run", "sleepers", "--join", "maybe"}, {"--join 'maybe'", "on, off"}},
        BadUsage{{"run", "square-cube", "--workers", "3"}, {"unknown option '--workers'", "--kind"}},
        BadUsage{{"run", "bank", "--preset", "tutorials"},
                 {"--preset 'tutorials' is not a preset of scenario 'bank'",
                  "the presets of 'bank': tutorial (the tutorial's own settings)"}},
        BadUsage{{"run", "sleepers", "--preset", "tutorial"}, {"scenario 'sleepers' has no presets"}},
        BadUsage{{"run", "bank", "--preset"},
                 {"--preset needs a value", "tutorial (the tutorial's own settings)"}},
        BadUsage{{"run", "bank", "--preset", "tutorial", "--preset", "tutorial"},
                 {"--preset is given twice"}},
        BadUsage{{"run", "bank", "--preset", "tutorial", "--updates", "0"}, {"--updates '0'"}},
        BadUsage{{"run", "sleepers", "--sleep"}, {"--sleep needs a value"}},
        BadUsage{{"run", "sleepers", "--summary", "/no/such/folder/s.json"}, {"--summary", "does not exist"}},
        BadUsage{{"run", "sleepers", "--trace", "/tmp"}, {"--trace", "is a folder"}},
        BadUsage{{"run", "sleepers", "--trace", ""}, {"--trace needs a file name"}},
        BadUsage{{"run", "sleepers", "--trace", "/proc/fs-trace.json"},
                 {"--trace", "'/proc' does not take new files"}},
        BadUsage{{"run", "sleepers", "--summary", "/dev/null"}, {"not a regular file"}},
        BadUsage{{"run", "sleepers", "--png", "slide.jpg"}, {"must end in .png"}},
        BadUsage{{"run", "sleepers", "--trace", "/tmp/fs-same.json", "--summary", "/tmp/./fs-same.json"},
                 {"--trace and --summary name the same file"}},
        BadUsage{{"run", "sleepers", "--trace", "/tmp/a.json", "--trace", "/tmp/b.json"},
                 {"--trace is given twice"}},
        BadUsage{{"run", "sleepers", "--chart", "/tmp/c.png"}, {"--chart needs a scenario run as trials"}},
        BadUsage{{"run", "bank", "--chart", "/tmp/c.gif"}, {"must end in .png, .svg or .pdf"}},
        BadUsage{{"run", "cpu-vs-io", "--mode", "fibers"},
                 {"--mode 'fibers'", "sequential, gil-threads, threads, processes"}},
        BadUsage{{"run", "cpu-vs-io", "--switch-interval", "0"},
                 {"--switch-interval '0'", "from 1e-05 to 1"}},
        BadUsage{{"run", "cpu-vs-io", "--all-modes", "--mode", "threads"}, {"--all-modes runs every --mode"}},
        BadUsage{{"run", "cpu-vs-io", "--all-modes", "--trace", "/tmp/x.json"}, {"--all-modes makes 8 runs"}},
        BadUsage{{"run", "cpu-vs-io", "--chart", "/tmp/x.png"}, {"add --all-modes"}},
        BadUsage{{"run", "sleepers", "--all-modes"}, {"--all-modes applies to cpu-vs-io"}},
        BadUsage{{"run", "producer-consumer", "--capacity", "0"},
                 {"--capacity '0'", "an integer from 1 to 100000"}},
        BadUsage{{"run", "pool-map", "--chunk", "many"}, {"--chunk 'many'", "an integer from 1 to 100000"}},
        BadUsage{{"run", "pipe", "--kind", "sequential"}, {"--kind 'sequential'", "thread, process"}},
        BadUsage{{"run", "pool-map", "--workers", "300"}, {"--workers '300'", "an integer from 1 to 256"}},
        // An option followed by another option has no value: the next option is not taken as its value.
        BadUsage{{"run", "sleepers", "--workers", "--sleep", "1"},
                 {"--workers needs a value: an integer from 1 to 1024", "'--sleep'"}},
        BadUsage{{"run", "sleepers", "--trace", "--summary", "/tmp/fs-s.json"},
                 {"--trace needs a file name"}},
        BadUsage{{"run", "sleepers", "--kind", "--workers", "3"},
                 {"--kind needs a value: one of: sequential, thread, process"}},
        BadUsage{
            {"run", "sleepers", "--frob"},
            {"unknown option '--frob' for scenario 'sleepers' (allowed: --trace, --summary, --png, "
             "--svg, --pdf, --focus, "
             "--chart, --compare, --save, --details, --kind, --workers, --sleep, --join, --time-scale)"}},
        BadUsage{{"run", "sleepers", "--details"}, {"--details applies to the pictures"}},
        BadUsage{{"run", "bank", "--png", "/tmp/fs-focus.png", "--focus", "nonsense"},
                 {"--focus 'nonsense'",
                  "allowed: auto, timeline, lost-update, sequence, queue-fill, dispatch, gil"}},
        BadUsage{{"run", "bank", "--png", "/tmp/fs-focus.png", "--focus"},
                 {"--focus needs a value (allowed: auto, timeline, lost-update"}},
        BadUsage{{"run", "bank", "--focus", "lost-update"}, {"--focus", "add --png, --svg or --pdf"}},
        BadUsage{{"run", "sleepers", "--workers=0"}, {"--workers '0'", "an integer from 1 to 1024"}},
        BadUsage{{"run", "sleepers", "--workers", "2", "--workers", "3"}, {"--workers is given twice"}},
        BadUsage{{"run", "sleepers", "stray"}, {"unexpected argument 'stray'"}},
        BadUsage{{"run", "cpu-vs-io", "--all-modes=yes"}, {"--all-modes is a switch and takes no value"}},
        BadUsage{{"--version", "x"}, {"--version takes no arguments (got 'x')"}},
        BadUsage{{"--version", "list"}, {"--version takes no arguments (got 'list')"}},
        BadUsage{{"--version=2"}, {"--version takes no value"}},
        BadUsage{{"--frob"}, {"unknown option '--frob'", "list, run"}},
        BadUsage{{"list", "all"}, {"'list' takes no arguments (got 'all')"}},
        BadUsage{{"run", "sleepers", "--compare"}, {"--compare needs a value: PARAM=A,B[,C]"}},
        BadUsage{{"run", "sleepers", "--kind", "thread", "--compare", "kind=sequential,process"},
                 {"sets --kind for each run: leave --kind out"}},
        BadUsage{{"run", "bank", "--trials", "5", "--compare", "lock=off,on"}, {"a single trial of each"}},
        BadUsage{{"run", "bank", "--compare", "trials=1,5"}, {"cannot compare --trials"}},
        BadUsage{{"run", "sleepers", "--compare", "kind=thread,process", "--trace", "/tmp/fs-c.json"},
                 {"--compare makes 2 runs", "--trace"}},
        BadUsage{{"run", "cpu-vs-io", "--compare", "work=cpu,io", "--all-modes"}, {"--all-modes"}},
        // A value every run can take, but not with the others as given: refused before any run.
        BadUsage{{"run", "sleepers", "--kind", "process", "--compare", "workers=2,300"},
                 {"--compare workers=300", "at most 256 processes"}}));

/// `--compare` with values it cannot take: exit 2 naming what is allowed, nothing run, no picture.
class CliCompareRefused : public ::testing::TestWithParam<BadUsage> { };

TEST_P(CliCompareRefused, ExitsWithTwoNamingWhatIsAllowedAndWritesNoFile)
{
    const std::string dir = tempDir();
    std::vector<std::string> args = GetParam().args;
    args.insert(args.end(), {"--png", dir + "/compare.png"});
    const Output o = runCli(args);
    EXPECT_EQ(o.exitCode, 2) << o.err;
    EXPECT_TRUE(o.out.empty()) << "nothing ran: " << o.out;
    for (const std::string &m : GetParam().mentions)
        EXPECT_NE(o.err.find(m), std::string::npos) << "stderr: " << o.err << "\nmissing: " << m;
    EXPECT_FALSE(exists(dir + "/compare.png"));
    std::system(("rm -rf " + dir).c_str());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliCompareRefused,
    ::testing::Values(
        // A value the parameter does not allow: a choice, an integer, a number.
        BadUsage{
            {"run", "sleepers", "--compare", "kind=fast,process"},
            {"--compare kind=fast,process: 'fast' is not allowed", "one of: sequential, thread, process"}},
        BadUsage{{"run", "sleepers", "--compare", "workers=0,4"},
                 {"'0' is not allowed", "an integer from 1 to 1024"}},
        BadUsage{{"run", "sleepers", "--compare", "sleep=1,soon"},
                 {"'soon' is not allowed", "a number from 0"}},
        BadUsage{{"run", "bank", "--compare", "lock=on,maybe"},
                 {"'maybe' is not allowed", "one of: on, off"}},
        // One value only, or too many.
        BadUsage{{"run", "sleepers", "--compare", "kind=process"},
                 {"two or three values to compare (got 1)", "sequential, thread, process"}},
        BadUsage{{"run", "sleepers", "--compare", "workers=1,2,3,4"}, {"two or three values", "(got 4)"}},
        // An unknown parameter names the scenario's own.
        BadUsage{
            {"run", "sleepers", "--compare", "lock=on,off"},
            {"'lock' is not a parameter of scenario 'sleepers'", "kind, workers, sleep, join, time-scale"}},
        // Malformed.
        BadUsage{{"run", "sleepers", "--compare", "kind"},
                 {"expected PARAM=A,B[,C]", "kind=sequential,thread"}},
        BadUsage{{"run", "sleepers", "--compare", "kind:thread,process"}, {"expected PARAM=A,B[,C]"}},
        BadUsage{{"run", "sleepers", "--compare=kind=thread,,process"}, {"a value is empty"}}));

namespace {

struct CompareRun {
    std::string name;
    std::vector<std::string> args;
    std::vector<std::string> labels; ///< in the order of the values
};

void PrintTo(const CompareRun &c, std::ostream *os) { *os << c.name; }

/// The wall times a run prints ("wall time     0.305 s"), in order.
std::vector<double> wallTimes(const std::string &out)
{
    std::vector<double> walls;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        double wall = 0;
        if (std::sscanf(line.c_str(), "wall time %lf s", &wall) == 1)
            walls.push_back(wall);
    }
    return walls;
}

/// The line after `heading`.
std::string lineAfter(const std::string &out, const std::string &heading)
{
    const auto at = out.find(heading + "\n");
    if (at == std::string::npos)
        return {};
    const auto from = at + heading.size() + 1;
    return out.substr(from, out.find('\n', from) - from);
}

/// The number before "×" in `text`, 0 when there is none.
double ratioIn(const std::string &text)
{
    const auto times = text.find("×");
    if (times == std::string::npos)
        return 0;
    auto from = times;
    while (from > 0 && (std::isdigit(static_cast<unsigned char>(text[from - 1])) || text[from - 1] == '.'))
        --from;
    return std::atof(text.substr(from, times - from).c_str());
}

std::uint32_t pngDimension(const std::string &png, std::size_t at)
{
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(png[at])) << 24)
        | (static_cast<std::uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16)
        | (static_cast<std::uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8)
        | static_cast<std::uint32_t>(static_cast<unsigned char>(png[at + 3]));
}

class CliCompare : public ::testing::TestWithParam<CompareRun> { };

} // namespace

TEST_P(CliCompare, RunsEachValueAndPutsTheRatioOfTheirWallTimesInTheHeadline)
{
    const CompareRun &c = GetParam();
    const std::string dir = tempDir();
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--png", dir + "/compare.png"});
    const Output o = runCli(args);
    if (o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos)
        GTEST_SKIP() << "this build of forkscope has no Qt (a sanitizer preset): no pictures";
    ASSERT_EQ(o.exitCode, 0) << o.err << o.out;
    // Each run says what it is and prints its result.
    std::size_t at = 0;
    for (const std::string &label : c.labels) {
        at = o.out.find("=== " + label + " (", at);
        EXPECT_NE(at, std::string::npos) << "no run headed '" << label << "' in order\n" << o.out;
    }
    const std::vector<double> walls = wallTimes(o.out);
    ASSERT_EQ(walls.size(), c.labels.size()) << o.out;
    // The comparison: fastest first, and the ratio of the slowest wall time to the fastest.
    const std::string headline = lineAfter(o.out, "=== comparison");
    const auto fastest = std::min_element(walls.begin(), walls.end()) - walls.begin();
    EXPECT_EQ(headline.rfind(c.labels[static_cast<std::size_t>(fastest)] + " ", 0), 0u) << headline;
    const double ratio
        = *std::max_element(walls.begin(), walls.end()) / walls[static_cast<std::size_t>(fastest)];
    EXPECT_GT(ratio, 1.5) << "the values chosen differ in time\n" << o.out;
    EXPECT_NEAR(ratioIn(headline), ratio, 0.06 * ratio)
        << headline << "\nwall times printed: " << walls[0] << ", " << walls[1];
    // One slide.
    const std::string png = slurp(dir + "/compare.png");
    ASSERT_GT(png.size(), 24u) << o.out;
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(pngDimension(png, 16), 1920u);
    EXPECT_EQ(pngDimension(png, 20), 1080u);
    std::system(("rm -rf " + dir).c_str());
}

INSTANTIATE_TEST_SUITE_P(KindsOfParameter, CliCompare,
                         ::testing::Values(CompareRun{"Choice",
                                                      {"run", "sleepers", "--compare",
                                                       "kind=sequential,process", "--workers", "3", "--sleep",
                                                       "0.1"},
                                                      {"sequential", "processes"}},
                                           CompareRun{"Integer",
                                                      {"run", "sleepers", "--kind", "sequential", "--sleep",
                                                       "0.05", "--compare", "workers=1,4"},
                                                      {"workers 1", "workers 4"}},
                                           CompareRun{"Number",
                                                      {"run", "sleepers", "--kind", "thread", "--workers",
                                                       "2", "--compare", "sleep=0.05,0.2,0.1"},
                                                      {"sleep 0.05", "sleep 0.2", "sleep 0.1"}}),
                         [](const ::testing::TestParamInfo<CompareRun> &param) { return param.param.name; });

TEST(Cli, CompareRunsOneTrialOfEachLockSetting)
{
    // The bank's lock is an on/off switch: the values of a two-way parameter compare as any other.
    const std::string dir = tempDir();
    const Output o = runCli({"run", "bank", "--compare", "lock=off,on", "--updates", "100", "--sleep", "0",
                             "--svg", dir + "/bank.svg"});
    if (o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos)
        GTEST_SKIP() << "this build of forkscope has no Qt (a sanitizer preset): no pictures";
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_EQ(o.out.find("running "), std::string::npos) << "a single run each, not trials\n" << o.out;
    EXPECT_EQ(o.out.find("wrong in"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("=== lock off ("), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("=== lock on ("), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("with the lock: balance"), std::string::npos) << "each run's own headline\n"
                                                                       << o.out;
    const std::string headline = lineAfter(o.out, "=== comparison");
    EXPECT_NE(headline.find("lock off"), std::string::npos) << headline;
    EXPECT_NE(headline.find("lock on"), std::string::npos) << headline;
    EXPECT_EQ(lineAfter(o.out, headline).find("    bank · "), 0u) << "the caption says what the runs share";
    // The slide carries both runs' own headlines, so a lost update is told under its band.
    const std::string svg = slurp(dir + "/bank.svg");
    EXPECT_NE(svg.find("without a lock: balance"), std::string::npos)
        << "no band for the run without the lock";
    EXPECT_NE(svg.find("with the lock: balance"), std::string::npos) << "no band for the run with the lock";
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, PoolMapAndPipePrintTheTutorialsLines)
{
    const Output map = runCli({"run", "pool-map", "--time-scale", "0.01"});
    EXPECT_EQ(map.exitCode, 0) << map.err;
    EXPECT_NE(map.out.find("map(square) = [1, 4, 9, 16, 25]"), std::string::npos) << map.out;
    const Output pipe = runCli({"run", "pipe", "--time-scale", "0.01", "--kind", "thread"});
    EXPECT_EQ(pipe.exitCode, 0) << pipe.err;
    EXPECT_NE(pipe.out.find("Parent received response: Processed: world"), std::string::npos) << pipe.out;
    EXPECT_NE(pipe.out.find("Worker closing"), std::string::npos) << pipe.out;
}

TEST(Cli, AllModesTimesEveryModeAgainstSequential)
{
    const std::string dir = tempDir();
    std::vector<std::string> args{"run",       "cpu-vs-io", "--all-modes", "--tasks",           "2",
                                  "--seconds", "0.3",       "--chart",     dir + "/speedup.svg"};
    Output o = runCli(args);
    const bool pictures = !(o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos);
    if (!pictures) { // a sanitizer build without Qt: the table only
        args.resize(args.size() - 2);
        o = runCli(args);
    }
    EXPECT_EQ(o.exitCode, 0) << o.err;
    std::map<std::string, double> speedup;
    std::istringstream lines(o.out);
    for (std::string line; std::getline(lines, line);) {
        char work[8];
        char mode[16];
        double wall = 0;
        double x = 0;
        if (std::sscanf(line.c_str(), "%7s %15s %lf s %lfx", work, mode, &wall, &x) == 4)
            speedup[std::string(work) + " " + mode] = x;
    }
    ASSERT_EQ(speedup.size(), 8u) << o.out;
    EXPECT_DOUBLE_EQ(speedup["cpu sequential"], 1.0);
    // (The CPU-bound shapes are timing-sensitive on a shared machine: tests/core/gil_test.cpp measures them
    // with retries. Sleeps overlap however busy the machine is.)
    EXPECT_GT(speedup["io gil-threads"], 1.5) << "two waits under the GIL still overlap\n" << o.out;
    // Two processes' start-up is part of their wall time: under ASan on a loaded machine 1.3 was seen.
    EXPECT_GT(speedup["io processes"], 1.2) << o.out;
    EXPECT_NE(o.out.find("on " + std::to_string(std::thread::hardware_concurrency()) + " cores"),
              std::string::npos)
        << o.out;
    if (pictures) {
        const std::string svg = slurp(dir + "/speedup.svg");
        EXPECT_NE(svg.find("<svg"), std::string::npos);
        EXPECT_NE(o.out.find("chart"), std::string::npos);
    }
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, AGilRunReportsItsHandOvers)
{
    const Output o
        = runCli({"run", "cpu-vs-io", "--mode", "gil-threads", "--tasks", "2", "--seconds", "0.05"});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("task 1 found"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("forced hand-overs (median hold"), std::string::npos) << o.out;
}

TEST(Cli, BankTrialsAreCountedInTheSummary)
{
    const std::string dir = tempDir();
    const Output o = runCli({"run", "bank", "--lock", "on", "--trials", "5", "--updates", "20", "--sleep",
                             "0", "--summary", dir + "/bank.json"});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("wrong in 0 of 5 trials (expected 100)"), std::string::npos) << o.out;
    const nlohmann::json summary = nlohmann::json::parse(slurp(dir + "/bank.json"), nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    EXPECT_EQ(summary.at("expected").get<double>(), 100);
    EXPECT_EQ(summary.at("wrong_trials").get<double>(), 0);
    ASSERT_EQ(summary.at("trials").size(), 5u);
    for (const nlohmann::json &t : summary.at("trials"))
        EXPECT_EQ(t.at("final").get<double>(), 100);
    EXPECT_EQ(summary.at("main_final").get<double>(), 100);
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, TheTrialsChartIsWrittenForSlides)
{
    const std::string dir = tempDir();
    const Output o = runCli({"run", "bank", "--tight", "on", "--updates", "2000", "--trials", "8", "--chart",
                             dir + "/chart.png"});
    if (o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos)
        GTEST_SKIP() << "this build of forkscope has no Qt (a sanitizer preset): no pictures";
    EXPECT_EQ(o.exitCode, 0) << o.err;
    // The histogram has both settings side by side: the 8 trials asked for without the lock, and 8 with it.
    EXPECT_NE(o.out.find("for the chart: 8 trials with lock"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("with lock: wrong in 0 of 8 trials"), std::string::npos) << o.out;
    const std::string png = slurp(dir + "/chart.png");
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    // Width and height from the IHDR chunk: a 1920x1080 slide.
    const auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16)
            | (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 1920);
    EXPECT_EQ(be32(20), 1080);
    std::system(("rm -rf " + dir).c_str());
}

namespace {

/// One bank run without the lock whose 3 ms think time makes the workers' updates overlap again and again.
std::vector<std::string> bankRun(const std::string &lock)
{
    return {"run",       "bank", "--lock",  lock,    "--trials", "1",
            "--updates", "40",   "--think", "0.003", "--sleep",  "0.001"};
}

} // namespace

TEST(Cli, FocusLostUpdateExportsTheFirstOne)
{
    const std::string dir = tempDir();
    std::vector<std::string> args = bankRun("off");
    args.insert(args.end(),
                {"--png", dir + "/lost.png", "--svg", dir + "/lost.svg", "--summary", dir + "/bank.json",
                 "--focus", "lost-update"});
    const Output o = runCli(args);
    if (o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos)
        GTEST_SKIP() << "this build of forkscope has no Qt (a sanitizer preset): no pictures";
    ASSERT_EQ(o.exitCode, 0) << o.err;
    // It says which lost update the pictures show: the first of the run, as the summary lists them.
    const nlohmann::json summary = nlohmann::json::parse(slurp(dir + "/bank.json"), nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    const nlohmann::json &lost = summary.at("lost_updates");
    ASSERT_GE(lost.size(), 1u);
    const std::string first = "focus         lost update 1 of " + std::to_string(lost.size()) + " at ";
    const auto at = o.out.find(first);
    ASSERT_NE(at, std::string::npos) << o.out;
    const std::string line = o.out.substr(at, o.out.find('\n', at) - at);
    const std::string said = lost[0].at("worker").get<std::string>()
        + " read balance = " + std::to_string(lost[0].at("read").get<long long>()) + " and wrote "
        + std::to_string(lost[0].at("wrote").get<long long>());
    EXPECT_NE(line.find(said), std::string::npos) << line << "\nexpected: " << said;
    // Whose updates were lost, and why so many leave the balance only a little off: a lost deposit (+1) and
    // a lost withdrawal (−1) cancel, so the final balance is off by exactly their difference.
    int deposits = 0;
    int withdrawals = 0;
    for (const nlohmann::json &update : lost)
        ++(update.at("worker").get<std::string>() == "deposit" ? deposits : withdrawals);
    const auto tallyAt = o.out.find("lost by lane  ");
    ASSERT_NE(tallyAt, std::string::npos) << o.out;
    const std::string tally = o.out.substr(tallyAt, o.out.find('\n', tallyAt) - tallyAt);
    if (deposits > 0)
        EXPECT_NE(tally.find(std::to_string(deposits) + " of deposit's"), std::string::npos) << tally;
    if (withdrawals > 0)
        EXPECT_NE(tally.find(std::to_string(withdrawals) + " of withdraw's"), std::string::npos) << tally;
    const long long off = summary.at("main_final").get<long long>() - 100;
    EXPECT_EQ(off, withdrawals - deposits)
        << "the bank's balance is off by the lost withdrawals less deposits";
    const std::string ending = off == 0
        ? "which cancel"
        : " off, so it ended " + std::to_string(off < 0 ? -off : off) + (off > 0 ? " too high" : " too low");
    EXPECT_NE(tally.find(ending), std::string::npos) << tally << "\nexpected: " << ending;
    // The slide and the drawing, whole.
    const std::string png = slurp(dir + "/lost.png");
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    const std::string svg = slurp(dir + "/lost.svg");
    EXPECT_NE(svg.find("lost update: "), std::string::npos) << "the tags say what happened";
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, FocusOnSomethingElseIsAUsageErrorAndWritesNothing)
{
    const std::string dir = tempDir();
    for (const std::string focus : {"nonsense", "lost-updates", "LOST-UPDATE", "whole-run"}) {
        const Output o = runCli({"run", "bank", "--trials", "1", "--updates", "5", "--png", dir + "/bad.png",
                                 "--summary", dir + "/bad.json", "--focus", focus});
        EXPECT_EQ(o.exitCode, 2) << focus << ": " << o.err;
        EXPECT_NE(o.err.find("--focus '" + focus + "'"), std::string::npos) << o.err;
        EXPECT_NE(o.err.find("(allowed: auto, timeline, lost-update, sequence, queue-fill, dispatch, gil)"),
                  std::string::npos)
            << o.err;
        EXPECT_TRUE(o.out.empty()) << "nothing ran: " << o.out;
    }
    // The empty value, and the right value with no picture to apply it to.
    for (const std::vector<std::string> &tail :
         {std::vector<std::string>{"--png", dir + "/bad.png", "--focus="},
          std::vector<std::string>{"--summary", dir + "/bad.json", "--focus", "lost-update"}}) {
        std::vector<std::string> args{"run", "bank", "--trials", "1", "--updates", "5"};
        args.insert(args.end(), tail.begin(), tail.end());
        const Output o = runCli(args);
        EXPECT_EQ(o.exitCode, 2) << o.err;
        EXPECT_NE(o.err.find("--focus"), std::string::npos) << o.err;
        EXPECT_TRUE(o.out.empty()) << "nothing ran: " << o.out;
    }
    EXPECT_FALSE(exists(dir + "/bad.png"));
    EXPECT_FALSE(exists(dir + "/bad.json"));
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, FocusLostUpdateWithoutOneExitsOneAndWritesNoPicture)
{
    const std::string dir = tempDir();
    std::vector<std::string> args = bankRun("on");
    args.insert(args.end(), {"--png", dir + "/lost.png", "--focus", "lost-update"});
    const Output o = runCli(args);
    if (o.exitCode == 2 && o.err.find("needs the desktop build") != std::string::npos)
        GTEST_SKIP() << "this build of forkscope has no Qt (a sanitizer preset): no pictures";
    EXPECT_EQ(o.exitCode, 1) << o.err;
    EXPECT_NE(o.err.find("--focus lost-update: this run has no lost update (80 read-then-write updates, none "
                         "lost), so no picture was written"),
              std::string::npos)
        << o.err;
    EXPECT_FALSE(exists(dir + "/lost.png"));
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, HelpAnywhereShowsUsage)
{
    const Output o = runCli({"run", "--help"});
    EXPECT_EQ(o.exitCode, 0);
    EXPECT_NE(o.out.find("Usage: forkscope"), std::string::npos);
}

TEST(Cli, OutputThroughASymbolicLinkKeepsTheLink)
{
    const std::string dir = tempDir();
    ASSERT_EQ(symlink("target.json", (dir + "/link.json").c_str()), 0);
    {
        std::ofstream(dir + "/target.json") << "old";
    }
    const Output o = runCli({"run", "square-cube", "--time-scale", "0.001", "--summary", dir + "/link.json"});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    struct stat st { };
    ASSERT_EQ(lstat((dir + "/link.json").c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the link is still a link";
    EXPECT_NE(slurp(dir + "/target.json").find("\"scenario\": \"square-cube\""), std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, TerminateCancelsAndExitsWith143)
{
    Cli cli({"run", "sleepers", "--workers", "2", "--sleep", "30"});
    // Signal once the run is under way (its handlers are in place), not after a guessed delay.
    ASSERT_TRUE(cli.waitForOutput("going to sleep"));
    kill(cli.pid(), SIGTERM);
    const Output o = cli.finish();
    EXPECT_EQ(o.exitCode, 143);
    EXPECT_NE(o.out.find("cancelled"), std::string::npos) << o.out;
}

TEST(Cli, RunPrintsTheWorkersLinesAndWritesFilesWhole)
{
    const std::string dir = tempDir();
    const Output o = runCli({"run", "square-cube", "--time-scale", "0.002", "--summary", dir + "/s.json",
                             "--trace", dir + "/t.json"});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("cube of 5 is 125\n"), std::string::npos) << o.out;
    EXPECT_LT(o.out.find("square of 2 is 4"), o.out.find("square of 5 is 25"));
    EXPECT_LT(o.out.find("square of 5 is 25"), o.out.find("\ndone\n")) << "main prints after joining";
    EXPECT_NE(o.out.find("lost events   0"), std::string::npos);
    const nlohmann::json summary = nlohmann::json::parse(slurp(dir + "/s.json"), nullptr, false);
    const nlohmann::json trace = nlohmann::json::parse(slurp(dir + "/t.json"), nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    ASSERT_FALSE(trace.is_discarded());
    EXPECT_EQ(summary.at("workers").size(), 2u);
    EXPECT_EQ(summary.at("lost_events").get<double>(), 0);
    EXPECT_GT(trace.at("traceEvents").size(), 20u);
    // Nothing but the two outputs: no temporary file left behind.
    EXPECT_EQ(std::system(("test $(ls " + dir + " | wc -l) -eq 2").c_str()), 0);
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, ABadOutputPathIsRefusedBeforeTheRunAndLeavesNoFile)
{
    // A path under a regular file can never be written, whoever runs the test (root ignores folder modes).
    const Output o = runCli({"run", "sleepers", "--summary", "/etc/hostname/s.json"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("is not a folder"), std::string::npos) << o.err;
    EXPECT_TRUE(o.out.empty()) << "the run did not start";
    if (geteuid() != 0) {
        const std::string dir = tempDir();
        chmod(dir.c_str(), 0500);
        const Output ro = runCli({"run", "sleepers", "--summary", dir + "/s.json"});
        EXPECT_EQ(ro.exitCode, 2);
        EXPECT_NE(ro.err.find("not writable"), std::string::npos) << ro.err;
        EXPECT_FALSE(exists(dir + "/s.json"));
        chmod(dir.c_str(), 0700);
        std::system(("rm -rf " + dir).c_str());
    }
}

TEST(Cli, InterruptCancelsTheRunAndStillReports)
{
    Cli cli({"run", "sleepers", "--workers", "4", "--sleep", "30"});
    ASSERT_TRUE(cli.waitForOutput("going to sleep"));
    const auto before = std::chrono::steady_clock::now();
    kill(cli.pid(), SIGINT);
    const Output o = cli.finish();
    // Well short of the 30 s sleep: 1.01 s was seen under ASan at load 15.
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(5000));
    EXPECT_EQ(o.exitCode, 130);
    EXPECT_NE(o.out.find("cancelled"), std::string::npos) << o.out;
}

TEST(Cli, WhenTheStarterDiesNoWorkerOutlivesIt)
{
    // Make this test the subreaper so the killed run's zombies come here and can be counted and reaped.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    Cli cli({"run", "sleepers", "--kind", "process", "--workers", "4", "--sleep", "30"});
    int runner = 0;
    std::vector<int> workers;
    for (int i = 0; i < 2000 && workers.size() < 4; ++i) {
        const std::vector<int> kids = childrenOf(cli.pid());
        runner = kids.empty() ? 0 : kids.front();
        workers = runner ? childrenOf(runner) : std::vector<int>{};
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(runner, 0);
    ASSERT_EQ(workers.size(), 4u);
    kill(cli.pid(), SIGKILL);
    cli.finish();
    // Within a second every process of the run is gone: reap what comes back to us meanwhile.
    std::vector<int> left;
    for (int i = 0; i < 1000; ++i) {
        while (waitpid(-1, nullptr, WNOHANG) > 0) { }
        left = test::processesInGroup(runner);
        if (left.empty())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(left.empty()) << left.size() << " processes of the run are still there";
    for (const int w : workers)
        EXPECT_NE(kill(w, 0), 0) << "worker " << w << " outlived the command that started it";
}

TEST(Cli, OptionsTakeTheirValueAfterAnEqualsSignToo)
{
    const Output o = runCli({"run", "sleepers", "--workers=2", "--kind=thread", "--time-scale=0.01"});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("workers       2 thread"), std::string::npos) << o.out;
}

TEST(Cli, OpenChecksItsArgumentsBeforeLookingForADisplay)
{
    // Without a display `open` cannot show the window, but a mistake in its arguments is still named.
    Output o = runHeadless({"open", "sleepers", "--workers", "--run"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("--workers needs a value: an integer from 1 to 1024"), std::string::npos) << o.err;
    o = runHeadless({"open", "nope"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("unknown scenario 'nope'"), std::string::npos) << o.err;
    o = runHeadless({"open", "sleepers", "--frob", "1"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("unknown option '--frob' for scenario 'sleepers' (allowed: --run, --kind"),
              std::string::npos)
        << o.err;
    o = runHeadless({"open", "sleepers", "--workers", "3", "--run"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("'open' needs a display"), std::string::npos) << o.err;
    o = runHeadless({"open", "--help"});
    EXPECT_EQ(o.exitCode, 0);
    EXPECT_NE(o.out.find("Usage: forkscope"), std::string::npos);
}

TEST(Cli, TheRunnerRefusesToBeStartedByHand)
{
    // Run::start hands the runner its region as fd 3 and no arguments; a person gives neither.
    const std::vector<std::vector<std::string>> cases{
        {}, {"--fd", "3"}, {"--fd", "x", "--parent", "1"}, {"--fd", "3", "--parent", "1", "extra"}};
    for (const auto &args : cases) {
        const Output o = Cli(args, FORKSCOPE_RUNNER_PATH).finish();
        EXPECT_EQ(o.exitCode, 2) << o.err;
        EXPECT_NE(o.err.find("started by forkscope, not by hand"), std::string::npos) << o.err;
    }
    const Output missing = Cli({"--fd", "3"}, FORKSCOPE_RUNNER_PATH).finish();
    EXPECT_NE(missing.err.find("takes no arguments"), std::string::npos)
        << "says what it takes: " << missing.err;
}

TEST(Cli, APoolWorkerKilledMidMapFailsTheRunOnEveryChannel)
{
    const std::string dir = tempDir();
    const std::string summary = dir + "/summary.json";
    Cli cli({"run", "pool-map", "--kind", "process", "--workers", "2", "--n", "8", "--work", "20",
             "--summary", summary});
    // The runner's children are the pool's workers; each is 20 s into its first task for a long while.
    std::vector<int> workers;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (workers.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        const std::vector<int> kids = childrenOf(cli.pid());
        workers = kids.empty() ? std::vector<int>{} : childrenOf(kids.front());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(workers.size(), 2u) << "the pool's two workers never appeared";
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // well inside their first task
    ASSERT_EQ(kill(workers.front(), SIGKILL), 0);
    const Output o = cli.finish();
    EXPECT_EQ(o.exitCode, 1) << o.out << o.err;
    EXPECT_NE(o.out.find("--- the run failed: Pool.map failed: worker"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("error         Pool.map failed"), std::string::npos) << o.out;
    const std::string json = slurp(summary);
    EXPECT_NE(json.find("\"error\": \"Pool.map failed: worker"), std::string::npos) << json;
}

namespace {

/// Processes (threads count too) owned by `uid` now, from /proc.
int processesOf(uid_t uid)
{
    int n = 0;
    for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
        struct stat st { };
        const std::string name = entry.path().filename();
        if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))
            && stat(entry.path().c_str(), &st) == 0 && st.st_uid == uid)
            ++n;
    }
    return n;
}

/// The program and arguments that run forkscope as a user whom a process limit binds: root ignores
/// RLIMIT_NPROC, so as root the test runs it as the system user forkscope-test (made if missing) through
/// runuser. Empty when that cannot be arranged (the reason in `why`).
std::vector<std::string> asLimitedUser(std::string &why, uid_t &uid)
{
    uid = geteuid();
    if (uid != 0)
        return {};
    return forkscope::test::runAsSystemUser("forkscope-test", why, uid);
}

} // namespace

TEST(Cli, AForkRefusedByAProcessLimitFailsTheRunAndSaysWhy)
{
    std::string why;
    uid_t uid = 0;
    std::vector<std::string> command = asLimitedUser(why, uid);
    if (!why.empty())
        GTEST_SKIP() << why;
    if (access("/usr/bin/prlimit", X_OK) != 0)
        GTEST_SKIP() << "no /usr/bin/prlimit (util-linux) to set the process limit";
    // Room for forkscope, its threads, the runner and a few workers: ten cannot all start.
    const int limit = processesOf(uid) + 8;
    const std::vector<std::string> tail{"/usr/bin/prlimit",
                                        "--nproc=" + std::to_string(limit),
                                        FORKSCOPE_CLI_PATH,
                                        "run",
                                        "sleepers",
                                        "--kind",
                                        "process",
                                        "--workers",
                                        "10",
                                        "--sleep",
                                        "0.2"};
    command.insert(command.end(), tail.begin(), tail.end());
    const char *program = command.front().c_str();
    const Output o = Cli(std::vector<std::string>(command.begin() + 1, command.end()), program).finish();
    EXPECT_EQ(o.exitCode, 1) << o.out << o.err;
    EXPECT_NE(o.out.find("never started: fork() failed: [Errno 11]"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("--- the run failed: 'worker "), std::string::npos) << o.out;
}

TEST(Cli, OutOfThreadsAnywhereIsAFailureWithAReasonNeverAnAbort)
{
    std::string why;
    uid_t uid = 0;
    const std::vector<std::string> prefix = asLimitedUser(why, uid);
    if (!why.empty())
        GTEST_SKIP() << why;
    if (access("/usr/bin/prlimit", X_OK) != 0)
        GTEST_SKIP() << "no /usr/bin/prlimit (util-linux) to set the process limit";
    // From a limit where the client cannot start its collector, through one where the runner cannot start
    // its own threads, to ones where only some workers get theirs, to enough for all.
    const int base = processesOf(uid);
    for (int extra = 1; extra <= 7; ++extra) {
        SCOPED_TRACE("process limit " + std::to_string(base + extra));
        std::vector<std::string> command = prefix;
        for (const std::string &arg :
             {std::string("/usr/bin/prlimit"), "--nproc=" + std::to_string(base + extra),
              std::string(FORKSCOPE_CLI_PATH), std::string("run"), std::string("sleepers"),
              std::string("--kind"), std::string("thread"), std::string("--workers"), std::string("3"),
              std::string("--sleep"), std::string("0.1")})
            command.push_back(arg);
        const char *program = command.front().c_str();
        const Output o = Cli(std::vector<std::string>(command.begin() + 1, command.end()), program).finish();
        EXPECT_TRUE(o.exitCode == 0 || o.exitCode == 1) << "exit " << o.exitCode << "\n" << o.out << o.err;
        EXPECT_EQ((o.out + o.err).find("Abort"), std::string::npos) << o.out << o.err;
        EXPECT_EQ((o.out + o.err).find("terminate called"), std::string::npos) << o.err;
        if (o.exitCode == 1)
            EXPECT_NE((o.out + o.err).find("Resource temporarily unavailable"), std::string::npos)
                << "a failure names its reason\n"
                << o.out << o.err;
    }
}

TEST(Cli, HangupCancelsReapsEverythingAndExitsWith129)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1); // whatever the command leaves behind comes here when it exits
    const std::string dir = tempDir();
    Cli cli({"run", "sleepers", "--kind", "process", "--workers", "3", "--sleep", "30", "--summary",
             dir + "/s.json"});
    ASSERT_TRUE(cli.waitForOutput("going to sleep"));
    kill(cli.pid(), SIGHUP); // the terminal closed
    const Output o = cli.finish();
    EXPECT_EQ(o.exitCode, 129) << o.out << o.err;
    EXPECT_NE(o.out.find("\ncancelled"), std::string::npos) << o.out;
    EXPECT_NE(o.err.find("forkscope: interrupted by SIGHUP: the run was cancelled"), std::string::npos)
        << o.err;
    EXPECT_NE(slurp(dir + "/s.json").find("\"cancelled\": true"), std::string::npos);
    std::vector<int> left = childrenOf(getpid());
    for (int i = 0; i < 200 && !left.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        left = childrenOf(getpid());
    }
    EXPECT_TRUE(left.empty()) << "a process of the run outlived the command (or was left a zombie)";
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, ARunnerThatFailsSaysSoOnStderr)
{
    setenv("FORKSCOPE_RUNNER", "/bin/false", 1); // starts, says nothing, exits 1
    const Output o = runCli({"run", "sleepers", "--workers", "1", "--sleep", "0"});
    unsetenv("FORKSCOPE_RUNNER");
    EXPECT_EQ(o.exitCode, 1) << o.out << o.err;
    EXPECT_NE(o.err.find("forkscope: the run failed: the runner exited with code 1"), std::string::npos)
        << "stderr: " << o.err;
}

TEST(Cli, TrialsInterruptedMidBatchNeverShowTheCancelledTrialAsTheFirstThatWentWrong)
{
    const std::string dir = tempDir();
    // Trials of about a tenth of a second each (50 updates with 2 ms between read and write), nearly all
    // wrong without the lock: Ctrl+C lands in the middle of one.
    Cli cli({"run", "bank", "--trials", "500", "--trial-shape", "same", "--updates", "50", "--summary",
             dir + "/s.json"});
    ASSERT_TRUE(cli.waitForOutput("   wrong\n", 60'000));
    std::this_thread::sleep_for(std::chrono::milliseconds(40)); // into the next trial
    kill(cli.pid(), SIGINT);
    const Output o = cli.finish();
    EXPECT_EQ(o.exitCode, 130) << o.out << o.err;
    // The first trial listed as wrong is the one shown, and it is not the cancelled one.
    const std::size_t wrong = o.out.find("   wrong\n");
    ASSERT_NE(wrong, std::string::npos);
    const std::size_t line = o.out.rfind("trial ", wrong);
    const int first = std::atoi(o.out.c_str() + line + 6);
    ASSERT_GT(first, 0) << o.out;
    EXPECT_NE(
        o.out.find("shown below: the first trial that went wrong (trial " + std::to_string(first) + ")"),
        std::string::npos)
        << o.out;
    EXPECT_EQ(o.out.find("\ncancelled"), std::string::npos) << "the shown trial completed\n" << o.out;
    if (o.out.find(" was cancelled and is not counted") == std::string::npos)
        std::printf("(Ctrl+C landed between two trials this time: nothing was cancelled mid-trial)\n");
    EXPECT_NE(o.err.find("forkscope: interrupted by SIGINT: the trials were cancelled"), std::string::npos)
        << o.err;
    const nlohmann::json summary = nlohmann::json::parse(slurp(dir + "/s.json"), nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    EXPECT_EQ(summary.value("cancelled", false), true) << "the summary says the command was cancelled";
    std::system(("rm -rf " + dir).c_str());
}

TEST(Cli, AnInterruptedAllModesSaysSoAndConcludesNothing)
{
    Cli cli({"run", "cpu-vs-io", "--all-modes", "--tasks", "2", "--seconds", "0.5"});
    ASSERT_TRUE(cli.waitForOutput("cpu   sequential", 60'000));
    kill(cli.pid(), SIGINT); // during the second of the eight runs
    const Output o = cli.finish();
    EXPECT_EQ(o.exitCode, 130) << o.out << o.err;
    EXPECT_NE(o.out.find("cancelled after 1 of 8 runs: no conclusions from an incomplete table"),
              std::string::npos)
        << o.out;
    EXPECT_EQ(o.out.find("CPU-bound:"), std::string::npos) << "no conclusions\n" << o.out;
    EXPECT_NE(o.err.find("forkscope: interrupted by SIGINT: the GIL lab was cancelled"), std::string::npos)
        << o.err;
}

// --- Scenario files on the command line ---------------------------------------------------------------

namespace {

void writeFile(const std::string &path, const std::string &text)
{
    std::ofstream out(path);
    out << text;
}

} // namespace

TEST(CliScenarioFiles, NewCheckAndRunAUsersFile)
{
    const std::string dir = tempDir();
    const std::string file = dir + "/my-bank.json";
    Output o = runCli({"new", file, "--from", "bank"});
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_TRUE(exists(dir + "/my-bank.py")) << "the Python twin comes with it";
    EXPECT_NE(slurp(file).find("\"id\": \"my-bank\""), std::string::npos) << "its id is its file's name";
    // new never overwrites.
    o = runCli({"new", file, "--from", "bank"});
    EXPECT_EQ(o.exitCode, 2);
    EXPECT_NE(o.err.find("exists already"), std::string::npos) << o.err;
    o = runCli({"check", file});
    EXPECT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("a scenario Forkscope can run: 'my-bank'"), std::string::npos) << o.out;
    const std::string summary = dir + "/summary.json";
    o = runCli({"run", file, "--trials", "1", "--updates", "20", "--lock", "on", "--time-scale", "0.01",
                "--summary", summary});
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(o.out.find("final balance 100 (expected 100)"), std::string::npos) << o.out;
    EXPECT_NE(slurp(summary).find("\"scenario\": \"my-bank\""), std::string::npos) << slurp(summary);
}

TEST(CliScenarioFiles, ABadFileListsEveryProblemWithItsPlaceAndRunsNothing)
{
    const std::string dir = tempDir();
    const std::string file = dir + "/broken.json";
    writeFile(file, R"({
  "format": 1, "id": "broken", "title": "Broken",
  "locks": ["balance"],
  "workers": [{"name": "w", "steps": [{"lock": "balanse"}, {"slep": 1}]}],
  "main": ["start", "join"]
})");
    const std::string png = dir + "/out.png";
    for (const auto &args :
         std::vector<std::vector<std::string>>{{"check", file}, {"run", file, "--png", png}}) {
        const Output o = runCli(args);
        EXPECT_EQ(o.exitCode, 2) << args[0];
        EXPECT_NE(o.err.find(file + ":4:60: /workers/0/steps/1: a step needs one of"), std::string::npos)
            << o.err;
        EXPECT_NE(o.err.find("2 problems"), std::string::npos) << o.err;
    }
    EXPECT_FALSE(exists(png)) << "nothing of a file with a problem runs";
}

TEST(CliScenarioFiles, RunIdHelpListsThatScenariosOwnParameters)
{
    const Output o = runCli({"run", "futures", "--help"});
    EXPECT_EQ(o.exitCode, 0);
    EXPECT_NE(o.out.find("--workers (an integer from 1 to 256; default "), std::string::npos) << o.out;
    EXPECT_EQ(o.out.find("--lock"), std::string::npos) << "only futures' own parameters";
}

TEST(CliScenarioFiles, RunIdHelpListsThePresetsById)
{
    Output o = runCli({"run", "bank", "--help"});
    EXPECT_EQ(o.exitCode, 0);
    EXPECT_NE(o.out.find("forkscope run bank [--preset ID] [--name value ...]"), std::string::npos) << o.out;
    EXPECT_NE(
        o.out.find("Presets (--preset ID; a parameter given beside it wins):\n"
                   "  tutorial    the tutorial's own settings: --sleep 0.01 --think 0 --trial-shape same "
                   "--trials 10 --updates 100\n"),
        std::string::npos)
        << o.out;
    o = runCli({"run", "sleepers", "--help"});
    EXPECT_EQ(o.exitCode, 0);
    EXPECT_EQ(o.out.find("preset"), std::string::npos) << "sleepers has none: " << o.out;
}

TEST(CliScenarioFiles, APresetSetsItsValuesAndAParameterGivenBesideItWins)
{
    // The bank's caption says what each trial ran: the preset's 100 updates with no think time, not the
    // default 500 and 0.5 ms; --updates 30 beside the preset wins over its 100; --trials 2 over its 10.
    const auto caption = [](const Output &o) {
        const std::size_t at = o.out.find("bank · ");
        return at == std::string::npos ? std::string() : o.out.substr(at, o.out.find('\n', at) - at);
    };
    const std::vector<std::string> quick = {"--trials", "2", "--time-scale", "0.1"};
    std::vector<std::string> args = {"run", "bank", "--preset", "tutorial"};
    args.insert(args.end(), quick.begin(), quick.end());
    Output o = runCli(args);
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(caption(o).find("100 deposits and 100 withdrawals, 0 s between read and write"),
              std::string::npos)
        << o.out;
    EXPECT_NE(o.out.find("wrong in "), std::string::npos);
    EXPECT_NE(o.out.find(" of 2 trials"), std::string::npos)
        << "--trials 2 beside the preset wins: " << o.out;
    args.insert(args.end(), {"--updates", "30"});
    o = runCli(args);
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(caption(o).find("30 deposits and 30 withdrawals, 0 s between"), std::string::npos) << o.out;
    args = {"run", "bank"};
    args.insert(args.end(), quick.begin(), quick.end());
    o = runCli(args);
    ASSERT_EQ(o.exitCode, 0) << o.err;
    EXPECT_NE(caption(o).find("500 deposits and 500 withdrawals, 0.0005 s between"), std::string::npos)
        << "the defaults without the preset: " << o.out;
}

TEST(CliScenarioFiles, FuturesDefaultToOneWorkerPerCore)
{
    const std::string dir = tempDir();
    const Output o = runCli({"run", "futures", "--time-scale", "0.02", "--summary", dir + "/s.json"});
    ASSERT_EQ(o.exitCode, 0) << o.err;
    const std::string s = slurp(dir + "/s.json");
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    const int cores = std::min(256, CPU_COUNT(&set));
    int workers = 0;
    for (std::size_t at = s.find("executor worker "); at != std::string::npos;
         at = s.find("executor worker ", at + 1))
        ++workers;
    EXPECT_GT(workers, 0) << s;
    // Each worker may be named more than once in the summary; what matters is that worker N+1 does not exist.
    EXPECT_NE(s.find("executor worker " + std::to_string(cores)), std::string::npos) << s;
    EXPECT_EQ(s.find("executor worker " + std::to_string(cores + 1) + "\""), std::string::npos) << s;
}

// Saved runs: `run --save FILE.fsrun` keeps the run whole, `open-run FILE.fsrun` prints and exports it again
// without running anything — the same picture, byte for byte.
namespace {

/// Whether this build draws pictures (a sanitizer build has no Qt and refuses --png).
bool drawsPictures()
{
    static const bool draws = [] {
        const Output o = runCli({"run", "sleepers", "--png", "/nonexistent/x.png"});
        return o.err.find("needs the desktop build") == std::string::npos;
    }();
    return draws;
}

/// Runs forkscope with `variable` set to `value` for it alone.
Output runCliWith(const char *variable, const char *value, const std::vector<std::string> &args)
{
    const char *before = std::getenv(variable);
    const std::string kept = before ? before : "";
    setenv(variable, value, 1);
    Output o = runCli(args);
    if (before)
        setenv(variable, kept.c_str(), 1);
    else
        unsetenv(variable);
    return o;
}

std::string readBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST(CliSavedRun, OpenRunExportsTheVerySamePictureTraceAndSummaryWithoutRunning)
{
    const std::string dir = tempDir();
    const bool pictures = drawsPictures();
    std::vector<std::string> run{"run",          "sleepers",
                                 "--kind",       "thread",
                                 "--workers",    "3",
                                 "--time-scale", "0.01",
                                 "--trace",      dir + "/run.json",
                                 "--summary",    dir + "/run-summary.json",
                                 "--save",       dir + "/sleepers.fsrun"};
    if (pictures)
        run.insert(run.end(), {"--png", dir + "/run.png"});
    const Output ran = runCli(run);
    ASSERT_EQ(ran.exitCode, 0) << ran.err;
    EXPECT_NE(ran.out.find("save          " + dir + "/sleepers.fsrun"), std::string::npos) << ran.out;
    // No runner can be found now: open-run must not need one.
    std::vector<std::string> open{"open-run",  dir + "/sleepers.fsrun",   "--trace", dir + "/open.json",
                                  "--summary", dir + "/open-summary.json"};
    if (pictures)
        open.insert(open.end(), {"--png", dir + "/open.png"});
    const Output opened = runCliWith("FORKSCOPE_RUNNER", "/nonexistent/forkscope-runner", open);
    ASSERT_EQ(opened.exitCode, 0) << opened.err;
    EXPECT_NE(opened.out.find("saved run     " + dir + "/sleepers.fsrun: sleepers, ran "), std::string::npos)
        << opened.out;
    // What the run printed as its result, from the saved run: the same headline and workers.
    const auto headlineOf = [](const std::string &out) {
        const auto at = out.find("\n--- ");
        return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at + 1) - at);
    };
    EXPECT_FALSE(headlineOf(ran.out).empty()) << ran.out;
    EXPECT_EQ(headlineOf(ran.out), headlineOf(opened.out));
    EXPECT_NE(opened.out.find("workers       3 thread, 3 ended normally"), std::string::npos) << opened.out;
    EXPECT_EQ(readBytes(dir + "/run.json"), readBytes(dir + "/open.json")) << "the same trace";
    EXPECT_EQ(readBytes(dir + "/run-summary.json"), readBytes(dir + "/open-summary.json"))
        << "the same summary";
    if (pictures) {
        const std::string png = readBytes(dir + "/run.png");
        ASSERT_GT(png.size(), 1000u);
        EXPECT_TRUE(png == readBytes(dir + "/open.png")) << "open-run's PNG is the run's, byte for byte";
    }
    std::system(("rm -rf " + dir).c_str());
}

TEST(CliSavedRun, TrialsKeepTheirChartAndTheTrialShown)
{
    const std::string dir = tempDir();
    const bool pictures = drawsPictures();
    std::vector<std::string> run{"run",  "bank",      "--trials",        "4",      "--time-scale",
                                 "0.01", "--summary", dir + "/run.json", "--save", dir + "/bank.fsrun"};
    if (pictures)
        run.insert(run.end(), {"--png", dir + "/run.png", "--chart", dir + "/chart-run.png"});
    const Output ran = runCli(run);
    ASSERT_EQ(ran.exitCode, 0) << ran.err;
    std::vector<std::string> open{"open-run", dir + "/bank.fsrun", "--summary", dir + "/open.json"};
    if (pictures)
        open.insert(open.end(), {"--png", dir + "/open.png", "--chart", dir + "/chart-open.png"});
    const Output opened = runCliWith("FORKSCOPE_RUNNER", "/nonexistent/forkscope-runner", open);
    ASSERT_EQ(opened.exitCode, 0) << opened.err;
    // Both settings were run for the chart, and the saved run says how each went.
    EXPECT_NE(opened.out.find("without lock: wrong in "), std::string::npos) << opened.out;
    EXPECT_NE(opened.out.find("of 4 trials"), std::string::npos) << opened.out;
    const auto summary = nlohmann::json::parse(readBytes(dir + "/open.json"));
    EXPECT_EQ(summary.at("trials").size(), 4u) << summary.dump();
    EXPECT_EQ(readBytes(dir + "/run.json"), readBytes(dir + "/open.json"));
    if (pictures) {
        EXPECT_TRUE(readBytes(dir + "/run.png") == readBytes(dir + "/open.png"));
        EXPECT_TRUE(readBytes(dir + "/chart-run.png") == readBytes(dir + "/chart-open.png"))
            << "the trials chart from the saved final values is the one drawn at run time";
    }
    std::system(("rm -rf " + dir).c_str());
}

TEST(CliSavedRun, TheGilLabsTableIsSavedAndChartedAgain)
{
    const std::string dir = tempDir();
    const bool pictures = drawsPictures();
    std::vector<std::string> run{"run",       "cpu-vs-io", "--all-modes", "--tasks",         "2",
                                 "--seconds", "0.05",      "--save",      dir + "/lab.fsrun"};
    if (pictures)
        run.insert(run.end(), {"--chart", dir + "/run.png"});
    const Output ran = runCli(run);
    ASSERT_EQ(ran.exitCode, 0) << ran.err;
    std::vector<std::string> open{"open-run", dir + "/lab.fsrun"};
    if (pictures)
        open.insert(open.end(), {"--chart", dir + "/open.png"});
    const Output opened = runCli(open);
    ASSERT_EQ(opened.exitCode, 0) << opened.err;
    // The same eight lines of wall times and speedups.
    const auto table = [](const std::string &out) {
        std::string rows;
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);)
            if ((line.rfind("cpu ", 0) == 0 || line.rfind("io ", 0) == 0)
                && line.find('x') != std::string::npos)
                rows += line + "\n";
        return rows;
    };
    const std::string rows = table(ran.out);
    EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 8) << ran.out;
    EXPECT_EQ(rows, table(opened.out));
    if (pictures)
        EXPECT_TRUE(readBytes(dir + "/run.png") == readBytes(dir + "/open.png"));
    // A table has no timeline.
    const Output png = runCli({"open-run", dir + "/lab.fsrun", "--trace", dir + "/t.json"});
    EXPECT_EQ(png.exitCode, 2);
    EXPECT_NE(png.err.find("holds the GIL lab's table"), std::string::npos) << png.err;
    EXPECT_FALSE(exists(dir + "/t.json"));
    std::system(("rm -rf " + dir).c_str());
}

TEST(CliSavedRun, AFileThatCannotBeShownIsRefusedSayingWhyAndNothingIsWritten)
{
    const std::string dir = tempDir();
    const std::string file = dir + "/r.fsrun";
    ASSERT_EQ(runCli({"run", "sleepers", "--workers", "2", "--time-scale", "0.01", "--save", file}).exitCode,
              0);
    const std::string good = readBytes(file);
    ASSERT_GT(good.size(), 48u);
    const auto refusal = [&](const std::string &bytes, const std::string &expected) {
        std::ofstream(dir + "/bad.fsrun", std::ios::binary) << bytes;
        const Output o = runCli({"open-run", dir + "/bad.fsrun", "--trace", dir + "/out.json"});
        EXPECT_EQ(o.exitCode, 2) << expected;
        EXPECT_NE(o.err.find(expected), std::string::npos) << o.err;
        EXPECT_FALSE(exists(dir + "/out.json")) << expected << ": nothing is written";
        EXPECT_EQ(o.out.find("saved run "), std::string::npos) << "nothing of it is shown: " << o.out;
    };
    std::string damaged = good;
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x10);
    refusal(damaged, "is damaged: its content's checksum does not match");
    refusal(good.substr(0, good.size() - 10), "is truncated");
    std::string newer = good;
    newer[8] = 9;
    refusal(newer, "was saved by a newer Forkscope (saved-run format 9)");
    std::string older = good;
    older[8] = 0;
    refusal(older, "was saved by an older Forkscope (saved-run format 0)");
    refusal(slurp(std::string(FORKSCOPE_SOURCE_DIR) + "/resources/scenarios/sleepers.json"),
            "is not a saved Forkscope run");
    const Output missing = runCli({"open-run", dir + "/none.fsrun"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("cannot open '" + dir + "/none.fsrun'"), std::string::npos) << missing.err;
    std::system(("rm -rf " + dir).c_str());
}

TEST(CliSavedRun, UsageErrorsNameWhatIsAllowed)
{
    const std::string dir = tempDir();
    const std::string file = dir + "/r.fsrun";
    ASSERT_EQ(runCli({"run", "sleepers", "--workers", "2", "--time-scale", "0.01", "--save", file}).exitCode,
              0);
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases{
        {{"open-run"}, "'open-run' needs a saved run"},
        {{"open-run", file, "--workers", "4"}, "a saved run shows the run as it ran (workers 2)"},
        {{"open-run", file, "--chart", dir + "/c.png"}, "--chart needs a saved run of trials"},
        {{"open-run", file, "--bogus"}, "unknown option '--bogus'"},
        {{"run", "sleepers", "--save", dir + "/x.txt"},
         "--save '" + dir + "/x.txt': the file name must end in .fsrun"},
        {{"run", "sleepers", "--save", dir + "/no/x.fsrun"}, "--save: cannot write"},
        {{"run", "sleepers", "--compare", "kind=thread,process", "--save", dir + "/c.fsrun"},
         "--trace, --summary, --chart and --save keep one"},
    };
    for (const Case &c : cases) {
        const Output o = runCli(c.args);
        EXPECT_EQ(o.exitCode, 2) << c.args.front() << " " << (c.args.size() > 2 ? c.args[2] : "");
        EXPECT_NE(o.err.find(c.says), std::string::npos) << o.err;
    }
    EXPECT_FALSE(exists(dir + "/x.txt"));
    EXPECT_FALSE(exists(dir + "/c.fsrun"));
    EXPECT_NE(runCli({"--help"}).out.find("open-run FILE.fsrun"), std::string::npos);
    std::system(("rm -rf " + dir).c_str());
}
