#include "core/scenario/scenarios.hpp"

#include "core/scenario/scenario_file.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>

namespace forkscope::core {

namespace {

bool parseNumber(const std::string &text, double &out)
{
    const char *first = text.data();
    const char *last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last && std::isfinite(out);
}

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

struct Registry {
    std::mutex mutex;
    std::deque<Scenario> added; ///< users' files, newest last; never erased, so their addresses stay valid
};

Registry &registry()
{
    static Registry r;
    return r;
}

std::string &loadProblems()
{
    static std::string problems;
    return problems;
}

std::vector<Scenario> loadBuiltins()
{
    namespace fs = std::filesystem;
    std::vector<Scenario> out;
    const fs::path dir = builtinScenarioDirectory();
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".json" && entry.path().filename() != "scenario.schema.json")
            files.push_back(entry.path());
    if (ec)
        loadProblems() += dir.string() + ": cannot list the scenario folder: " + ec.message() + "\n";
    std::sort(files.begin(), files.end());
    for (const fs::path &file : files) {
        Scenario s;
        std::vector<ScenarioProblem> problems;
        if (!loadScenarioFile(file.string(), s, problems)) {
            loadProblems() += problemsText(problems);
            continue;
        }
        s.builtin = true;
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const Scenario &a, const Scenario &b) {
        return a.order != b.order ? a.order < b.order : a.id < b.id;
    });
    return out;
}

} // namespace

std::string builtinScenarioDirectory()
{
    namespace fs = std::filesystem;
    if (const char *env = std::getenv("FORKSCOPE_SCENARIO_DIR"); env && *env)
        return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "forkscope" / "scenarios";
        if (fs::is_directory(installed, ec))
            return installed.string();
    }
    return FORKSCOPE_SOURCE_SCENARIO_DIR;
}

std::string builtinScenarioProblems()
{
    builtinScenarios();
    return loadProblems();
}

std::string Scenario::pythonPath() const
{
    if (codeFile.empty())
        return {};
    return (std::filesystem::path(sourcePath).parent_path() / codeFile).string();
}

const Scenario *addScenario(Scenario scenario)
{
    Registry &r = registry();
    const std::lock_guard lock(r.mutex);
    r.added.push_back(std::move(scenario));
    return &r.added.back();
}

std::string ParamSpec::allowed() const
{
    switch (type) {
    case Type::Integer: return "an integer from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Number: return "a number from " + formatNumber(min) + " to " + formatNumber(max);
    case Type::Choice: {
        std::string s = "one of: ";
        for (std::size_t i = 0; i < choices.size(); ++i)
            s += (i ? ", " : "") + choices[i];
        return s;
    }
    }
    return {};
}

bool ParamSpec::allows(const std::string &text) const
{
    if (type == Type::Choice)
        return std::find(choices.begin(), choices.end(), text) != choices.end();
    double v = 0;
    return parseNumber(text, v) && v >= min && v <= max && (type == Type::Number || std::floor(v) == v);
}

std::string ParamSet::text(const std::string &name) const
{
    const auto it = m_values.find(name);
    return it == m_values.end() ? std::string() : it->second;
}

double ParamSet::number(const std::string &name) const
{
    double v = 0;
    parseNumber(text(name), v);
    return v;
}

int ParamSet::integer(const std::string &name) const { return static_cast<int>(number(name)); }

bool ParamSet::flag(const std::string &name) const { return text(name) == "on"; }

const ParamSpec *Scenario::param(const std::string &name) const
{
    for (const auto &p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

const ScenarioPreset *Scenario::preset(const std::string &presetId) const
{
    for (const auto &p : presets)
        if (p.id == presetId)
            return &p;
    return nullptr;
}

const std::vector<Scenario> &builtinScenarios()
{
    static const std::vector<Scenario> scenarios = loadBuiltins();
    return scenarios;
}

const Scenario *findScenario(const std::string &id)
{
    {
        Registry &r = registry();
        const std::lock_guard lock(r.mutex);
        for (auto it = r.added.rbegin(); it != r.added.rend(); ++it)
            if (it->id == id)
                return &*it;
    }
    for (const auto &s : builtinScenarios())
        if (s.id == id)
            return &s;
    return nullptr;
}

bool buildPlan(const Scenario &scenario, const std::map<std::string, std::string> &given, Plan &plan,
               ParamSet &values, std::string &error)
{
    for (const auto &[name, text] : given) {
        const ParamSpec *spec = scenario.param(name);
        if (!spec) {
            std::string takes;
            for (const auto &p : scenario.params)
                takes += (takes.empty() ? "--" : ", --") + p.name;
            error
                = "--" + name + " does not apply to scenario '" + scenario.id + "' (it takes: " + takes + ")";
            return false;
        }
        if (!spec->allows(text)) {
            error = "--" + name + " '" + text + "' is not allowed: expected " + spec->allowed();
            return false;
        }
    }
    values = ParamSet();
    for (const auto &spec : scenario.params) {
        const auto it = given.find(spec.name);
        values.set(spec.name, it != given.end() ? it->second : spec.defaultValue);
    }
    if (!scenario.build(values, plan, error)) {
        error = "cannot run '" + scenario.id + "' with these parameters: " + error;
        return false;
    }
    return true;
}

} // namespace forkscope::core
