// The axis and its labels: the title, the time axis with its ticks, labels and grid, and the live present.

#include "ui/timeline/passes.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace forkscope::ui::timeline {

namespace {

/// `lines` one under the other from the top of `rect`, each as tall as the font's line spacing.
void drawLines(QPainter &p, const QRectF &rect, const QStringList &lines, const QFont &font,
               const QColor &color)
{
    const QFontMetricsF fm(font);
    p.setFont(font);
    p.setPen(color);
    double y = rect.top();
    for (const QString &line : lines) {
        p.drawText(QRectF(rect.left(), y, rect.width(), fm.lineSpacing()), Qt::AlignLeft | Qt::AlignVCenter,
                   line);
        y += fm.lineSpacing();
    }
}

} // namespace

void paintTitle(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts)
{
    if (layout.titleRect.isEmpty())
        return;
    if (options.headline.isEmpty()) {
        p.setFont(fonts.title);
        p.setPen(options.theme.text);
        p.drawText(
            layout.titleRect, Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetricsF(fonts.title).elidedText(options.title, Qt::ElideRight, layout.titleRect.width()));
        return;
    }
    // The same wrapping the layout measured with, so the lines fill exactly the rectangles it made.
    drawLines(
        p, layout.titleRect,
        wrapText(options.headline, QFontMetricsF(fonts.title), layout.titleRect.width(), kHeadlineLines),
        fonts.title, options.theme.text);
    if (!layout.captionRect.isEmpty())
        drawLines(p, layout.captionRect,
                  wrapText(options.caption, QFontMetricsF(fonts.caption), layout.captionRect.width(),
                           kCaptionLines),
                  fonts.caption, options.theme.mutedText);
}

namespace {

/// The axis's tick step: as many ticks as labels like "00.00 ms" fit across it.
std::int64_t axisStep(const TimelineLayout &layout, const Fonts &fonts)
{
    const QFontMetricsF fm(fonts.small);
    const int maxTicks
        = std::max(2,
                   static_cast<int>(layout.axisRect.width()
                                    / std::max(70.0, fm.horizontalAdvance(QStringLiteral("00.00 ms")) + 24)));
    return niceTickStep(layout.window.span(), maxTicks);
}

} // namespace

void paintAxis(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QRectF axis = layout.axisRect;
    const QFontMetricsF fm(fonts.small);
    const std::int64_t step = axisStep(layout, fonts);
    const std::vector<std::int64_t> ticks = tickTimes(layout.window, step);

    p.setPen(QPen(theme.mutedText, 1));
    p.drawLine(QPointF(axis.left(), axis.bottom() - 0.5), QPointF(axis.right(), axis.bottom() - 0.5));
    p.setFont(fonts.small);
    double lastRight = -1e9;
    for (const std::int64_t t : ticks) {
        const double x = static_cast<double>(layout.pixelAt(t)) + 0.5;
        p.setPen(QPen(theme.mutedText, 1));
        p.drawLine(QPointF(x, axis.bottom() - 5), QPointF(x, axis.bottom()));
        const QString label = qs(formatTickLabel(t, step));
        const double width = fm.horizontalAdvance(label);
        double textLeft = x - width / 2;
        textLeft = std::max(textLeft, axis.left());
        textLeft = std::min(textLeft, layout.bounds.right() - layout.margin / 2 - width);
        if (textLeft < lastRight + 8)
            continue;
        p.setPen(theme.text);
        p.drawText(QRectF(textLeft, axis.top(), width + 1, axis.height() - 6),
                   Qt::AlignLeft | Qt::AlignVCenter, label);
        lastRight = textLeft + width;
    }
}

void paintGrid(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts,
               const TrackArea &area)
{
    if (!options.axis)
        return;
    // Through the lanes, at the axis's ticks: the same times at the same whole pixels however the view
    // is panned.
    const TimeWindow window{static_cast<std::int64_t>(std::floor(area.grid.timeOf(area.from - 1))),
                            static_cast<std::int64_t>(std::ceil(area.grid.timeOf(area.to + 1)))};
    p.setPen(QPen(options.theme.grid, 1));
    for (const std::int64_t t : tickTimes(window, axisStep(layout, fonts))) {
        const std::int64_t x = layout.pixelAt(t);
        if (x < area.clip.left() || x > area.clip.right())
            continue;
        p.drawLine(QPointF(static_cast<double>(x) + 0.5, layout.plotRect.top()),
                   QPointF(static_cast<double>(x) + 0.5, layout.plotRect.bottom()));
    }
}

void paintNowLine(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options)
{
    if (!options.showNow || !model.live() || model.now() < layout.window.beginNs
        || model.now() > layout.window.endNs)
        return;
    const double x = std::round(layout.timeToX(model.now())) + 0.5;
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(withAlpha(options.theme.now, 200), 1));
    p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
}

} // namespace forkscope::ui::timeline
