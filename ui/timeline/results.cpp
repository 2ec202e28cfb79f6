// laneResults: what each lane came to, in words for the end of its lane (texts.hpp).

#include "core/analysis/run_objects.hpp"
#include "ui/timeline/texts.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace forkscope::ui {

namespace {

/// One read or write of a variable's element, as the lane did it.
struct ValueOp {
    int variable = 0;
    int element = 0;
    std::int64_t value = 0;
    bool write = false;
};

/// Variables some step appends to: lists, whose element 0 is their length.
std::set<std::string> listNames(const core::Plan *plan)
{
    std::set<std::string> names;
    if (!plan)
        return names;
    const auto scan = [&](const std::vector<core::Step> &steps) {
        for (const core::Step &s : steps)
            if (s.op == core::StepOp::Append)
                names.insert(s.text);
    };
    scan(plan->main);
    for (const core::WorkerPlan &w : plan->workers)
        scan(w.steps);
    return names;
}

/// "a = 2", "arr[2] = 9", "result = [0, 0, 0]", "len(square_result) = 4": the lane's last write, or its
/// closing run of reads of one variable.
QString finalValue(const std::vector<ValueOp> &ops, const core::RunObjects &objects,
                   const std::set<std::string> &lists, bool thread)
{
    const ValueOp &last = ops.back();
    const auto &variables = objects.variables();
    const bool known = last.variable >= 0 && static_cast<std::size_t>(last.variable) < variables.size();
    const std::string name = known ? variables[static_cast<std::size_t>(last.variable)].name : std::string();
    const int size = known ? variables[static_cast<std::size_t>(last.variable)].size : 1;
    const auto label = [&](const ValueOp &op) {
        return QString::fromStdString(objects.variableLabel(op.variable, op.element));
    };
    if (!name.empty() && lists.count(name) && last.element == 0)
        return QStringLiteral("len(%1) = %2").arg(QString::fromStdString(name)).arg(last.value);
    // A write to a variable others share (a Value or Array, or a global among threads) is this lane's last
    // word, not the variable's final value: said as such, so lanes ending on different values read right.
    const bool sharedVariable
        = known && (variables[static_cast<std::size_t>(last.variable)].shared || thread);
    if (last.write && sharedVariable) // with one variable in the run its name goes without saying
        return variables.size() == 1 && size <= 1
            ? QStringLiteral("last wrote %1").arg(last.value)
            : QStringLiteral("wrote ") + label(last) + QStringLiteral(" = %1").arg(last.value);
    if (last.write || size <= 1)
        return label(last) + QStringLiteral(" = %1").arg(last.value);
    // A closing run of reads of this array: the lane's last look at it, element by element (the latest read
    // of each element counts).
    std::vector<const ValueOp *> seen(static_cast<std::size_t>(size), nullptr);
    std::vector<int> order;
    for (auto it = ops.rbegin(); it != ops.rend() && !it->write && it->variable == last.variable; ++it) {
        if (it->element < 0 || it->element >= size || seen[static_cast<std::size_t>(it->element)])
            continue;
        seen[static_cast<std::size_t>(it->element)] = &*it;
        order.insert(order.begin(), it->element);
    }
    if (static_cast<int>(order.size()) == size && size <= 8) {
        QStringList values;
        for (const ValueOp *op : seen)
            values << QString::number(op->value);
        return QStringLiteral("%1 = [%2]")
            .arg(QString::fromStdString(name), values.join(QStringLiteral(", ")));
    }
    QStringList parts;
    for (const int element : order)
        parts << label(*seen[static_cast<std::size_t>(element)])
                + QStringLiteral(" = %1").arg(seen[static_cast<std::size_t>(element)]->value);
    return parts.join(QStringLiteral(", "));
}

} // namespace

std::vector<LaneResult> laneResults(const core::RunResult &result, std::span<const core::Event> events,
                                    const core::Plan *plan)
{
    std::vector<LaneResult> out(result.lanes.size());
    core::RunObjects objects;
    std::vector<std::vector<ValueOp>> ops(result.lanes.size());
    for (const core::Event &e : events) {
        if (e.type == core::EventType::VariableOpen) {
            objects.add(e);
        } else if ((e.type == core::EventType::ValueRead || e.type == core::EventType::ValueWrite)
                   && e.lane < ops.size()) {
            ops[e.lane].push_back({e.arg, e.detail, e.value, e.type == core::EventType::ValueWrite});
        }
    }
    const std::set<std::string> lists = listNames(plan);
    for (std::size_t i = 0; i < result.lanes.size(); ++i) {
        const core::LaneOutcome &lane = result.lanes[i];
        LaneResult &r = out[i];
        if (!lane.started)
            continue;
        if (lane.cancelled) {
            r.text = QStringLiteral("stopped");
        } else if (lane.signal != 0) {
            r = {QStringLiteral("killed by ") + QString::fromStdString(core::signalName(lane.signal)), true};
        } else if (lane.ended && lane.exitCode != 0) {
            r = {QStringLiteral("exit %1").arg(lane.exitCode), true};
            if (!lane.error.empty())
                r.text += QStringLiteral(" · ") + QString::fromStdString(lane.error);
        } else if (!ops[i].empty()) {
            r.text = finalValue(ops[i], objects, lists, lane.info.kind == core::WorkerKind::Thread);
        }
    }
    return out;
}

} // namespace forkscope::ui
