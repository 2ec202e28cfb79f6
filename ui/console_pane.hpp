#pragma once

#include "ui/run_controller.hpp"
#include "ui/timeline_model.hpp"

#include <QTextEdit>

namespace forkscope::ui {

/// The console: the lines the workers printed, in the order they printed them, each with its time and
/// worker, coloured per worker (as on the timeline's lanes).
class ConsolePane : public QTextEdit {
    Q_OBJECT
public:
    explicit ConsolePane(QWidget *parent = nullptr);

    /// Appends `lines`, printed by the lanes of `model`, in one block.
    void appendLines(const TimelineModel &model, const QVector<PrintedLine> &lines);
    /// Appends a line of the window's own in bold (a trials verdict).
    void appendNote(const QString &text);
    /// Colours later lines for a dark or light background.
    void setDark(bool dark) { m_dark = dark; }

private:
    QColor laneColour(std::uint32_t lane) const;

    bool m_dark = false;
};

} // namespace forkscope::ui
