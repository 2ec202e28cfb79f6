#pragma once

#include "core/analysis/trials.hpp"

#include <QColor>
#include <QFont>
#include <QLineF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

class QPainter;

namespace forkscope::ui {

/// Final values of repeated trials of one setting (e.g. the bank without its lock).
struct TrialSeries {
    QString label;
    std::vector<std::int64_t> finals;
    bool locked = false; ///< the setting with the lock (the headline says "with it")
    int wrong(std::int64_t expected) const;
};

/// What a trials histogram shows: the trials' caption, the value every trial should end with, and the
/// series side by side (without the lock first).
struct TrialsChartData {
    QString caption; ///< what the trials were (core::trialsCaption), drawn under the headline
    std::int64_t expected = 0;
    std::vector<TrialSeries> series;
};

/// The chart's title, stating the result: "Without a lock 98 of 100 trials wrong; with it 0 of 100" for the
/// lock pair, "without lock: 98 of 100 trials wrong" for one series; a hint when there are no trials.
QString trialsHeadline(const TrialsChartData &data);

/// One bar: how many trials of one series ended in one bin.
struct TrialBar {
    int series = 0;
    std::int64_t bin = 0;  ///< index in TrialsChartLayout::bins
    std::int64_t low = 0;  ///< the bin's lowest value
    std::int64_t high = 0; ///< its highest (low == high at width 1)
    int count = 0;         ///< trials of the series that ended in the bin
    int atExpected = 0;    ///< of those, how many ended exactly at the expected value
    QRectF rect;           ///< where it is drawn (at least 2 px high)
};

/// A piece of text of the chart, where and how it is drawn.
struct ChartText {
    enum Role { Title, Caption, Legend, AxisTitle, TickLabel, ExpectedLabel };
    Role role = Title;
    QString text;
    QFont font;
    QRectF rect;                 ///< its box (for a rotated text, the box on the page)
    bool rotated = false;        ///< drawn bottom to top (the y axis title)
    int flags = Qt::AlignCenter; ///< alignment within rect (word-wrapped for the title and caption)
};

/// The chart laid out in a rectangle: pure geometry, computed once per size and data. The painter draws
/// it, the widget hit-tests it, the tests measure it. Sizes follow the rectangle: at 1920×1080 the title
/// is 44 px and no text is smaller than 24 px; a window-sized chart scales them down.
struct TrialsChartLayout {
    core::TrialBins bins;
    QRectF bounds;
    double scale = 1;    ///< text and line sizes relative to a 1920×1080 slide
    QRectF plot;         ///< the axes' box (bars and the expected line are inside)
    double valueLow = 0; ///< the x axis' domain, in final values
    double valueHigh = 1;
    int countTop = 1;           ///< the y axis' top, in trials
    double barTop = 0;          ///< where a bar of countTop trials ends (below the expected line's label)
    std::vector<TrialBar> bars; ///< only bars with trials, by bin then series
    std::vector<ChartText> texts;
    std::vector<QLineF> xTicks;         ///< tick marks under the plot, one per x tick label
    std::vector<QLineF> yGrid;          ///< horizontal grid lines, one per y tick label
    QLineF expectedLine;                ///< at the expected value, from the plot's bottom to its top
    std::vector<QRectF> legendSwatches; ///< one per series, in series order
    std::vector<QColor> seriesColours;  ///< each series' bars and swatch
    bool empty = true;                  ///< no trials: only the title is drawn

    double xOf(double value) const;
    double yOf(double count) const;
    /// The index in bars of the bar under `point`, -1 if none.
    int barAt(QPointF point) const;
    /// Every text of `role`.
    std::vector<const ChartText *> textsOf(ChartText::Role role) const;
};

/// Lays the chart out in `bounds`.
TrialsChartLayout layoutTrialsChart(const TrialsChartData &data, const QRectF &bounds);

/// Paints a laid-out chart (the widget, PNG, SVG and PDF share it).
void paintTrialsChart(QPainter &painter, const TrialsChartLayout &layout, bool dark);

/// What a bar's tooltip says: the series, the value range and how many trials ended there.
QString trialBarToolTip(const TrialsChartData &data, const TrialBar &bar);

/// A histogram of trials' final values, painted by hand so that it reads the same on screen and on a slide:
/// a numeric x axis (bins of 1, 3, 9, ... values centred on the expected one when the spread is wide) with
/// sparse labels that never overlap, the expected value as a labelled line, the series side by side in each
/// bin, a title stating the result. Hovering a bar tells its range and count; clicking it asks to see a
/// trial that ended there. Rebuilt as trials come in.
class TrialsChart : public QWidget {
    Q_OBJECT
public:
    explicit TrialsChart(QWidget *parent = nullptr);

    void setData(const TrialsChartData &data);
    /// The older form: caption, expected value and series.
    void setData(const QString &caption, std::int64_t expected, const std::vector<TrialSeries> &series);
    const TrialsChartData &data() const { return m_data; }
    void setDark(bool dark);
    /// The headline the chart shows as its title.
    QString title() const { return trialsHeadline(m_data); }
    /// The layout of the widget as it is now (for hit testing and tests).
    const TrialsChartLayout &currentLayout();
    /// Paints the chart into any painter (exports), laid out for `rect`.
    void paintTo(QPainter &painter, const QRectF &rect) const;

signals:
    /// A bar was clicked: its series and the range of final values it counts.
    void barClicked(int series, qint64 low, qint64 high);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;

private:
    TrialsChartData m_data;
    TrialsChartLayout m_layout;
    bool m_layoutValid = false;
    bool m_dark = false;
};

} // namespace forkscope::ui
