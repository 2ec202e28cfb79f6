#pragma once

// Where everything of a timeline picture goes: rows, the label column, the plot, axis, title and legend,
// and time <-> x. Pure geometry: arranging draws nothing and reads no font (measureTimeline is the one
// step that measures text), so it is tested without a GUI (tests/ui/timeline_geometry_test.cpp).

#include "ui/time_axis.hpp"
#include "ui/timeline/paint_options.hpp"
#include "ui/timeline_model.hpp"

#include <QRectF>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace forkscope::ui {

/// One row of the lane list: a process group's header, a lane, a queue's fill strip, or a fold of alike
/// lanes (see PaintOptions::foldLanes).
struct DisplayRow {
    enum class Kind : std::uint8_t { Header, Lane, Queue, Fold };
    Kind kind = Kind::Lane;
    std::uint32_t group = 0; ///< index into model.groups(); for Queue rows, the queue's id; for Fold rows,
                             ///< the index into TimelineLayout::folds
    std::uint32_t lane = 0;  ///< for Lane rows (for headers: the group's leader; for folds: the first lane)
};

/// Header and lane rows in display order: each process group's header (unless `headers` is false)
/// followed by its lanes, then one fill-level strip per queue that carried messages.
std::vector<DisplayRow> displayRows(const TimelineModel &model, bool headers = true);

/// Lanes folded into one row: "workers 11–200".
struct LaneFold {
    std::vector<std::uint32_t> lanes; ///< in display order
    QString label;                    ///< "workers 11–200"
};

/// The sizes of a picture's parts that depend on its fonts and texts, in pixels (see measureTimeline).
struct TimelineMetrics {
    double titleHeight = 0;   ///< the headline (or title), all its lines; 0: none
    double captionHeight = 0; ///< the caption under the headline, all its lines; 0: none
    double resultWidth = 0;   ///< the column of lane results right of the plot, its gap included; 0: none
    double axisHeight = 0;    ///< 0: no axis
    double labelWidth = 0;    ///< the lane-label column, its margins included
    double headerHeight = 0;  ///< a process header row (queue rows are 1.6 times as tall)
    double legendHeight = 0;  ///< 0: no legend
};

/// Where everything goes for one paint.
struct TimelineLayout {
    QRectF bounds;
    QRectF titleRect;   ///< the headline (or title); empty without one
    QRectF captionRect; ///< empty without a caption
    QRectF resultRect;  ///< lane results, right of the plot, as tall as it; empty without results
    QRectF axisRect;    ///< tick labels, above the plot, right of the label column
    QRectF labelRect;   ///< lane names, left of the plot
    QRectF plotRect;    ///< bars
    QRectF legendRect;  ///< empty without a legend
    TimeWindow window;
    std::vector<DisplayRow> rows;
    std::vector<double> rowTop;    ///< per row; rows above firstRow are above plotRect
    std::vector<double> rowHeight; ///< per row
    std::vector<int> laneRow;      ///< lane index -> row index (a folded lane: its fold's row)
    std::vector<int> laneSlot;     ///< lane index -> its place in its fold, -1 when not folded
    std::vector<LaneFold> folds;   ///< what Fold rows hold
    int firstRow = 0;
    int visibleRows = 0; ///< rows from firstRow at least partly inside plotRect
    double laneHeight = 0;
    double headerHeight = 0;
    double barInset = 3;      ///< between a lane's row edge and its outermost bars
    bool queueAsLane = false; ///< queue strips as tall as lanes (a slide), else a little taller than a header
    double margin = 8;        ///< around the whole picture

    /// Pixels per nanosecond across the plot.
    double pxPerNs() const
    {
        return plotRect.width() / static_cast<double>(std::max<std::int64_t>(window.span(), 1));
    }
    /// The column of the view's absolute pixel grid (time t in column floor(t * pxPerNs())) at the plot's
    /// left edge. x is measured on that grid, so the window's begin lies up to a pixel right of the edge,
    /// and panning by whole pixels moves everything by whole pixels.
    std::int64_t gridOrigin() const
    {
        return static_cast<std::int64_t>(std::floor(static_cast<double>(window.beginNs) * pxPerNs()));
    }
    double timeToX(std::int64_t t) const
    {
        return plotRect.left() + (static_cast<double>(t) * pxPerNs() - static_cast<double>(gridOrigin()));
    }
    std::int64_t xToTime(double x) const
    {
        return std::llround((x - plotRect.left() + static_cast<double>(gridOrigin())) / pxPerNs());
    }
    /// The whole pixel nearest to time t (timeToX rounded, in whole numbers so that it moves with a pan).
    std::int64_t pixelAt(std::int64_t t) const
    {
        return std::llround(plotRect.left()) - gridOrigin()
            + std::llround(static_cast<double>(t) * pxPerNs());
    }
    /// The row under y among the visible ones, -1 if none.
    int rowAt(double y) const;
    /// Vertical middle of a lane's row (may be outside plotRect when the lane is scrolled away); of a folded
    /// lane, the middle of its thin band in its fold.
    double laneCenterY(std::uint32_t lane) const;
    /// The rectangle a bar of this depth fills inside its lane's row, before the time range is applied (a
    /// folded lane: its thin band, whatever the depth).
    QRectF barBand(std::uint32_t lane, int depth) const;
    bool folded(std::uint32_t lane) const { return lane < laneSlot.size() && laneSlot[lane] >= 0; }
    /// Whether the lane's row is among the visible ones.
    bool shown(std::uint32_t lane) const
    {
        return lane < laneRow.size() && laneRow[lane] >= firstRow && laneRow[lane] < firstRow + visibleRows;
    }
};

/// The window that shows the whole run (main's start to the present or the run's end) with a small margin.
TimeWindow fitWindow(const TimelineModel &model);

/// Measures with `options`' fonts what arrangeTimeline needs: the headline's (wrapped) and caption's
/// heights, the axis's, the label column's width (the widest lane name or detail, at most 30 % of `rect`,
/// unless options.labelWidth fixes it), the result column's (at most 28 %), a header row's height and the
/// legend's height at `rect`'s width. Needs a QGuiApplication.
TimelineMetrics measureTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options);

/// Places the title, axis, label column, rows, plot and legend of `model` in `rect` from `metrics` (see
/// measureTimeline): rows from options.firstRow stack down from under the axis, lanes share what the
/// legend leaves (between options.minLaneHeight and maxLaneHeight, whole pixels) unless
/// options.laneHeight fixes them; rows above firstRow are stacked upwards above the plot. With
/// options.foldLanes, runs of alike lanes that would not fit at minLaneHeight fold into group rows (three
/// lanes tall), keeping as many of their first lanes apart as fit. No fonts.
TimelineLayout arrangeTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options,
                               const TimelineMetrics &metrics);

/// Lays out `model` in `rect` with `options`: arrangeTimeline with measureTimeline's metrics.
TimelineLayout layoutTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options);

/// The layout's spacing and helpers the painter's passes share (not for callers).
namespace timeline {

inline constexpr double kGap = 6;          ///< between the title, the rows and the legend
inline constexpr double kNestInset = 3;    ///< more per nesting level
inline constexpr int kFoldRowLanes = 3;    ///< a fold row is as tall as this many lanes
inline constexpr double kLabelIndent = 14; ///< lane labels sit this far right of their process header's

inline bool isLane(const DisplayRow &row) { return row.kind == DisplayRow::Kind::Lane; }
inline bool isFold(const DisplayRow &row) { return row.kind == DisplayRow::Kind::Fold; }

} // namespace timeline

} // namespace forkscope::ui
