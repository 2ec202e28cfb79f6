#pragma once

// What lies under a point of a laid-out timeline: pure geometry over the layout and the model, no
// painting and no fonts (tested in tests/ui/timeline_geometry_test.cpp).

#include "ui/timeline/layout.hpp"
#include "ui/timeline_model.hpp"

#include <QPointF>

#include <cstddef>
#include <cstdint>

namespace forkscope::ui {

/// What lies under a point of a laid-out timeline.
struct TimelineHit {
    enum class Kind : std::uint8_t { None, Header, Lane, Bar, Marker, Message };
    Kind kind = Kind::None;
    std::uint32_t lane = 0; ///< for a Message, the lane in sight (its stub's)
    std::size_t index = 0;  ///< bar or marker index within the lane; a Message's index in messageArrows()
    std::int64_t time = 0;  ///< the time under the point (Lane, Bar and Marker hits)
    /// A Message's other lane is out of sight: -1 above the rows shown, +1 below.
    int beyond = 0;
};

/// Markers win over message stubs (ui/timeline/message_stubs.hpp: a message to a lane out of sight), stubs
/// over bars (all are drawn on top of bars); among bars, the innermost.
TimelineHit hitTest(const TimelineModel &model, const TimelineLayout &layout, QPointF point);

} // namespace forkscope::ui
