// MainWindow, part three: the users' scenario files (ScenarioFiles: Open, Save, Save a Copy, Recent and the
// Scenario editor dock), the presets under the parameters and the Python pane's command, which follow the
// parameter fields. The logic lives in scenario_files, scenario_editor, preset_picker and code_pane.

#include "ui/main_window.hpp"

#include "ui/code_pane.hpp"
#include "ui/parameter_form.hpp"
#include "ui/preset_picker.hpp"
#include "ui/scenario_files.hpp"

#include <QLabel>

namespace forkscope::ui {

void MainWindow::buildScenarioFiles()
{
    m_files = new ScenarioFiles(
        this, m_browser,
        {[this](const core::Scenario &s) { showScenario(s); }, [this] { return runScenario(); },
         [this] { return m_controller.running() || m_trialRunner.running(); },
         [this] { return m_params->values(); },
         [this](const QString &name, const QString &value) { return setParameter(name, value); }});
    // Under the scenario's title, whose it is when it is not a built-in lesson.
    m_owner = new QLabel;
    m_owner->setObjectName(QStringLiteral("scenarioOwner"));
    m_owner->setWordWrap(true);
    m_owner->setTextFormat(Qt::PlainText);
    m_owner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_owner->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont italic = m_owner->font();
    italic.setItalic(true);
    m_owner->setFont(italic);
    m_owner->hide();
    insertBelow(m_scenarioTitle, m_owner);
    m_presets = new PresetPicker(
        [this](const QString &name, const QString &value) { return setParameter(name, value); });
    insertBelow(m_params, m_presets);
    // Every edit of a field is checked (validityChanged): the twin's command and the preset follow it.
    connect(m_params, &ParameterForm::validityChanged, this, [this] {
        const auto values = m_params->values();
        m_code->showParameters(values);
        m_presets->follow(values);
    });
}

void MainWindow::followScenario(const core::Scenario &scenario)
{
    m_presets->setScenario(scenario);
    const auto values = m_params->values();
    m_presets->follow(values);
    m_code->showParameters(values);
    m_files->scenarioShown(scenario);
    // A user's own file is marked as theirs in the heading and the title bar, never taken for a lesson.
    const QString owner = m_files->ownerNote(scenario);
    m_owner->setText(owner);
    m_owner->setToolTip(owner.isEmpty() ? QString() : tr("Not a built-in lesson: a scenario file of yours"));
    m_owner->setVisible(!owner.isEmpty());
    setWindowTitle(owner.isEmpty()
                       ? tr("Forkscope")
                       : tr("%1 (%2) — Forkscope").arg(QString::fromStdString(scenario.title), owner));
}

} // namespace forkscope::ui
