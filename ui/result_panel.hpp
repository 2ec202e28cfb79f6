#pragma once

#include "core/client/run.hpp"

#include <QTreeWidget>

namespace forkscope::ui {

/// What a finished run came to, as a tree a learner can read: main's final value, each worker's pid, how it
/// ended and the values it read and wrote, and each lock's contention (acquisitions, time waited in all and
/// at most, time held). Filled from a core::RunResult; it draws nothing that core did not record.
class ResultPanel : public QTreeWidget {
    Q_OBJECT
public:
    explicit ResultPanel(QWidget *parent = nullptr);

    void showResult(const core::RunResult &result);
    void clearResult();

    /// "12.3 µs", "4.56 ms", "1.234 s": a duration at a readable unit.
    static QString duration(std::int64_t ns);
};

} // namespace forkscope::ui
