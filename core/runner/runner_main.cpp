// forkscope-runner: the small process every run happens in. The client (command line or GUI) spawns it
// with posix_spawn, handing over the run's shared-memory region as fd 3. Keeping forks here, in a process
// that holds little memory and no GUI threads, keeps fork() cheap and safe.
//
// It takes no command line: everything it needs is in the region (the plan, and the pid of the client
// that started it), so there is nothing to parse — and no parser to load at every start (CLI11 here cost
// about 0.4 ms per run, measured).

#include "core/plan/plan.hpp"
#include "core/runner/runner.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <sys/prctl.h>
#include <system_error>
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

} // namespace

int main(int argc, char **)
{
    constexpr int kRegionFd = 3;
    const char *const byHand
        = "forkscope-runner is started by forkscope, not by hand: it takes no arguments and "
          "reads the run forkscope hands it as fd 3";
    if (argc > 1) {
        std::fprintf(stderr, "%s\n", byHand);
        return 2;
    }
    std::string error;
    SharedRegion region = SharedRegion::attach(kRegionFd, error);
    if (!region.valid()) {
        std::fprintf(stderr, "%s (%s)\n", byHand, error.c_str());
        return 2;
    }
    // Die with whoever started the run; if it is already gone, stop now.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != region.header().clientPid)
        return 4;
    // A write into a pipe nobody reads fails with EPIPE (BrokenPipeError) instead of killing the writer,
    // as in Python, which ignores SIGPIPE too. Forked workers inherit this; a crash step restores the
    // default before it raises a signal.
    std::signal(SIGPIPE, SIG_IGN);

    region.header().runnerPid.store(getpid());

    Plan plan;
    if (!planFromJson(region.planText(), plan, error))
        return fail(&region, "the plan is not valid: " + error);
    if (plan.workers.size() + 1 != region.header().laneCount)
        return fail(&region, "the plan and the shared region disagree on the number of lanes");

    region.header().phase.store(static_cast<std::uint32_t>(RunPhase::Running));
    try {
        executePlan(region, plan);
    } catch (const std::system_error &e) {
        return fail(&region, std::string("it could not start a thread of its own: ") + e.what());
    } catch (const std::exception &e) {
        return fail(&region, e.what()); // e.g. no pipe could be made (before any worker started)
    }
    region.header().phase.store(static_cast<std::uint32_t>(RunPhase::Finished));
    std::fflush(nullptr);
    _exit(0); // the cancel watcher thread is still parked on its futex: skip static destructors
}
