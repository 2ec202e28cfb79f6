// bank_trials_bench: how long the bank's histogram takes to fill — N trials without the lock and N with
// it, every one a real run (a forkscope-runner, two real threads or fork()ed processes), done as the
// window's TrialRunner does them: core::histogramSeries builds both settings from the scenario's parameters
// (with more than one trial the scenario picks its race shape), and each trial is Run::start, wait(),
// result(), events(), findLostUpdates(), the Run destroyed. As in the window, the two series run at once,
// each on a thread of its own (--series-at-once off: one after the other, as the command line's --chart
// runs them).
//
// Per batch (one kind, N + N trials): the wall time from the first Run::start to the last Run's end; per
// series: wrong trials (final balance != 100; a wrong trial with the lock makes the exit status 1), lost
// updates per trial, the trial times (median, p90, max; and the run inside the runner, main's start to its
// end) and events lost (must be 0: exit status 1 otherwise).
// Batches alternate between the kinds (thread, process, thread, ...) so that a busy moment hits both.
//
// Usage: bank_trials_bench [--trials N] [--batches B] [--kinds thread,process] [--param NAME=VALUE ...]
//                          [--series-at-once on|off] [--json FILE]
//   --param passes a scenario parameter (e.g. --param trial-shape=same for the slow shape the trials had
//   before the race shape; --param trials is taken from --trials).

#include "bench_support.hpp"
#include "core/analysis/lost_updates.hpp"
#include "core/analysis/trials.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace forkscope::core;
using forkscope::bench::loadAverage;
using forkscope::bench::Stats;
using forkscope::bench::statsJson;
using forkscope::bench::statsOf;
using forkscope::bench::writeText;

namespace {

struct Options {
    int trials = 100;
    int batches = 2; ///< per kind
    std::vector<std::string> kinds = {"thread", "process"};
    std::map<std::string, std::string> params;
    std::string jsonPath;
    bool atOnce = true; ///< both series at once, each on its own thread, as the window runs them
};

[[noreturn]] void usage(const char *problem, int status = 2)
{
    std::fprintf(stderr,
                 "bank_trials_bench: %s\n"
                 "usage: bank_trials_bench [--trials N] [--batches B] [--kinds thread,process] "
                 "[--param NAME=VALUE ...] [--series-at-once on|off] [--json FILE]\n",
                 problem);
    std::exit(status);
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h")
            usage("times the bank's histogram: N trials without the lock and N with it, per kind", 0);
        if (i + 1 >= argc)
            usage(("missing value after " + flag).c_str());
        const std::string value = argv[++i];
        if (flag == "--trials") {
            o.trials = std::atoi(value.c_str());
        } else if (flag == "--batches") {
            o.batches = std::atoi(value.c_str());
        } else if (flag == "--json") {
            o.jsonPath = value;
        } else if (flag == "--series-at-once") {
            if (value != "on" && value != "off")
                usage("--series-at-once takes on or off");
            o.atOnce = value == "on";
        } else if (flag == "--kinds") {
            o.kinds.clear();
            for (std::size_t at = 0; at <= value.size();) {
                const std::size_t comma = std::min(value.find(',', at), value.size());
                o.kinds.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        } else if (flag == "--param") {
            const std::size_t eq = value.find('=');
            if (eq == std::string::npos)
                usage("--param takes NAME=VALUE");
            o.params[value.substr(0, eq)] = value.substr(eq + 1);
        } else {
            usage(("unknown option " + flag).c_str());
        }
    }
    if (o.trials < 2 || o.batches < 1)
        usage(
            "--trials must be at least 2 (one trial is a single run, not a histogram), --batches at least 1");
    for (const std::string &kind : o.kinds)
        if (kind != "thread" && kind != "process")
            usage(("unknown kind '" + kind + "'").c_str());
    return o;
}

struct SeriesFigures {
    std::string label;
    int trials = 0;
    int wrong = 0;
    std::uint64_t lostEvents = 0;
    std::vector<double> trialMs;
    std::vector<double> runMs; ///< main's start to main's end inside the runner (result().wallNs)
    std::vector<double> lostUpdates;
    std::vector<std::int64_t> finals;
};

struct Batch {
    std::string kind;
    std::string load; ///< the load average when the batch began
    double wallMs = 0;
    std::vector<SeriesFigures> series;
};

/// One histogram's worth of trials, as the window runs them; false with `error` on a failed run.
bool runBatch(const Scenario &bank, const Options &o, const std::string &kind, Batch &batch,
              std::string &error)
{
    std::map<std::string, std::string> params = o.params;
    params["kind"] = kind;
    params["trials"] = std::to_string(o.trials);
    std::vector<TrialSeriesPlan> series;
    if (!histogramSeries(bank, params, series, error))
        return false;
    batch.kind = kind;
    batch.load = loadAverage();
    batch.series.resize(series.size());
    std::vector<std::string> errors(series.size());
    // One series' trials, one real run after another; each series on a thread of its own when they run at
    // once, as the window's TrialRunner runs them.
    const auto runSeries = [&](std::size_t index) {
        TrialSeriesPlan &s = series[index];
        SeriesFigures &figures = batch.series[index];
        figures.label = s.label;
        while (s.loop.hasNext()) {
            s.loop.startNext();
            const std::int64_t t0 = monotonicNs();
            auto run = Run::start(s.loop.plan(), errors[index]);
            if (!run)
                return;
            run->wait();
            const RunResult result = run->result();
            const std::vector<Event> events = run->events();
            run.reset();
            const TrialRecord record = s.loop.record(result);
            if (!record.counted) {
                errors[index] = "a trial failed: " + result.error;
                return;
            }
            std::vector<bool> processLanes;
            for (const LaneOutcome &lane : result.lanes)
                processLanes.push_back(lane.info.kind == WorkerKind::Process);
            const LostUpdateReport lost = findLostUpdates(events, result.lostEvents, processLanes);
            figures.trialMs.push_back(static_cast<double>(monotonicNs() - t0) / 1e6);
            figures.runMs.push_back(static_cast<double>(result.wallNs) / 1e6);
            figures.lostUpdates.push_back(static_cast<double>(lost.lost.size()));
            figures.finals.push_back(record.final);
            figures.wrong += record.wrong;
            figures.lostEvents += result.lostEvents;
            ++figures.trials;
        }
    };
    const std::int64_t began = monotonicNs();
    if (o.atOnce) {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < series.size(); ++i)
            threads.emplace_back(runSeries, i);
        for (std::thread &t : threads)
            t.join();
    } else {
        for (std::size_t i = 0; i < series.size(); ++i)
            runSeries(i);
    }
    batch.wallMs = static_cast<double>(monotonicNs() - began) / 1e6;
    for (const std::string &e : errors)
        if (!e.empty())
            error = e;
    return error.empty();
}

std::string batchJson(const Batch &b)
{
    char head[160];
    std::snprintf(head, sizeof head,
                  "    {\"kind\": \"%s\", \"load\": \"%s\", \"wall_ms\": %.1f, \"series\": [", b.kind.c_str(),
                  b.load.c_str(), b.wallMs);
    std::string out = head;
    for (std::size_t i = 0; i < b.series.size(); ++i) {
        const SeriesFigures &s = b.series[i];
        char buf[200];
        std::snprintf(
            buf, sizeof buf, "%s{\"label\": \"%s\", \"trials\": %d, \"wrong\": %d, \"lost_events\": %llu, ",
            i ? ", " : "", s.label.c_str(), s.trials, s.wrong, static_cast<unsigned long long>(s.lostEvents));
        out += buf;
        out += statsJson("trial_ms", statsOf(s.trialMs), 3) + ", " + statsJson("run_ms", statsOf(s.runMs), 3)
            + ", " + statsJson("lost_updates", statsOf(s.lostUpdates), 1);
        out += ", \"finals\": [";
        for (std::size_t f = 0; f < s.finals.size(); ++f)
            out += (f ? ", " : "") + std::to_string(s.finals[f]);
        out += "]}";
    }
    return out + "]}";
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parseOptions(argc, argv);
    const Scenario *bank = findScenario("bank");
    if (!bank) {
        std::fprintf(stderr, "bank_trials_bench: no scenario 'bank'\n");
        return 1;
    }
    std::printf(
        "bank_trials_bench: %d trials without the lock and %d with it per batch, %s; load average %s\n\n",
        o.trials, o.trials, o.atOnce ? "the series at once" : "one series after the other",
        loadAverage().c_str());
    std::printf("%-8s %-13s %9s %7s %8s %9s %9s %9s %9s %6s   %s\n", "kind", "series", "wall s", "wrong",
                "lost/tr", "median ms", "p90 ms", "max ms", "run ms", "lost", "load average");
    std::vector<Batch> batches;
    bool failed = false;
    for (int round = 0; round < o.batches; ++round) {
        for (const std::string &kind : o.kinds) {
            Batch batch;
            std::string error;
            if (!runBatch(*bank, o, kind, batch, error)) {
                std::fprintf(stderr, "bank_trials_bench: %s: %s\n", kind.c_str(), error.c_str());
                return 1;
            }
            for (const SeriesFigures &s : batch.series) {
                const Stats t = statsOf(s.trialMs);
                std::printf("%-8s %-13s %9s %3d/%-3d %8.1f %9.2f %9.2f %9.2f %9.2f %6llu   %s\n",
                            kind.c_str(), s.label.c_str(), "", s.wrong, s.trials,
                            statsOf(s.lostUpdates).median, t.median, t.p90, t.max, statsOf(s.runMs).median,
                            static_cast<unsigned long long>(s.lostEvents), batch.load.c_str());
                failed = failed || s.lostEvents > 0 || (s.label == "with lock" && s.wrong > 0);
            }
            std::printf("%-8s %-13s %9.2f\n", kind.c_str(), "both", batch.wallMs / 1e3);
            std::fflush(stdout);
            batches.push_back(std::move(batch));
        }
    }
    std::printf("\nload average now %s\n", loadAverage().c_str());
    if (!o.jsonPath.empty()) {
        std::string json = "{\n  \"trials\": " + std::to_string(o.trials) + ",\n  \"batches\": [\n";
        for (std::size_t i = 0; i < batches.size(); ++i)
            json += batchJson(batches[i]) + (i + 1 < batches.size() ? ",\n" : "\n");
        json += "  ]\n}\n";
        if (!writeText(o.jsonPath, json)) {
            std::fprintf(stderr, "bank_trials_bench: cannot write %s\n", o.jsonPath.c_str());
            return 1;
        }
    }
    if (failed)
        std::fprintf(stderr, "bank_trials_bench: events were lost, or a trial with the lock went wrong\n");
    return failed ? 1 : 0;
}
