#include "ui/console_pane.hpp"

#include <QElapsedTimer>
#include <QFontDatabase>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

#include <algorithm>
#include <array>
#include <climits>
#include <vector>

namespace forkscope::ui {

namespace {

// Okabe-Ito hues, darker on light backgrounds so the text stays readable; index 0 is main.
constexpr std::array<QRgb, 8> kLight{0x333333, 0x005A9C, 0xA05000, 0x007A55,
                                     0x9B3078, 0x8A6D00, 0xB33C00, 0x2F6EA0};
constexpr std::array<QRgb, 8> kDark{0xEEEEEE, 0x56B4E9, 0xE69F00, 0x009E73,
                                    0xCC79A7, 0xF0E442, 0xD55E00, 0x90C8F0};

} // namespace

/// How long one turn of the event loop may spend inserting lines: well under a frame.
constexpr int kInsertBudgetMs = 6;

ConsolePane::ConsolePane(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false); // a log: nothing to undo, and no copy of every insertion kept
    setMaximumBlockCount(kScrollback);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setToolTip(tr("What the workers printed, in the order it happened"));
    m_drain.setSingleShot(true);
    m_drain.setInterval(0);
    m_drain.setObjectName(QStringLiteral("console insert")); // named for bench/latency_bench's profile
    connect(&m_drain, &QTimer::timeout, this, [this] { insertPending(kInsertBudgetMs); });
}

void ConsolePane::clear()
{
    m_pending.clear();
    m_skipped = 0;
    m_unsaid = 0;
    m_drain.stop();
    QPlainTextEdit::clear();
}

void ConsolePane::insertPending(int budgetMs)
{
    if (m_pending.empty())
        return;
    if (m_unsaid > 0) {
        // Where lines were left out, the console says so (the timeline has every one).
        m_pending.push_front({tr("… %n line(s) printed here are not shown: the console keeps the last %1; "
                                 "the timeline has every one",
                                 nullptr, static_cast<int>(std::min<std::uint64_t>(m_unsaid, INT_MAX)))
                                  .arg(kScrollback),
                              QString(), 0, 0, true});
        m_unsaid = 0;
    }
    QElapsedTimer clock;
    clock.start();
    // Follow the end only if the reader is there: someone scrolled up to read stays where they are.
    QScrollBar *bar = verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    QTextCharFormat lineFormat;
    QTextCharFormat noteFormat;
    noteFormat.setFontWeight(QFont::Bold);
    int inserted = 0;
    // In a full console each line also drops the oldest when the edit block ends, after the inserting: that
    // took 20-80 ms a turn for the 1,000-2,600 lines its 6 ms of inserting brought (bench/latency_bench, a
    // live run printing a million lines). A full console's turn takes the lines its budget pays for at what a
    // line cost the last turns, both parts together.
    const bool full = document()->blockCount() >= kScrollback;
    const int most = budgetMs >= 0 && full && m_fullLineNs > 0
        ? std::max(16, static_cast<int>(budgetMs * 1e6 / m_fullLineNs))
        : INT_MAX;
    while (!m_pending.empty() && inserted < most) {
        const Pending &line = m_pending.front();
        if (!document()->isEmpty())
            cursor.insertBlock();
        if (line.note) {
            cursor.insertText(line.text, noteFormat);
        } else {
            lineFormat.setForeground(laneColour(line.lane));
            const QString time = QString::number(static_cast<double>(line.timeNs) / 1e9, 'f', 3);
            cursor.insertText(QStringLiteral("[%1 s %2] %3").arg(time, line.who, line.text), lineFormat);
        }
        m_pending.pop_front();
        // The clock is read every 64 lines: reading it is not free either.
        if (++inserted % 64 == 0 && budgetMs >= 0 && clock.elapsed() >= budgetMs)
            break;
    }
    const bool dropping = document()->blockCount() > kScrollback;
    cursor.endEditBlock(); // a full console drops as many lines from its top here
    if (atEnd)
        bar->setValue(bar->maximum());
    if (dropping && inserted > 0 && budgetMs >= 0) {
        // What a line cost this turn, inserting and dropping the oldest: the next turns take as many as fit.
        const double perLine = static_cast<double>(clock.nsecsElapsed()) / inserted;
        m_fullLineNs = m_fullLineNs > 0 ? (m_fullLineNs + perLine) / 2 : perLine;
    }
    if (!m_pending.empty())
        m_drain.start();
}

void ConsolePane::skip(std::uint64_t lines)
{
    m_skipped += lines;
    m_unsaid += lines;
}

QColor ConsolePane::laneColour(std::uint32_t lane) const
{
    const std::size_t index = lane == 0 ? 0 : 1 + (lane - 1) % 7;
    return QColor(m_dark ? kDark[index] : kLight[index]);
}

void ConsolePane::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    // The lines already there take the new theme's colour of their worker: each run of text in one of the
    // old theme's colours gets the new theme's colour at the same index (notes have none: they follow the
    // palette by themselves).
    const std::array<QRgb, 8> &from = dark ? kLight : kDark;
    const std::array<QRgb, 8> &to = dark ? kDark : kLight;
    struct Recolour {
        int position;
        int length;
        QTextCharFormat format;
    };
    std::vector<Recolour> recolour; // collected first: changing formats merges fragments under an iterator
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            QTextCharFormat format = fragment.charFormat();
            if (!format.hasProperty(QTextFormat::ForegroundBrush))
                continue;
            const QRgb rgb = format.foreground().color().rgb() & 0xFFFFFF;
            const auto at = std::find(from.begin(), from.end(), rgb);
            if (at == from.end())
                continue;
            format.setForeground(QColor(to[static_cast<std::size_t>(at - from.begin())]));
            recolour.push_back({fragment.position(), fragment.length(), format});
        }
    }
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    for (const Recolour &r : recolour) {
        cursor.setPosition(r.position);
        cursor.setPosition(r.position + r.length, QTextCursor::KeepAnchor);
        cursor.setCharFormat(r.format);
    }
    cursor.endEditBlock();
}

void ConsolePane::appendLines(const TimelineModel &model, const QVector<PrintedLine> &lines)
{
    if (lines.isEmpty())
        return;
    // Lines that kScrollback later ones will push out before they are shown are not even looked at; the
    // rest are formatted only as each is inserted. Each worker's name is converted once per hand-over.
    const auto keep = std::min<qsizetype>(lines.size(), kScrollback);
    skip(static_cast<std::uint64_t>(lines.size() - keep));
    std::vector<QString> names(model.laneCount());
    for (qsizetype i = lines.size() - keep; i < lines.size(); ++i) {
        const PrintedLine &line = lines[i];
        QString who;
        if (line.lane < names.size()) {
            if (names[line.lane].isNull())
                names[line.lane] = QString::fromStdString(model.lane(line.lane).info.name);
            who = names[line.lane];
        }
        m_pending.push_back({line.text, who, line.timeNs, line.lane, false});
    }
    if (m_pending.size() > static_cast<std::size_t>(kScrollback)) {
        const std::size_t over = m_pending.size() - kScrollback;
        m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(over));
        skip(over);
    }
    insertPending(kInsertBudgetMs);
}

void ConsolePane::appendNote(const QString &text)
{
    m_pending.push_back({text, QString(), 0, 0, true});
    insertPending(kInsertBudgetMs);
}

} // namespace forkscope::ui
