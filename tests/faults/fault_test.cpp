// Fault injection against every scenario family, through the real command line: a worker (or the runner)
// killed, a worker stopped (SIGSTOP), and a process limit. For each the run ends (within a deadline: nothing
// hangs), the exit status is non-zero, the summary names what went wrong, and no process of the run is left,
// running or a zombie.
#include "tests/support/proc_files.hpp"
#include "tests/support/system_user.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace {

using forkscope::test::childrenOf;
using forkscope::test::slurp;

using Clock = std::chrono::steady_clock;

/// A scenario family and a run of it that lasts about a second and a half when nothing goes wrong.
struct Family {
    std::string name;
    std::vector<std::string> args; ///< after `forkscope run`
    bool processes = true;         ///< its workers are forked processes (else threads of the runner)
    int workers = 1;               ///< how many workers it starts
};

std::ostream &operator<<(std::ostream &out, const Family &f) { return out << f.name; }

const std::vector<Family> &families()
{
    static const std::vector<Family> all{
        {"threads", {"sleepers", "--kind", "thread", "--workers", "4", "--sleep", "1.5"}, false, 4},
        {"processes", {"sleepers", "--kind", "process", "--workers", "4", "--sleep", "1.5"}, true, 4},
        {"queue",
         {"producer-consumer", "--kind", "process", "--items", "30", "--capacity", "5", "--produce", "0.05",
          "--consume", "0.05"},
         true,
         2},
        {"pipe", {"pipe", "--kind", "process", "--delay", "0.75"}, true, 1},
        {"pool", {"pool-map", "--kind", "process", "--workers", "2", "--n", "2", "--work", "1.5"}, true, 2},
        {"shared_value", {"shared-value", "--kind", "process", "--workers", "4", "--sleep", "1.5"}, true, 4},
        {"gil_lab",
         {"cpu-vs-io", "--mode", "gil-threads", "--work", "io", "--tasks", "2", "--seconds", "1.5"},
         false,
         2},
    };
    return all;
}

/// How many threads `pid` has (0 when it is gone).
int threadsOf(int pid)
{
    std::error_code ec;
    int n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

/// Processes (threads count too) owned by `uid` now, from /proc.
int processesOf(uid_t uid)
{
    int n = 0;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        struct stat st { };
        const std::string name = entry.path().filename();
        if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))
            && stat(entry.path().c_str(), &st) == 0 && st.st_uid == uid)
            n += std::max(1, threadsOf(std::stoi(name)));
    }
    return n;
}

struct Ended {
    int exitCode = -1; ///< 128 + signal when killed
    std::string out;
    std::string err;
    bool timedOut = false;
};

/// A running `forkscope` (or whatever `argv` starts) with its stdout and stderr captured.
class Command {
public:
    explicit Command(std::vector<std::string> argv)
    {
        int outPipe[2];
        int errPipe[2];
        EXPECT_EQ(pipe2(outPipe, O_CLOEXEC), 0);
        EXPECT_EQ(pipe2(errPipe, O_CLOEXEC), 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
        std::vector<char *> args;
        for (std::string &a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        EXPECT_EQ(posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        close(outPipe[1]);
        close(errPipe[1]);
        m_fds[0] = outPipe[0];
        m_fds[1] = errPipe[0];
    }
    ~Command()
    {
        if (m_pid > 0) { // a test that gave up on it: do not leave it running
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        for (const int fd : m_fds)
            if (fd >= 0)
                close(fd);
    }

    pid_t pid() const { return m_pid; }

    /// Reads both outputs until stderr holds `text`; false at `deadline` or at the end of the output.
    bool waitForStderr(const std::string &text, Clock::time_point deadline)
    {
        while (m_ended.err.find(text) == std::string::npos)
            if (!readSome(deadline))
                return false;
        return true;
    }

    /// Reads both outputs to their end and waits for the exit, all by `deadline`; past it, kills the
    /// command and says it timed out.
    Ended finish(Clock::time_point deadline)
    {
        while (readSome(deadline)) { }
        for (;;) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_ended.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                m_pid = 0;
                break;
            }
            if (Clock::now() > deadline) {
                m_ended.timedOut = true;
                kill(m_pid, SIGKILL);
                waitpid(m_pid, nullptr, 0);
                m_pid = 0;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return m_ended;
    }

private:
    /// One read from whichever output has something; false when both are closed or at `deadline`.
    bool readSome(Clock::time_point deadline)
    {
        const auto left
            = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd fds[2] = {{m_fds[0], POLLIN, 0}, {m_fds[1], POLLIN, 0}};
        if (left <= 0 || (m_fds[0] < 0 && m_fds[1] < 0) || poll(fds, 2, static_cast<int>(left)) <= 0)
            return false;
        char buf[4096];
        for (int i = 0; i < 2; ++i) {
            if (m_fds[i] < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            const ssize_t n = read(m_fds[i], buf, sizeof buf);
            if (n <= 0) {
                close(m_fds[i]);
                m_fds[i] = -1;
            } else {
                (i == 0 ? m_ended.out : m_ended.err).append(buf, static_cast<std::size_t>(n));
            }
        }
        return true;
    }

    pid_t m_pid = 0;
    int m_fds[2] = {-1, -1};
    Ended m_ended;
};

/// A temporary folder anyone may write in (the limited user writes its summary there), removed at the end.
struct TempDir {
    std::string path;
    TempDir()
    {
        char dir[] = "/tmp/forkscope-faults-XXXXXX";
        EXPECT_NE(mkdtemp(dir), nullptr);
        path = dir;
        chmod(dir, 0777);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

/// The runner the command started (its only child) and the runner's worker processes, once it has
/// `processes` of them (or, for a run of threads, `threads` threads), by `deadline`; runner 0 otherwise.
struct RunProcesses {
    int runner = 0;
    std::vector<int> workers;
};
RunProcesses waitForRun(pid_t cli, const Family &family, Clock::time_point deadline)
{
    RunProcesses run;
    while (Clock::now() < deadline) {
        const std::vector<int> kids = childrenOf(cli);
        run.runner = kids.empty() ? 0 : kids.front();
        if (run.runner > 0) {
            run.workers = childrenOf(run.runner);
            const bool up = family.processes ? static_cast<int>(run.workers.size()) >= family.workers
                                             : threadsOf(run.runner) >= family.workers + 1;
            if (up)
                return run;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return {};
}

/// Nothing of the run is left: no process in its group, and nothing reparented to this test (a child
/// subreaper, so every orphan and unreaped zombie of the command comes here when it exits).
void expectNothingLeft(int runner)
{
    std::vector<int> left;
    for (int i = 0; i < 200; ++i) { // the kernel finishes a SIGKILLed process's exit in a moment
        left = childrenOf(getpid());
        if (left.empty())
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::string who;
    for (const int pid : left)
        who += " " + slurp("/proc/" + std::to_string(pid) + "/stat").substr(0, 40);
    EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the run outlived the command:" << who;
    for (const int pid : left) { // leave the machine clean for the next test anyway
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    if (runner > 0) {
        std::error_code ec;
        bool any = false;
        for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
            const std::string stat = slurp(entry.path().string() + "/stat");
            const auto close = stat.rfind(") ");
            if (close == std::string::npos)
                continue;
            std::istringstream fields(stat.substr(close + 2));
            char state = 0;
            int ppid = 0;
            int pgrp = 0;
            fields >> state >> ppid >> pgrp;
            any = any || pgrp == runner;
        }
        EXPECT_FALSE(any) << "a process of the run's group (" << runner << ") is still there";
    }
}

std::vector<std::string> forkscope(const Family &family, const std::string &summary)
{
    std::vector<std::string> argv{FORKSCOPE_CLI_PATH, "run"};
    argv.insert(argv.end(), family.args.begin(), family.args.end());
    argv.insert(argv.end(), {"--summary", summary});
    return argv;
}

nlohmann::json readSummary(const std::string &path)
{
    nlohmann::json json = nlohmann::json::parse(slurp(path), nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << "no summary at " << path;
    return json.is_discarded() ? nlohmann::json::object() : json;
}

class Faults : public ::testing::TestWithParam<Family> {
protected:
    void SetUp() override { prctl(PR_SET_CHILD_SUBREAPER, 1); }
};

TEST_P(Faults, AKilledWorkerEndsTheRunAsAFailureThatNamesIt)
{
    const Family &family = GetParam();
    TempDir dir;
    const std::string summary = dir.path + "/summary.json";
    Command cli(forkscope(family, summary));
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    const RunProcesses run = waitForRun(cli.pid(), family, deadline);
    ASSERT_GT(run.runner, 0) << "the run's workers never appeared";
    std::this_thread::sleep_for(std::chrono::milliseconds(150)); // mid-run: well inside its 1.5 s
    // A process worker is killed alone; a thread cannot be, so for threads the runner (their process) is.
    const int victim = family.processes ? run.workers.front() : run.runner;
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    const Ended o = cli.finish(deadline);
    ASSERT_FALSE(o.timedOut) << "the run hung after pid " << victim << " was killed\n" << o.out << o.err;
    EXPECT_EQ(o.exitCode, 1) << o.out << o.err;
    EXPECT_NE(o.err.find("forkscope: the run failed: "), std::string::npos) << "said on stderr\n" << o.err;
    const nlohmann::json s = readSummary(summary);
    ASSERT_TRUE(s.contains("error") && s["error"].is_string()) << s.dump();
    const std::string error = s["error"];
    const bool named = error.find(std::to_string(victim)) != std::string::npos
        || error.find("signal 9") != std::string::npos || error.find("died") != std::string::npos;
    EXPECT_TRUE(named) << "the summary's error names what was killed: " << error;
    expectNothingLeft(run.runner);
}

TEST_P(Faults, AStoppedWorkerIsNamedAndACancelEndsTheRun)
{
    const Family &family = GetParam();
    TempDir dir;
    const std::string summary = dir.path + "/summary.json";
    Command cli(forkscope(family, summary));
    const auto deadline = Clock::now() + std::chrono::seconds(25);
    const RunProcesses run = waitForRun(cli.pid(), family, deadline);
    ASSERT_GT(run.runner, 0) << "the run's workers never appeared";
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    // A stopped thread stops its whole process: for threads, the runner is stopped.
    const int stopped = family.processes ? run.workers.front() : run.runner;
    ASSERT_EQ(kill(stopped, SIGSTOP), 0);
    const bool said = cli.waitForStderr("forkscope: the run is stalled: waiting for ", deadline);
    kill(cli.pid(), SIGTERM); // what a user does about a stalled run
    const Ended o = cli.finish(deadline);
    ASSERT_TRUE(said) << "nothing said the run waits for the stopped pid " << stopped << "\n"
                      << o.out << o.err;
    ASSERT_FALSE(o.timedOut) << "a stopped worker held the cancelled run up\n" << o.out << o.err;
    EXPECT_NE(o.err.find("(pid " + std::to_string(stopped)), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("— stopped (kill -CONT " + std::to_string(stopped) + " resumes it"),
              std::string::npos)
        << o.err;
    EXPECT_EQ(o.exitCode, 143) << o.out << o.err;
    EXPECT_NE(o.err.find("forkscope: interrupted by SIGTERM"), std::string::npos) << o.err;
    const nlohmann::json s = readSummary(summary);
    EXPECT_EQ(s.value("cancelled", false), true) << s.dump();
    ASSERT_TRUE(s.contains("waiting_at_cancel") && s["waiting_at_cancel"].is_string()) << s.dump();
    const std::string waiting = s["waiting_at_cancel"];
    EXPECT_NE(waiting.find("(pid " + std::to_string(stopped)), std::string::npos) << waiting;
    EXPECT_NE(waiting.find("— stopped"), std::string::npos) << waiting;
    expectNothingLeft(run.runner);
}

/// The program and arguments that run a command as a user whom a process limit binds: root ignores
/// RLIMIT_NPROC, so the test runs it as the system user forkscope-faults (made if missing) through runuser.
/// Empty, with the reason in `why`, when that cannot be arranged.
std::vector<std::string> asLimitedUser(std::string &why, uid_t &uid)
{
    if (geteuid() != 0) {
        why = "process limits are tested as root, which makes a user they bind (this is uid "
            + std::to_string(geteuid()) + ", whose own processes elsewhere would make the limit a guess)";
        return {};
    }
    if (access("/usr/bin/prlimit", X_OK) != 0) {
        why = "no prlimit (util-linux)";
        return {};
    }
    return forkscope::test::runAsSystemUser("forkscope-faults", why, uid);
}

TEST_P(Faults, AProcessLimitFailsTheRunWithItsReason)
{
    const Family &family = GetParam();
    std::string why;
    uid_t uid = 0;
    std::vector<std::string> argv = asLimitedUser(why, uid);
    if (argv.empty())
        GTEST_SKIP() << why;
    TempDir dir;
    const std::string summary = dir.path + "/summary.json";
    // Room for the command (its main thread and the collector), the runner (main, the cancel watcher and,
    // with processes, the reaper) and fewer than half the workers: the others cannot start (a fork or a
    // thread refused, as Python's start() raises). Threads count: the kernel counts tasks.
    const int room = 2 + (family.processes ? 3 : 2) + (family.workers - 1) / 2;
    const int limit = processesOf(uid) + room;
    argv.insert(argv.end(), {"/usr/bin/prlimit", "--nproc=" + std::to_string(limit)});
    const std::vector<std::string> run = forkscope(family, summary);
    argv.insert(argv.end(), run.begin(), run.end());
    Command cli(argv);
    const Ended o = cli.finish(Clock::now() + std::chrono::seconds(20));
    SCOPED_TRACE("process limit " + std::to_string(limit) + " (room for " + std::to_string(room)
                 + " tasks)\nstdout:\n" + o.out + "\nstderr:\n" + o.err);
    ASSERT_FALSE(o.timedOut) << "the run hung under a process limit";
    EXPECT_EQ(o.exitCode, 1) << o.out << o.err;
    EXPECT_NE(o.err.find("forkscope: the run failed: "), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("Resource temporarily unavailable"), std::string::npos) << "the reason is named\n"
                                                                                 << o.out << o.err;
    const nlohmann::json s = readSummary(summary);
    ASSERT_TRUE(s.contains("error") && s["error"].is_string()) << s.dump();
    EXPECT_NE(s["error"].get<std::string>().find("never started"), std::string::npos) << s.dump();
    expectNothingLeft(0);
}

INSTANTIATE_TEST_SUITE_P(Families, Faults, ::testing::ValuesIn(families()),
                         [](const ::testing::TestParamInfo<Family> &p) { return p.param.name; });

} // namespace
