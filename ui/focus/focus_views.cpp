#include "ui/focus/focus_views.hpp"

#include "ui/focus/focus_parts.hpp"

#include <QPainter>

#include <algorithm>
#include <map>
#include <set>

namespace forkscope::ui {

namespace {

constexpr std::uint64_t kMostDispatched = 60; ///< a dispatch chart's most messages

/// A bounded queue that was full while a producer waited on it.
bool queueFillFits(const core::QueueHistory &queue)
{
    const bool producerWaited
        = std::ranges::any_of(queue.blocked, [](const core::BlockedStretch &b) { return b.full; });
    return queue.capacity > 0 && producerWaited;
}

} // namespace

const char *focusName(FocusKind kind) noexcept
{
    switch (kind) {
    case FocusKind::Timeline: return "timeline";
    case FocusKind::Sequence: return "sequence";
    case FocusKind::QueueFill: return "queue-fill";
    case FocusKind::Dispatch: return "dispatch";
    case FocusKind::Gil: return "gil";
    }
    return "timeline";
}

FocusFlows focusFlows(const TimelineModel &model, std::span<const core::Event> events)
{
    FocusFlows flows;
    flows.messages = core::messageFlows(events);
    if (!flows.messages.empty())
        flows.queues = core::queueHistories(events, focus::runEnd(model));
    return flows;
}

FocusKind focusFor(const TimelineModel &model, std::span<const core::Event> events)
{
    if (focus::hasGilFocus(model))
        return FocusKind::Gil;
    return focusFor(model, focusFlows(model, events));
}

FocusKind focusFor(const TimelineModel &model, const FocusFlows &input)
{
    if (focus::hasGilFocus(model))
        return FocusKind::Gil;
    const std::vector<core::MessageFlow> &flows = input.messages;
    if (flows.empty())
        return FocusKind::Timeline;
    const bool allPipe = std::ranges::all_of(flows, [](const core::MessageFlow &f) { return f.pipe; });
    if (allPipe) {
        std::set<std::uint32_t> lanes;
        for (const core::MessageFlow &f : flows)
            lanes.insert({f.fromLane, f.toLane});
        return flows.size() <= 40 && lanes.size() <= 4 ? FocusKind::Sequence : FocusKind::Timeline;
    }
    const std::vector<core::QueueHistory> &queues = input.queues;
    if (queues.size() != 1)
        return FocusKind::Timeline;
    const core::QueueHistory &queue = queues.front();
    std::set<std::uint32_t> takers;
    for (const core::MessageFlow &f : flows)
        if (f.received() && !f.pipe)
            takers.insert(f.toLane);
    if (takers.size() >= 2 && queue.messages <= kMostDispatched)
        return FocusKind::Dispatch;
    return queueFillFits(queue) ? FocusKind::QueueFill : FocusKind::Timeline;
}

FocusChoice chooseFocus(const TimelineModel &model, std::span<const core::Event> events)
{
    if (focus::hasGilFocus(model))
        return {FocusKind::Gil, {}};
    const auto puts = static_cast<std::uint64_t>(std::ranges::count_if(
        events, [](const core::Event &e) { return e.type == core::EventType::QueuePut; }));
    if (puts <= kMostDispatched) {
        FocusFlows flows = focusFlows(model, events);
        const FocusKind kind = focusFor(model, flows);
        return {kind, keptFor(kind, std::move(flows))};
    }
    // Not a sequence (queue messages among them) nor a dispatch (one queue's up to 60 messages, all the puts
    // when it is the only busy queue): a queue's fill or the timeline, which keep no messages.
    FocusChoice choice;
    choice.kept.queues = core::queueHistories(events, focus::runEnd(model));
    if (choice.kept.queues.size() == 1 && queueFillFits(choice.kept.queues.front()))
        choice.kind = FocusKind::QueueFill;
    choice.kept = keptFor(choice.kind, std::move(choice.kept));
    return choice;
}

FocusFlows keptFor(FocusKind kind, FocusFlows flows)
{
    switch (kind) {
    case FocusKind::Sequence:
    case FocusKind::Dispatch: flows.queues.clear(); break;
    case FocusKind::QueueFill: flows.messages.clear(); break;
    case FocusKind::Gil:
    case FocusKind::Timeline: flows = {}; break;
    }
    flows.messages.shrink_to_fit();
    flows.queues.shrink_to_fit();
    return flows;
}

void paintFocus(FocusKind kind, QPainter &painter, const QRectF &rect, const FocusInput &input)
{
    if (kind == FocusKind::Timeline || !input.model)
        return;
    if (!input.flows) {
        const FocusFlows flows = focusFlows(*input.model, input.events);
        FocusInput withFlows = input;
        withFlows.flows = &flows;
        paintFocus(kind, painter, rect, withFlows);
        return;
    }
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const Theme theme = input.dark ? Theme::dark() : Theme::light();
    const focus::Type type(rect);
    const QRectF chart = focus::paintFrame(painter, rect, type, theme, input.headline, input.caption);
    switch (kind) {
    case FocusKind::Sequence: focus::paintSequence(painter, chart, type, theme, input); break;
    case FocusKind::QueueFill: focus::paintQueueFill(painter, chart, type, theme, input); break;
    case FocusKind::Dispatch: focus::paintDispatch(painter, chart, type, theme, input); break;
    case FocusKind::Gil: focus::paintGil(painter, chart, type, theme, input); break;
    case FocusKind::Timeline: break;
    }
    painter.restore();
}

namespace focus {

std::int64_t runEnd(const TimelineModel &model)
{
    std::int64_t end = std::max(model.now(), model.lastEventTime());
    for (const Lane &lane : model.lanes())
        end = std::max(end, lane.endNs);
    return end;
}

QString laneName(const TimelineModel &model, const std::vector<std::uint32_t> &lanes, const QString &fallback)
{
    std::map<std::uint32_t, int> counts;
    for (std::uint32_t lane : lanes)
        ++counts[lane];
    const auto most = std::ranges::max_element(counts, {}, [](const auto &entry) { return entry.second; });
    if (most == counts.end() || most->first >= model.laneCount())
        return fallback;
    return QString::fromStdString(model.lane(most->first).info.name);
}

} // namespace focus
} // namespace forkscope::ui
