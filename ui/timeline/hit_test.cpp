#include "ui/timeline/hit_test.hpp"

#include "ui/timeline/message_stubs.hpp"

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

using timeline::isLane;

namespace {

/// The message whose stub (a message to or from a lane out of sight) lies under `point`, nearest first: a
/// Message hit, or a None one.
TimelineHit stubAt(const TimelineModel &model, const TimelineLayout &layout, QPointF point)
{
    using namespace timeline;
    TimelineHit hit;
    if (!layout.plotRect.adjusted(-4, -4, 4, 4).contains(point))
        return hit;
    const MappedVector<MessageArrow> &arrows = model.messageArrows();
    const double perPixel = nsPerPixel(layout.window, layout.plotRect.width());
    const std::int64_t t = layout.xToTime(point.x());
    const auto tolerance = static_cast<std::int64_t>(std::ceil(perPixel * 4));
    double best = 4;
    for (const TimelineModel::MessageRoute &route : model.messageRoutes()) {
        const RouteShape shape = routeShape(layout, route);
        if (shape != RouteShape::StubAtSender && shape != RouteShape::StubAtReceiver)
            continue;
        const bool atSender = shape == RouteShape::StubAtSender;
        const double y = layout.laneCenterY(atSender ? route.fromLane : route.toLane);
        if (std::abs(point.y() - y) > kStubLength + 2)
            continue;
        // Receives are in time order; a send lies at most `longest` before its receive.
        const std::int64_t from = t - tolerance;
        const std::int64_t to = atSender ? t + tolerance + route.longest : t + tolerance;
        auto it
            = std::lower_bound(route.arrows.begin(), route.arrows.end(), from,
                               [&](std::uint32_t a, std::int64_t time) { return arrows[a].toTime < time; });
        for (; it != route.arrows.end() && arrows[*it].toTime <= to; ++it) {
            const Stub stub = messageStub(layout, shape, arrows[*it]);
            const double dx = std::abs(stub.to.x() - point.x());
            const double lo = std::min(stub.from.y(), stub.to.y()) - 2;
            const double hi = std::max(stub.from.y(), stub.to.y()) + 2;
            if (dx > best || point.y() < lo || point.y() > hi)
                continue;
            best = dx;
            hit.kind = TimelineHit::Kind::Message;
            hit.lane = atSender ? route.fromLane : route.toLane;
            hit.index = *it;
            hit.time = atSender ? arrows[*it].fromTime : arrows[*it].toTime;
            // Going down: the receiver lies below the sender, the sender above the receiver.
            hit.beyond = (stub.down == atSender) ? 1 : -1;
        }
    }
    return hit;
}

} // namespace

TimelineHit hitTest(const TimelineModel &model, const TimelineLayout &layout, QPointF point)
{
    TimelineHit hit;
    const int r = layout.rowAt(point.y());
    if (r < 0 || point.x() < layout.labelRect.left() || point.x() > layout.plotRect.right())
        return hit;
    const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
    if (row.kind == DisplayRow::Kind::Queue || row.kind == DisplayRow::Kind::Fold) {
        // A fill strip, or a fold's hair-thin lanes: nothing to pick but a stub reaching into the row.
        const TimelineHit stub = stubAt(model, layout, point);
        return stub.kind == TimelineHit::Kind::None ? hit : stub;
    }
    hit.lane = row.lane;
    if (!isLane(row)) {
        hit.kind = TimelineHit::Kind::Header;
        hit.index = row.group;
        return hit;
    }
    hit.kind = TimelineHit::Kind::Lane;
    if (point.x() < layout.plotRect.left())
        return hit;
    const Lane &lane = model.lane(row.lane);
    const double perPixel = nsPerPixel(layout.window, layout.plotRect.width());
    const std::int64_t t = layout.xToTime(point.x());
    hit.time = t;
    const auto tolerance = static_cast<std::int64_t>(std::ceil(perPixel * 5));

    // The nearest marker within a few pixels.
    double best = 6;
    for (std::size_t i = lane.firstMarker(t - tolerance); i < lane.lastMarker(t + tolerance); ++i) {
        const double dx = std::abs(layout.timeToX(lane.markers[i].time) - point.x());
        if (dx <= best) {
            best = dx;
            hit.kind = TimelineHit::Kind::Marker;
            hit.index = i;
        }
    }
    if (hit.kind == TimelineHit::Kind::Marker)
        return hit;
    if (const TimelineHit stub = stubAt(model, layout, point); stub.kind != TimelineHit::Kind::None)
        return stub;

    // The innermost bar under the point (bars are at least a pixel wide).
    const auto slack = static_cast<std::int64_t>(std::ceil(perPixel));
    int bestDepth = -1;
    for (std::size_t i = lane.firstIndex(t - slack); i < lane.lastIndex(t + slack); ++i) {
        const Bar &bar = lane.bars[i];
        if (model.barEnd(bar) + slack < t || bar.begin - slack > t || bar.depth <= bestDepth)
            continue;
        const QRectF band = layout.barBand(row.lane, bar.depth);
        if (point.y() < band.top() || point.y() > band.bottom())
            continue;
        bestDepth = bar.depth;
        hit.kind = TimelineHit::Kind::Bar;
        hit.index = i;
    }
    return hit;
}

} // namespace forkscope::ui
