#include "ui/preset_picker.hpp"

#include <QBoxLayout>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

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
    m_combo->setMinimumContentsLength(12);
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

void PresetPicker::follow(const std::map<std::string, std::string> &values)
{
    if (!m_scenario || m_applying)
        return;
    int match = 0;
    for (std::size_t i = 0; i < m_scenario->presets.size() && match == 0; ++i) {
        bool all = true;
        for (const auto &[name, value] : m_scenario->presets[i].params) {
            const auto it = values.find(name);
            all = all && it != values.end() && sameValue(it->second, value);
        }
        if (all)
            match = static_cast<int>(i) + 1;
    }
    m_combo->setCurrentIndex(match);
}

bool PresetPicker::choose(const QString &name)
{
    if (!m_scenario)
        return false;
    for (const core::ScenarioPreset &preset : m_scenario->presets) {
        if (QString::fromStdString(preset.name) != name)
            continue;
        bool ok = true;
        m_applying = true; // the fields report each change: name the preset once they all hold it
        for (const auto &[param, value] : preset.params)
            ok = m_apply(QString::fromStdString(param), QString::fromStdString(value)) && ok;
        m_applying = false;
        m_combo->setCurrentText(name);
        return ok;
    }
    return false;
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
