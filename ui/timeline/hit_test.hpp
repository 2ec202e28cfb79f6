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
    enum class Kind : std::uint8_t { None, Header, Lane, Bar, Marker };
    Kind kind = Kind::None;
    std::uint32_t lane = 0;
    std::size_t index = 0; ///< bar or marker index within the lane
    std::int64_t time = 0; ///< the time under the point (Lane, Bar and Marker hits)
};

/// Markers win over bars (they are small and drawn on top); among bars, the innermost.
TimelineHit hitTest(const TimelineModel &model, const TimelineLayout &layout, QPointF point);

} // namespace forkscope::ui
