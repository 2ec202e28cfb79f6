#include "app/cli.hpp"

#include "app/cli_args.hpp"
#include "core/analysis/comparison.hpp"
#include "core/analysis/gil_stats.hpp"
#include "core/analysis/headline.hpp"
#include "core/analysis/lost_updates.hpp"
#include "core/analysis/trials.hpp"
#include "core/client/run.hpp"
#include "core/export/output_file.hpp"
#include "core/export/trace_export.hpp"
#include "core/saved_run/saved_run.hpp"
#include "core/scenario/scenarios.hpp"
#include "core/shared_memory/gil.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <thread>

namespace forkscope::app {

using namespace forkscope::core;

namespace {

/// The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), 0 if none. Lock-free, so a handler may set it.
std::atomic<int> g_interrupted{0};
static_assert(std::atomic<int>::is_always_lock_free);

void onInterrupt(int sig) { g_interrupted.store(sig); }

/// Ctrl+C, SIGTERM and SIGHUP (the terminal closed) cancel the run under way, which still reports, instead of
/// killing us. A SIGHUP ignored by whoever started us (nohup) stays ignored.
void catchInterrupts()
{
    struct sigaction sa { };
    sa.sa_handler = onInterrupt;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction hup { };
    if (sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() { return g_interrupted.load() != 0; }

/// 130 for Ctrl+C, 143 for SIGTERM, 129 for SIGHUP, as shells report them; `rc` when nothing interrupted us.
int exitCodeAfter(int rc)
{
    const int sig = g_interrupted.load();
    return sig != 0 ? 128 + sig : rc;
}

/// Says on stderr why the command stops early: "forkscope: interrupted by SIGTERM: the run was cancelled".
void sayInterrupted(const char *what)
{
    if (const int sig = g_interrupted.load(); sig != 0)
        std::fprintf(stderr, "forkscope: interrupted by %s: %s\n", signalName(sig).c_str(), what);
}

/// Watches a run that is waiting for a stopped worker (SIGSTOP, a debugger) and says so on stderr once it
/// has waited kStalledAfter, naming the worker, its pid and how long; again if another stops, and when the
/// run goes on.
class StallReporter {
public:
    static constexpr auto kStalledAfter = std::chrono::seconds(2);

    void check(const Run &run)
    {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_lastCheck < std::chrono::milliseconds(250))
            return; // /proc is read at most four times a second
        m_lastCheck = now;
        const std::optional<Waiting> waiting = run.waitingFor(kStalledAfter);
        if (waiting && waiting->stopped()) {
            if (m_stalledOn != static_cast<int>(waiting->lane)) {
                std::fprintf(
                    stderr,
                    "forkscope: the run is stalled: %s (kill -CONT %d resumes it; Ctrl+C cancels the "
                    "run)\n",
                    waiting->describe().c_str(), waiting->info.pid);
                m_stalledOn = static_cast<int>(waiting->lane);
            }
        } else if (m_stalledOn >= 0) {
            std::fprintf(stderr, "forkscope: the run goes on\n");
            m_stalledOn = -1;
        }
    }

private:
    std::chrono::steady_clock::time_point m_lastCheck{};
    int m_stalledOn = -1; ///< the lane reported stopped, -1 when none is
};

std::string seconds(std::int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
    return buf;
}

/// Per lane: whether it is a forked process (whose globals are private copies, never lost updates).
std::vector<bool> processLanesOf(const RunResult &r)
{
    std::vector<bool> processLanes;
    for (const LaneOutcome &lane : r.lanes)
        processLanes.push_back(lane.info.kind == WorkerKind::Process);
    return processLanes;
}

/// What the run came to. `saved`: a saved run's own headline and caption, as its pictures say them.
void printResult(const RunResult &r, const ParamSet &values, const std::vector<Event> &events,
                 const SavedRun *saved = nullptr)
{
    // The lesson first, in one sentence with this run's numbers; then what it was, then the details.
    const HeadlineInput told{&r, &events, &values, nullptr};
    std::printf("\n--- %s\n    %s\n", saved ? saved->headline.c_str() : headline(told).c_str(),
                saved ? saved->caption.c_str() : caption(told).c_str());
    if (r.cancelled)
        std::printf("cancelled%s%s\n", r.waitingAtCancel.empty() ? "" : " while ", r.waitingAtCancel.c_str());
    std::printf("wall time     %s", seconds(r.wallNs).c_str());
    if (r.mainEndNs >= 0)
        std::printf("   (main reached its end at %s)", seconds(r.mainEndNs).c_str());
    std::printf("\nmain          pid %d\n", r.lanes.empty() ? 0 : r.lanes[0].info.pid);
    int normal = 0;
    const int workers = static_cast<int>(r.lanes.size()) - 1;
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        const LaneOutcome &w = r.lanes[i];
        if (w.ended && w.signal == 0 && w.exitCode == 0 && !w.cancelled) {
            ++normal;
            continue;
        }
        std::printf("  %-12s %s", w.info.name.c_str(), std::string(workerKindName(w.info.kind)).c_str());
        if (w.info.pid > 0)
            std::printf(" pid %d", w.info.pid);
        std::printf(": ");
        if (!w.started)
            std::printf("never started%s%s\n", w.error.empty() ? "" : ": ", w.error.c_str());
        else if (!w.ended)
            std::printf("did not end (its end was not recorded)\n");
        else if (w.signal)
            std::printf("killed by %s%s\n", signalName(w.signal).c_str(), w.cancelled ? " (cancelled)" : "");
        else if (w.cancelled)
            std::printf("stopped by cancel\n");
        else if (!w.error.empty())
            std::printf("exit code %d: %s\n", w.exitCode, w.error.c_str());
        else
            std::printf("exit code %d\n", w.exitCode);
    }
    std::printf("workers       %d %s, %d ended normally (exit code 0)\n", workers, r.kind.c_str(), normal);
    for (const LockStats &l : r.locks)
        if (l.acquisitions > 0)
            std::printf("lock %d        %d acquisitions, waited %s in all (longest %s), held %s\n", l.id,
                        l.acquisitions, seconds(l.totalWaitNs).c_str(), seconds(l.longestWaitNs).c_str(),
                        seconds(l.totalHoldNs).c_str());
    if (const LostUpdateReport lost = findLostUpdates(events, r.lostEvents, processLanesOf(r));
        lost.updates > 0)
        std::printf("lost updates  %zu of %d read-then-write updates%s\n", lost.lost.size(), lost.updates,
                    lost.complete ? "" : (" (incomplete: " + lost.incompleteWhy + ")").c_str());
    std::printf("lost events   %llu\n", static_cast<unsigned long long>(r.lostEvents));
    if (r.failed())
        std::printf("error         %s\n", r.error.c_str());
}

/// Waits for `run` to end without printing, cancelling it on Ctrl+C, SIGTERM or SIGHUP.
void waitQuietly(Run &run)
{
    StallReporter stall;
    while (!run.waitFor(std::chrono::milliseconds(5))) {
        if (interrupted())
            run.cancel();
        stall.check(run);
    }
}

/// Waits for `run` to end, printing the workers' lines as they print them; gathers its events in `events`
/// (copied once: the exports use the same list).
void waitPrinting(Run &run, std::vector<Event> &events)
{
    std::size_t seen = 0;
    StallReporter stall;
    for (bool done = false; !done;) {
        done = run.waitFor(std::chrono::milliseconds(5));
        if (interrupted())
            run.cancel();
        stall.check(run);
        const std::size_t from = events.size();
        seen = run.copyEvents(seen, events);
        for (std::size_t i = from; i < events.size(); ++i)
            if (events[i].type == EventType::Print)
                std::printf("%s\n", events[i].text.c_str());
        std::fflush(stdout);
    }
}

/// Starts `plan` and waits for its end without printing; false (with `error`) if it could not start.
bool runQuietly(const Plan &plan, RunResult &result, std::string &error)
{
    auto run = Run::start(plan, error);
    if (!run)
        return false;
    waitQuietly(*run);
    result = run->result();
    return true;
}

int writeSavedRun(const SavedRun &saved, const std::string &path);

/// The GIL lab: cpu-vs-io in every mode, for CPU-bound and I/O-bound work, one run after another, with the
/// wall time and speedup against sequential of each, and the chart.
int runAllModes(const Scenario &scenario, const RunArgs &runArgs, const Exporters &exporters)
{
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    std::vector<LabTiming> table;
    bool header = false;
    int tasks = 0;
    for (const char *work : kLabWorks) {
        for (const char *mode : kLabModes) {
            if (interrupted())
                break;
            std::map<std::string, std::string> params = runArgs.params;
            params["work"] = work;
            params["mode"] = mode;
            Plan plan;
            ParamSet values;
            std::string error;
            if (!buildPlan(scenario, params, plan, values, error))
                return usageError(error);
            if (!header) {
                std::printf(
                    "GIL lab: %s tasks of %s s each (time scale %s, switch interval %s s) on %d cores\n\n",
                    values.text("tasks").c_str(), values.text("seconds").c_str(),
                    values.text("time-scale").c_str(), values.text("switch-interval").c_str(), cores);
                std::printf("work  mode          wall time   speedup\n");
                header = true;
                tasks = values.integer("tasks");
            }
            RunResult r;
            if (!runQuietly(plan, r, error)) {
                std::fprintf(stderr, "forkscope: %s\n", error.c_str());
                return kExitRunFailed;
            }
            if (r.failed()) {
                std::fprintf(stderr, "forkscope: %s %s: %s\n", work, mode, r.error.c_str());
                return kExitRunFailed;
            }
            if (r.cancelled) {
                std::printf("%-5s %-13s cancelled\n", work, mode);
                break;
            }
            table.push_back({work, mode, r.wallNs});
            std::printf("%-5s %-13s %9s   %5.2fx\n", work, mode, seconds(r.wallNs).c_str(),
                        labSpeedup(table, table.back()));
            std::fflush(stdout);
        }
    }
    // The conclusions compare every mode with sequential for both kinds of work: from part of the table they
    // would claim what was not measured.
    if (const std::size_t all = kLabWorks.size() * kLabModes.size(); table.size() < all) {
        std::printf("\ncancelled after %zu of %zu runs: no conclusions from an incomplete table\n",
                    table.size(), all);
        if (!runArgs.chartPath.empty())
            std::fprintf(stderr, "forkscope: --chart: not written, the table is incomplete\n");
        sayInterrupted("the GIL lab was cancelled");
        return exitCodeAfter(kExitRunFailed);
    }
    std::printf(
        "\nCPU-bound: threads under the GIL take turns (about 1x); free threads and processes use the cores "
        "(about %dx at most, here %d cores).\nI/O-bound: the waits release the GIL, so every concurrent mode "
        "waits at once (about %dx).\n",
        cores, cores, tasks);
    int rc = kExitOk;
    if (!runArgs.savePath.empty() && !table.empty()) {
        std::map<std::string, std::string> params = runArgs.params;
        params["work"] = kLabWorks[0];
        params["mode"] = kLabModes[0];
        Plan plan;
        ParamSet values;
        std::string error;
        if (!buildPlan(scenario, params, plan, values, error))
            return usageError(error);
        SavedRun saved;
        saved.kind = SavedRun::Kind::GilLab;
        describeSavedRun(saved, scenario, values, plan, std::time(nullptr), "command line");
        saved.title = scenario.title;
        saved.headline = scenario.title;
        saved.lab = {scenario.title, tasks, cores, table, {}};
        rc = writeSavedRun(saved, runArgs.savePath);
    }
    if (!runArgs.chartPath.empty() && !table.empty()) {
        if (auto problem = exporters.speedupChart(scenario.title, table, tasks, cores, runArgs.chartPath);
            !problem.empty()) {
            std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("chart         %s\n", runArgs.chartPath.c_str());
        }
    }
    return exitCodeAfter(rc);
}

/// The GIL over a run of a plan that has one: how often it changed hands and what it cost.
void printGil(const RunResult &r, const std::vector<Event> &events)
{
    std::vector<int> pids;
    for (const LaneOutcome &l : r.lanes)
        pids.push_back(l.info.pid);
    const GilStats g = gilStats(events, pids);
    std::printf("gil           %d acquisitions, %d forced hand-overs", g.acquisitions, g.handOvers);
    if (g.handOvers > 0)
        std::printf(" (median hold %.2f ms)", static_cast<double>(g.medianForcedHoldNs) / 1e6);
    std::printf(", waited %s in all\n", seconds(g.totalWaitNs).c_str());
}

/// The run whose result, trace and pictures are shown: the only one, or the first trial that went wrong
/// (else the last counted), or, when no trial was counted, the one that was cancelled or failed. Kept
/// whole, so a trial's events are copied out once, at the end.
struct ShownRun {
    std::unique_ptr<Run> run;
    std::vector<Event> liveEvents; ///< a single run's events, gathered while its lines were printed
    /// A trial that was cancelled or failed after others were counted: never shown as "the first trial that
    /// went wrong" (its workers were stopped mid-race), but its end is the command's (0: none).
    int stoppedTrial = 0;
    RunResult stoppedBy;
};

/// Runs `loop` to its end (or Ctrl+C), printing a single run's lines live and each trial's final value.
/// Returns kExitOk, or kExitRunFailed if a run could not start.
int runTrials(TrialLoop &loop, ShownRun &shown)
{
    if (loop.repeated())
        std::printf("running %d trials (--trials K to change, --trials 1 for one run); each prints its final "
                    "value\n",
                    loop.count());
    while (loop.hasNext() && !interrupted()) {
        loop.startNext();
        std::string error;
        auto run = Run::start(loop.plan(), error);
        if (!run) {
            std::fprintf(stderr, "forkscope: %s\n", error.c_str());
            return kExitRunFailed;
        }
        if (loop.repeated())
            waitQuietly(*run);
        else
            waitPrinting(*run, shown.liveEvents);
        const TrialRecord record = loop.record(run->result());
        if (record.counted) {
            std::printf("trial %4d   final %lld%s\n", record.trial, static_cast<long long>(record.final),
                        record.wrong ? "   wrong" : "");
            std::fflush(stdout);
        }
        if (record.counted ? record.show : !(loop.repeated() && shown.run)) {
            shown.run = std::move(run);
        } else if (!record.counted) {
            shown.stoppedTrial = record.trial;
            shown.stoppedBy = run->result();
        }
    }
    return kExitOk;
}

std::string milliseconds(std::int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
    return buf;
}

std::string laneName(const RunResult &r, std::uint32_t lane)
{
    return lane < r.lanes.size() ? r.lanes[lane].info.name : "lane " + std::to_string(lane);
}

std::string signedNumber(std::int64_t v)
{
    // A true minus sign: the slide's reader sees "−1", not a hyphen.
    return v < 0 ? "\u2212" + std::to_string(-v) : "+" + std::to_string(v);
}

/// Whose updates were lost and what that did to each variable, e.g. "34 of deposit's updates (+1 each) and
/// 49 of withdraw's (−1 each) were lost: that put balance −34 and +49 off, so it ended 15 too high": why 83
/// lost updates leave a balance only 15 off. The "too high" is said only where every lost update of the variable changed it by a fixed amount
/// (updates that add, as the bank's), where the final value is exactly what the lost changes leave out.
std::string lostTally(const RunResult &result, const std::vector<LostOnLane> &tally)
{
    std::vector<std::string> labels;
    for (const LostOnLane &t : tally)
        if (std::find(labels.begin(), labels.end(), t.label) == labels.end())
            labels.push_back(t.label);
    std::string text;
    for (const std::string &label : labels) {
        if (!text.empty())
            text += "; ";
        std::int64_t net = 0;
        bool additive = true;
        bool first = true;
        std::string effects; // what losing each lane's updates did to the variable: "+35 and −40"
        for (const LostOnLane &t : tally) {
            if (t.label != label)
                continue;
            if (!first)
                text += " and ";
            text += std::to_string(t.count) + " of " + laneName(result, t.lane) + "'s";
            if (first)
                text += std::string(t.count == 1 ? " update" : " updates")
                    + (labels.size() > 1 ? " of " + label : std::string());
            if (t.sameDelta)
                text += " (" + signedNumber(t.delta) + (t.count == 1 ? ")" : " each)");
            net += t.net;
            additive = additive && t.sameDelta;
            effects += (first ? "" : " and ") + signedNumber(-t.net);
            first = false;
        }
        text += " were lost";
        if (!additive)
            continue;
        if (net == 0)
            text += ", which cancel: " + label + " ended as if none were";
        else
            // The sign readers get backwards: a lost −1 leaves the balance higher. So the slide says what losing
            // them did to the variable, lane by lane, not what the lost updates would have done.
            text += ": that put " + label + " " + effects + " off, so it ended "
                + std::to_string(net < 0 ? -net : net) + (net < 0 ? " too high" : " too low");
    }
    return text;
}

/// --focus lost-update: says which lost update the pictures show and adds it to their `caption`; false, with
/// the reason on stderr, when the run has none to show.
bool focusLostUpdate(const RunResult &result, const std::vector<Event> &events, std::string &caption)
{
    const LostUpdateReport report = findLostUpdates(events, result.lostEvents, processLanesOf(result));
    if (report.lost.empty()) {
        std::fprintf(
            stderr,
            "forkscope: --focus lost-update: this run has no lost update (%d read-then-write updates, "
            "none lost%s), so no picture was written\n",
            report.updates, report.complete ? "" : ("; incomplete: " + report.incompleteWhy).c_str());
        return false;
    }
    const LostUpdate &lost = report.lost.front();
    const std::string who = laneName(result, lost.lane);
    std::printf("focus         lost update 1 of %zu at %s: %s read %s = %lld and wrote %lld",
                report.lost.size(), milliseconds(lost.atNs).c_str(), who.c_str(), lost.label.c_str(),
                static_cast<long long>(lost.read), static_cast<long long>(lost.wrote));
    if (lost.overwrittenAtNs >= 0)
        std::printf("; %s wrote over it at %s", laneName(result, lost.overwrittenBy).c_str(),
                    milliseconds(lost.overwrittenAtNs).c_str());
    std::printf("\n");
    const std::string tally = lostTally(result, lostPerLane(report));
    std::printf("lost by lane  %s\n", tally.c_str());
    caption += " · lost update 1 of " + std::to_string(report.lost.size()) + " shown; in this run " + tally;
    return true;
}

/// Writes --trace, --summary and the pictures of the shown run; returns kExitOk or kExitRunFailed. The summary
/// says `ended`'s cancel and error: the command's end, which may be a later trial's than the one shown.
int writeRunOutputs(const RunArgs &runArgs, const Exporters &exporters, const RunResult &result,
                    const RunResult &ended, const std::vector<Event> &events, const ParamSet &values,
                    const TrialOutcomes *trials, const TimelinePicture &picture)
{
    int rc = kExitOk;
    const auto report = [&rc](const std::string &flag, const std::string &path, const std::string &problem) {
        if (!problem.empty()) {
            std::fprintf(stderr, "forkscope: %s: %s\n", flag.c_str(), problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("%-13s %s\n", flag.substr(2).c_str(), path.c_str());
        }
    };
    if (!runArgs.tracePath.empty())
        report("--trace", runArgs.tracePath,
               writeFileAtomically(runArgs.tracePath, chromeTraceJson(result, events)));
    if (!runArgs.summaryPath.empty())
        report("--summary", runArgs.summaryPath,
               writeFileAtomically(runArgs.summaryPath, summaryJson(ended, events, &values, trials)));
    TimelinePicture shown = picture;
    shown.focus = runArgs.focus;
    if (runArgs.focus == PictureFocus::LostUpdate && !runArgs.pictures.empty()
        && !focusLostUpdate(result, events, shown.caption))
        return kExitRunFailed;
    for (const auto &[flag, path] : runArgs.pictures)
        report(flag, path, exporters.timeline(result, events, shown, path));
    return rc;
}

/// What the shown run's pictures say: its headline (over all trials when there were several) and caption,
/// which trial is shown.
TimelinePicture pictureText(const RunArgs &runArgs, const ParamSet &values, const RunResult &result,
                            const std::vector<Event> &events, const TrialLoop &loop)
{
    TimelinePicture picture;
    const HeadlineInput in{&result, &events, &values, loop.repeated() ? &loop.outcomes() : nullptr};
    picture.headline = headline(in);
    picture.caption = caption(in);
    if (loop.repeated())
        picture.caption += loop.outcomes().wrong() ? " · shown: the first trial that went wrong"
                                                   : " · shown: the last trial";
    picture.plan = &loop.plan();
    picture.details = runArgs.details;
    return picture;
}

/// The histogram's series. With a lock parameter both settings go side by side, without the lock first as
/// in the window: the trials already run count for the setting asked for, and as many again run with the
/// lock set the other way (only their final values are kept). Returns kExitOk, or the exit code of a failure.
int chartSeries(const Scenario &scenario, const RunArgs &runArgs, const ParamSet &values,
                const TrialLoop &loop, std::vector<TrialsSeries> &series)
{
    std::vector<TrialSeriesPlan> settings;
    std::string error;
    if (!histogramSeries(scenario, runArgs.params, settings, error))
        return usageError(error);
    const bool locked = scenario.param("lock") && values.flag("lock");
    for (TrialSeriesPlan &setting : settings) {
        if (setting.locked == locked) {
            series.push_back({setting.label, loop.outcomes().finals, setting.locked});
            continue;
        }
        if (interrupted())
            continue;
        std::printf("\nfor the chart: %d trials %s\n", loop.count(), setting.label.c_str());
        TrialLoop &other = setting.loop;
        while (other.hasNext() && !interrupted()) {
            other.startNext();
            RunResult r;
            if (!runQuietly(other.plan(), r, error)) {
                std::fprintf(stderr, "forkscope: %s\n", error.c_str());
                return kExitRunFailed;
            }
            other.record(r);
        }
        std::printf("%s: wrong in %d of %zu trials\n", setting.label.c_str(), other.outcomes().wrong(),
                    other.outcomes().finals.size());
        series.push_back({setting.label, other.outcomes().finals, setting.locked});
    }
    return kExitOk;
}

/// --chart of a scenario run as trials: the histogram of final values, with the window's title and caption;
/// returns kExitOk or the failure's code.
int writeTrialsChart(const Scenario &scenario, const RunArgs &runArgs, const Exporters &exporters,
                     const ParamSet &values, const TrialLoop &loop, std::vector<TrialsSeries> &series)
{
    if (runArgs.chartPath.empty() || loop.outcomes().finals.empty())
        return kExitOk;
    if (const int rc = chartSeries(scenario, runArgs, values, loop, series); rc != kExitOk)
        return rc;
    if (auto problem = exporters.trialsChart(trialsCaption(loop.plan(), loop.count()),
                                             loop.outcomes().expected, series, runArgs.chartPath);
        !problem.empty()) {
        std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
        return kExitRunFailed;
    }
    std::printf("chart         %s\n", runArgs.chartPath.c_str());
    return kExitOk;
}

/// The title the window gives a run: "bank — process (time scale 0.01)".
std::string runTitle(const Scenario &scenario, const Plan &plan)
{
    std::string title = scenario.id + " — " + plan.kind;
    if (plan.timeScale != 1) {
        char scale[32];
        std::snprintf(scale, sizeof scale, "%g", plan.timeScale);
        title += std::string(" (time scale ") + scale + ")";
    }
    return title;
}

/// Writes a saved run to --save and says so; kExitOk or kExitRunFailed.
int writeSavedRun(const SavedRun &saved, const std::string &path)
{
    if (auto problem = saveRun(saved, path); !problem.empty()) {
        std::fprintf(stderr, "forkscope: --save: %s\n", problem.c_str());
        return kExitRunFailed;
    }
    std::printf("save          %s (%zu events; forkscope open-run %s)\n", path.c_str(), saved.eventCount(),
                path.c_str());
    return kExitOk;
}

/// --save: the shown run kept whole with what its pictures say; with trials, every trial's final value
/// (both settings when the chart ran the other one) and the shown trial.
int saveShownRun(const RunArgs &runArgs, const ParamSet &values, const RunResult &result,
                 const std::vector<Event> &events, const TrialLoop &loop, const TimelinePicture &picture,
                 const std::vector<TrialsSeries> &charted)
{
    const Scenario &scenario = *runArgs.scenario;
    SavedRun saved;
    describeSavedRun(saved, scenario, values, loop.plan(), std::time(nullptr), "command line");
    saved.title = runTitle(scenario, loop.plan());
    saved.headline = picture.headline;
    saved.caption = picture.caption;
    const HeadlineInput in{&result, &events, &values, loop.repeated() ? &loop.outcomes() : nullptr};
    for (const auto &[name, value] : measuredValues(in))
        saved.measured[name] = value;
    saved.runs.push_back(recordingOf(result, events));
    saved.shown = 0;
    if (loop.repeated()) {
        saved.kind = SavedRun::Kind::Trials;
        SavedTrials &t = saved.trials;
        t.count = loop.count();
        t.expected = loop.outcomes().expected;
        t.caption = trialsCaption(loop.plan(), loop.count());
        const bool locked = scenario.param("lock") && values.flag("lock");
        int shownSeries = 0;
        if (!charted.empty()) {
            for (const TrialsSeries &s : charted) {
                if (s.locked == locked)
                    shownSeries = static_cast<int>(t.series.size());
                t.series.push_back({s.label, s.locked, s.finals});
            }
        } else {
            const std::string label
                = scenario.param("lock") ? (locked ? "with lock" : "without lock") : std::string("trials");
            t.series.push_back({label, locked, loop.outcomes().finals});
        }
        const int trial = loop.firstWrongTrial() > 0 ? loop.firstWrongTrial()
                                                     : static_cast<int>(loop.outcomes().finals.size());
        t.examples.push_back({shownSeries, trial, mainFinal(result), saved.runs[0].lostUpdates, 0});
    }
    return writeSavedRun(saved, runArgs.savePath);
}

/// `--compare PARAM=A,B[,C]`: the scenario once per value, one after another (so they do not share the
/// cores), each printed as a run is; then the comparison's headline, and its picture. Every plan is built
/// before the first run starts, so a value that cannot run is refused before anything runs.
int runComparison(const Scenario &scenario, const RunArgs &runArgs, const Exporters &exporters)
{
    const CompareRequest &compare = runArgs.compare;
    std::vector<Plan> plans;
    std::vector<ParamSet> values;
    std::vector<std::map<std::string, std::string>> asRun;
    for (const std::string &value : compare.values) {
        std::map<std::string, std::string> params = runArgs.params;
        params[compare.param] = value;
        if (scenario.param("trials"))
            params["trials"] = "1";
        Plan plan;
        ParamSet set;
        std::string error;
        if (!buildPlan(scenario, params, plan, set, error))
            return usageError("--compare " + compare.param + "=" + value + ": " + error);
        plans.push_back(std::move(plan));
        asRun.push_back(set.values());
        values.push_back(std::move(set));
    }
    const std::vector<std::string> labels = differenceLabels(asRun);

    struct Done {
        RunResult result;
        std::vector<Event> events;
        std::string headline;
    };
    std::vector<Done> done;
    int rc = kExitOk;
    for (std::size_t i = 0; i < plans.size() && !interrupted(); ++i) {
        std::printf("%s=== %s (--%s %s), run %zu of %zu\n", i ? "\n" : "", labels[i].c_str(),
                    compare.param.c_str(), compare.values[i].c_str(), i + 1, plans.size());
        std::fflush(stdout);
        std::string error;
        auto run = Run::start(plans[i], error);
        if (!run) {
            std::fprintf(stderr, "forkscope: %s\n", error.c_str());
            return kExitRunFailed;
        }
        Done d;
        waitPrinting(*run, d.events);
        d.result = run->result();
        printResult(d.result, values[i], d.events);
        if (plans[i].gil)
            printGil(d.result, d.events);
        if (d.result.failed()) {
            std::fprintf(stderr, "forkscope: the run failed: %s\n", d.result.error.c_str());
            rc = kExitRunFailed;
        }
        if (d.result.cancelled)
            sayInterrupted("the comparison was cancelled");
        const HeadlineInput told{&d.result, &d.events, &values[i], nullptr};
        d.headline = headline(told);
        done.push_back(std::move(d));
    }
    if (done.empty())
        return exitCodeAfter(rc);

    std::vector<ComparedRun> compared;
    std::vector<ComparedRunPicture> pictured;
    for (std::size_t i = 0; i < done.size(); ++i) {
        compared.push_back(
            {labels[i], done[i].result.wallNs, done[i].result.failed(), done[i].result.cancelled});
        pictured.push_back({asRun[i], done[i].headline, &done[i].result, &done[i].events});
    }
    asRun.resize(done.size());
    std::printf("\n=== comparison\n%s\n    %s\n", comparisonHeadline(compared).c_str(),
                comparisonCaption(scenario.id, asRun).c_str());
    for (const auto &[flag, path] : runArgs.pictures) {
        if (auto problem = exporters.comparison(pictured, path); !problem.empty()) {
            std::fprintf(stderr, "forkscope: %s: %s\n", flag.c_str(), problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("%-13s %s\n", flag.substr(2).c_str(), path.c_str());
        }
    }
    return exitCodeAfter(rc);
}

int runScenario(const Command &command, const Exporters &exporters)
{
    RunArgs runArgs;
    if (const int rc = parseRunArgs(command, exporters, runArgs); rc != kExitOk)
        return rc;
    const Scenario &scenario = *runArgs.scenario;
    if (exporters.prepare && (!runArgs.pictures.empty() || !runArgs.chartPath.empty()))
        exporters.prepare();
    catchInterrupts();
    if (runArgs.allModes)
        return runAllModes(scenario, runArgs, exporters);
    if (!runArgs.compare.param.empty())
        return runComparison(scenario, runArgs, exporters);
    Plan plan;
    ParamSet values;
    std::string error;
    if (!buildPlan(scenario, runArgs.params, plan, values, error))
        return usageError(error);

    TrialLoop loop = TrialLoop::forScenario(scenario, values, plan);
    ShownRun shown;
    if (const int rc = runTrials(loop, shown); rc != kExitOk)
        return rc;
    if (!shown.run) {
        sayInterrupted("no run had started");
        return exitCodeAfter(kExitRunFailed); // interrupted before the first trial began
    }
    const RunResult result = shown.run->result();
    const std::vector<Event> events = loop.repeated() ? shown.run->events() : std::move(shown.liveEvents);
    if (loop.repeated()) {
        const TrialOutcomes &outcomes = loop.outcomes();
        std::string which = outcomes.wrong()
            ? "the first trial that went wrong (trial " + std::to_string(loop.firstWrongTrial()) + ")"
            : "the last trial";
        if (outcomes.finals.empty())
            which = "trial " + std::to_string(loop.started()) + ", which did not complete";
        else if (shown.stoppedTrial && !outcomes.wrong())
            which = "the last trial that completed";
        std::printf("\nwrong in %d of %zu trials (expected %lld); shown below: %s\n", outcomes.wrong(),
                    outcomes.finals.size(), static_cast<long long>(outcomes.expected), which.c_str());
        if (shown.stoppedTrial)
            std::printf("trial %d %s and is not counted%s%s\n", shown.stoppedTrial,
                        shown.stoppedBy.cancelled ? "was cancelled" : "failed",
                        shown.stoppedBy.failed() ? ": " : "", shown.stoppedBy.error.c_str());
    }
    printResult(result, values, events);
    if (plan.gil)
        printGil(result, events);
    int rc = result.failed() || shown.stoppedBy.failed() ? kExitRunFailed : kExitOk;
    // Errors go to stderr too, so a script that keeps only stdout's report (or only stderr) still sees them.
    for (const RunResult *r : {&result, static_cast<const RunResult *>(&shown.stoppedBy)})
        if (r->failed())
            std::fprintf(stderr, "forkscope: the run failed: %s\n", r->error.c_str());
    sayInterrupted(loop.repeated() ? "the trials were cancelled" : "the run was cancelled");
    // The summary says how the command ended: a trial cancelled or failed after the one shown makes it so.
    RunResult ended = result;
    ended.cancelled = ended.cancelled || interrupted(); // between two trials, too
    if (shown.stoppedTrial) {
        ended.cancelled = ended.cancelled || shown.stoppedBy.cancelled;
        ended.waitingAtCancel = shown.stoppedBy.waitingAtCancel;
        if (ended.error.empty() && shown.stoppedBy.failed())
            ended.error = "trial " + std::to_string(shown.stoppedTrial) + ": " + shown.stoppedBy.error;
    }
    const TimelinePicture picture = pictureText(runArgs, values, result, events, loop);
    if (const int written = writeRunOutputs(runArgs, exporters, result, ended, events, values,
                                            loop.repeated() ? &loop.outcomes() : nullptr, picture);
        written != kExitOk)
        rc = written;
    std::vector<TrialsSeries> series;
    if (const int charted = writeTrialsChart(scenario, runArgs, exporters, values, loop, series);
        charted != kExitOk) {
        if (charted == kExitUsage)
            return charted;
        rc = charted;
    }
    if (!runArgs.savePath.empty())
        if (const int saved = saveShownRun(runArgs, values, result, events, loop, picture, series);
            saved != kExitOk)
            rc = saved;
    return exitCodeAfter(rc);
}

/// `forkscope open-run FILE.fsrun [outputs]`: what the saved run came to, printed as `run` prints it, and
/// the outputs asked for, drawn from the saved events and texts — nothing runs.
int openSavedRun(const Command &command, const Exporters &exporters)
{
    RunArgs runArgs;
    SavedRun saved;
    if (const int rc = parseOpenRunArgs(command, exporters, runArgs, saved); rc != kExitOk)
        return rc;
    if (exporters.prepare && (!runArgs.pictures.empty() || !runArgs.chartPath.empty()))
        exporters.prepare();
    std::printf("saved run     %s: %s, ran %s (%s; %s)\n", command.scenario.c_str(), saved.scenarioId.c_str(),
                savedRunDate(saved.ranAt).c_str(), std::string(savedRunKindName(saved.kind)).c_str(),
                saved.savedBy.c_str());
    if (saved.kind == SavedRun::Kind::GilLab) {
        const SavedLab &lab = saved.lab;
        std::printf("GIL lab: %d tasks on %d cores%s%s\n\nwork  mode          wall time   speedup\n",
                    lab.tasks, lab.cores, lab.loadNote.empty() ? "" : "; ", lab.loadNote.c_str());
        for (const LabTiming &t : lab.table)
            std::printf("%-5s %-13s %9s   %5.2fx\n", t.work.c_str(), t.mode.c_str(),
                        seconds(t.wallNs).c_str(), labSpeedup(lab.table, t));
        if (runArgs.chartPath.empty())
            return kExitOk;
        if (auto problem
            = exporters.speedupChart(lab.title, lab.table, lab.tasks, lab.cores, runArgs.chartPath);
            !problem.empty()) {
            std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
            return kExitRunFailed;
        }
        std::printf("chart         %s\n", runArgs.chartPath.c_str());
        return kExitOk;
    }
    const SavedRecording &shown = *saved.shownRun();
    ParamSet values;
    for (const auto &[name, value] : saved.params)
        values.set(name, value);
    TrialOutcomes outcomes;
    const TrialOutcomes *trials = nullptr;
    if (saved.kind == SavedRun::Kind::Trials) {
        // The outcomes of the setting the shown trial belongs to, as `run` counted them.
        int series = 0;
        for (const SavedTrials::Example &e : saved.trials.examples)
            if (e.run == static_cast<std::uint32_t>(saved.shown))
                series = e.series;
        outcomes.expected = saved.trials.expected;
        if (static_cast<std::size_t>(series) < saved.trials.series.size())
            outcomes.finals = saved.trials.series[static_cast<std::size_t>(series)].finals;
        trials = &outcomes;
        for (const SavedTrials::Series &s : saved.trials.series)
            std::printf(
                "%s: wrong in %d of %zu trials (expected %lld)\n", s.label.c_str(),
                static_cast<int>(std::count_if(s.finals.begin(), s.finals.end(),
                                               [&](std::int64_t f) { return f != outcomes.expected; })),
                s.finals.size(), static_cast<long long>(outcomes.expected));
    }
    printResult(shown.result, values, shown.events, &saved);
    if (saved.plan.gil)
        printGil(shown.result, shown.events);
    TimelinePicture picture;
    picture.headline = saved.headline;
    picture.caption = saved.caption;
    picture.plan = &saved.plan;
    picture.details = runArgs.details;
    int rc = writeRunOutputs(runArgs, exporters, shown.result, shown.result, shown.events, values, trials,
                             picture);
    if (!runArgs.chartPath.empty()) {
        std::vector<TrialsSeries> series;
        for (const SavedTrials::Series &s : saved.trials.series)
            series.push_back({s.label, s.finals, s.locked});
        if (auto problem
            = exporters.trialsChart(saved.trials.caption, saved.trials.expected, series, runArgs.chartPath);
            !problem.empty()) {
            std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("chart         %s\n", runArgs.chartPath.c_str());
        }
    }
    return rc;
}

} // namespace

const std::vector<std::pair<std::string, PictureFocus>> &pictureFocusNames()
{
    static const std::vector<std::pair<std::string, PictureFocus>> names{
        {"auto", PictureFocus::Auto},
        {"timeline", PictureFocus::Timeline},
        {"lost-update", PictureFocus::LostUpdate},
        {"sequence", PictureFocus::Sequence},
        {"queue-fill", PictureFocus::QueueFill},
        {"dispatch", PictureFocus::Dispatch},
        {"gil", PictureFocus::Gil},
    };
    return names;
}

int runCommandLine(const std::vector<std::string> &args, const Exporters &exporters)
{
    Command command;
    if (const int rc = parseCommand(args, command); rc != kExitOk)
        return rc;
    if (command.help)
        return showHelp(command);
    if (command.version) {
        std::printf("forkscope %s\n", FORKSCOPE_VERSION);
        return kExitOk;
    }
    if (command.name == "list")
        return listScenarios();
    if (command.name == "run")
        return runScenario(command, exporters);
    if (command.name == "open-run")
        return openSavedRun(command, exporters);
    if (command.name == "check")
        return checkScenarioFile(command);
    if (command.name == "new")
        return newScenarioFile(command);
    // `open` without a window: its arguments are checked as the window checks them, then refused.
    OpenRequest request;
    if (const auto rc = parseOpenCommand(args, builtinScenarios().front().id, request))
        return *rc;
    return usageError("'open' needs a display (DISPLAY or WAYLAND_DISPLAY is unset, or this build has no "
                      "window); without one use 'forkscope run ID --png FILE'");
}

} // namespace forkscope::app
