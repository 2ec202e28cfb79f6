#pragma once

// Focus views: pictures for runs whose whole timeline reads as a barcode. A pipe's few messages become a
// sequence diagram, a bounded queue between a fast producer and a slow consumer becomes its fill level over
// time, and messages shared out among workers become a chart of who took which. The slide export chooses one
// by what the run did (focusFor), the window shows it in its Focus tab. Each is painted from the run's events
// (core/analysis/message_flows) and its timeline model, at any size, with the slide's type scale.

#include "core/analysis/message_flows.hpp"
#include "core/event.hpp"
#include "ui/timeline_model.hpp"

#include <QString>

#include <span>
#include <vector>

class QPainter;
class QRectF;

namespace forkscope::ui {

enum class FocusKind {
    Timeline,  ///< no focus view fits: the timeline itself
    Sequence,  ///< a pipe's messages both ways, time running down
    QueueFill, ///< a bounded queue's fill level, with the producer's blocked time shaded
    Dispatch,  ///< which worker took which message from a shared queue
    Gil,       ///< threads taking turns on a GIL, zoomed to a few turns, beside one thread's work
};

/// "timeline", "sequence", "queue-fill", "dispatch", "gil".
const char *focusName(FocusKind kind) noexcept;

/// What the focus views read from a run's events (core/analysis/message_flows), worked out once per run: a
/// view painted from it never goes through the events again.
struct FocusFlows {
    std::vector<core::MessageFlow> messages; ///< every message, paired (core::messageFlows)
    std::vector<core::QueueHistory> queues;  ///< every busy queue up to the run's end (core::queueHistories)
};
FocusFlows focusFlows(const TimelineModel &model, std::span<const core::Event> events);

/// The focus view that fits a finished run: Sequence for up to 40 pipe messages among at most 4 lanes and
/// no queue; QueueFill for one bounded queue that was full while a producer waited on it; Dispatch for a
/// queue whose up to 60 messages were taken by two or more lanes; Gil for two or more threads handing a GIL
/// over at least a dozen times; otherwise Timeline.
FocusKind focusFor(const TimelineModel &model, std::span<const core::Event> events);
FocusKind focusFor(const TimelineModel &model, const FocusFlows &flows);
/// What view `kind` needs of `flows` (a sequence and a dispatch chart their messages, a queue's fill its
/// history, the GIL view nothing): the rest let go, so a big run's messages are not kept for nothing.
FocusFlows keptFor(FocusKind kind, FocusFlows flows);
/// The view that fits a finished run and what it keeps: focusFor and keptFor of focusFlows, without pairing
/// the messages of a run whose queues took more than 60 (no view that charts messages fits it, and a run of
/// a million of them paired them into 80 MB only to let them go).
struct FocusChoice {
    FocusKind kind = FocusKind::Timeline;
    FocusFlows kept;
};
FocusChoice chooseFocus(const TimelineModel &model, std::span<const core::Event> events);

/// What a focus view draws: the run and the words above it.
struct FocusInput {
    const TimelineModel *model = nullptr;
    std::span<const core::Event> events; ///< read only when `flows` is null
    /// What the view reads of the events, worked out once (the Focus tab keeps it); null: from `events`, at
    /// each paint.
    const FocusFlows *flows = nullptr;
    QString headline; ///< the run's headline, the picture's title
    QString caption;  ///< scenario and parameters, small beneath
    bool dark = false;
};

/// Paints focus view `kind` (not Timeline) into `rect`: headline, caption and chart, type scaled with the
/// rect as on a slide (at 1920×1080: headline 44 px, no text under 22 px). Needs a QGuiApplication.
void paintFocus(FocusKind kind, QPainter &painter, const QRectF &rect, const FocusInput &input);

} // namespace forkscope::ui
