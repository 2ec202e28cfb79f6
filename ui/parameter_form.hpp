#pragma once

#include "core/scenario/scenarios.hpp"

#include <QMap>
#include <QString>
#include <QWidget>

#include <map>
#include <string>

class QFormLayout;
class QLabel;

namespace forkscope::ui {

/// A scenario's parameters as a form: one editor per ParamSpec (a combo box for a choice, spin boxes for
/// numbers, which refuse what is out of range as it is typed), each named after its parameter. The values
/// are checked together as they are edited (buildPlan, as the command line checks them): what is wrong is
/// shown under the editors and validityChanged() tells the window whether Run can be pressed.
class ParameterForm : public QWidget {
    Q_OBJECT
public:
    explicit ParameterForm(QWidget *parent = nullptr);

    /// Replaces the editors with `scenario`'s, at their defaults. The scenario must outlive the form (the
    /// built-in ones do).
    void setScenario(const core::Scenario &scenario);
    const core::Scenario *scenario() const { return m_scenario; }
    /// The values shown, by parameter name, as the command line would give them ("process", "3", "0.05").
    std::map<std::string, std::string> values() const;
    /// Shows `value` in `name`'s editor; false if there is no such parameter or the editor cannot show it.
    bool setValue(const QString &name, const QString &value);
    /// Why `value` is not accepted for `name` (buildPlan's message naming what is allowed).
    std::string problem(const QString &name, const QString &value) const;
    /// Whether the values shown make a runnable plan.
    bool valid() const;
    /// Every editor, now and after setScenario(), gets `filter` (the window's shortcuts win over the
    /// editors' own keys).
    void setEditorEventFilter(QObject *filter) { m_editorFilter = filter; }

signals:
    /// The values were checked (after an edit or a new scenario); `valid`: they make a runnable plan.
    void validityChanged(bool valid);

private:
    QWidget *makeEditor(const core::ParamSpec &spec);
    void validate();

    const core::Scenario *m_scenario = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_problem = nullptr;
    QMap<QString, QWidget *> m_editors;
    QObject *m_editorFilter = nullptr;
};

} // namespace forkscope::ui
