#include "ui/console_pane.hpp"

#include <QFontDatabase>

#include <array>

namespace forkscope::ui {

ConsolePane::ConsolePane(QWidget *parent) : QTextEdit(parent)
{
    setReadOnly(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setToolTip(tr("What the workers printed, in the order it happened"));
}

QColor ConsolePane::laneColour(std::uint32_t lane) const
{
    // Okabe-Ito hues, darker on light backgrounds so the text stays readable.
    static const std::array<QRgb, 8> light{0x333333, 0x005A9C, 0xA05000, 0x007A55,
                                           0x9B3078, 0x8A6D00, 0xB33C00, 0x2F6EA0};
    static const std::array<QRgb, 8> dark{0xEEEEEE, 0x56B4E9, 0xE69F00, 0x009E73,
                                          0xCC79A7, 0xF0E442, 0xD55E00, 0x90C8F0};
    const std::size_t index = lane == 0 ? 0 : 1 + (lane - 1) % 7;
    return QColor(m_dark ? dark[index] : light[index]);
}

void ConsolePane::appendLines(const TimelineModel &model, const QVector<PrintedLine> &lines)
{
    if (lines.isEmpty())
        return;
    QString html;
    for (const PrintedLine &line : lines) {
        const QString who = line.lane < model.laneCount()
            ? QString::fromStdString(model.lane(line.lane).info.name)
            : QString();
        // white-space: pre keeps a printed table's columns (HTML would fold its runs of spaces).
        const QString time = QString::number(static_cast<double>(line.timeNs) / 1e9, 'f', 3);
        html += QStringLiteral("<span style=\"color:%1; white-space:pre\">[%2 s %3] %4</span><br>")
                    .arg(laneColour(line.lane).name(), time, who.toHtmlEscaped(), line.text.toHtmlEscaped());
    }
    html.chop(4);
    append(html);
}

void ConsolePane::appendNote(const QString &text)
{
    append(QStringLiteral("<b>%1</b>").arg(text.toHtmlEscaped()));
}

} // namespace forkscope::ui
