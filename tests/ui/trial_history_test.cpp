// The trials a batch keeps to show: one per bar of the chart, whatever the spread grew to, preferring one
// with lost updates.

#include "ui/trial_history.hpp"

#include <gtest/gtest.h>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

FinishedTrial trial(int series, int number, std::int64_t final, int lost)
{
    FinishedTrial t;
    t.series = series;
    t.record.trial = number;
    t.record.counted = true;
    t.record.final = final;
    t.record.wrong = final != 100;
    t.lostUpdates = lost;
    t.run = std::make_shared<TrialRun>();
    return t;
}

} // namespace

TEST(TrialHistory, EveryBarHasATrialToShowAsTheSpreadGrows)
{
    TrialHistory history;
    history.reset(100,
                  {{QStringLiteral("without lock"), {}, false}, {QStringLiteral("with lock"), {}, true}});
    // Without the lock: a spread that grows from one value to 700, so the bins widen 1 → 3 → 9 → 27.
    const std::vector<std::int64_t> finals{100, 101, 99,   104, 95,  110,  130, 60,
                                           190, 5,   -100, 300, 450, -250, 101, 300};
    for (std::size_t i = 0; i < finals.size(); ++i) {
        history.add(trial(0, static_cast<int>(i) + 1, finals[i], finals[i] == 100 ? 0 : 7));
        history.add(trial(1, static_cast<int>(i) + 1, 100, 0));
        const core::TrialBins &bins = history.bins();
        EXPECT_EQ(
            bins,
            core::TrialBins::over(
                100, std::vector<std::int64_t>(finals.begin(), finals.begin() + static_cast<long>(i) + 1)))
            << "the chart's bins";
        // Each bin with trials of a series has one of them kept.
        std::size_t bars = 0;
        for (std::size_t s = 0; s < 2; ++s) {
            for (std::int64_t bin = bins.first; bin <= bins.last; ++bin) {
                const auto &f = history.series()[s].finals;
                const bool any
                    = std::any_of(f.begin(), f.end(), [&](std::int64_t v) { return bins.binOf(v) == bin; });
                const TrialHistory::Example *example
                    = history.example(static_cast<int>(s), bins.low(bin), bins.high(bin));
                ASSERT_EQ(example != nullptr, any)
                    << "series " << s << ", bin " << bin << ", after " << i + 1;
                bars += any;
                if (example) {
                    EXPECT_GE(example->final, bins.low(bin));
                    EXPECT_LE(example->final, bins.high(bin));
                    EXPECT_NE(example->run, nullptr);
                }
            }
        }
        EXPECT_EQ(history.keptCount(), bars) << "one trial per bar, not per trial";
    }
    EXPECT_GT(history.bins().width, 1);
    EXPECT_EQ(history.series()[0].finals, finals);
}

TEST(TrialHistory, PrefersATrialWithLostUpdates)
{
    TrialHistory history;
    history.reset(100, {{QStringLiteral("without lock"), {}, false}});
    history.add(trial(0, 1, 100, 0));
    history.add(trial(0, 2, 100, 6)); // three deposits and three withdrawals lost: they cancelled
    history.add(trial(0, 3, 100, 2));
    const TrialHistory::Example *example = history.example(0, 100, 100);
    ASSERT_NE(example, nullptr);
    EXPECT_EQ(example->trial, 2) << "the first trial at 100 that lost updates";
    history.reset(100, {{QStringLiteral("without lock"), {}, false}});
    EXPECT_EQ(history.example(0, 100, 100), nullptr) << "a new batch forgets the last one";
    EXPECT_TRUE(history.series()[0].finals.empty());
}
