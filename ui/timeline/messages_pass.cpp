// The messages layer: join arrows, arrows from each put or send to the get or receive that took it, and
// each busy queue's row with its fill level.

#include "ui/timeline/passes.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace forkscope::ui::timeline {

namespace {

const QueueTrack *queueTrack(const TimelineModel &model, std::uint32_t id)
{
    for (const QueueTrack *q : model.busyQueues())
        if (static_cast<std::uint32_t>(q->id) == id)
            return q;
    return nullptr;
}

} // namespace

void drawArrowHead(QPainter &p, QPointF from, QPointF to, double size, const QColor &color)
{
    const double dx = to.x() - from.x();
    const double dy = to.y() - from.y();
    const double length = std::hypot(dx, dy);
    if (length < 0.5)
        return;
    const double ux = dx / length;
    const double uy = dy / length;
    const QPointF back(to.x() - ux * size, to.y() - uy * size);
    const QPointF side(-uy * size * 0.5, ux * size * 0.5);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawPolygon(QPolygonF({to, back + side, back - side}));
}

/// A queue row's background and its name with the capacity, in the label column.
void paintQueueLabel(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts, std::uint32_t id, const QRectF &rowRect)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q)
        return;
    const Theme &theme = options.theme;
    p.fillRect(rowRect, theme.alternateRow);
    p.setPen(QPen(theme.grid, 1));
    p.drawLine(QPointF(rowRect.left(), rowRect.top() + 0.5), QPointF(rowRect.right(), rowRect.top() + 0.5));
    const QFontMetricsF fmSmall(fonts.small);
    const QRectF cell(layout.labelRect.left() + (options.details ? 6 : layout.margin), rowRect.top(),
                      layout.labelRect.width() - (options.details ? 12 : 1.75 * layout.margin),
                      rowRect.height());
    const QString capacity = q->capacity ? QStringLiteral("%1").arg(q->capacity) : QStringLiteral("?");
    // A slide says what the queue is; its peak shows in the strip.
    const QString text = options.details
        ? QStringLiteral("%1 · max %2/%3").arg(qs(q->name)).arg(q->peak).arg(capacity)
        : QStringLiteral("%1 (room for %2)").arg(qs(q->name), capacity);
    p.setFont(fonts.small);
    p.setPen(theme.text);
    p.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter,
               fmSmall.elidedText(text, Qt::ElideRight, cell.width()));
}

/// A queue's fill level as a step area over time, scaled to its capacity (or its peak when unknown).
void paintQueueStrip(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, std::uint32_t id, std::size_t row)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q || q->fill.empty())
        return;
    const double top = layout.rowTop[row] + 3;
    const double height = layout.rowHeight[row] - 6;
    const double bottom = top + height;
    const double scale = std::max<std::uint32_t>(1, std::max(q->capacity, q->peak));
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    // Full capacity as a faint band, so "the queue is full" is visible as the area touching its top.
    p.fillRect(QRectF(plot.left(), top, plot.width(), height), withAlpha(options.theme.queueFill, 28));
    // One rectangle per pixel column at most: the highest level in that column (a full queue never hides).
    const auto first = std::lower_bound(
        q->fill.begin(), q->fill.end(), w.beginNs,
        [](const std::pair<std::int64_t, std::uint32_t> &s, std::int64_t t) { return s.first < t; });
    std::size_t i = static_cast<std::size_t>(first - q->fill.begin());
    if (i > 0)
        --i; // the level in force at the window's start
    const QColor color = withAlpha(options.theme.queueFill, 200);
    const std::int64_t end = q->closedAt >= 0 ? std::max(q->closedAt, q->fill.back().first) : model.now();
    double columnX = -1e9;
    std::uint32_t columnMax = 0;
    auto flushColumn = [&](double x1) {
        if (columnX > -1e8 && columnMax > 0) {
            const double h = height * columnMax / scale;
            p.fillRect(QRectF(columnX, bottom - h, std::max(1.0, x1 - columnX), h), color);
        }
    };
    for (; i < q->fill.size(); ++i) {
        const std::int64_t t0 = q->fill[i].first;
        if (t0 > w.endNs)
            break;
        const std::int64_t t1 = i + 1 < q->fill.size() ? q->fill[i + 1].first : end;
        const double x0 = std::floor(px(t0));
        const double x1 = std::max(x0 + 1, std::floor(px(t1)));
        if (x0 > columnX && columnX > -1e8 && x0 >= columnX + 1) {
            flushColumn(x0);
            columnX = -1e9;
        }
        if (columnX < -1e8) {
            columnX = x0;
            columnMax = 0;
        }
        columnMax = std::max(columnMax, q->fill[i].second);
        if (x1 > x0 + 1) {
            // A level that lasts several pixels: draw it whole and start afresh after it.
            flushColumn(x1);
            columnX = -1e9;
        }
    }
    flushColumn(columnX + 1);
}

void paintJoinArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options)
{
    const Theme &theme = options.theme;
    const double span = static_cast<double>(layout.window.span());
    for (const JoinArrow &a : model.joinArrows()) {
        // A fold's thin lanes would each send one: a fan that hides what it joins.
        if (layout.folded(a.fromLane) || layout.folded(a.toLane))
            continue;
        if (a.toTime < layout.window.beginNs - static_cast<std::int64_t>(span)
            || a.fromTime > layout.window.endNs)
            continue;
        const QPointF from(layout.timeToX(a.fromTime), layout.laneCenterY(a.fromLane));
        const QPointF to(layout.timeToX(a.toTime), layout.laneCenterY(a.toLane));
        if (!layout.plotRect.adjusted(-50, -1e6, 50, 1e6).contains(from)
            && !layout.plotRect.adjusted(-50, -1e6, 50, 1e6).contains(to))
            continue;
        const QColor color = withAlpha(theme.arrow, 190);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(from, 2.0, 2.0);
        // Leave along the ended lane, arrive straight into the joiner's lane: a quadratic curve whose control
        // point is the corner. The line stops at the head's base so the tip stays sharp.
        const double head = 7;
        const QPointF corner(to.x(), from.y());
        const bool straight = std::abs(to.x() - from.x()) < 1 || std::abs(to.y() - from.y()) < 1;
        const QPointF aim = straight ? from : corner;
        const double length = std::max(1.0, std::hypot(to.x() - aim.x(), to.y() - aim.y()));
        const QPointF tipBase(to.x() - (to.x() - aim.x()) * head / length,
                              to.y() - (to.y() - aim.y()) * head / length);
        QPainterPath path(from);
        if (straight)
            path.lineTo(tipBase);
        else
            path.quadTo(corner, tipBase);
        p.setPen(QPen(color, 1.3));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        drawArrowHead(p, aim, to, head, color);
    }
}

/// Arrows from each put/send to the get/receive that took it. Zoomed out they would be a blur, so an arrow
/// is drawn only if its ends are at least 3 pixels from those of the last one drawn between the same two
/// lanes (at most about one per 3-pixel column per lane pair), and never between two points of one lane.
void paintMessageArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                        const PaintOptions &options)
{
    const std::vector<MessageArrow> &arrows = model.messageArrows();
    if (arrows.empty())
        return;
    const TimeWindow &w = layout.window;
    const auto first = std::lower_bound(arrows.begin(), arrows.end(), w.beginNs,
                                        [](const MessageArrow &a, std::int64_t t) { return a.toTime < t; });
    std::unordered_map<std::uint64_t, std::pair<double, double>> lastDrawn; // lane pair → (from x, to x)
    const QRectF reach = layout.plotRect.adjusted(-20, -1e6, 20, 1e6);
    const QColor queueColor = withAlpha(options.theme.queueMessage, 170);
    const QColor pipeColor = withAlpha(options.theme.pipeMessage, 200);
    for (auto it = first; it != arrows.end(); ++it) {
        const MessageArrow &a = *it;
        if (a.fromTime > w.endNs || a.fromLane == a.toLane || layout.folded(a.fromLane)
            || layout.folded(a.toLane))
            continue;
        const QPointF from(layout.timeToX(a.fromTime), layout.laneCenterY(a.fromLane));
        const QPointF to(layout.timeToX(a.toTime), layout.laneCenterY(a.toLane));
        if (!reach.contains(from) && !reach.contains(to))
            continue;
        const std::uint64_t pair = (static_cast<std::uint64_t>(a.fromLane) << 32) | a.toLane;
        auto [last, fresh] = lastDrawn.try_emplace(pair, -1e9, -1e9);
        if (!fresh && std::abs(from.x() - last->second.first) < 3
            && std::abs(to.x() - last->second.second) < 3)
            continue;
        last->second = {from.x(), to.x()};
        const QColor color = a.pipe ? pipeColor : queueColor;
        const double head = 6;
        const double length = std::max(1.0, std::hypot(to.x() - from.x(), to.y() - from.y()));
        const QPointF tipBase(to.x() - (to.x() - from.x()) * head / length,
                              to.y() - (to.y() - from.y()) * head / length);
        p.setPen(QPen(color, a.pipe ? 1.6 : 1.1));
        p.drawLine(from, tipBase);
        drawArrowHead(p, from, to, head, color);
    }
}

} // namespace forkscope::ui::timeline
