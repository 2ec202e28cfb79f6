#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_kit.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// A queue's fill strip: a little taller than a process header, so the level reads at a glance.
double queueRowHeight(double headerHeight) { return std::ceil(headerHeight * 1.6); }

double rowHeightOf(const TimelineLayout &layout, const DisplayRow &row)
{
    switch (row.kind) {
    case DisplayRow::Kind::Lane: return layout.laneHeight;
    case DisplayRow::Kind::Fold: return layout.laneHeight * kFoldRowLanes;
    case DisplayRow::Kind::Queue:
        return layout.queueAsLane ? layout.laneHeight : queueRowHeight(layout.headerHeight);
    case DisplayRow::Kind::Header: break;
    }
    return layout.headerHeight;
}

/// How many lanes' worth of height a row takes when lanes share the height (0: a fixed-height row).
int laneUnits(const TimelineLayout &layout, const DisplayRow &row)
{
    switch (row.kind) {
    case DisplayRow::Kind::Lane: return 1;
    case DisplayRow::Kind::Fold: return kFoldRowLanes;
    case DisplayRow::Kind::Queue: return layout.queueAsLane ? 1 : 0;
    case DisplayRow::Kind::Header: break;
    }
    return 0;
}

/// Heights of the rows that do not share: headers and (in a window) queue strips.
double fixedHeight(const TimelineLayout &layout, const DisplayRow &row)
{
    return row.kind == DisplayRow::Kind::Header                      ? layout.headerHeight
        : row.kind == DisplayRow::Kind::Queue && !layout.queueAsLane ? queueRowHeight(layout.headerHeight)
                                                                     : 0;
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
        lanes += laneUnits(layout, row);
        fixed += fixedHeight(layout, row);
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

/// What makes lanes alike enough to fold together: the same kind, the same name but for a number at its
/// end, and the same kind of ending (a failed or killed worker stays in sight on its own).
struct AlikeKey {
    std::string stem; ///< "worker" of "worker 12"; empty: the name has no number, so it folds with nothing
    long number = 0;
    int kind = 0;
    int ending = 0;

    bool alike(const AlikeKey &other) const
    {
        return !stem.empty() && stem == other.stem && kind == other.kind && ending == other.ending;
    }
};

AlikeKey alikeKey(const Lane &lane)
{
    AlikeKey key;
    const std::string &name = lane.info.name;
    std::size_t digits = name.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1])))
        --digits;
    if (digits > 0 && digits < name.size() && name.size() - digits < 9) {
        key.stem = name.substr(0, digits);
        while (!key.stem.empty()
               && (key.stem.back() == ' ' || key.stem.back() == '-' || key.stem.back() == '_'))
            key.stem.pop_back();
        key.number = std::stol(name.substr(digits));
    }
    key.kind = static_cast<int>(lane.info.kind);
    key.ending = lane.crashed() ? 3 : lane.cancelled ? 2 : (lane.ended() && lane.exitCode != 0) ? 1 : 0;
    return key;
}

/// "workers 11–200" (or "worker 3, …" when the numbers do not run in order).
QString foldLabel(const AlikeKey &first, const AlikeKey &last)
{
    const QString stem = QString::fromStdString(first.stem);
    return QStringLiteral("%1s %2–%3").arg(stem).arg(first.number).arg(last.number);
}

/// Folds runs of alike lanes among rows [firstRow, firstRow + wanted) so that the lanes fit `available`
/// at minLaneHeight: the longest runs first, each keeping as many of its first lanes apart as still fit.
/// Returns the number of rows wanted after folding.
int foldAlikeLanes(TimelineLayout &layout, const TimelineModel &model, const PaintOptions &options,
                   int wanted, double available)
{
    const auto first = static_cast<std::size_t>(layout.firstRow);
    const std::size_t end = first + static_cast<std::size_t>(wanted);
    double fixed = 0;
    int units = 0;
    for (std::size_t r = first; r < end; ++r) {
        fixed += fixedHeight(layout, layout.rows[r]);
        units += laneUnits(layout, layout.rows[r]);
    }
    const int capacity
        = static_cast<int>(std::floor((available - fixed) / std::max(1, options.minLaneHeight)));
    if (units <= capacity)
        return wanted;

    // Runs of alike lanes: [begin, end) row ranges, with what folding all but their first `keep` saves.
    struct Run {
        std::size_t begin;
        std::size_t end;
        int keep = 0;
    };
    std::vector<Run> runs;
    std::vector<AlikeKey> keys(layout.rows.size());
    for (std::size_t r = first; r < end;) {
        if (!isLane(layout.rows[r])) {
            ++r;
            continue;
        }
        keys[r] = alikeKey(model.lane(layout.rows[r].lane));
        std::size_t e = r + 1;
        while (e < end && isLane(layout.rows[e])) {
            keys[e] = alikeKey(model.lane(layout.rows[e].lane));
            if (!keys[e].alike(keys[r]))
                break;
            ++e;
        }
        // Folding fewer than a fold row's worth plus one saves nothing.
        if (static_cast<int>(e - r) > kFoldRowLanes + 1)
            runs.push_back({r, e});
        r = e;
    }
    if (runs.empty())
        return wanted;
    std::stable_sort(runs.begin(), runs.end(),
                     [](const Run &a, const Run &b) { return a.end - a.begin > b.end - b.begin; });
    // Fold every run whole, then give lanes back to the runs in turn while they fit.
    int used = units;
    std::size_t folding = 0;
    for (; folding < runs.size() && used > capacity; ++folding)
        used -= static_cast<int>(runs[folding].end - runs[folding].begin) - kFoldRowLanes;
    for (std::size_t i = 0; i < folding && used < capacity; ++i) {
        const int length = static_cast<int>(runs[i].end - runs[i].begin);
        runs[i].keep = std::min(capacity - used, length - kFoldRowLanes - 1);
        used += runs[i].keep;
    }
    runs.resize(folding);
    std::sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.begin < b.begin; });

    std::vector<DisplayRow> rows(layout.rows.begin(),
                                 layout.rows.begin() + static_cast<std::ptrdiff_t>(first));
    std::size_t r = first;
    for (const Run &run : runs) {
        rows.insert(rows.end(), layout.rows.begin() + static_cast<std::ptrdiff_t>(r),
                    layout.rows.begin()
                        + static_cast<std::ptrdiff_t>(run.begin + static_cast<std::size_t>(run.keep)));
        LaneFold fold;
        const std::size_t from = run.begin + static_cast<std::size_t>(run.keep);
        for (std::size_t k = from; k < run.end; ++k)
            fold.lanes.push_back(layout.rows[k].lane);
        fold.label = foldLabel(keys[from], keys[run.end - 1]);
        rows.push_back(
            {DisplayRow::Kind::Fold, static_cast<std::uint32_t>(layout.folds.size()), fold.lanes.front()});
        layout.folds.push_back(std::move(fold));
        r = run.end;
    }
    rows.insert(rows.end(), layout.rows.begin() + static_cast<std::ptrdiff_t>(r), layout.rows.end());
    const int removed = static_cast<int>(layout.rows.size() - rows.size());
    layout.rows = std::move(rows);
    return wanted - removed;
}

/// laneRow and laneSlot from the rows (and folds).
void indexLanes(TimelineLayout &layout, std::size_t laneCount)
{
    layout.laneRow.assign(laneCount, -1);
    layout.laneSlot.assign(laneCount, -1);
    for (std::size_t r = 0; r < layout.rows.size(); ++r) {
        const DisplayRow &row = layout.rows[r];
        if (isLane(row) && row.lane < laneCount) {
            layout.laneRow[row.lane] = static_cast<int>(r);
        } else if (isFold(row)) {
            const LaneFold &fold = layout.folds[row.group];
            for (std::size_t k = 0; k < fold.lanes.size(); ++k) {
                if (fold.lanes[k] >= laneCount)
                    continue;
                layout.laneRow[fold.lanes[k]] = static_cast<int>(r);
                layout.laneSlot[fold.lanes[k]] = static_cast<int>(k);
            }
        }
    }
}

} // namespace

std::vector<DisplayRow> displayRows(const TimelineModel &model, bool headers)
{
    std::vector<DisplayRow> rows;
    const auto &groups = model.groups();
    rows.reserve(groups.size() + model.laneCount());
    for (std::uint32_t g = 0; g < groups.size(); ++g) {
        if (headers)
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
    if (folded(lane)) {
        const QRectF band = barBand(lane, 0);
        return band.center().y();
    }
    return rowTop[r] + rowHeight[r] / 2;
}

QRectF TimelineLayout::barBand(std::uint32_t lane, int depth) const
{
    if (lane >= laneRow.size() || laneRow[lane] < 0)
        return {};
    const auto r = static_cast<std::size_t>(laneRow[lane]);
    const double height = rowHeight[r];
    if (folded(lane)) {
        // A thin band each, stacked in display order inside the fold's row.
        const LaneFold &fold = folds[rows[r].group];
        const double inner = height - 2 * barInset;
        const double slot = inner / static_cast<double>(fold.lanes.size());
        return {plotRect.left(), rowTop[r] + barInset + slot * laneSlot[lane], plotRect.width(), slot};
    }
    // Nested bars shrink so the enclosing state (say, a lock held) stays visible around them.
    double inset = barInset + kNestInset * depth;
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

    layout.margin = marginOf(options);
    layout.queueAsLane = !options.details;
    layout.barInset = options.barInset > 0 ? options.barInset : 3.0;
    const double left = rect.left() + layout.margin;
    const double right = rect.right() - layout.margin;
    double top = rect.top() + layout.margin;
    const double bottom = rect.bottom() - layout.margin;

    if (metrics.titleHeight > 0) {
        layout.titleRect = QRectF(left, top, right - left, metrics.titleHeight);
        top = layout.titleRect.bottom();
        if (metrics.captionHeight > 0) {
            layout.captionRect = QRectF(left, top, right - left, metrics.captionHeight);
            top = layout.captionRect.bottom();
        }
        top += kGap + (metrics.captionHeight > 0 ? layout.margin : 0);
    }

    layout.rows = displayRows(model, options.details);

    // The plot starts and ends on whole pixels: its columns are the pixels of the view's grid.
    const double plotLeft = std::ceil(left + metrics.labelWidth);
    const double plotRight = std::max(plotLeft + 1, std::floor(right - metrics.resultWidth));
    layout.axisRect = QRectF(plotLeft, top, plotRight - plotLeft, metrics.axisHeight);
    top += metrics.axisHeight;
    const double legendHeight = metrics.legendHeight;
    const double available = std::max(0.0, bottom - top - (legendHeight > 0 ? legendHeight + kGap : 0));

    layout.headerHeight = metrics.headerHeight;
    int rowTotal = static_cast<int>(layout.rows.size());
    layout.firstRow = std::clamp(options.firstRow, 0, std::max(0, rowTotal - 1));
    int wanted = options.rowCount < 0 ? rowTotal - layout.firstRow
                                      : std::min(options.rowCount, rowTotal - layout.firstRow);
    if (options.foldLanes && options.laneHeight <= 0 && wanted > 0)
        wanted = foldAlikeLanes(layout, model, options, wanted, available);
    indexLanes(layout, model.laneCount());
    layout.laneHeight = shareLaneHeight(layout, options, wanted, available);
    const double used = stackRows(layout, top, available, wanted);

    layout.plotRect = QRectF(plotLeft, top, plotRight - plotLeft, used);
    layout.labelRect = QRectF(left, top, plotLeft - left, used);
    if (metrics.resultWidth > 0)
        layout.resultRect = QRectF(plotRight, top, right - plotRight, used);
    if (legendHeight > 0)
        layout.legendRect = QRectF(left, layout.plotRect.bottom() + kGap, right - left, legendHeight);
    return layout;
}

TimelineLayout layoutTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    return arrangeTimeline(model, rect, options, measureTimeline(model, rect, options));
}

} // namespace forkscope::ui
