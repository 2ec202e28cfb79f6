#pragma once

// The scenario browser's items: lessons as groups, each scenario an item that holds the scenario itself (a
// user's file may share its id with a built-in lesson, so an item is found by what it holds, not by id).

#include "core/scenario/scenarios.hpp"

#include <QString>

class QTreeWidget;
class QTreeWidgetItem;

namespace forkscope::ui {

inline constexpr int kScenarioIdRole = 0x0100 + 1;      ///< Qt::UserRole + 1: the scenario's id
inline constexpr int kScenarioPointerRole = 0x0100 + 2; ///< the core::Scenario the item shows
inline constexpr int kUserScenarioRole = 0x0100 + 3;    ///< true for a user's scenario

/// The group of `lesson` in `browser`, made (at the end) if it is not there.
QTreeWidgetItem *lessonGroup(QTreeWidget *browser, const QString &lesson);
/// Adds a built-in lesson under its group.
QTreeWidgetItem *addBuiltinItem(QTreeWidget *browser, const core::Scenario &scenario);
/// Shows `scenario` in `item` as the user's: its title with `mark` ("your file"), a file icon, and
/// `where` (the file's path, or why there is none) in the tooltip.
void showUserItem(QTreeWidgetItem *item, const core::Scenario &scenario, const QString &mark,
                  const QString &where);
/// The scenario an item holds (null for a group).
const core::Scenario *scenarioOf(const QTreeWidgetItem *item);
/// Whether an item holds a user's scenario rather than a built-in lesson.
bool isUserItem(const QTreeWidgetItem *item);

} // namespace forkscope::ui
