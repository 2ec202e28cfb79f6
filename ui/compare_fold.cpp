#include "ui/compare_fold.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

namespace forkscope::ui {

namespace {

/// Whether `b` did what `a` did: the same bars (state and nesting), lasting about as long when `durations`.
bool sameBars(const Lane &a, const Lane &b, std::int64_t slack, bool durations)
{
    if (a.bars.size() != b.bars.size())
        return false;
    for (std::size_t i = 0; i < a.bars.size(); ++i) {
        const Bar &x = a.bars[i];
        const Bar &y = b.bars[i];
        if (x.state != y.state || x.depth != y.depth || x.open() || y.open())
            return false;
        const std::int64_t dx = x.end - x.begin;
        const std::int64_t dy = y.end - y.begin;
        if (durations && std::llabs(dx - dy) > std::max(dx * 15 / 100, slack))
            return false;
    }
    return true;
}

using Timing = LaneFamily::Timing;

/// How `next` ran against the family so far (its first lane `first`, its last `previous`); none when it ran
/// apart from the previous one without following it. (Forked children start in whatever order the
/// scheduler picks, so a staggered lane may start before the one before it.)
std::optional<Timing> timingOf(const Lane &first, const Lane &previous, const Lane &next, std::int64_t slack)
{
    const std::int64_t length = first.endNs - first.startNs;
    if (std::llabs(next.startNs - first.startNs) <= std::max(length / 10, slack))
        return Timing::Together;
    if (next.startNs >= previous.endNs - slack)
        return Timing::InTurn;
    if (next.startNs < previous.endNs && next.endNs > previous.startNs)
        return Timing::Staggered;
    return std::nullopt;
}

/// The family's timing once `next` joins it, none if it cannot: in turn never mixes with the others, and
/// together with staggered is staggered.
std::optional<Timing> joined(std::optional<Timing> family, Timing next)
{
    if (!family || *family == next)
        return next;
    if (*family == Timing::InTurn || next == Timing::InTurn)
        return std::nullopt;
    return Timing::Staggered;
}

/// Whether a lane may share a row. Not one that took turns at its process's GIL (handed it over when asked,
/// or waited for it longer than `slack` in all): threads under a GIL take turns, and their turns (drawn
/// beside the bars, which all look alike) are what the lane shows. A moment's wait for an uncontended GIL
/// (a call in turn, a process with its own) does not count.
bool foldable(const Lane &lane, std::int64_t slack)
{
    std::int64_t waited = 0;
    bool forced = false;
    for (const GilSpan &span : lane.gil) {
        forced = forced || (span.holds && span.forced);
        if (!span.holds && !span.open())
            waited += span.end - span.begin;
    }
    return lane.started() && lane.ended() && !lane.crashed() && !forced && waited <= slack;
}

/// Lanes that share a row at a family's level: groups of lanes in lane order (a single lane is kept as is).
std::vector<std::vector<std::uint32_t>> rowsOf(const LaneFamily &family, int level)
{
    const auto &lanes = family.lanes;
    level = std::min(level, family.maxLevel());
    if (level <= 0)
        return {};
    if (level == 1 && lanes.size() >= 4)
        return {{lanes.front()}, {lanes.begin() + 1, lanes.end() - 1}, {lanes.back()}};
    return {lanes};
}

bool referencesLane(core::EventType type)
{
    using core::EventType;
    switch (type) {
    case EventType::Spawn:
    case EventType::JoinBegin:
    case EventType::JoinEnd:
    case EventType::GilAcquire:
    case EventType::GilDropRequest:
    case EventType::GilHandOver: return true;
    default: return false;
    }
}

} // namespace

int LaneFamily::maxLevel() const
{
    if (timing != Timing::Staggered)
        return 2;
    return lanes.size() >= 4 ? 1 : 0;
}

int LaneFamily::rowsAt(int level, bool processes) const
{
    level = std::min(level, maxLevel());
    const int n = static_cast<int>(lanes.size());
    const int rows = level <= 0 ? n : (level == 1 && n >= 4 ? 3 : 1);
    return processes ? 2 * rows : rows;
}

std::vector<LaneFamily> alikeFamilies(const TimelineModel &model)
{
    std::vector<LaneFamily> families;
    const auto &lanes = model.lanes();
    // Differences under a percent of the run are a few pixels on a slide (and what a busy machine adds to a
    // short sleep).
    const std::int64_t slack = std::max<std::int64_t>(model.now() / 100, 1);
    LaneFamily current;
    std::optional<Timing> timing;
    const auto close = [&] {
        if (current.lanes.size() >= 2)
            families.push_back(current);
        current = {};
        timing.reset();
    };
    for (std::uint32_t i = 1; i < lanes.size(); ++i) {
        const Lane &lane = lanes[i];
        if (!foldable(lane, slack)) {
            close();
            continue;
        }
        if (!current.lanes.empty()) {
            const Lane &first = lanes[current.lanes.front()];
            const Lane &previous = lanes[current.lanes.back()];
            const std::optional<Timing> t = timingOf(first, previous, lane, slack);
            const std::optional<Timing> together = t ? joined(timing, *t) : std::nullopt;
            // A row of calls in turn keeps every bar where it was, so their lengths may differ (a busy
            // machine stretches some); side by side, the first stands for the others, so they must match.
            if (together && lane.info.kind == first.info.kind
                && sameBars(first, lane, slack, *together != Timing::InTurn)) {
                current.lanes.push_back(i);
                timing = together;
                current.timing = *together;
                continue;
            }
            close();
        }
        current.lanes.push_back(i);
    }
    close();
    return families;
}

int foldedLaneCount(const std::vector<LaneFamily> &families, const FoldLevels &levels)
{
    int folded = 0;
    for (std::size_t f = 0; f < families.size() && f < levels.size(); ++f)
        for (const auto &row : rowsOf(families[f], levels[f]))
            folded += static_cast<int>(row.size()) - 1;
    return folded;
}

std::string foldName(const std::vector<std::string> &names, Timing timing)
{
    if (names.empty())
        return {};
    const auto split = [](const std::string &name, std::string &word, std::string &number) {
        const auto space = name.rfind(' ');
        if (space == std::string::npos || space + 1 == name.size())
            return false;
        word = name.substr(0, space);
        number = name.substr(space + 1);
        return std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    std::string firstWord, firstNumber, lastWord, lastNumber;
    std::string span;
    if (split(names.front(), firstWord, firstNumber) && split(names.back(), lastWord, lastNumber)
        && firstWord == lastWord)
        span = firstWord + "s " + firstNumber + "–" + lastNumber; // "workers 2–9"
    else
        span = names.front() + " … " + names.back();
    const char *how = timing == Timing::InTurn ? " in turn"
        : timing == Timing::Staggered          ? " alike, staggered"
                                               : " alike";
    return span + " · " + std::to_string(names.size()) + how;
}

TimelineModel foldedModel(const core::RunResult &result, const std::vector<core::Event> &events,
                          const std::vector<LaneFamily> &families, const FoldLevels &levels,
                          const std::string &title)
{
    const std::size_t laneTotal = result.lanes.size();
    // For each original lane: its row in the folded model, and whether its events are kept there.
    constexpr std::uint32_t kNone = ~0u;
    std::vector<std::uint32_t> rowOf(laneTotal, kNone);
    std::vector<bool> keepEvents(laneTotal, true);
    std::vector<bool> keepStart(laneTotal, true);
    std::vector<bool> keepEnd(laneTotal, true);
    std::map<std::uint32_t, std::vector<std::uint32_t>> foldAt; // a folded row's first lane → its lanes
    std::map<std::uint32_t, Timing> foldTiming;
    for (std::size_t f = 0; f < families.size() && f < levels.size(); ++f)
        for (const auto &row : rowsOf(families[f], levels[f]))
            if (row.size() > 1) {
                foldAt[row.front()] = row;
                foldTiming[row.front()] = families[f].timing;
            }

    core::RunResult folded = result;
    folded.lanes.clear();
    for (std::uint32_t lane = 0; lane < laneTotal; ++lane) {
        if (rowOf[lane] != kNone)
            continue; // in a fold already
        const auto row = static_cast<std::uint32_t>(folded.lanes.size());
        const auto fold = foldAt.find(lane);
        if (fold == foldAt.end()) {
            rowOf[lane] = row;
            folded.lanes.push_back(result.lanes[lane]);
            continue;
        }
        const std::vector<std::uint32_t> &members = fold->second;
        const Timing timing = foldTiming[lane];
        const bool inTurn = timing == Timing::InTurn;
        std::vector<std::string> names;
        for (const std::uint32_t m : members) {
            rowOf[m] = row;
            names.push_back(result.lanes[m].info.name);
            // Side by side, the first stands for all; in turn, each keeps its bars where they were, and the
            // row lives from the first one's start to the last one's end.
            keepEvents[m] = inTurn || m == members.front();
            keepStart[m] = m == members.front();
            keepEnd[m] = inTurn ? m == members.back() : m == members.front();
        }
        core::LaneOutcome outcome = result.lanes[inTurn ? members.back() : members.front()];
        outcome.info = result.lanes[members.front()].info;
        outcome.info.name = foldName(names, timing);
        outcome.startNs = result.lanes[members.front()].startNs;
        folded.lanes.push_back(outcome);
    }

    std::vector<core::LaneInfo> infos;
    for (const core::LaneOutcome &outcome : folded.lanes)
        infos.push_back(outcome.info);
    TimelineModel model(infos);
    std::vector<core::Event> kept;
    core::reserveEvents(kept, events.size());
    for (const core::Event &e : events) {
        if (e.lane >= laneTotal || !keepEvents[e.lane])
            continue;
        if ((e.type == core::EventType::WorkerStart && !keepStart[e.lane])
            || (e.type == core::EventType::WorkerEnd && !keepEnd[e.lane]))
            continue;
        core::Event copy = e;
        copy.lane = rowOf[e.lane];
        if (referencesLane(e.type) && e.arg >= 0 && static_cast<std::size_t>(e.arg) < laneTotal)
            copy.arg = static_cast<std::int32_t>(rowOf[static_cast<std::size_t>(e.arg)]);
        kept.push_back(std::move(copy));
    }
    model.appendEvents(kept);
    model.finish(folded);
    if (!title.empty())
        model.setTitle(title);
    return model;
}

} // namespace forkscope::ui
