#pragma once

#include "core/analysis/gil_lab.hpp"
#include "core/client/run.hpp"
#include "core/event.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace forkscope::app {

/// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130 };

/// What a timeline picture shows (`--focus`).
enum class PictureFocus {
    Auto,       ///< the focus view that fits the run (ui::focusFor), else the whole timeline: the default
    Timeline,   ///< the whole run's timeline
    LostUpdate, ///< the run's first lost update, both read → write pairs wide
    Sequence,   ///< a pipe's messages as a sequence diagram
    QueueFill,  ///< a bounded queue's fill level and who waited
    Dispatch,   ///< which worker took which message
    Gil,        ///< threads taking turns on the GIL
};

/// The names --focus takes ("auto", "timeline", "lost-update", "sequence", "queue-fill", "dispatch", "gil")
/// with what each asks for, in that order.
const std::vector<std::pair<std::string, PictureFocus>> &pictureFocusNames();

/// What a run's timeline picture says besides the timeline itself.
struct TimelinePicture {
    std::string headline;             ///< the run's lesson (core::headline): the slide's title
    std::string caption;              ///< the scenario and its parameters (core::caption), under it
    const core::Plan *plan = nullptr; ///< the plan run: which variables are lists, for the lanes' results
    bool details = false;             ///< --details: pids, tids, process headers, printed lines
    PictureFocus focus = PictureFocus::Auto; ///< --focus
};

/// Writes a finished run's timeline picture to `path` (.png, .svg or .pdf); returns "" or what went wrong
/// (a focus the run does not have included).
using TimelineExporter = std::function<std::string(const core::RunResult &, const std::vector<core::Event> &,
                                                   const TimelinePicture &picture, const std::string &path)>;

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

/// One run of a comparison as its picture shows it.
struct ComparedRunPicture {
    std::map<std::string, std::string> params; ///< every parameter as run (runs are named by what differs)
    std::string headline;                      ///< the run's own lesson in one sentence
    const core::RunResult *result = nullptr;
    const std::vector<core::Event> *events = nullptr;
};
/// Writes the runs of `--compare` stacked on one time axis, under the comparison's headline, to `path`
/// (.png, .svg or .pdf); returns "" or what went wrong.
using ComparisonExporter
    = std::function<std::string(const std::vector<ComparedRunPicture> &runs, const std::string &path)>;

/// What the command line can draw. The desktop build fills it with Qt exporters (app/main.cpp); a build
/// without Qt leaves it empty, and --png, --svg, --pdf and --chart are then refused as usage errors.
struct Exporters {
    TimelineExporter timeline;         ///< --png, --svg, --pdf
    ChartExporter trialsChart;         ///< --chart of a scenario run as trials (the bank)
    SpeedupChartExporter speedupChart; ///< --chart of cpu-vs-io --all-modes
    /// Called once, before the first run, when the command will draw something: the place to start the
    /// drawing machinery (an offscreen QApplication) before any run's threads exist.
    std::function<void()> prepare;
    ComparisonExporter comparison; ///< --png, --svg, --pdf with --compare
};

/// Runs the command line (`list`, `run`, `open`, `help`, `--help`, `--version`). `args` excludes the
/// program name. Usage errors print a message naming the argument and what is allowed and return
/// kExitUsage; nothing runs and no file is written then.
int runCommandLine(const std::vector<std::string> &args, const Exporters &exporters = {});

/// The usage text printed by --help.
std::string usageText();

/// What `forkscope open [ID] [--name value ...] [--run]` asks the window for.
struct OpenRequest {
    std::string scenario;     ///< the scenario to select
    std::string scenarioFile; ///< when it is a user's file: its path (the window adds it to the browser)
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
