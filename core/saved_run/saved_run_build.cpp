// Making a saved run from a finished one, and finding its scenario again when it is opened.

#include "core/saved_run/saved_run.hpp"

#include "core/analysis/lost_updates.hpp"
#include "core/scenario/scenario_file.hpp"
#include "core/scenario/scenarios.hpp"

#include <fstream>
#include <iterator>
#include <thread>

namespace forkscope::core {

namespace {

std::string readText(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

} // namespace

SavedRecording recordingOf(RunResult result, std::vector<Event> events)
{
    SavedRecording rec;
    std::vector<bool> processLanes;
    for (const LaneOutcome &lane : result.lanes)
        processLanes.push_back(lane.info.kind == WorkerKind::Process);
    rec.lostUpdates = static_cast<int>(findLostUpdates(events, result.lostEvents, processLanes).lost.size());
    rec.result = std::move(result);
    rec.events = std::move(events);
    return rec;
}

void describeSavedRun(SavedRun &run, const Scenario &scenario, const ParamSet &values, const Plan &plan,
                      std::int64_t ranAt, std::string_view where)
{
    run.savedBy = std::string("forkscope ") + FORKSCOPE_VERSION + " (" + std::string(where) + ")";
    run.ranAt = ranAt;
    run.cores = static_cast<int>(std::thread::hardware_concurrency());
    run.scenarioId = scenario.id;
    run.scenarioBuiltin = scenario.builtin;
    run.scenarioPath = scenario.sourcePath;
    run.scenarioText = readText(scenario.sourcePath);
    run.params = values.values();
    run.plan = plan;
}

const Scenario *savedRunScenario(const SavedRun &run, std::string &note)
{
    note.clear();
    if (run.scenarioBuiltin) {
        for (const Scenario &s : builtinScenarios())
            if (s.id == run.scenarioId) {
                if (!run.scenarioText.empty() && readText(s.sourcePath) != run.scenarioText)
                    note = "the lesson '" + run.scenarioId
                        + "' has changed since this run was saved; the run shows as it ran";
                return &s;
            }
    } else if (const Scenario *known = findScenario(run.scenarioId);
               known && !known->builtin && readText(known->sourcePath) == run.scenarioText) {
        return known; // the same file, read already (opened before, or given to `run`)
    }
    if (run.scenarioText.empty()) {
        note
            = "the scenario '" + run.scenarioId + "' is not known here and the saved run holds no copy of it";
        return nullptr;
    }
    Scenario scenario;
    std::vector<ScenarioProblem> problems;
    if (!parseScenario(run.scenarioText, run.scenarioPath, scenario, problems)) {
        note = "the scenario '" + run.scenarioId + "' saved with the run cannot be read here:\n"
            + problemsText(problems);
        return nullptr;
    }
    scenario.sourcePath = run.scenarioPath;
    scenario.builtin = false;
    return addScenario(std::move(scenario));
}

} // namespace forkscope::core
