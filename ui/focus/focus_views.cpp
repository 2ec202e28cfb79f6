#include "ui/focus/focus_views.hpp"

#include "ui/focus/focus_parts.hpp"

#include <QPainter>

#include <algorithm>
#include <map>
#include <set>

namespace forkscope::ui {

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
    if (takers.size() >= 2 && queue.messages <= 60)
        return FocusKind::Dispatch;
    const bool producerWaited
        = std::ranges::any_of(queue.blocked, [](const core::BlockedStretch &b) { return b.full; });
    if (queue.capacity > 0 && producerWaited)
        return FocusKind::QueueFill;
    return FocusKind::Timeline;
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
