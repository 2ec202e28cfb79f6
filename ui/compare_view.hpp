#pragma once

// The Compare tab: the finished runs of the selected scenario in a list, of which two or three are picked
// and drawn on one time axis under the ratio of their wall times (ui/comparison_picture.hpp). New runs are
// picked while fewer than three are; ticking a fourth asks which one to drop, since three is what fits a
// screen or a slide legibly.

#include "ui/comparison_picture.hpp"

#include <QString>
#include <QWidget>

#include <map>
#include <optional>
#include <vector>

class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace forkscope::ui {

/// Paints a comparison at the screen's sizes, fitting its runs into the widget (alike lanes folded).
class ComparisonCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonCanvas(QWidget *parent = nullptr);
    void setComparison(Comparison comparison);
    const Comparison &comparison() const { return m_comparison; }
    void setTheme(const Theme &theme);
    /// The layout of the last paint (or of the current size when none was painted yet).
    const ComparisonLayout &currentLayout();
    QSize sizeHint() const override { return {900, 520}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    Comparison m_comparison;
    ComparisonStyle m_style = ComparisonStyle::screen(Theme::light());
    std::optional<ComparisonLayout> m_layout; ///< for the current size and comparison; folding is not free
};

/// The Compare tab: the runs list (tick to compare, at most three) and the comparison.
class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget *parent = nullptr);

    /// Shows the runs of scenario `id` (each scenario keeps its own runs and picks).
    void showScenario(const QString &id);
    /// Keeps a finished run of scenario `id`; it is picked when fewer than three are. At most kKeep runs
    /// are kept per scenario: the oldest that is not picked goes first.
    void addRun(const QString &id, PastRun run);
    /// The shown scenario's runs, oldest first.
    const std::vector<PastRun> &runs() const;
    /// Numbers (PastRun::number) of the runs compared, in the order they are stacked.
    std::vector<int> pickedRuns() const;
    /// Adds run `number` to the comparison. With three compared already it asks which to drop; false if
    /// the user kept the three (or there is no such run).
    bool pickRun(int number);
    /// Takes run `number` out of the comparison (it stays in the list).
    void dropRun(int number);
    /// What the comparison shows now (the picked runs, stacked in order).
    const Comparison &comparison() const { return m_canvas->comparison(); }
    ComparisonCanvas *canvas() const { return m_canvas; }
    void setTheme(const Theme &theme);

    static constexpr std::size_t kKeep = 12;

signals:
    /// The picked runs changed (the comparison was redrawn).
    void pickedChanged();

private:
    struct ScenarioRuns {
        std::vector<PastRun> runs;
        std::vector<int> picked; ///< run numbers, in stacking order
    };
    ScenarioRuns &current() { return m_scenarios[m_current]; }
    const PastRun *findRun(int number) const;
    /// Which picked run makes room for `incoming`: its number, or none if the user cancelled.
    std::optional<int> askWhichToDrop(const PastRun &incoming);
    void refresh();
    void onItemChanged(QListWidgetItem *item);

    std::map<QString, ScenarioRuns> m_scenarios;
    QString m_current;
    QListWidget *m_list = nullptr;
    QPushButton *m_drop = nullptr;
    ComparisonCanvas *m_canvas = nullptr;
    bool m_filling = false; ///< refilling the list: item changes are not the user's
};

} // namespace forkscope::ui
