#include "core/client/run.hpp"

#include "core/clock.hpp"
#include "core/proc_table.hpp"
#include "core/shared_memory/queue.hpp"
#include "core/shared_memory/shared_layout.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char **environ;

namespace forkscope::core {

namespace {

constexpr std::int64_t kCancelGraceNs = 150'000'000;
constexpr auto kDrainPeriod = std::chrono::microseconds(1000);
constexpr std::int64_t kReaderActiveNs = 100'000'000; // a read this recent: drain every tick

} // namespace

std::string Run::defaultRunnerPath()
{
    if (const char *env = std::getenv("FORKSCOPE_RUNNER"); env && *env)
        return env;
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return "forkscope-runner"; // no /proc: let the error name the runner
    const std::string exe(self, static_cast<std::size_t>(n));
    const std::string dir = exe.substr(0, exe.rfind('/') + 1);
    if (const std::string beside = dir + "forkscope-runner"; access(beside.c_str(), X_OK) == 0)
        return beside; // the build tree (bin/) or a flat copy
    // Installed: bin/forkscope finds libexec/forkscope-runner (the relative path is the install dirs').
    const std::string installed
        = std::filesystem::path(dir + FORKSCOPE_RUNNER_FROM_BINDIR).lexically_normal().string();
    // A program of the build tree that does not sit in bin/ (a test) uses the build's runner. Only from
    // inside the build tree: an installed copy never reaches back into the tree it was built in.
    if (access(installed.c_str(), X_OK) != 0 && exe.rfind(FORKSCOPE_BUILD_DIR "/", 0) == 0)
        return FORKSCOPE_RUNNER_BUILD_PATH;
    return installed; // found, or the place the error names
}

std::unique_ptr<Run> Run::start(std::shared_ptr<const Plan> shared, const Options &options,
                                std::string &error)
{
    if (!shared) {
        error = "cannot start the run: no plan";
        return nullptr;
    }
    const Plan &plan = *shared;
    error = validatePlan(plan);
    if (!error.empty())
        return nullptr;
    static std::once_flag subreaper;
    std::call_once(subreaper, [] { prctl(PR_SET_CHILD_SUBREAPER, 1); });

    std::unique_ptr<Run> run(new Run);
    run->m_plan = std::move(shared);
    const auto lanes = static_cast<std::uint32_t>(plan.workers.size() + 1);
    run->m_region = SharedRegion::create(
        lanes, plan.ringCapacity, planToJson(plan), error,
        static_cast<std::uint32_t>(sharedLayout(plan).totalBytes)); // at most 1 GiB (validatePlan)
    if (!run->m_region.valid())
        return nullptr;
    SharedRegion &region = run->m_region;
    region.lane(0).kind = WorkerKind::Main;
    setLaneName(region.lane(0), "main");
    for (std::uint32_t i = 1; i < lanes; ++i) {
        region.lane(i).kind = plan.workers[i - 1].kind;
        setLaneName(region.lane(i), plan.workers[i - 1].name);
    }
    run->m_collector = std::make_unique<EventCollector>(run->m_region, queueCapacities(plan));

    const std::string runner = options.runnerPath.empty() ? defaultRunnerPath() : options.runnerPath;
    if (access(runner.c_str(), X_OK) != 0) {
        error = "cannot start the run: the runner '" + runner + "' is not an executable file ("
            + std::strerror(errno) + ")";
        return nullptr;
    }
    // The collector's thread first, before any process of the run exists: under a process limit the
    // client's own thread must not lose a race with the runner's threads and forks (the limit then falls on
    // the workers, whose start() fails as Python's does, and the run reports it), and if it cannot be had,
    // nothing was started. It waits at the gate until the runner is spawned.
    try {
        run->m_collectorThread = std::thread(&Run::collect, run.get());
    } catch (const std::system_error &e) {
        error = std::string("cannot start the thread that collects the run's events: ") + e.what();
        return nullptr;
    }
    // The runner takes no arguments: the region (fd 3) holds the plan and says who started it.
    region.header().clientPid = getpid();
    char arg0[] = "forkscope-runner";
    char *argv[] = {arg0, nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, region.fd(), 3); // clears close-on-exec on fd 3
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGCHLD); // an ignored SIGCHLD would let the kernel reap the workers unseen
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0); // its own process group: one kill() reaches every worker
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    region.header().clientStartNs = monotonicNs();
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, runner.c_str(), &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        run->openGate(false);
        run->m_collectorThread.join();
        error = "cannot start the runner '" + runner + "': " + std::strerror(rc);
        return nullptr;
    }
    run->m_runnerPid = pid;
    run->m_runnerPath = runner;
    run->m_readyTimeoutNs
        = std::chrono::duration_cast<std::chrono::nanoseconds>(options.readyTimeout).count();
    run->openGate(true);
    return run;
}

Run::~Run()
{
    if (m_collectorThread.joinable()) {
        cancel();
        m_collectorThread.join();
    }
}

void Run::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_finished || m_cancelRequested)
            return;
    }
    // Said with the result: a run cancelled because it hung on a stopped worker names that worker.
    const std::optional<Waiting> waiting = waitingFor(std::chrono::seconds(1));
    {
        std::lock_guard lock(m_mutex);
        if (m_finished || m_cancelRequested)
            return;
        m_cancelRequested = true;
        m_cancelAtNs = monotonicNs();
        if (waiting)
            m_waitingAtCancel = waiting->describe();
    }
    m_region.header().cancel.store(1, std::memory_order_seq_cst);
    SharedRegion::wakeAll(m_region.header().cancel);
}

void Run::wait()
{
    std::unique_lock lock(m_mutex);
    m_finishedCv.wait(lock, [this] { return m_finished; });
}

bool Run::waitFor(std::chrono::nanoseconds timeout)
{
    std::unique_lock lock(m_mutex);
    return m_finishedCv.wait_for(lock, timeout, [this] { return m_finished; });
}

bool Run::finished() const
{
    std::lock_guard lock(m_mutex);
    return m_finished;
}

std::size_t Run::copyEvents(std::size_t from, std::vector<Event> &out, std::size_t max) const
{
    return m_collector->copyEvents(from, out, max);
}

std::vector<Event> Run::events() const { return m_collector->events(); }

std::vector<Event> Run::takeEvents()
{
    wait(); // the collector thread drains no more
    return m_collector->takeEvents();
}

std::size_t Run::eventCount() const { return m_collector->eventCount(); }

std::vector<LaneInfo> Run::lanes() const
{
    std::vector<LaneInfo> out;
    for (std::uint32_t i = 0; i < m_region.header().laneCount; ++i) {
        const LaneSlot &slot = m_region.lane(i);
        out.push_back({slot.name, slot.kind, slot.pid.load(std::memory_order_acquire),
                       slot.tid.load(std::memory_order_acquire)});
    }
    return out;
}

std::int64_t Run::elapsedNs() const
{
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return m_result.wallNs;
    }
    const std::int64_t start = m_collector->startNs();
    return start ? monotonicNs() - start : 0;
}

std::uint64_t Run::lostEvents() const
{
    std::uint64_t lost = 0;
    for (std::uint32_t i = 0; i < m_region.header().laneCount; ++i)
        lost += m_region.ring(i).lost.load(std::memory_order_relaxed);
    return lost;
}

RunResult Run::result() const
{
    std::lock_guard lock(m_mutex);
    return m_result;
}

std::optional<Waiting> Run::waitingFor(std::chrono::nanoseconds minWait) const
{
    if (finished())
        return std::nullopt;
    const std::vector<LaneInfo> table = lanes();
    std::lock_guard lock(m_watchMutex);
    m_watched = m_collector->forEachFrom(m_watched, [this](const Event &e) { m_watch.add(e); });
    return m_watch.waitingFor(table, elapsedNs(), minWait.count());
}

void Run::openGate(bool go)
{
    {
        std::lock_guard lock(m_mutex);
        m_gate = go ? Gate::Go : Gate::Abort;
    }
    m_gateCv.notify_all();
}

void Run::collect()
{
    {
        std::unique_lock lock(m_mutex);
        m_gateCv.wait(lock, [this] { return m_gate != Gate::Wait; });
        if (m_gate == Gate::Abort)
            return; // the runner could not be spawned: nothing to collect
    }
    // The observer yields to the observed: on a machine with few cores a busy run's workers would otherwise
    // share them with this thread every millisecond (measured with two processes passing messages on two
    // cores: about a quarter fewer messages per second at nice 0). Rings are sized for what a run records,
    // so a collector that runs a little later loses nothing. Linux applies nice per thread.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    prctl(PR_SET_NAME, "fs-collector"); // this thread's name, as top and perf show it
    for (;;) {
        // A run that nobody reads while it goes (a benchmark, a batch of trials, a quiet command line) is
        // converted when a ring is half full or holds an event 50 ms old (so a trickle keeps the ring free
        // for a burst), and at its end, instead of every tick: on a machine with few cores, converting some
        // eight million events a second takes a core's share from the very workers being observed (two
        // processes passing messages: about a fifth of their rate). While someone reads (the window every
        // 16 ms, the command line's live printing every 5 ms) it drains every tick, so what they see is at
        // most the 2 ms hold-back and a tick old.
        const std::int64_t now = monotonicNs();
        if (!m_collector->startNs() || now - m_collector->lastReadNs() < kReaderActiveNs
            || m_collector->needsDraining(now))
            m_collector->drain(false);
        siginfo_t info{};
        const int rc = waitid(P_PID, static_cast<id_t>(m_runnerPid), &info, WEXITED | WNOHANG | WNOWAIT);
        const bool exited = rc == 0 && info.si_pid == m_runnerPid;
        if (exited) {
            m_exitSeenNs = monotonicNs(); // within a drain period of its death: the wall time of a killed run
            break;
        }
        if (rc < 0 && errno == ECHILD) {
            // Someone else reaped the runner (SIGCHLD ignored, or a waitpid(-1) elsewhere in this process):
            // it is gone, and its status with it.
            m_runnerReapedElsewhere = true;
            break;
        }
        // A runner that never says it is ready (it hangs before main, or is not a forkscope-runner at all)
        // would keep the client waiting for ever.
        if (m_notReady.empty() && m_readyTimeoutNs > 0
            && m_region.header().phase.load() == static_cast<std::uint32_t>(RunPhase::Starting)
            && monotonicNs() - m_region.header().clientStartNs > m_readyTimeoutNs) {
            ProcessInfo runner;
            const char state = readProcess(m_runnerPid, runner) ? runner.state : '?';
            char limit[32];
            std::snprintf(limit, sizeof limit, "%g s", static_cast<double>(m_readyTimeoutNs) / 1e9);
            m_notReady = "the runner '" + m_runnerPath + "' (pid " + std::to_string(m_runnerPid)
                + ") did not say it was ready within " + limit + " (it was "
                + std::string(processStateName(state)) + "), so it was killed";
            kill(-m_runnerPid, SIGKILL);
        }
        bool forceKill = false;
        {
            std::lock_guard lock(m_mutex);
            forceKill = m_cancelRequested && monotonicNs() - m_cancelAtNs > kCancelGraceNs;
        }
        if (forceKill)
            kill(-m_runnerPid, SIGKILL);
        std::this_thread::sleep_for(kDrainPeriod);
    }
    // The runner is a zombie now, so its pid (and process group id) cannot be reused yet: it is safe to
    // kill whatever is left of its group before reaping it.
    const bool clean = m_region.header().phase.load() == static_cast<std::uint32_t>(RunPhase::Finished);
    if (!clean && !m_runnerReapedElsewhere)
        kill(-m_runnerPid, SIGKILL);
    int status = 0;
    if (!m_runnerReapedElsewhere) {
        while (waitpid(m_runnerPid, &status, 0) < 0 && errno == EINTR) { }
    }
    if (!clean && !m_runnerReapedElsewhere) {
        // Workers orphaned by the runner's death are reparented to us (child subreaper), still in its process
        // group (whose id cannot be reused while they live): reap every one, so none is left a zombie. They
        // were killed above; a second before giving up on one that is stuck in the kernel.
        const std::int64_t deadline = monotonicNs() + 1'000'000'000;
        for (;;) {
            const pid_t reaped = waitpid(-m_runnerPid, nullptr, WNOHANG);
            if (reaped > 0)
                continue;
            if ((reaped < 0 && errno != EINTR) || monotonicNs() > deadline)
                break; // ECHILD: none of ours is left in the group
            kill(-m_runnerPid, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    m_collector->drain(true);
    finish(status);
}

void Run::finish(int status)
{
    RunnerEnding ending;
    ending.lanes = lanes();
    ending.runnerPid = m_runnerPid;
    ending.waitStatus = status;
    ending.reapedElsewhere = m_runnerReapedElsewhere;
    ending.lostEvents = lostEvents();
    if (const std::int64_t start = m_collector->startNs(); start > 0 && m_exitSeenNs > start)
        ending.exitSeenNs = m_exitSeenNs - start;
    const SharedHeader &header = m_region.header();
    ending.finishedCleanly = header.phase.load() == static_cast<std::uint32_t>(RunPhase::Finished);
    if (header.phase.load() == static_cast<std::uint32_t>(RunPhase::Failed))
        ending.runnerError = header.error[0] ? std::string(header.error) : std::string("it gave no reason");
    ending.notReady = m_notReady;
    {
        std::lock_guard lock(m_mutex);
        ending.cancelled = m_cancelRequested;
        ending.waitingAtCancel = m_waitingAtCancel;
    }
    RunResultBuilder builder(*m_plan);
    m_collector->forEach([&builder](const Event &e) { builder.add(e); });
    RunResult result = builder.finish(ending);
    {
        std::lock_guard lock(m_mutex);
        m_result = std::move(result);
        m_finished = true;
    }
    m_finishedCv.notify_all();
}

} // namespace forkscope::core
