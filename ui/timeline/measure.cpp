// The one step of the layout that measures text: everything it finds goes into TimelineMetrics, and
// arrangeTimeline (layout.cpp) does the rest without fonts.

#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_kit.hpp"
#include "ui/timeline/passes.hpp"
#include "ui/timeline/texts.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// The widest lane name (bold) or detail line (small), with the indent under the process header and the
/// margins; at least 90 pixels, at most 30 % of `width` (or 90 pixels when that is less).
double labelColumnWidth(const TimelineModel &model, const QFontMetricsF &fmBold, const QFontMetricsF &fmSmall,
                        double width)
{
    double labelWidth = 90;
    for (const Lane &lane : model.lanes()) {
        labelWidth = std::max(labelWidth, fmBold.horizontalAdvance(qs(lane.info.name)));
        labelWidth = std::max(labelWidth, fmSmall.horizontalAdvance(laneDetail(lane)));
    }
    // Room for the indent under the process header and the gap before the plot.
    return std::min(labelWidth + kLabelIndent + 2 * kMargin, std::max(90.0, width * 0.3));
}

} // namespace

TimelineMetrics measureTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    const Fonts fonts(options);
    const QFontMetricsF fm(fonts.base);
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    const double width = (rect.right() - kMargin) - (rect.left() + kMargin);

    TimelineMetrics metrics;
    if (!options.title.isEmpty())
        metrics.titleHeight = QFontMetricsF(fonts.title).height() + 4;
    if (options.axis)
        metrics.axisHeight = fmSmall.height() + 10;
    metrics.labelWidth
        = options.labelWidth > 0 ? options.labelWidth : labelColumnWidth(model, fmBold, fmSmall, width);
    metrics.headerHeight = std::ceil(fmSmall.height() + 6);
    if (options.legend)
        metrics.legendHeight = legendHeight(model, options, fm, width);
    return metrics;
}

} // namespace forkscope::ui
