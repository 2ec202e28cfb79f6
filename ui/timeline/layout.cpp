#include "ui/timeline/layout.hpp"

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// A queue's fill strip: a little taller than a process header, so the level reads at a glance.
double queueRowHeight(double headerHeight) { return std::ceil(headerHeight * 1.6); }

double rowHeightOf(const TimelineLayout &layout, const DisplayRow &row)
{
    switch (row.kind) {
    case DisplayRow::Kind::Lane: return layout.laneHeight;
    case DisplayRow::Kind::Queue: return queueRowHeight(layout.headerHeight);
    case DisplayRow::Kind::Header: break;
    }
    return layout.headerHeight;
}

/// The height of each lane row when `wanted` rows from firstRow share `available` pixels: what the
/// headers and queue strips leave, split evenly, clamped to the options' range and floored to whole pixels.
double shareLaneHeight(const TimelineLayout &layout, const PaintOptions &options, int wanted,
                       double available)
{
    if (options.laneHeight > 0)
        return options.laneHeight;
    double fixed = 0;
    int lanes = 0;
    for (int r = layout.firstRow; r < layout.firstRow + wanted; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        lanes += isLane(row);
        fixed += row.kind == DisplayRow::Kind::Header ? layout.headerHeight
            : row.kind == DisplayRow::Kind::Queue     ? queueRowHeight(layout.headerHeight)
                                                      : 0;
    }
    const double share = lanes > 0 ? (available - fixed) / lanes : options.maxLaneHeight;
    return std::floor(std::clamp(share, double(options.minLaneHeight), double(options.maxLaneHeight)));
}

/// Gives every row its top and height: firstRow at `top`, the rows before it stacked upwards (arrows to
/// them still get a sensible y). Counts the visible rows; returns the height they use (at most `available`).
double stackRows(TimelineLayout &layout, double top, double available, int wanted)
{
    const int rowTotal = static_cast<int>(layout.rows.size());
    layout.rowTop.resize(layout.rows.size());
    layout.rowHeight.resize(layout.rows.size());
    double y = top;
    for (int r = layout.firstRow - 1; r >= 0; --r) {
        const auto i = static_cast<std::size_t>(r);
        layout.rowHeight[i] = rowHeightOf(layout, layout.rows[i]);
        y -= layout.rowHeight[i];
        layout.rowTop[i] = y;
    }
    y = top;
    layout.visibleRows = 0;
    double used = 0;
    for (int r = layout.firstRow; r < rowTotal; ++r) {
        const auto i = static_cast<std::size_t>(r);
        layout.rowHeight[i] = rowHeightOf(layout, layout.rows[i]);
        layout.rowTop[i] = y;
        if (r - layout.firstRow < wanted && y < top + available - 0.5) {
            ++layout.visibleRows;
            used = std::min(available, y + layout.rowHeight[i] - top);
        }
        y += layout.rowHeight[i];
    }
    return used;
}

} // namespace

std::vector<DisplayRow> displayRows(const TimelineModel &model)
{
    std::vector<DisplayRow> rows;
    const auto &groups = model.groups();
    rows.reserve(groups.size() + model.laneCount());
    for (std::uint32_t g = 0; g < groups.size(); ++g) {
        rows.push_back({DisplayRow::Kind::Header, g, groups[g].leader});
        for (const std::uint32_t lane : groups[g].lanes)
            rows.push_back({DisplayRow::Kind::Lane, g, lane});
    }
    for (const QueueTrack *q : model.busyQueues())
        rows.push_back({DisplayRow::Kind::Queue, static_cast<std::uint32_t>(q->id), 0});
    return rows;
}

TimeWindow fitWindow(const TimelineModel &model)
{
    const std::int64_t end = std::max({model.now(), model.lastEventTime(), kMinWindowSpanNs});
    // A little room on both sides so start flags at 0 and end marks at the end are not cut in half.
    const std::int64_t pad = std::max<std::int64_t>(end / 50, 1);
    return {-pad, end + pad};
}

int TimelineLayout::rowAt(double y) const
{
    const int end = firstRow + visibleRows;
    for (int r = firstRow; r < end; ++r) {
        const auto i = static_cast<std::size_t>(r);
        if (y >= rowTop[i] && y < rowTop[i] + rowHeight[i])
            return r;
    }
    return -1;
}

double TimelineLayout::laneCenterY(std::uint32_t lane) const
{
    if (lane >= laneRow.size() || laneRow[lane] < 0)
        return plotRect.top();
    const auto r = static_cast<std::size_t>(laneRow[lane]);
    return rowTop[r] + rowHeight[r] / 2;
}

QRectF TimelineLayout::barBand(std::uint32_t lane, int depth) const
{
    if (lane >= laneRow.size() || laneRow[lane] < 0)
        return {};
    const auto r = static_cast<std::size_t>(laneRow[lane]);
    const double height = rowHeight[r];
    // Nested bars shrink so the enclosing state (say, a lock held) stays visible around them.
    double inset = kBarInset + kNestInset * depth;
    inset = std::min(inset, height / 2 - 2);
    return {plotRect.left(), rowTop[r] + inset, plotRect.width(), height - 2 * inset};
}

TimelineLayout arrangeTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options,
                               const TimelineMetrics &metrics)
{
    TimelineLayout layout;
    layout.bounds = rect;
    layout.window = options.window;
    if (layout.window.span() <= 0)
        layout.window.endNs = layout.window.beginNs + 1;

    const double left = rect.left() + kMargin;
    const double right = rect.right() - kMargin;
    double top = rect.top() + kMargin;
    const double bottom = rect.bottom() - kMargin;

    if (metrics.titleHeight > 0) {
        layout.titleRect = QRectF(left, top, right - left, metrics.titleHeight);
        top = layout.titleRect.bottom() + kGap;
    }

    layout.rows = displayRows(model);
    layout.laneRow.assign(model.laneCount(), -1);
    for (std::size_t r = 0; r < layout.rows.size(); ++r)
        if (isLane(layout.rows[r]) && layout.rows[r].lane < layout.laneRow.size())
            layout.laneRow[layout.rows[r].lane] = static_cast<int>(r);

    const double plotLeft = left + metrics.labelWidth;
    layout.axisRect = QRectF(plotLeft, top, std::max(1.0, right - plotLeft), metrics.axisHeight);
    top += metrics.axisHeight;
    const double legendHeight = metrics.legendHeight;
    const double available = std::max(0.0, bottom - top - (legendHeight > 0 ? legendHeight + kGap : 0));

    layout.headerHeight = metrics.headerHeight;
    const int rowTotal = static_cast<int>(layout.rows.size());
    layout.firstRow = std::clamp(options.firstRow, 0, std::max(0, rowTotal - 1));
    const int wanted = options.rowCount < 0 ? rowTotal - layout.firstRow
                                            : std::min(options.rowCount, rowTotal - layout.firstRow);
    layout.laneHeight = shareLaneHeight(layout, options, wanted, available);
    const double used = stackRows(layout, top, available, wanted);

    layout.plotRect = QRectF(plotLeft, top, std::max(1.0, right - plotLeft), used);
    layout.labelRect = QRectF(left, top, metrics.labelWidth, used);
    if (legendHeight > 0)
        layout.legendRect = QRectF(left, layout.plotRect.bottom() + kGap, right - left, legendHeight);
    return layout;
}

TimelineLayout layoutTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    return arrangeTimeline(model, rect, options, measureTimeline(model, rect, options));
}

} // namespace forkscope::ui
