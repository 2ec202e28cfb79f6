#pragma once

// What the focus views share: the slide's type scale, the headline and caption above the chart, and a time
// axis under it.

#include "ui/time_axis.hpp"
#include "ui/timeline/theme.hpp"

#include <QFont>
#include <QRectF>
#include <QString>

class QPainter;

namespace forkscope::ui::focus {

/// Sizes for a picture of `rect`, scaled from 1920×1080 by the smaller of the two ratios.
struct Type {
    double unit = 1; ///< pixels per pixel-at-1080p
    QFont headline;  ///< 44 px at 1080p, bold
    QFont caption;   ///< 24 px
    QFont label;     ///< 30 px: lane names and values on the chart
    QFont small;     ///< 22 px: axis ticks, notes (the floor)

    explicit Type(const QRectF &rect);
    double px(double atFullHd) const noexcept { return atFullHd * unit; }
};

/// Fills the background, draws the headline (wrapped onto two lines when it must be) and the caption, and
/// returns the rect left for the chart.
QRectF paintFrame(QPainter &painter, const QRectF &rect, const Type &type, const Theme &theme,
                  const QString &headline, const QString &caption);

/// A time axis along the bottom edge of `plot` for `window`: ticks, their labels below, a grid up the plot.
void paintTimeAxis(QPainter &painter, const QRectF &plot, const TimeWindow &window, const Type &type,
                   const Theme &theme);

/// x of time `t` in `plot` showing `window`.
inline double xOf(std::int64_t t, const TimeWindow &window, const QRectF &plot)
{
    return timeToX(t, window, plot.left(), plot.width());
}

} // namespace forkscope::ui::focus
