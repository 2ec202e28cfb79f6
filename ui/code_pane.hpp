#pragma once

#include "core/plan/plan.hpp"
#include "core/scenario/scenarios.hpp"

#include <QTabWidget>

class QPlainTextEdit;

namespace forkscope::ui {

class CodeHighlighter;

/// The code pane: the tutorial's Python for a scenario, and what the runner actually executes (its plan
/// written as C++, core::describePlan), both read-only and highlighted.
class CodePane : public QTabWidget {
    Q_OBJECT
public:
    explicit CodePane(QWidget *parent = nullptr);

    /// Shows `scenario`'s Python and the plan its default parameters make.
    void showScenario(const core::Scenario &scenario);
    /// Shows `plan` as what runs (the plan of the parameters a run was started with).
    void showPlan(const core::Plan &plan);
    /// Re-colours both for a dark or light background.
    void setDark(bool dark);

private:
    QPlainTextEdit *m_python = nullptr;
    QPlainTextEdit *m_plan = nullptr;
    CodeHighlighter *m_pythonHighlighter = nullptr;
    CodeHighlighter *m_planHighlighter = nullptr;
};

} // namespace forkscope::ui
