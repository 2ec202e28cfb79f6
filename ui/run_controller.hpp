#pragma once

#include "core/client/run.hpp"
#include "core/plan/plan.hpp"
#include "ui/timeline_model.hpp"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QVector>

#include <chrono>
#include <memory>
#include <optional>

namespace forkscope::ui {

/// A printed line for the console pane.
struct PrintedLine {
    std::int64_t timeNs = 0;
    std::uint32_t lane = 0;
    QString text;
};

/// Drives one core::Run from the GUI thread: starts it, drains its event stream on a 60 Hz timer into a
/// TimelineModel (one batch per tick, never one signal per event), and reports the end. The run itself
/// happens in the forkscope-runner process, so nothing here blocks. Its end neither: the model is drawn
/// finished at once, and what takes seconds for millions of events (the run's events gathered into one
/// vector, the run let go, the lost-update search) runs on the thread pool; finished() follows.
class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    /// Starts `plan`; false with `error` set if it cannot start (or a run is already going).
    bool start(std::shared_ptr<const core::Plan> plan, const QString &title, QString *error);
    bool start(const core::Plan &plan, const QString &title, QString *error)
    {
        return start(std::make_shared<const core::Plan>(plan), title, error);
    }
    /// Cancels the run in progress (no-op when idle). The end is reported through finished().
    void stop();
    /// A run is under way or being put away (finished() not yet emitted).
    bool running() const { return m_run != nullptr || m_finishing; }
    /// The running run's runner process (it leads the run's process group), 0 when idle.
    int runnerPid() const { return m_run ? m_run->runnerPid() : 0; }

    const TimelineModel &model() const { return *m_model; }
    /// The model, for views that keep a finished run (Focus, Compare) without a copy of it: the next run
    /// gets a model of its own while anyone holds this one.
    std::shared_ptr<const TimelineModel> sharedModel() const { return m_model; }
    const core::RunResult &lastResult() const { return m_result; }
    /// Every event of the last finished run (for replay, the headline, comparison): one copy, shared.
    const std::vector<core::Event> &lastEvents() const { return *m_events; }
    std::shared_ptr<const std::vector<core::Event>> sharedEvents() const { return m_events; }
    /// How much of the GUI thread one refresh may take: it takes slices of the run's new events until this is
    /// spent (and one slice at least), and comes back at the next turn of the event loop while behind.
    static constexpr std::chrono::milliseconds kTickBudget{12};
    /// Sets the budget of a refresh (kTickBudget unless set), for tests.
    void setTickBudget(std::chrono::nanoseconds budget) { m_tickBudget = budget; }
    /// Slices of events taken by refreshes since the controller was made.
    std::uint64_t slicesTaken() const { return m_slices; }
    /// The most events one slice of a refresh takes from the run: a few milliseconds of the model's work.
    static constexpr std::size_t kEventsPerSlice = 8'192;
    /// Live figures for the status bar.
    std::int64_t elapsedNs() const;
    int liveWorkers() const { return m_liveWorkers; }
    std::uint64_t lostEvents() const;
    /// The worker the running run has waited for at least a second (a stopped one first, else the one main
    /// joins: core::Run::waitingFor), nothing when idle or when it waits for nobody that long.
    std::optional<core::Waiting> waitingFor() const;

signals:
    void started();
    /// New events reached the model this tick; `lines` are the prints among them, in order.
    void updated(const QVector<forkscope::ui::PrintedLine> &lines);
    /// The run ended and was put away: lastEvents() and the model's lost updates are there.
    void finished(const forkscope::core::RunResult &result);

private:
    void poll();
    /// Shrinks a finished model's vectors a slice at a time (TimelineModel::compactSome).
    void compact(const std::shared_ptr<TimelineModel> &model);
    /// The run's end is back from the thread pool and its model compacted: running() ends, finished().
    void endPutAway();

    std::unique_ptr<core::Run> m_run;
    std::shared_ptr<TimelineModel> m_model = std::make_shared<TimelineModel>();
    core::RunResult m_result;
    /// The last finished run's, whole
    std::shared_ptr<const std::vector<core::Event>> m_events
        = std::make_shared<const std::vector<core::Event>>();
    /// ~60 refreshes a second while the model keeps up: the timeline is never more than a frame behind.
    static constexpr int kRefreshMs = 16;

    std::vector<core::Event> m_batch; ///< one slice's new events
    std::chrono::nanoseconds m_tickBudget = kTickBudget;
    std::uint64_t m_slices = 0;
    QTimer m_timer;
    std::size_t m_seen = 0;
    int m_liveWorkers = 0;
    bool m_finishing = false;   ///< the run's end is being put away on the thread pool
    bool m_putAwayBack = false; ///< the thread pool's part is done; finished() waits for the compaction
};

} // namespace forkscope::ui

Q_DECLARE_METATYPE(forkscope::core::RunResult)
