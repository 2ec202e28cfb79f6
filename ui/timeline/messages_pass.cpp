// The messages layer: join arrows, arrows from each put or send to the get or receive that took it, and
// each busy queue's row with its fill level.

#include "ui/timeline/passes.hpp"

#include "ui/timeline/message_stubs.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

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

void paintQueueRow(QPainter &p, const PaintOptions &options, const QRectF &rowRect)
{
    const Theme &theme = options.theme;
    p.fillRect(rowRect, theme.alternateRow);
    p.setPen(QPen(theme.grid, 1));
    p.drawLine(QPointF(rowRect.left(), rowRect.top() + 0.5), QPointF(rowRect.right(), rowRect.top() + 0.5));
}

/// A queue row's name with the capacity, in the label column.
void paintQueueLabel(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts, std::uint32_t id, const QRectF &rowRect)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q)
        return;
    const Theme &theme = options.theme;
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
                     const PaintOptions &options, const TrackArea &area, std::uint32_t id, std::size_t row)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q || q->fill.empty())
        return;
    const double top = layout.rowTop[row] + 3;
    const double height = layout.rowHeight[row] - 6;
    const double bottom = top + height;
    const double scale = std::max<std::uint32_t>(1, std::max(q->capacity, q->peak));
    const QRectF plot = layout.plotRect;
    // Whole pixels of the grid, so the strip moves with a pan as the bars do.
    auto px = [&](std::int64_t t) {
        return static_cast<double>(std::clamp<std::int64_t>(area.grid.column(t) + area.shift,
                                                            area.clip.left() - 4, area.clip.right() + 5));
    };
    // Full capacity as a faint band, so "the queue is full" is visible as the area touching its top.
    p.fillRect(QRectF(plot.left(), top, plot.width(), height), withAlpha(options.theme.queueFill, 28));
    // One rectangle per pixel column at most: the highest level in that column (a full queue never hides).
    const auto from = static_cast<std::int64_t>(std::floor(area.grid.timeOf(area.from)));
    const auto to = static_cast<std::int64_t>(std::ceil(area.grid.timeOf(area.to)));
    const auto first = std::lower_bound(q->fill.begin(), q->fill.end(), from,
                                        [](const QueueLevel &s, std::int64_t t) { return s.time < t; });
    std::size_t i = static_cast<std::size_t>(first - q->fill.begin());
    if (i > 0) {
        // The level in force at the area's start, with every change in its pixel column (they share it).
        --i;
        const auto column
            = static_cast<std::int64_t>(std::ceil(area.grid.timeOf(area.grid.column(q->fill[i].time))));
        i = static_cast<std::size_t>(
            std::lower_bound(q->fill.begin(), q->fill.begin() + static_cast<std::ptrdiff_t>(i), column,
                             [](const QueueLevel &s, std::int64_t t) { return s.time < t; })
            - q->fill.begin());
        while (i > 0 && area.grid.column(q->fill[i - 1].time) == area.grid.column(q->fill[i].time))
            --i;
    }
    const QColor color = withAlpha(options.theme.queueFill, 200);
    const std::int64_t end = q->closedAt >= 0 ? std::max(q->closedAt, q->fill.back().time) : model.now();
    double columnX = -1e9;
    std::uint32_t columnMax = 0;
    auto flushColumn = [&](double x1) {
        if (columnX > -1e8 && columnMax > 0) {
            const double h = height * columnMax / scale;
            p.fillRect(QRectF(columnX, bottom - h, std::max(1.0, x1 - columnX), h), color);
        }
    };
    // A level ends where the next begins: each time's column is worked out once.
    double x0 = i < q->fill.size() ? px(q->fill[i].time) : 0;
    for (; i < q->fill.size(); ++i) {
        if (q->fill[i].time > to)
            break;
        const double xNext = px(i + 1 < q->fill.size() ? q->fill[i + 1].time : end);
        const double x1 = std::max(x0 + 1, xNext);
        if (x0 > columnX && columnX > -1e8 && x0 >= columnX + 1) {
            flushColumn(x0);
            columnX = -1e9;
        }
        if (columnX < -1e8) {
            columnX = x0;
            columnMax = 0;
        }
        columnMax = std::max(columnMax, q->fill[i].waiting);
        if (x1 > x0 + 1) {
            // A level that lasts several pixels: draw it whole and start afresh after it.
            flushColumn(x1);
            columnX = -1e9;
        }
        x0 = xNext; // where the next level begins (unless this was the last)
    }
    flushColumn(columnX + 1);
}

namespace {

/// A quadratic curve: from, control, to.
struct Quad {
    QPointF from;
    QPointF control;
    QPointF to;

    QPointF at(double t) const
    {
        const double u = 1 - t;
        return u * u * from + 2 * u * t * control + t * t * to;
    }
    /// The curve over [t0, t1] as a quadratic of its own: its ends on the curve, its control where the
    /// tangents at them meet.
    Quad piece(double t0, double t1) const
    {
        const QPointF derivative = 2 * (1 - t0) * (control - from) + 2 * t0 * (to - control);
        const QPointF a = at(t0);
        return {a, a + derivative * ((t1 - t0) / 2), at(t1)};
    }
};

/// The [t0, t1] of `q` whose y lies in [top, bottom], or false when none does. y must run one way along the
/// curve, as a join arrow's does (it leaves level and turns straight up or down, or it is a line).
bool visibleStretch(const Quad &q, double top, double bottom, double &t0, double &t1)
{
    const bool down = q.to.y() >= q.from.y();
    const auto crossing = [&](double y) { // bisection: y is monotonic in t
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 40; ++i) {
            const double mid = (lo + hi) / 2;
            if ((q.at(mid).y() < y) == down)
                lo = mid;
            else
                hi = mid;
        }
        return (lo + hi) / 2;
    };
    if (std::max(q.from.y(), q.to.y()) < top || std::min(q.from.y(), q.to.y()) > bottom)
        return false;
    t0 = 0;
    t1 = 1;
    if (down) {
        if (q.from.y() < top)
            t0 = crossing(top);
        if (q.to.y() > bottom)
            t1 = crossing(bottom);
    } else {
        if (q.from.y() > bottom)
            t0 = crossing(bottom);
        if (q.to.y() < top)
            t1 = crossing(top);
    }
    return t1 > t0;
}

} // namespace

void paintJoinArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options)
{
    const Theme &theme = options.theme;
    const double span = static_cast<double>(layout.window.span());
    const QRectF reach = layout.plotRect.adjusted(-50, -20, 50, 20);
    const QColor color = withAlpha(theme.arrow, 190);
    // Zoomed out, main's joins of many workers end on one pixel column and run up or down it to main's lane,
    // each as long as the plot is tall: per (joiner, column) only the stretch no arrow drew yet is stroked.
    std::map<std::pair<std::uint32_t, std::int64_t>, std::pair<double, double>> covered;
    std::set<std::pair<std::int64_t, std::int64_t>> heads; // where heads were drawn: one per pixel is enough
    const auto stroke = [&](const Quad &q) {
        QPainterPath path(q.from);
        path.quadTo(q.control, q.to);
        // One pixel wide: QPainter draws such a line straight into the picture, where a wider one goes
        // through its stroker and rasteriser (1.3 px cost six times as much: 42 against 7 ms for the 45
        // arrows of paint_bench's whole-run frame).
        p.setPen(QPen(color, 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    };
    for (const JoinArrow &a : model.joinArrows()) {
        // A fold's thin lanes would each send one: a fan that hides what it joins.
        if (layout.folded(a.fromLane) || layout.folded(a.toLane))
            continue;
        if (a.toTime < layout.window.beginNs - static_cast<std::int64_t>(span)
            || a.fromTime > layout.window.endNs)
            continue;
        const QPointF from(layout.timeToX(a.fromTime), layout.laneCenterY(a.fromLane));
        const QPointF to(layout.timeToX(a.toTime), layout.laneCenterY(a.toLane));
        // An end on a lane in sight, and in the window: an arrow between two lanes scrolled away joins
        // nothing the picture shows (with a thousand lanes, hundreds of them would cross it).
        if (!reach.contains(from) && !reach.contains(to))
            continue;
        if (reach.contains(from)) {
            p.setPen(Qt::NoPen);
            p.setBrush(color);
            p.drawEllipse(from, 2.0, 2.0);
        }
        // Leave along the ended lane, arrive straight into the joiner's lane: a quadratic curve whose control
        // point is the corner. The line stops at the head's base so the tip stays sharp.
        const double head = 7;
        const QPointF corner(to.x(), from.y());
        const bool straight = std::abs(to.x() - from.x()) < 1 || std::abs(to.y() - from.y()) < 1;
        const QPointF aim = straight ? from : corner;
        const double length = std::max(1.0, std::hypot(to.x() - aim.x(), to.y() - aim.y()));
        const QPointF tipBase(to.x() - (to.x() - aim.x()) * head / length,
                              to.y() - (to.y() - aim.y()) * head / length);
        const Quad curve{from, straight ? (from + tipBase) / 2 : corner, tipBase};
        // Where the curve has come within half a pixel of its end's column it is a vertical line from there
        // on (x = to.x − (1 − t)² dx): that tail is what arrows to one joiner share.
        const double dx = std::abs(tipBase.x() - from.x());
        const bool vertical = std::abs(tipBase.y() - from.y()) >= 1;
        const double bend = !vertical ? 1.0 : dx <= 0.5 ? 0.0 : 1 - std::sqrt(0.5 / dx);
        // Only what lies inside the plot is stroked: with many lanes one end is often far above or below it
        // (main joining a worker a thousand rows down), and the rasteriser would walk every clipped row.
        double t0 = 0;
        double t1 = 1;
        if (visibleStretch(curve, reach.top(), reach.bottom(), t0, t1)) {
            if (t0 < bend)
                stroke(curve.piece(t0, std::min(t1, bend)));
            if (t1 > bend) {
                const double y0 = curve.at(std::max(t0, bend)).y();
                const double y1 = curve.at(t1).y();
                const double lo = std::min(y0, y1);
                const double hi = std::max(y0, y1);
                const auto key = std::pair{a.toLane, std::llround(tipBase.x())};
                const auto it = covered.find(key);
                double n0 = lo;
                double n1 = hi;
                if (it == covered.end()) {
                    covered.emplace(key, std::pair{lo, hi});
                } else {
                    // Arrows to one joiner all reach its end: the stretch drawn so far lies on the joiner's
                    // side, and this arrow adds what lies beyond it towards its own lane.
                    auto &[c0, c1] = it->second;
                    if (y0 > y1) // running up to the joiner
                        n0 = std::max(lo, c1);
                    else
                        n1 = std::min(hi, c0);
                    c0 = std::min(c0, lo);
                    c1 = std::max(c1, hi);
                }
                if (n1 > n0) {
                    const double x = tipBase.x();
                    stroke({QPointF(x, n0), QPointF(x, (n0 + n1) / 2), QPointF(x, n1)});
                }
            }
        }
        if (reach.contains(to) && heads.insert({std::llround(to.x()), std::llround(to.y())}).second)
            drawArrowHead(p, aim, to, head, color);
    }
}

/// Arrows from each put/send to the get/receive that took it. Zoomed out they would be a blur, so on each
/// route (a sending lane and a receiving lane) an arrow is drawn only if its ends are at least 3 pixels from
/// those of the last one drawn (at most about one per 3-pixel column), and never between two points of one
/// lane. Where a route has more arrows than that in a few pixels, the rest of them are passed over whole. A
/// route to or from a lane out of sight is drawn as stubs at the end in sight (ui/timeline/message_stubs.hpp),
/// one per pixel column.
void paintMessageArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                        const PaintOptions &options)
{
    const MappedVector<MessageArrow> &arrows = model.messageArrows();
    if (arrows.empty())
        return;
    const TimeWindow &w = layout.window;
    const QRectF reach = layout.plotRect.adjusted(-20, -20, 20, 20);
    const QColor queueColor = withAlpha(options.theme.queueMessage, 170);
    const QColor pipeColor = withAlpha(options.theme.pipeMessage, 200);
    const double nsPerPixel = 1 / layout.pxPerNs();
    // A route's lines are stroked in one call per kind: a dense route is hundreds of arrows. A queue's are a
    // pixel wide, which QPainter draws straight into the picture; wider strokes and filled shapes go through
    // its rasteriser, which on a large shape hands the work to threads (costly here), so heads go one by one.
    QPainterPath lines[2];
    struct Head {
        QPointF from;
        QPointF to;
    };
    std::vector<Head> heads[2];
    const auto draw = [&](int pipe) {
        if (lines[pipe].isEmpty())
            return;
        const QColor &color = pipe ? pipeColor : queueColor;
        p.strokePath(lines[pipe], QPen(color, pipe ? 1.6 : 1.0));
        for (const Head &head : heads[pipe])
            drawArrowHead(p, head.from, head.to, 6, color);
        lines[pipe].clear();
        heads[pipe].clear();
    };
    // Stubs: per route, the pixel columns that have one already (a route of many messages to a lane out of
    // sight draws one stub per column, however many messages left from it).
    const auto plotLeft = static_cast<std::int64_t>(std::floor(layout.plotRect.left())) - 24;
    std::vector<std::uint8_t> stubColumns(static_cast<std::size_t>(layout.plotRect.width()) + 50);
    for (const TimelineModel::MessageRoute &route : model.messageRoutes()) {
        // Between two lanes out of sight: nothing the picture shows (see paintJoinArrows).
        const RouteShape shape = routeShape(layout, route);
        if (shape == RouteShape::Hidden)
            continue;
        const double fromY = layout.laneCenterY(route.fromLane);
        const double toY = layout.laneCenterY(route.toLane);
        const bool stubs = shape != RouteShape::Lines;
        if (stubs)
            std::fill(stubColumns.begin(), stubColumns.end(), 0);
        const MappedVector<std::uint32_t> &list = route.arrows;
        // Arrows are in the order of their receives; one received after the window's end plus the route's
        // longest message was sent after the window.
        auto it = std::lower_bound(list.begin(), list.end(), w.beginNs,
                                   [&](std::uint32_t a, std::int64_t t) { return arrows[a].toTime < t; });
        const std::int64_t last = w.endNs > std::numeric_limits<std::int64_t>::max() - route.longest
            ? std::numeric_limits<std::int64_t>::max()
            : w.endNs + route.longest;
        double lastFrom = -1e9;
        double lastTo = -1e9;
        double lastHead = -1e9; // where the last head went: heads closer than their size would be one blot
        int passed = 0;         // arrows passed over since the last one drawn
        while (it != list.end()) {
            const MessageArrow &a = arrows[*it];
            if (a.toTime > last)
                break;
            if (a.fromTime > w.endNs) {
                ++it;
                continue;
            }
            const QPointF from(layout.timeToX(a.fromTime), fromY);
            const QPointF to(layout.timeToX(a.toTime), toY);
            if (std::abs(from.x() - lastFrom) < 3 && std::abs(to.x() - lastTo) < 3) {
                if (++passed < 8) {
                    ++it;
                    continue;
                }
                // A dense run: go on at the first arrow received 3 pixels on.
                const auto next
                    = static_cast<std::int64_t>(std::ceil(static_cast<double>(a.toTime) + 3 * nsPerPixel));
                it = std::lower_bound(it, list.end(), next,
                                      [&](std::uint32_t k, std::int64_t t) { return arrows[k].toTime < t; });
                passed = 0;
                continue;
            }
            ++it;
            passed = 0;
            if (!reach.contains(from) && !reach.contains(to))
                continue;
            lastFrom = from.x();
            lastTo = to.x();
            const double head = 6;
            if (stubs) {
                // The end in sight, and one stub per pixel column; heads no closer than their size.
                const Stub stub = messageStub(layout, shape, a);
                if (!reach.contains(stub.to))
                    continue;
                const std::int64_t column = std::llround(stub.to.x()) - plotLeft;
                if (column < 0 || column >= static_cast<std::int64_t>(stubColumns.size())
                    || std::exchange(stubColumns[static_cast<std::size_t>(column)], 1))
                    continue;
                const double x = std::round(stub.to.x()) + 0.5; // a crisp vertical pixel line
                const QPointF base(x, stub.from.y());
                const QPointF tip(x, stub.to.y());
                if (std::abs(tip.x() - lastHead) >= head) {
                    lines[a.pipe].moveTo(base);
                    lines[a.pipe].lineTo(QPointF(x, tip.y() + (stub.down ? -head : head)));
                    heads[a.pipe].push_back({base, tip});
                    lastHead = tip.x();
                } else {
                    lines[a.pipe].moveTo(base);
                    lines[a.pipe].lineTo(tip);
                }
                continue;
            }
            const double dx = to.x() - from.x();
            const double dy = to.y() - from.y();
            const double length = std::max(1.0, std::hypot(dx, dy));
            const QPointF tipBase(to.x() - dx * head / length, to.y() - dy * head / length);
            if (std::abs(to.x() - lastHead) >= head) {
                lines[a.pipe].moveTo(from);
                lines[a.pipe].lineTo(tipBase);
                heads[a.pipe].push_back({from, to});
                lastHead = to.x();
            } else {
                lines[a.pipe].moveTo(from);
                lines[a.pipe].lineTo(to);
            }
        }
        draw(0);
        draw(1);
    }
}

} // namespace forkscope::ui::timeline
