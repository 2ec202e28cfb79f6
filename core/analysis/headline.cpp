#include "core/analysis/headline.hpp"

#include "core/scenario/expression.hpp"
#include "core/scenario/scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace forkscope::core {

namespace {

std::string number(double v, int significant = 2)
{
    char buf[32];
    if (v != 0 && std::fabs(v) < 1000) {
        // Two significant digits, but never fewer than one decimal for values under 10 ("2.0", "0.21").
        const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
        const int decimals = std::max(v < 10 ? 1 : 0, significant - 1 - magnitude);
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    } else {
        std::snprintf(buf, sizeof buf, "%.0f", v);
    }
    return buf;
}

std::string plural(std::int64_t n, const std::string &one, const std::string &many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string listOf(const std::vector<std::int64_t> &values)
{
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values.size() > 12 && i == 5) {
            out += ", …";
            i = values.size() - 5;
        }
        out += (i ? ", " : "") + std::to_string(values[i]);
    }
    return out + "]";
}

std::string kindPlural(const std::string &kind)
{
    if (kind == "process")
        return "processes";
    if (kind == "thread")
        return "threads";
    if (kind == "sequential")
        return "sequential calls";
    return kind.empty() ? "workers" : kind + "s";
}

/// Counts and lists read from the events: what the lessons' headlines are made of.
void eventValues(const std::vector<Event> &events, RunValues &v)
{
    std::int64_t gets = 0, puts = 0, sends = 0, recvs = 0, fullWaits = 0, tasks = 0, capacity = 0;
    std::int64_t sentinels = 0; // gets of a "close" (a negative value): the end of a worker's loop
    std::vector<std::int64_t> taskResultsInOrder;              // by completion
    std::vector<std::pair<std::int32_t, std::int64_t>> byTask; // (task index, result)
    std::vector<std::int64_t> tables;                          // processes listed by each snapshot
    std::map<std::int32_t, std::uint32_t> lastGot;             // per queue: the seq of its last get
    bool inOrder = true;
    for (const Event &e : events) {
        switch (e.type) {
        case EventType::QueueGet:
            // In order: each get took the message after the one before it on its queue.
            inOrder = inOrder && (lastGot.count(e.arg) ? e.id == lastGot[e.arg] + 1 : e.id == 0);
            lastGot[e.arg] = e.id;
            ++gets;
            sentinels += e.value < 0;
            break;
        case EventType::QueuePut: ++puts; break;
        case EventType::PipeSend: ++sends; break;
        case EventType::PipeRecv: ++recvs; break;
        case EventType::QueueBlockBegin: fullWaits += e.value == 0; break;
        case EventType::QueueOpen:
            if (e.arg == 0)
                capacity = e.value;
            break;
        case EventType::TaskEnd:
            if (!(e.flags & (kError | kCancelled))) {
                ++tasks;
                taskResultsInOrder.push_back(e.value);
                byTask.emplace_back(e.arg, e.value);
            }
            break;
        case EventType::Print:
            if (e.detail == kProcessTableHeading)
                tables.push_back(e.value);
            break;
        default: break;
        }
    }
    std::sort(byTask.begin(), byTask.end());
    std::vector<std::int64_t> results;
    for (const auto &[task, result] : byTask)
        results.push_back(result);
    v["gets"] = std::to_string(gets);
    v["work_gets"] = std::to_string(gets - sentinels);
    v["gets_order"] = inOrder ? "in order" : "out of order";
    v["puts"] = std::to_string(puts);
    v["sends"] = std::to_string(sends);
    v["recvs"] = std::to_string(recvs);
    v["full_waits"] = plural(fullWaits, "time", "times");
    v["capacity"] = std::to_string(capacity);
    v["tasks"] = std::to_string(tasks);
    v["results"] = listOf(results);
    v["completion_order"] = listOf(taskResultsInOrder);
    v["completion_sorted"]
        = std::is_sorted(taskResultsInOrder.begin(), taskResultsInOrder.end()) ? "on" : "off";
    for (std::size_t i = 0; i < tables.size() && i < 3; ++i)
        v["table_" + std::to_string(i + 1)] = std::to_string(tables[i]);
}

/// Values read and written by the lanes, and how the lanes ended.
void laneValues(const RunResult &r, RunValues &v)
{
    const std::int64_t workers = r.lanes.empty() ? 0 : static_cast<std::int64_t>(r.lanes.size() - 1);
    v["workers"] = std::to_string(workers);
    if (!r.lanes.empty() && !r.lanes[0].read.empty()) {
        v["final"] = std::to_string(r.lanes[0].read.back());
        v["main_reads"] = listOf(r.lanes[0].read);
    }
    std::set<std::int64_t> workerFinals;
    int failed = 0;
    int crashed = 0;
    for (std::size_t i = 1; i < r.lanes.size(); ++i) {
        const LaneOutcome &lane = r.lanes[i];
        if (!lane.read.empty())
            workerFinals.insert(lane.read.back());
        if (!lane.error.empty() && !v.count("error"))
            v["error"] = lane.error;
        failed += lane.ended && lane.signal == 0 && lane.exitCode != 0;
        if (lane.signal != 0) {
            ++crashed;
            v["signal"] = signalName(lane.signal);
        }
    }
    if (!workerFinals.empty()) {
        std::string text;
        for (const std::int64_t f : workerFinals)
            text += (text.empty() ? "" : " or ") + std::to_string(f);
        v["worker_final"] = text;
    }
    v["failed"] = std::to_string(failed);
    v["crashed"] = std::to_string(crashed);
}

void lostValues(const HeadlineInput &in, RunValues &v)
{
    std::vector<bool> processLanes;
    for (const LaneOutcome &lane : in.result->lanes)
        processLanes.push_back(lane.info.kind == WorkerKind::Process);
    const LostUpdateReport report = findLostUpdates(*in.events, in.result->lostEvents, processLanes);
    std::int64_t deposits = 0;
    std::int64_t withdrawals = 0;
    for (const LostUpdate &lost : report.lost)
        (lost.wrote > lost.read ? deposits : withdrawals)++;
    const auto n = static_cast<std::int64_t>(report.lost.size());
    v["lost"] = std::to_string(n);
    v["lost_updates"] = plural(n, "update", "updates") + " lost";
    v["lost_doublings"] = plural(n, "doubling", "doublings") + " lost";
    v["lost_deposits"] = std::to_string(deposits);
    v["lost_withdrawals"] = std::to_string(withdrawals);
    v["updates"] = std::to_string(report.updates);
    if (!report.complete)
        v["lost_incomplete"] = report.incompleteWhy;
    // What the doubling lessons would have reached with no doubling lost: 1 doubled once per update.
    if (report.updates > 0 && report.updates < 62)
        v["all_doubled"] = std::to_string(std::int64_t{1} << report.updates);
}

} // namespace

std::string formatDuration(std::int64_t ns)
{
    const double s = static_cast<double>(ns) / 1e9;
    if (s >= 1)
        return number(s) + " s";
    if (s >= 1e-3)
        return number(s * 1e3) + " ms";
    return number(s * 1e6) + " µs";
}

RunValues measuredValues(const HeadlineInput &in)
{
    RunValues v;
    const RunResult &r = *in.result;
    v["scenario"] = r.scenario;
    v["kind"] = r.kind;
    v["kind_plural"] = kindPlural(r.kind);
    v["wall"] = formatDuration(r.wallNs);
    v["main_end"] = formatDuration(std::max<std::int64_t>(r.mainEndNs, 0));
    laneValues(r, v);
    if (in.events) {
        eventValues(*in.events, v);
        lostValues(in, v);
    }
    if (in.params) {
        for (const auto &[name, value] : in.params->values())
            v["param:" + name] = value;
        const std::string sleep = in.params->text("sleep");
        if (!sleep.empty()) {
            const double scaled = in.params->number("sleep") * r.timeScale;
            v["sleep"] = formatDuration(static_cast<std::int64_t>(scaled * 1e9));
            v["sequential"]
                = formatDuration(static_cast<std::int64_t>(scaled * 1e9 * std::stod(v["workers"])));
        }
    }
    const Scenario *scenario = findScenario(r.scenario);
    v["trial_series"] = in.trials ? "on" : "off";
    if (in.trials) {
        v["expected"] = std::to_string(in.trials->expected);
        v["trials"] = std::to_string(in.trials->finals.size());
        v["wrong"] = std::to_string(in.trials->wrong());
    } else if (scenario && scenario->expected && in.params) {
        v["expected"] = std::to_string(scenario->expected(*in.params));
    }
    return v;
}

std::string fillTemplate(std::string_view pattern, const RunValues &values)
{
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string_view::npos) {
                const auto it = values.find(pattern.substr(i + 1, close - i - 1));
                if (it != values.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += pattern[i++];
    }
    return out;
}

namespace {

/// The text of the first rule whose condition holds over `v`, or `fallback`.
std::string firstRule(const std::vector<HeadlineRule> &rules, const RunValues &v, const std::string &fallback)
{
    ExprScope scope;
    for (const auto &[name, value] : v)
        scope[name] = ExprValue::parse(value);
    for (const HeadlineRule &rule : rules) {
        if (rule.condition.empty())
            return rule.text;
        ExprValue truth;
        std::string error;
        // A condition that cannot be evaluated (a value this run did not measure) does not hold.
        if (evaluate(rule.condition, scope, truth, error) && truth.truth())
            return rule.text;
    }
    return fallback;
}

} // namespace

std::string headlineTemplate(const HeadlineInput &in, const RunValues &v)
{
    static const std::vector<HeadlineRule> none;
    const Scenario *scenario = findScenario(in.result->scenario);
    return firstRule(scenario ? scenario->headline : none, v, "{workers} {kind_plural} ran in {wall}");
}

std::string headline(const HeadlineInput &in)
{
    const RunValues values = measuredValues(in);
    std::string text = fillTemplate(headlineTemplate(in, values), values);
    if (in.result->failed())
        return "the run failed: " + in.result->error;
    if (in.result->cancelled)
        return "stopped after " + values.at("wall") + ": " + text;
    return text;
}

std::string caption(const HeadlineInput &in)
{
    const RunResult &r = *in.result;
    std::string out = r.scenario;
    const Scenario *scenario = findScenario(r.scenario);
    if (scenario && !scenario->caption.empty()) {
        // The scenario's own words for what this run was (its settings that matter, where it differs from
        // Python), rather than every parameter.
        const RunValues values = measuredValues(in);
        out = fillTemplate(firstRule(scenario->caption, values, out), values);
    } else if (in.params) {
        for (const auto &[name, value] : in.params->values())
            if (name != "time-scale")
                out += " · " + name + " " + value;
    }
    // "10×", "2×", "2.5×": a whole factor without a decimal.
    const auto factor = [](double f) {
        return std::fabs(f - std::round(f)) < 0.05 ? std::to_string(std::lround(f)) : number(f);
    };
    if (r.timeScale > 0 && r.timeScale < 1)
        out += " · times shortened " + factor(1 / r.timeScale) + "×";
    else if (r.timeScale > 1)
        out += " · times stretched " + factor(r.timeScale) + "×";
    return out;
}

} // namespace forkscope::core
