#pragma once

// The window's Focus tab: the focus view of the run last shown on the timeline (a pipe's sequence diagram,
// a queue's fill, who took which message, the GIL's turns), painted as the slide is, at the tab's size.

#include "ui/focus/focus_views.hpp"

#include <QWidget>

#include <memory>
#include <vector>

namespace forkscope::ui {

class FocusWidget : public QWidget {
    Q_OBJECT
public:
    explicit FocusWidget(QWidget *parent = nullptr);

    /// Shows the focus view that fits this finished run (focusFor), or says that the run has none. The model
    /// is kept alive by the caller for as long as it is shown (or until clear()).
    void setRun(std::shared_ptr<const TimelineModel> model, std::vector<core::Event> events,
                const QString &headline, const QString &caption);
    void clear();
    void setDark(bool dark);

    /// The view shown (Timeline: none fits, or no run yet).
    FocusKind kind() const { return m_kind; }
    bool hasView() const { return m_kind != FocusKind::Timeline; }
    /// Paints the view into any painter (exports, the clipboard).
    void paintTo(QPainter &painter, const QRectF &rect) const;

signals:
    /// The view changed (a run was set or cleared): the tab's title follows it.
    void viewChanged(FocusKind kind);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::shared_ptr<const TimelineModel> m_model;
    std::vector<core::Event> m_events;
    QString m_headline;
    QString m_caption;
    FocusKind m_kind = FocusKind::Timeline;
    bool m_dark = false;
};

/// How a focus view reads as a tab's title: "Focus: sequence", or "Focus" with none.
QString focusTabTitle(FocusKind kind);

} // namespace forkscope::ui
