// The process table: what /proc says about real processes, and a run's snapshots.
#include "core/proc_table.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace forkscope;
using namespace forkscope::core;

TEST(ProcTable, ReadsThisProcessAsTheKernelSeesIt)
{
    ProcessInfo me;
    ASSERT_TRUE(readProcess(getpid(), me));
    EXPECT_EQ(me.pid, getpid());
    EXPECT_EQ(me.ppid, getppid());
    EXPECT_EQ(me.pgrp, getpgrp());
    EXPECT_EQ(me.state, 'R') << "it is running: it is reading its own stat";
    EXPECT_GE(me.threads, 1);
    EXPECT_FALSE(me.name.empty());
    ProcessInfo none;
    EXPECT_FALSE(readProcess(0x7ffffff0, none));
    EXPECT_EQ(processStateName('Z'), "zombie");
    EXPECT_EQ(processStateName('S'), "sleeping");
}

TEST(ProcTable, TheTrackerSeesAChildSleepTurnZombieAndExit)
{
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(child, child); // whichever of the two runs first, the child leads its own group
    ProcessTracker tracker;
    const auto stateOfChild = [&]() -> std::string {
        for (const ProcessTracker::Row &r : tracker.rows())
            if (r.info.pid == child)
                return std::string(ProcessTracker::stateOf(r));
        return "absent";
    };
    std::string state;
    for (int i = 0; i < 500 && state != "sleeping"; ++i) {
        tracker.update(child, i);
        state = stateOfChild();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_EQ(state, "sleeping") << "a child in pause() sleeps";
    ASSERT_EQ(tracker.rows().size(), 1u) << "only the child is in its group";
    EXPECT_EQ(tracker.rows()[0].info.ppid, getpid());

    kill(child, SIGKILL);
    for (int i = 0; i < 500 && state != "zombie"; ++i) {
        tracker.update(child, 1000 + i);
        state = stateOfChild();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_EQ(state, "zombie") << "dead but not yet waited for";
    ASSERT_EQ(waitpid(child, nullptr, 0), child);
    tracker.update(child, 5000);
    EXPECT_EQ(stateOfChild(), "exited") << "reaped: gone from /proc, kept in the table";
    EXPECT_NE(formatProcessTable(tracker.rows()).find("exited"), std::string::npos);
}

TEST(ProcTable, TheScenarioListsWorkersOnlyBetweenStartAndJoin)
{
    for (const char *kind : {"process", "thread"}) {
        std::vector<Event> events;
        const RunResult r
            = test::runToEnd(test::fixturePlan("process-table", {{"kind", kind}, {"sleep", "0.1"}}), &events);
        ASSERT_FALSE(r.failed()) << r.error;
        // Main's printed lines, split into the three snapshots by their titles.
        std::vector<std::string> snapshot[3];
        int at = -1;
        for (const Event &e : events) {
            if (e.lane != 0 || e.type != EventType::Print)
                continue;
            if (e.text.rfind("processes ", 0) == 0)
                ++at;
            else if (at >= 0 && at < 3)
                snapshot[at].push_back(e.text);
        }
        ASSERT_EQ(at, 2) << kind << ": three snapshots";
        // A pid as a whole column: " 1234 " (built in steps: GCC 12's -O3 -Wrestrict misfires on a + chain).
        const auto column = [](int pid) {
            std::string text(1, ' ');
            text += std::to_string(pid);
            text += ' ';
            return text;
        };
        const auto rowFor = [&](const std::vector<std::string> &rows, int pid) {
            for (const std::string &row : rows)
                if (row.find(column(pid)) != std::string::npos)
                    return row;
            return std::string();
        };
        const int runner = r.lanes[0].info.pid;
        for (int s = 0; s < 3; ++s)
            EXPECT_FALSE(rowFor(snapshot[s], runner).empty())
                << kind << ": the run's own process is always listed";
        for (std::size_t lane = 1; lane <= 2; ++lane) {
            const int pid = r.lanes[lane].info.pid;
            if (std::string(kind) == "thread") {
                EXPECT_EQ(pid, runner) << "threads live in main's process";
                continue;
            }
            EXPECT_TRUE(rowFor(snapshot[0], pid).empty()) << "not yet started";
            const std::string row = rowFor(snapshot[1], pid);
            ASSERT_FALSE(row.empty()) << "started: listed";
            EXPECT_NE(row.find(r.lanes[lane].info.name), std::string::npos)
                << row << ": named after its worker";
            EXPECT_NE(row.find(column(runner)), std::string::npos) << row << ": its parent is main";
            EXPECT_TRUE(rowFor(snapshot[2], pid).empty()) << "joined: gone";
        }
        if (std::string(kind) == "thread")
            EXPECT_EQ(snapshot[1].size(), 2u) << "a header and one process: threads add no row";
    }
}
