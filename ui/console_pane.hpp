#pragma once

#include "ui/run_controller.hpp"
#include "ui/timeline_model.hpp"

#include <QPlainTextEdit>
#include <QTimer>

#include <deque>

namespace forkscope::ui {

/// The console: the lines the workers printed, in the order they printed them, each with its time and
/// worker, coloured per worker (as on the timeline's lanes). Lines are inserted as text with a colour, not
/// parsed as HTML, and a few milliseconds' worth at a time: a run that prints thousands of lines between two
/// refreshes fills the console over the next turns of the event loop instead of holding the window (and the
/// clicks on it) until all are in. Like a terminal it keeps the last kScrollback lines: a run that prints
/// millions (every line is on the timeline, as a print marker) would otherwise hold a gigabyte of text layout.
/// A QPlainTextEdit, made for logs: its layout is per line, so dropping the oldest line as a new one comes in
/// costs the same in a full console as in an empty one (QTextEdit's document layout took ~100 ms a turn of
/// the event loop once 50,000 lines were kept, whatever few lines that turn inserted).
class ConsolePane : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ConsolePane(QWidget *parent = nullptr);

    /// Lines kept: older ones leave the top as new ones come in.
    static constexpr int kScrollback = 50'000;
    /// Lines given that were never shown, because kScrollback newer ones came before they could be.
    std::uint64_t skippedLines() const { return m_skipped; }

    /// Appends `lines`, printed by the lanes of `model`, after those already given.
    void appendLines(const TimelineModel &model, const QVector<PrintedLine> &lines);
    /// Appends a line of the window's own in bold (a trials verdict).
    void appendNote(const QString &text);
    /// Empties the console, lines not yet shown included.
    void clear();
    /// Lines given but not yet shown.
    std::size_t pendingLines() const { return m_pending.size(); }
    /// Shows every line given so far at once.
    void flush() { insertPending(-1); }
    /// Colours the lines for a dark or light background: those already shown and those to come.
    void setDark(bool dark);
    bool dark() const { return m_dark; }

private:
    /// A line waiting to be shown: formatted when it is inserted, so handing over a burst of lines only
    /// copies their (implicitly shared) texts.
    struct Pending {
        QString text;
        QString who; ///< the worker's name; empty for a note
        std::int64_t timeNs = 0;
        std::uint32_t lane = 0;
        bool note = false;
    };
    QColor laneColour(std::uint32_t lane) const;
    void skip(std::uint64_t lines);
    /// Inserts pending lines for about `budgetMs` (all of them when negative); schedules the rest.
    void insertPending(int budgetMs);

    bool m_dark = false;
    std::deque<Pending> m_pending;
    std::uint64_t m_skipped = 0; ///< in all
    std::uint64_t m_unsaid = 0;  ///< skipped and not yet said so in the console
    QTimer m_drain;              ///< inserts the next few ms' worth of pending lines
    double m_fullLineNs = 0;     ///< what a line cost a full console's last turns (inserted, oldest dropped)
};

} // namespace forkscope::ui
