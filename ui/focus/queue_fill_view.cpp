// The queue's fill level over time as a step chart, 0 to its capacity, with the capacity as a dashed line and
// the time its producer waited for room shaded: a bounded queue between a fast producer and a slow consumer
// fills up, then the producer runs at the consumer's pace.

#include "ui/focus/focus_frame.hpp"
#include "ui/focus/focus_parts.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace forkscope::ui::focus {

namespace {

QString percentOf(std::int64_t part, std::int64_t whole)
{
    const double share = whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
    // A wait that shows as a mark is never "0%" (a reader saw the mark and the 0 and trusted neither).
    if (part > 0 && share < 0.5)
        return QStringLiteral("<1%");
    if (part < whole && share >= 99.5)
        return QStringLiteral(">99%");
    return QString::number(static_cast<int>(share + 0.5)) + QLatin1Char('%');
}

/// The fill as a closed step path over the plot (time → x, messages → y).
QPainterPath fillPath(const core::QueueHistory &queue, const TimeWindow &window, const QRectF &plot,
                      double yPerMessage)
{
    QPainterPath path(QPointF(plot.left(), plot.bottom()));
    double y = plot.bottom();
    for (const auto &[time, fill] : queue.fill) {
        const double x = xOf(time, window, plot);
        path.lineTo(x, y);
        y = plot.bottom() - fill * yPerMessage;
        path.lineTo(x, y);
    }
    path.lineTo(plot.right(), y);
    path.lineTo(plot.right(), plot.bottom());
    path.closeSubpath();
    return path;
}

} // namespace

void paintQueueFill(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                    const FocusInput &input)
{
    const std::int64_t end = runEnd(*input.model);
    const std::vector<core::QueueHistory> &queues = input.flows->queues;
    if (queues.empty())
        return;
    const core::QueueHistory &queue = queues.front();
    const TimeWindow window{0, std::max<std::int64_t>(end, 1)};
    const QFontMetricsF labelMetrics(type.label);
    const double gutter = labelMetrics.horizontalAdvance(QStringLiteral("consumer 00")) + type.px(16);
    const double bandHeight = type.px(56);
    // The chart above two bands, one per waiting side, and the time axis under all.
    const QRectF plot(chart.left() + gutter, chart.top() + labelMetrics.height(), chart.width() - gutter,
                      chart.height() - labelMetrics.height() - 2 * (bandHeight + type.px(14)) - type.px(44));
    const std::uint32_t top = std::max<std::uint32_t>({queue.capacity, 1u});
    const double yPerMessage = plot.height() / top;

    const double firstBand = plot.bottom() + type.px(14);
    paintTimeAxis(
        painter,
        QRectF(plot.left(), plot.top(), plot.width(), firstBand + 2 * bandHeight + type.px(14) - plot.top()),
        window, type, theme);

    // The producer's waits for room, shaded across the plot and on its band.
    std::vector<std::uint32_t> producers, consumers;
    for (const core::BlockedStretch &b : queue.blocked)
        (b.full ? producers : consumers).push_back(b.lane);
    QColor shade = theme.states[0]; // orange: waiting
    shade.setAlpha(60);
    for (const core::BlockedStretch &b : queue.blocked)
        if (b.full)
            painter.fillRect(QRectF(QPointF(xOf(b.begin, window, plot), plot.top()),
                                    QPointF(xOf(b.end, window, plot), plot.bottom())),
                             shade);
    QColor fill = theme.queueFill;
    fill.setAlpha(200);
    painter.fillPath(fillPath(queue, window, plot, yPerMessage), fill);

    // The capacity line and the y axis: 0 and the capacity, big.
    painter.setPen(QPen(theme.text, type.px(3), Qt::DashLine));
    painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()));
    painter.setFont(type.label);
    painter.setPen(theme.text);
    const QString capacity = queue.capacity > 0 ? QStringLiteral("%1 = full").arg(queue.capacity) : QString();
    painter.drawText(QRectF(chart.left(), plot.top() - labelMetrics.height() / 2, gutter - type.px(12),
                            labelMetrics.height()),
                     Qt::AlignRight | Qt::AlignVCenter, capacity);
    painter.drawText(QRectF(chart.left(), plot.bottom() - labelMetrics.height() / 2, gutter - type.px(12),
                            labelMetrics.height()),
                     Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    painter.setFont(type.small);
    painter.setPen(theme.mutedText);
    painter.drawText(QRectF(plot.left(), chart.top(), plot.width(), labelMetrics.height()),
                     Qt::AlignLeft | Qt::AlignTop,
                     QStringLiteral("messages waiting in %1").arg(QString::fromStdString(queue.name)));

    // Two bands under the chart: when the producer waited for room, when the consumer waited for a message.
    const auto band = [&](double y, bool full, const QString &name) {
        const QRectF row(plot.left(), y, plot.width(), bandHeight);
        painter.fillRect(row, theme.alternateRow);
        std::int64_t total = 0;
        for (const core::BlockedStretch &b : queue.blocked) {
            if (b.full != full)
                continue;
            total += b.end - b.begin;
            painter.fillRect(
                QRectF(QPointF(xOf(b.begin, window, plot), row.top()),
                       QPointF(std::max(xOf(b.end, window, plot), xOf(b.begin, window, plot) + 1),
                               row.bottom())),
                theme.states[full ? 0 : 5]);
        }
        painter.setFont(type.label);
        painter.setPen(theme.text);
        painter.drawText(QRectF(chart.left(), row.top(), gutter - type.px(12), row.height()),
                         Qt::AlignRight | Qt::AlignVCenter, name);
        const QString words = (full ? QStringLiteral("waited for room %1 of the time")
                                    : QStringLiteral("waited for a message %1 of the time"))
                                  .arg(percentOf(total, end));
        painter.setFont(type.small);
        const QRectF note = row.adjusted(type.px(12), 0, -type.px(12), 0);
        const QRectF bounds = painter.boundingRect(note, Qt::AlignRight | Qt::AlignVCenter, words);
        painter.fillRect(bounds.adjusted(-type.px(6), 0, type.px(6), 0), theme.background);
        painter.drawText(note, Qt::AlignRight | Qt::AlignVCenter, words);
    };
    band(firstBand, true, laneName(*input.model, producers, QStringLiteral("producer")));
    band(firstBand + bandHeight + type.px(14), false,
         laneName(*input.model, consumers, QStringLiteral("consumer")));

    // The decisive figure, big, in the plot's top right corner: how long the queue was full.
    painter.setFont(type.headline);
    const QString full
        = QStringLiteral("queue full %1 of the time").arg(percentOf(queue.fullNs(0, end), end));
    const QRectF corner = plot.adjusted(type.px(16), type.px(16), -type.px(16), 0);
    const QRectF bounds = painter.boundingRect(corner, Qt::AlignRight | Qt::AlignTop, full);
    painter.fillRect(bounds.adjusted(-type.px(10), -type.px(4), type.px(10), type.px(4)), theme.background);
    painter.setPen(theme.text);
    painter.drawText(corner, Qt::AlignRight | Qt::AlignTop, full);
}

} // namespace forkscope::ui::focus
