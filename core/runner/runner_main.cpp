// forkscope-runner: the small process every run happens in. The client (command line or GUI) spawns it
// with posix_spawn, handing over the run's shared-memory region as fd 3. Keeping forks here, in a process
// that holds little memory and no GUI threads, keeps fork() cheap and safe.

#include "core/runner/executor.hpp"
#include "core/plan/plan.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <exception>
#include <cstdio>
#include <string>
#include <sys/prctl.h>
#include <unistd.h>

using namespace forkscope::core;

namespace {

int fail(const SharedRegion *region, const std::string &message)
{
    if (region && region->valid()) {
        SharedHeader &h = region->header();
        std::snprintf(h.error, sizeof h.error, "%s", message.c_str());
        h.phase.store(static_cast<std::uint32_t>(RunPhase::Failed));
    }
    std::fprintf(stderr, "forkscope-runner: %s\n", message.c_str());
    return 3;
}

/// Reads `--fd N --parent PID`, as Run::start passes them; returns "" or what is wrong with the arguments.
std::string parseArguments(int argc, char **argv, int &fd, long &parent)
{
    CLI::App app("forkscope-runner");
    app.set_help_flag();
    app.add_option("--fd", fd, "the run's shared-memory region")->required();
    app.add_option("--parent", parent, "the pid of the process that started the run")->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return e.what();
    }
    if (fd < 0 || parent <= 0)
        return "--fd must be 0 or more and --parent a pid";
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    int fd = -1;
    long parent = -1;
    if (const std::string problem = parseArguments(argc, argv, fd, parent); !problem.empty()) {
        std::fprintf(stderr, "forkscope-runner is started by forkscope, not by hand "
                             "(usage: forkscope-runner --fd N --parent PID): %s\n", problem.c_str());
        return 2;
    }
    // Die with whoever started the run; if it is already gone, stop now.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        return 4;
    // A write into a pipe nobody reads fails with EPIPE (BrokenPipeError) instead of killing the writer,
    // as in Python, which ignores SIGPIPE too. Forked workers inherit this; a crash step restores the
    // default before it raises a signal.
    std::signal(SIGPIPE, SIG_IGN);

    std::string error;
    SharedRegion region = SharedRegion::attach(fd, error);
    if (!region.valid())
        return fail(nullptr, error);
    region.header().runnerPid.store(getpid());

    Plan plan;
    if (!planFromJson(region.planText(), plan, error))
        return fail(&region, "the plan is not valid: " + error);
    if (plan.workers.size() + 1 != region.header().laneCount)
        return fail(&region, "the plan and the shared region disagree on the number of lanes");

    region.header().phase.store(static_cast<std::uint32_t>(RunPhase::Running));
    try {
        executePlan(region, plan);
    } catch (const std::exception &e) {
        return fail(&region, e.what()); // e.g. no pipe could be made (before any worker started)
    }
    region.header().phase.store(static_cast<std::uint32_t>(RunPhase::Finished));
    std::fflush(nullptr);
    _exit(0); // the cancel watcher thread is still parked on its futex: skip static destructors
}
