// Messages shared out among workers: one row per worker that took messages from the queue, each message a
// block from the moment the worker took it until it took the next (the time it spent on it), coloured and
// numbered per message, and at the row's end the list of what it took. It shows at once that every message
// went to exactly one worker and that whoever was free took the next.

#include "ui/focus/focus_parts.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <array>
#include <map>

namespace forkscope::ui::focus {

namespace {

/// A message's colour: Okabe-Ito hues in turn, "close" (or any value < 0) grey.
QColor messageColor(const core::MessageFlow &flow, std::size_t index, const Theme &theme)
{
    static const std::array<QColor, 6> hues{QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                                            QColor(0x00, 0x9E, 0x73), QColor(0xCC, 0x79, 0xA7),
                                            QColor(0xF0, 0xE4, 0x42), QColor(0x00, 0x72, 0xB2)};
    if (flow.value < 0)
        return theme.grid;
    return hues[index % hues.size()];
}

/// What a block says: the message's number ("3" for "message 3"), or its text.
QString shortText(const core::MessageFlow &flow)
{
    const QString text = QString::fromStdString(flow.text);
    if (text.startsWith(QStringLiteral("message ")))
        return text.mid(8);
    return text.isEmpty() ? QString::number(flow.value) : text;
}

} // namespace

void paintDispatch(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
                   const FocusInput &input)
{
    const TimelineModel &model = *input.model;
    const std::vector<core::MessageFlow> &flows = input.flows->messages;
    std::map<std::uint32_t, std::vector<std::size_t>> taken; // lane → indices of the flows it took, in order
    for (std::size_t i = 0; i < flows.size(); ++i)
        if (flows[i].received() && !flows[i].pipe)
            taken[flows[i].toLane].push_back(i);
    if (taken.empty())
        return;
    for (auto &[lane, indices] : taken)
        std::ranges::sort(indices, {}, [&](std::size_t i) { return flows[i].receiveNs; });

    const std::int64_t end = runEnd(model);
    const TimeWindow window{0, std::max<std::int64_t>(end, 1)};
    const QFontMetricsF labelMetrics(type.label);
    double gutter = 0, tally = 0;
    std::map<std::uint32_t, QString> lists;
    for (const auto &[lane, indices] : taken) {
        gutter = std::max(gutter,
                          labelMetrics.horizontalAdvance(QString::fromStdString(model.lane(lane).info.name)));
        QStringList numbers;
        for (std::size_t i : indices)
            if (flows[i].value >= 0)
                numbers << shortText(flows[i]);
        lists[lane] = numbers.isEmpty() ? QStringLiteral("took none")
                                        : QStringLiteral("took ") + numbers.join(QStringLiteral(", "));
        tally = std::max(tally, labelMetrics.horizontalAdvance(lists[lane]));
    }
    gutter += type.px(24);
    tally = std::min(tally + type.px(24), chart.width() / 3);
    const double axis = type.px(48);
    const double rowGap = type.px(16);
    const double rowHeight
        = std::min(type.px(200), (chart.height() - axis) / static_cast<double>(taken.size()) - rowGap);
    const QRectF plot(chart.left() + gutter, chart.top(), chart.width() - gutter - tally,
                      static_cast<double>(taken.size()) * (rowHeight + rowGap));

    paintTimeAxis(painter, plot, window, type, theme);
    std::size_t row = 0;
    for (const auto &[lane, indices] : taken) {
        const double y = plot.top() + static_cast<double>(row++) * (rowHeight + rowGap);
        const QRectF band(plot.left(), y, plot.width(), rowHeight);
        painter.fillRect(band, theme.alternateRow);
        const Lane &l = model.lane(lane);
        for (std::size_t k = 0; k < indices.size(); ++k) {
            const core::MessageFlow &flow = flows[indices[k]];
            const std::int64_t until
                = k + 1 < indices.size() ? flows[indices[k + 1]].receiveNs : (l.ended() ? l.endNs : end);
            const double x0 = xOf(flow.receiveNs, window, plot);
            if (flow.value < 0) { // the sentinel: a stop mark with its word, where the worker ended
                painter.fillRect(QRectF(x0 - type.px(3), y, type.px(6), rowHeight), theme.text);
                painter.setFont(type.small);
                painter.setPen(theme.text);
                const QString word
                    = QString::fromStdString(flow.text.empty() ? std::string("close") : flow.text);
                const double w = QFontMetricsF(type.small).horizontalAdvance(word);
                const double x
                    = x0 + type.px(10) + w <= plot.right() ? x0 + type.px(10) : x0 - type.px(10) - w;
                painter.drawText(QRectF(x, y, w, rowHeight), Qt::AlignVCenter | Qt::AlignLeft, word);
                continue;
            }
            const double x1 = std::max(xOf(until, window, plot), x0 + type.px(6));
            const QRectF block(x0, y + type.px(6), x1 - x0, rowHeight - type.px(12));
            painter.fillRect(block, messageColor(flow, indices[k], theme));
            painter.setPen(QPen(theme.background, type.px(2)));
            painter.drawLine(block.topLeft(), block.bottomLeft());
            painter.setFont(flow.value < 0 ? type.small : type.headline);
            painter.setPen(theme.text);
            const QString text = shortText(flow);
            if (QFontMetricsF(painter.font()).horizontalAdvance(text) + type.px(8) < block.width())
                painter.drawText(block, Qt::AlignCenter, text);
        }
        painter.setFont(type.label);
        painter.setPen(theme.text);
        painter.drawText(QRectF(chart.left(), y, gutter - type.px(16), rowHeight),
                         Qt::AlignRight | Qt::AlignVCenter, QString::fromStdString(l.info.name));
        painter.drawText(QRectF(plot.right() + type.px(20), y, tally - type.px(20), rowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         labelMetrics.elidedText(lists[lane], Qt::ElideRight, tally - type.px(20)));
    }
    painter.setFont(type.small);
    painter.setPen(theme.mutedText);
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + axis, plot.width(), labelMetrics.height()),
        Qt::AlignLeft | Qt::AlignTop,
        QStringLiteral("each block: one message, from the moment the worker took it until it took the next"));
}

} // namespace forkscope::ui::focus
