#include "ui/focus/focus_frame.hpp"

#include "ui/timeline/slide.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace forkscope::ui::focus {

namespace {

QFont font(double pixels, bool bold = false)
{
    QFont f;
    f.setPixelSize(std::max(1, static_cast<int>(pixels + 0.5)));
    f.setBold(bold);
    return f;
}

} // namespace

Type::Type(const QRectF &rect)
        : unit(std::min(rect.width() / 1920.0, rect.height() / 1080.0)),
          headline(font(kSlideHeadlineTwoLinePx * unit, true)), caption(font(24 * unit)),
          label(font(30 * unit)), small(font(kSlideMinTextPx * unit))
{
}

QRectF paintFrame(QPainter &painter, const QRectF &rect, const Type &type, const Theme &theme,
                  const QString &headline, const QString &caption)
{
    painter.fillRect(rect, theme.background);
    const double margin = type.px(48);
    QRectF text = rect.adjusted(margin, type.px(28), -margin, 0);
    painter.setPen(theme.text);
    painter.setFont(type.headline);
    const QRectF used = painter.boundingRect(text, Qt::AlignLeft | Qt::TextWordWrap, headline);
    painter.drawText(text, Qt::AlignLeft | Qt::TextWordWrap, headline);
    text.setTop(used.bottom() + type.px(6));
    painter.setFont(type.caption);
    painter.setPen(theme.mutedText);
    const QString elided = QFontMetricsF(type.caption).elidedText(caption, Qt::ElideRight, text.width());
    painter.drawText(text, Qt::AlignLeft | Qt::TextSingleLine, elided);
    const double top = text.top() + QFontMetricsF(type.caption).height() + type.px(36);
    return QRectF(rect.left() + margin, top, rect.width() - 2 * margin, rect.bottom() - margin - top);
}

void paintTimeAxis(QPainter &painter, const QRectF &plot, const TimeWindow &window, const Type &type,
                   const Theme &theme)
{
    const QFontMetricsF metrics(type.small);
    const int maxTicks = std::max(
        2, static_cast<int>(plot.width() / (metrics.horizontalAdvance(QStringLiteral("0.000 ms")) * 1.6)));
    const std::int64_t step = niceTickStep(window.span(), maxTicks);
    painter.setFont(type.small);
    for (const std::int64_t t : tickTimes(window, step)) {
        const double x = xOf(t, window, plot);
        painter.setPen(QPen(theme.grid, type.px(1.5)));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        painter.setPen(theme.mutedText);
        const QString label = QString::fromStdString(formatTickLabel(t, step));
        const double w = metrics.horizontalAdvance(label);
        painter.drawText(QPointF(std::clamp(x - w / 2, plot.left() - w / 2, plot.right() - w),
                                 plot.bottom() + type.px(8) + metrics.ascent()),
                         label);
    }
    painter.setPen(QPen(theme.mutedText, type.px(2)));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
}

} // namespace forkscope::ui::focus
