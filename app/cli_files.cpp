// The scenario commands: list, check, new, and the help text (the whole usage, or one scenario's own
// parameters, generated from its file).

#include "app/cli_args.hpp"
#include "core/scenario/scenario_copy.hpp"
#include "core/scenario/scenario_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace forkscope::app {

using namespace forkscope::core;

namespace {

std::string readWhole(const std::string &path, bool &ok)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    ok = static_cast<bool>(in) || in.eof();
    return text.str();
}

/// One scenario's parameters, as `run ID --help` shows them.
std::string scenarioHelp(const Scenario &s)
{
    std::string text = "forkscope run " + (s.builtin ? s.id : s.sourcePath)
        + (s.presets.empty() ? "" : " [--preset ID]") + " [--name value ...]\n\n" + s.title + "\n"
        + (s.summary.empty() ? std::string() : s.summary + "\n") + "\nParameters:\n";
    for (const ParamSpec &p : s.params) {
        text += "  --" + p.name + " (" + p.allowed() + "; default " + p.defaultValue + ")\n";
        if (!p.help.empty())
            text += "      " + p.help + "\n";
    }
    if (!s.presets.empty())
        text += "\nPresets (--preset ID; a parameter given beside it wins):\n";
    for (const ScenarioPreset &preset : s.presets) {
        text += "  " + preset.id + std::string(preset.id.size() < 12 ? 12 - preset.id.size() : 1, ' ')
            + preset.name + ":";
        for (const auto &[name, value] : preset.params)
            text += " --" + name + " " + value;
        text += "\n";
    }
    text += "\nOutputs and other options: forkscope --help\n";
    if (!s.sourcePath.empty())
        text += "Scenario file: " + s.sourcePath + "\n";
    return text;
}

} // namespace

int listScenarios()
{
    for (const auto &s : builtinScenarios())
        std::printf("%-18s %s\n", s.id.c_str(), s.summary.c_str());
    // A built-in file that cannot be read is a broken install: say so rather than hide the lesson.
    if (const std::string problems = builtinScenarioProblems(); !problems.empty()) {
        std::fprintf(stderr, "forkscope: some scenario files in %s could not be read:\n%s",
                     builtinScenarioDirectory().c_str(), problems.c_str());
        return kExitRunFailed;
    }
    return kExitOk;
}

int showHelp(const Command &command)
{
    if ((command.name == "run" || command.name == "open") && !command.scenario.empty()) {
        int rc = kExitOk;
        const Scenario *s = resolveScenario(command.scenario, rc);
        if (!s)
            return rc;
        std::fputs(scenarioHelp(*s).c_str(), stdout);
        return kExitOk;
    }
    std::fputs(usageText().c_str(), stdout);
    return kExitOk;
}

int checkScenarioFile(const Command &command)
{
    if (command.scenario.empty())
        return usageError("'check' needs a scenario file (FILE.json)");
    if (!command.rest.empty())
        return usageError("'check' takes one file (got '" + command.rest.front() + "' after it)");
    Scenario s;
    std::vector<ScenarioProblem> problems;
    if (!loadScenarioFile(command.scenario, s, problems)) {
        std::fprintf(stderr, "%s", problemsText(problems).c_str());
        std::fprintf(stderr, "forkscope: %zu problem%s in %s\n", problems.size(),
                     problems.size() == 1 ? "" : "s", command.scenario.c_str());
        return kExitUsage;
    }
    std::printf("%s: a scenario Forkscope can run: '%s' (%s), %zu parameter%s\n", command.scenario.c_str(),
                s.id.c_str(), s.title.c_str(), s.params.size(), s.params.size() == 1 ? "" : "s");
    return kExitOk;
}

int newScenarioFile(const Command &command)
{
    namespace fs = std::filesystem;
    const std::string &path = command.scenario;
    if (path.empty())
        return usageError("'new' needs the file to write (FILE.json) and --from ID");
    if (!isScenarioFile(path) || fs::path(path).extension() != ".json")
        return usageError("'new' writes a .json file (got '" + path + "')");
    std::string from;
    for (std::size_t i = 0; i < command.rest.size(); ++i) {
        if (command.rest[i] == "--from" && i + 1 < command.rest.size())
            from = command.rest[++i];
        else if (command.rest[i].rfind("--from=", 0) == 0)
            from = command.rest[i].substr(7);
        else
            return usageError("'new' takes only --from ID (got '" + command.rest[i] + "')");
    }
    if (from.empty())
        return usageError(
            "'new' needs --from ID: the built-in scenario to start from (one of: " + scenarioIds() + ")");
    const Scenario *base = findScenario(from);
    if (!base || !base->builtin)
        return usageError(unknownScenario(from));
    std::string problem;
    const std::string id = copyIdForPath(path, problem);
    if (id.empty())
        return usageError(problem);
    // The copy is the user's own: its id is its file's name, its twin the copied Python beside it (the
    // window's Save a Copy… writes the same).
    ScenarioCopySource source;
    bool ok = false;
    source.text = readWhole(base->sourcePath, ok);
    if (!ok)
        return usageError("cannot read " + base->sourcePath);
    source.builtin = true;
    source.hasTwin = !base->codeFile.empty();
    if (source.hasTwin) {
        source.twinText = readWhole(base->pythonPath(), ok);
        if (!ok)
            return usageError("cannot read " + base->pythonPath());
    }
    for (const std::string &out : {path, source.hasTwin ? copyTwinPath(path, id) : std::string()})
        if (!out.empty() && fs::exists(out))
            return usageError("'" + out + "' exists already; 'new' never overwrites a file");
    std::string twin;
    problem = writeScenarioCopy(source, path, false, twin);
    if (!problem.empty()) {
        std::fprintf(stderr, "forkscope: %s\n", problem.c_str());
        return kExitRunFailed;
    }
    std::printf("wrote %s (scenario '%s', from '%s')%s\n", path.c_str(), id.c_str(), from.c_str(),
                twin.empty() ? "" : (" and " + twin).c_str());
    return kExitOk;
}

std::string usageText()
{
    std::string text
        = "Usage: forkscope                      open the desktop lab\n"
          "       forkscope open ID|FILE.json [--name value ...] [--run]\n"
          "                                      open it on a scenario with these parameters (and run it)\n"
          "       forkscope list                 list the scenarios\n"
          "       forkscope run ID [options]     run a scenario headless and print what it printed\n"
          "       forkscope run FILE.json [options]\n"
          "                                      run a scenario file (docs/scenario-format.md)\n"
          "       forkscope run ID --help        that scenario's own parameters\n"
          "       forkscope open-run FILE.fsrun [--png F] [--svg F] [--pdf F] [--trace F] [--summary F]\n"
          "                         [--chart F] [--focus VIEW] [--details]\n"
          "                                      a run saved with --save (or File > Save Run): print its\n"
          "                                      result and export it again without running it\n"
          "       forkscope check FILE.json      check a scenario file: every problem, with its line and "
          "column\n"
          "       forkscope new FILE.json --from ID\n"
          "                                      start a scenario file from a built-in one (and its Python "
          "twin)\n"
          "       forkscope --help | --version\n"
          "\n"
          "Options of 'run' (each applies only where the scenario has it; see 'forkscope list'):\n"
          "  --kind K          sequential | thread | process\n"
          "  --workers N       how many workers (at most 256 processes or 1024 threads)\n"
          "  --sleep S         seconds each sleep lasts\n"
          "  --join on|off     whether main waits for its workers\n"
          "  --time-scale X    multiply every duration by X (0 to 100; 0.01 turns 2 s into 20 ms)\n"
          "  --lock on|off, --updates N, --think S, --trials K, --tight on|off, --trial-shape race|same\n"
          "                    the bank: guard updates with a lock, how many, the read-to-write gap, "
          "repeats;\n"
          "                    --tight on: no sleeps and no think time, updates as fast as the cores go;\n"
          "                    with more than one trial each is a short race (--trial-shape same: the "
          "updates,\n"
          "                    think and sleep given); --trials 1 runs the given shape once\n"
          "  --items N, --capacity N, --produce S, --consume S, --messages N, --delay S\n"
          "                    queues and pipes: how many items, the queue's size, each side's time per "
          "item\n"
          "  --n N, --chunk N, --work S\n"
          "                    pool-map: map over 1..N, items per task message, computing time per item\n"
          "  --work cpu|io, --mode sequential|gil-threads|threads|processes, --tasks N, --seconds S,\n"
          "  --switch-interval S\n"
          "                    cpu-vs-io (the GIL lab): N tasks of S seconds of prime counting or of "
          "waiting,\n"
          "                    one after another, as threads under a GIL, as free threads or as processes;\n"
          "                    a waiting thread asks for the GIL after S (default 0.005, not time-scaled)\n"
          "  --all-modes       cpu-vs-io: run both kinds of work in all four modes and print wall times and\n"
          "                    speedups against sequential (e.g. forkscope run cpu-vs-io --all-modes --chart "
          "x.png)\n"
          "  --compare PARAM=A,B[,C]\n"
          "                    run once per value (the other options as given; one trial each) and draw the\n"
          "                    runs on one time axis under the ratio of their wall times with --png, --svg "
          "or\n"
          "                    --pdf (e.g. forkscope run sleepers --compare kind=sequential,process --png "
          "x.png)\n"
          "  --preset ID       start from one of the scenario's presets (listed by 'run ID --help', e.g.\n"
          "                    bank --preset tutorial); a parameter given beside it wins\n"
          "  --trace FILE      write a Chrome trace (Perfetto UI, chrome://tracing)\n"
          "  --summary FILE    write the result as JSON\n"
          "  --png FILE, --svg FILE, --pdf FILE\n"
          "                    write the run's timeline as a slide (1920x1080): its lesson in one sentence\n"
          "                    as the title, each lane's final value or error at its end\n"
          "  --details         with --png/--svg/--pdf: also pids, tids, process headers and printed lines\n"
          "  --focus VIEW      what the pictures show: auto (the default: a focus view where the run has "
          "one,\n"
          "                    else the timeline), timeline, lost-update (the first lost update, both\n"
          "                    read -> write pairs wide; exit 1 if there is none), sequence (a pipe's\n"
          "                    messages), queue-fill, dispatch (who took which message), gil\n"
          "  --chart FILE      with --trials: the histogram of final values (the bank also runs as many "
          "trials\n"
          "                    with the lock set the other way, drawn side by side); with --all-modes: the "
          "speedup\n"
          "                    chart (.png, .svg or .pdf)\n"
          "  --save FILE.fsrun keep the run whole (scenario, parameters, result, every event; the trials "
          "and\n"
          "                    the GIL lab's table too) to print and export again with 'forkscope open-run'\n"
          "\n"
          "Exit status: 0 the run completed; 1 the run could not run, failed, or an output could not be\n"
          "written; 2 bad usage, a scenario file with problems or a saved run that cannot be read (not one,\n"
          "damaged, truncated, or of another format version); 130 interrupted (Ctrl+C cancels the run,\n"
          "kills and reaps its processes and still prints its result); 143 terminated (SIGTERM) and 129\n"
          "hung up (SIGHUP), likewise.\n"
          "\nScenarios:\n";
    for (const auto &s : builtinScenarios()) {
        text += "  " + s.id + std::string(s.id.size() < 18 ? 18 - s.id.size() : 1, ' ') + "--";
        for (std::size_t i = 0; i < s.params.size(); ++i)
            text += (i ? ", --" : "") + s.params[i].name;
        text += "\n";
    }
    return text;
}

} // namespace forkscope::app
