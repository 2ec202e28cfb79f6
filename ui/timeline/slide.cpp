#include "ui/timeline/slide.hpp"

#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_kit.hpp"
#include "ui/timeline/passes.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// The lane rows, headers and queue strips the slide will stack: lanes count in `lanes`, the others'
/// heights (at `headerHeight`) in the return value.
double fixedRows(const TimelineModel &model, const PaintOptions &options, double headerHeight, int &lanes)
{
    const std::vector<DisplayRow> rows = displayRows(model, options.details);
    const int first = std::clamp(options.firstRow, 0, std::max(0, static_cast<int>(rows.size()) - 1));
    const int count = options.rowCount < 0
        ? static_cast<int>(rows.size()) - first
        : std::min(options.rowCount, static_cast<int>(rows.size()) - first);
    double fixed = 0;
    lanes = 0;
    for (int r = first; r < first + count; ++r) {
        const DisplayRow &row = rows[static_cast<std::size_t>(r)];
        if (isLane(row) || (row.kind == DisplayRow::Kind::Queue && !options.details))
            ++lanes;
        else
            fixed += row.kind == DisplayRow::Kind::Queue ? std::ceil(headerHeight * 1.6) : headerHeight;
    }
    return fixed;
}

int px(double v) { return static_cast<int>(std::lround(v)); }

} // namespace

PaintOptions slideOptions(const TimelineModel &model, const QSizeF &size, PaintOptions base)
{
    PaintOptions o = std::move(base);
    // One unit is a pixel of a 1920×1080 slide; a 4:3 frame counts its width as 1440 of those.
    const double u = std::max(0.2, std::min(size.height() / 1080.0, size.width() / 1440.0));
    const int minText = px(kSlideMinTextPx * u);
    o.margin = std::round(28 * u);
    o.foldLanes = true;
    o.exactLegend = true;
    o.captionPixelSize = px(26 * u);
    o.legendPixelSize = px(24 * u);
    o.minLaneHeight = px(24 * u);
    o.maxLaneHeight = px(400 * u);
    o.laneHeight = 0;

    // The headline: the largest size at which it fits on one line, else two lines.
    const double width = size.width() - 2 * o.margin;
    QFont font(o.fontFamily);
    font.setBold(true);
    int headlineLines = 1;
    o.titlePixelSize = 0;
    const QString &title = o.headline.isEmpty() ? o.title : o.headline;
    for (const int candidate : kSlideHeadlinePx) {
        font.setPixelSize(px(candidate * u));
        if (QFontMetricsF(font).horizontalAdvance(title) <= width) {
            o.titlePixelSize = px(candidate * u);
            break;
        }
    }
    if (o.titlePixelSize == 0) {
        o.titlePixelSize = px(kSlideHeadlineTwoLinePx * u);
        font.setPixelSize(o.titlePixelSize);
        headlineLines = o.headline.isEmpty()
            ? 1
            : static_cast<int>(wrapText(title, QFontMetricsF(font), width, kHeadlineLines).size());
    }

    // What the rows share: the frame less the margins, headline, caption, axis and legend (measured at the
    // smallest sizes; the layout measures again at the final ones).
    o.fontPixelSize = minText;
    o.smallFontPixelSize = minText;
    const Fonts fonts(o);
    double taken = 2 * o.margin + kGap;
    if (!title.isEmpty()) {
        taken += QFontMetricsF(fonts.title).lineSpacing() * headlineLines + 4 + kGap;
        if (!o.caption.isEmpty() && !o.headline.isEmpty())
            taken += QFontMetricsF(fonts.caption).lineSpacing()
                    * static_cast<double>(
                         wrapText(o.caption, QFontMetricsF(fonts.caption), width, kCaptionLines).size())
                + o.margin;
    }
    if (o.axis)
        taken += QFontMetricsF(fonts.small).height() + 10;
    if (o.legend)
        taken += legendHeight(model, o, QFontMetricsF(fonts.legend), width) + kGap;
    int lanes = 0;
    const double fixed = fixedRows(model, o, std::ceil(QFontMetricsF(fonts.small).height() + 6), lanes);
    const double share = lanes > 0 ? (size.height() - taken - fixed) / lanes : o.maxLaneHeight;
    const double lane = std::clamp(share, double(o.minLaneHeight), double(o.maxLaneHeight));

    // Type that fills its row without spilling: a line of DejaVu Sans is about 1.17 times its pixel size.
    const double fits = std::max<double>(minText, lane / 1.2);
    o.fontPixelSize = px(std::min(fits, std::clamp(lane * 0.36, double(minText), 36 * u)));
    o.smallFontPixelSize = std::max(minText, px(o.fontPixelSize * 0.8));
    o.resultPixelSize = px(std::min(fits, std::clamp(lane * 0.5, 26 * u, 52 * u)));
    o.resultPixelSize = std::max(o.resultPixelSize, o.fontPixelSize);
    // Bars a little thinner than their lane, and never thicker than 120 px: tall lanes get air, not slabs.
    o.barInset = std::max(3.0, std::round((lane - std::min(lane * 0.72, 120 * u)) / 2));
    o.glyphSize = std::clamp(lane * 0.22, 9.0, 20 * u);
    return o;
}

} // namespace forkscope::ui
