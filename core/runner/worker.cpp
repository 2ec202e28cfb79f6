#include "core/runner/worker.hpp"

#include "core/clock.hpp"

namespace forkscope::core {

bool StepState::endLoop() noexcept
{
    // A get or recv that meets its sentinel, a closed queue or a timeout leaves the innermost loop.
    if (depth == 0)
        return false;
    i = loops[--depth].end;
    return true;
}

bool cancelled(const SharedRegion &region) noexcept
{
    return region.header().cancel.load(std::memory_order_acquire) != 0;
}

std::int64_t scaled(const Plan &plan, double seconds) noexcept
{
    return static_cast<std::int64_t>(seconds * plan.timeScale * 1e9);
}

bool sleepUntil(const SharedRegion &region, std::int64_t deadline) noexcept
{
    auto &word = region.header().cancel;
    for (;;) {
        if (word.load(std::memory_order_acquire) != 0)
            return false;
        const std::int64_t left = deadline - monotonicNs();
        if (left <= 0)
            return true;
        SharedRegion::waitWhile(word, 0, left);
    }
}

std::int64_t computeUntil(const SharedRegion &region, std::int64_t deadline, bool &wasCancelled) noexcept
{
    // A xorshift walk, checked against the clock every 4096 rounds.
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    std::int64_t rounds = 0;
    wasCancelled = false;
    // The clock is checked before each batch, so a zero-length computation (time scale 0) does none.
    while (monotonicNs() < deadline) {
        for (int i = 0; i < 4096; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        rounds += 4096;
        asm volatile("" : : "r"(x));
        if (cancelled(region)) {
            wasCancelled = true;
            break;
        }
    }
    return rounds;
}

bool gilTake(Worker &w) noexcept
{
    if (!w.memory->gil || w.holdsGil)
        return true;
    w.holdsGil = w.memory->gil->acquire(&w.writer, w.index, &w.region->header().cancel);
    return w.holdsGil;
}

void gilDrop(Worker &w) noexcept
{
    if (!w.holdsGil)
        return;
    w.memory->gil->release(&w.writer, w.index);
    w.holdsGil = false;
}

bool gilCheck(Worker &w) noexcept
{
    if (!w.holdsGil || !w.memory->gil->dropRequested())
        return true;
    w.holdsGil = w.memory->gil->handOver(&w.writer, w.index, &w.region->header().cancel);
    return w.holdsGil;
}

bool sleepStep(Worker &w, std::int64_t ns) noexcept
{
    gilDrop(w);
    w.writer.record(EventType::SleepBegin, ns);
    const bool ok = sleepUntil(*w.region, monotonicNs() + ns);
    w.writer.record(EventType::SleepEnd, 0, 0, {}, ok ? 0 : kCancelled);
    return ok && gilTake(w);
}

StepEnd failWith(Worker &w, StepState &st, std::string_view text) noexcept
{
    w.writer.record(EventType::Note, 1, 0, text, kError);
    st.exitCode = 1;
    return st.stop(Outcome::Exit);
}

QueueContext queueContext(Worker &w) noexcept
{
    return {&w.writer, &w.region->header().cancel, nullptr, nullptr};
}

void markEnded(LaneSlot &slot) noexcept
{
    slot.state.store(static_cast<std::uint32_t>(LaneState::Ended), std::memory_order_release);
    SharedRegion::wakeAll(slot.state);
}

} // namespace forkscope::core
