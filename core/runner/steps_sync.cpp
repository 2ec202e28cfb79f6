// The synchronisation family: lock and unlock. A run with forked workers uses robust, process-shared
// pthread mutexes in shared memory (multiprocessing.Lock); a run of threads only uses std::mutex
// (threading.Lock). Semaphores, events, barriers and conditions belong here too when they come.

#include "core/runner/worker.hpp"

#include <cerrno>

namespace forkscope::core {

namespace {

void lock(Worker &w, int id) noexcept
{
    w.writer.record(EventType::LockWait, 0, id);
    if (w.memory->processShared) {
        const int rc = pthread_mutex_lock(w.memory->sharedLock(id));
        if (rc == EOWNERDEAD) {
            // The previous owner died holding the lock: take it over and say so.
            pthread_mutex_consistent(w.memory->sharedLock(id));
            w.writer.record(EventType::Note, id, 0, "lock recovered from a worker that died holding it");
        }
    } else {
        w.memory->threadLock(id)->lock();
    }
    w.writer.record(EventType::LockAcquire, 0, id);
    w.heldLocks |= 1u << id;
}

void unlock(Worker &w, int id) noexcept
{
    if (!(w.heldLocks & (1u << id)))
        return;
    if (w.memory->processShared)
        pthread_mutex_unlock(w.memory->sharedLock(id));
    else
        w.memory->threadLock(id)->unlock();
    w.heldLocks &= ~(1u << id);
    w.writer.record(EventType::LockRelease, 0, id);
}

} // namespace

StepEnd syncStep(Worker &w, StepState &st, const Step &s) noexcept
{
    const int id = static_cast<int>(s.count);
    if (s.op == StepOp::Lock) {
        gilDrop(w); // a blocking acquire releases the GIL
        lock(w, id);
        if (!gilTake(w))
            return st.stop(Outcome::Cancelled);
    } else if (s.op == StepOp::Unlock) {
        unlock(w, id);
    }
    return StepEnd::Next;
}

void releaseLocks(Worker &w) noexcept
{
    for (int id = 0; id < kMaxLocks; ++id)
        unlock(w, id);
}

} // namespace forkscope::core
