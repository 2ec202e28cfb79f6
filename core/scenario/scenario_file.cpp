// Reading a scenario file: its shape is checked whole first (every key of every step, taken or not), then
// it is built into a plan, once with the defaults and once per other choice of each choice parameter, so
// that a misspelt lock in a branch only some parameters take is found when the file is checked, not when
// a class runs it.

#include "core/scenario/scenario_file.hpp"

#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_parts.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>

namespace forkscope::core {

using namespace scenario_parts;

namespace {

// --- The file's own fields ------------------------------------------------------------------------------

bool readParams(FileSource &src, Problems &problems)
{
    const Json &doc = src.json.document();
    bool haveTimeScale = false;
    if (doc.contains("params")) {
        const Json &list = doc["params"];
        if (!list.is_array()) {
            problems.at("/params", "'params' must be a list, not " + typeName(list));
            return false;
        }
        ExprScope builtins;
        builtins["cores"] = ExprValue::of(usableCoreCount());
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Json &p = list[i];
            const std::string ptr = "/params/" + std::to_string(i);
            if (!p.is_object()) {
                problems.at(ptr, "a parameter is an object {\"name\", \"type\", \"default\", …}");
                continue;
            }
            checkKeys(p, ptr, kParamKeys, problems, "a parameter");
            ParamSpec spec;
            // Read as texts only when they are texts: nlohmann's value() throws on any other type.
            spec.name
                = p.contains("name") && p["name"].is_string() ? p["name"].get<std::string>() : std::string();
            if (!validName(spec.name)) {
                problems.at(ptr + "/name",
                            "a parameter's name is lower case letters, digits and '-' (e.g. "
                            "trial-shape), starting with a letter");
                continue;
            }
            for (const ParamSpec &other : src.params)
                if (other.name == spec.name)
                    problems.at(ptr + "/name", "parameter '" + spec.name + "' is declared twice");
            const std::string type = !p.contains("type") ? std::string()
                : p["type"].is_string()                  ? p["type"].get<std::string>()
                                                         : p["type"].dump();
            if (p.contains("help") && !p["help"].is_string())
                problems.at(ptr + "/help", "a parameter's 'help' is a text, not " + typeName(p["help"]));
            else
                spec.help = p.value("help", std::string());
            if (type == "choice") {
                spec.type = ParamSpec::Type::Choice;
                if (!p.contains("choices") || !p["choices"].is_array() || p["choices"].empty()) {
                    problems.at(ptr, "a choice parameter needs 'choices': a list of texts");
                    continue;
                }
                for (const Json &c : p["choices"])
                    spec.choices.push_back(c.is_string() ? c.get<std::string>() : c.dump());
                spec.defaultValue = p.contains("default") && p["default"].is_string()
                    ? p["default"].get<std::string>()
                    : spec.choices.front();
                if (std::find(spec.choices.begin(), spec.choices.end(), spec.defaultValue)
                    == spec.choices.end())
                    problems.at(ptr + "/default",
                                "the default '" + spec.defaultValue + "' is not one of the choices ("
                                    + join(spec.choices) + ")");
            } else if (type == "integer" || type == "number") {
                spec.type = type == "integer" ? ParamSpec::Type::Integer : ParamSpec::Type::Number;
                const auto bound = [&](const char *key, double &out) {
                    if (!p.contains(key) || !p[key].is_number()) {
                        problems.at(p.contains(key) ? ptr + "/" + key : ptr,
                                    std::string("a ") + type + " parameter needs '" + key + "' (a number)");
                        return false;
                    }
                    out = p[key].get<double>();
                    return true;
                };
                if (!bound("min", spec.min) || !bound("max", spec.max))
                    continue;
                if (spec.min > spec.max)
                    problems.at(ptr + "/max", "'max' is below 'min'");
                double def = spec.min;
                if (p.contains("default")) {
                    ExprValue x;
                    std::string error;
                    const Json &d = p["default"];
                    if (d.is_number())
                        x = ExprValue::of(d.get<double>());
                    else if (!d.is_string() || !interpolate(d.get<std::string>(), builtins, x, error)
                             || x.kind != ExprValue::Kind::Number)
                        problems.at(
                            ptr + "/default",
                            error.empty()
                                ? "the default must be a number, or an expression such as \"${cores}\""
                                : error);
                    def = x.number;
                }
                if (def < spec.min || def > spec.max)
                    problems.at(ptr + "/default",
                                "the default " + numberText(def) + " is outside " + numberText(spec.min)
                                    + " to " + numberText(spec.max));
                else if (spec.type == ParamSpec::Type::Integer && std::floor(def) != def)
                    problems.at(ptr + "/default", "the default of an integer parameter must be whole");
                spec.defaultValue = numberText(std::clamp(def, spec.min, spec.max));
            } else {
                problems.at(ptr + "/type",
                            "a parameter's type is integer, number or choice, not '" + type + "'");
                continue;
            }
            haveTimeScale = haveTimeScale || spec.name == "time-scale";
            src.params.push_back(std::move(spec));
        }
    }
    if (!haveTimeScale)
        src.params.push_back({"time-scale",
                              ParamSpec::Type::Number,
                              "1",
                              0,
                              100,
                              {},
                              "multiplies every duration: 0.01 runs a 2 s sleep in 20 ms"});
    return true;
}

std::string textField(const Json &doc, const char *key, Problems &problems, bool required)
{
    if (!doc.contains(key)) {
        if (required)
            problems.at("", std::string("a scenario needs '") + key + "'");
        return {};
    }
    if (!doc[key].is_string()) {
        problems.at(std::string("/") + key,
                    std::string("'") + key + "' must be a text, not " + typeName(doc[key]));
        return {};
    }
    return doc[key].get<std::string>();
}

ParamSet defaults(const std::vector<ParamSpec> &params)
{
    ParamSet values;
    for (const ParamSpec &p : params)
        values.set(p.name, p.defaultValue);
    return values;
}

/// Builds with the defaults, then with each preset, then with each other choice of every choice parameter.
/// Once one of them outgrows the limits on steps the others are not built: they would say it again, each
/// after writing out up to a million steps (a fuzzed file of `copies` in `copies` took 47 s under ASan).
/// No more are built once those built have together done the work of writing out one plan of the most steps
/// (maxVisitedSteps, counting items and expressions as steps too; the last one built may take as much
/// again): a file of thousands of presets or choices is checked up to there, and a set left unchecked says
/// its problems when it is run.
void checkBuilds(const FileSource &src, const std::vector<std::map<std::string, std::string>> &presets,
                 Problems &problems)
{
    const ParamSet base = defaults(src.params);
    Plan plan;
    bool outgrew = false;
    std::int64_t budget = maxVisitedSteps();
    const auto build = [&](const ParamSet &values) {
        std::int64_t visited = 0;
        buildFromFile(src, problems, values, plan, &outgrew, &visited);
        budget -= std::max<std::int64_t>(visited, 1);
    };
    const auto more = [&] { return !outgrew && budget > 0; };
    build(base);
    for (const auto &preset : presets) {
        if (!more())
            return;
        ParamSet values = base;
        for (const auto &[name, value] : preset)
            values.set(name, value);
        build(values);
    }
    for (const ParamSpec &spec : src.params) {
        if (spec.type != ParamSpec::Type::Choice)
            continue;
        for (const std::string &choice : spec.choices) {
            if (!more())
                return;
            if (choice == spec.defaultValue)
                continue;
            ParamSet values = base;
            values.set(spec.name, choice);
            build(values);
        }
    }
}

} // namespace

std::string ScenarioProblem::text() const
{
    std::string out = file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": ";
    if (!pointer.empty())
        out += pointer + ": ";
    return out + message;
}

std::map<std::string, std::vector<std::string>> scenarioFileKeys()
{
    std::map<std::string, std::vector<std::string>> keys = {
        {"scenario", kScenarioKeys}, {"parameter", kParamKeys}, {"worker", kWorkerKeys},
        {"variable", kVariableKeys}, {"queue", kQueueKeys},     {"pipe", kPipeKeys},
        {"pool", kPoolKeys},         {"preset", kPresetKeys},   {"rule", kRuleKeys},
    };
    for (auto &[op, allowed] : stepKeys())
        keys["step:" + op] = std::move(allowed);
    return keys;
}

std::string problemsText(const std::vector<ScenarioProblem> &problems)
{
    std::string out;
    for (const ScenarioProblem &p : problems)
        out += p.text() + "\n";
    return out;
}

bool parseScenario(std::string_view text, const std::string &fileName, Scenario &scenario,
                   std::vector<ScenarioProblem> &problems)
{
    problems.clear();
    auto src = std::make_shared<FileSource>();
    src->fileName = fileName;
    if (text.size() > kMaxScenarioFileBytes) {
        problems.push_back({fileName,
                            {},
                            {},
                            "the file is " + std::to_string(text.size())
                                + " bytes; a scenario file is at most "
                                + std::to_string(kMaxScenarioFileBytes) + " (1 MiB)"});
        return false;
    }
    std::string error;
    TextPosition errorAt;
    if (!src->json.parse(text, error, errorAt)) {
        problems.push_back({fileName, errorAt, {}, error});
        return false;
    }
    Problems found(*src, problems);
    // Through `found`, so that they count: a file whose only problem is a key written twice is refused too.
    for (const auto &[pointer, offset] : src->json.duplicateKeys())
        found.atOffset(pointer, offset, "this key is written twice in one object");
    const Json &doc = src->json.document();
    if (!doc.is_object()) {
        found.at("", "a scenario file holds one JSON object, not " + typeName(doc));
        return false;
    }
    checkKeys(doc, "", kScenarioKeys, found, "a scenario");
    if (!doc.contains("format"))
        found.at("", "a scenario needs \"format\": 1");
    else if (!doc["format"].is_number_integer() || doc["format"].get<int>() != kScenarioFormat)
        found.at("/format",
                 "this Forkscope reads format " + std::to_string(kScenarioFormat) + " files, not "
                     + doc["format"].dump());
    Scenario s;
    s.id = textField(doc, "id", found, true);
    if (!s.id.empty() && !validName(s.id))
        found.at("/id", "an id is lower case letters, digits and '-', starting with a letter");
    s.title = textField(doc, "title", found, true);
    s.lesson = textField(doc, "lesson", found, false);
    if (s.lesson.empty())
        s.lesson = "Your scenarios";
    s.summary = textField(doc, "summary", found, false);
    s.lookFor = textField(doc, "look_for", found, false);
    s.codeFile = textField(doc, "python", found, false);
    if (doc.contains("order")) {
        if (doc["order"].is_number_integer())
            s.order = doc["order"].get<int>();
        else
            found.at("/order", "'order' must be an integer");
    }
    readParams(*src, found);
    s.params = src->params;
    std::vector<std::map<std::string, std::string>> presetValues; ///< each valid preset's, to build with
    // The shape of every step, whether or not a given run takes it.
    if (doc.contains("workers") && doc["workers"].is_array())
        for (std::size_t i = 0; i < doc["workers"].size(); ++i) {
            const Json &w = doc["workers"][i];
            const std::string ptr = "/workers/" + std::to_string(i);
            if (!w.is_object())
                continue;
            checkKeys(w, ptr, kWorkerKeys, found, "a worker");
            if (w.contains("steps"))
                checkStepShapes(w["steps"], ptr + "/steps", found, 0);
        }
    if (doc.contains("main"))
        checkStepShapes(doc["main"], "/main", found, 0);
    else
        found.at("",
                 "a scenario needs 'main': the steps of the main thread (at least \"start\" and \"join\")");
    // The headline and the caption beneath it: rules, the first whose condition holds.
    for (const char *key : {"headline", "caption"}) {
        if (!doc.contains(key))
            continue;
        std::vector<HeadlineRule> &into = std::string(key) == "headline" ? s.headline : s.caption;
        const Json &rules = doc[key];
        const std::string what = std::string("a ") + key + " rule is {\"if\": condition, \"text\": template}";
        if (!rules.is_array()) {
            found.at(std::string("/") + key, what);
            continue;
        }
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const std::string ptr = std::string("/") + key + "/" + std::to_string(i);
            const Json &r = rules[i];
            if (!r.is_object() || !r.contains("text") || !r["text"].is_string()
                || (r.contains("if") && !r["if"].is_string())) {
                found.at(ptr, what);
                continue;
            }
            checkKeys(r, ptr, kRuleKeys, found, (std::string("a ") + key + " rule").c_str());
            into.push_back({r.value("if", std::string()), r["text"].get<std::string>()});
        }
    }
    if (doc.contains("presets")) {
        const Json &list = doc["presets"];
        for (std::size_t i = 0; list.is_array() && i < list.size(); ++i) {
            const std::string ptr = "/presets/" + std::to_string(i);
            const Json &p = list[i];
            if (!p.is_object() || !p.contains("id") || !p["id"].is_string() || !p.contains("name")
                || !p["name"].is_string() || !p.contains("params") || !p["params"].is_object()) {
                found.at(ptr,
                         "a preset is {\"id\": short name, \"name\": text, \"params\": {parameter: value}}");
                continue;
            }
            checkKeys(p, ptr, kPresetKeys, found, "a preset");
            ScenarioPreset preset{p["id"].get<std::string>(), p["name"].get<std::string>(), {}};
            // Given on the command line as --preset ID: a short name like a parameter's.
            if (!validName(preset.id))
                found.at(ptr + "/id",
                         "a preset's id is lower case letters, digits and '-', starting with a letter (e.g. "
                         "tutorial), not '"
                             + preset.id + "'");
            else if (s.preset(preset.id))
                found.at(ptr + "/id", "preset '" + preset.id + "' is declared twice");
            bool valid = true;
            for (const auto &[name, value] : p["params"].items()) {
                if (!name.empty() && name[0] == '_')
                    continue; // a comment, as everywhere in the file
                const ParamSpec *spec = s.param(name);
                if (!spec) {
                    found.atKey(ptr + "/params", name, "unknown parameter '" + name + "'");
                    valid = false;
                    continue;
                }
                const std::string at = ptr + "/params/" + pointerToken(name);
                if (!value.is_string() && !value.is_number()) {
                    found.at(at, "a preset's value is a number or a text, not " + typeName(value));
                    valid = false;
                    continue;
                }
                const std::string given
                    = value.is_string() ? value.get<std::string>() : numberText(value.get<double>());
                if (!spec->allows(given)) {
                    found.at(
                        at, "'" + given + "' is not allowed for '" + name + "': expected " + spec->allowed());
                    valid = false;
                    continue;
                }
                preset.params[name] = given;
            }
            if (valid)
                presetValues.push_back(preset.params);
            s.presets.push_back(std::move(preset));
        }
        if (!list.is_array())
            found.at("/presets", "'presets' must be a list");
    }
    // Build even when the shapes had problems (the builder skips a malformed step), so that a misspelt lock
    // is reported with the misspelt key beside it, all in one go.
    checkBuilds(*src, presetValues, found);
    if (found.any())
        return false;
    if (doc.contains("expected")) {
        const Json expected = doc["expected"];
        const ExprScope scope = scopeFor(*src, defaults(src->params));
        ExprValue x;
        std::string err;
        const bool ok = expected.is_number_integer()
            || (expected.is_string() && evaluate(expected.get<std::string>(), scope, x, err)
                && x.isInteger());
        if (!ok) {
            found.at("/expected",
                     err.empty() ? "'expected' must be an integer, or an expression that gives one" : err);
            return false;
        }
        s.expected = [src, expected](const ParamSet &values) -> std::int64_t {
            if (expected.is_number_integer())
                return expected.get<std::int64_t>();
            ExprValue v;
            std::string e;
            evaluate(expected.get<std::string>(), scopeFor(*src, values), v, e);
            return static_cast<std::int64_t>(v.number);
        };
    }
    s.build = [src](const ParamSet &values, Plan &plan, std::string &why) {
        std::vector<ScenarioProblem> out;
        Problems buildProblems(*src, out);
        if (buildFromFile(*src, buildProblems, values, plan))
            return true;
        why.clear();
        for (const ScenarioProblem &p : out)
            why += (why.empty() ? "" : "; ") + p.text();
        return false;
    };
    scenario = std::move(s);
    return true;
}

bool loadScenarioFile(const std::string &path, Scenario &scenario, std::vector<ScenarioProblem> &problems)
{
    problems.clear();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problems.push_back({path, {}, {}, "cannot open the file (does it exist, and may you read it?)"});
        return false;
    }
    // Read in pieces up to one byte past the limit (so an oversized file is told apart from one at the
    // limit), not into a zeroed buffer of the limit's size: that was 16 MiB of memset for the built-ins, a
    // third of a `forkscope list`.
    std::string text;
    char piece[64 * 1024];
    while (text.size() <= kMaxScenarioFileBytes && in) {
        const std::size_t want = std::min(sizeof piece, kMaxScenarioFileBytes + 1 - text.size());
        in.read(piece, static_cast<std::streamsize>(want));
        text.append(piece, static_cast<std::size_t>(in.gcount()));
    }
    if (!parseScenario(text, path, scenario, problems))
        return false;
    scenario.sourcePath = path;
    return true;
}

} // namespace forkscope::core