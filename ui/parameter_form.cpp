#include "ui/parameter_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

namespace forkscope::ui {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

/// Decimals a number editor keeps: enough for a 1 us think time or a 0.001 time scale.
constexpr int kDecimals = 6;

double roundToDecimals(double v) { return std::round(v * 1e6) / 1e6; }

/// What a number typed so far may still become: a sign, digits, one decimal point, an exponent.
bool partialNumber(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"(^[+-]?\d*(\.\d*)?([eE][+-]?\d*)?$)"));
    return re.match(text).hasMatch();
}

/// A number as the command line reads it (C locale, '.' as the decimal point), or nullopt.
std::optional<double> parseTyped(const QString &text)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

QString shortNumber(double v)
{
    QString s = QString::number(v, 'f', kDecimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s == QStringLiteral("-0") ? QStringLiteral("0") : s;
}

/// An integer editor that lets anything number-like be typed (a minus sign, too many digits) instead of
/// swallowing the keys, and turns it into the nearest value allowed when it is left.
class IntegerEditor : public QSpinBox {
public:
    std::function<void()> stepped; ///< the arrows or keys changed the value (not typing)

    QValidator::State validate(QString &input, int &) const override
    {
        const QString t = input.trimmed();
        bool ok = false;
        const qlonglong v = t.toLongLong(&ok);
        if (ok)
            return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
        return partialNumber(t) ? QValidator::Intermediate : QValidator::Invalid;
    }
    void fixup(QString &input) const override
    {
        if (const auto v = parseTyped(input))
            input = QString::number(std::clamp(std::llround(*v), qlonglong{minimum()}, qlonglong{maximum()}));
    }
    int valueFromText(const QString &text) const override { return text.trimmed().toInt(); }
    QString textFromValue(int value) const override { return QString::number(value); }
    void stepBy(int steps) override
    {
        QSpinBox::stepBy(steps);
        if (stepped)
            stepped();
    }
};

/// The same for a number: finer than kDecimals rounds, out of range goes to the nearest bound; shown
/// without trailing zeros ("0.0005", not "0.000500").
class NumberEditor : public QDoubleSpinBox {
public:
    std::function<void()> stepped;

    QValidator::State validate(QString &input, int &) const override
    {
        const QString t = input.trimmed();
        if (const auto v = parseTyped(t)) {
            const bool inRange = *v >= minimum() && *v <= maximum();
            return inRange && roundToDecimals(*v) == *v ? QValidator::Acceptable : QValidator::Intermediate;
        }
        return partialNumber(t) ? QValidator::Intermediate : QValidator::Invalid;
    }
    void fixup(QString &input) const override
    {
        if (const auto v = parseTyped(input))
            input = shortNumber(std::clamp(roundToDecimals(*v), minimum(), maximum()));
    }
    double valueFromText(const QString &text) const override { return parseTyped(text).value_or(value()); }
    QString textFromValue(double value) const override { return shortNumber(value); }
    void stepBy(int steps) override
    {
        QDoubleSpinBox::stepBy(steps);
        if (stepped)
            stepped();
    }
};

} // namespace

ParameterForm::ParameterForm(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *fields = new QWidget;
    m_form = new QFormLayout(fields);
    m_form->setContentsMargins(0, 0, 0, 0);
    // The field grows with the panel; in a narrow panel it goes under its name rather than off the edge.
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    layout->addWidget(fields);
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("parameterNotes"));
    m_note->setWordWrap(true);
    m_note->hide();
    layout->addWidget(m_note);
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #D55E00"));
    m_problem->hide();
    layout->addWidget(m_problem);
}

void ParameterForm::setScenario(const core::Scenario &scenario)
{
    if (m_scenario)
        m_remembered[m_scenario->id] = values();
    m_scenario = &scenario;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    m_notes.clear();
    for (const core::ParamSpec &spec : scenario.params) {
        QWidget *editor = makeEditor(spec);
        editor->setToolTip(fromStd(spec.help + " (" + spec.allowed() + ")"));
        editor->setObjectName(fromStd(spec.name));
        if (m_editorFilter)
            editor->installEventFilter(m_editorFilter);
        m_form->addRow(fromStd(spec.name), editor);
        m_editors.insert(fromStd(spec.name), editor);
    }
    if (const auto kept = m_remembered.find(scenario.id); kept != m_remembered.end())
        for (const auto &[name, value] : kept->second)
            setValue(fromStd(name), fromStd(value));
    showNotes();
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
        auto *spin = new IntegerEditor;
        spin->setRange(static_cast<int>(spec.min), static_cast<int>(spec.max));
        spin->setValue(def.toInt());
        connect(spin, &QSpinBox::valueChanged, this, &ParameterForm::validate);
        connect(spin->findChild<QLineEdit *>(), &QLineEdit::textEdited, this,
                [this, spec](const QString &typed) { noteTyped(spec, typed); });
        spin->stepped = [this, name = spec.name] {
            if (m_notes.erase(name) > 0)
                showNotes();
        };
        return spin;
    }
    case core::ParamSpec::Type::Number: break;
    }
    auto *spin = new NumberEditor;
    spin->setDecimals(kDecimals);
    spin->setRange(spec.min, spec.max);
    spin->setSingleStep(spec.name == "time-scale" ? 0.1 : 0.5);
    spin->setValue(def.toDouble());
    connect(spin, &QDoubleSpinBox::valueChanged, this, &ParameterForm::validate);
    connect(spin->findChild<QLineEdit *>(), &QLineEdit::textEdited, this,
            [this, spec](const QString &typed) { noteTyped(spec, typed); });
    spin->stepped = [this, name = spec.name] {
        if (m_notes.erase(name) > 0)
            showNotes();
    };
    return spin;
}

void ParameterForm::noteTyped(const core::ParamSpec &spec, const QString &typed)
{
    const QWidget *editor = m_editors.value(fromStd(spec.name));
    const QString name = fromStd(spec.name);
    QString note;
    const std::optional<double> v = parseTyped(typed);
    if (!v) {
        QString kept;
        if (const auto *spin = qobject_cast<const QAbstractSpinBox *>(editor))
            kept = spin->text();
        note = typed.trimmed().isEmpty()
            ? tr("%1: empty, so %2 stays (%3)").arg(name, kept, fromStd(spec.allowed()))
            : tr("%1: “%2” is not a number, so %3 stays (%4)")
                  .arg(name, typed.trimmed(), kept, fromStd(spec.allowed()));
    } else {
        const bool integer = spec.type == core::ParamSpec::Type::Integer;
        const double rounded = integer ? std::round(*v) : roundToDecimals(*v);
        const double runs = std::clamp(rounded, spec.min, spec.max);
        QString why;
        if (*v < spec.min)
            why = tr("is below the least allowed, %1").arg(shortNumber(spec.min));
        else if (*v > spec.max)
            why = tr("is above the most allowed, %1").arg(shortNumber(spec.max));
        else if (integer && rounded != *v)
            why = tr("is not a whole number");
        else if (rounded != *v)
            why = tr("has more than %1 decimals").arg(kDecimals);
        if (!why.isEmpty())
            note = tr("%1: %2 %3, so %4 will run").arg(name, typed.trimmed(), why, shortNumber(runs));
    }
    if (note.isEmpty())
        m_notes.erase(spec.name);
    else
        m_notes[spec.name] = note;
    showNotes();
}

void ParameterForm::showNotes()
{
    const QString text = notes();
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

QString ParameterForm::notes() const
{
    QStringList lines;
    for (const auto &[name, note] : m_notes)
        lines << note;
    return lines.join(QLatin1Char('\n'));
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
    } else if (auto *number = qobject_cast<QDoubleSpinBox *>(editor)) {
        const double v = value.toDouble(&ok);
        if (!ok || v < number->minimum() || v > number->maximum() || roundToDecimals(v) != v)
            return false;
        number->setValue(v);
    } else {
        return false;
    }
    if (m_notes.erase(name.toStdString()) > 0)
        showNotes();
    return true;
}

void ParameterForm::commitEdits()
{
    for (QWidget *editor : std::as_const(m_editors))
        if (auto *spin = qobject_cast<QAbstractSpinBox *>(editor))
            spin->interpretText();
}

void ParameterForm::remember(const std::string &id, const std::map<std::string, std::string> &values)
{
    m_remembered[id] = values;
    if (m_scenario && m_scenario->id == id)
        for (const auto &[name, value] : values)
            setValue(fromStd(name), fromStd(value));
}

std::map<std::string, std::map<std::string, std::string>> ParameterForm::rememberedValues() const
{
    auto all = m_remembered;
    if (m_scenario)
        all[m_scenario->id] = values();
    return all;
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

bool ParameterForm::valid() const { return m_scenario && m_valid; }

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
    m_valid = ok;
    emit validityChanged(ok);
}

} // namespace forkscope::ui
