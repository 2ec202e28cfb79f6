#pragma once

#include "core/scenario/scenario_file.hpp"

#include <QFutureWatcher>
#include <QPlainTextEdit>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QListWidget;
class QAction;
class QToolBar;
class QToolButton;

namespace forkscope::ui {

class CodeHighlighter;

/// Where a problem's line and column (1-based, in characters as core counts them) fall in `document`, as a
/// position of a QTextCursor (which counts UTF-16 units); past a line's end, the line's end.
int textPosition(const QTextDocument &document, int line, int column);

/// The text a problem marks: from its place to the end of the token there (a string, a number or a word;
/// for an object or a list, the rest of the line), at least one character. Returns (start, end).
std::pair<int, int> problemExtent(const QTextDocument &document, int line, int column);

/// The editor's text pane: a QPlainTextEdit with line numbers in a margin, where a line with a problem
/// also gets a red mark, and each problem's text is underlined with its message as the tooltip.
class ScenarioTextEdit : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ScenarioTextEdit(QWidget *parent = nullptr);

    void setProblems(const std::vector<core::ScenarioProblem> &problems);
    /// Lines (1-based) with a problem's mark in the margin.
    std::vector<int> markedLines() const;
    /// The underlined ranges, (start, end) positions, in the order of the problems.
    std::vector<std::pair<int, int>> underlined() const;
    int marginWidth() const;
    void paintMargin(QPaintEvent *event);

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    QWidget *m_margin = nullptr;
    std::vector<core::ScenarioProblem> m_problems;
};

/// The Scenario editor: a scenario file's JSON, highlighted, checked as it is typed — core::parseScenario
/// on the text ~300 ms after the last key, on a worker thread (building a large file's plans can take a
/// while) — with every problem listed under the text and marked in it (underline, margin mark); a click on
/// a problem moves the cursor to it. Run, Save and Save a Copy are asked of its owner (ScenarioFiles),
/// which knows which file the text belongs to.
class ScenarioEditor : public QWidget {
    Q_OBJECT
public:
    explicit ScenarioEditor(QWidget *parent = nullptr);
    ~ScenarioEditor() override;

    /// Shows `text` to edit: the contents of `fileName` (named in problems), described by `label` in the
    /// header ("sleepers.json — built-in lesson"). `saveWrites`: Save writes the file back (a user's file);
    /// otherwise Save makes a copy. The cursor stays where it was when `text` is the text shown already.
    void setDocument(const QString &text, const QString &fileName, const QString &label, bool saveWrites);
    /// Replaces the text (a file reloaded from disk), keeping the header.
    void replaceText(const QString &text);
    QString text() const;
    QString fileName() const { return m_fileName; }
    /// Marks the text as differing, or not, from its file (the header shows it).
    void setModified(bool modified);
    bool isModified() const { return m_modified; }

    /// Checks the text as it is now, on this thread, if the last check was not of it; true if it makes a
    /// scenario (then `scenario()` holds it).
    bool checkNow();
    /// Whether the problems and scenario shown are those of the text as it is now.
    bool checkedUpToDate() const;
    /// The problems of the last check (empty if it made a scenario).
    const std::vector<core::ScenarioProblem> &problems() const { return m_problems; }
    /// The scenario the last check made (when it had no problems).
    const std::optional<core::Scenario> &scenario() const { return m_scenario; }
    /// Moves the cursor to problem `index`'s place and gives the text the focus.
    void goToProblem(int index);

    ScenarioTextEdit *textEdit() const { return m_edit; }
    QListWidget *problemList() const { return m_list; }
    QToolButton *runButton() const;
    /// What the status line says ("a scenario Forkscope can run", "2 problems", "checking…").
    QString statusText() const;

signals:
    void runRequested();
    void saveRequested();
    void saveCopyRequested();
    /// The user changed the text (not setDocument or replaceText).
    void textEdited();
    /// A check finished and its result is shown; `ok`: the text makes a scenario.
    void checked(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Check {
        quint64 revision = 0;
        bool ok = false;
        std::optional<core::Scenario> scenario;
        std::vector<core::ScenarioProblem> problems;
    };
    static Check check(const QString &text, const QString &fileName, quint64 revision);
    void startCheck();
    void applyCheck(Check result);
    void showHeader();
    void setDark(bool dark);

    ScenarioTextEdit *m_edit = nullptr;
    CodeHighlighter *m_highlighter = nullptr;
    QLabel *m_header = nullptr;
    QLabel *m_status = nullptr;
    QListWidget *m_list = nullptr;
    QToolBar *m_bar = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveCopyAction = nullptr;
    QTimer m_debounce;
    QFutureWatcher<Check> m_watcher;
    bool m_checking = false;

    QString m_fileName;
    QString m_label;
    bool m_saveWrites = false;
    bool m_modified = false;
    bool m_settingText = false;
    bool m_dark = false;
    quint64 m_revision = 0;        ///< counts the text's changes
    quint64 m_checkedRevision = 0; ///< the revision the problems shown are of (0: none yet)
    std::vector<core::ScenarioProblem> m_problems;
    std::optional<core::Scenario> m_scenario;
};

} // namespace forkscope::ui
