#pragma once

#include "core/scenario/scenarios.hpp"

#include <QWidget>

#include <functional>
#include <map>
#include <string>

class QComboBox;

namespace forkscope::ui {

/// The presets a scenario offers (core::Scenario::presets: the bank's "the tutorial's own settings"), as a
/// choice under the parameters, with the scenario's defaults to go back to: picking one sets the fields
/// through `apply`. While the fields hold a preset's values (or the defaults) the choice names it, else it
/// reads "your own settings". Hidden for a scenario without presets.
class PresetPicker : public QWidget {
    Q_OBJECT
public:
    /// `apply` sets one field (name, value); false if the field refuses the value.
    explicit PresetPicker(std::function<bool(const QString &, const QString &)> apply,
                          QWidget *parent = nullptr);

    /// Offers `scenario`'s presets (the scenario must outlive the picker, as shown scenarios do).
    void setScenario(const core::Scenario &scenario);
    /// Names the preset whose values `values` (the fields) hold, if any.
    void follow(const std::map<std::string, std::string> &values);
    /// Sets the fields to the preset named `name`; false if there is none or a field refused a value.
    bool choose(const QString &name);
    /// The preset the fields hold ("" if none).
    QString current() const;
    QComboBox *comboBox() const { return m_combo; }
    /// The choice that sets every field to its default ("the scenario's defaults").
    static QString defaultsName();

private:
    std::function<bool(const QString &, const QString &)> m_apply;
    const core::Scenario *m_scenario = nullptr;
    QComboBox *m_combo = nullptr;
    bool m_applying = false;
};

/// Puts `widget` right below `anchor` in the box layout that holds `anchor` (so a panel's layout can change
/// without its callers knowing where). False if `anchor` is in no box layout.
bool insertBelow(QWidget *anchor, QWidget *widget);

} // namespace forkscope::ui
