#pragma once

// The command line's grammar, parsed with CLI11 in two steps: the command and its scenario id first, then
// the options that scenario takes (its parameters are known only once the id is). Every refusal is a usage
// error (exit 2) whose message names the argument and what is allowed. Internal to app/.

#include "app/cli.hpp"
#include "core/analysis/comparison.hpp"
#include "core/saved_run/saved_run.hpp"
#include "core/scenario/scenarios.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace forkscope::app {

/// Prints "forkscope: MESSAGE" and a pointer to --help on stderr; returns kExitUsage.
int usageError(const std::string &message);

/// The built-in scenarios' ids, comma-separated, in browser order.
std::string scenarioIds();

/// Step one: the command, and for `run` and `open` the scenario id and the arguments after it.
struct Command {
    std::string name; ///< "list", "run", "open", "open-run" or "help"; empty for --help or --version alone
    std::string
        scenario; ///< run and open: the scenario id, open-run: the saved run's file; "" when not given
    std::vector<std::string> rest; ///< run and open: the arguments after the id, in order, for step two
    bool help = false;             ///< --help or -h anywhere, or the help command
    bool version = false;          ///< --version alone
};

/// Finds the command in `args` (without the program name). Returns kExitOk with `out` filled, or prints a
/// usage error (an unknown command, `list` or `--version` with arguments) and returns kExitUsage.
int parseCommand(const std::vector<std::string> &args, Command &out);

/// "unknown scenario 'ID' (one of: ...)".
std::string unknownScenario(const std::string &id);

/// Whether a scenario argument names a file (ends in .json or holds a '/') rather than a built-in id.
bool isScenarioFile(const std::string &arg);
/// The scenario an argument names: a built-in id, or a file, read and kept (core::addScenario). On failure
/// prints why (every problem of a file, with its place) and sets `rc` to the exit code.
const core::Scenario *resolveScenario(const std::string &arg, int &rc);

/// What `forkscope run ID ...` asks for, checked.
struct RunArgs {
    const core::Scenario *scenario = nullptr;
    std::map<std::string, std::string> params;                 ///< the scenario's parameters as given,
                                                               ///< then the --preset's for the others
    std::string preset;                                        ///< --preset: the preset's id, or ""
    std::string tracePath;                                     ///< --trace
    std::string summaryPath;                                   ///< --summary
    std::vector<std::pair<std::string, std::string>> pictures; ///< (flag, path) for --png/--svg/--pdf
    PictureFocus focus = PictureFocus::Auto;                   ///< --focus: what the pictures show
    std::string chartPath;        ///< --chart: the trials histogram (or speedups)
    bool allModes = false;        ///< --all-modes: the GIL lab's 8 runs
    bool details = false;         ///< --details: the pictures show pids, tids and process headers
    core::CompareRequest compare; ///< --compare PARAM=A,B[,C]: one run per value (empty param: not asked)
    std::string savePath;         ///< --save FILE.fsrun: the run kept whole, to open again (open-run)
};

/// Step two of `run`: the scenario `command` names and the options it takes. Refuses, before anything runs,
/// a missing or unknown scenario, a missing or repeated value, an unknown option, an output that cannot be
/// written or that another output also names, pictures this build cannot draw (`exporters`), a --preset
/// that names no preset of the scenario, and a --compare that is malformed, names no parameter of the
/// scenario, gives fewer than two or more than three values or a value the parameter does not allow, or goes
/// with an option that shows one run.
/// Parameter values themselves are checked by buildPlan. Returns kExitOk with `out` filled, or kExitUsage
/// after printing what is wrong.
int parseRunArgs(const Command &command, const Exporters &exporters, RunArgs &out);

/// `forkscope open-run FILE.fsrun [outputs]`: reads the saved run (`saved`) and the outputs asked for into
/// `out` (its scenario is the one the run was made from). Refuses, before anything is written, a file that is
/// not a saved run Forkscope can read (saying what is wrong with it), a parameter (a saved run shows what
/// ran), outputs the saved kind has not (a GIL lab's table has only --chart; one run has no trials chart),
/// and every output `run` would refuse. Returns kExitOk or kExitUsage after printing what is wrong.
int parseOpenRunArgs(const Command &command, const Exporters &exporters, RunArgs &out, core::SavedRun &saved);

// The scenario commands (app/cli_files.cpp).
/// `forkscope list`: every built-in scenario, and any that could not be read.
int listScenarios();
/// `--help`, or `run ID --help` / `open ID --help`: that scenario's own parameters, from its file.
int showHelp(const Command &command);
/// `forkscope check FILE.json`: 0 when the file is a scenario Forkscope can run, else 2 listing every problem.
int checkScenarioFile(const Command &command);
/// `forkscope new FILE.json --from ID`: a copy of a built-in scenario (and its Python twin) to edit.
int newScenarioFile(const Command &command);

} // namespace forkscope::app
