#pragma once

#include <string>
#include <vector>

namespace forkscope::app {

/// Exit codes of the command line.
enum ExitCode { kExitOk = 0, kExitRunFailed = 1, kExitUsage = 2, kExitInterrupted = 130 };

/// Runs the command line (`list`, `run`, `--help`, `--version`). `args` excludes the program name.
int runCommandLine(const std::vector<std::string> &args);

/// The usage text printed by --help.
std::string usageText();

} // namespace forkscope::app
