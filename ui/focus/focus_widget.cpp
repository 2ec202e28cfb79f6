#include "ui/focus/focus_widget.hpp"

#include "ui/timeline/theme.hpp"

#include <QPainter>

namespace forkscope::ui {

FocusWidget::FocusWidget(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(320, 200);
    setToolTip(tr("One picture of what the run was about where its timeline is a barcode: a pipe's messages, "
                  "a queue's fill, who took which message, the GIL's turns"));
}

void FocusWidget::setRun(std::shared_ptr<const TimelineModel> model, std::span<const core::Event> events,
                         const QString &headline, const QString &caption)
{
    FocusChoice choice;
    if (model)
        choice = chooseFocus(*model, events);
    setRun(std::move(model), headline, caption, choice.kind, std::move(choice.kept));
}

void FocusWidget::setRun(std::shared_ptr<const TimelineModel> model, const QString &headline,
                         const QString &caption, FocusKind kind, FocusFlows kept)
{
    m_model = std::move(model);
    m_headline = headline;
    m_caption = caption;
    m_kind = m_model ? kind : FocusKind::Timeline;
    m_flows = m_model ? std::move(kept) : FocusFlows{};
    update();
    emit viewChanged(m_kind);
}

void FocusWidget::clear() { setRun(nullptr, {}, {}, {}); }

void FocusWidget::setDark(bool dark)
{
    m_dark = dark;
    update();
}

void FocusWidget::paintTo(QPainter &painter, const QRectF &rect) const
{
    if (!hasView())
        return;
    FocusInput input{m_model.get(), {}, &m_flows, m_headline, m_caption, m_dark};
    paintFocus(m_kind, painter, rect, input);
}

void FocusWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const Theme theme = m_dark ? Theme::dark() : Theme::light();
    if (hasView()) {
        paintTo(painter, rect());
        return;
    }
    painter.fillRect(rect(), theme.background);
    painter.setPen(theme.mutedText);
    painter.drawText(rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap,
                     m_model
                         ? tr("This run's timeline says it all: it has no pipe, no full queue, no shared-out "
                              "messages and no GIL to focus on.")
                         : tr("Run a scenario: runs with a pipe, a bounded queue, messages shared among "
                              "workers or threads under a GIL get a focus view here."));
}

QString focusTabTitle(FocusKind kind)
{
    switch (kind) {
    case FocusKind::Sequence: return QObject::tr("Focus: pipe");
    case FocusKind::QueueFill: return QObject::tr("Focus: queue fill");
    case FocusKind::Dispatch: return QObject::tr("Focus: who took what");
    case FocusKind::Gil: return QObject::tr("Focus: GIL turns");
    case FocusKind::Timeline: break;
    }
    return QObject::tr("Focus");
}

} // namespace forkscope::ui
