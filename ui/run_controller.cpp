#include "ui/run_controller.hpp"

#include <QElapsedTimer>
#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace forkscope::ui {

RunController::RunController(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(kRefreshMs);
    m_timer.setObjectName(QStringLiteral("refresh")); // named for bench/latency_bench's profile
    connect(&m_timer, &QTimer::timeout, this, &RunController::poll);
}

RunController::~RunController() = default; // ~Run cancels a run still going and reaps it

bool RunController::start(std::shared_ptr<const core::Plan> plan, const QString &title, QString *error)
{
    if (running()) { // the last run's end may still be being put away
        if (error)
            *error = tr("A run is already in progress.");
        return false;
    }
    std::string why;
    m_run = core::Run::start(std::move(plan), {}, why);
    if (!m_run) {
        if (error)
            *error = QString::fromStdString(why);
        return false;
    }
    if (m_model.use_count() > 1)
        m_model = std::make_shared<TimelineModel>(); // the last one is kept by a view
    m_model->reset(m_run->lanes());
    m_model->setTitle(title.toStdString());
    m_result = {};
    m_events = std::make_shared<const std::vector<core::Event>>();
    m_seen = 0;
    m_liveWorkers = 0;
    m_timer.start();
    emit started();
    return true;
}

void RunController::stop()
{
    if (m_run)
        m_run->cancel();
}

std::int64_t RunController::elapsedNs() const { return m_run ? m_run->elapsedNs() : m_result.wallNs; }

std::uint64_t RunController::lostEvents() const { return m_run ? m_run->lostEvents() : m_result.lostEvents; }

std::optional<core::Waiting> RunController::waitingFor() const
{
    return m_run ? m_run->waitingFor(std::chrono::seconds(1)) : std::nullopt;
}

void RunController::poll()
{
    if (!m_run)
        return;
    const bool runOver = m_run->finished();
    // The run keeps every event until it ends; the model and the console take the new ones, through one
    // reused buffer, so a long run is not held twice while it goes on. They are taken a slice at a time
    // until kTickBudget is spent: a run that records faster than that is drawn a little behind, the next
    // tick comes at the next turn of the event loop instead of a frame later, and the window keeps answering
    // in between (a tick that took 150,000 events at once held the GUI thread 40-80 ms at 8 M events).
    QElapsedTimer clock;
    clock.start();
    QVector<PrintedLine> lines;
    bool behind = false;
    do {
        m_batch.clear();
        m_seen = m_run->copyEvents(m_seen, m_batch, kEventsPerSlice);
        behind = m_seen < m_run->eventCount(); // more was waiting than this slice took
        for (const core::Event &e : m_batch) {
            if (e.type == core::EventType::Print)
                lines.push_back({e.timeNs, e.lane, QString::fromStdString(e.text)});
            if (e.lane != 0 && e.type == core::EventType::WorkerStart)
                ++m_liveWorkers;
            if (e.lane != 0 && e.type == core::EventType::WorkerEnd)
                --m_liveWorkers;
        }
        if (!m_batch.empty())
            m_model->appendEvents(m_batch); // pids and tids arrive with the WorkerStart events
        ++m_slices;
    } while (behind && std::chrono::nanoseconds(clock.nsecsElapsed()) < m_tickBudget);
    const bool done = runOver && !behind;
    m_timer.setInterval(behind ? 0 : kRefreshMs);
    if (!behind)
        m_model->setNow(m_run->elapsedNs()); // else the present is the last event taken
    emit updated(lines);
    if (!done)
        return;
    m_timer.stop();
    m_batch = {};
    m_result = m_run->result();
    m_liveWorkers = 0;
    // The model is drawn finished now; the rest takes seconds for a run of millions of events and runs on
    // the thread pool, with all it reads moved to it: the run's events gathered into one vector (for replay,
    // the headline, comparison: moved out of the run, never held twice), the run let go (its shared rings
    // unmapped, its runner reaped) and the lost-update search over the model's value events. The window keeps
    // answering meanwhile; running() stays true, so no run starts before this one is put away.
    auto search = std::make_shared<LostUpdateSearch>(m_model->finishLater(m_result));
    std::shared_ptr<core::Run> run(std::move(m_run));
    m_finishing = true;
    compact(m_model);
    struct PutAway {
        std::shared_ptr<const std::vector<core::Event>> events;
        std::shared_ptr<FoundLostUpdates> found;
    };
    QtConcurrent::run([run = std::move(run), search]() mutable {
        PutAway out;
        out.events = std::make_shared<const std::vector<core::Event>>(run->takeEvents());
        run.reset();
        out.found = std::make_shared<FoundLostUpdates>(search->run());
        return out;
    }).then(this, [this, model = m_model](const PutAway &out) {
        m_events = out.events;
        model->setLostUpdates(std::move(*out.found)); // dropped if the model was reset meanwhile
        // What finished() starts reads the model on the thread pool (the window's lesson and Focus view):
        // no slice of compaction may move a lane's vectors under it, so finished() waits for the last
        // slice, which ends the put-away (compact). Done here in one go, the slices left held the GUI
        // thread 600 ms once on a booked CI machine.
        m_putAwayBack = true;
        if (model->compacted())
            endPutAway();
    });
}

void RunController::compact(const std::shared_ptr<TimelineModel> &model)
{
    // A few milliseconds a turn of the event loop: the window answers in between.
    if (model->compactSome(std::chrono::milliseconds(4))) {
        QTimer::singleShot(0, this, [this, model] { compact(model); });
        return;
    }
    if (m_putAwayBack)
        endPutAway();
}

void RunController::endPutAway()
{
    m_putAwayBack = false;
    m_finishing = false;
    emit finished(m_result);
}

} // namespace forkscope::ui
