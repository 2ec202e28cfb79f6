#pragma once

// A slide's typography: the sizes that make a timeline legible when projected. The window keeps its dense
// look (PaintOptions' defaults); an exported slide takes its fonts, lane heights and spacing from here, so
// that they scale with the frame and with the number of rows — two lanes get tall lanes and big type, forty
// get the smallest type still readable from the back of a room, and more fold (PaintOptions::foldLanes).

#include "ui/timeline/paint_options.hpp"
#include "ui/timeline_model.hpp"

#include <QSizeF>

namespace forkscope::ui {

/// The smallest text on a slide, in pixels at 1920×1080 (the axis, tags, the caption's size floor).
inline constexpr int kSlideMinTextPx = 22;
/// The headline's size at 1920×1080: the largest that fits on one line of these, else two lines.
inline constexpr int kSlideHeadlinePx[] = {54, 48, 42};
inline constexpr int kSlideHeadlineTwoLinePx = 44;

/// `base` (theme, window, rows, headline, caption, results, details) with what a slide of `model` at
/// `size` needs: margins, the headline's size (one line if it fits at 42 px or more at 1080p, else two),
/// the caption's, lane heights shared from the room left (24 to 200 px at 1080p), lane names and results
/// scaled with the lane height (never under kSlideMinTextPx at 1080p, scaled by min(height / 1080,
/// width / 1440) for other sizes), folding of alike lanes and an exact legend. Needs a QGuiApplication.
PaintOptions slideOptions(const TimelineModel &model, const QSizeF &size, PaintOptions base);

} // namespace forkscope::ui
