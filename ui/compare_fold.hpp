#pragma once

// Folding alike lanes for a comparison: ten processes that all slept two seconds need not take ten rows of a
// third of a slide. Consecutive worker lanes of one kind with the same bars (same states, durations within
// 15 % unless they ran in turn; none that waited for a GIL: its turns are its story) form a family; a family is folded into one row, keeping its first and last lanes apart when there is
// room. How a row stands for its lanes depends on how they ran:
//   - together (they started within a tenth of their length): the row is the first of them, named for all
//     ("workers 2–9 · 8 alike"); the others did the same thing at the same time. May fold whole.
//   - staggered (each overlaps the one before it but did not start with it: forks take a while, and children
//     start in any order): the same row, named "alike, staggered", and the family's first and last lanes
//     always stay apart, so the spread of the starts shows.
//   - in turn (one after another, as sequential calls run): the row holds all of them, each bar where it
//     was ("workers 2–9 · 8 in turn"). May fold whole.
// Folding rebuilds a model from the run's events (the painter is not changed), so it is pure model work with
// its own GUI-less test.

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "ui/timeline_model.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::ui {

/// Consecutive worker lanes that can share one row.
struct LaneFamily {
    enum class Timing { Together, Staggered, InTurn };
    std::vector<std::uint32_t> lanes; ///< in lane order, at least two
    Timing timing = Timing::Together;

    bool inTurn() const { return timing == Timing::InTurn; }
    /// How far it may fold: 2 (whole) together or in turn; staggered 1 (its middle) from four lanes, else 0.
    int maxLevel() const;
    /// Display rows the family takes at `level` (a process lane also has its process's header row).
    int rowsAt(int level, bool processes) const;
};

/// The families of alike lanes in a finished run's model, in lane order. Main is never in one.
std::vector<LaneFamily> alikeFamilies(const TimelineModel &model);

/// How far each family (by index in `families`) is folded: 0 not at all, 1 all but its first and last
/// lane, 2 into one row; never past the family's maxLevel. Level 1 on a family of fewer than four lanes
/// folds it whole.
using FoldLevels = std::vector<int>;

/// The run's model with `families` folded to `levels`, rebuilt from its result and events: kept lanes are
/// as recorded; a folded row is named for its lanes; references to a folded lane (a spawn, a join, the
/// GIL's previous holder) point at its row. The model is finished and titled as the original.
TimelineModel foldedModel(const core::RunResult &result, const std::vector<core::Event> &events,
                          const std::vector<LaneFamily> &families, const FoldLevels &levels,
                          const std::string &title = {});

/// How many lanes `levels` draws inside another's row (0: none folded).
int foldedLaneCount(const std::vector<LaneFamily> &families, const FoldLevels &levels);

/// The name of a row standing for `names` (in order) that ran with `timing`: "workers 2–9 · 8 alike",
/// "workers 2–9 · 8 alike, staggered" (the row is the first of them: the others started at other times),
/// "worker a … worker z · 3 in turn".
std::string foldName(const std::vector<std::string> &names, LaneFamily::Timing timing);

} // namespace forkscope::ui
