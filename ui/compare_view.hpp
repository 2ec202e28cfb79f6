#pragma once

#include "ui/timeline_painter.hpp"

#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

namespace forkscope::ui {

/// One finished run kept for comparison.
struct PastRun {
    QString label; ///< "kind process, workers 10"
    std::int64_t wallNs = 0;
    std::shared_ptr<const TimelineModel> model;
};

/// Paints runs stacked on one shared time axis, each band titled with its label and total wall time, so
/// "sequential 20 s" and "processes 2 s" sit on one slide. Shared by the widget and the exporters.
void paintComparison(QPainter &painter, const QRectF &rect, const std::vector<PastRun> &runs,
                     const QString &title, const Theme &theme);

/// The Compare tab: the previous runs of the selected scenario, newest last.
class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget *parent = nullptr);
    void setRuns(std::vector<PastRun> runs, const QString &title);
    const std::vector<PastRun> &runs() const { return m_runs; }
    const QString &title() const { return m_title; }
    void setTheme(const Theme &theme);
    QSize sizeHint() const override { return {900, 420}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::vector<PastRun> m_runs;
    QString m_title;
    Theme m_theme = Theme::light();
};

} // namespace forkscope::ui
