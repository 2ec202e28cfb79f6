#pragma once

// What the painter's passes (and the font-measuring step of the layout) share: the fonts of one picture
// and two small conversions. Not for callers: only ui/timeline/ and ui/timeline_painter.cpp include it.

#include "ui/timeline/paint_options.hpp"

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QString>

#include <algorithm>
#include <string>
#include <string_view>

namespace forkscope::ui::timeline {

inline QString qs(const std::string &text) { return QString::fromStdString(text); }
inline QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

inline QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

/// The fonts of a picture, made once per paint from the options.
struct Fonts {
    QFont base;
    QFont bold;
    QFont small;
    QFont title; ///< the headline (or title)
    QFont caption;
    QFont result; ///< lane results
    QFont legend;
    double smallNarrowest = 0; ///< the narrowest advance of a printable ASCII character in `small`
    double boldNarrowest = 0;  ///< and in `bold`

    explicit Fonts(const PaintOptions &options)
    {
        // Pixel sizes: the same numbers give the same picture on a screen, in a 300 dpi PDF and in an SVG.
        base.setFamily(options.fontFamily);
        base.setPixelSize(std::max(6, options.fontPixelSize));
        bold = base;
        bold.setBold(true);
        small = base;
        small.setPixelSize(std::max(
            6, options.smallFontPixelSize > 0 ? options.smallFontPixelSize : options.fontPixelSize - 2));
        title = bold;
        title.setPixelSize(
            std::max(8, options.titlePixelSize > 0 ? options.titlePixelSize : options.fontPixelSize * 3 / 2));
        caption = small;
        if (options.captionPixelSize > 0)
            caption.setPixelSize(options.captionPixelSize);
        result = bold;
        if (options.resultPixelSize > 0)
            result.setPixelSize(options.resultPixelSize);
        legend = base;
        if (options.legendPixelSize > 0)
            legend.setPixelSize(options.legendPixelSize);
        smallNarrowest = narrowest(small);
        boldNarrowest = narrowest(bold);
    }

private:
    static double narrowest(const QFont &font)
    {
        const QFontMetricsF fm(font);
        double least = 1e9;
        for (char c = 0x20; c < 0x7f; ++c)
            least = std::min(least, fm.horizontalAdvance(QChar::fromLatin1(c)));
        return least;
    }
};

/// The spacing of a picture: the options' values, or the window's defaults.
inline double marginOf(const PaintOptions &options) { return options.margin > 0 ? options.margin : 8.0; }
inline double glyphSizeOf(const PaintOptions &options)
{
    return options.glyphSize > 0 ? options.glyphSize : 9.0;
}

} // namespace forkscope::ui::timeline
