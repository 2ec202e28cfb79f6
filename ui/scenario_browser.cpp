#include "ui/scenario_browser.hpp"

#include <QApplication>
#include <QStyle>
#include <QTreeWidget>

namespace forkscope::ui {

static_assert(kScenarioIdRole == Qt::UserRole + 1);

QTreeWidgetItem *lessonGroup(QTreeWidget *browser, const QString &lesson)
{
    for (int i = 0; i < browser->topLevelItemCount(); ++i)
        if (QTreeWidgetItem *group = browser->topLevelItem(i); group->text(0) == lesson)
            return group;
    auto *group = new QTreeWidgetItem(browser, {lesson});
    group->setFlags(Qt::ItemIsEnabled);
    group->setExpanded(true);
    return group;
}

QTreeWidgetItem *addBuiltinItem(QTreeWidget *browser, const core::Scenario &scenario)
{
    auto *item = new QTreeWidgetItem(lessonGroup(browser, QString::fromStdString(scenario.lesson)),
                                     {QString::fromStdString(scenario.title)});
    item->setData(0, kScenarioIdRole, QString::fromStdString(scenario.id));
    item->setData(0, kScenarioPointerRole, QVariant::fromValue(reinterpret_cast<quintptr>(&scenario)));
    item->setData(0, kUserScenarioRole, false);
    item->setToolTip(0, QString::fromStdString(scenario.summary));
    return item;
}

void showUserItem(QTreeWidgetItem *item, const core::Scenario &scenario, const QString &mark,
                  const QString &where)
{
    item->setText(0, QStringLiteral("%1 (%2)").arg(QString::fromStdString(scenario.title), mark));
    item->setIcon(0, QApplication::style()->standardIcon(QStyle::SP_FileIcon));
    QFont italic = item->font(0);
    italic.setItalic(true);
    item->setFont(0, italic);
    item->setData(0, kScenarioIdRole, QString::fromStdString(scenario.id));
    item->setData(0, kScenarioPointerRole, QVariant::fromValue(reinterpret_cast<quintptr>(&scenario)));
    item->setData(0, kUserScenarioRole, true);
    QString tip = QObject::tr("Yours, not a built-in lesson: %1").arg(where);
    if (!scenario.summary.empty())
        tip += QLatin1Char('\n') + QString::fromStdString(scenario.summary);
    item->setToolTip(0, tip);
}

const core::Scenario *scenarioOf(const QTreeWidgetItem *item)
{
    if (!item)
        return nullptr;
    return reinterpret_cast<const core::Scenario *>(item->data(0, kScenarioPointerRole).value<quintptr>());
}

bool isUserItem(const QTreeWidgetItem *item) { return item && item->data(0, kUserScenarioRole).toBool(); }

} // namespace forkscope::ui
