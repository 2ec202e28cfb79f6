// The lanes layer: row backgrounds and process headers, each lane's lifeline, bars and GIL strips, the
// labels inside pool tasks, and the label column with the lanes' names.
//
// Bars are drawn by pixel column on the view's absolute grid (ui/timeline/track_columns.hpp): a column
// inside one bar is that bar's colour; a column that several bars share, or that a bar only partly covers,
// is split top to bottom into each state's share of the time, so a zoomed-out view says what the lane did
// in the proportions it did it, whatever the width. Everything in this layer lands on whole pixels of that
// grid, which lets a view move it by whole pixels on a pan and draw only the strip that comes in.

#include "ui/timeline/passes.hpp"
#include "ui/timeline/rect_fill.hpp"
#include "ui/timeline/texts.hpp"
#include "ui/timeline/track_columns.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace forkscope::ui::timeline {

namespace {

/// "square(3) = 9" inside a pool task's bar when it fits ("square(3)" while it runs, "3" when narrow).
void paintTaskLabel(QPainter &p, const TimelineModel &model, const Bar &bar, const QRectF &rect,
                    const Fonts &fonts, const Theme &theme)
{
    if (rect.width() < 12 || rect.height() < 8)
        return;
    const QFontMetricsF fm(fonts.small);
    const QString call = QStringLiteral("%1(%2)").arg(qs(model.taskFunction())).arg(bar.value);
    const QString candidates[] = {
        bar.open() || bar.cancelled ? call : call + QStringLiteral(" = %1").arg(bar.result),
        bar.open() || bar.cancelled ? QStringLiteral("%1").arg(bar.value)
                                    : QStringLiteral("%1→%2").arg(bar.value).arg(bar.result),
        QStringLiteral("%1").arg(bar.value),
    };
    for (const QString &text : candidates) {
        if (fm.horizontalAdvance(text) + 4 <= rect.width()) {
            p.setFont(fonts.small);
            p.setPen(theme.text.lightness() > 128 ? QColor(0x1d, 0x1f, 0x23) : theme.text);
            p.drawText(rect, Qt::AlignCenter, text);
            return;
        }
    }
}

/// A fraction in [0, 1) that varies from column to column without a pattern (the golden ratio's multiples):
/// where a state's share of a column falls between two pixel rows, some columns round it up and others
/// down, in proportion, so its area stays true.
double dither(std::int64_t column)
{
    const std::uint64_t x = static_cast<std::uint64_t>(column) * 0x9E3779B97F4A7C15ull;
    return static_cast<double>(x >> 40) / static_cast<double>(1ull << 24);
}

/// One track's colours, painted into [y0, y1).
struct TrackPaint {
    RectFill &fill;
    const TrackArea &area;
    const std::array<QRgb, kBarStateCount> &colors;
    int y0 = 0;
    int y1 = 0;

    void run(std::int64_t c0, std::int64_t c1, BarState state) const
    {
        fill.fill(static_cast<int>(c0 + area.shift), y0, static_cast<int>(c1 + area.shift), y1,
                  colors[static_cast<std::size_t>(state)]);
    }

    /// A mixed column: each state's share of `whole` ns (the column's busy time, or the enclosing depth's),
    /// stacked top down in the states' order.
    void shares(std::int64_t c, const ColumnShares &column, double whole) const
    {
        const int x = static_cast<int>(c + area.shift);
        const double total = column.total();
        if (total <= 0) {
            // Only bars of no length: the first of their states, so that no bar goes unseen.
            const auto state = static_cast<std::size_t>(std::countr_zero(column.present));
            fill.fill(x, y0, x + 1, y1, colors[state]);
            return;
        }
        whole = std::max(whole, total);
        const int height = y1 - y0;
        const double d = dither(c);
        double sum = 0;
        int top = y0;
        // The present states in order (a state with time is present).
        for (std::uint32_t bits = column.present; bits != 0 && top < y1; bits &= bits - 1) {
            const auto s = static_cast<std::size_t>(std::countr_zero(bits));
            if (column.time[s] <= 0)
                continue;
            sum += column.time[s];
            const int bottom = y0
                + static_cast<int>(std::min<std::int64_t>(height,
                                                          PixelGrid::floorOf(sum / whole * height + d)));
            if (bottom > top)
                fill.fill(x, top, x + 1, bottom, colors[s]);
            top = std::max(top, bottom);
        }
    }
};

std::array<QRgb, kBarStateCount> stateColors(const Theme &theme)
{
    std::array<QRgb, kBarStateCount> colors{};
    for (std::size_t s = 0; s < colors.size(); ++s)
        colors[s] = theme.states[s].rgb();
    return colors;
}

/// The first pixel column whose centre lies at or after `v` (PixelGrid::edgeOf): on the absolute grid,
/// which may lie billions of pixels from 0 when zoomed in.
std::int64_t pixelEdge(double v) { return PixelGrid::edgeOf(v); }
/// The same for a pixel row of the picture.
int pixelRow(double v) { return static_cast<int>(PixelGrid::edgeOf(v)); }

/// The GIL over a lane: a dark strip along the bottom of its bars while it holds its process's GIL, a hatch
/// over them while it waits for it. Holds get at least a pixel (who has it matters); waits shorter than
/// half a pixel are left out (an uncontended request is granted within a microsecond).
void paintLaneGil(QPainter &p, RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options, const TrackArea &area, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    if (lane.gil.empty())
        return;
    const QRectF band = layout.barBand(laneIndex, 0);
    const double strip = std::max(3.0, std::round(band.height() * 0.25));
    const int holdTop = pixelRow(band.bottom() - strip);
    const int holdBottom = pixelRow(band.bottom());
    const QRgb hold = options.theme.gilHold.rgb();
    const double perPixel = 1 / area.grid.pxPerNs;
    const auto x = [&](std::int64_t t) {
        return static_cast<int>(std::clamp<std::int64_t>(pixelEdge(area.grid.at(t)) + area.shift,
                                                         area.clip.left() - 1, area.clip.right() + 2));
    };
    // The hatch's pattern is anchored to the grid, so a view moved by whole pixels shows the same one.
    p.setBrushOrigin(QPointF(static_cast<double>(area.shift % 8), 0));
    int holdCovered = std::numeric_limits<int>::min();
    int waitCovered = std::numeric_limits<int>::min();
    // From a column before the area: a span ending just before it may still reach its first column (every
    // hold gets a pixel), as it does when the area is the middle of a wider one.
    const auto begin = static_cast<std::int64_t>(std::floor(area.grid.timeOf(area.from - 1)));
    const auto endTime = static_cast<std::int64_t>(std::ceil(area.grid.timeOf(area.to)));
    for (std::size_t i = lane.firstGilSpan(begin); i < lane.gil.size() && lane.gil[i].begin <= endTime; ++i) {
        const GilSpan &span = lane.gil[i];
        const std::int64_t end = span.open() ? std::max(model.now(), span.begin) : span.end;
        // Zoomed out, most spans fall in a pixel already drawn (or are waits too short to show): they are
        // passed over on as little as can tell (a whole-run frame has hundreds of thousands of them).
        if (!span.holds && static_cast<double>(end - span.begin) < perPixel / 2)
            continue;
        const int xEnd = x(end);
        if (span.holds && xEnd < holdCovered)
            continue; // x1 = max(x0 + 1, xEnd) <= holdCovered, as x0 <= xEnd
        const int x0 = x(span.begin);
        const int x1 = std::max(x0 + 1, xEnd);
        if (span.holds) {
            if (x1 <= holdCovered)
                continue;
            fill.fill(std::max(x0, holdCovered), holdTop, x1, holdBottom, hold);
            holdCovered = x1;
        } else {
            if (x1 <= waitCovered)
                continue;
            const int from = std::max(x0, waitCovered);
            fill.flush(); // over the bars and holds before it
            fillGilWait(p, QRectF(from, band.top(), x1 - from, band.height()), options.theme);
            waitCovered = x1;
        }
    }
}

} // namespace

TrackArea trackArea(const TimelineLayout &layout, const QRect &pixels)
{
    TrackArea area;
    area.grid.pxPerNs = layout.pxPerNs();
    area.shift = std::llround(layout.plotRect.left()) - layout.gridOrigin();
    area.clip = pixels.intersected(layout.plotRect.toAlignedRect());
    area.from = area.clip.left() - area.shift;
    area.to = area.clip.right() + 1 - area.shift;
    return area;
}

/// A pale hatch for "waits for the GIL": the bar under it shows through, but reads as not running.
void fillGilWait(QPainter &p, const QRectF &rect, const Theme &theme)
{
    p.fillRect(rect, withAlpha(theme.background, 175));
    p.fillRect(rect, QBrush(withAlpha(theme.gilWait, 150), Qt::BDiagPattern));
}

void paintRows(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const QRectF &area)
{
    const Theme &theme = options.theme;
    const double fullLeft = layout.labelRect.left();
    const double fullWidth = layout.plotRect.right() - fullLeft;
    // The last row may be cut by the bottom of the plot.
    p.save();
    p.setClipRect(
        QRectF(fullLeft, layout.plotRect.top(), fullWidth, layout.plotRect.height()).intersected(area));
    int laneParity = 0;
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        const QRectF rowRect(fullLeft, layout.rowTop[i], fullWidth, layout.rowHeight[i]);
        if (row.kind == DisplayRow::Kind::Queue) {
            paintQueueRow(p, options, rowRect);
            continue;
        }
        if (isFold(row)) {
            // A fold reads as one block: a faint band behind its thin lanes.
            p.fillRect(rowRect.adjusted(0, 1, 0, -1), withAlpha(theme.headerBackground, 110));
            laneParity = 0;
            continue;
        }
        if (!isLane(row)) {
            laneParity = 0;
            p.fillRect(rowRect, theme.headerBackground);
            continue;
        }
        if (laneParity++ % 2 == 1)
            p.fillRect(rowRect, theme.alternateRow);
    }
    p.restore();
}

void paintRowTitles(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                    const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QFontMetricsF fmSmall(fonts.small);
    const double fullLeft = layout.labelRect.left();
    const double fullWidth = layout.plotRect.right() - fullLeft;
    p.save();
    p.setClipRect(QRectF(fullLeft, layout.plotRect.top(), fullWidth, layout.plotRect.height()));
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        const QRectF rowRect(fullLeft, layout.rowTop[i], fullWidth, layout.rowHeight[i]);
        if (row.kind == DisplayRow::Kind::Queue) {
            paintQueueLabel(p, model, layout, options, fonts, row.group, rowRect);
        } else if (row.kind == DisplayRow::Kind::Header) {
            p.setFont(fonts.small);
            p.setPen(theme.text);
            const QString title = groupTitle(model, row.group);
            // Headers have no bars, so their text may run on past the label column.
            p.drawText(rowRect.adjusted(6, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       fmSmall.elidedText(title, Qt::ElideRight, rowRect.width() - 12));
        }
    }
    p.restore();
}

void paintLaneBars(RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const TrackArea &area, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    const Theme &theme = options.theme;
    const auto row = static_cast<std::size_t>(layout.laneRow[laneIndex]);
    const double centerY = layout.rowTop[row] + layout.rowHeight[row] / 2;

    // Lifeline: the worker exists (started, not yet ended).
    if (lane.started()) {
        const std::int64_t end = lane.ended() ? lane.endNs : model.now();
        const std::int64_t x0 = pixelEdge(area.grid.at(lane.startNs)) + area.shift;
        const std::int64_t x1 = std::max(x0 + 1, pixelEdge(area.grid.at(end)) + area.shift);
        const auto clamp = [&](std::int64_t x) {
            return static_cast<int>(std::clamp<std::int64_t>(x, area.clip.left() - 1, area.clip.right() + 2));
        };
        fill.fill(clamp(x0), pixelRow(centerY - 1), clamp(x1), pixelRow(centerY + 1), theme.lifeline.rgb());
    }

    const std::array<QRgb, kBarStateCount> colors = stateColors(theme);
    const std::vector<BarTrack> &tracks = lane.tracks();
    // Per column, how long the lane was busy at depth 0: nested bars take their share of that.
    std::vector<double> busy;
    if (tracks.size() > 1)
        busy.assign(static_cast<std::size_t>(area.to - area.from), 0.0);
    const double columnTime = 1 / area.grid.pxPerNs;
    for (std::size_t depth = 0; depth < tracks.size(); ++depth) {
        const QRectF band = layout.barBand(laneIndex, static_cast<int>(depth));
        const TrackPaint paint{fill, area, colors, pixelRow(band.top()), pixelRow(band.bottom())};
        if (paint.y1 <= paint.y0)
            continue;
        walkTrack(
            lane, tracks[depth], area.grid, area.from, area.to, model.now(),
            [&](std::int64_t c0, std::int64_t c1, BarState state) {
                paint.run(c0, c1, state);
                if (depth == 0 && !busy.empty())
                    std::fill(busy.begin() + (c0 - area.from), busy.begin() + (c1 - area.from), columnTime);
            },
            [&](std::int64_t c, const ColumnShares &column) {
                if (depth == 0) {
                    if (!busy.empty())
                        busy[static_cast<std::size_t>(c - area.from)] = column.total();
                    paint.shares(c, column, 0);
                } else {
                    paint.shares(c, column, busy[static_cast<std::size_t>(c - area.from)]);
                }
            });
        fill.flush(); // deeper bars go over these
    }
}

void paintLaneGilStrips(QPainter &p, RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                        const PaintOptions &options, const TrackArea &area, std::uint32_t laneIndex)
{
    paintLaneGil(p, fill, model, layout, options, area, laneIndex);
    fill.flush();
}

void paintFoldBars(RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const TrackArea &area, std::uint32_t fold)
{
    const std::array<QRgb, kBarStateCount> colors = stateColors(options.theme);
    for (const std::uint32_t laneIndex : layout.folds[fold].lanes) {
        const Lane &lane = model.lane(laneIndex);
        if (lane.tracks().empty())
            continue;
        const QRectF band = layout.barBand(laneIndex, 0);
        // Thinner than a pixel each: a lane still covers at least one pixel row, so none disappears. Only the
        // outermost bars: nesting cannot show in a band this thin.
        const int top = static_cast<int>(std::floor(band.top()));
        const TrackPaint paint{fill, area, colors, top,
                               top + std::max(1, static_cast<int>(std::round(band.height())))};
        walkTrack(
            lane, lane.tracks().front(), area.grid, area.from, area.to, model.now(),
            [&](std::int64_t c0, std::int64_t c1, BarState state) { paint.run(c0, c1, state); },
            [&](std::int64_t c, const ColumnShares &column) { paint.shares(c, column, 0); });
    }
    fill.flush();
}

void paintTaskLabels(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    if (!(lane.stateMask() & (1u << static_cast<unsigned>(BarState::Task))))
        return;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = 1 / layout.pxPerNs();
    // A label needs 12 pixels: a block of bars shorter than that all together has none.
    const auto shortest = static_cast<std::int64_t>(perPixel * 12);
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    for (std::size_t depth = 0; depth < lane.tracks().size(); ++depth) {
        const BarTrack &track = lane.tracks()[depth];
        for (std::size_t k = track.first(lane.bars, w.beginNs); k < track.bars.size();) {
            if (k % BarTrack::kBlock == 0 && k / BarTrack::kBlock < track.blocks.size()
                && track.blocks[k / BarTrack::kBlock].maxEnd - lane.bars[track.bars[k]].begin < shortest
                && lane.bars[track.bars[k]].begin >= w.beginNs) {
                k += BarTrack::kBlock;
                continue;
            }
            const Bar &bar = lane.bars[track.bars[k++]];
            if (bar.begin > w.endNs)
                break;
            if (bar.state != BarState::Task)
                continue;
            const double x0 = std::round(px(bar.begin));
            const double x1 = std::max(x0 + 1, std::round(px(model.barEnd(bar))));
            const QRectF band = layout.barBand(laneIndex, bar.depth);
            paintTaskLabel(p, model, bar, QRectF(x0, band.top(), x1 - x0, band.height()), fonts,
                           options.theme);
        }
    }
}

void paintLaneLabels(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    // Lanes sit under their process header when there are headers.
    const double indent = options.details ? kLabelIndent : layout.margin;
    p.save();
    p.setClipRect(layout.labelRect);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        if (!isLane(row) && !isFold(row))
            continue;
        const QRectF cell(layout.labelRect.left() + indent, layout.rowTop[i],
                          layout.labelRect.width() - indent - layout.margin * 0.75, layout.rowHeight[i]);
        if (isFold(row)) {
            const LaneFold &fold = layout.folds[row.group];
            p.setFont(fonts.bold);
            p.setPen(theme.text);
            p.drawText(QRectF(cell.left(), cell.top(), cell.width(), cell.height() / 2 + fmBold.height() / 2),
                       Qt::AlignLeft | Qt::AlignBottom,
                       fmBold.elidedText(fold.label, Qt::ElideRight, cell.width()));
            p.setFont(fonts.small);
            p.setPen(theme.mutedText);
            const QString count = QStringLiteral("%1 lanes").arg(fold.lanes.size());
            p.drawText(
                QRectF(cell.left(), cell.center().y() + fmBold.height() / 2, cell.width(), fmSmall.height()),
                Qt::AlignLeft | Qt::AlignTop, fmSmall.elidedText(count, Qt::ElideRight, cell.width()));
            continue;
        }
        const Lane &lane = model.lane(row.lane);
        const QString name = fmBold.elidedText(qs(lane.info.name), Qt::ElideRight, cell.width());
        const QString detail = fmSmall.elidedText(laneDetail(lane), Qt::ElideRight, cell.width());
        const bool twoLines = options.details && cell.height() >= fmBold.height() + fmSmall.height() + 2;
        p.setFont(fonts.bold);
        p.setPen(lane.crashed() ? theme.crash : theme.text);
        if (twoLines) {
            const double block = fmBold.height() + fmSmall.height();
            const double y0 = cell.top() + (cell.height() - block) / 2;
            p.drawText(QRectF(cell.left(), y0, cell.width(), fmBold.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, name);
            p.setFont(fonts.small);
            p.setPen(theme.mutedText);
            p.drawText(QRectF(cell.left(), y0 + fmBold.height(), cell.width(), fmSmall.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, detail);
        } else {
            p.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, name);
        }
    }
    p.restore();
    // The column's edge.
    p.setPen(QPen(theme.grid, 1));
    const double x = std::round(layout.plotRect.left()) - 0.5;
    p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
}

namespace {

/// The largest of `font`'s size down to `minPixels` at which `text` wraps into the lines `cell` has room for
/// without eliding; at `minPixels`, whatever fits (the last line elided). Sets `lines`.
QFont fitResult(const QString &text, QFont font, const QRectF &cell, int minPixels, QStringList &lines)
{
    for (int size = font.pixelSize();; size = std::max(minPixels, size * 9 / 10)) {
        font.setPixelSize(size);
        const QFontMetricsF fm(font);
        const int room = std::clamp(static_cast<int>(cell.height() / fm.lineSpacing()), 1, 4);
        lines = wrapText(text, fm, cell.width(), 64);
        if (static_cast<int>(lines.size()) <= room || size == minPixels) {
            if (static_cast<int>(lines.size()) > room)
                lines = wrapText(text, fm, cell.width(), room);
            return font;
        }
    }
}

const LaneResult *resultOf(const PaintOptions &options, std::uint32_t lane)
{
    return lane < options.results.size() ? &options.results[lane] : nullptr;
}

/// What a fold's lanes came to, when they all came to the same (else nothing: one lane's value would speak
/// for lanes that ended otherwise).
const LaneResult *foldResult(const PaintOptions &options, const LaneFold &fold)
{
    const LaneResult *first = fold.lanes.empty() ? nullptr : resultOf(options, fold.lanes.front());
    if (!first)
        return nullptr;
    for (const std::uint32_t lane : fold.lanes) {
        const LaneResult *r = resultOf(options, lane);
        if (!r || r->text != first->text || r->failed != first->failed)
            return nullptr;
    }
    return first;
}

} // namespace

void paintLaneResults(QPainter &p, const TimelineLayout &layout, const PaintOptions &options,
                      const Fonts &fonts)
{
    if (layout.resultRect.isEmpty())
        return;
    const Theme &theme = options.theme;
    const double gap = QFontMetricsF(fonts.result).height() / 2;
    p.save();
    p.setClipRect(layout.resultRect);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        const LaneResult *found = isLane(row) ? resultOf(options, row.lane)
            : isFold(row)                     ? foldResult(options, layout.folds[row.group])
                                              : nullptr;
        if (!found || found->text.isEmpty())
            continue;
        const LaneResult &result = *found;
        const QRectF cell(layout.resultRect.left() + gap, layout.rowTop[i], layout.resultRect.width() - gap,
                          layout.rowHeight[i]);
        // A long one (an error) wraps over the lines the row has room for, in smaller type if it must.
        QStringList text;
        const QFont font = fitResult(result.text, fonts.result, cell, fonts.small.pixelSize(), text);
        const QFontMetricsF fm(font);
        const double block = fm.lineSpacing() * static_cast<double>(text.size());
        double y = cell.top() + (cell.height() - block) / 2;
        p.setFont(font);
        p.setPen(result.failed ? theme.crash : theme.text);
        for (const QString &line : text) {
            p.drawText(QRectF(cell.left(), y, cell.width(), fm.lineSpacing()),
                       Qt::AlignLeft | Qt::AlignVCenter, line);
            y += fm.lineSpacing();
        }
    }
    p.restore();
}

} // namespace forkscope::ui::timeline
