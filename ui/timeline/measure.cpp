// The one step of the layout that measures text: everything it finds goes into TimelineMetrics, and
// arrangeTimeline (layout.cpp) does the rest without fonts.

#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_kit.hpp"
#include "ui/timeline/passes.hpp"
#include "ui/timeline/texts.hpp"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// Measurements kept between frames: a view repaints 60 times a second, and measuring a thousand lane names
/// each time cost more than drawing them. Keyed by what the text and the fonts are (a model's label stamp is
/// unique to its labels), one GUI thread's own.
struct KeptWidth {
    std::uint64_t stamp = 0;
    QString key;
    double width = 0;
};

double keptWidth(std::vector<KeptWidth> &kept, std::uint64_t stamp, const QString &key,
                 const std::function<double()> &measure)
{
    for (const KeptWidth &k : kept)
        if (k.stamp == stamp && k.key == key)
            return k.width;
    if (kept.size() >= 16)
        kept.erase(kept.begin());
    kept.push_back({stamp, key, measure()});
    return kept.back().width;
}

/// The widest lane name (bold) or detail line (small) of the model, as they would be folded if `folds`.
double widestLabel(const TimelineModel &model, const PaintOptions &options, const QFontMetricsF &fmBold,
                   const QFontMetricsF &fmSmall)
{
    double labelWidth = 90;
    for (const Lane &lane : model.lanes()) {
        const QString name = qs(lane.info.name);
        labelWidth = std::max(labelWidth, fmBold.horizontalAdvance(name));
        // A fold's label ("workers 11–200") is a name with an "s" and a second number: as wide, at most, as
        // the last name with "s " and as many digits again before it.
        if (options.foldLanes && !name.isEmpty() && name.back().isDigit()) {
            qsizetype digits = 0;
            while (digits < name.size() && name[name.size() - 1 - digits].isDigit())
                ++digits;
            labelWidth = std::max(labelWidth,
                                  fmBold.horizontalAdvance(name + QStringLiteral("s ")
                                                           + QString(digits, QLatin1Char('0'))
                                                           + QStringLiteral("–")));
        }
        if (options.details)
            labelWidth = std::max(labelWidth, fmSmall.horizontalAdvance(laneDetail(lane)));
    }
    return labelWidth;
}

/// The widest label with the indent under the process header and the margins; at least 90 pixels, at most
/// 30 % of `width` (or 90 pixels when that is less).
double labelColumnWidth(const TimelineModel &model, const PaintOptions &options, const QFontMetricsF &fmBold,
                        const QFontMetricsF &fmSmall, double width, double margin)
{
    thread_local std::vector<KeptWidth> kept;
    const QString key = QStringLiteral("%1|%2|%3|%4|%5|%6")
                            .arg(options.fontFamily)
                            .arg(fmBold.height())
                            .arg(fmSmall.height())
                            .arg(fmBold.horizontalAdvance(QStringLiteral("worker 0123456789")))
                            .arg(options.details)
                            .arg(options.foldLanes);
    const double labelWidth = keptWidth(kept, model.labelStamp(), key,
                                        [&] { return widestLabel(model, options, fmBold, fmSmall); });
    // Room for the indent under the process header and the gap before the plot.
    const double indent = options.details ? kLabelIndent : 0;
    return std::min(labelWidth + indent + 2 * margin, std::max(90.0, width * 0.3));
}

/// The widest lane result (result font) with the gaps on both sides, at most 28 % of `width`.
double resultColumnWidth(const PaintOptions &options, const QFontMetricsF &fm, double width)
{
    if (options.results.empty())
        return 0;
    // The results' texts are the key: hashing them is cheap beside measuring them.
    std::size_t hash = 0;
    for (const LaneResult &r : options.results)
        hash = hash * 31 + qHash(r.text);
    thread_local std::vector<KeptWidth> kept;
    const QString key = QStringLiteral("%1|%2|%3|%4")
                            .arg(hash)
                            .arg(options.results.size())
                            .arg(fm.height())
                            .arg(fm.horizontalAdvance(QStringLiteral("worker 0123456789")));
    const double widest = keptWidth(kept, 0, key, [&] {
        double w = 0;
        for (const LaneResult &r : options.results)
            if (!r.text.isEmpty())
                w = std::max(w, fm.horizontalAdvance(r.text));
        return w;
    });
    if (widest <= 0)
        return 0;
    return std::min(std::ceil(widest + fm.height()), std::floor(width * 0.28));
}

} // namespace

QStringList timeline::wrapText(const QString &text, const QFontMetricsF &fm, double width, int maxLines)
{
    // Most texts (a lane's result, a short caption) fit on one line: measured once, that is the answer the
    // walk below gives (every shorter run of its words fits too, and a line that fits is not elided), where
    // the walk measures each growing line and elides the last: three shapings of the text for one.
    if (!text.isEmpty() && !text.startsWith(QLatin1Char(' ')) && !text.endsWith(QLatin1Char(' '))
        && !text.contains(QLatin1String("  ")) && fm.horizontalAdvance(text) <= width)
        return {text};
    QStringList lines;
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QString line;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString candidate = line.isEmpty() ? words[i] : line + QLatin1Char(' ') + words[i];
        if (line.isEmpty() || fm.horizontalAdvance(candidate) <= width) {
            line = candidate;
            continue;
        }
        if (static_cast<int>(lines.size()) + 1 == maxLines) {
            // The last line takes the rest, elided.
            line = candidate;
            for (qsizetype j = i + 1; j < words.size(); ++j)
                line += QLatin1Char(' ') + words[j];
            break;
        }
        lines << line;
        line = words[i];
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines << line;
    for (QString &l : lines)
        l = fm.elidedText(l, Qt::ElideRight, width);
    return lines;
}

TimelineMetrics measureTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    const Fonts fonts(options);
    const QFontMetricsF fm(fonts.base);
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    const double margin = marginOf(options);
    const double width = (rect.right() - margin) - (rect.left() + margin);

    TimelineMetrics metrics;
    const QString &title = options.headline.isEmpty() ? options.title : options.headline;
    if (!title.isEmpty()) {
        const QFontMetricsF fmTitle(fonts.title);
        const auto lines = options.headline.isEmpty()
            ? 1
            : timeline::wrapText(title, fmTitle, width, timeline::kHeadlineLines).size();
        metrics.titleHeight = std::ceil(fmTitle.lineSpacing() * static_cast<double>(lines)) + 4;
        if (!options.caption.isEmpty() && !options.headline.isEmpty()) {
            const QFontMetricsF fmCaption(fonts.caption);
            metrics.captionHeight
                = std::ceil(fmCaption.lineSpacing()
                            * static_cast<double>(
                                wrapText(options.caption, fmCaption, width, timeline::kCaptionLines).size()));
        }
    }
    if (options.axis)
        metrics.axisHeight = fmSmall.height() + 10;
    metrics.labelWidth = options.labelWidth > 0
        ? options.labelWidth
        : labelColumnWidth(model, options, fmBold, fmSmall, width, margin);
    metrics.resultWidth = resultColumnWidth(options, QFontMetricsF(fonts.result), width);
    metrics.headerHeight = std::ceil(fmSmall.height() + 6);
    if (options.legend)
        metrics.legendHeight = legendHeight(model, options, QFontMetricsF(fonts.legend), width);
    return metrics;
}

} // namespace forkscope::ui
