#pragma once

// What the caller asks of one timeline picture: theme, time window, rows, fonts and which parts to show.

#include "ui/time_axis.hpp"
#include "ui/timeline/theme.hpp"

#include <QString>

#include <memory>
#include <vector>

namespace forkscope::ui {

class TimelineModel;

/// What to draw and how.
struct PaintOptions {
    Theme theme = Theme::light();
    TimeWindow window{0, 1'000'000};
    int firstRow = 0;  ///< first display row (headers and lanes, see displayRows) at the top
    int rowCount = -1; ///< rows to show from firstRow; -1: as many as fit
    QString title;     ///< drawn above the axis when not empty
    bool legend = true;
    /// Other models whose bar states, markers and arrows the legend lists too: the one legend of a
    /// comparison, under its last band, explains every band.
    std::vector<std::shared_ptr<const TimelineModel>> legendAlso;
    bool axis = true;
    bool showNow = true; ///< a line at the model's present while live
    QString fontFamily = QStringLiteral("DejaVu Sans");
    int fontPixelSize = 12;
    int labelWidth = 0; ///< 0: fit the labels
    int laneHeight = 0; ///< 0: share the height between minLaneHeight and maxLaneHeight
    int minLaneHeight = 20;
    int maxLaneHeight = 40;
};

} // namespace forkscope::ui
