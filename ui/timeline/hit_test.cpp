#include "ui/timeline/hit_test.hpp"

#include <cmath>

namespace forkscope::ui {

using timeline::isLane;

TimelineHit hitTest(const TimelineModel &model, const TimelineLayout &layout, QPointF point)
{
    TimelineHit hit;
    const int r = layout.rowAt(point.y());
    if (r < 0 || point.x() < layout.labelRect.left() || point.x() > layout.plotRect.right())
        return hit;
    const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
    if (row.kind == DisplayRow::Kind::Queue || row.kind == DisplayRow::Kind::Fold)
        return hit; // a fill strip, or a fold's hair-thin lanes: nothing to pick
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
