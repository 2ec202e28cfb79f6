#pragma once

#include "core/analysis/gil_lab.hpp"

#include <QString>
#include <QWidget>

#include <vector>

class QBoxLayout;
class QChart;
class QChartView;
class QPainter;
class QRectF;

namespace forkscope::ui {

/// The GIL lab's chart (Qt Charts): for each mode (sequential, GIL threads, free threads, processes) the wall
/// time of the N tasks and the speedup against sequential, CPU-bound and I/O-bound side by side, with the
/// machine's core count in the title. Filled as the runs complete; a mode not run yet has no bar.
class SpeedupChart : public QWidget {
    Q_OBJECT
public:
    explicit SpeedupChart(QWidget *parent = nullptr);

    /// `tasks`: how many tasks each run had (the I/O-bound ideal); `cores`: this machine's.
    void setData(const QString &title, const std::vector<core::LabTiming> &table, int tasks, int cores);
    /// A line under the wall-time chart's title, in its exports too: how busy the machine was ("" for none).
    void setNote(const QString &note);
    void setDark(bool dark);
    QString title() const;
    /// The wall-time chart's title (the lab's name, what is measured, the note).
    QString wallTitle() const;
    /// What the bars show, for a work ("cpu"/"io") and a mode: seconds and ×; 0 where there is no bar.
    double wallSeconds(const QString &work, const QString &mode) const;
    double speedup(const QString &work, const QString &mode) const;
    /// Paints both charts into any painter (exports): wall times on the left, speedups on the right.
    void paintTo(QPainter &painter, const QRectF &rect);

protected:
    /// Side by side when wide, one above the other when not, so the mode names on the axes stay whole.
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild();
    double barValue(const QChart *chart, const QString &work, const QString &mode) const;

    QBoxLayout *m_layout = nullptr;
    QChartView *m_wallView = nullptr;
    QChartView *m_speedupView = nullptr;
    QChart *m_wall = nullptr;
    QChart *m_speedup = nullptr;
    void updateWallTitle();

    QString m_title;
    QString m_note;
    std::vector<core::LabTiming> m_table;
    int m_tasks = 4;
    int m_cores = 1;
};

/// "sequential", "GIL threads", "free threads", "processes": how a mode reads on an axis.
QString labModeLabel(const QString &mode);

} // namespace forkscope::ui
