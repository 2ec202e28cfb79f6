#include "ui/trials_chart.hpp"

#include <QEvent>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace forkscope::ui {

namespace {

// Okabe-Ito vermillion for the unguarded trials, bluish green for the guarded ones: told apart by people
// with any colour vision, and the same in both themes.
const QColor kUnlockedColour(0xD5, 0x5E, 0x00);
const QColor kLockedColour(0x00, 0x9E, 0x73);

// Text sizes on a 1920×1080 slide, in pixels: a title read from the back of a room, nothing under 24 px.
constexpr double kTitlePx = 44;
constexpr double kTextPx = 26;
constexpr double kTickPx = 24;
// At least this many bins are shown, so a lone bar (every locked trial at the expected value) does not
// fill the plot's whole width.
constexpr std::int64_t kMinShownBins = 9;

QColor seriesColour(const TrialSeries &series, std::size_t index)
{
    if (series.locked)
        return kLockedColour;
    return index == 0 ? kUnlockedColour : kLockedColour;
}

struct Palette {
    QColor background, text, muted, grid, axis, expected;
};

Palette palette(bool dark)
{
    if (dark)
        return {QColor(0x1E, 0x1F, 0x22), QColor(0xE8, 0xE8, 0xE8), QColor(0xB0, 0xB0, 0xB0),
                QColor(0x3A, 0x3C, 0x40), QColor(0xA0, 0xA0, 0xA0), QColor(0xF0, 0xF0, 0xF0)};
    return {Qt::white,
            QColor(0x20, 0x20, 0x20),
            QColor(0x50, 0x50, 0x50),
            QColor(0xE2, 0xE2, 0xE2),
            QColor(0x40, 0x40, 0x40),
            QColor(0x10, 0x10, 0x10)};
}

QFont chartFont(double px, double scale, bool bold = false)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPixelSize(std::max(9, static_cast<int>(std::lround(px * scale))));
    f.setBold(bold);
    return f;
}

/// The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `minimum`.
std::int64_t niceStep(double minimum)
{
    for (std::int64_t decade = 1;; decade *= 10) {
        for (const std::int64_t m : {1, 2, 5})
            if (static_cast<double>(m * decade) >= minimum)
                return m * decade;
        if (decade > std::numeric_limits<std::int64_t>::max() / 100)
            return decade * 10;
    }
}

std::int64_t floorTo(double v, std::int64_t step)
{
    return static_cast<std::int64_t>(std::floor(v / static_cast<double>(step))) * step;
}

/// Alignment and wrapping flags as QPainter::drawText takes them.
int textFlags(QFlags<Qt::AlignmentFlag> alignment, bool wrap = false)
{
    return static_cast<int>(alignment.toInt()) | (wrap ? Qt::TextWordWrap : 0);
}

/// The height of `text` word-wrapped to `width` in `font`.
double wrappedHeight(const QFont &font, const QString &text, double width)
{
    return QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, text).height();
}

} // namespace

int TrialSeries::wrong(std::int64_t expected) const
{
    return static_cast<int>(
        std::count_if(finals.begin(), finals.end(), [&](std::int64_t f) { return f != expected; }));
}

QString trialsHeadline(const TrialsChartData &data)
{
    const TrialSeries *without = nullptr;
    const TrialSeries *with = nullptr;
    bool any = false;
    for (const TrialSeries &s : data.series) {
        any = any || !s.finals.empty();
        (s.locked ? with : without) = &s;
    }
    if (!any)
        return QObject::tr("Run the bank with trials to see its final balances here");
    const auto wrongOf = [&](const TrialSeries &s) {
        return QObject::tr("%1 of %2").arg(s.wrong(data.expected)).arg(s.finals.size());
    };
    if (data.series.size() == 2 && without && with) {
        if (with->finals.empty())
            return QObject::tr("Without a lock %1 trials wrong").arg(wrongOf(*without));
        if (without->finals.empty())
            return QObject::tr("With a lock %1 trials wrong").arg(wrongOf(*with));
        return QObject::tr("Without a lock %1 trials wrong; with it %2")
            .arg(wrongOf(*without), wrongOf(*with));
    }
    QStringList parts;
    for (const TrialSeries &s : data.series)
        if (!s.finals.empty())
            parts << QObject::tr("%1: %2 trials wrong").arg(s.label, wrongOf(s));
    return parts.join(QStringLiteral("; "));
}

double TrialsChartLayout::xOf(double value) const
{
    return plot.left() + (value - valueLow) / (valueHigh - valueLow) * plot.width();
}

double TrialsChartLayout::yOf(double count) const
{
    return plot.bottom() - count / countTop * (plot.bottom() - barTop);
}

int TrialsChartLayout::barAt(QPointF point) const
{
    for (std::size_t i = 0; i < bars.size(); ++i) {
        // A bar of one trial is a few pixels high: it answers a bit above itself too.
        const QRectF r = bars[i].rect;
        const double reach = std::max(0.0, 10 * scale - r.height());
        if (r.adjusted(0, -reach, 0, 0).contains(point))
            return static_cast<int>(i);
    }
    return -1;
}

std::vector<const ChartText *> TrialsChartLayout::textsOf(ChartText::Role role) const
{
    std::vector<const ChartText *> out;
    for (const ChartText &t : texts)
        if (t.role == role)
            out.push_back(&t);
    return out;
}

TrialsChartLayout layoutTrialsChart(const TrialsChartData &data, const QRectF &bounds)
{
    TrialsChartLayout l;
    l.bounds = bounds;
    const double s = std::clamp(std::min(bounds.width() / 1920.0, bounds.height() / 1080.0), 0.4, 4.0);
    l.scale = s;
    const double pad = 28 * s;
    const double width = bounds.width() - 2 * pad;
    double y = bounds.top() + pad;

    // The headline and the caption, word-wrapped if the chart is narrow.
    const QFont titleFont = chartFont(kTitlePx, s, true);
    const QString headline = trialsHeadline(data);
    const double titleHeight = wrappedHeight(titleFont, headline, width);
    l.texts.push_back({ChartText::Title, headline, titleFont,
                       QRectF(bounds.left() + pad, y, width, titleHeight), false,
                       textFlags(Qt::AlignHCenter | Qt::AlignTop, true)});
    y += titleHeight;
    const QFont textFont = chartFont(kTextPx, s);
    if (!data.caption.isEmpty()) {
        y += 8 * s;
        const double h = wrappedHeight(textFont, data.caption, width);
        l.texts.push_back({ChartText::Caption, data.caption, textFont,
                           QRectF(bounds.left() + pad, y, width, h), false,
                           textFlags(Qt::AlignHCenter | Qt::AlignTop, true)});
        y += h;
    }

    std::vector<std::int64_t> all;
    for (const TrialSeries &series : data.series)
        all.insert(all.end(), series.finals.begin(), series.finals.end());
    l.empty = all.empty();
    if (l.empty)
        return l;

    for (std::size_t i = 0; i < data.series.size(); ++i)
        l.seriesColours.push_back(seriesColour(data.series[i], i));

    // The legend: a swatch and the label of each series, centred on one row.
    const QFontMetricsF textMetrics(textFont);
    y += 18 * s;
    const double swatch = textMetrics.height() * 0.7;
    double legendWidth = 0;
    for (const TrialSeries &series : data.series)
        legendWidth += swatch + 10 * s + textMetrics.horizontalAdvance(series.label) + 40 * s;
    legendWidth -= 40 * s;
    double x = bounds.left() + (bounds.width() - legendWidth) / 2;
    for (const TrialSeries &series : data.series) {
        l.legendSwatches.push_back(QRectF(x, y + (textMetrics.height() - swatch) / 2, swatch, swatch));
        x += swatch + 10 * s;
        const double w = textMetrics.horizontalAdvance(series.label);
        l.texts.push_back({ChartText::Legend, series.label, textFont,
                           QRectF(x, y, w + 2, textMetrics.height()), false,
                           textFlags(Qt::AlignLeft | Qt::AlignVCenter)});
        x += w + 40 * s;
    }
    y += textMetrics.height() + 20 * s;

    // Vertical extent of the plot: the x axis' ticks, labels and title below it.
    const QFont tickFont = chartFont(kTickPx, s);
    const QFontMetricsF tickMetrics(tickFont);
    const double tickLength = 10 * s;
    const double plotBottom
        = bounds.bottom() - pad - textMetrics.height() - 10 * s - tickMetrics.height() - 8 * s - tickLength;
    const QFont expectedFont = chartFont(kTextPx, s, true);
    const double strip = QFontMetricsF(expectedFont).height() + 16 * s; // the expected line's label
    const double plotTop = y;
    l.barTop = plotTop + strip;

    // The bins, and how many trials of each series ended in each.
    l.bins = core::TrialBins::over(data.expected, all);
    if (l.bins.count() < kMinShownBins) {
        const std::int64_t more = kMinShownBins - l.bins.count();
        l.bins.first -= more / 2;
        l.bins.last += more - more / 2;
    }
    const auto bins = static_cast<std::size_t>(l.bins.count());
    std::vector<std::vector<int>> counts(data.series.size(), std::vector<int>(bins, 0));
    std::vector<std::vector<int>> exact(data.series.size(), std::vector<int>(bins, 0));
    int highest = 1;
    for (std::size_t si = 0; si < data.series.size(); ++si) {
        for (const std::int64_t f : data.series[si].finals) {
            const auto b = static_cast<std::size_t>(l.bins.binOf(f) - l.bins.first);
            highest = std::max(highest, ++counts[si][b]);
            exact[si][b] += f == data.expected;
        }
    }

    // The y axis: whole trials, a step that leaves two label heights between labels.
    const double barSpan = plotBottom - l.barTop;
    std::int64_t yStep = 1;
    for (;; yStep = niceStep(static_cast<double>(yStep) + 0.5)) {
        const std::int64_t top = std::max<std::int64_t>(yStep, (highest + yStep - 1) / yStep * yStep);
        if (barSpan / static_cast<double>(top) * static_cast<double>(yStep) >= 2 * tickMetrics.height()
            || yStep >= top) {
            l.countTop = static_cast<int>(top);
            break;
        }
    }
    double yLabelWidth = 0;
    for (std::int64_t c = 0; c <= l.countTop; c += yStep)
        yLabelWidth = std::max(yLabelWidth, tickMetrics.horizontalAdvance(QString::number(c)));
    const double axisTitleWidth = textMetrics.height(); // rotated: its height is its width on the page
    const double plotLeft = bounds.left() + pad + axisTitleWidth + 14 * s + yLabelWidth + 10 * s;
    l.plot = QRectF(QPointF(plotLeft, plotTop), QPointF(bounds.right() - pad, plotBottom));
    for (std::int64_t c = 0; c <= l.countTop; c += yStep) {
        const double gy = l.yOf(static_cast<double>(c));
        l.yGrid.push_back(QLineF(l.plot.left(), gy, l.plot.right(), gy));
        l.texts.push_back({ChartText::TickLabel, QString::number(c), tickFont,
                           QRectF(l.plot.left() - 10 * s - yLabelWidth - 2, gy - tickMetrics.height() / 2,
                                  yLabelWidth + 2, tickMetrics.height()),
                           false, textFlags(Qt::AlignRight | Qt::AlignVCenter)});
    }
    l.texts.push_back({ChartText::AxisTitle, QObject::tr("trials"), textFont,
                       QRectF(bounds.left() + pad, l.barTop, axisTitleWidth, plotBottom - l.barTop), true,
                       Qt::AlignCenter});

    // The x axis: final values, a bin's worth of room beside the outer bins.
    const double bw = static_cast<double>(l.bins.width);
    l.valueLow = static_cast<double>(l.bins.low(l.bins.first)) - 0.5 - 0.3 * bw;
    l.valueHigh = static_cast<double>(l.bins.high(l.bins.last)) + 0.5 + 0.3 * bw;
    const double pxPerValue = l.plot.width() / (l.valueHigh - l.valueLow);
    // Labels at multiples of a 1-2-5 step at least as far apart as the widest label and two letters more,
    // so no two ever touch; a label that would leave the chart is left out.
    double widest = 0;
    for (const double v : {l.valueLow, l.valueHigh})
        widest = std::max(widest,
                          tickMetrics.horizontalAdvance(QString::number(std::llround(v)) + QLatin1Char('-')));
    const std::int64_t xStep = niceStep(std::max(1.0, (widest + 2 * kTickPx * s) / pxPerValue));
    const double labelTop = plotBottom + tickLength + 8 * s;
    for (std::int64_t v = floorTo(l.valueLow, xStep); static_cast<double>(v) <= l.valueHigh; v += xStep) {
        if (static_cast<double>(v) < l.valueLow)
            continue;
        const QString text = QString::number(v);
        const double w = tickMetrics.horizontalAdvance(text) + 2;
        const double cx = l.xOf(static_cast<double>(v));
        const QRectF r(cx - w / 2, labelTop, w, tickMetrics.height());
        if (r.left() < bounds.left() + pad / 2 || r.right() > bounds.right() - pad / 2)
            continue;
        l.xTicks.push_back(QLineF(cx, plotBottom, cx, plotBottom + tickLength));
        l.texts.push_back({ChartText::TickLabel, text, tickFont, r, false, Qt::AlignCenter});
    }
    const QString xTitle = textMetrics.elidedText(
        l.bins.width > 1 ? QObject::tr("final balance (one bar per %1 values)").arg(l.bins.width)
                         : QObject::tr("final balance"),
        Qt::ElideRight, l.plot.width());
    l.texts.push_back({ChartText::AxisTitle, xTitle, textFont,
                       QRectF(l.plot.left(), labelTop + tickMetrics.height() + 10 * s, l.plot.width(),
                              textMetrics.height()),
                       false, textFlags(Qt::AlignHCenter | Qt::AlignTop)});

    // The bars: each bin has one slot per series; the series with trials in the bin stand side by side,
    // centred in it, so a bar alone in its bin (every locked trial at the expected value) stands on its
    // value.
    const auto slotCount = static_cast<double>(std::max<std::size_t>(1, data.series.size()));
    for (std::size_t b = 0; b < bins; ++b) {
        const std::int64_t bin = l.bins.first + static_cast<std::int64_t>(b);
        const double left = l.xOf(static_cast<double>(l.bins.low(bin)) - 0.5);
        const double right = l.xOf(static_cast<double>(l.bins.high(bin)) + 0.5);
        const double gap = std::max(1.0, (right - left) * 0.1);
        const double slot = (right - left - 2 * gap) / slotCount;
        double present = 0;
        for (std::size_t si = 0; si < data.series.size(); ++si)
            present += counts[si][b] > 0;
        const double start = (left + right) / 2 - present * slot / 2;
        double placed = 0;
        for (std::size_t si = 0; si < data.series.size(); ++si) {
            if (counts[si][b] == 0)
                continue;
            const double top = std::min(l.yOf(counts[si][b]), plotBottom - 2);
            const double inner = present > 1 ? std::min(2 * s, slot * 0.1) : 0;
            const double x0 = start + placed++ * slot + inner / 2;
            l.bars.push_back(
                {static_cast<int>(si), bin, l.bins.low(bin), l.bins.high(bin), counts[si][b], exact[si][b],
                 QRectF(QPointF(x0, top), QPointF(x0 + std::max(1.0, slot - inner), plotBottom))});
        }
    }

    // The expected value: a line through the plot and its label at the top, beside the line.
    const double ex = l.xOf(static_cast<double>(data.expected));
    l.expectedLine = QLineF(ex, plotBottom, ex, plotTop);
    const QString expectedText = QObject::tr("expected %1").arg(data.expected);
    const QFontMetricsF expectedMetrics(expectedFont);
    const double ew = expectedMetrics.horizontalAdvance(expectedText) + 2;
    const bool fitsRight = ex + 12 * s + ew <= l.plot.right();
    const QRectF er(fitsRight ? ex + 12 * s : ex - 12 * s - ew, plotTop + 6 * s, ew,
                    expectedMetrics.height());
    l.texts.push_back({ChartText::ExpectedLabel, expectedText, expectedFont, er, false,
                       textFlags(Qt::AlignVCenter | (fitsRight ? Qt::AlignLeft : Qt::AlignRight))});
    return l;
}

void paintTrialsChart(QPainter &painter, const TrialsChartLayout &l, bool dark)
{
    const Palette colours = palette(dark);
    const double s = l.scale;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.fillRect(l.bounds, colours.background);

    if (!l.empty) {
        painter.setPen(QPen(colours.grid, std::max(1.0, s)));
        for (const QLineF &line : l.yGrid)
            painter.drawLine(line);
        painter.setPen(Qt::NoPen);
        for (const TrialBar &bar : l.bars) {
            const auto index = static_cast<std::size_t>(bar.series);
            painter.setBrush(index < l.seriesColours.size() ? l.seriesColours[index] : kUnlockedColour);
            painter.drawRect(bar.rect);
        }
        for (std::size_t i = 0; i < l.legendSwatches.size() && i < l.seriesColours.size(); ++i) {
            painter.setBrush(l.seriesColours[i]);
            painter.drawRect(l.legendSwatches[i]);
        }
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(colours.axis, std::max(1.0, 2 * s)));
        painter.drawLine(l.plot.bottomLeft(), l.plot.bottomRight());
        painter.drawLine(QPointF(l.plot.left(), l.barTop), l.plot.bottomLeft());
        for (const QLineF &tick : l.xTicks)
            painter.drawLine(tick);
        QPen dashed(colours.expected, std::max(1.5, 3 * s), Qt::CustomDashLine, Qt::FlatCap);
        dashed.setDashPattern({4, 2.5});
        painter.setPen(dashed);
        painter.drawLine(l.expectedLine);
    }

    for (const ChartText &t : l.texts) {
        painter.setFont(t.font);
        const bool quiet = t.role == ChartText::Caption || t.role == ChartText::TickLabel;
        painter.setPen(quiet ? colours.muted : colours.text);
        if (t.role == ChartText::ExpectedLabel) {
            // On the background's colour, so a bar or a grid line behind it never crosses the text.
            painter.fillRect(t.rect.adjusted(-4 * s, 0, 4 * s, 0), colours.background);
        }
        if (t.rotated) {
            painter.save();
            painter.translate(t.rect.center());
            painter.rotate(-90);
            painter.drawText(
                QRectF(-t.rect.height() / 2, -t.rect.width() / 2, t.rect.height(), t.rect.width()), t.flags,
                t.text);
            painter.restore();
        } else {
            painter.drawText(t.rect, t.flags, t.text);
        }
    }
    painter.restore();
}

QString trialBarToolTip(const TrialsChartData &data, const TrialBar &bar)
{
    const QString label = bar.series >= 0 && static_cast<std::size_t>(bar.series) < data.series.size()
        ? data.series[static_cast<std::size_t>(bar.series)].label
        : QString();
    const QString trials = bar.count == 1 ? QObject::tr("1 trial") : QObject::tr("%1 trials").arg(bar.count);
    QString text = bar.low == bar.high
        ? QObject::tr("%1: %2 ended at %3").arg(label, trials).arg(bar.low)
        : QObject::tr("%1: %2 ended between %3 and %4").arg(label, trials).arg(bar.low).arg(bar.high);
    if (bar.low == bar.high && bar.low == data.expected)
        text += QObject::tr(", the expected balance");
    else if (bar.atExpected > 0)
        text += QObject::tr(" (%1 of them at the expected %2)").arg(bar.atExpected).arg(data.expected);
    return text + QObject::tr("\nClick to see one of them on the timeline");
}

TrialsChart::TrialsChart(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(320, 240);
}

void TrialsChart::setData(const TrialsChartData &data)
{
    m_data = data;
    m_layoutValid = false;
    update();
}

void TrialsChart::setData(const QString &caption, std::int64_t expected,
                          const std::vector<TrialSeries> &series)
{
    setData(TrialsChartData{caption, expected, series});
}

void TrialsChart::setDark(bool dark)
{
    m_dark = dark;
    update();
}

const TrialsChartLayout &TrialsChart::currentLayout()
{
    if (!m_layoutValid || m_layout.bounds != QRectF(rect())) {
        m_layout = layoutTrialsChart(m_data, QRectF(rect()));
        m_layoutValid = true;
    }
    return m_layout;
}

void TrialsChart::paintTo(QPainter &painter, const QRectF &rect) const
{
    paintTrialsChart(painter, layoutTrialsChart(m_data, rect), m_dark);
}

void TrialsChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintTrialsChart(painter, currentLayout(), m_dark);
}

void TrialsChart::mouseMoveEvent(QMouseEvent *event)
{
    const bool overBar = currentLayout().barAt(event->position()) >= 0;
    setCursor(overBar ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

void TrialsChart::mousePressEvent(QMouseEvent *event)
{
    const TrialsChartLayout &layout = currentLayout();
    if (event->button() == Qt::LeftButton) {
        if (const int i = layout.barAt(event->position()); i >= 0) {
            const TrialBar &bar = layout.bars[static_cast<std::size_t>(i)];
            emit barClicked(bar.series, bar.low, bar.high);
            return;
        }
    }
    QWidget::mousePressEvent(event);
}

bool TrialsChart::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const TrialsChartLayout &layout = currentLayout();
        if (const int i = layout.barAt(help->pos()); i >= 0) {
            const TrialBar &bar = layout.bars[static_cast<std::size_t>(i)];
            QToolTip::showText(help->globalPos(), trialBarToolTip(m_data, bar), this,
                               bar.rect.toAlignedRect());
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace forkscope::ui
