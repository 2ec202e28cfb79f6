#pragma once

// Messages to lanes out of sight. A route (a sending and a receiving lane) with one lane in the rows shown
// and the other scrolled away above or below is not drawn as lines across the plot (with a thousand lanes
// most routes would cross its whole height, hundreds of pixels of antialiased line each) but as a short
// vertical stub at the end in sight, with a head pointing the way the message goes: down from the send to a
// lane below, or down into the receive from a lane above. The painter (ui/timeline/messages_pass.cpp) and
// the hit test (ui/timeline/hit_test.cpp) share this geometry. Pure geometry, no painting.

#include "ui/timeline/layout.hpp"
#include "ui/timeline_model.hpp"

#include <QPointF>

namespace forkscope::ui::timeline {

/// How long a stub is, head included (pixels).
inline constexpr double kStubLength = 16;

/// How a message route shows in a layout.
enum class RouteShape : std::uint8_t {
    Hidden,        ///< nothing: both lanes out of sight, folded, or the same lane
    Lines,         ///< arrows from send to receive (both lanes in sight, or a lane just past the plot's edge)
    StubAtSender,  ///< the sender in sight, the receiver not: a stub leaving each send
    StubAtReceiver ///< the receiver in sight, the sender not: a stub entering each receive
};

/// Whether `route` is drawn as lines, as stubs at one end, or not at all. A lane is in sight when its row
/// is among the layout's visible rows (TimelineLayout::shown, at least partly inside the plot); a route
/// whose lanes both are is drawn as lines, as before stubs existed; one between two lanes out of sight is
/// not drawn (before stubs, such a route was still drawn when a lane's middle lay within 20 pixels of the
/// plot: from a lane just above it to one far below, a line across its whole height).
inline RouteShape routeShape(const TimelineLayout &layout, const TimelineModel::MessageRoute &route)
{
    if (route.fromLane == route.toLane || layout.folded(route.fromLane) || layout.folded(route.toLane))
        return RouteShape::Hidden;
    const double top = layout.plotRect.top() - 20;
    const double bottom = layout.plotRect.bottom() + 20;
    const double fromY = layout.laneCenterY(route.fromLane);
    const double toY = layout.laneCenterY(route.toLane);
    if ((fromY < top || fromY > bottom) && (toY < top || toY > bottom))
        return RouteShape::Hidden;
    const bool fromShown = layout.shown(route.fromLane);
    const bool toShown = layout.shown(route.toLane);
    if (fromShown && toShown)
        return RouteShape::Lines;
    if (!fromShown && !toShown)
        return RouteShape::Hidden;
    return fromShown ? RouteShape::StubAtSender : RouteShape::StubAtReceiver;
}

/// A stub: a vertical line from `from` to `to`, its head at `to`.
struct Stub {
    QPointF from;
    QPointF to;
    bool down = true; ///< the other lane lies below
};

/// Where the stub of `arrow` (on a route of shape StubAtSender or StubAtReceiver) goes: at its send's time
/// from the sender's middle towards the receiver, or at its receive's time into the receiver's middle from
/// the sender's side.
inline Stub messageStub(const TimelineLayout &layout, RouteShape shape, const MessageArrow &arrow)
{
    const double fromY = layout.laneCenterY(arrow.fromLane);
    const double toY = layout.laneCenterY(arrow.toLane);
    // A lane out of sight lies above the first row shown or below the last.
    const bool down = layout.laneRow[arrow.toLane] > layout.laneRow[arrow.fromLane];
    const double step = down ? kStubLength : -kStubLength;
    if (shape == RouteShape::StubAtSender) {
        const double x = layout.timeToX(arrow.fromTime);
        return {QPointF(x, fromY), QPointF(x, fromY + step), down};
    }
    const double x = layout.timeToX(arrow.toTime);
    return {QPointF(x, toY - step), QPointF(x, toY), down};
}

} // namespace forkscope::ui::timeline
