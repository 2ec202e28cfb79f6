#pragma once

// The focus views' internals, shared by their source files (not part of the UI's interface).

#include "core/analysis/message_flows.hpp"
#include "ui/focus/focus_frame.hpp"
#include "ui/focus/focus_views.hpp"

#include <vector>

namespace forkscope::ui::focus {

/// The end of the run as drawn: its last event or its live present.
std::int64_t runEnd(const TimelineModel &model);
/// The name of the lane most often in `lanes` ("producer"), or `fallback` when empty.
QString laneName(const TimelineModel &model, const std::vector<std::uint32_t> &lanes,
                 const QString &fallback);

void paintQueueFill(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                    const FocusInput &input);
void paintSequence(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                   const FocusInput &input);
/// Whether the run has threads taking turns on a GIL: two or more lanes held it, a dozen hand-overs at least.
bool hasGilFocus(const TimelineModel &model);
void paintGil(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
              const FocusInput &input);
void paintDispatch(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                   const FocusInput &input);

} // namespace forkscope::ui::focus
