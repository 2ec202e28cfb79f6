#pragma once

// Draws a TimelineModel into any QPainter: the widget, PNG images, SVG and PDF all go through here, so
// sizes are in pixels (never points) and nothing depends on the device.
//
// This is the public entry point; the painter's parts live in ui/timeline/, split as Qt Creator's timeline
// renderer is:
//   theme.hpp           colours (light and dark)
//   paint_options.hpp   what a caller asks for (window, rows, fonts, parts shown)
//   layout.hpp          pure geometry: rows, the label column, plot, axis, title, legend; time <-> x
//                       (layout.cpp arranges without fonts, measure.cpp measures the texts)
//   hit_test.hpp        what lies under a point
//   texts.hpp           words: process headers, lane details, tooltips, lanes' results (results.cpp)
//   slide.hpp           a slide's typography: type and lanes scaled to the frame and the rows
//   passes.hpp          the layers paintTimeline runs, one file each: axis_pass.cpp (title, axis, grid,
//                       the present), lanes_pass.cpp (rows, lifelines, bars, GIL, labels),
//                       messages_pass.cpp (join and message arrows, queue strips), markers_pass.cpp,
//                       lost_updates_pass.cpp, legend_pass.cpp

#include "ui/time_axis.hpp"
#include "ui/timeline/hit_test.hpp"
#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_options.hpp"
#include "ui/timeline/slide.hpp"
#include "ui/timeline/texts.hpp"
#include "ui/timeline/theme.hpp"
#include "ui/timeline_model.hpp"

#include <QRect>
#include <QRectF>

#include <functional>

class QPainter;

namespace forkscope::ui {

/// Paints the whole timeline (background, headline or title, axis, labels, bars, markers, arrows, results,
/// legend). `tracks`, when given, draws the tracks layer instead of paintTimelineTracks (a view that keeps
/// that layer between frames hands over what it kept).
void paintTimeline(QPainter &painter, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const std::function<void(QPainter &)> &tracks = {});

/// The tracks layer of the plot, inside `pixels` (whole pixels, cut to the plot): background, row
/// backgrounds, grid lines, lifelines, bars, GIL and queue strips. Everything in it lies on the whole pixels
/// of the view's absolute grid (TimelineLayout::gridOrigin), so a view panned by whole pixels can move what it
/// drew and paint only the strip that came into sight, and get the same pixels as painting it all.
void paintTimelineTracks(QPainter &painter, const TimelineModel &model, const TimelineLayout &layout,
                         const PaintOptions &options, const QRect &pixels);

/// Lays out and paints in one go.
inline void paintTimeline(QPainter &painter, const TimelineModel &model, const QRectF &rect,
                          const PaintOptions &options)
{
    paintTimeline(painter, model, layoutTimeline(model, rect, options), options);
}

} // namespace forkscope::ui
