#pragma once

// The window's Focus tab: the focus view of the run last shown on the timeline (a pipe's sequence diagram,
// a queue's fill, who took which message, the GIL's turns), painted as the slide is, at the tab's size.

#include "ui/focus/focus_views.hpp"

#include <QWidget>

#include <memory>
#include <span>
#include <vector>

namespace forkscope::ui {

class FocusWidget : public QWidget {
    Q_OBJECT
public:
    explicit FocusWidget(QWidget *parent = nullptr);

    /// Shows the focus view that fits this finished run (focusFor), or says that the run has none. What the
    /// view reads of the events (its messages or its queue's history) is worked out here, once, and kept;
    /// the events themselves are not (a paint never goes through them again).
    void setRun(std::shared_ptr<const TimelineModel> model, std::span<const core::Event> events,
                const QString &headline, const QString &caption);
    /// The same with the view and what it keeps worked out already (e.g. on another thread): `kind` is
    /// focusFor(*model, flows) and `kept` keptFor(kind, flows) of focusFlows(*model, events).
    void setRun(std::shared_ptr<const TimelineModel> model, const QString &headline, const QString &caption,
                FocusKind kind, FocusFlows kept);
    void clear();
    void setDark(bool dark);

    /// The view shown (Timeline: none fits, or no run yet).
    FocusKind kind() const { return m_kind; }
    /// What the shown view reads of the run's events, as worked out by setRun.
    const FocusFlows &flows() const { return m_flows; }
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
    FocusFlows m_flows;
    QString m_headline;
    QString m_caption;
    FocusKind m_kind = FocusKind::Timeline;
    bool m_dark = false;
};

/// How a focus view reads as a tab's title: "Focus: sequence", or "Focus" with none.
QString focusTabTitle(FocusKind kind);

} // namespace forkscope::ui
