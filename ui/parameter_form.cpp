#include "ui/parameter_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace forkscope::ui {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

} // namespace

ParameterForm::ParameterForm(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *fields = new QWidget;
    m_form = new QFormLayout(fields);
    m_form->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(fields);
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #D55E00"));
    m_problem->hide();
    layout->addWidget(m_problem);
}

void ParameterForm::setScenario(const core::Scenario &scenario)
{
    m_scenario = &scenario;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    for (const core::ParamSpec &spec : scenario.params) {
        QWidget *editor = makeEditor(spec);
        editor->setToolTip(fromStd(spec.help + " (" + spec.allowed() + ")"));
        editor->setObjectName(fromStd(spec.name));
        if (m_editorFilter)
            editor->installEventFilter(m_editorFilter);
        m_form->addRow(fromStd(spec.name), editor);
        m_editors.insert(fromStd(spec.name), editor);
    }
    validate();
}

QWidget *ParameterForm::makeEditor(const core::ParamSpec &spec)
{
    const QString def = fromStd(spec.defaultValue);
    switch (spec.type) {
    case core::ParamSpec::Type::Choice: {
        auto *combo = new QComboBox;
        for (const std::string &c : spec.choices)
            combo->addItem(fromStd(c));
        combo->setCurrentText(def);
        connect(combo, &QComboBox::currentTextChanged, this, &ParameterForm::validate);
        return combo;
    }
    case core::ParamSpec::Type::Integer: {
        auto *spin = new QSpinBox;
        spin->setRange(static_cast<int>(spec.min), static_cast<int>(spec.max));
        spin->setValue(def.toInt());
        connect(spin, &QSpinBox::valueChanged, this, &ParameterForm::validate);
        return spin;
    }
    case core::ParamSpec::Type::Number: break;
    }
    auto *spin = new QDoubleSpinBox;
    // Enough decimals for the smallest meaningful value: a 200 us think time, a 0.001 time scale.
    spin->setDecimals(spec.max <= 1 ? 6 : spec.name == "time-scale" ? 4 : 3);
    spin->setRange(spec.min, spec.max);
    spin->setSingleStep(spec.name == "time-scale" ? 0.1 : 0.5);
    spin->setValue(def.toDouble());
    connect(spin, &QDoubleSpinBox::valueChanged, this, &ParameterForm::validate);
    return spin;
}

std::map<std::string, std::string> ParameterForm::values() const
{
    std::map<std::string, std::string> values;
    for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
        QString text;
        if (auto *combo = qobject_cast<QComboBox *>(it.value()))
            text = combo->currentText();
        else if (auto *spin = qobject_cast<QSpinBox *>(it.value()))
            text = QString::number(spin->value());
        else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(it.value()))
            text = QString::number(dspin->value(), 'g', 10);
        values[it.key().toStdString()] = text.toStdString();
    }
    return values;
}

bool ParameterForm::setValue(const QString &name, const QString &value)
{
    QWidget *editor = m_editors.value(name);
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        const int index = combo->findText(value);
        if (index < 0)
            return false;
        combo->setCurrentIndex(index);
        return true;
    }
    bool ok = false;
    if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
        const int v = value.toInt(&ok);
        if (!ok || v < spin->minimum() || v > spin->maximum())
            return false;
        spin->setValue(v);
        return true;
    }
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor)) {
        const double v = value.toDouble(&ok);
        if (!ok || v < spin->minimum() || v > spin->maximum())
            return false;
        spin->setValue(v);
        return true;
    }
    return false;
}

std::string ParameterForm::problem(const QString &name, const QString &value) const
{
    if (!m_scenario)
        return "no scenario is selected";
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (core::buildPlan(*m_scenario, {{name.toStdString(), value.toStdString()}}, plan, values, error))
        return "--" + name.toStdString() + " '" + value.toStdString() + "' cannot be shown in the window";
    return error;
}

bool ParameterForm::valid() const
{
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    return m_scenario && core::buildPlan(*m_scenario, this->values(), plan, values, error);
}

void ParameterForm::validate()
{
    if (!m_scenario)
        return;
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    const bool ok = core::buildPlan(*m_scenario, this->values(), plan, values, error);
    m_problem->setText(fromStd(error));
    m_problem->setVisible(!ok);
    emit validityChanged(ok);
}

} // namespace forkscope::ui
