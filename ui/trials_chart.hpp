#pragma once

#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

class QChart;
class QChartView;
class QPainter;
class QRectF;

namespace forkscope::ui {

/// Final values of repeated trials of one setting (e.g. the bank without its lock).
struct TrialSeries {
    QString label;
    std::vector<std::int64_t> finals;
    int wrong(std::int64_t expected) const;
};

/// A histogram of trials' final values (Qt Charts): two series side by side — without and with the lock —
/// with the expected value marked and "wrong in 37 of 100 trials" in the title. Rebuilt as trials come in;
/// clicking a bar asks to see a trial that ended with that value.
class TrialsChart : public QWidget {
    Q_OBJECT
public:
    explicit TrialsChart(QWidget *parent = nullptr);

    void setData(const QString &title, std::int64_t expected, const std::vector<TrialSeries> &series);
    void setDark(bool dark);
    /// The category values on the x axis, in order (each a final value seen in some trial).
    const std::vector<std::int64_t> &values() const { return m_values; }
    /// How many trials of series `s` ended with values()[i].
    int count(std::size_t s, std::size_t i) const;
    QString title() const;
    /// Paints the chart into any painter (exports).
    void paintTo(QPainter &painter, const QRectF &rect);

signals:
    /// A bar was clicked: series index and the final value it counts.
    void barClicked(int series, qint64 value);

private:
    void rebuild();

    QChartView *m_view = nullptr;
    QChart *m_chart = nullptr;
    QString m_title;
    std::int64_t m_expected = 0;
    std::vector<TrialSeries> m_series;
    std::vector<std::int64_t> m_values;
    bool m_dark = false;
};

} // namespace forkscope::ui
