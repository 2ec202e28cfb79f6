// A pipe's messages as a sequence diagram: one lifeline per lane, time running down, each message an arrow
// from its send to its receive with its text on it, and the time each side waited for a message shaded on its
// lifeline. Both directions read at once, which a timeline's near-vertical arrows do not show.

#include "ui/focus/focus_parts.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace forkscope::ui::focus {

namespace {

/// The lanes that sent or received a pipe message, main's first, in lane order.
std::vector<std::uint32_t> sequenceLanes(const std::vector<core::MessageFlow> &flows)
{
    std::vector<std::uint32_t> lanes;
    for (const core::MessageFlow &f : flows) {
        lanes.push_back(f.fromLane);
        if (f.received())
            lanes.push_back(f.toLane);
    }
    std::ranges::sort(lanes);
    lanes.erase(std::unique(lanes.begin(), lanes.end()), lanes.end());
    return lanes;
}

/// Where times go down the lifelines: in proportion to time, except that each message is at least `gap`
/// below the one before, so that a reply and the next request a microsecond apart do not overlap. Times
/// between two sends fall in proportion between their rows.
class RowMap {
public:
    RowMap(const std::vector<core::MessageFlow> &flows, std::int64_t end, double top, double height,
           double gap)
            : m_top(top)
    {
        const auto n = static_cast<double>(flows.size());
        const double free = std::max(0.0, height - (n + 1) * gap);
        const auto proportional = [&](std::int64_t t) {
            return free * static_cast<double>(t) / static_cast<double>(std::max<std::int64_t>(end, 1));
        };
        m_anchors.emplace_back(0, top);
        for (std::size_t i = 0; i < flows.size(); ++i) {
            const std::int64_t t = std::max(flows[i].sendNs, m_anchors.back().first);
            m_anchors.emplace_back(t, top + gap * (static_cast<double>(i) + 1) + proportional(t));
        }
        m_anchors.emplace_back(std::max(end, m_anchors.back().first + 1), top + height);
    }
    double y(std::int64_t t) const
    {
        const auto next = std::ranges::upper_bound(m_anchors, t, {}, &std::pair<std::int64_t, double>::first);
        if (next == m_anchors.begin())
            return m_top;
        if (next == m_anchors.end())
            return m_anchors.back().second;
        const auto prev = std::prev(next);
        const double f = static_cast<double>(t - prev->first)
            / static_cast<double>(std::max<std::int64_t>(1, next->first - prev->first));
        return prev->second + f * (next->second - prev->second);
    }

private:
    double m_top;
    std::vector<std::pair<std::int64_t, double>> m_anchors; ///< (time, y), both increasing
};

void paintArrowHead(QPainter &painter, QPointF tip, QPointF from, double size)
{
    const double angle = std::atan2(tip.y() - from.y(), tip.x() - from.x());
    QPainterPath head(tip);
    head.lineTo(tip.x() - size * std::cos(angle - 0.45), tip.y() - size * std::sin(angle - 0.45));
    head.lineTo(tip.x() - size * std::cos(angle + 0.45), tip.y() - size * std::sin(angle + 0.45));
    head.closeSubpath();
    painter.fillPath(head, painter.pen().color());
}

} // namespace

void paintSequence(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                   const FocusInput &input)
{
    const TimelineModel &model = *input.model;
    const std::vector<core::MessageFlow> &flows = input.flows->messages;
    const std::vector<std::uint32_t> lanes = sequenceLanes(flows);
    if (lanes.empty())
        return;
    const std::int64_t end = runEnd(model);
    const QFontMetricsF labelMetrics(type.label);
    const QFontMetricsF smallMetrics(type.small);
    const double axisWidth = smallMetrics.horizontalAdvance(QStringLiteral("+100.0 ms")) + type.px(16);
    const double headerHeight = labelMetrics.height() + type.px(20);
    const double top = chart.top() + headerHeight + type.px(12);
    const double height = chart.bottom() - top - labelMetrics.height();
    const double columns = chart.width() - axisWidth;
    const auto xOfLane = [&](std::uint32_t lane) {
        const auto index = static_cast<double>(std::ranges::find(lanes, lane) - lanes.begin());
        return chart.left() + axisWidth + columns * (index + 0.5) / static_cast<double>(lanes.size());
    };

    // Rows in message order; the time of each send down the left, with a light rule across.
    const RowMap rows(flows, end, top, height, labelMetrics.height() * 2.6);
    painter.setFont(type.small);
    QString previous;
    std::int64_t previousNs = 0;
    for (const core::MessageFlow &f : flows) {
        const double y = rows.y(f.sendNs);
        painter.setPen(QPen(theme.grid, type.px(1.5)));
        painter.drawLine(QPointF(chart.left() + axisWidth, y), QPointF(chart.right(), y));
        painter.setPen(theme.mutedText);
        // A send right after the one before reads the same at four digits: say how much later it was.
        QString label = QString::fromStdString(formatDuration(f.sendNs));
        if (label == previous)
            label = QStringLiteral("+") + QString::fromStdString(formatDuration(f.sendNs - previousNs));
        else
            previous = label;
        previousNs = f.sendNs;
        painter.drawText(QRectF(chart.left(), y - smallMetrics.height() / 2, axisWidth - type.px(12),
                                smallMetrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, label);
    }

    // Lifelines: a head box with the lane's name, the line, its waits for a message as a wide shaded bar.
    const double barWidth = type.px(26);
    for (const std::uint32_t lane : lanes) {
        const double x = xOfLane(lane);
        const Lane &l = model.lane(lane);
        const QString name = QString::fromStdString(l.info.name);
        const double boxWidth = labelMetrics.horizontalAdvance(name) + type.px(40);
        const QRectF box(x - boxWidth / 2, chart.top(), boxWidth, headerHeight);
        painter.setPen(QPen(theme.text, type.px(2)));
        painter.setBrush(theme.alternateRow);
        painter.drawRoundedRect(box, type.px(8), type.px(8));
        painter.setFont(type.label);
        painter.drawText(box, Qt::AlignCenter, name);
        const double from = l.started() ? rows.y(l.startNs) : top;
        const double to = l.ended() ? rows.y(l.endNs) : top + height;
        painter.setPen(QPen(theme.lifeline, type.px(3), Qt::DashLine));
        painter.drawLine(QPointF(x, top), QPointF(x, to));
        painter.setPen(QPen(theme.text, type.px(2)));
        painter.setBrush(theme.background);
        painter.drawRect(QRectF(x - barWidth / 2, from, barWidth, std::max(to - from, 1.0)));
        for (const Bar &bar : l.bars)
            if (bar.state == BarState::QueueBlocked)
                painter.fillRect(QRectF(x - barWidth / 2, rows.y(bar.begin), barWidth,
                                        std::max(1.0, rows.y(model.barEnd(bar)) - rows.y(bar.begin))),
                                 theme.stateColor(BarState::QueueBlocked));
    }

    // Messages: an arrow from the sender's bar edge to the receiver's, its text above the arrow's middle.
    for (const core::MessageFlow &f : flows) {
        if (!f.received())
            continue;
        const double x0 = xOfLane(f.fromLane), x1 = xOfLane(f.toLane);
        const double dir = x1 > x0 ? 1 : -1;
        const QPointF a(x0 + dir * barWidth / 2, rows.y(f.sendNs));
        const QPointF b(x1 - dir * barWidth / 2, rows.y(f.receiveNs));
        painter.setPen(QPen(theme.pipeMessage, type.px(4)));
        painter.drawLine(a, b);
        paintArrowHead(painter, b, a, type.px(22));
        const QString text = f.text.empty() ? QString::number(f.value) : QString::fromStdString(f.text);
        painter.setFont(type.label);
        const QString elided
            = labelMetrics.elidedText(text, Qt::ElideRight, std::abs(x1 - x0) - barWidth - type.px(24));
        const QPointF mid = (a + b) / 2;
        const QRectF box(mid.x() - std::abs(x1 - x0) / 2, mid.y() - labelMetrics.height() - type.px(6),
                         std::abs(x1 - x0), labelMetrics.height());
        const QRectF used = painter.boundingRect(box, Qt::AlignCenter, elided);
        painter.fillRect(used.adjusted(-type.px(8), 0, type.px(8), 0), theme.background);
        painter.setPen(theme.text);
        painter.drawText(box, Qt::AlignCenter, elided);
    }
    // A key under the lifelines: what the shaded bars are.
    painter.setFont(type.small);
    painter.setPen(theme.mutedText);
    painter.fillRect(QRectF(chart.left() + axisWidth, chart.bottom() - smallMetrics.height() + type.px(4),
                            type.px(22), smallMetrics.height() - type.px(8)),
                     theme.stateColor(BarState::QueueBlocked));
    painter.drawText(QPointF(chart.left() + axisWidth + type.px(32), chart.bottom() - smallMetrics.descent()),
                     QStringLiteral("waiting for a message (recv blocks until one arrives)"));
}

} // namespace forkscope::ui::focus
