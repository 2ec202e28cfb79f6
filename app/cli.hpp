#pragma once

#include "core/analysis/gil_lab.hpp"
#include "core/client/run.hpp"
#include "core/event.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace forkscope::app {

/// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130 };

/// Writes a finished run's timeline picture to `path` (.png, .svg or .pdf); returns "" or what went wrong.
using TimelineExporter = std::function<std::string(const core::RunResult &, const std::vector<core::Event> &,
                                                   const std::string &title, const std::string &path)>;

/// One series of the trials histogram: its label ("without lock"), the trials' final values, and whether
/// its setting has the lock.
struct TrialsSeries {
    std::string label;
    std::vector<std::int64_t> finals;
    bool locked = false;
};
/// Writes the histogram of trials' final values (the series side by side, `caption` under the title that
/// states the result) to `path`; returns "" or the problem.
using ChartExporter
    = std::function<std::string(const std::string &caption, std::int64_t expected,
                                const std::vector<TrialsSeries> &series, const std::string &path)>;

/// Writes the GIL lab's chart (wall time and speedup against sequential for every mode and both kinds of
/// work, each run with `tasks` tasks, on a machine with `cores` cores) to `path` (.png, .svg or .pdf);
/// returns "" or the problem.
using SpeedupChartExporter
    = std::function<std::string(const std::string &title, const std::vector<core::LabTiming> &table,
                                int tasks, int cores, const std::string &path)>;

/// What the command line can draw. The desktop build fills it with Qt exporters (app/main.cpp); a build
/// without Qt leaves it empty, and --png, --svg, --pdf and --chart are then refused as usage errors.
struct Exporters {
    TimelineExporter timeline;         ///< --png, --svg, --pdf
    ChartExporter trialsChart;         ///< --chart of a scenario run as trials (the bank)
    SpeedupChartExporter speedupChart; ///< --chart of cpu-vs-io --all-modes
    /// Called once, before the first run, when the command will draw something: the place to start the
    /// drawing machinery (an offscreen QApplication) before any run's threads exist.
    std::function<void()> prepare;
};

/// Runs the command line (`list`, `run`, `open`, `help`, `--help`, `--version`). `args` excludes the
/// program name. Usage errors print a message naming the argument and what is allowed and return
/// kExitUsage; nothing runs and no file is written then.
int runCommandLine(const std::vector<std::string> &args, const Exporters &exporters = {});

/// The usage text printed by --help.
std::string usageText();

/// What `forkscope open [ID] [--name value ...] [--run]` asks the window for.
struct OpenRequest {
    std::string scenario;                                    ///< the scenario to select
    std::vector<std::pair<std::string, std::string>> params; ///< (name, value) in the order given
    bool run = false;                                        ///< --run: start it at once
};

/// Parses the arguments of `open` (`args[0]` is "open"); without an id the parameters are those of
/// `fallbackScenario` (the one the window shows). Parameter values are not checked here (the window's
/// editors do). Returns nothing when the window should open with `request`; otherwise the exit code, after
/// printing the usage (--help: kExitOk) or a usage error (kExitUsage).
std::optional<int> parseOpenCommand(const std::vector<std::string> &args, const std::string &fallbackScenario,
                                    OpenRequest &request);

} // namespace forkscope::app
