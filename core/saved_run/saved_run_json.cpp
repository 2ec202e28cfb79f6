#include "core/saved_run/saved_run_json.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace forkscope::core {

namespace {

using Json = nlohmann::ordered_json;

Json resultJson(const RunResult &r)
{
    Json lanes = Json::array();
    for (const LaneOutcome &l : r.lanes)
        lanes.push_back({{"name", l.info.name},
                         {"kind", static_cast<int>(l.info.kind)},
                         {"pid", l.info.pid},
                         {"tid", l.info.tid},
                         {"started", l.started},
                         {"ended", l.ended},
                         {"cancelled", l.cancelled},
                         {"exit_code", l.exitCode},
                         {"signal", l.signal},
                         {"start_ns", l.startNs},
                         {"end_ns", l.endNs},
                         {"read", l.read},
                         {"wrote", l.wrote},
                         {"error", l.error}});
    Json locks = Json::array();
    for (const LockStats &l : r.locks)
        locks.push_back({{"id", l.id},
                         {"acquisitions", l.acquisitions},
                         {"total_wait_ns", l.totalWaitNs},
                         {"longest_wait_ns", l.longestWaitNs},
                         {"total_hold_ns", l.totalHoldNs}});
    return {{"scenario", r.scenario},
            {"kind", r.kind},
            {"time_scale", r.timeScale},
            {"cancelled", r.cancelled},
            {"error", r.error},
            {"runner_pid", r.runnerPid},
            {"runner_exit_code", r.runnerExitCode},
            {"runner_signal", r.runnerSignal},
            {"wall_ns", r.wallNs},
            {"main_end_ns", r.mainEndNs},
            {"lost_events", r.lostEvents},
            {"lanes", std::move(lanes)},
            {"locks", std::move(locks)}};
}

RunResult resultFrom(const Json &j)
{
    RunResult r;
    j.at("scenario").get_to(r.scenario);
    j.at("kind").get_to(r.kind);
    j.at("time_scale").get_to(r.timeScale);
    j.at("cancelled").get_to(r.cancelled);
    j.at("error").get_to(r.error);
    j.at("runner_pid").get_to(r.runnerPid);
    j.at("runner_exit_code").get_to(r.runnerExitCode);
    j.at("runner_signal").get_to(r.runnerSignal);
    j.at("wall_ns").get_to(r.wallNs);
    j.at("main_end_ns").get_to(r.mainEndNs);
    j.at("lost_events").get_to(r.lostEvents);
    for (const Json &l : j.at("lanes")) {
        LaneOutcome o;
        l.at("name").get_to(o.info.name);
        const int kind = l.at("kind").get<int>();
        if (kind < 0 || kind > static_cast<int>(WorkerKind::Process))
            throw std::invalid_argument("a lane of unknown kind " + std::to_string(kind));
        o.info.kind = static_cast<WorkerKind>(kind);
        l.at("pid").get_to(o.info.pid);
        l.at("tid").get_to(o.info.tid);
        l.at("started").get_to(o.started);
        l.at("ended").get_to(o.ended);
        l.at("cancelled").get_to(o.cancelled);
        l.at("exit_code").get_to(o.exitCode);
        l.at("signal").get_to(o.signal);
        l.at("start_ns").get_to(o.startNs);
        l.at("end_ns").get_to(o.endNs);
        l.at("read").get_to(o.read);
        l.at("wrote").get_to(o.wrote);
        l.at("error").get_to(o.error);
        r.lanes.push_back(std::move(o));
    }
    for (const Json &l : j.at("locks")) {
        LockStats s;
        l.at("id").get_to(s.id);
        l.at("acquisitions").get_to(s.acquisitions);
        l.at("total_wait_ns").get_to(s.totalWaitNs);
        l.at("longest_wait_ns").get_to(s.longestWaitNs);
        l.at("total_hold_ns").get_to(s.totalHoldNs);
        r.locks.push_back(s);
    }
    if (r.lanes.empty())
        throw std::invalid_argument("a recording without lanes");
    return r;
}

Json trialsJson(const SavedTrials &t)
{
    Json series = Json::array();
    for (const SavedTrials::Series &s : t.series)
        series.push_back({{"label", s.label}, {"locked", s.locked}, {"finals", s.finals}});
    Json examples = Json::array();
    for (const SavedTrials::Example &e : t.examples)
        examples.push_back({{"series", e.series},
                            {"trial", e.trial},
                            {"final", e.final},
                            {"lost_updates", e.lostUpdates},
                            {"run", e.run}});
    return {{"count", t.count},
            {"expected", t.expected},
            {"caption", t.caption},
            {"series", std::move(series)},
            {"examples", std::move(examples)}};
}

SavedTrials trialsFrom(const Json &j, std::size_t runs)
{
    SavedTrials t;
    j.at("count").get_to(t.count);
    j.at("expected").get_to(t.expected);
    j.at("caption").get_to(t.caption);
    for (const Json &s : j.at("series"))
        t.series.push_back({s.at("label").get<std::string>(), s.at("locked").get<bool>(),
                            s.at("finals").get<std::vector<std::int64_t>>()});
    for (const Json &e : j.at("examples")) {
        SavedTrials::Example x;
        e.at("series").get_to(x.series);
        e.at("trial").get_to(x.trial);
        e.at("final").get_to(x.final);
        e.at("lost_updates").get_to(x.lostUpdates);
        e.at("run").get_to(x.run);
        if (x.run >= runs || x.series < 0 || static_cast<std::size_t>(x.series) >= t.series.size())
            throw std::invalid_argument("a kept trial names a recording or series the file does not have");
        t.examples.push_back(x);
    }
    return t;
}

Json labJson(const SavedLab &lab)
{
    Json table = Json::array();
    for (const LabTiming &t : lab.table)
        table.push_back({{"work", t.work}, {"mode", t.mode}, {"wall_ns", t.wallNs}});
    return {{"title", lab.title},
            {"tasks", lab.tasks},
            {"cores", lab.cores},
            {"load_note", lab.loadNote},
            {"table", std::move(table)}};
}

SavedLab labFrom(const Json &j)
{
    SavedLab lab;
    j.at("title").get_to(lab.title);
    j.at("tasks").get_to(lab.tasks);
    j.at("cores").get_to(lab.cores);
    j.at("load_note").get_to(lab.loadNote);
    for (const Json &t : j.at("table"))
        lab.table.push_back({t.at("work").get<std::string>(), t.at("mode").get<std::string>(),
                             t.at("wall_ns").get<std::int64_t>()});
    return lab;
}

} // namespace

std::string savedRunDescription(const SavedRun &run)
{
    Json runs = Json::array();
    for (const SavedRecording &rec : run.runs) {
        Json r = resultJson(rec.result);
        r["lost_updates"] = rec.lostUpdates;
        runs.push_back(std::move(r));
    }
    Json out = {{"kind", std::string(savedRunKindName(run.kind))},
                {"saved_by", run.savedBy},
                {"ran_at", run.ranAt},
                {"cores", run.cores},
                {"scenario",
                 {{"id", run.scenarioId},
                  {"builtin", run.scenarioBuiltin},
                  {"path", run.scenarioPath},
                  {"text", run.scenarioText}}},
                {"params", run.params},
                {"plan", Json::parse(planToJson(run.plan))},
                {"title", run.title},
                {"headline", run.headline},
                {"caption", run.caption},
                {"measured", run.measured},
                {"shown", run.shown},
                {"runs", std::move(runs)}};
    if (run.kind == SavedRun::Kind::Trials)
        out["trials"] = trialsJson(run.trials);
    if (run.kind == SavedRun::Kind::GilLab)
        out["lab"] = labJson(run.lab);
    // Text that is not UTF-8 (a lane's error, a user's scenario) is saved with U+FFFD in place of its bad
    // bytes rather than not at all; printed lines travel in the event rows, byte for byte.
    return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string parseSavedRunDescription(std::string_view text, SavedRun &out)
{
    try {
        const Json j = Json::parse(text);
        SavedRun run;
        const std::string kind = j.at("kind").get<std::string>();
        if (kind == "run")
            run.kind = SavedRun::Kind::Run;
        else if (kind == "trials")
            run.kind = SavedRun::Kind::Trials;
        else if (kind == "gil-lab")
            run.kind = SavedRun::Kind::GilLab;
        else
            return "it is of a kind this Forkscope does not know ('" + kind
                + "'; it knows run, trials, gil-lab)";
        j.at("saved_by").get_to(run.savedBy);
        j.at("ran_at").get_to(run.ranAt);
        j.at("cores").get_to(run.cores);
        const Json &scenario = j.at("scenario");
        scenario.at("id").get_to(run.scenarioId);
        scenario.at("builtin").get_to(run.scenarioBuiltin);
        scenario.at("path").get_to(run.scenarioPath);
        scenario.at("text").get_to(run.scenarioText);
        j.at("params").get_to(run.params);
        std::string error;
        if (!planFromJson(j.at("plan").dump(), run.plan, error))
            return "its plan cannot be read: " + error;
        j.at("title").get_to(run.title);
        j.at("headline").get_to(run.headline);
        j.at("caption").get_to(run.caption);
        j.at("measured").get_to(run.measured);
        j.at("shown").get_to(run.shown);
        for (const Json &r : j.at("runs")) {
            SavedRecording rec;
            rec.result = resultFrom(r);
            r.at("lost_updates").get_to(rec.lostUpdates);
            run.runs.push_back(std::move(rec));
        }
        if (run.shown < -1 || run.shown >= static_cast<int>(run.runs.size()))
            return "the run it shows (" + std::to_string(run.shown) + ") is not one of its "
                + std::to_string(run.runs.size()) + " recordings";
        if (run.kind != SavedRun::Kind::GilLab && !run.shownRun())
            return "it has no run to show";
        if (run.kind == SavedRun::Kind::Trials)
            run.trials = trialsFrom(j.at("trials"), run.runs.size());
        if (run.kind == SavedRun::Kind::GilLab)
            run.lab = labFrom(j.at("lab"));
        out = std::move(run);
        return {};
    } catch (const std::exception &e) {
        return std::string("its description cannot be read (") + e.what() + ")";
    }
}

} // namespace forkscope::core
