#pragma once

#include "core/client/run.hpp"
#include "ui/run_controller.hpp"
#include "ui/timeline_model.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <span>
#include <vector>

namespace forkscope::ui {

/// One event in words for step mode: who did what, with its value or text — "worker 2: write 101",
/// "worker 1: print “deposit done”", "main: start (pid 4242)".
QString describeEvent(const TimelineModel &model, const core::Event &event);

/// Plays a finished run back at a chosen speed (or one event at a time) by feeding its recorded events
/// into a fresh TimelineModel — the same path live events take — so the timeline and console can walk a
/// lesson through slowly although the run itself was real and fast.
class ReplayController : public QObject {
    Q_OBJECT
public:
    explicit ReplayController(QObject *parent = nullptr);

    /// Loads a finished run; the replay starts empty at time 0.
    void load(const std::vector<core::Event> &events, const core::RunResult &result,
              const std::string &title);
    /// The same, sharing events kept elsewhere (the window's last run) rather than copying them.
    void load(std::shared_ptr<const std::vector<core::Event>> events, const core::RunResult &result,
              const std::string &title);
    bool loaded() const { return !m_lanes.empty(); }

    /// 1.0, 0.5, 0.25, 0.1 ...: run time per wall time.
    void play(double speed);
    void pause();
    /// Shows the next event (and everything at the same instant) and pauses.
    void step();
    /// Goes back to the instant before the one shown last (paused): the model is rebuilt up to it, and
    /// advanced() hands over every print up to it, so a console cleared first shows what was printed by
    /// then. At the start it rewinds.
    void stepBack();
    /// The events shown last by step() or stepBack(): all those at the playhead's instant (empty at the
    /// start or after play()).
    std::span<const core::Event> steppedEvents() const;
    /// How many of the run's events are shown, and how many it has.
    std::size_t shownEvents() const { return m_next; }
    std::size_t eventCount() const { return m_events->size(); }
    /// Back to the start (paused).
    void rewind();
    bool playing() const { return m_timer.isActive(); }
    bool atEnd() const { return m_next >= m_events->size(); }

    const TimelineModel &model() const { return m_model; }
    /// The playhead, relative to main's start.
    std::int64_t playheadNs() const { return m_playheadNs; }

signals:
    /// The model moved forward; `lines` are the prints passed on the way.
    void advanced(const QVector<forkscope::ui::PrintedLine> &lines);
    void finished();

private:
    void tick();
    void advanceTo(std::int64_t t);

    std::shared_ptr<const std::vector<core::Event>> m_events
        = std::make_shared<const std::vector<core::Event>>();
    std::vector<core::LaneInfo> m_lanes;
    core::RunResult m_result;
    std::string m_title;
    TimelineModel m_model;
    QTimer m_timer;
    QElapsedTimer m_clock;
    std::int64_t m_startPlayheadNs = 0;
    std::int64_t m_playheadNs = 0;
    std::size_t m_next = 0;
    double m_speed = 1.0;
};

} // namespace forkscope::ui
