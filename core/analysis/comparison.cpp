#include "core/analysis/comparison.hpp"

#include "core/analysis/headline.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace forkscope::core {

namespace {

constexpr const char *kCompareForm = "PARAM=A,B[,C]";

bool parseNumber(std::string_view text, double &out)
{
    const char *first = text.data();
    const char *last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last && std::isfinite(out);
}

/// Whether `spec` allows `value`, exactly as buildPlan checks it.
bool allows(const ParamSpec &spec, const std::string &value)
{
    if (spec.type == ParamSpec::Type::Choice)
        return std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end();
    double v = 0;
    return parseNumber(value, v) && v >= spec.min && v <= spec.max
        && (spec.type == ParamSpec::Type::Number || std::floor(v) == v);
}

/// Whether two allowed values mean the same ("2" and "2.0" do).
bool sameValue(const ParamSpec &spec, const std::string &a, const std::string &b)
{
    double x = 0;
    double y = 0;
    if (spec.type != ParamSpec::Type::Choice && parseNumber(a, x) && parseNumber(b, y))
        return x == y;
    return a == b;
}

std::vector<std::string> splitValues(std::string_view text)
{
    std::vector<std::string> out;
    for (std::size_t from = 0;;) {
        const std::size_t comma = text.find(',', from);
        out.emplace_back(
            text.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
        if (comma == std::string_view::npos)
            return out;
        from = comma + 1;
    }
}

std::string parameterNames(const Scenario &scenario)
{
    std::string names;
    for (const ParamSpec &p : scenario.params)
        names += (names.empty() ? "" : ", ") + p.name;
    return names;
}

std::string seconds(std::int64_t ns) { return formatDuration(ns); }

bool finished(const ComparedRun &run) { return !run.failed && !run.cancelled; }

} // namespace

std::string parseCompareRequest(const Scenario &scenario, std::string_view text, CompareRequest &out)
{
    const std::string given(text);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0 || equals + 1 == text.size())
        return "--compare '" + given + "': expected " + kCompareForm + ", a parameter of '" + scenario.id
            + "' and two or three of its values (e.g. --compare " + scenario.params.front().name + "="
            + (scenario.params.front().choices.size() >= 2
                   ? scenario.params.front().choices[0] + "," + scenario.params.front().choices[1]
                   : scenario.params.front().defaultValue + ",...")
            + ")";
    const std::string param(text.substr(0, equals));
    const ParamSpec *spec = scenario.param(param);
    if (!spec)
        return "--compare " + given + ": '" + param + "' is not a parameter of scenario '" + scenario.id
            + "' (it takes: " + parameterNames(scenario) + ")";
    std::vector<std::string> values = splitValues(text.substr(equals + 1));
    if (std::any_of(values.begin(), values.end(), [](const std::string &v) { return v.empty(); }))
        return "--compare " + given + ": a value is empty; expected " + kCompareForm + " with " + param + " "
            + spec->allowed();
    if (values.size() < kMinComparedRuns || values.size() > kMaxComparedRuns)
        return "--compare " + given + ": give two or three values to compare (got "
            + std::to_string(values.size()) + "), each " + spec->allowed();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!allows(*spec, values[i]))
            return "--compare " + given + ": '" + values[i] + "' is not allowed: expected " + spec->allowed();
        for (std::size_t j = 0; j < i; ++j)
            if (sameValue(*spec, values[i], values[j]))
                return "--compare " + given + ": '" + values[i]
                    + "' is given twice; compare different values, each " + spec->allowed();
    }
    out.param = param;
    out.values = std::move(values);
    return {};
}

std::string compareLabel(const std::string &param, const std::string &value)
{
    if (param == "kind") {
        if (value == "process")
            return "processes";
        if (value == "thread")
            return "threads";
        return value; // "sequential"
    }
    if (param == "mode")
        return value;
    if (param == "work")
        return value + "-bound";
    return param + " " + value;
}

std::vector<std::string> differenceLabels(const std::vector<std::map<std::string, std::string>> &params)
{
    std::vector<std::string> differing; // names, in the maps' (alphabetical) order, kind and mode first
    for (const auto &runParams : params)
        for (const auto &entry : runParams) {
            const std::string &name = entry.first;
            if (std::find(differing.begin(), differing.end(), name) != differing.end())
                continue;
            const bool differs = std::any_of(params.begin(), params.end(), [&](const auto &other) {
                const auto it = other.find(name);
                return it == other.end() || it->second != entry.second;
            });
            if (differs)
                differing.push_back(name);
        }
    // What a run is (its kind or mode) reads best first: "processes, workers 4".
    std::stable_partition(differing.begin(), differing.end(),
                          [](const std::string &n) { return n == "kind" || n == "mode"; });
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < params.size(); ++i) {
        std::string label;
        for (const std::string &name : differing) {
            const auto it = params[i].find(name);
            label += (label.empty() ? "" : ", ")
                + (it == params[i].end() ? name + " (none)" : compareLabel(name, it->second));
        }
        labels.push_back(label.empty() ? "run " + std::to_string(i + 1) : label);
    }
    return labels;
}

double wallRatio(const std::vector<ComparedRun> &runs)
{
    std::int64_t fastest = 0;
    std::int64_t slowest = 0;
    int counted = 0;
    for (const ComparedRun &run : runs) {
        if (!finished(run) || run.wallNs <= 0)
            continue;
        fastest = counted == 0 ? run.wallNs : std::min(fastest, run.wallNs);
        slowest = std::max(slowest, run.wallNs);
        ++counted;
    }
    return counted < 2 ? 0 : static_cast<double>(slowest) / static_cast<double>(fastest);
}

std::string formatRatio(double ratio)
{
    char buf[32];
    if (ratio >= 9.95)
        std::snprintf(buf, sizeof buf, "%.0f×", ratio);
    else
        std::snprintf(buf, sizeof buf, "%.1f×", ratio);
    return buf;
}

std::string comparisonHeadline(const std::vector<ComparedRun> &runs)
{
    // Fastest first; runs without a time to compare (stopped, failed) after those with one.
    std::vector<const ComparedRun *> order;
    for (const ComparedRun &run : runs)
        order.push_back(&run);
    std::stable_sort(order.begin(), order.end(), [](const ComparedRun *a, const ComparedRun *b) {
        if (finished(*a) != finished(*b))
            return finished(*a);
        return finished(*a) && a->wallNs < b->wallNs;
    });
    std::string text;
    for (const ComparedRun *run : order) {
        text += (text.empty() ? "" : " · ") + run->label + " ";
        if (run->failed)
            text += "failed";
        else if (run->cancelled)
            text += "stopped after " + seconds(run->wallNs);
        else
            text += seconds(run->wallNs);
    }
    const double ratio = wallRatio(runs);
    if (ratio <= 0)
        return text;
    const bool all = std::all_of(runs.begin(), runs.end(), finished);
    const ComparedRun &fastest = *order.front();
    const auto slowest
        = std::find_if(order.rbegin(), order.rend(), [](const ComparedRun *r) { return finished(*r); });
    if (ratio < 1.1)
        return text + (all && runs.size() == 2 ? ": about as fast" : ": all about as fast");
    if (all && runs.size() == 2)
        return text + ": " + formatRatio(ratio) + " faster";
    return text + ": " + fastest.label + " " + formatRatio(ratio) + " faster than " + (*slowest)->label;
}

std::string comparisonCaption(const std::string &scenario,
                              const std::vector<std::map<std::string, std::string>> &params)
{
    std::string out = scenario;
    if (params.empty())
        return out;
    const auto shared = [&](const std::string &name, const std::string &value) {
        return std::all_of(params.begin(), params.end(), [&](const auto &p) {
            const auto it = p.find(name);
            return it != p.end() && it->second == value;
        });
    };
    // In the order the scenario declares its parameters (what it is first), else by name.
    std::vector<std::string> names;
    if (const Scenario *s = findScenario(scenario))
        for (const ParamSpec &p : s->params)
            names.push_back(p.name);
    for (const auto &entry : params.front())
        if (std::find(names.begin(), names.end(), entry.first) == names.end())
            names.push_back(entry.first);
    for (const std::string &name : names) {
        const auto it = params.front().find(name);
        if (it != params.front().end() && name != "time-scale" && shared(name, it->second))
            out += " · " + name + " " + it->second;
    }
    const auto scale = params.front().find("time-scale");
    double factor = 1;
    if (scale != params.front().end() && shared(scale->first, scale->second)
        && parseNumber(scale->second, factor) && factor > 0 && factor != 1) {
        char buf[32];
        const double shown = factor < 1 ? 1 / factor : factor;
        std::snprintf(buf, sizeof buf, shown >= 10 ? "%.0f" : "%.2g", shown);
        out += std::string(factor < 1 ? " · times shortened " : " · times stretched ") + buf + "×";
    }
    return out;
}

} // namespace forkscope::core
