// soak_bench: 1,000 runs through the real engine in one client process, to find what a long session (the
// window open all day, a batch of trials) would accumulate: time per run, the client's memory, its open
// descriptors, its threads, and children left unreaped.
//
// Each run is Run::start of one short scenario, waited for and its result read, as the command line does;
// the runs take the families in turn (processes, threads, a queue, a pipe, a pool, a shared value, the GIL
// lab), so the first and the last hundred hold the same mix. After every run it reads /proc/self: VmRSS,
// the number of entries in fd/ and in task/, and counts zombie children.
//
// Fails (exit 1) when, from the first 100 runs to the last 100, the median time per run, the highest RSS
// or the most open descriptors grow by more than 10 %, when the threads grow at all, when a run fails, or
// when a zombie child is left. Time is the noisy one on a shared machine: the load average is printed at the
// start and the end, and --retries N measures again (up to N more rounds) when only time grew.
//
// Usage: soak_bench [--runs N] [--window N] [--families a,b,...] [--retries N] [--json FILE]

#include "bench_support.hpp"
#include "core/client/run.hpp"
#include "core/clock.hpp"
#include "core/proc_table.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

using namespace forkscope::core;
using forkscope::bench::loadAverage;
using forkscope::bench::statsOf;
using forkscope::bench::writeText;

namespace {

struct Family {
    const char *name;
    const char *scenario;
    std::map<std::string, std::string> params;
};

/// Each a run of a few milliseconds (time scale 0.001) with the family's real machinery.
const std::vector<Family> kFamilies{
    {"processes", "sleepers", {{"kind", "process"}, {"workers", "4"}, {"time-scale", "0.001"}}},
    {"threads", "sleepers", {{"kind", "thread"}, {"workers", "4"}, {"time-scale", "0.001"}}},
    {"queue", "producer-consumer", {{"kind", "process"}, {"items", "20"}, {"time-scale", "0.001"}}},
    {"pipe", "pipe", {{"kind", "process"}, {"time-scale", "0.001"}}},
    {"pool", "pool-map", {{"kind", "process"}, {"workers", "2"}, {"n", "4"}, {"time-scale", "0.001"}}},
    {"shared-value", "shared-value", {{"kind", "process"}, {"workers", "4"}, {"time-scale", "0.001"}}},
    {"gil-lab",
     "cpu-vs-io",
     {{"mode", "gil-threads"}, {"work", "io"}, {"tasks", "2"}, {"seconds", "0.005"}, {"time-scale", "1"}}},
};

struct Options {
    int runs = 1000;
    int window = 100;
    int retries = 0;
    std::vector<std::string> families;
    std::string jsonPath;
};

struct Sample {
    double ms = 0;   ///< Run::start to the result read
    long rssKib = 0; ///< VmRSS after the run
    int fds = 0;     ///< entries in /proc/self/fd after the run
    int threads = 0; ///< entries in /proc/self/task after the run
    int zombies = 0; ///< zombie children after the run
};

[[noreturn]] void usage(const char *problem)
{
    std::fprintf(
        stderr,
        "soak_bench: %s\nusage: soak_bench [--runs N] [--window N] [--families a,b,...] [--retries N] "
        "[--json FILE]\n",
        problem);
    std::exit(2);
}

int positive(const char *flag, const char *text)
{
    char *end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!end || *end || v < 0 || v > 1'000'000)
        usage((std::string(flag) + " needs a whole number from 0 to 1000000").c_str());
    return static_cast<int>(v);
}

Options parse(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : nullptr;
        if ((a == "--runs" || a == "--window" || a == "--retries" || a == "--families" || a == "--json")
            && !next)
            usage((a + " needs a value").c_str());
        if (a == "--runs")
            o.runs = positive("--runs", argv[++i]);
        else if (a == "--window")
            o.window = positive("--window", argv[++i]);
        else if (a == "--retries")
            o.retries = positive("--retries", argv[++i]);
        else if (a == "--json")
            o.jsonPath = argv[++i];
        else if (a == "--families") {
            std::string list = argv[++i];
            for (std::size_t from = 0; from <= list.size();) {
                const std::size_t comma = std::min(list.find(',', from), list.size());
                o.families.push_back(list.substr(from, comma - from));
                from = comma + 1;
            }
        } else
            usage(("unknown argument '" + a + "'").c_str());
    }
    if (o.window < 1 || o.runs < 2 * o.window)
        usage("--runs must be at least twice --window (and --window at least 1)");
    return o;
}

long rssKib()
{
    std::FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmRSS:", 6) == 0)
            kib = std::strtol(line + 6, nullptr, 10);
    std::fclose(f);
    return kib;
}

int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    while (const dirent *e = readdir(d))
        n += e->d_name[0] != '.';
    closedir(d);
    return n - (std::strcmp(dir, "/proc/self/fd") == 0 ? 1 : 0); // the one opendir itself holds
}

int zombieChildren()
{
    int n = 0;
    for (const ProcessInfo &p : readProcesses())
        n += p.state == 'Z' && p.ppid == getpid();
    return n;
}

struct Window {
    double medianMs = 0;
    long maxRssKib = 0;
    int maxFds = 0;
    int maxThreads = 0;
};

Window windowOf(const std::vector<Sample> &samples, std::size_t from, std::size_t count)
{
    Window w;
    std::vector<double> ms;
    for (std::size_t i = from; i < from + count; ++i) {
        ms.push_back(samples[i].ms);
        w.maxRssKib = std::max(w.maxRssKib, samples[i].rssKib);
        w.maxFds = std::max(w.maxFds, samples[i].fds);
        w.maxThreads = std::max(w.maxThreads, samples[i].threads);
    }
    w.medianMs = statsOf(ms).median;
    return w;
}

double growth(double first, double last) { return first > 0 ? (last - first) / first : 0; }

} // namespace

int main(int argc, char **argv)
{
    const Options options = parse(argc, argv);
    std::vector<Plan> plans;
    std::vector<std::string> names;
    for (const Family &f : kFamilies) {
        if (!options.families.empty()
            && std::find(options.families.begin(), options.families.end(), f.name) == options.families.end())
            continue;
        const Scenario *scenario = findScenario(f.scenario);
        Plan plan;
        ParamSet values;
        std::string error;
        if (!scenario || !buildPlan(*scenario, f.params, plan, values, error)) {
            std::fprintf(stderr, "soak_bench: %s: %s\n", f.name,
                         scenario ? error.c_str() : "no such scenario");
            return 2;
        }
        plans.push_back(std::move(plan));
        names.emplace_back(f.name);
    }
    for (const std::string &name : options.families)
        if (std::find(names.begin(), names.end(), name) == names.end())
            usage(("no family '" + name + "'").c_str());
    std::string namesText;
    for (const std::string &n : names)
        namesText += (namesText.empty() ? "" : ", ") + n;
    std::printf("soak_bench: %d runs (families in turn: %s), windows of %d; load average %s\n", options.runs,
                namesText.c_str(), options.window, loadAverage().c_str());

    bool ok = true;
    std::string json;
    for (int round = 0; round <= options.retries; ++round) {
        std::vector<Sample> samples;
        samples.reserve(static_cast<std::size_t>(options.runs));
        int failed = 0;
        std::string firstFailure;
        const std::int64_t started = monotonicNs();
        for (int i = 0; i < options.runs; ++i) {
            const std::size_t family = static_cast<std::size_t>(i) % plans.size();
            const std::int64_t t0 = monotonicNs();
            std::string error;
            auto run = Run::start(plans[family], error);
            if (run) {
                run->wait();
                const RunResult r = run->result();
                if (r.failed() || r.cancelled) {
                    error = r.failed() ? r.error : "cancelled";
                    run.reset();
                }
            }
            if (!run) {
                if (failed++ == 0)
                    firstFailure = names[family] + ": " + error;
            }
            run.reset();
            Sample s;
            s.ms = static_cast<double>(monotonicNs() - t0) / 1e6;
            s.rssKib = rssKib();
            s.fds = entries("/proc/self/fd");
            s.threads = entries("/proc/self/task");
            s.zombies = zombieChildren();
            samples.push_back(s);
        }
        const double totalS = static_cast<double>(monotonicNs() - started) / 1e9;
        const auto n = static_cast<std::size_t>(options.window);
        const Window first = windowOf(samples, 0, n);
        const Window last = windowOf(samples, samples.size() - n, n);
        const double timeGrowth = growth(first.medianMs, last.medianMs);
        const double rssGrowth
            = growth(static_cast<double>(first.maxRssKib), static_cast<double>(last.maxRssKib));
        const double fdGrowth = growth(first.maxFds, last.maxFds);
        const int zombies = samples.back().zombies;
        std::printf("\nround %d: %d runs in %.1f s (%d failed%s%s); load average now %s\n", round + 1,
                    options.runs, totalS, failed, failed ? ", the first: " : "", firstFailure.c_str(),
                    loadAverage().c_str());
        std::printf("                 first %d    last %d    growth   limit\n", options.window,
                    options.window);
        std::printf("time per run   %8.2f ms  %8.2f ms   %+6.1f %%   +10 %%\n", first.medianMs, last.medianMs,
                    100 * timeGrowth);
        std::printf("RSS (max)      %8ld KiB %8ld KiB  %+6.1f %%   +10 %%\n", first.maxRssKib, last.maxRssKib,
                    100 * rssGrowth);
        std::printf("open fds (max) %8d     %8d      %+6.1f %%   +10 %%\n", first.maxFds, last.maxFds,
                    100 * fdGrowth);
        std::printf("threads (max)  %8d     %8d                none\n", first.maxThreads, last.maxThreads);
        std::printf("zombie children at the end: %d\n", zombies);
        const bool resourcesOk = rssGrowth <= 0.10 && fdGrowth <= 0.10 && last.maxThreads <= first.maxThreads
            && zombies == 0 && failed == 0;
        const bool timeOk = timeGrowth <= 0.10;
        char buf[512];
        std::snprintf(buf, sizeof buf,
                      "{\"runs\": %d, \"window\": %d, \"seconds\": %.2f, \"failed\": %d, "
                      "\"time_ms\": [%.3f, %.3f], \"rss_kib\": [%ld, %ld], \"fds\": [%d, %d], "
                      "\"threads\": [%d, %d], \"zombies\": %d, \"load\": \"%s\"}",
                      options.runs, options.window, totalS, failed, first.medianMs, last.medianMs,
                      first.maxRssKib, last.maxRssKib, first.maxFds, last.maxFds, first.maxThreads,
                      last.maxThreads, zombies, loadAverage().c_str());
        json = buf;
        ok = resourcesOk && timeOk;
        if (!resourcesOk || ok)
            break; // a leak does not go away by measuring again; only time is noisy
        std::printf("only the time per run grew: measuring again (the machine may be busier now)\n");
    }
    if (!options.jsonPath.empty() && !writeText(options.jsonPath, json + "\n")) {
        std::fprintf(stderr, "soak_bench: cannot write %s\n", options.jsonPath.c_str());
        return 2;
    }
    std::printf("\n%s\n", ok ? "PASS: nothing grew" : "FAIL: see the growth above");
    return ok ? 0 : 1;
}
