#include "app/cli.hpp"

#include "core/analysis/gil_stats.hpp"
#include "core/shared_memory/gil.hpp"
#include "core/export/output_file.hpp"
#include "core/client/run.hpp"
#include "core/scenario/scenarios.hpp"
#include "core/export/trace_export.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <thread>

namespace forkscope::app {

using namespace forkscope::core;

namespace {

std::atomic<int> g_interrupted{0}; ///< the signal that asked us to stop (SIGINT, SIGTERM), 0 if none
TimelineExporter g_exporter;
ChartExporter g_chartExporter;
SpeedupChartExporter g_speedupExporter;

void onInterrupt(int sig) { g_interrupted.store(sig); }

/// Whether two output paths end up in the same file (folders resolved, symbolic links followed).
bool sameOutputFile(const std::string &a, const std::string &b)
{
    const auto where = [](const std::string &path) {
        char resolved[PATH_MAX];
        if (realpath(path.c_str(), resolved))
            return std::string(resolved); // exists: its real path
        const auto slash = path.rfind('/');
        const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        return (realpath(folder.c_str(), resolved) ? std::string(resolved) : folder) + "/" + name;
    };
    return where(a) == where(b);
}

int usageError(const std::string &message)
{
    std::fprintf(stderr, "forkscope: %s\nTry 'forkscope --help' for more information.\n", message.c_str());
    return kExitUsage;
}

std::string scenarioIds()
{
    std::string ids;
    for (const auto &s : builtinScenarios())
        ids += (ids.empty() ? "" : ", ") + s.id;
    return ids;
}

int listScenarios()
{
    for (const auto &s : builtinScenarios())
        std::printf("%-18s %s\n", s.id.c_str(), s.summary.c_str());
    return kExitOk;
}

std::string seconds(std::int64_t ns)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
    return buf;
}

void printResult(const RunResult &r, const ParamSet &values)
{
    std::string params;
    for (const auto &[name, value] : values.values())
        params += (params.empty() ? "" : ", ") + name + " " + value;
    std::printf("\n--- %s (%s)\n", r.scenario.c_str(), params.c_str());
    if (r.cancelled)
        std::printf("cancelled\n");
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
            std::printf("never started\n");
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
    std::printf("workers       %d %s, %d ended normally (exit code 0)\n", workers,
                r.kind.c_str(), normal);
    for (const LockStats &l : r.locks)
        if (l.acquisitions > 0)
            std::printf("lock %d        %d acquisitions, waited %s in all (longest %s), held %s\n", l.id,
                    l.acquisitions, seconds(l.totalWaitNs).c_str(), seconds(l.longestWaitNs).c_str(),
                    seconds(l.totalHoldNs).c_str());
    std::printf("lost events   %llu\n", static_cast<unsigned long long>(r.lostEvents));
    if (r.failed())
        std::printf("error         %s\n", r.error.c_str());
}

struct RunArgs {
    std::string scenario;
    std::map<std::string, std::string> params;
    std::string tracePath;
    std::string summaryPath;
    std::vector<std::pair<std::string, std::string>> pictures; ///< (flag, path) for --png/--svg/--pdf
    std::string chartPath;                                     ///< --chart: the trials histogram (or speedups)
    bool allModes = false;                                     ///< --all-modes: the GIL lab's 8 runs
};

int parseRunArgs(const std::vector<std::string> &args, RunArgs &out)
{
    if (args.size() < 2)
        return usageError("'run' needs a scenario id (one of: " + scenarioIds() + ")");
    out.scenario = args[1];
    const Scenario *scenario = findScenario(out.scenario);
    if (!scenario)
        return usageError("unknown scenario '" + out.scenario + "' (one of: " + scenarioIds() + ")");
    for (std::size_t i = 2; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        bool hasValue = false;
        if (arg.rfind("--", 0) != 0)
            return usageError("unexpected argument '" + arg + "' (options start with --)");
        if (arg == "--all-modes") { // a switch: takes no value
            if (!scenario->param("mode") || !scenario->param("work"))
                return usageError("--all-modes applies to cpu-vs-io (it runs every --work and --mode); '"
                                  + out.scenario + "' has none");
            out.allModes = true;
            continue;
        }
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            hasValue = true;
        } else if (i + 1 < args.size()) {
            value = args[++i];
            hasValue = true;
        }
        const std::string name = arg.substr(2);
        if (!hasValue)
            return usageError(arg + " needs a value");
        const bool isFile = name == "trace" || name == "summary" || name == "png" || name == "svg" || name == "pdf"
                            || name == "chart";
        if (isFile && value.empty())
            return usageError(arg + " needs a file name");
        if ((name == "trace" && !out.tracePath.empty()) || (name == "summary" && !out.summaryPath.empty()))
            return usageError(arg + " is given twice");
        if (name == "trace") {
            out.tracePath = value;
        } else if (name == "summary") {
            out.summaryPath = value;
        } else if (name == "chart") {
            const bool speedups = scenario->param("mode") != nullptr;
            if (!scenario->param("trials") && !speedups)
                return usageError("--chart needs a scenario run as trials (such as bank) or cpu-vs-io with "
                                  "--all-modes; '" + out.scenario + "' has neither");
            const auto dot = value.rfind('.');
            const std::string ext = dot == std::string::npos ? "" : value.substr(dot);
            if (ext != ".png" && ext != ".svg" && ext != ".pdf")
                return usageError("--chart '" + value + "': the file name must end in .png, .svg or .pdf");
            if (!out.chartPath.empty())
                return usageError("--chart is given twice");
            out.chartPath = value;
        } else if (name == "png" || name == "svg" || name == "pdf") {
            const std::string ext = "." + name;
            if (value.size() < ext.size() || value.compare(value.size() - ext.size(), ext.size(), ext) != 0)
                return usageError(arg + " '" + value + "': the file name must end in " + ext);
            if (!g_exporter)
                return usageError(arg + " needs the desktop build of forkscope (this one has no Qt)");
            out.pictures.emplace_back(arg, value);
        } else if (scenario->param(name)) {
            if (out.params.count(name))
                return usageError(arg + " is given twice");
            out.params[name] = value;
        } else {
            std::string takes;
            for (const auto &p : scenario->params)
                takes += ", --" + p.name;
            return usageError("unknown option '" + arg + "' for scenario '" + out.scenario
                              + "' (allowed: --trace, --summary, --png, --svg, --pdf, --chart"
                              + (scenario->param("mode") ? ", --all-modes" : "") + takes + ")");
        }
    }
    if (out.allModes) {
        for (const char *name : {"work", "mode"})
            if (out.params.count(name))
                return usageError(std::string("--all-modes runs every --") + name + "; leave --" + name + " out");
        if (!out.pictures.empty() || !out.tracePath.empty() || !out.summaryPath.empty())
            return usageError("--all-modes makes 8 runs, and --png, --svg, --pdf, --trace and --summary show one: "
                              "pick it with --work and --mode instead");
    } else if (!out.chartPath.empty() && scenario->param("mode")) {
        return usageError("--chart for '" + out.scenario + "' draws every mode: add --all-modes");
    }
    if (!out.chartPath.empty()
        && !(scenario->param("mode") ? static_cast<bool>(g_speedupExporter) : static_cast<bool>(g_chartExporter)))
        return usageError("--chart needs the desktop build of forkscope (this one has no Qt)");
    std::vector<std::pair<std::string, std::string>> outputs = out.pictures;
    if (!out.tracePath.empty())
        outputs.emplace_back("--trace", out.tracePath);
    if (!out.summaryPath.empty())
        outputs.emplace_back("--summary", out.summaryPath);
    if (!out.chartPath.empty())
        outputs.emplace_back("--chart", out.chartPath);
    for (const auto &[flag, path] : outputs)
        if (auto problem = checkOutputPath(path); !problem.empty())
            return usageError(flag + ": " + problem);
    // Two outputs into one file would silently keep only the last: compare where they really land.
    for (std::size_t i = 0; i < outputs.size(); ++i)
        for (std::size_t j = i + 1; j < outputs.size(); ++j)
            if (sameOutputFile(outputs[i].second, outputs[j].second))
                return usageError(outputs[i].first + " and " + outputs[j].first + " name the same file ('"
                                  + outputs[j].second + "')");
    return kExitOk;
}

/// Starts `plan` and waits for its end without printing, cancelling it on Ctrl+C or SIGTERM; false (with
/// `error`) if it could not start.
bool runQuietly(const Plan &plan, RunResult &result, std::string &error)
{
    auto run = Run::start(plan, error);
    if (!run)
        return false;
    while (!run->waitFor(std::chrono::milliseconds(5)))
        if (g_interrupted.load() != 0)
            run->cancel();
    result = run->result();
    return true;
}

/// The GIL lab: cpu-vs-io in every mode, for CPU-bound and I/O-bound work, one run after another, with the
/// wall time and speedup against sequential of each, and the chart.
int runAllModes(const Scenario &scenario, const RunArgs &runArgs)
{
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    std::vector<LabTiming> table;
    bool header = false;
    int tasks = 0;
    for (const char *work : kLabWorks) {
        for (const char *mode : kLabModes) {
            if (g_interrupted.load() != 0)
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
                std::printf("GIL lab: %s tasks of %s s each (time scale %s, switch interval %s s) on %d cores\n\n",
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
            if (r.cancelled)
                break;
            table.push_back({work, mode, r.wallNs});
            std::printf("%-5s %-13s %9s   %5.2fx\n", work, mode, seconds(r.wallNs).c_str(),
                        labSpeedup(table, table.back()));
            std::fflush(stdout);
        }
    }
    std::printf("\nCPU-bound: threads under the GIL take turns (about 1x); free threads and processes use the cores "
                "(about %dx at most, here %d cores).\nI/O-bound: the waits release the GIL, so every concurrent mode "
                "waits at once (about %dx).\n",
                cores, cores, tasks);
    int rc = kExitOk;
    if (!runArgs.chartPath.empty() && !table.empty()) {
        if (auto problem = g_speedupExporter(scenario.title, table, tasks, cores, runArgs.chartPath); !problem.empty()) {
            std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("chart         %s\n", runArgs.chartPath.c_str());
        }
    }
    if (const int sig = g_interrupted.load(); sig != 0)
        return 128 + sig;
    return rc;
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

int runScenario(const std::vector<std::string> &args)
{
    RunArgs runArgs;
    if (const int rc = parseRunArgs(args, runArgs); rc != kExitOk)
        return rc;
    const Scenario &scenario = *findScenario(runArgs.scenario);
    if (runArgs.allModes) {
        struct sigaction sa{};
        sa.sa_handler = onInterrupt;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        return runAllModes(scenario, runArgs);
    }
    Plan plan;
    ParamSet values;
    std::string error;
    if (!buildPlan(scenario, runArgs.params, plan, values, error))
        return usageError(error);

    struct sigaction sa{};
    sa.sa_handler = onInterrupt;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    // Scenarios with trials (the bank) run again and again and count how often main ends wrong.
    const int trialCount = scenario.param("trials") ? values.integer("trials") : 1;
    TrialOutcomes trials;
    if (scenario.expected)
        trials.expected = scenario.expected(values);
    // The run whose result, trace and pictures are shown: the only one, or the first trial that went wrong
    // (else the last). Kept whole, so its events are copied out once, at the end.
    std::unique_ptr<Run> shown;
    std::vector<Event> liveEvents; // a single run's events, gathered while its lines are printed
    if (trialCount > 1)
        std::printf("running %d trials (--trials K to change, --trials 1 for one run); each prints its final "
                    "value\n", trialCount);
    for (int trial = 1; trial <= trialCount && g_interrupted.load() == 0; ++trial) {
        auto run = Run::start(plan, error);
        if (!run) {
            std::fprintf(stderr, "forkscope: %s\n", error.c_str());
            return kExitRunFailed;
        }
        if (trialCount == 1) {
            // Print the lines as the workers print them, live; the events are copied once, into the list
            // the exports use.
            std::size_t seen = 0;
            for (bool done = false; !done;) {
                done = run->waitFor(std::chrono::milliseconds(5));
                if (g_interrupted.load() != 0)
                    run->cancel();
                const std::size_t from = liveEvents.size();
                seen = run->copyEvents(seen, liveEvents);
                for (std::size_t i = from; i < liveEvents.size(); ++i)
                    if (liveEvents[i].type == EventType::Print)
                        std::printf("%s\n", liveEvents[i].text.c_str());
                std::fflush(stdout);
            }
        } else {
            while (!run->waitFor(std::chrono::milliseconds(5)))
                if (g_interrupted.load() != 0)
                    run->cancel();
        }
        const RunResult r = run->result();
        if (r.cancelled || r.failed() || trialCount == 1) {
            shown = std::move(run);
            break;
        }
        const std::int64_t final = r.lanes[0].read.empty() ? 0 : r.lanes[0].read.back();
        trials.finals.push_back(final);
        const bool wrong = scenario.expected && final != trials.expected;
        std::printf("trial %4d   final %lld%s\n", trial, static_cast<long long>(final), wrong ? "   wrong" : "");
        std::fflush(stdout);
        if (!shown || (wrong && trials.wrong() == 1) || trials.wrong() == 0)
            shown = std::move(run);
    }
    if (!shown)
        return 128 + g_interrupted.load(); // interrupted before the first trial began
    const RunResult result = shown->result();
    const std::vector<Event> events = trialCount == 1 ? std::move(liveEvents) : shown->events();
    if (trialCount > 1)
        std::printf("\nwrong in %d of %zu trials (expected %lld); shown below: %s\n", trials.wrong(),
                    trials.finals.size(), static_cast<long long>(trials.expected),
                    trials.wrong() ? "the first trial that went wrong" : "the last trial");
    printResult(result, values);
    if (plan.gil)
        printGil(result, events);

    int rc = result.failed() ? kExitRunFailed : kExitOk;
    if (!runArgs.tracePath.empty()) {
        if (auto problem = writeFileAtomically(runArgs.tracePath, chromeTraceJson(result, events)); !problem.empty()) {
            std::fprintf(stderr, "forkscope: --trace: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("trace         %s\n", runArgs.tracePath.c_str());
        }
    }
    if (!runArgs.summaryPath.empty()) {
        if (auto problem = writeFileAtomically(runArgs.summaryPath, summaryJson(result, trialCount > 1 ? &trials : nullptr)); !problem.empty()) {
            std::fprintf(stderr, "forkscope: --summary: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("summary       %s\n", runArgs.summaryPath.c_str());
        }
    }
    std::string title = result.scenario + " — " + result.kind;
    if (scenario.param("mode")) // the GIL lab: which of its modes and works this was
        title = result.scenario + " — " + values.text("mode") + ", " + values.text("work") + "-bound";
    if (result.timeScale != 1)
        title += " (time scale " + values.text("time-scale") + ")";
    if (result.cancelled)
        title += " — stopped";
    for (const auto &[flag, path] : runArgs.pictures) {
        if (auto problem = g_exporter(result, events, title, path); !problem.empty()) {
            std::fprintf(stderr, "forkscope: %s: %s\n", flag.c_str(), problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("%-13s %s\n", flag.substr(2).c_str(), path.c_str());
        }
    }
    // The histogram puts both settings of the lock side by side: --chart also runs as many trials with the
    // lock set the other way (only their final values are kept).
    std::vector<TrialsSeries> series;
    if (!runArgs.chartPath.empty() && trialCount > 1 && scenario.param("lock") && g_interrupted.load() == 0) {
        const bool locked = values.flag("lock");
        series.push_back({locked ? "with lock" : "without lock", trials.finals});
        std::map<std::string, std::string> other = runArgs.params;
        other["lock"] = locked ? "off" : "on";
        Plan otherPlan;
        ParamSet otherValues;
        if (!buildPlan(scenario, other, otherPlan, otherValues, error))
            return usageError(error);
        const char *otherLabel = locked ? "without lock" : "with lock";
        std::printf("\nfor the chart: %d trials %s\n", trialCount, otherLabel);
        TrialOutcomes otherTrials;
        otherTrials.expected = trials.expected;
        for (int trial = 1; trial <= trialCount && g_interrupted.load() == 0; ++trial) {
            RunResult r;
            if (!runQuietly(otherPlan, r, error)) {
                std::fprintf(stderr, "forkscope: %s\n", error.c_str());
                return kExitRunFailed;
            }
            if (r.cancelled || r.failed())
                break;
            otherTrials.finals.push_back(r.lanes[0].read.empty() ? 0 : r.lanes[0].read.back());
        }
        std::printf("%s: wrong in %d of %zu trials\n", otherLabel, otherTrials.wrong(), otherTrials.finals.size());
        series.push_back({otherLabel, otherTrials.finals});
        if (locked)
            std::swap(series[0], series[1]); // without the lock first, as in the window
    } else if (!trials.finals.empty()) {
        series.push_back({values.flag("lock") ? "with lock" : "without lock", trials.finals});
    }
    if (!runArgs.chartPath.empty() && !series.empty()) {
        if (auto problem = g_chartExporter(scenario.title + " — " + plan.kind, trials.expected, series,
                                           runArgs.chartPath);
            !problem.empty()) {
            std::fprintf(stderr, "forkscope: --chart: %s\n", problem.c_str());
            rc = kExitRunFailed;
        } else {
            std::printf("chart         %s\n", runArgs.chartPath.c_str());
        }
    }
    if (const int sig = g_interrupted.load(); sig != 0)
        return 128 + sig; // 130 for Ctrl+C, 143 for SIGTERM, as shells report them
    return rc;
}

} // namespace

void setTimelineExporter(TimelineExporter exporter) { g_exporter = std::move(exporter); }
void setChartExporter(ChartExporter exporter) { g_chartExporter = std::move(exporter); }
void setSpeedupChartExporter(SpeedupChartExporter exporter) { g_speedupExporter = std::move(exporter); }

std::string usageText()
{
    std::string text =
        "Usage: forkscope                      open the desktop lab\n"
        "       forkscope open ID [--name value ...] [--run]\n"
        "                                      open it on a scenario with these parameters (and run it)\n"
        "       forkscope list                 list the scenarios\n"
        "       forkscope run ID [options]     run a scenario headless and print what it printed\n"
        "       forkscope --help | --version\n"
        "\n"
        "Options of 'run' (each applies only where the scenario has it; see 'forkscope list'):\n"
        "  --kind K          sequential | thread | process\n"
        "  --workers N       how many workers (at most 256 processes or 1024 threads)\n"
        "  --sleep S         seconds each sleep lasts\n"
        "  --join on|off     whether main waits for its workers\n"
        "  --time-scale X    multiply every duration by X (0 to 100; 0.01 turns 2 s into 20 ms)\n"
        "  --lock on|off, --updates N, --think S, --trials K, --tight on|off\n"
        "                    the bank: guard updates with a lock, how many, the read-to-write gap, repeats;\n"
        "                    --tight on: no sleeps and no think time, updates as fast as the cores go\n"
        "  --items N, --capacity N, --produce S, --consume S, --messages N, --delay S\n"
        "                    queues and pipes: how many items, the queue's size, each side's time per item\n"
        "  --n N, --chunk N, --work S\n"
        "                    pool-map: map over 1..N, items per task message, computing time per item\n"
        "  --work cpu|io, --mode sequential|gil-threads|threads|processes, --tasks N, --seconds S,\n"
        "  --switch-interval S\n"
        "                    cpu-vs-io (the GIL lab): N tasks of S seconds of prime counting or of waiting,\n"
        "                    one after another, as threads under a GIL, as free threads or as processes;\n"
        "                    a waiting thread asks for the GIL after S (default 0.005, not time-scaled)\n"
        "  --all-modes       cpu-vs-io: run both kinds of work in all four modes and print wall times and\n"
        "                    speedups against sequential (e.g. forkscope run cpu-vs-io --all-modes --chart x.png)\n"
        "  --trace FILE      write a Chrome trace (Perfetto UI, chrome://tracing)\n"
        "  --summary FILE    write the result as JSON\n"
        "  --png FILE, --svg FILE, --pdf FILE\n"
        "                    write the run's timeline as a picture for slides (1920x1080)\n"
        "  --chart FILE      with --trials: the histogram of final values (the bank also runs as many trials\n"
        "                    with the lock set the other way, drawn side by side); with --all-modes: the speedup\n"
        "                    chart (.png, .svg or .pdf)\n"
        "\n"
        "Exit status: 0 the run completed; 1 the run could not run or an output could not be written;\n"
        "2 bad usage; 130 interrupted (Ctrl+C cancels the run and still prints its result).\n"
        "\nScenarios:\n";
    for (const auto &s : builtinScenarios()) {
        text += "  " + s.id + std::string(s.id.size() < 18 ? 18 - s.id.size() : 1, ' ') + "--";
        for (std::size_t i = 0; i < s.params.size(); ++i)
            text += (i ? ", --" : "") + s.params[i].name;
        text += "\n";
    }
    return text;
}

int runCommandLine(const std::vector<std::string> &args)
{
    if (args.empty())
        return usageError("no command given");
    const std::string &command = args[0];
    const bool askedForHelp = std::find(args.begin(), args.end(), "--help") != args.end();
    if (command == "--help" || command == "-h" || command == "help" || askedForHelp) {
        std::fputs(usageText().c_str(), stdout);
        return kExitOk;
    }
    if (command == "--version") {
        std::printf("forkscope %s\n", FORKSCOPE_VERSION);
        return kExitOk;
    }
    if (command == "list") {
        if (args.size() > 1)
            return usageError("'list' takes no arguments (got '" + args[1] + "')");
        return listScenarios();
    }
    if (command == "run")
        return runScenario(args);
    if (command == "open")
        return usageError("'open' needs a display (DISPLAY or WAYLAND_DISPLAY is unset, or this build has no "
                          "window); without one use 'forkscope run ID --png FILE'");
    return usageError("unknown command '" + command + "' (allowed: list, run, open, --help, --version)");
}

} // namespace forkscope::app
