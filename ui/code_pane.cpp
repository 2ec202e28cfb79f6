#include "ui/code_pane.hpp"

#include "core/plan/plan_description.hpp"
#include "ui/code_highlighter.hpp"

#include <QFile>
#include <QFontDatabase>
#include <QPlainTextEdit>

namespace forkscope::ui {

namespace {

/// The scenario's Python twin, read from beside its file.
QString loadTwin(const core::Scenario &scenario)
{
    const QString path = QString::fromStdString(scenario.pythonPath());
    if (path.isEmpty())
        return QObject::tr("# (this scenario has no Python twin: its file names none under \"python\")");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QObject::tr("# (the Python twin of this scenario is missing: %1)").arg(path);
    return QString::fromUtf8(file.readAll());
}

} // namespace

CodePane::CodePane(QWidget *parent) : QTabWidget(parent)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_python = new QPlainTextEdit;
    m_plan = new QPlainTextEdit;
    for (QPlainTextEdit *edit : {m_python, m_plan}) {
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    addTab(m_python, tr("Python (tutorial)"));
    addTab(m_plan, tr("What runs (C++)"));
    setDark(false);
}

void CodePane::showScenario(const core::Scenario &scenario)
{
    m_python->setPlainText(loadTwin(scenario));
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (core::buildPlan(scenario, {}, plan, values, error))
        showPlan(plan);
}

void CodePane::showPlan(const core::Plan &plan)
{
    m_plan->setPlainText(QString::fromStdString(core::describePlan(plan)));
}

void CodePane::setDark(bool dark)
{
    // One highlighter per document, replaced when the theme changes (they re-colour on their own as the
    // text changes).
    delete m_pythonHighlighter;
    delete m_planHighlighter;
    m_pythonHighlighter = new CodeHighlighter(m_python->document(), CodeHighlighter::Language::Python, dark);
    m_planHighlighter = new CodeHighlighter(m_plan->document(), CodeHighlighter::Language::Cpp, dark);
}

} // namespace forkscope::ui
