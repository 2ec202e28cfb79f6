#pragma once

// The timeline's colours, light and dark: every pass takes its colours from here and nowhere else.

#include "ui/timeline_model.hpp"

#include <QColor>

#include <array>
#include <cstddef>

namespace forkscope::ui {

/// Colours. Bar states use the Okabe-Ito palette, which stays distinguishable with the common forms of
/// colour blindness and in greyscale print.
struct Theme {
    QColor background;
    QColor alternateRow;     ///< every other lane row
    QColor headerBackground; ///< process group header rows
    QColor labelBackground;  ///< the lane-label column
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor lifeline; ///< the thin line through a lane while its worker is alive
    QColor arrow;    ///< join arrows
    QColor now;      ///< the live present
    QColor crash;
    QColor mainEnd;
    QColor queueMessage; ///< arrows from a put to its get
    QColor pipeMessage;  ///< arrows from a send to its receive
    QColor queueFill;    ///< a queue's fill-level strip
    QColor gilHold;      ///< the strip under a lane while it holds its process's GIL
    QColor gilWait;      ///< the hatch over a lane while it waits for the GIL
    std::array<QColor, kBarStateCount> states;

    QColor stateColor(BarState state) const { return states[static_cast<std::size_t>(state)]; }
    bool operator==(const Theme &) const = default;
    static Theme light();
    static Theme dark();
};

} // namespace forkscope::ui
