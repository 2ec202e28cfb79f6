// The lanes layer: row backgrounds and process headers, each lane's lifeline, bars and GIL strips, and the
// label column with the lanes' names.

#include "ui/timeline/passes.hpp"
#include "ui/timeline/texts.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

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

/// The GIL over a lane: a dark strip along the bottom of its bars while it holds its process's GIL, a hatch
/// over them while it waits for it. Holds get at least a pixel (who has it matters); waits shorter than
/// half a pixel are left out (an uncontended request is granted within a microsecond).
void paintLaneGil(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    if (lane.gil.empty())
        return;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    const QRectF band = layout.barBand(laneIndex, 0);
    const double strip = std::max(3.0, std::round(band.height() * 0.25));
    double holdCovered = -1e9;
    double waitCovered = -1e9;
    for (std::size_t i = lane.firstGilSpan(w.beginNs); i < lane.gil.size() && lane.gil[i].begin <= w.endNs;
         ++i) {
        const GilSpan &span = lane.gil[i];
        const std::int64_t end = span.open() ? std::max(model.now(), span.begin) : span.end;
        const double x0 = std::round(px(span.begin));
        const double x1 = std::max(x0 + 1, std::round(px(end)));
        if (span.holds) {
            if (x1 <= holdCovered)
                continue;
            const double from = std::max(x0, holdCovered);
            p.fillRect(QRectF(from, band.bottom() - strip, x1 - from, strip), options.theme.gilHold);
            holdCovered = x1;
        } else {
            if (static_cast<double>(end - span.begin) < perPixel / 2 || x1 <= waitCovered)
                continue;
            const double from = std::max(x0, waitCovered);
            fillGilWait(p, QRectF(from, band.top(), x1 - from, band.height()), options.theme);
            waitCovered = x1;
        }
    }
}

} // namespace

/// A pale hatch for "waits for the GIL": the bar under it shows through, but reads as not running.
void fillGilWait(QPainter &p, const QRectF &rect, const Theme &theme)
{
    p.fillRect(rect, withAlpha(theme.background, 175));
    p.fillRect(rect, QBrush(withAlpha(theme.gilWait, 150), Qt::BDiagPattern));
}

void paintRows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
               const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QFontMetricsF fmSmall(fonts.small);
    const double fullLeft = layout.labelRect.left();
    const double fullWidth = layout.plotRect.right() - fullLeft;
    // The last row may be cut by the bottom of the plot.
    p.save();
    p.setClipRect(QRectF(fullLeft, layout.plotRect.top(), fullWidth, layout.plotRect.height()));
    int laneParity = 0;
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        const QRectF rowRect(fullLeft, layout.rowTop[i], fullWidth, layout.rowHeight[i]);
        if (row.kind == DisplayRow::Kind::Queue) {
            paintQueueLabel(p, model, layout, options, fonts, row.group, rowRect);
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
            p.setFont(fonts.small);
            p.setPen(theme.text);
            const QString title = groupTitle(model, row.group);
            // Headers have no bars, so their text may run on past the label column.
            p.drawText(rowRect.adjusted(6, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       fmSmall.elidedText(title, Qt::ElideRight, rowRect.width() - 12));
            continue;
        }
        if (laneParity++ % 2 == 1)
            p.fillRect(rowRect, theme.alternateRow);
    }
    p.restore();
}

void paintLaneBars(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    const Theme &theme = options.theme;
    const auto row = static_cast<std::size_t>(layout.laneRow[laneIndex]);
    const double top = layout.rowTop[row];
    const double height = layout.rowHeight[row];
    const double centerY = top + height / 2;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());
    // Pixel columns are clamped a little outside the plot so huge zooms never overflow coordinates.
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };

    // Lifeline: the worker exists (started, not yet ended).
    if (lane.started()) {
        const std::int64_t end = lane.ended() ? lane.endNs : model.now();
        if (end >= w.beginNs && lane.startNs <= w.endNs) {
            const double x0 = px(lane.startNs);
            const double x1 = std::max(px(end), x0 + 1);
            p.fillRect(QRectF(x0, centerY - 1, x1 - x0, 2), theme.lifeline);
        }
    }

    // Bars, folded where they are narrower than a pixel; a column already painted at the same depth is
    // skipped.
    const std::vector<LodItem> items = levelOfDetail(lane, w.beginNs, w.endNs, perPixel, model.now(), 1.0);
    double coveredTo = -1e9;
    int coveredDepth = -1;
    for (const LodItem &item : items) {
        if (item.depth != coveredDepth) {
            coveredDepth = item.depth;
            coveredTo = -1e9;
        }
        const double x0 = std::round(px(item.begin));
        const double x1 = std::max(x0 + 1, std::round(px(item.end)));
        if (x1 <= coveredTo)
            continue;
        const QRectF band = layout.barBand(laneIndex, item.depth);
        QColor color = theme.stateColor(item.state);
        p.fillRect(QRectF(x0, band.top(), x1 - x0, band.height()), color);
        coveredTo = x1;
        if (item.state == BarState::Task && !item.folded())
            paintTaskLabel(p, model, lane.bars[item.first], QRectF(x0, band.top(), x1 - x0, band.height()),
                           fonts, theme);
    }
    paintLaneGil(p, model, layout, options, laneIndex);
}

void paintFoldBars(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const Fonts &, std::uint32_t fold)
{
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    for (const std::uint32_t laneIndex : layout.folds[fold].lanes) {
        const Lane &lane = model.lane(laneIndex);
        const QRectF band = layout.barBand(laneIndex, 0);
        // Thinner than a pixel each: a lane still covers at least one pixel row, so none disappears.
        const QRectF rowBand(band.left(), std::floor(band.top()), band.width(),
                             std::max(1.0, std::round(band.height())));
        double coveredTo = -1e9;
        // Only the outermost bars: nesting cannot show in a band this thin.
        for (const LodItem &item : levelOfDetail(lane, w.beginNs, w.endNs, perPixel, model.now(), 1.0)) {
            if (item.depth != 0)
                continue;
            const double x0 = std::round(px(item.begin));
            const double x1 = std::max(x0 + 1, std::round(px(item.end)));
            if (x1 <= coveredTo)
                continue;
            p.fillRect(QRectF(x0, rowBand.top(), x1 - x0, rowBand.height()),
                       options.theme.stateColor(item.state));
            coveredTo = x1;
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
