#include "core/client/run.hpp"

#include "core/clock.hpp"
#include "core/shared_memory/queue.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace forkscope::core {

namespace {

constexpr std::int64_t kHoldBackNs = 2'000'000;   // events younger than this wait one more drain
constexpr std::int64_t kCancelGraceNs = 150'000'000;
constexpr auto kDrainPeriod = std::chrono::microseconds(1000);
constexpr std::int64_t kReaderActiveNs = 100'000'000; // a read this recent: drain every tick
constexpr std::int64_t kUnreadAgeNs = 50'000'000;     // unread, an event this old is drained anyway


} // namespace

std::string Run::defaultRunnerPath()
{
    if (const char *env = std::getenv("FORKSCOPE_RUNNER"); env && *env)
        return env;
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string path(self, static_cast<std::size_t>(n));
        path = path.substr(0, path.rfind('/') + 1) + "forkscope-runner";
        if (access(path.c_str(), X_OK) == 0)
            return path;
    }
#ifdef FORKSCOPE_RUNNER_BUILD_PATH
    return FORKSCOPE_RUNNER_BUILD_PATH;
#else
    return "forkscope-runner";
#endif
}

std::unique_ptr<Run> Run::start(const Plan &plan, const Options &options, std::string &error)
{
    error = validatePlan(plan);
    if (!error.empty())
        return nullptr;
    static std::once_flag subreaper;
    std::call_once(subreaper, [] { prctl(PR_SET_CHILD_SUBREAPER, 1); });

    std::unique_ptr<Run> run(new Run);
    run->m_plan = plan;
    const auto lanes = static_cast<std::uint32_t>(plan.workers.size() + 1);
    run->m_region = SharedRegion::create(lanes, plan.ringCapacity, planToJson(plan), error, sharedBytesFor(plan));
    if (!run->m_region.valid())
        return nullptr;
    SharedRegion &region = run->m_region;
    region.lane(0).kind = WorkerKind::Main;
    setLaneName(region.lane(0), "main");
    for (std::uint32_t i = 1; i < lanes; ++i) {
        region.lane(i).kind = plan.workers[i - 1].kind;
        setLaneName(region.lane(i), plan.workers[i - 1].name);
    }
    run->m_ringMask = run->m_region.header().ringCapacity - 1;
    for (const std::uint32_t capacity : queueCapacities(plan))
        run->m_queueCounts.push_back({0, 0, capacity});
    run->m_cursors.resize(lanes);
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
        run->m_cursors[lane].ring = run->m_region.ringSlots(lane);

    const std::string runner = options.runnerPath.empty() ? defaultRunnerPath() : options.runnerPath;
    if (access(runner.c_str(), X_OK) != 0) {
        error = "cannot start the run: the runner '" + runner + "' is not an executable file ("
                + std::strerror(errno) + ")";
        return nullptr;
    }
    const std::string parent = std::to_string(getpid());
    char arg0[] = "forkscope-runner";
    char fdFlag[] = "--fd";
    char fdValue[] = "3";
    char parentFlag[] = "--parent";
    std::string parentValue = parent;
    char *argv[] = {arg0, fdFlag, fdValue, parentFlag, parentValue.data(), nullptr};

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
        error = "cannot start the runner '" + runner + "': " + std::strerror(rc);
        return nullptr;
    }
    run->m_runnerPid = pid;
    run->m_collector = std::thread(&Run::collect, run.get());
    return run;
}

Run::~Run()
{
    if (m_collector.joinable()) {
        cancel();
        m_collector.join();
    }
}

void Run::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_finished || m_cancelRequested)
            return;
        m_cancelRequested = true;
        m_cancelAtNs = monotonicNs();
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

std::size_t Run::copyEvents(std::size_t from, std::vector<Event> &out) const
{
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    m_events.copyFrom(from, out);
    return m_events.size();
}

std::vector<Event> Run::events() const
{
    std::vector<Event> out;
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    out.reserve(m_events.size());
    m_events.copyFrom(0, out);
    return out;
}

std::size_t Run::eventCount() const
{
    m_lastReadNs.store(monotonicNs(), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    return m_events.size();
}

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
    std::lock_guard lock(m_mutex);
    if (m_finished)
        return m_result.wallNs;
    return m_rawStartNs ? monotonicNs() - m_rawStartNs : 0;
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

void Run::drain(bool final)
{
    const std::uint32_t lanes = m_region.header().laneCount;
    // The hold-back is measured from before the heads are read, so a writer gets its whole 2 ms.
    const std::int64_t horizon = final ? INT64_MAX : monotonicNs() - kHoldBackNs;
    // Each lane's ring is its own staging area: an event stays in its slot (which the writer cannot reuse
    // before the tail passes it) until it is converted, once, into the batch below. A lane has one writer
    // at a time that reads the clock before each store, so a ring is in time order; the merge interleaves
    // the lanes. Only this thread touches the cursors, the batch and m_rawStartNs's writes, so all of it
    // happens outside the lock; readers wait only for the batch to be moved into the published list.
    for (std::uint32_t lane = 0; lane < lanes; ++lane)
        m_cursors[lane].head = m_region.ring(lane).head.load(std::memory_order_acquire);
    if (!m_rawStartNs) {
        // Main's start is the runner's first event: nothing is published before it.
        const Cursor &main = m_cursors[0];
        std::int64_t start = 0;
        for (std::uint64_t t = main.tail; t < main.head && !start; ++t)
            if (main.ring[t & m_ringMask].type == EventType::WorkerStart)
                start = main.ring[t & m_ringMask].timeNs;
        if (!start)
            return;
        std::lock_guard lock(m_mutex);
        m_rawStartNs = start;
    }
    // Everything older than the hold-back (younger events wait for late writers on other lanes): a k-way
    // merge of the rings by (time, lane); within a lane the ring's order is kept (a begin stays before its
    // end at equal times).
    const auto nextTime = [this](const Cursor &c) { return c.ring[c.tail & m_ringMask].timeNs; };
    std::vector<Head> &heads = m_heads;
    heads.clear();
    for (std::uint32_t lane = 0; lane < lanes; ++lane) {
        const Cursor &c = m_cursors[lane];
        if (c.tail < c.head && nextTime(c) <= horizon)
            heads.emplace_back(nextTime(c), lane);
    }
    const auto later = [](const Head &a, const Head &b) { return a > b; }; // min-heap
    std::make_heap(heads.begin(), heads.end(), later);
    m_batch.clear(); // moved from, or emptied by the last append
    std::uint64_t waiting = 0;
    for (const Cursor &c : m_cursors)
        waiting += c.head - c.tail;
    m_batch.reserve(static_cast<std::size_t>(waiting)); // at most one event per slot: no reallocation below
    while (!heads.empty()) {
        std::pop_heap(heads.begin(), heads.end(), later);
        const std::uint32_t lane = heads.back().second;
        Cursor &c = m_cursors[lane];
        // Take this lane's events while they stay ahead of every other lane's next one.
        const std::int64_t limit = heads.size() > 1 ? heads.front().first : horizon;
        const std::uint32_t limitLane = heads.size() > 1 ? heads.front().second : UINT32_MAX;
        while (c.tail < c.head) {
            const std::int64_t t = nextTime(c);
            if (t > horizon || t > limit || (t == limit && lane > limitLane))
                break;
            convertNext(c, lane);
        }
        if (c.tail < c.head && nextTime(c) <= horizon) {
            heads.back().first = nextTime(c);
            std::push_heap(heads.begin(), heads.end(), later);
        } else {
            heads.pop_back();
        }
    }
    if (!m_batch.empty()) {
        std::lock_guard lock(m_mutex);
        m_events.append(std::move(m_batch));
    }
    // The slots are free for their writers once their events are out (this thread is the tails' only writer).
    for (std::uint32_t lane = 0; lane < lanes; ++lane) {
        std::atomic<std::uint64_t> &tail = m_region.ring(lane).tail;
        if (tail.load(std::memory_order_relaxed) != m_cursors[lane].tail)
            tail.store(m_cursors[lane].tail, std::memory_order_release);
    }
}

bool Run::ringsNeedDraining(std::int64_t nowNs) const
{
    const std::uint64_t half = (m_ringMask + 1) / 2;
    for (std::uint32_t lane = 0; lane < m_cursors.size(); ++lane) {
        const Cursor &c = m_cursors[lane];
        const std::uint64_t head = m_region.ring(lane).head.load(std::memory_order_acquire);
        if (head - c.tail >= half || (head != c.tail && nowNs - c.ring[c.tail & m_ringMask].timeNs > kUnreadAgeNs))
            return true;
    }
    return false;
}

void Run::EventLog::append(std::vector<Event> &&batch)
{
    constexpr std::size_t kSmall = 256; // a quiet run's few events per drain join the last chunk instead
    m_size += batch.size();
    if (!m_chunks.empty() && batch.size() < kSmall && m_chunks.back().size() < 16 * kSmall) {
        std::vector<Event> &last = m_chunks.back();
        last.insert(last.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
        batch.clear();
        return;
    }
    m_starts.push_back(m_size - batch.size());
    m_chunks.push_back(std::move(batch));
    batch = {};
}

void Run::EventLog::copyFrom(std::size_t from, std::vector<Event> &out) const
{
    if (from >= m_size)
        return;
    // The chunk holding `from`: the last one that starts at or before it.
    auto chunk = static_cast<std::size_t>(std::upper_bound(m_starts.begin(), m_starts.end(), from) - m_starts.begin()) - 1;
    std::size_t offset = from - m_starts[chunk];
    for (; chunk < m_chunks.size(); ++chunk, offset = 0)
        out.insert(out.end(), m_chunks[chunk].begin() + static_cast<std::ptrdiff_t>(offset), m_chunks[chunk].end());
}

void Run::convertNext(Cursor &c, std::uint32_t lane)
{
    const RawEvent &raw = c.ring[c.tail++ & m_ringMask];
    std::int64_t time = raw.timeNs - m_rawStartNs;
    auto flags = static_cast<std::uint8_t>(raw.flags & ~(kMoreText | kContinued | kSeqLabel));
    // Consumers read the list by index while it grows, so nothing may be inserted before what is already
    // out. A writer preempted for longer than the hold-back between its clock read and its store is
    // published at the last published time, flagged kLate.
    if (time < m_lastTimeNs) {
        time = m_lastTimeNs;
        flags |= kLate;
    }
    m_lastTimeNs = time;
    Event &e = m_batch.emplace_back();
    e.timeNs = time;
    e.lane = lane;
    e.type = raw.type;
    e.flags = flags;
    e.arg = raw.arg;
    e.value = raw.value;
    std::uint32_t seq = 0;
    const bool message = raw.flags & kSeqLabel;
    if (message)
        seq = messageLabelFromSlot(raw.text, e.text); // formatted here, off the workers' path
    else
        e.text.assign(raw.text, strnlen(raw.text, kEventTextBytes));
    // A long text continues in the next slots (the writer stores all pieces before it publishes any).
    bool more = raw.flags & kMoreText;
    while (more && c.tail < c.head) {
        const RawEvent &piece = c.ring[c.tail & m_ringMask];
        if (!(piece.flags & kContinued))
            break; // cannot happen with whole writes; never glue unrelated events together
        e.text.append(piece.text, strnlen(piece.text, kEventTextBytes));
        more = piece.flags & kMoreText;
        ++c.tail;
    }
    if (e.type == EventType::QueuePut || e.type == EventType::QueueGet || e.type == EventType::QueueClose)
        setQueueFill(e, message ? &seq : nullptr);
}

void Run::setQueueFill(Event &e, const std::uint32_t *seq)
{
    // A queue's fill level at an event is the messages put minus those got up to it, counted here in the
    // merged stream instead of by the worker: reading the other side's counter in every put and get moved
    // a cache line between the producer's and the consumer's cores per message (about a sixth of the
    // queue's throughput on this VM). The count is exact in stamp order: puts are stamped in seq order
    // under the put side's mutex and before they publish, gets likewise and after they read, so when a put
    // or get is converted every earlier operation has been. Seqs rather than a running count keep a lost
    // event from shifting the rest.
    // One exception: a writer preempted for longer than the hold-back between its clock read and its store
    // is published late (kLate), after operations that followed it. So each operation also counts what it
    // proves happened before it: the get of seq g, the put of seq g; the put of seq p, the get of seq
    // p - capacity that made room for it. (Seen under ASan on a loaded machine: a late get left a put at
    // fill 11 of 10.)
    const auto id = static_cast<std::size_t>(queueIdOf(e.arg));
    if (id >= m_queueCounts.size())
        m_queueCounts.resize(id + 1);
    QueueCount &q = m_queueCounts[id];
    if (seq && e.type == EventType::QueuePut) {
        const std::uint64_t puts = std::uint64_t{*seq} + 1;
        q.puts = std::max(q.puts, puts);
        if (q.capacity && puts > q.capacity)
            q.gets = std::max(q.gets, puts - q.capacity);
    } else if (seq && e.type == EventType::QueueGet) {
        q.gets = std::max(q.gets, std::uint64_t{*seq} + 1);
        q.puts = std::max(q.puts, q.gets);
    }
    const std::uint64_t fill = q.puts > q.gets ? q.puts - q.gets : 0;
    e.arg = queueEventArg(static_cast<int>(id), static_cast<std::uint32_t>(std::min<std::uint64_t>(fill, 0xFFFFFF)));
}

void Run::collect()
{
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
        if (!m_rawStartNs || now - m_lastReadNs.load(std::memory_order_relaxed) < kReaderActiveNs
            || ringsNeedDraining(now))
            drain(false);
        siginfo_t info{};
        const int rc = waitid(P_PID, static_cast<id_t>(m_runnerPid), &info, WEXITED | WNOHANG | WNOWAIT);
        const bool exited = rc == 0 && info.si_pid == m_runnerPid;
        if (exited)
            break;
        if (rc < 0 && errno == ECHILD) {
            // Someone else reaped the runner (SIGCHLD ignored, or a waitpid(-1) elsewhere in this process):
            // it is gone, and its status with it.
            m_runnerReapedElsewhere = true;
            break;
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
        while (waitpid(m_runnerPid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (!clean) {
        // Workers orphaned by the runner's death are reparented to us (child subreaper): reap them.
        const std::int64_t deadline = monotonicNs() + 1'000'000'000;
        for (std::uint32_t i = 1; i < m_region.header().laneCount; ++i) {
            const LaneSlot &slot = m_region.lane(i);
            const pid_t pid = slot.pid.load();
            if (slot.kind != WorkerKind::Process || pid <= 0
                || slot.state.load() == static_cast<std::uint32_t>(LaneState::Ended))
                continue;
            while (monotonicNs() < deadline) {
                if (waitpid(pid, nullptr, WNOHANG) == pid)
                    break;
                if (kill(pid, 0) != 0 && errno == ESRCH)
                    break; // gone (reaped by someone else)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
    }
    drain(true);
    finish(status);
}

void Run::finish(int status)
{
    buildResult(status);
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
    }
    m_finishedCv.notify_all();
}

void Run::buildResult(int status)
{
    std::lock_guard lock(m_mutex);
    RunResult r;
    r.scenario = m_plan.scenario;
    r.kind = m_plan.kind;
    r.timeScale = m_plan.timeScale;
    r.cancelled = m_cancelRequested;
    r.runnerPid = m_runnerPid;
    r.runnerExitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.runnerSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    const SharedHeader &header = m_region.header();
    for (std::uint32_t i = 0; i < header.laneCount; ++i)
        r.lostEvents += m_region.ring(i).lost.load();

    r.lanes.resize(header.laneCount);
    for (std::uint32_t i = 0; i < header.laneCount; ++i) {
        const LaneSlot &slot = m_region.lane(i);
        r.lanes[i].info = {slot.name, slot.kind, slot.pid.load(), slot.tid.load()};
    }
    r.locks.resize(static_cast<std::size_t>(m_plan.locks));
    for (int i = 0; i < m_plan.locks; ++i)
        r.locks[static_cast<std::size_t>(i)].id = i;
    // Per lane and lock: when the pending request and the current hold began.
    std::vector<std::vector<std::int64_t>> waitSince(r.lanes.size(), std::vector<std::int64_t>(r.locks.size(), -1));
    std::vector<std::vector<std::int64_t>> holdSince = waitSince;
    std::int64_t lastNs = 0;
    for (const std::vector<Event> &chunk : m_events.chunks())
    for (const Event &e : chunk) {
        lastNs = std::max(lastNs, e.timeNs);
        LaneOutcome &lane = r.lanes[e.lane];
        const bool lockEvent = e.type == EventType::LockWait || e.type == EventType::LockAcquire
                               || e.type == EventType::LockRelease;
        if (lockEvent && e.arg >= 0 && static_cast<std::size_t>(e.arg) < r.locks.size()) {
            LockStats &stats = r.locks[static_cast<std::size_t>(e.arg)];
            std::int64_t &wait = waitSince[e.lane][static_cast<std::size_t>(e.arg)];
            std::int64_t &hold = holdSince[e.lane][static_cast<std::size_t>(e.arg)];
            if (e.type == EventType::LockWait) {
                wait = e.timeNs;
            } else if (e.type == EventType::LockAcquire) {
                ++stats.acquisitions;
                if (wait >= 0) {
                    stats.totalWaitNs += e.timeNs - wait;
                    stats.longestWaitNs = std::max(stats.longestWaitNs, e.timeNs - wait);
                }
                wait = -1;
                hold = e.timeNs;
            } else if (hold >= 0) {
                stats.totalHoldNs += e.timeNs - hold;
                hold = -1;
            }
            continue;
        }
        if (e.type == EventType::WorkerStart) {
            lane.started = true;
            lane.startNs = e.timeNs;
        } else if (e.type == EventType::WorkerEnd) {
            lane.ended = true;
            lane.endNs = e.timeNs;
            lane.exitCode = static_cast<int>(e.value);
            lane.signal = e.arg;
            lane.cancelled = (e.flags & kCancelled) != 0;
        } else if (e.type == EventType::MainEnd) {
            r.mainEndNs = e.timeNs;
        } else if (e.type == EventType::ValueRead) {
            lane.read.push_back(e.value);
        } else if (e.type == EventType::ValueWrite) {
            lane.wrote.push_back(e.value);
        } else if (e.type == EventType::Note && (e.flags & kError)) {
            lane.error = e.text;
        }
    }
    // Lanes the runner could not close itself died with it: a thread worker's crash takes the whole
    // process down, as it would in Python.
    const bool runnerDied = r.runnerSignal != 0;
    for (LaneOutcome &lane : r.lanes) {
        if (lane.started && !lane.ended && runnerDied) {
            lane.ended = true;
            lane.endNs = lastNs;
            lane.exitCode = -1;
            lane.signal = lane.info.kind == WorkerKind::Process ? SIGKILL : r.runnerSignal;
            lane.cancelled = r.cancelled;
        }
    }
    r.wallNs = r.lanes[0].ended ? r.lanes[0].endNs : lastNs;
    if (header.phase.load() == static_cast<std::uint32_t>(RunPhase::Failed)) {
        r.error = std::string("the runner failed: ") + header.error;
    } else if (runnerDied && !r.cancelled) {
        r.error = "the run's process died of signal " + std::to_string(r.runnerSignal) + " ("
                  + strsignal(r.runnerSignal) + ")";
    } else if (m_runnerReapedElsewhere) {
        if (header.phase.load() != static_cast<std::uint32_t>(RunPhase::Finished))
            r.error = "the run's process disappeared (reaped by someone else: is SIGCHLD ignored?)";
    } else if (!runnerDied && r.runnerExitCode != 0) {
        r.error = "the runner exited with code " + std::to_string(r.runnerExitCode);
    }
    m_result = std::move(r);
}

} // namespace forkscope::core
