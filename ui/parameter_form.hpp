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
/// numbers), each named after its parameter. A number may be typed as it comes to mind: what is out of
/// range (-5, 99999) or finer than the editor keeps becomes the nearest value allowed when the editor is
/// left, and a note under the editors says so — "workers: -5 is below the least allowed, 1: 1 will run" —
/// so the value that will run is always the one shown, and why it changed is said. The values are checked
/// together as they are edited (buildPlan, as the command line checks them): what is wrong is shown under
/// the editors and validityChanged() tells the window whether Run can be pressed. Each scenario's values are
/// kept while the form shows another one, so switching back finds them as they were left.
class ParameterForm : public QWidget {
    Q_OBJECT
public:
    explicit ParameterForm(QWidget *parent = nullptr);

    /// Replaces the editors with `scenario`'s, at the values last shown for it (remember()ed or edited
    /// before another scenario was shown), else at its defaults. The scenario must outlive the form (the
    /// built-in ones do).
    void setScenario(const core::Scenario &scenario);
    const core::Scenario *scenario() const { return m_scenario; }
    /// The values shown, by parameter name, as the command line would give them ("process", "3", "0.05").
    std::map<std::string, std::string> values() const;
    /// Shows `value` in `name`'s editor; false if there is no such parameter or the editor cannot show it.
    bool setValue(const QString &name, const QString &value);
    /// Why `value` is not accepted for `name` (buildPlan's message naming what is allowed).
    std::string problem(const QString &name, const QString &value) const;
    /// Whether the values shown make a runnable plan: as last checked, after the last edit (a check builds
    /// the plan, ~60 ms for a million items, and the window asks whenever a run starts or ends).
    bool valid() const;
    /// Takes what is being typed in an editor as if the editor were left (out-of-range text becomes the
    /// nearest value allowed, with its note): Run calls this first, so the value run is the one shown.
    void commitEdits();
    /// The values to show for scenario `id` when it is next shown (remembered settings).
    void remember(const std::string &id, const std::map<std::string, std::string> &values);
    /// Every scenario's values the form keeps (the one shown included), by scenario id.
    std::map<std::string, std::map<std::string, std::string>> rememberedValues() const;
    /// The notes under the editors, one per parameter whose value was changed from what was typed ("" if
    /// none).
    QString notes() const;
    /// Every editor, now and after setScenario(), gets `filter` (the window's shortcuts win over the
    /// editors' own keys).
    void setEditorEventFilter(QObject *filter) { m_editorFilter = filter; }

signals:
    /// The values were checked (after an edit or a new scenario); `valid`: they make a runnable plan.
    void validityChanged(bool valid);

private:
    QWidget *makeEditor(const core::ParamSpec &spec);
    /// What was typed in `spec`'s editor against what it holds: a note when they differ.
    void noteTyped(const core::ParamSpec &spec, const QString &typed);
    void showNotes();
    void validate();

    const core::Scenario *m_scenario = nullptr;
    bool m_valid = false; ///< validate()'s verdict on the values shown
    QFormLayout *m_form = nullptr;
    QLabel *m_note = nullptr;
    QLabel *m_problem = nullptr;
    QMap<QString, QWidget *> m_editors;
    std::map<std::string, QString> m_notes; ///< by parameter name
    std::map<std::string, std::map<std::string, std::string>> m_remembered;
    QObject *m_editorFilter = nullptr;
};

} // namespace forkscope::ui
