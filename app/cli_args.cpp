#include "app/cli_args.hpp"

#include "core/export/output_file.hpp"
#include "core/scenario/scenario_file.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace forkscope::app {

using namespace forkscope::core;

namespace {

constexpr const char *kCommands = "list, run, open, open-run, check, new, --help, --version";
/// What --focus may name.
/// "auto, timeline, lost-update, …": what --focus allows, for messages.
std::string focusViews()
{
    std::string list;
    for (const auto &[name, focus] : pictureFocusNames())
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

/// An option that takes one value each time it is used. It is declared with an optional value so that
/// CLI11 never takes a following option as its value: `--workers --sleep 1` leaves --workers empty (refused
/// below as a missing value) instead of setting it to "--sleep". Every use is kept, so a repeat is seen.
CLI::Option *addValueOption(CLI::App &app, const std::string &name)
{
    return app.add_option("--" + name)->expected(0, 1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

/// A CLI11 app that leaves the help text to usageText() and collects what it does not know, so that the
/// messages about it are ours.
void configure(CLI::App &app)
{
    app.set_help_flag();
    app.allow_extras();
}

/// Parses `args` (in order) with `app`; false after a usage error if CLI11 refuses them.
bool parseWith(CLI::App &app, const std::vector<std::string> &args)
{
    std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 takes the last argument first
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError &e) {
        usageError(e.what());
        return false;
    }
    return true;
}

/// The argument after `option` in `args`, "" if there is none.
std::string argumentAfter(const std::vector<std::string> &args, const std::string &option)
{
    const auto it = std::find(args.begin(), args.end(), option);
    return it == args.end() || it + 1 == args.end() ? std::string() : *(it + 1);
}

/// The options of one scenario for step two: its parameters, plus what the command adds (outputs for run,
/// --run for open).
struct ScenarioOptions {
    struct Entry {
        std::string name;
        CLI::Option *option = nullptr;
        bool listed = true; ///< named among the allowed options when an unknown one is refused
    };
    const Scenario &scenario;
    CLI::App app;
    std::vector<Entry> entries; ///< the command's own options, then the parameters, each in declaration order

    explicit ScenarioOptions(const Scenario &s) : scenario(s) { configure(app); }
    void addValue(const std::string &name, bool listed = true)
    {
        entries.push_back({name, addValueOption(app, name), listed});
    }
    void addSwitch(const std::string &name, bool listed = true)
    {
        entries.push_back({name, app.add_flag("--" + name), listed});
    }
    void addParameters()
    {
        for (const ParamSpec &p : scenario.params)
            addValue(p.name);
    }

    /// The value of `name` if it was given (checked: once, not empty), else "".
    std::string value(const std::string &name) const
    {
        for (const Entry &e : entries)
            if (e.name == name && e.option->count() > 0)
                return e.option->results().front();
        return {};
    }
    bool given(const std::string &name) const
    {
        for (const Entry &e : entries)
            if (e.name == name)
                return e.option->count() > 0;
        return false;
    }
};

/// --png, --svg, --pdf: each may be given more than once (one picture per file).
bool isPicture(const std::string &name) { return name == "png" || name == "svg" || name == "pdf"; }

/// The message for an argument step two did not take: an unknown option or a stray word.
std::string unknownArgument(const ScenarioOptions &options, const std::string &arg)
{
    if (arg.empty() || arg[0] != '-')
        return "unexpected argument '" + arg + "' (options start with --)";
    std::string allowed;
    for (const ScenarioOptions::Entry &e : options.entries)
        if (e.listed)
            allowed += (allowed.empty() ? "--" : ", --") + e.name;
    return "unknown option '" + arg.substr(0, arg.find('=')) + "' for scenario '" + options.scenario.id
        + "' (allowed: " + allowed + ")";
}

/// "the presets of 'bank': tutorial (the tutorial's own settings)", or that the scenario has none.
std::string presetsOf(const Scenario &scenario)
{
    if (scenario.presets.empty())
        return "scenario '" + scenario.id + "' has no presets";
    std::string text = "the presets of '" + scenario.id + "': ";
    for (std::size_t i = 0; i < scenario.presets.size(); ++i)
        text += (i ? ", " : "") + scenario.presets[i].id + " (" + scenario.presets[i].name + ")";
    return text;
}

bool isOutput(const std::string &name)
{
    return name == "trace" || name == "summary" || isPicture(name) || name == "chart" || name == "save";
}

/// Checks what step two took: nothing unknown, every value given once and not empty, no switch given a
/// value. Returns "" or the usage error's message.
std::string checkGiven(const ScenarioOptions &options, const std::vector<std::string> &args)
{
    if (const auto extras = options.app.remaining(); !extras.empty())
        return unknownArgument(options, extras.front());
    // In the order they were given, so the first problem on the line is the one reported.
    for (const CLI::Option *option : options.app.parse_order()) {
        const std::string flag = option->get_name();
        const std::string name = flag.substr(2);
        if (option->get_expected_max() == 0) { // a switch
            for (const std::string &r : option->results())
                if (r != "true")
                    return flag + " is a switch and takes no value (got '" + r + "')";
            continue;
        }
        if (option->count() > 1 && !isPicture(name))
            return flag + " is given twice";
        const auto &results = option->results();
        if (std::none_of(results.begin(), results.end(), [](const std::string &r) { return r.empty(); }))
            continue;
        if (isOutput(name))
            return flag + " needs a file name";
        if (name == "compare")
            return "--compare needs a value: PARAM=A,B[,C], a parameter of '" + options.scenario.id
                + "' and two or three of its values";
        if (name == "focus")
            return flag + " needs a value (allowed: " + focusViews() + ")";
        if (name == "preset")
            return flag + " needs a value: " + presetsOf(options.scenario);
        const ParamSpec *spec = options.scenario.param(name);
        std::string message = flag + " needs a value: " + (spec ? spec->allowed() : "see forkscope --help");
        if (const std::string next = argumentAfter(args, flag); !next.empty() && next[0] == '-')
            message += " ('" + next + "', which follows it, is an option, not a value)";
        return message;
    }
    return {};
}

/// Whether two output paths end up in the same file (folders resolved, symbolic links followed).
bool sameOutputFile(const std::string &a, const std::string &b)
{
    const auto where = [](const std::string &path) {
        char resolved[PATH_MAX];
        if (realpath(path.c_str(), resolved))
            return std::string(resolved); // exists: its real path
        const auto slash = path.rfind('/');
        const std::string folder
            = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
        const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
        return (realpath(folder.c_str(), resolved) ? std::string(resolved) : folder) + "/" + name;
    };
    return where(a) == where(b);
}

bool endsWith(const std::string &s, const std::string &tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// --chart: only where there is something to chart, with a picture's extension, in a build that draws.
std::string checkChart(const Scenario &scenario, const RunArgs &run, const Exporters &exporters)
{
    const bool speedups = scenario.param("mode") != nullptr;
    if (!scenario.param("trials") && !speedups)
        return "--chart needs a scenario run as trials (such as bank) or cpu-vs-io with --all-modes; '"
            + scenario.id + "' has neither";
    const std::string &path = run.chartPath;
    if (!endsWith(path, ".png") && !endsWith(path, ".svg") && !endsWith(path, ".pdf"))
        return "--chart '" + path + "': the file name must end in .png, .svg or .pdf";
    if (speedups && !run.allModes)
        return "--chart for '" + scenario.id + "' draws every mode: add --all-modes";
    if (!(speedups ? static_cast<bool>(exporters.speedupChart) : static_cast<bool>(exporters.trialsChart)))
        return "--chart needs the desktop build of forkscope (this one has no Qt)";
    return {};
}

/// --all-modes: cpu-vs-io only, which it runs in every work and mode, and without one-run outputs.
std::string checkAllModes(const Scenario &scenario, const RunArgs &run)
{
    if (!scenario.param("mode") || !scenario.param("work"))
        return "--all-modes applies to cpu-vs-io (it runs every --work and --mode); '" + scenario.id
            + "' has none";
    for (const char *name : {"work", "mode"})
        if (run.params.count(name))
            return std::string("--all-modes runs every --") + name + "; leave --" + name + " out";
    if (!run.pictures.empty() || !run.tracePath.empty() || !run.summaryPath.empty())
        return "--all-modes makes 8 runs, and --png, --svg, --pdf, --trace and --summary show one: pick it "
               "with "
               "--work and --mode instead";
    return {};
}

/// --compare: a parameter of the scenario with two or three values it allows, run once each (one trial of
/// a scenario run as trials), with no option that shows a single run or sets the compared parameter.
std::string checkCompare(const Scenario &scenario, const std::string &text, const Exporters &exporters,
                         RunArgs &run)
{
    if (auto problem = parseCompareRequest(scenario, text, run.compare); !problem.empty())
        return problem;
    const std::string &param = run.compare.param;
    if (param == "trials")
        return "--compare cannot compare --trials: each compared run is a single trial";
    if (run.params.count(param))
        return "--compare " + text + " sets --" + param + " for each run: leave --" + param + " out";
    if (scenario.param("trials") && run.params.count("trials") && run.params.at("trials") != "1")
        return "--compare runs a single trial of each value: leave --trials out";
    if (run.allModes)
        return "--compare and --all-modes both choose what to run: use one of them";
    if (!run.tracePath.empty() || !run.summaryPath.empty() || !run.chartPath.empty() || !run.savePath.empty())
        return "--compare makes " + std::to_string(run.compare.values.size())
            + " runs, and --trace, --summary, --chart and --save keep one: leave them out (--png, --svg and "
              "--pdf draw the comparison)";
    if (!run.pictures.empty() && !exporters.comparison)
        return run.pictures.front().first
            + " with --compare needs the desktop build of forkscope (this one "
              "has no Qt)";
    return {};
}

/// Every output can be written, and no two name the same file (the last would silently win).
std::string checkOutputs(const RunArgs &run)
{
    std::vector<std::pair<std::string, std::string>> outputs = run.pictures;
    if (!run.tracePath.empty())
        outputs.emplace_back("--trace", run.tracePath);
    if (!run.summaryPath.empty())
        outputs.emplace_back("--summary", run.summaryPath);
    if (!run.chartPath.empty())
        outputs.emplace_back("--chart", run.chartPath);
    if (!run.savePath.empty())
        outputs.emplace_back("--save", run.savePath);
    for (const auto &[flag, path] : outputs)
        if (auto problem = checkOutputPath(path); !problem.empty())
            return flag + ": " + problem;
    for (std::size_t i = 0; i < outputs.size(); ++i)
        for (std::size_t j = i + 1; j < outputs.size(); ++j)
            if (sameOutputFile(outputs[i].second, outputs[j].second))
                return outputs[i].first + " and " + outputs[j].first + " name the same file ('"
                    + outputs[j].second + "')";
    return {};
}

/// --save: a file name ending in .fsrun.
std::string checkSave(const std::string &path)
{
    if (!path.empty() && !endsWith(path, std::string(kSavedRunExtension)))
        return "--save '" + path + "': the file name must end in " + std::string(kSavedRunExtension);
    return {};
}

/// --focus and the pictures (--png, --svg, --pdf, in the order given), checked: a focus the pictures can
/// show, a file name with the picture's extension, a build that draws.
std::string collectPictures(const ScenarioOptions &options, const Exporters &exporters, RunArgs &run)
{
    // A --focus naming nothing we can show is refused first, whatever else is wrong (even in a build
    // without pictures), so the message always lists what is allowed.
    if (options.given("focus")) {
        const std::string focus = options.value("focus");
        const auto &names = pictureFocusNames();
        const auto known
            = std::find_if(names.begin(), names.end(), [&](const auto &n) { return n.first == focus; });
        if (known == names.end())
            return "--focus '" + focus + "' is not something a picture can show (allowed: " + focusViews()
                + ")";
        run.focus = known->second;
    }
    std::map<const CLI::Option *, std::size_t> used; // how many of each option's results were taken
    for (const CLI::Option *option : options.app.parse_order()) { // pictures in the order given
        const std::string flag = option->get_name();
        if (!isPicture(flag.substr(2)))
            continue;
        const std::string &path = option->results().at(used[option]++);
        if (!endsWith(path, "." + flag.substr(2)))
            return flag + " '" + path + "': the file name must end in ." + flag.substr(2);
        if (!exporters.timeline)
            return flag + " needs the desktop build of forkscope (this one has no Qt)";
        run.pictures.emplace_back(flag, path);
    }
    if (run.details && run.pictures.empty())
        return "--details applies to the pictures: add --png, --svg or --pdf";
    return {};
}

/// Fills `run` from what step two took and checks how the options go together.
std::string collectRunArgs(const ScenarioOptions &options, const Exporters &exporters, RunArgs &run)
{
    const Scenario &scenario = options.scenario;
    for (const ParamSpec &p : scenario.params)
        if (options.given(p.name))
            run.params[p.name] = options.value(p.name);
    run.tracePath = options.value("trace");
    run.summaryPath = options.value("summary");
    run.chartPath = options.value("chart");
    run.savePath = options.value("save");
    run.allModes = options.given("all-modes");
    run.details = options.given("details");
    // An unknown preset is refused first, naming the scenario's presets.
    const ScenarioPreset *preset = nullptr;
    if (options.given("preset")) {
        run.preset = options.value("preset");
        preset = scenario.preset(run.preset);
        if (!preset)
            return "--preset '" + run.preset + "' is not a preset of scenario '" + scenario.id + "'; "
                + presetsOf(scenario);
    }
    // A malformed --compare is refused first too, naming what is allowed, before the pictures are looked at.
    if (options.given("compare")) {
        core::CompareRequest request;
        if (auto problem = parseCompareRequest(scenario, options.value("compare"), request); !problem.empty())
            return problem;
    }
    if (auto problem = collectPictures(options, exporters, run); !problem.empty())
        return problem;
    if (options.given("compare"))
        if (auto problem = checkCompare(scenario, options.value("compare"), exporters, run); !problem.empty())
            return problem;
    if (options.given("focus") && run.pictures.empty())
        return "--focus chooses what the pictures show: add --png, --svg or --pdf";
    if (run.allModes)
        if (auto problem = checkAllModes(scenario, run); !problem.empty())
            return problem;
    if (!run.chartPath.empty())
        if (auto problem = checkChart(scenario, run, exporters); !problem.empty())
            return problem;
    if (auto problem = checkSave(run.savePath); !problem.empty())
        return problem;
    if (auto problem = checkOutputs(run); !problem.empty())
        return problem;
    // The preset's values for the parameters not given on the line (what is given wins). After the checks
    // above, which look at what was given: --all-modes and --compare set their own parameters over these.
    if (preset)
        for (const auto &[name, value] : preset->params)
            run.params.emplace(name, value);
    return {};
}

/// What `open-run` can write from a saved run of `saved`'s kind, checked as `run` checks its outputs.
std::string collectOpenRunArgs(const ScenarioOptions &options, const Exporters &exporters,
                               const SavedRun &saved, const std::string &file, RunArgs &run)
{
    run.tracePath = options.value("trace");
    run.summaryPath = options.value("summary");
    run.chartPath = options.value("chart");
    run.details = options.given("details");
    if (auto problem = collectPictures(options, exporters, run); !problem.empty())
        return problem;
    if (options.given("focus") && run.pictures.empty())
        return "--focus chooses what the pictures show: add --png, --svg or --pdf";
    if (saved.kind == SavedRun::Kind::GilLab) {
        if (!run.pictures.empty() || !run.tracePath.empty() || !run.summaryPath.empty())
            return "'" + file
                + "' holds the GIL lab's table (the wall times of its 8 runs, not their events): "
                  "it draws --chart only";
    } else if (!run.chartPath.empty() && saved.kind != SavedRun::Kind::Trials) {
        return "--chart needs a saved run of trials (such as bank's) or of the GIL lab; '" + file
            + "' holds one run";
    }
    if (!run.chartPath.empty()) {
        const std::string &path = run.chartPath;
        if (!endsWith(path, ".png") && !endsWith(path, ".svg") && !endsWith(path, ".pdf"))
            return "--chart '" + path + "': the file name must end in .png, .svg or .pdf";
        const bool speedups = saved.kind == SavedRun::Kind::GilLab;
        if (!(speedups ? static_cast<bool>(exporters.speedupChart)
                       : static_cast<bool>(exporters.trialsChart)))
            return "--chart needs the desktop build of forkscope (this one has no Qt)";
    }
    if (run.pictures.empty() && run.tracePath.empty() && run.summaryPath.empty() && run.chartPath.empty())
        return {}; // printing what the run came to is an answer of its own
    return checkOutputs(run);
}

} // namespace

int usageError(const std::string &message)
{
    std::fprintf(stderr, "forkscope: %s\nTry 'forkscope --help' for more information.\n", message.c_str());
    return kExitUsage;
}

std::string scenarioIds()
{
    std::string ids;
    for (const auto &s : builtinScenarios())
        ids += (ids.empty() ? "" : ", ") + s.id;
    return ids;
}

int parseCommand(const std::vector<std::string> &args, Command &out)
{
    CLI::App app;
    configure(app);
    app.require_subcommand(0, 1);
    const CLI::Option *help = app.add_flag("-h,--help");
    const CLI::Option *version = app.add_flag("--version");
    std::vector<std::pair<CLI::App *, const CLI::Option *>> commands;
    for (const char *name : {"list", "run", "open", "open-run", "check", "new", "help"}) {
        CLI::App *command = app.add_subcommand(name);
        configure(*command);
        // --help anywhere after the command shows the usage, as before the command.
        commands.emplace_back(command, command->add_flag("-h,--help"));
        if (std::string(name) != "list" && std::string(name) != "help")
            command->add_option("id", out.scenario);
    }
    if (!parseWith(app, args))
        return kExitUsage;
    out.help = help->count() > 0;
    for (const auto &[command, commandHelp] : commands) {
        if (!command->parsed())
            continue;
        out.name = command->get_name();
        out.rest = command->remaining();
        out.help = out.help || commandHelp->count() > 0 || out.name == "help";
    }
    if (out.help)
        return kExitOk;
    const std::vector<std::string> extras = app.remaining();
    if (version->count() > 0) {
        const std::string got = !extras.empty() ? extras.front() : !out.name.empty() ? out.name : "";
        if (!got.empty())
            return usageError("--version takes no arguments (got '" + got + "')");
        if (version->results().front() != "true")
            return usageError("--version takes no value (got '" + version->results().front() + "')");
        out.version = true;
        return kExitOk;
    }
    if (!extras.empty()) {
        const bool option = extras.front()[0] == '-';
        return usageError(std::string(option ? "unknown option '" : "unknown command '") + extras.front()
                          + "' (allowed: " + kCommands + ")");
    }
    if (out.name.empty())
        return usageError("no command given");
    if (out.name == "list" && !out.rest.empty())
        return usageError("'list' takes no arguments (got '" + out.rest.front() + "')");
    return kExitOk;
}

std::string unknownScenario(const std::string &id)
{
    return "unknown scenario '" + id + "' (one of: " + scenarioIds() + ")";
}

bool isScenarioFile(const std::string &arg)
{
    return endsWith(arg, ".json") || arg.find('/') != std::string::npos;
}

const Scenario *resolveScenario(const std::string &arg, int &rc)
{
    rc = kExitOk;
    if (!isScenarioFile(arg)) {
        if (const Scenario *s = findScenario(arg))
            return s;
        rc = usageError(unknownScenario(arg));
        return nullptr;
    }
    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    if (!loadScenarioFile(arg, scenario, problems)) {
        // Every problem, each with its place, so a teacher can fix them all in one go.
        std::fprintf(stderr, "forkscope: %s is not a scenario Forkscope can run (%zu problem%s):\n%s",
                     arg.c_str(), problems.size(), problems.size() == 1 ? "" : "s",
                     problemsText(problems).c_str());
        rc = kExitUsage;
        return nullptr;
    }
    return addScenario(std::move(scenario));
}

int parseRunArgs(const Command &command, const Exporters &exporters, RunArgs &out)
{
    if (command.scenario.empty())
        return usageError("'run' needs a scenario id (one of: " + scenarioIds()
                          + ") or a scenario file (FILE.json)");
    int rc = kExitOk;
    out.scenario = resolveScenario(command.scenario, rc);
    if (!out.scenario)
        return rc;
    const std::vector<std::string> &rest = command.rest;
    ScenarioOptions options(*out.scenario);
    for (const char *name : {"trace", "summary", "png", "svg", "pdf", "focus", "chart", "compare", "save"})
        options.addValue(name);
    options.addSwitch("details");
    options.addValue("preset", !out.scenario->presets.empty());
    // Refused with a reason where it does not apply (checkAllModes), so known to every scenario.
    options.addSwitch("all-modes", out.scenario->param("mode") != nullptr);
    options.addParameters();
    if (!parseWith(options.app, rest))
        return kExitUsage;
    if (auto problem = checkGiven(options, rest); !problem.empty())
        return usageError(problem);
    if (auto problem = collectRunArgs(options, exporters, out); !problem.empty())
        return usageError(problem);
    return kExitOk;
}

int parseOpenRunArgs(const Command &command, const Exporters &exporters, RunArgs &out, SavedRun &saved)
{
    if (command.scenario.empty())
        return usageError("'open-run' needs a saved run: forkscope open-run FILE"
                          + std::string(kSavedRunExtension)
                          + " (one written by 'forkscope run ... --save FILE"
                          + std::string(kSavedRunExtension) + "' or the window's File > Save Run)");
    if (auto problem = loadRun(command.scenario, saved); !problem.empty())
        return usageError(problem);
    // The scenario the run was made from: the built-in lesson, or the file it saved (kept for the headline
    // and summary, as `run` keeps a scenario file it reads).
    std::string note;
    const Scenario *scenario = savedRunScenario(saved, note);
    if (!note.empty())
        std::fprintf(stderr, "forkscope: note: %s\n", note.c_str());
    Scenario unknown;
    unknown.id = saved.scenarioId;
    out.scenario = scenario ? scenario : addScenario(std::move(unknown));
    out.params = saved.params;
    ScenarioOptions options(*out.scenario);
    for (const char *name : {"trace", "summary", "png", "svg", "pdf", "focus", "chart"})
        options.addValue(name);
    options.addSwitch("details");
    if (!parseWith(options.app, command.rest))
        return kExitUsage;
    // A parameter of the scenario is no option here: the saved run shows what ran.
    for (const std::string &extra : options.app.remaining()) {
        const std::string name
            = extra.rfind("--", 0) == 0 ? extra.substr(2, extra.find('=') - 2) : std::string();
        if (!name.empty() && out.scenario->param(name))
            return usageError("--" + name + ": a saved run shows the run as it ran (" + name + " "
                              + (saved.params.count(name) ? saved.params.at(name) : std::string("?"))
                              + "); to change it, run the scenario again with 'forkscope run "
                              + saved.scenarioId + " --" + name + " ...'");
    }
    if (auto problem = checkGiven(options, command.rest); !problem.empty())
        return usageError(problem);
    if (auto problem = collectOpenRunArgs(options, exporters, saved, command.scenario, out); !problem.empty())
        return usageError(problem);
    return kExitOk;
}

std::optional<int> parseOpenCommand(const std::vector<std::string> &args, const std::string &fallbackScenario,
                                    OpenRequest &request)
{
    Command command;
    if (const int rc = parseCommand(args, command); rc != kExitOk)
        return rc;
    if (command.help) {
        std::fputs(usageText().c_str(), stdout);
        return kExitOk;
    }
    if (command.name != "open")
        return usageError("expected 'open' (got '" + (args.empty() ? std::string() : args.front()) + "')");
    int rc = kExitOk;
    const Scenario *scenario
        = resolveScenario(command.scenario.empty() ? fallbackScenario : command.scenario, rc);
    if (!scenario)
        return rc;
    request.scenario = scenario->id;
    request.scenarioFile = scenario->builtin ? std::string() : scenario->sourcePath;
    ScenarioOptions options(*scenario);
    options.addSwitch("run");
    options.addParameters();
    if (!parseWith(options.app, command.rest))
        return kExitUsage;
    if (auto problem = checkGiven(options, command.rest); !problem.empty())
        return usageError(problem);
    for (const CLI::Option *option : options.app.parse_order())
        if (option->get_expected_max() > 0)
            request.params.emplace_back(option->get_name().substr(2), option->results().front());
    request.run = options.given("run");
    return std::nullopt;
}

} // namespace forkscope::app
