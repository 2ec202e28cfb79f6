#pragma once

// Draws a TimelineModel into any QPainter: the widget, PNG images, SVG and PDF all go through here, so
// sizes are in pixels (never points) and nothing depends on the device.

#include "ui/time_axis.hpp"
#include "ui/timeline_model.hpp"

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <array>
#include <cstdint>
#include <vector>

class QPainter;

namespace forkscope::ui {

/// Colours. Bar states use the Okabe-Ito palette, which stays distinguishable with the common forms of
/// colour blindness and in greyscale print.
struct Theme {
    QColor background;
    QColor alternateRow; ///< every other lane row
    QColor headerBackground; ///< process group header rows
    QColor labelBackground; ///< the lane-label column
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor lifeline; ///< the thin line through a lane while its worker is alive
    QColor arrow; ///< join arrows
    QColor now; ///< the live present
    QColor crash;
    QColor mainEnd;
    QColor queueMessage; ///< arrows from a put to its get
    QColor pipeMessage; ///< arrows from a send to its receive
    QColor queueFill; ///< a queue's fill-level strip
    QColor gilHold; ///< the strip under a lane while it holds its process's GIL
    QColor gilWait; ///< the hatch over a lane while it waits for the GIL
    std::array<QColor, kBarStateCount> states;

    QColor stateColor(BarState state) const { return states[static_cast<std::size_t>(state)]; }
    static Theme light();
    static Theme dark();
};

/// What to draw and how.
struct PaintOptions {
    Theme theme = Theme::light();
    TimeWindow window { 0, 1'000'000 };
    int firstRow = 0; ///< first display row (headers and lanes, see displayRows) at the top
    int rowCount = -1; ///< rows to show from firstRow; -1: as many as fit
    QString title; ///< drawn above the axis when not empty
    bool legend = true;
    bool axis = true;
    bool showNow = true; ///< a line at the model's present while live
    QString fontFamily = QStringLiteral("DejaVu Sans");
    int fontPixelSize = 12;
    int labelWidth = 0; ///< 0: fit the labels
    int laneHeight = 0; ///< 0: share the height between minLaneHeight and maxLaneHeight
    int minLaneHeight = 20;
    int maxLaneHeight = 40;
};

/// One row of the lane list: a process group's header or a lane.
struct DisplayRow {
    enum class Kind : std::uint8_t { Header, Lane, Queue };
    Kind kind = Kind::Lane;
    std::uint32_t group = 0; ///< index into model.groups(); for Queue rows, the queue's id
    std::uint32_t lane = 0; ///< for Lane rows (for headers: the group's leader)
};

/// Header and lane rows in display order: each process group's header followed by its lanes, then one
/// fill-level strip per queue that carried messages.
std::vector<DisplayRow> displayRows(const TimelineModel &model);

/// Where everything goes for one paint.
struct TimelineLayout {
    QRectF bounds;
    QRectF titleRect; ///< empty without a title
    QRectF axisRect; ///< tick labels, above the plot, right of the label column
    QRectF labelRect; ///< lane names, left of the plot
    QRectF plotRect; ///< bars
    QRectF legendRect; ///< empty without a legend
    TimeWindow window;
    std::vector<DisplayRow> rows;
    std::vector<double> rowTop; ///< per row; rows above firstRow are above plotRect
    std::vector<double> rowHeight; ///< per row
    std::vector<int> laneRow; ///< lane index -> row index
    int firstRow = 0;
    int visibleRows = 0; ///< rows from firstRow at least partly inside plotRect
    double laneHeight = 0;
    double headerHeight = 0;

    double timeToX(std::int64_t t) const { return ui::timeToX(t, window, plotRect.left(), plotRect.width()); }
    std::int64_t xToTime(double x) const { return ui::xToTime(x, window, plotRect.left(), plotRect.width()); }
    /// The row under y among the visible ones, -1 if none.
    int rowAt(double y) const;
    /// Vertical middle of a lane's row (may be outside plotRect when the lane is scrolled away).
    double laneCenterY(std::uint32_t lane) const;
    /// The rectangle a bar of this depth fills inside its lane's row, before the time range is applied.
    QRectF barBand(std::uint32_t lane, int depth) const;
};

/// The window that shows the whole run (main's start to the present or the run's end) with a small margin.
TimeWindow fitWindow(const TimelineModel &model);

/// Lays out `model` in `rect` with `options` (fonts are measured, nothing is drawn).
TimelineLayout layoutTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options);

/// Paints the whole timeline (background, title, axis, labels, bars, markers, arrows, legend).
void paintTimeline(
    QPainter &painter, const TimelineModel &model, const TimelineLayout &layout, const PaintOptions &options);

/// Lays out and paints in one go.
inline void paintTimeline(
    QPainter &painter, const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    paintTimeline(painter, model, layoutTimeline(model, rect, options), options);
}

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

/// Tooltip text for a hit (plain text, several lines): worker, pid/tid, begin, duration, value or text.
QString describeHit(const TimelineModel &model, const TimelineHit &hit);

/// A process group's header text: "process 1234 · worker 3 · SIGSEGV".
QString groupTitle(const TimelineModel &model, std::uint32_t group);
/// A lane's second label line: "thread · tid 1236", "process · pid 1240", "main thread · tid 1234".
QString laneDetail(const Lane &lane);

} // namespace forkscope::ui
