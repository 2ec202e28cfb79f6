#pragma once

// A saved run (FILE.fsrun): a finished run kept whole so it can be shown and exported again without
// running it — the scenario (its file's text and the plan it made), its parameters, the run's result, every
// event of every lane, and what its pictures say (headline, caption, lost updates, trials, the GIL lab's
// table). A teacher prepares runs before class; `forkscope open-run` and the window's File → Open Run…
// read them back. The file format (magic, version, checksums, compressed events) is described in
// ARCHITECTURE.md, "Saved runs".

#include "core/analysis/gil_lab.hpp"
#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "core/plan/plan.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace forkscope::core {

struct Scenario;
class ParamSet;

/// The version of the file format this Forkscope writes and the only one it reads.
inline constexpr std::uint32_t kSavedRunFormat = 1;
/// The file name ending every saved run has ("bank.fsrun").
inline constexpr std::string_view kSavedRunExtension = ".fsrun";

/// One real run kept whole: its result and every event of every lane, in time order.
struct SavedRecording {
    RunResult result;
    std::vector<Event> events;
    int lostUpdates = 0; ///< updates whose effect did not reach the final value (findLostUpdates), at save
};

/// Repeated trials (the bank): every trial's final value per setting, and the whole trials kept to show.
struct SavedTrials {
    struct Series {
        std::string label;   ///< "without lock", "with lock", "trials"
        bool locked = false; ///< the setting guards its updates with the lock
        std::vector<std::int64_t> finals;
    };
    /// A trial kept whole: which one it was and where its recording is (an index into SavedRun::runs).
    struct Example {
        int series = 0;
        int trial = 0; ///< its number in its series, from 1
        std::int64_t final = 0;
        int lostUpdates = 0;
        std::uint32_t run = 0;
    };
    int count = 0;             ///< trials asked for per setting
    std::int64_t expected = 0; ///< what main should end with
    std::string caption;       ///< what the trials were (core::trialsCaption)
    std::vector<Series> series;
    std::vector<Example> examples;
};

/// The GIL lab's table (cpu-vs-io in every mode): what its speedup chart draws.
struct SavedLab {
    std::string title; ///< the chart's title (the scenario's)
    int tasks = 0;
    int cores = 0;
    std::vector<LabTiming> table;
    std::string loadNote; ///< how busy the machine was while the lab ran, as the chart said it (may be empty)
};

/// What a saved run holds.
struct SavedRun {
    enum class Kind : std::uint8_t {
        Run,    ///< one run
        Trials, ///< repeated trials, one of them shown
        GilLab, ///< the GIL lab's eight timed runs: their table only
    };
    Kind kind = Kind::Run;
    std::string savedBy;    ///< "forkscope 0.1.0 (command line)": who wrote the file
    std::int64_t ranAt = 0; ///< when it ran: seconds since 1970 (UTC)
    int cores = 0;          ///< the machine's cores when it ran
    // The scenario, as it was when the run was made: its id, where it came from and its file's whole text
    // (so a run of a teacher's own file opens where the file is not), the parameters as run, and the plan
    // they made (for trials: the trials' plan).
    std::string scenarioId;
    bool scenarioBuiltin = false;
    std::string scenarioPath;
    std::string scenarioText;
    std::map<std::string, std::string> params;
    Plan plan;
    // What the run's pictures and panes said, kept as they were shown, so a saved run looks as it did.
    std::string
        title; ///< the timeline's title ("bank — thread"; for trials the batch's: a trial adds its own)
    std::string headline; ///< the slide's title (core::headline, or the trials' verdict)
    std::string caption;  ///< the line under it
    std::map<std::string, std::string> measured; ///< the headline's values (core::measuredValues)
    std::vector<SavedRecording> runs;            ///< the run, or the trials kept whole
    int shown = -1;                              ///< the index in `runs` of the run shown; -1: none
    SavedTrials trials;                          ///< Kind::Trials
    SavedLab lab;                                ///< Kind::GilLab

    const SavedRecording *shownRun() const
    {
        return shown >= 0 && static_cast<std::size_t>(shown) < runs.size()
            ? &runs[static_cast<std::size_t>(shown)]
            : nullptr;
    }
    /// Every event of every recording.
    std::size_t eventCount() const;
};

/// "run", "trials", "gil-lab".
std::string_view savedRunKindName(SavedRun::Kind kind) noexcept;

/// Writes `run` to `path` whole or not at all (a temporary file beside it, fsync, rename), so a failed or
/// interrupted save leaves no partial file and an older file of that name as it was. Returns "" or what
/// went wrong.
std::string saveRun(const SavedRun &run, const std::string &path);

/// Reads a saved run. On failure returns what is wrong — not a saved run, written by an older or a newer
/// format, truncated, damaged (a checksum does not match), or its content does not make sense — and leaves
/// `out` as it was: nothing of a bad file is ever half loaded.
std::string loadRun(const std::string &path, SavedRun &out);

/// The same in memory (tests and benchmarks): the file's bytes, and reading them back. `name` names the
/// bytes in messages.
std::string encodeSavedRun(const SavedRun &run, std::string &bytes);
std::string decodeSavedRun(std::string_view bytes, const std::string &name, SavedRun &out);

/// A finished run kept whole: its result, its events and how many of its updates were lost.
SavedRecording recordingOf(RunResult result, std::vector<Event> events);

/// Fills what `run` says of where it came from: the scenario (its id, whether it is built in, its file's path
/// and whole text), the parameters as run, the plan, when it ran (`ranAt`, seconds since 1970), the
/// machine's cores and who saved it ("forkscope 0.1.0 (window)" for `where` = "window").
void describeSavedRun(SavedRun &run, const Scenario &scenario, const ParamSet &values, const Plan &plan,
                      std::int64_t ranAt, std::string_view where);

/// The scenario to show a saved run with: the built-in lesson of its id when there is one, else the file it
/// saved, read again from its saved text and kept (addScenario) — so a run of a teacher's own file opens
/// where the file is not. `note` says when the lesson's file has changed since the run was saved (the run
/// still shows as it ran). Null with `note` saying why when neither can be had.
const Scenario *savedRunScenario(const SavedRun &run, std::string &note);

/// "2024-05-02 14:31" in local time, for "saved run bank.fsrun, ran 2024-05-02 14:31".
std::string savedRunDate(std::int64_t ranAt);

} // namespace forkscope::core
