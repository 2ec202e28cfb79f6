#pragma once

#include "core/event.hpp"
#include "core/analysis/gil_lab.hpp"
#include "core/client/run.hpp"

#include <functional>
#include <string>
#include <vector>

namespace forkscope::app {

/// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130 };

/// Runs the command line (`list`, `run`, `--help`, `--version`). `args` excludes the program name.
int runCommandLine(const std::vector<std::string> &args);

/// Writes a finished run's timeline picture to `path` (.png, .svg or .pdf); returns "" or what went wrong.
/// The GUI build installs one (see app/main.cpp); without it --png/--svg/--pdf are refused.
using TimelineExporter = std::function<std::string(const core::RunResult &, const std::vector<core::Event> &,
                                                   const std::string &title, const std::string &path)>;
void setTimelineExporter(TimelineExporter exporter);

/// One series of the trials histogram: its label ("without lock") and the trials' final values.
struct TrialsSeries {
    std::string label;
    std::vector<std::int64_t> finals;
};
/// Writes the histogram of trials' final values (the series side by side) to `path`; returns "" or the problem.
using ChartExporter = std::function<std::string(const std::string &title, std::int64_t expected,
                                                const std::vector<TrialsSeries> &series, const std::string &path)>;
void setChartExporter(ChartExporter exporter);

/// Writes the GIL lab's chart (wall time and speedup against sequential for every mode and both kinds of
/// work, each run with `tasks` tasks, on a machine with `cores` cores) to `path` (.png, .svg or .pdf);
/// returns "" or the problem.
using SpeedupChartExporter = std::function<std::string(const std::string &title, const std::vector<core::LabTiming> &table,
                                                       int tasks, int cores, const std::string &path)>;
void setSpeedupChartExporter(SpeedupChartExporter exporter);

/// The usage text printed by --help.
std::string usageText();

} // namespace forkscope::app
