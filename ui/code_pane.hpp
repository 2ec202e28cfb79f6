#pragma once

#include "core/plan/plan.hpp"
#include "core/scenario/scenarios.hpp"

#include <QTabWidget>

#include <map>
#include <string>

class QLabel;
class QPlainTextEdit;

namespace forkscope::ui {

class CodeHighlighter;

/// The shell command that runs `scenario`'s Python twin with `values` (parameter name → value, as the
/// parameters panel gives them), in the scenario's order of parameters: "python3 sleepers.py --kind
/// process --workers 10 --sleep 2 --join on --time-scale 1". A value the shell would split is quoted.
/// Empty when the scenario has no twin.
QString twinCommand(const core::Scenario &scenario, const std::map<std::string, std::string> &values);

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

private:
    const core::Scenario *m_scenario = nullptr;
    QLabel *m_command = nullptr;
    QWidget *m_commandRow = nullptr;
    QPlainTextEdit *m_python = nullptr;
    QPlainTextEdit *m_plan = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    CodeHighlighter *m_planHighlighter = nullptr;
};

} // namespace forkscope::ui
