#include "ui/compare_view.hpp"

#include "core/analysis/comparison.hpp"
#include "core/analysis/headline.hpp"

#include <QAbstractButton>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace forkscope::ui {

namespace {

QString runTitle(const PastRun &run)
{
    return QObject::tr("run %1 · %2")
        .arg(run.number)
        .arg(QString::fromStdString(core::formatDuration(run.result.wallNs)));
}

} // namespace

ComparisonCanvas::ComparisonCanvas(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("comparison"));
    setMinimumSize(220, 160); // the tab must fit a window of 800×600 beside the docks
}

void ComparisonCanvas::setComparison(Comparison comparison)
{
    m_comparison = std::move(comparison);
    m_layout.reset();
    update();
}

void ComparisonCanvas::setTheme(const Theme &theme)
{
    m_style = ComparisonStyle::screen(theme);
    m_layout.reset();
    update();
}

const ComparisonLayout &ComparisonCanvas::currentLayout()
{
    if (!m_layout)
        m_layout = layoutComparison(m_comparison, QRectF(rect()), m_style);
    return *m_layout;
}

void ComparisonCanvas::resizeEvent(QResizeEvent *) { m_layout.reset(); }

void ComparisonCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintComparison(painter, m_comparison, currentLayout(), m_style);
}

CompareView::CompareView(QWidget *parent) : QWidget(parent)
{
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("compareRuns"));
    m_list->setWordWrap(true);
    m_list->setToolTip(
        tr("This scenario's finished runs: tick two or three to compare them on one time axis"));
    connect(m_list, &QListWidget::itemChanged, this, &CompareView::onItemChanged);
    m_drop = new QPushButton(tr("Remove from comparison"));
    m_drop->setObjectName(QStringLiteral("dropRun"));
    m_drop->setToolTip(tr("Take the selected run out of the comparison (it stays in the list)"));
    connect(m_drop, &QPushButton::clicked, this, [this] {
        if (const QListWidgetItem *item = m_list->currentItem())
            dropRun(item->data(Qt::UserRole).toInt());
    });
    auto *hint = new QLabel(tr("Tick up to three runs. New runs are ticked while there is room."));
    hint->setWordWrap(true);

    auto *side = new QWidget;
    side->setMaximumWidth(300);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_list, 1);
    sideLayout->addWidget(hint);
    sideLayout->addWidget(m_drop);

    m_canvas = new ComparisonCanvas;
    auto *columns = new QHBoxLayout(this);
    columns->setContentsMargins(4, 4, 4, 4);
    columns->addWidget(side);
    columns->addWidget(m_canvas, 1);
    refresh();
}

void CompareView::showScenario(const QString &id)
{
    m_current = id;
    refresh();
}

void CompareView::addRun(const QString &id, PastRun run)
{
    ScenarioRuns &runs = m_scenarios[id];
    const int number = run.number;
    runs.runs.push_back(std::move(run));
    if (runs.picked.size() < core::kMaxComparedRuns)
        runs.picked.push_back(number);
    if (runs.runs.size() > kKeep) {
        // The oldest run that is not compared makes room (a kept list never holds more than three picks).
        const auto old = std::find_if(runs.runs.begin(), runs.runs.end(), [&](const PastRun &r) {
            return std::find(runs.picked.begin(), runs.picked.end(), r.number) == runs.picked.end();
        });
        if (old != runs.runs.end())
            runs.runs.erase(old);
    }
    if (id == m_current)
        refresh();
}

const std::vector<PastRun> &CompareView::runs() const
{
    static const std::vector<PastRun> none;
    const auto it = m_scenarios.find(m_current);
    return it == m_scenarios.end() ? none : it->second.runs;
}

std::vector<int> CompareView::pickedRuns() const
{
    const auto it = m_scenarios.find(m_current);
    return it == m_scenarios.end() ? std::vector<int>{} : it->second.picked;
}

const PastRun *CompareView::findRun(int number) const
{
    for (const PastRun &run : runs())
        if (run.number == number)
            return &run;
    return nullptr;
}

bool CompareView::pickRun(int number)
{
    const PastRun *run = findRun(number);
    if (!run)
        return false;
    std::vector<int> &picked = current().picked;
    if (std::find(picked.begin(), picked.end(), number) != picked.end())
        return true;
    if (picked.size() >= core::kMaxComparedRuns) {
        const std::optional<int> drop = askWhichToDrop(*run);
        if (!drop) {
            refresh(); // untick what the user ticked
            return false;
        }
        // The new run takes the dropped one's place, so the others keep their bands.
        *std::find(picked.begin(), picked.end(), *drop) = number;
    } else {
        picked.push_back(number);
    }
    refresh();
    return true;
}

void CompareView::dropRun(int number)
{
    std::vector<int> &picked = current().picked;
    picked.erase(std::remove(picked.begin(), picked.end(), number), picked.end());
    refresh();
}

std::optional<int> CompareView::askWhichToDrop(const PastRun &incoming)
{
    QMessageBox box(QMessageBox::Question, tr("Compare three runs at most"),
                    tr("Three runs fit on one slide legibly. Which one should make room for %1 (%2)?")
                        .arg(runTitle(incoming), incoming.label),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("dropWhich"));
    std::map<QAbstractButton *, int> choices;
    for (const int number : current().picked)
        if (const PastRun *run = findRun(number))
            choices[box.addButton(tr("Drop %1").arg(runTitle(*run)), QMessageBox::AcceptRole)] = number;
    box.exec();
    const auto it = choices.find(box.clickedButton());
    if (it == choices.end())
        return std::nullopt;
    return it->second;
}

void CompareView::onItemChanged(QListWidgetItem *item)
{
    if (m_filling)
        return;
    const int number = item->data(Qt::UserRole).toInt();
    if (item->checkState() == Qt::Checked)
        pickRun(number);
    else
        dropRun(number);
}

void CompareView::refresh()
{
    const std::vector<int> picked = pickedRuns();
    const auto isPicked
        = [&](int number) { return std::find(picked.begin(), picked.end(), number) != picked.end(); };
    // Newest first. Items are refilled only when the runs changed: a tick is answered while its item's
    // change is being signalled, so the item must outlive it.
    const std::vector<PastRun> &all = runs();
    bool same = m_list->count() == static_cast<int>(all.size());
    for (int row = 0; same && row < m_list->count(); ++row)
        same = m_list->item(row)->data(Qt::UserRole).toInt()
            == all[all.size() - 1 - static_cast<std::size_t>(row)].number;
    m_filling = true;
    if (!same) {
        m_list->clear();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            auto *item = new QListWidgetItem(QStringLiteral("%1\n%2").arg(runTitle(*it), it->label), m_list);
            item->setData(Qt::UserRole, it->number);
            item->setToolTip(it->headline);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        }
    }
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        item->setCheckState(isPicked(item->data(Qt::UserRole).toInt()) ? Qt::Checked : Qt::Unchecked);
    }
    m_filling = false;
    std::vector<PastRun> compared;
    for (const int number : picked)
        if (const PastRun *run = findRun(number))
            compared.push_back(*run);
    m_canvas->setComparison(makeComparison(std::move(compared)));
    m_drop->setEnabled(!picked.empty());
    emit pickedChanged();
}

void CompareView::setTheme(const Theme &theme) { m_canvas->setTheme(theme); }

} // namespace forkscope::ui
