// MainWindow, part three: the users' scenario files (ScenarioFiles: Open, Save, Save a Copy, Recent and the
// Scenario editor dock), the presets under the parameters and the Python pane's command, which follow the
// parameter fields. The logic lives in scenario_files, scenario_editor, preset_picker and code_pane.

#include "ui/main_window.hpp"

#include "ui/code_pane.hpp"
#include "ui/parameter_form.hpp"
#include "ui/preset_picker.hpp"
#include "ui/scenario_files.hpp"

namespace forkscope::ui {

void MainWindow::buildScenarioFiles()
{
    m_files = new ScenarioFiles(
        this, m_browser,
        {[this](const core::Scenario &s) { showScenario(s); }, [this] { return runScenario(); },
         [this] { return m_controller.running() || m_trialRunner.running(); }, [this] { return m_params->values(); },
         [this](const QString &name, const QString &value) { return setParameter(name, value); }});
    m_presets = new PresetPicker([this](const QString &name, const QString &value) { return setParameter(name, value); });
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
}

} // namespace forkscope::ui
