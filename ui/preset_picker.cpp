#include "ui/preset_picker.hpp"

#include <QBoxLayout>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace forkscope::ui {

namespace {

/// Whether two field texts are the same value: "0.0002" and "2e-04", "2" and "2.0".
bool sameValue(const std::string &a, const std::string &b)
{
    if (a == b)
        return true;
    double x = 0;
    double y = 0;
    const auto [pa, ea] = std::from_chars(a.data(), a.data() + a.size(), x);
    const auto [pb, eb] = std::from_chars(b.data(), b.data() + b.size(), y);
    if (ea != std::errc() || eb != std::errc() || pa != a.data() + a.size() || pb != b.data() + b.size())
        return false;
    return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::max(std::fabs(x), std::fabs(y)));
}

} // namespace

PresetPicker::PresetPicker(std::function<bool(const QString &, const QString &)> apply, QWidget *parent)
        : QWidget(parent), m_apply(std::move(apply))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(tr("Preset"));
    layout->addWidget(label);
    m_combo = new QComboBox;
    m_combo->setObjectName(QStringLiteral("presets"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(6); // the panel's width is its own: a long name is cut, not widening it
    m_combo->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    label->setBuddy(m_combo);
    layout->addWidget(m_combo, 1);
    connect(m_combo, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            choose(m_combo->itemText(index));
    });
    hide();
}

void PresetPicker::setScenario(const core::Scenario &scenario)
{
    m_scenario = &scenario;
    m_combo->clear();
    m_combo->addItem(tr("your own settings"));
    m_combo->setItemData(0, tr("The fields as you set them: no preset's values"), Qt::ToolTipRole);
    // The defaults, to go back to after a preset.
    QStringList defaults;
    for (const core::ParamSpec &spec : scenario.params)
        defaults << QStringLiteral("--%1 %2").arg(QString::fromStdString(spec.name),
                                                  QString::fromStdString(spec.defaultValue));
    m_combo->addItem(defaultsName());
    m_combo->setItemData(1, tr("Sets %1").arg(defaults.join(QLatin1Char(' '))), Qt::ToolTipRole);
    for (const core::ScenarioPreset &preset : scenario.presets) {
        QStringList args;
        for (const auto &[name, value] : preset.params)
            args << QStringLiteral("--%1 %2").arg(QString::fromStdString(name),
                                                  QString::fromStdString(value));
        m_combo->addItem(QString::fromStdString(preset.name));
        m_combo->setItemData(m_combo->count() - 1, tr("Sets %1").arg(args.join(QLatin1Char(' '))),
                             Qt::ToolTipRole);
    }
    setVisible(!scenario.presets.empty());
}

QString PresetPicker::defaultsName() { return tr("the scenario's defaults"); }

namespace {

/// Whether the fields' `values` hold every (name, value) of `wanted`.
template <typename Pairs>
bool holds(const std::map<std::string, std::string> &values, const Pairs &wanted)
{
    for (const auto &[name, value] : wanted) {
        const auto it = values.find(name);
        if (it == values.end() || !sameValue(it->second, value))
            return false;
    }
    return true;
}

std::vector<std::pair<std::string, std::string>> defaultValues(const core::Scenario &scenario)
{
    std::vector<std::pair<std::string, std::string>> values;
    for (const core::ParamSpec &spec : scenario.params)
        values.emplace_back(spec.name, spec.defaultValue);
    return values;
}

} // namespace

void PresetPicker::follow(const std::map<std::string, std::string> &values)
{
    if (!m_scenario || m_applying)
        return;
    // A preset first (it names why its values were chosen), then the defaults, else the user's own.
    int match = 0;
    for (std::size_t i = 0; i < m_scenario->presets.size() && match == 0; ++i)
        if (holds(values, m_scenario->presets[i].params))
            match = static_cast<int>(i) + 2;
    if (match == 0 && holds(values, defaultValues(*m_scenario)))
        match = 1;
    m_combo->setCurrentIndex(match);
}

bool PresetPicker::choose(const QString &name)
{
    if (!m_scenario)
        return false;
    std::vector<std::pair<std::string, std::string>> values;
    if (name == defaultsName()) {
        values = defaultValues(*m_scenario);
    } else {
        const auto it = std::find_if(
            m_scenario->presets.begin(), m_scenario->presets.end(),
            [&](const core::ScenarioPreset &p) { return QString::fromStdString(p.name) == name; });
        if (it == m_scenario->presets.end())
            return false;
        values.assign(it->params.begin(), it->params.end());
    }
    bool ok = true;
    m_applying = true; // the fields report each change: name the choice once they all hold it
    for (const auto &[param, value] : values)
        ok = m_apply(QString::fromStdString(param), QString::fromStdString(value)) && ok;
    m_applying = false;
    m_combo->setCurrentText(name);
    return ok;
}

QString PresetPicker::current() const
{
    return m_combo->currentIndex() > 0 ? m_combo->currentText() : QString();
}

bool insertBelow(QWidget *anchor, QWidget *widget)
{
    auto *box = anchor && anchor->parentWidget()
        ? qobject_cast<QBoxLayout *>(anchor->parentWidget()->layout())
        : nullptr;
    const int index = box ? box->indexOf(anchor) : -1;
    if (index < 0)
        return false;
    box->insertWidget(index + 1, widget);
    return true;
}

} // namespace forkscope::ui
