// The result panel shows what a RunResult holds: main's value, worker outcomes, lock contention.
#include "ui/result_panel.hpp"

#include <gtest/gtest.h>

#include <csignal>

using namespace forkscope;

namespace {

QTreeWidgetItem *find(const QTreeWidget &tree, const QString &name)
{
    const QList<QTreeWidgetItem *> hits = tree.findItems(name, Qt::MatchExactly | Qt::MatchRecursive, 0);
    return hits.isEmpty() ? nullptr : hits.front();
}

core::RunResult sampleResult()
{
    core::RunResult r;
    r.scenario = "bank";
    r.kind = "process";
    r.wallNs = 1'234'000'000;
    r.lanes.resize(3);
    r.lanes[0].info.name = "main";
    r.lanes[0].read = {100, 97};
    for (int i = 1; i <= 2; ++i) {
        r.lanes[i].info.name = i == 1 ? "deposit" : "withdraw";
        r.lanes[i].info.pid = 4000 + i;
        r.lanes[i].started = r.lanes[i].ended = true;
    }
    r.lanes[1].read = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};
    r.lanes[2].signal = SIGSEGV;
    r.lanes[2].exitCode = -1;
    r.locks = {{0, 40, 2'500'000, 400'000, 9'000'000}, {1, 0, 0, 0, 0}};
    return r;
}

} // namespace

TEST(ResultPanel, ShowsMainsValueWorkersAndLockContention)
{
    ui::ResultPanel panel;
    panel.showResult(sampleResult());
    QTreeWidgetItem *final = find(panel, QStringLiteral("main's final value"));
    ASSERT_TRUE(final);
    EXPECT_EQ(final->text(1), QStringLiteral("97"));
    QTreeWidgetItem *deposit = find(panel, QStringLiteral("deposit (pid 4001)"));
    ASSERT_TRUE(deposit);
    EXPECT_EQ(deposit->text(1), QStringLiteral("exit code 0"));
    ASSERT_EQ(deposit->childCount(), 1);
    EXPECT_TRUE(deposit->child(0)->text(1).startsWith(QStringLiteral("100, 101")));
    EXPECT_TRUE(deposit->child(0)->text(1).contains(QStringLiteral("10 values, last 109")))
        << deposit->child(0)->text(1).toStdString();
    QTreeWidgetItem *withdraw = find(panel, QStringLiteral("withdraw (pid 4002)"));
    ASSERT_TRUE(withdraw);
    EXPECT_EQ(withdraw->text(1), QStringLiteral("killed by SIGSEGV"));

    QTreeWidgetItem *lock0 = find(panel, QStringLiteral("lock 0"));
    ASSERT_TRUE(lock0);
    EXPECT_EQ(lock0->text(1), QStringLiteral("40 acquisition(s)"));
    EXPECT_EQ(find(panel, QStringLiteral("waited in all"))->text(1), QStringLiteral("2.50 ms"));
    EXPECT_EQ(find(panel, QStringLiteral("longest wait"))->text(1), QStringLiteral("400.0 µs"));
    EXPECT_EQ(find(panel, QStringLiteral("mean wait"))->text(1), QStringLiteral("62.5 µs"));
    EXPECT_EQ(find(panel, QStringLiteral("held in all"))->text(1), QStringLiteral("9.00 ms"));
    EXPECT_FALSE(find(panel, QStringLiteral("lock 1"))) << "a lock nobody took is not listed";

    panel.clearResult();
    EXPECT_FALSE(find(panel, QStringLiteral("lock 0")));
}

TEST(ResultPanel, DurationsUseAReadableUnit)
{
    EXPECT_EQ(ui::ResultPanel::duration(12'300), QStringLiteral("12.3 µs"));
    EXPECT_EQ(ui::ResultPanel::duration(4'560'000), QStringLiteral("4.56 ms"));
    EXPECT_EQ(ui::ResultPanel::duration(1'234'000'000), QStringLiteral("1.234 s"));
}
