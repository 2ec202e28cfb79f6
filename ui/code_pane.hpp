#pragma once

#include "core/plan/plan.hpp"
#include "core/scenario/scenarios.hpp"

#include <QLabel>
#include <QStringList>
#include <QTabWidget>

#include <map>
#include <string>

class QPlainTextEdit;
class QToolButton;

namespace forkscope::ui {

class CodeHighlighter;

/// The shell command that runs `scenario`'s Python twin with `values` (parameter name → value, as the
/// parameters panel gives them), in the scenario's order of parameters: "python3 sleepers.py --kind
/// process --workers 10 --sleep 2 --join on --time-scale 1". A value the shell would split is quoted.
/// Empty when the scenario has no twin.
QString twinCommand(const core::Scenario &scenario, const std::map<std::string, std::string> &values);

/// The parts of that command, each never broken: "python3 sleepers.py", then one per option with its value
/// ("--workers 10").
QStringList twinCommandParts(const core::Scenario &scenario,
                             const std::map<std::string, std::string> &values);

/// A shell command shown as a shell user would break it: "$ " first, whole options per line, each line but
/// the last ending in a backslash, the next indented, re-broken as the width changes (a QLabel's own word
/// wrap breaks "--updates" after its dashes).
class CommandLine : public QLabel {
    Q_OBJECT
public:
    explicit CommandLine(QWidget *parent = nullptr);
    /// The command's parts, each kept on one line.
    void setParts(const QStringList &parts);
    /// Copy, at the first line's end.
    QToolButton *copyButton() const { return m_copy; }
    /// Shows at most `lines` lines; a longer command ends in "…" there, and its tooltip shows it whole.
    void setMaxLines(int lines);
    /// What the tooltip says about the command (the whole command follows it when it is cut).
    void setAbout(const QString &about);
    /// Whether the command shown is cut short.
    bool isCut() const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void relayout();
    QStringList m_parts;
    QToolButton *m_copy = nullptr;
    int m_maxLines = 100;
    QString m_about;
};

/// The code pane: the tutorial's Python for a scenario, with the command that runs it with the parameters
/// shown above it, and what the runner actually executes (its plan written as C++, core::describePlan),
/// both read-only and highlighted.
class CodePane : public QTabWidget {
    Q_OBJECT
public:
    explicit CodePane(QWidget *parent = nullptr);

    /// Shows `scenario`'s Python and the plan its default parameters make.
    void showScenario(const core::Scenario &scenario);
    /// Shows, above the Python, the command that runs it with `values` (the parameters panel's, as they
    /// change).
    void showParameters(const std::map<std::string, std::string> &values);
    /// The command shown above the Python ("" when the scenario has no twin).
    QString command() const;
    /// Shows `plan` as what runs (the plan of the parameters a run was started with).
    void showPlan(const core::Plan &plan);
    /// Re-colours both for a dark or light background.
    void setDark(bool dark);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    const core::Scenario *m_scenario = nullptr;
    CommandLine *m_command = nullptr;
    QString m_commandText; ///< the command on one line, as Copy puts it on the clipboard
    QWidget *m_commandRow = nullptr;
    QPlainTextEdit *m_python = nullptr;
    QPlainTextEdit *m_plan = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    CodeHighlighter *m_planHighlighter = nullptr;
};

} // namespace forkscope::ui
