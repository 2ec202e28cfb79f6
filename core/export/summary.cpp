#include "core/export/summary.hpp"

#include "core/analysis/headline.hpp"
#include "core/analysis/lost_updates.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace forkscope::core {

namespace {

using Json = nlohmann::ordered_json;

/// Seconds to the microsecond, or null for a time that never came (-1).
Json seconds(std::int64_t ns)
{
    if (ns < 0)
        return nullptr;
    return std::round(static_cast<double>(ns) / 1e3) / 1e6;
}

Json lockJson(const LockStats &l)
{
    return {{"id", l.id},
            {"acquisitions", l.acquisitions},
            {"total_wait_seconds", seconds(l.totalWaitNs)},
            {"longest_wait_seconds", seconds(l.longestWaitNs)},
            {"total_hold_seconds", seconds(l.totalHoldNs)}};
}

Json workerJson(const LaneOutcome &w)
{
    Json out = {{"name", w.info.name},
                {"kind", workerKindName(w.info.kind)},
                {"pid", w.info.pid},
                {"tid", w.info.tid},
                {"exit_code", w.ended && w.signal == 0 ? Json(w.exitCode) : Json(nullptr)},
                {"signal", w.signal},
                {"cancelled", w.cancelled}};
    if (!w.error.empty())
        out["error"] = w.error;
    if (!w.read.empty())
        out["read"] = w.read;
    if (!w.wrote.empty())
        out["wrote"] = w.wrote;
    out["start_seconds"] = seconds(w.startNs);
    out["end_seconds"] = seconds(w.endNs);
    return out;
}

Json lostUpdatesJson(const RunResult &result, const LostUpdateReport &report)
{
    Json out = Json::array();
    const auto name = [&](std::uint32_t lane) {
        return lane < result.lanes.size() ? result.lanes[lane].info.name : "lane " + std::to_string(lane);
    };
    for (const LostUpdate &lost : report.lost)
        out.push_back({{"worker", name(lost.lane)},
                       {"variable", lost.label},
                       {"read", lost.read},
                       {"wrote", lost.wrote},
                       {"overwritten_by", name(lost.overwrittenBy)},
                       {"at_seconds", seconds(lost.atNs)}});
    return out;
}

} // namespace

std::string summaryJson(const RunResult &result, const std::vector<Event> &events, const ParamSet *params,
                        const TrialOutcomes *trials)
{
    std::vector<bool> processLanes;
    for (const LaneOutcome &lane : result.lanes)
        processLanes.push_back(lane.info.kind == WorkerKind::Process);
    const LostUpdateReport lost = findLostUpdates(events, result.lostEvents, processLanes);
    Json out = {
        {"headline", headline(HeadlineInput{&result, &events, params, trials})},
        {"scenario", result.scenario},
        {"kind", result.kind},
        {"time_scale", result.timeScale},
        {"wall_seconds", seconds(result.wallNs)},
        {"main_end_seconds", seconds(result.mainEndNs)},
        {"lost_events", result.lostEvents},
        {"cancelled", result.cancelled},
        {"error", result.error.empty() ? Json(nullptr) : Json(result.error)},
        {"waiting_at_cancel", result.waitingAtCancel.empty() ? Json(nullptr) : Json(result.waitingAtCancel)},
        {"main_pid", result.lanes.empty() ? 0 : result.lanes[0].info.pid}};
    // Main's last read: the value main sees at its end (memory scenarios).
    out["main_final"] = result.lanes.empty() || result.lanes[0].read.empty()
        ? Json(nullptr)
        : Json(result.lanes[0].read.back());
    if (!result.locks.empty()) {
        Json locks = Json::array();
        for (const LockStats &l : result.locks)
            locks.push_back(lockJson(l));
        out["locks"] = std::move(locks);
    }
    out["lost_updates"] = lostUpdatesJson(result, lost);
    out["lost_updates_complete"] = lost.complete;
    if (trials) {
        out["expected"] = trials->expected;
        out["wrong_trials"] = trials->wrong();
        Json list = Json::array();
        for (const std::int64_t f : trials->finals)
            list.push_back({{"final", f}});
        out["trials"] = std::move(list);
    }
    Json workers = Json::array();
    for (std::size_t i = 1; i < result.lanes.size(); ++i)
        workers.push_back(workerJson(result.lanes[i]));
    out["workers"] = std::move(workers);
    return out.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace forkscope::core
