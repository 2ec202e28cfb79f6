// bank_trials_window: the histogram's wall time as the window makes it. A MainWindow (offscreen platform
// unless QT_QPA_PLATFORM says otherwise), the bank selected, its kind and trials set, Run pressed; timed
// until the window has shown how the batch ended (both series in the chart, the trial to show built, the
// buttons back). Everything a user waits for, GUI included; bank_trials_bench times the same trials
// without a window.
//
// Usage: bank_trials_window [--trials N] [--batches B] [--kinds thread,process]
// Exit status 1 when Run did not start, a series did not get all its trials or a trial with the lock went
// wrong.

#include "bench_support.hpp"
#include "ui/main_window.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSettings>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

using forkscope::bench::loadAverage;
using forkscope::bench::statsOf;

int main(int argc, char **argv)
{
    int trials = 100;
    int batches = 3;
    std::vector<std::string> kinds = {"thread", "process"};
    const auto usage = [](const char *problem) {
        std::fprintf(stderr,
                     "bank_trials_window: %s\nusage: bank_trials_window [--trials N] [--batches B] "
                     "[--kinds thread,process]\n",
                     problem);
        return 2;
    };
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::printf(
                "bank_trials_window: times Run on the bank in the window, N trials without the lock and "
                "N with it\nusage: bank_trials_window [--trials N] [--batches B] [--kinds thread,process]\n");
            return 0;
        }
        if (i + 1 >= argc)
            return usage(("missing value after " + flag).c_str());
        const std::string value = argv[i + 1];
        if (flag == "--trials") {
            trials = std::atoi(value.c_str());
        } else if (flag == "--batches") {
            batches = std::atoi(value.c_str());
        } else if (flag == "--kinds") {
            kinds.clear();
            for (std::size_t at = 0; at <= value.size();) {
                const std::size_t comma = std::min(value.find(',', at), value.size());
                kinds.push_back(value.substr(at, comma - at));
                at = comma + 1;
            }
        } else {
            return usage(("unknown option " + flag).c_str());
        }
    }
    if (trials < 2 || batches < 1)
        return usage(
            "--trials must be at least 2 (one trial is a single run to watch), --batches at least 1");
    for (const std::string &kind : kinds)
        if (kind != "thread" && kind != "process")
            return usage(("unknown kind '" + kind + "'").c_str());
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Settings of its own, so a user's remembered parameters neither apply here nor get overwritten.
    QApplication::setOrganizationName(QStringLiteral("Forkscope-bench"));
    QApplication::setApplicationName(QStringLiteral("bank_trials_window"));
    QSettings().clear();

    std::printf(
        "bank_trials_window: Run on the bank in the window, %d trials without the lock and %d with it; "
        "load average %s\n\n",
        trials, trials, loadAverage().c_str());
    std::printf("%-8s %9s %15s %12s   %s\n", "kind", "wall s", "wrong without", "wrong with", "load average");
    int failures = 0;
    std::map<std::string, std::vector<double>> walls;
    for (int b = 0; b < batches; ++b) {
        for (const std::string &kind : kinds) {
            forkscope::ui::MainWindow window;
            window.resize(1400, 900);
            window.show();
            if (!window.selectScenario(QStringLiteral("bank"))
                || !window.setParameter(QStringLiteral("kind"), QString::fromStdString(kind))
                || !window.setParameter(QStringLiteral("trials"), QString::number(trials))) {
                std::fprintf(stderr, "bank_trials_window: the window refused the bank's parameters\n");
                return 1;
            }
            QEventLoop loop;
            // Connected after the window's own slot, so the loop ends once the window has shown the end.
            QObject::connect(&window.trialRunner(), &forkscope::ui::TrialRunner::finished, &loop,
                             &QEventLoop::quit);
            const std::string load = loadAverage();
            QElapsedTimer timer;
            timer.start();
            if (!window.runScenario()) {
                std::fprintf(stderr, "bank_trials_window: Run did not start\n");
                return 1;
            }
            loop.exec();
            const double wall = static_cast<double>(timer.nsecsElapsed()) / 1e9;
            const auto &series = window.trialHistory().series();
            const int without = series.size() > 0 ? series[0].wrong(100) : -1;
            const int with = series.size() > 1 ? series[1].wrong(100) : -1;
            const std::size_t n0 = series.size() > 0 ? series[0].finals.size() : 0;
            const std::size_t n1 = series.size() > 1 ? series[1].finals.size() : 0;
            std::printf("%-8s %9.2f %8d/%-6zu %5d/%-6zu   %s\n", kind.c_str(), wall, without, n0, with, n1,
                        load.c_str());
            std::fflush(stdout);
            walls[kind].push_back(wall);
            failures += with != 0 || n0 != static_cast<std::size_t>(trials)
                || n1 != static_cast<std::size_t>(trials);
        }
    }
    std::printf("\n%-8s %7s %9s %7s %7s\n", "kind", "batches", "median s", "min s", "max s");
    for (const auto &[kind, w] : walls) {
        const auto st = statsOf(w);
        std::printf("%-8s %7zu %9.2f %7.2f %7.2f\n", kind.c_str(), w.size(), st.median, st.min, st.max);
    }
    std::printf("\nload average now %s\n", loadAverage().c_str());
    if (failures)
        std::fprintf(stderr,
                     "bank_trials_window: %d batches fell short of their trials or went wrong with the "
                     "lock\n",
                     failures);
    return failures ? 1 : 0;
}
