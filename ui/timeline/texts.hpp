#pragma once

// What the timeline says in words: process headers, lane detail lines and tooltips.

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "core/plan/plan.hpp"
#include "ui/timeline/hit_test.hpp"
#include "ui/timeline/paint_options.hpp"
#include "ui/timeline_model.hpp"

#include <QString>

#include <cstdint>
#include <span>
#include <vector>

namespace forkscope::ui {

/// Tooltip text for a hit (plain text, several lines): worker, pid/tid, begin, duration, value or text.
QString describeHit(const TimelineModel &model, const TimelineHit &hit);

/// A process group's header text: "process 1234 · worker 3 · SIGSEGV".
QString groupTitle(const TimelineModel &model, std::uint32_t group);
/// A lane's second label line: "thread · tid 1236", "process · pid 1240", "main thread · tid 1234".
QString laneDetail(const Lane &lane);

/// What each lane of a finished run came to, by lane index, for the end of its lane on a slide:
/// - a worker killed by a signal: "killed by SIGSEGV"; one that failed: "exit 1 · IndexError: …" (both
///   `failed`); one stopped by a cancel: "stopped";
/// - otherwise what it last read or wrote, named as the run named its variables (core::RunObjects):
///   "a = 2"; a closing run of reads of an array's elements: "result = [0, 0, 0]" when it read them all,
///   else "arr[1] = 10, arr[2] = 20"; the length of a list (a variable `plan` appends to):
///   "len(square_result) = 4";
/// - nothing for a lane that touched no variable.
/// Values and outcomes come from `result` (LaneOutcome) and `events`, never from printed text.
std::vector<LaneResult> laneResults(const core::RunResult &result, std::span<const core::Event> events,
                                    const core::Plan *plan = nullptr);

} // namespace forkscope::ui
