#pragma once

// What the timeline says in words: process headers, lane detail lines and tooltips.

#include "ui/timeline/hit_test.hpp"
#include "ui/timeline_model.hpp"

#include <QString>

#include <cstdint>

namespace forkscope::ui {

/// Tooltip text for a hit (plain text, several lines): worker, pid/tid, begin, duration, value or text.
QString describeHit(const TimelineModel &model, const TimelineHit &hit);

/// A process group's header text: "process 1234 · worker 3 · SIGSEGV".
QString groupTitle(const TimelineModel &model, std::uint32_t group);
/// A lane's second label line: "thread · tid 1236", "process · pid 1240", "main thread · tid 1234".
QString laneDetail(const Lane &lane);

} // namespace forkscope::ui
