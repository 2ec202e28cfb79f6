// latency_bench: how long the window's event loop keeps a click waiting while it works. A real MainWindow
// (offscreen unless QT_QPA_PLATFORM says otherwise) is driven through what a teacher does — the bank's
// trials, the GIL lab's eight runs, a live run that prints and passes messages as fast as it can, and one
// with 200 workers — while a 10 ms timer on the GUI thread (ui::EventLoopLatencyProbe) records how late it
// fires. Prints p50/p99/max per phase; the target is p99 ≤ 100 ms in every phase.
//
// With --profile it also prints where the GUI thread's time went: per receiver class and event type (a
// queued slot is a MetaCall on its receiver, a repaint a Paint on the widget), the total, count and the
// longest single delivery.
//
// The live producer-consumer phase also reports this process's memory: its resident set before the run and
// at its peak (sampled every turn of the wait), anonymous and shared (the run's event rings) apart, and per
// event the run recorded. Issue 15's budget: about 150 bytes per event, a run of 10 M events (--items
// 1000000) included.
//
// Usage: latency_bench [--trials N] [--lab-seconds S] [--items N] [--only PHASES] [--profile]
// PHASES: a comma-separated list of trials, lab, live, sleepers (default: all four).
// Exit status 1 when a phase did not finish or its p99 is over 100 ms.

#include "bench_support.hpp"
#include "core/clock.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/latency_probe.hpp"
#include "ui/main_window.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QTest>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

using forkscope::bench::loadAverage;
using namespace forkscope::ui;

namespace {

constexpr double kTargetP99Ms = 100;

/// A QApplication that times every event it delivers on the GUI thread, by receiver class (and object name,
/// when it has one: the window's timers are named) and event type; each delivery of 2 ms or more is also
/// kept with its start, to say what the GUI thread was doing while the probe's timer waited.
class ProfilingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool profiling = false;
    struct Cost {
        double totalMs = 0;
        double longestMs = 0;
        long count = 0;
    };
    using Key = std::pair<std::string, int>;
    std::map<Key, Cost> costs;
    struct Delivery {
        std::int64_t startNs = 0; ///< core::monotonicNs
        std::int64_t ns = 0;
        Key key;
    };
    std::vector<Delivery> deliveries; ///< those of 2 ms or more, in the order they ended
    int depth = 0;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!profiling || depth > 0) // nested deliveries count in their outermost one
            return QApplication::notify(receiver, event);
        ++depth;
        // Named before delivery: a DeferredDelete deletes its receiver.
        std::string name = receiver->metaObject()->className();
        if (!receiver->objectName().isEmpty())
            name += " \"" + receiver->objectName().toStdString() + "\"";
        const Key key{std::move(name), static_cast<int>(event->type())};
        const std::int64_t start = forkscope::core::monotonicNs();
        const bool result = QApplication::notify(receiver, event);
        const std::int64_t ns = forkscope::core::monotonicNs() - start;
        const double ms = static_cast<double>(ns) / 1e6;
        --depth;
        Cost &c = costs[key];
        c.totalMs += ms;
        c.longestMs = std::max(c.longestMs, ms);
        ++c.count;
        if (ns >= 2'000'000)
            deliveries.push_back({start, ns, key});
        return result;
    }
};

struct Phase {
    std::string name;
    LatencyFigures figures;
    double wallS = 0;
    bool finished = false;
    std::vector<std::int64_t> lateNs;  ///< the probe's samples
    std::vector<std::int64_t> firedNs; ///< when each came
    std::int64_t startNs = 0;
};

/// This process's resident memory, from /proc/self/status (bytes): all of it, anonymous, shared memory.
struct Resident {
    double total = 0;
    double anon = 0;
    double shmem = 0;
};

Resident resident()
{
    Resident r;
    if (FILE *f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            double kb = 0;
            if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1)
                r.total = kb * 1024;
            else if (std::sscanf(line, "RssAnon: %lf kB", &kb) == 1)
                r.anon = kb * 1024;
            else if (std::sscanf(line, "RssShmem: %lf kB", &kb) == 1)
                r.shmem = kb * 1024;
        }
        std::fclose(f);
    }
    return r;
}

/// Runs `start` and waits until `done` (up to `timeoutMs`), with the probe on.
Phase measure(const std::string &name, EventLoopLatencyProbe &probe, const std::function<bool()> &start,
              const std::function<bool()> &done, int timeoutMs)
{
    Phase phase{name, {}, 0, false, {}, {}, forkscope::core::monotonicNs()};
    probe.start();
    QElapsedTimer timer;
    timer.start();
    if (start())
        phase.finished = QTest::qWaitFor(done, timeoutMs);
    phase.wallS = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    probe.stop();
    phase.figures = probe.figures();
    phase.lateNs = probe.lateNs();
    phase.firedNs = probe.firedNs();
    return phase;
}

} // namespace

int main(int argc, char **argv)
{
    int trials = 100;
    double labSeconds = 0.25;
    int items = 20000;
    bool profile = false;
    std::string only = "trials,lab,live,sleepers";
    const auto usage = [](const std::string &problem) {
        std::fprintf(stderr,
                     "latency_bench: %s\nusage: latency_bench [--trials N] [--lab-seconds S] [--items N] "
                     "[--only trials,lab,live,sleepers] [--profile]\n",
                     problem.c_str());
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::printf("latency_bench: how late a 10 ms timer fires on the window's GUI thread during "
                        "trials, the GIL lab and live runs\nusage: latency_bench [--trials N] "
                        "[--lab-seconds S] [--items N] [--only trials,lab,live,sleepers] [--profile]\n");
            return 0;
        }
        if (flag == "--profile") {
            profile = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage("missing value after " + flag);
        const std::string value = argv[++i];
        if (flag == "--only") {
            only = value;
            for (std::size_t at = 0; at <= value.size();) {
                const std::size_t comma = std::min(value.find(',', at), value.size());
                const std::string name = value.substr(at, comma - at);
                if (name != "trials" && name != "lab" && name != "live" && name != "sleepers")
                    return usage("--only takes phases among trials, lab, live, sleepers, not '" + name + "'");
                at = comma + 1;
            }
            continue;
        }
        char *end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0')
            return usage(flag + " needs a number, not '" + value + "'");
        if (flag == "--trials")
            trials = static_cast<int>(number);
        else if (flag == "--lab-seconds")
            labSeconds = number;
        else if (flag == "--items")
            items = static_cast<int>(number);
        else
            return usage("unknown option " + flag);
    }
    if (trials < 2 || trials > 10000 || labSeconds <= 0 || labSeconds > 60 || items < 1 || items > 1000000)
        return usage("--trials must be 2..10000, --lab-seconds above 0 and at most 60, --items 1..1000000");
    const auto wanted = [&](const std::string &phase) {
        return ("," + only + ",").find("," + phase + ",") != std::string::npos;
    };

    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    ProfilingApplication app(argc, argv);
    // Settings of its own, so a user's remembered parameters neither apply here nor get overwritten.
    QApplication::setOrganizationName(QStringLiteral("Forkscope-bench"));
    QApplication::setApplicationName(QStringLiteral("latency_bench"));
    QSettings().clear();

    std::printf("latency_bench: how late a 10 ms timer fires on the GUI thread (target p99 <= %.0f ms); load "
                "average %s\n\n",
                kTargetP99Ms, loadAverage().c_str());
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QTest::qWait(200);
    EventLoopLatencyProbe probe;
    app.profiling = profile;
    std::vector<Phase> phases;
    const auto set = [&](const char *name, const QString &value) {
        if (!window.setParameter(QString::fromLatin1(name), value))
            std::fprintf(stderr, "latency_bench: the window refused --%s %s\n", name, qPrintable(value));
    };

    // The bank's histogram: N trials without the lock and N with it, side by side.
    if (wanted("trials")) {
        window.selectScenario(QStringLiteral("bank"));
        set("trials", QString::number(trials));
        phases.push_back(measure(
            "bank trials", probe, [&] { return window.runScenario(); },
            [&] { return !window.runningTrials(); }, 600000));
    }

    // The GIL lab: eight runs of cpu-vs-io, one after another.
    if (wanted("lab")) {
        window.selectScenario(QStringLiteral("cpu-vs-io"));
        set("seconds", QString::number(labSeconds));
        phases.push_back(measure(
            "GIL lab", probe, [&] { return window.gilLab()->start(); },
            [&] { return !window.gilLab()->running(); }, 600000));
    }

    // A live run as busy as it gets: every message printed and drawn as an arrow, nobody waiting.
    Resident before;
    Resident peak;
    Resident peakRecording;
    Resident after;
    std::uint64_t liveEvents = 0;
    double peakLiveS = 0;
    // The live run's stages: events coming in (the model live), the run put away (the controller's end on
    // the thread pool: events gathered, lost updates found), the window's end (headline, lanes' results,
    // Focus flows on the thread pool), each with its peak and when it began (monotonic ns; 0: not seen).
    constexpr int kStages = 3;
    const char *const stageNames[kStages] = {"events coming in", "run put away", "window's end"};
    Resident stagePeak[kStages];
    std::int64_t stageStartNs[kStages] = {0, 0, 0};
    std::int64_t liveEndNs = 0;
    std::vector<std::pair<std::int64_t, double>> endSteps; // (monotonic ns, resident bytes) from the end on
    if (wanted("live")) {
        window.selectScenario(QStringLiteral("producer-consumer"));
        set("items", QString::number(items));
        set("capacity", QStringLiteral("100"));
        set("produce", QStringLiteral("0"));
        set("consume", QStringLiteral("0"));
        QElapsedTimer sinceStart;
        before = resident();
        const auto sample = [&] {
            const Resident now = resident();
            if (window.runningTrials() && now.total > peak.total) {
                peak = now;
                peakLiveS = static_cast<double>(sinceStart.nsecsElapsed()) / 1e9;
            }
            // Apart: while events still come in (the model live), before the end is put away.
            if (window.runningTrials() && window.controller().model().live()
                && now.total > peakRecording.total)
                peakRecording = now;
            if (!window.runningTrials())
                return;
            const int stage = window.controller().model().live() ? 0 : window.controller().running() ? 1 : 2;
            if (!stageStartNs[stage])
                stageStartNs[stage] = forkscope::core::monotonicNs();
            if (now.total > stagePeak[stage].total)
                stagePeak[stage] = now;
            if (stage > 0) // the end's memory, by half-second steps: its highest in each
                endSteps.emplace_back(forkscope::core::monotonicNs(), now.total);
        };
        phases.push_back(measure(
            "live producer-consumer", probe,
            [&] {
                sinceStart.start();
                return window.runScenario();
            },
            [&] {
                sample();
                return !window.runningTrials();
            },
            1800000));
        liveEvents = window.controller().model().eventCount();
        liveEndNs = forkscope::core::monotonicNs();
        after = resident();
    }

    // A live run with 200 lanes.
    if (wanted("sleepers")) {
        window.selectScenario(QStringLiteral("sleepers"));
        set("kind", QStringLiteral("thread"));
        set("workers", QStringLiteral("200"));
        set("sleep", QStringLiteral("1"));
        phases.push_back(measure(
            "live sleepers, 200 threads", probe, [&] { return window.runScenario(); },
            [&] { return !window.runningTrials(); }, 600000));
    }
    app.profiling = false;

    std::printf("%-28s %8s %8s %9s %9s %9s   %s\n", "phase", "wall s", "samples", "p50 ms", "p99 ms",
                "max ms", "verdict");
    int failures = 0;
    for (const Phase &p : phases) {
        const bool ok = p.finished && p.figures.p99Ms <= kTargetP99Ms;
        failures += !ok;
        std::printf("%-28s %8.2f %8zu %9.1f %9.1f %9.1f   %s\n", p.name.c_str(), p.wallS, p.figures.samples,
                    p.figures.p50Ms, p.figures.p99Ms, p.figures.maxMs,
                    !p.finished ? "did not finish"
                        : ok    ? "met"
                                : "MISSED");
    }
    if (liveEvents > 0) {
        const double events = static_cast<double>(liveEvents);
        const auto mb = [](double bytes) { return bytes / (1024.0 * 1024.0); };
        std::printf(
            "\nlive producer-consumer: %.0f events; resident %.0f MB before the run (anon %.0f, shm %.0f), "
            "%.0f MB at its peak while live (anon %.0f, shm %.0f; %.1f s in), %.0f MB after it ended\n",
            events, mb(before.total), mb(before.anon), mb(before.shmem), mb(peak.total), mb(peak.anon),
            mb(peak.shmem), peakLiveS, mb(after.total));
        std::printf("per event while live: %.0f bytes in all, %.0f anonymous (events kept, model, console), "
                    "%.0f shared (the run's event rings); after: %.0f\n",
                    (peak.total - before.total) / events, (peak.anon - before.anon) / events,
                    (peak.shmem - before.shmem) / events, (after.total - before.total) / events);
        std::printf(
            "(the peak includes the end being put away; while events still came in: %.0f bytes in all, "
            "%.0f anonymous, %.0f shared)\n",
            (peakRecording.total - before.total) / events, (peakRecording.anon - before.anon) / events,
            (peakRecording.shmem - before.shmem) / events);
        for (int stage = 0; stage < kStages; ++stage) {
            if (!stageStartNs[stage])
                continue;
            const std::int64_t next
                = stage + 1 < kStages && stageStartNs[stage + 1] ? stageStartNs[stage + 1] : liveEndNs;
            std::printf("  stage %-17s %6.2f s long: peak %.0f bytes/event (anon %.0f, shm %.0f)\n",
                        stageNames[stage], static_cast<double>(next - stageStartNs[stage]) / 1e9,
                        (stagePeak[stage].total - before.total) / events,
                        (stagePeak[stage].anon - before.anon) / events,
                        (stagePeak[stage].shmem - before.shmem) / events);
        }
        if (!endSteps.empty()) {
            std::printf("  from the end on, highest bytes/event in each half second:");
            const std::int64_t first = endSteps.front().first;
            double high = 0;
            std::int64_t step = 0;
            for (const auto &[ns, total] : endSteps) {
                if ((ns - first) / 500'000'000 != step) {
                    std::printf(" %.0f", (high - before.total) / events);
                    step = (ns - first) / 500'000'000;
                    high = 0;
                }
                high = std::max(high, total);
            }
            std::printf(" %.0f\n", (high - before.total) / events);
        }
    }
    if (profile) {
        std::vector<std::pair<std::pair<std::string, int>, ProfilingApplication::Cost>> sorted(
            app.costs.begin(), app.costs.end());
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto &a, const auto &b) { return a.second.totalMs > b.second.totalMs; });
        std::printf("\nGUI thread time by receiver and event type (all phases), top 15:\n");
        std::printf("%-32s %6s %10s %8s %11s\n", "receiver", "event", "total ms", "count", "longest ms");
        for (std::size_t i = 0; i < std::min<std::size_t>(15, sorted.size()); ++i) {
            const auto &[key, cost] = sorted[i];
            std::printf("%-32s %6d %10.1f %8ld %11.1f\n", key.first.c_str(), key.second, cost.totalMs,
                        cost.count, cost.longestMs);
        }
        std::printf(
            "(event types: 12 Paint, 43 MetaCall (a queued slot), 1 Timer (a QTimer's slots: refreshes, the "
            "console's inserting), 76 LayoutRequest, 77 UpdateRequest (the window repainted)\n");
    }
    if (profile)
        for (const Phase &p : phases) {
            // What the GUI thread was delivering while the probe waited over 100 ms: for each such wait, the
            // deliveries of 2 ms or more overlapping it, their overlap summed by receiver and event type.
            std::map<ProfilingApplication::Key, std::pair<double, int>> blame; // ms overlapped, waits
            double waitedMs = 0;
            double coveredMs = 0;
            int waits = 0;
            std::vector<std::pair<double, std::string>> worst; // (late ms, at s: what)
            for (std::size_t i = 0; i < p.lateNs.size(); ++i) {
                if (p.lateNs[i] <= 100'000'000)
                    continue;
                ++waits;
                const std::int64_t to = p.firedNs[i];
                const std::int64_t from = to - p.lateNs[i] - std::int64_t{probe.intervalMs()} * 1'000'000;
                waitedMs += static_cast<double>(to - from) / 1e6;
                std::map<ProfilingApplication::Key, double> here;
                for (const auto &d : app.deliveries) {
                    const std::int64_t overlap = std::min(to, d.startNs + d.ns) - std::max(from, d.startNs);
                    if (overlap > 0)
                        here[d.key] += static_cast<double>(overlap) / 1e6;
                }
                std::string what;
                for (const auto &[key, ms] : here) {
                    blame[key].first += ms;
                    ++blame[key].second;
                    coveredMs += ms;
                    char part[200];
                    std::snprintf(part, sizeof part, "%s%s/%d %.0f", what.empty() ? "" : ", ",
                                  key.first.c_str(), key.second, ms);
                    what += part;
                }
                char line[160];
                std::snprintf(line, sizeof line,
                              "at %6.2f s, waited %4.0f ms: ", static_cast<double>(from - p.startNs) / 1e9,
                              static_cast<double>(to - from) / 1e6);
                worst.emplace_back(
                    static_cast<double>(p.lateNs[i]) / 1e6,
                    line + (what.empty() ? std::string("(no delivery of 2 ms or more)") : what));
            }
            if (!waits)
                continue;
            std::printf(
                "\n%s: %d waits over 100 ms, %.0f ms in all; deliveries of 2 ms or more cover %.0f ms "
                "of them (the rest: the thread not scheduled, or the event loop between deliveries)\n",
                p.name.c_str(), waits, waitedMs, coveredMs);
            std::vector<std::pair<ProfilingApplication::Key, std::pair<double, int>>> sorted(blame.begin(),
                                                                                             blame.end());
            std::sort(sorted.begin(), sorted.end(),
                      [](const auto &a, const auto &b) { return a.second.first > b.second.first; });
            for (std::size_t k = 0; k < std::min<std::size_t>(8, sorted.size()); ++k)
                std::printf("  %-40s %6d %9.0f ms in %d waits\n", sorted[k].first.first.c_str(),
                            sorted[k].first.second, sorted[k].second.first, sorted[k].second.second);
            std::sort(worst.begin(), worst.end(),
                      [](const auto &a, const auto &b) { return a.first > b.first; });
            std::printf("  the longest waits:\n");
            for (std::size_t k = 0; k < std::min<std::size_t>(10, worst.size()); ++k)
                std::printf("    %s\n", worst[k].second.c_str());
            if (p.name == "live producer-consumer")
                for (int stage = 0; stage < kStages; ++stage)
                    if (stageStartNs[stage])
                        std::printf("  (stage %s began at %.2f s)\n", stageNames[stage],
                                    static_cast<double>(stageStartNs[stage] - p.startNs) / 1e9);
        }
    std::printf("\nload average now %s\n", loadAverage().c_str());
    return failures ? 1 : 0;
}
