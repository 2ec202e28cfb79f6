#pragma once

// Level of detail for a lane's bars: what one track (the bars of one nesting depth) covers in the pixel
// columns of a view. A column inside one bar belongs to a run of that bar's state; a column that bars share,
// or that a bar covers only in part, is a mixed column with the time each state took in it, so a zoomed-out
// view can show every state's share rather than the colour of whichever bar came last. Columns are those of
// an absolute grid (time t lies in column floor(t * pxPerNs)): panning by whole pixels moves every column by
// whole pixels and changes nothing in it, so a view can keep what it drew and draw only what comes in.
// Plain C++: tested without a GUI (tests/ui/timeline_model_test.cpp).

#include "ui/timeline_model.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace forkscope::ui {

/// The absolute pixel grid of a view at one zoom.
struct PixelGrid {
    double pxPerNs = 1;

    double at(std::int64_t t) const noexcept { return static_cast<double>(t) * pxPerNs; }
    /// The column time `t` lies in.
    std::int64_t column(std::int64_t t) const noexcept { return floorOf(at(t)); }
    /// floor(v) as an integer, without a call into the maths library (std::floor is one unless the target
    /// has SSE 4.1): the same value for every v in range.
    static std::int64_t floorOf(double v) noexcept
    {
        const auto i = static_cast<std::int64_t>(v); // towards zero
        return i - static_cast<std::int64_t>(static_cast<double>(i) > v);
    }
    /// The first pixel (row or column) whose centre lies at or after `v`: where QPainter begins filling a
    /// rectangle whose edge is at `v`. (ceil(v - 0.5), without a call into the maths library.)
    static std::int64_t edgeOf(double v) noexcept { return -floorOf(0.5 - v); }
    /// The time column `c` begins at.
    double timeOf(std::int64_t c) const noexcept { return static_cast<double>(c) / pxPerNs; }
};

/// The time each state took in one mixed column of a track (ns), and which states had a bar there at all
/// (a bar of no length counts).
struct ColumnShares {
    std::array<double, kBarStateCount> time{};
    std::uint32_t present = 0;

    /// The states' times added up in the states' order (a state not present has none, and adding 0 changes
    /// no sum: only the present ones are added).
    double total() const noexcept
    {
        double sum = 0;
        for (std::uint32_t bits = present; bits != 0; bits &= bits - 1)
            sum += time[static_cast<std::size_t>(std::countr_zero(bits))];
        return sum;
    }
};

/// Walks `track` of `lane` over the columns [from, to) of `grid`, in column order: `run(c0, c1, state)` for
/// columns [c0, c1) wholly inside one bar, `column(c, shares)` for every other column a bar reaches. Open
/// bars end at `now`. Sealed blocks of bars that fall inside one column are taken whole, so a frame costs
/// about a block per column however many bars the column holds.
template <typename Run, typename Column>
void walkTrack(const Lane &lane, const BarTrack &track, const PixelGrid &grid, std::int64_t from,
               std::int64_t to, std::int64_t now, Run &&run, Column &&column)
{
    if (from >= to || track.bars.empty())
        return;
    const MappedVector<Bar> &bars = lane.bars;
    constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
    // Reading bars ahead pays on a track with many bars per column, whose blocks a frame mostly skips:
    // there each column's first bars are far from the last column's. With fewer, the bars come in order
    // and the processor's own prefetching keeps up.
    constexpr std::size_t kAhead = 8;
    const bool ahead = track.bars.size() > 2 * BarTrack::kBlock * static_cast<std::size_t>(to - from);
    const std::int64_t tFrom = PixelGrid::floorOf(grid.timeOf(from));
    std::int64_t open = kNone;      // the mixed column being gathered
    std::int64_t lastBegan = kNone; // the column the last bar looked at began in
    ColumnShares shares;
    const auto flush = [&] {
        if (open != kNone && open >= from && open < to && shares.present != 0)
            column(open, static_cast<const ColumnShares &>(shares));
        open = kNone;
        shares = {};
    };
    const auto add = [&](std::int64_t c, BarState state, double time) {
        if (c > open) {
            flush();
            open = c;
        } // a bar overlapping the one before (nesting crossed) joins the column being gathered
        shares.time[static_cast<std::size_t>(state)] += time;
        shares.present |= 1u << static_cast<unsigned>(state);
    };
    // One bar, bar by bar; false once bars begin past the view.
    const auto step = [&](const Bar &bar) {
        const std::int64_t c0 = grid.column(bar.begin);
        lastBegan = c0;
        if (c0 >= to)
            return false;
        const std::int64_t end = bar.open() ? std::max(now, bar.begin) : bar.end;
        if (end < tFrom)
            return true;
        const std::int64_t c1 = grid.column(end);
        if (c1 == c0) {
            add(c0, bar.state, static_cast<double>(end - bar.begin));
            return true;
        }
        add(c0, bar.state, grid.timeOf(c0 + 1) - static_cast<double>(bar.begin));
        flush();
        const std::int64_t r0 = std::max(c0 + 1, from);
        const std::int64_t r1 = std::min(c1, to);
        if (r0 < r1)
            run(r0, r1, bar.state);
        const double tail = static_cast<double>(end) - grid.timeOf(c1);
        if (tail > 0)
            add(c1, bar.state, tail);
        return true;
    };
    // Bars [k, k + n) of the track: what each state took in them, and which states they have.
    const auto sum = [&](std::size_t k, std::size_t n, std::array<std::int64_t, kBarStateCount> &time,
                         std::uint32_t &present) {
        for (std::size_t i = k; i < k + n; ++i) {
            const Bar &bar = bars[track.bars[i]];
            time[static_cast<std::size_t>(bar.state)] += bar.end - bar.begin;
            present |= 1u << static_cast<unsigned>(bar.state);
        }
    };
    const auto addTimes
        = [&](std::int64_t c, const std::array<std::int64_t, kBarStateCount> &time, std::uint32_t present) {
              for (std::size_t s = 0; s < time.size(); ++s)
                  if (time[s] > 0 || (present >> s & 1u))
                      add(c, static_cast<BarState>(s), static_cast<double>(time[s]));
          };
    // Zoomed out, the blocks a frame reads bar by bar (one at each column's edge) are far apart, and each
    // read of one waits for memory: first for the bar's index, then for the bar. So while at one edge, the
    // next two edges' blocks are found from the blocks' latest ends (read soon anyway) and asked for early:
    // the next one's bars (its indices were asked for at the edge before) and the one after's indices.
    constexpr std::size_t kNoBlock = std::numeric_limits<std::size_t>::max();
    std::size_t fetched = kNoBlock;   // the block whose bars were asked for at the edge before
    std::size_t following = kNoBlock; // the block after it whose indices were
    std::int64_t followingAt = kNone; // the column `following` is the edge block of
    const auto fetchBars = [&](std::size_t b) {
        for (std::size_t i = b * BarTrack::kBlock; i < (b + 1) * BarTrack::kBlock; i += 2)
            __builtin_prefetch(&bars[track.bars[i]]);
    };
    // At block b, across the right edge of column `edge`: asks for the next edges' blocks.
    const auto lookAhead = [&](std::size_t b, std::int64_t edge) {
        const std::size_t stop = std::min(track.blocks.size(), b + 64);
        // The first block from `at` whose bars reach past column c.
        const auto reaching = [&](std::size_t at, std::int64_t c) {
            while (at < stop && grid.column(track.blocks[at].maxEnd) <= c)
                ++at;
            return at;
        };
        const std::size_t next
            = followingAt == edge + 1 && following > b ? following : reaching(b + 1, edge + 1);
        fetched = following = kNoBlock;
        followingAt = kNone;
        if (next >= stop)
            return;
        fetchBars(next);
        fetched = next;
        const std::size_t after = reaching(next + 1, edge + 2);
        if (after >= stop)
            return;
        __builtin_prefetch(&track.bars[after * BarTrack::kBlock]);
        __builtin_prefetch(&track.bars[after * BarTrack::kBlock + BarTrack::kBlock / 2]);
        following = after;
        followingAt = edge + 2;
    };
    std::size_t k = track.first(bars, tFrom);
    while (k < track.bars.size()) {
        if (open != kNone && k % BarTrack::kBlock == 0 && k / BarTrack::kBlock < track.blocks.size()) {
            const BarTrack::Block &block = track.blocks[k / BarTrack::kBlock];
            const std::int64_t last = grid.column(block.maxEnd);
            // Bars begin in order, so when the last one began in the open column, a block whose latest end
            // is in it has every bar beginning there too: its first bar need not be read (on a lane of
            // millions of bars, reading it is a cache miss per block).
            if (last == open && (lastBegan == open || grid.column(bars[track.bars[k]].begin) == open)) {
                // A whole block of bars inside the column being gathered.
                for (std::size_t s = 0; s < block.time.size(); ++s) {
                    shares.time[s] += static_cast<double>(block.time[s]);
                    if (block.time[s] > 0)
                        shares.present |= 1u << s;
                }
                lastBegan = open;
                k += BarTrack::kBlock;
                if (ahead && k < track.bars.size()) // read soon, unless its block is taken whole too
                    __builtin_prefetch(&bars[track.bars[k]]);
                continue;
            }
            // A block across the open column's right edge, whose bars follow one another: those beginning
            // in the open column end there, but for the last of them, and the rest lie in the next column.
            // Where the edge falls is found in a few reads; then only the smaller side is read bar by bar,
            // the other is the block's times less it (a block read bar by bar is twenty cache lines).
            if (last == open + 1 && open + 1 < to && !track.isTangled(k / BarTrack::kBlock)
                && (lastBegan == open || grid.column(bars[track.bars[k]].begin) >= open)) {
                // The search below reads bars across the block one after another, each waiting for the last:
                // asking for all of its lines first lets the memory fetch them at once.
                const std::size_t b = k / BarTrack::kBlock;
                if (b != fetched)
                    fetchBars(b);
                lookAhead(b, open);
                std::size_t lo = 0; // the first bar beginning in the next column: in [lo, hi]
                std::size_t hi = BarTrack::kBlock;
                while (lo < hi) {
                    const std::size_t mid = (lo + hi) / 2;
                    if (grid.column(bars[track.bars[k + mid]].begin) > open)
                        hi = mid;
                    else
                        lo = mid + 1;
                }
                // Bars [0, across) end in the open column; bar `across`, if any, may cross the edge; bars
                // [lo, kBlock) lie in the next column.
                const std::size_t across = lo == 0 ? 0 : lo - 1;
                std::array<std::int64_t, kBarStateCount> before{};
                std::array<std::int64_t, kBarStateCount> after{};
                std::uint32_t presentBefore = 0;
                std::uint32_t presentAfter = 0;
                // The block's times less `other` and less the bar across the edge.
                const auto rest = [&](std::array<std::int64_t, kBarStateCount> &time,
                                      const std::array<std::int64_t, kBarStateCount> &other) {
                    time = block.time;
                    for (std::size_t s = 0; s < time.size(); ++s)
                        time[s] -= other[s];
                    if (lo > 0) {
                        const Bar &bar = bars[track.bars[k + across]];
                        time[static_cast<std::size_t>(bar.state)] -= bar.end - bar.begin;
                    }
                };
                if (across <= BarTrack::kBlock - lo) {
                    sum(k, across, before, presentBefore);
                    rest(after, before);
                    // Bars of no length only: the next column still shows (in their colour), as it does
                    // bar by bar; a difference of times cannot say which states they had.
                    if (lo < BarTrack::kBlock
                        && std::ranges::all_of(after, [](std::int64_t t) { return t == 0; }))
                        sum(k + lo, BarTrack::kBlock - lo, after, presentAfter);
                } else {
                    sum(k + lo, BarTrack::kBlock - lo, after, presentAfter);
                    rest(before, after);
                }
                addTimes(open, before, presentBefore);
                const std::int64_t next = open + 1;
                if (lo > 0)
                    step(bars[track.bars[k + across]]);
                if (lo < BarTrack::kBlock) {
                    addTimes(next, after, presentAfter);
                    lastBegan = next;
                }
                k += BarTrack::kBlock;
                if (ahead && k < track.bars.size())
                    __builtin_prefetch(&bars[track.bars[k]]);
                continue;
            }
        }
        // Bar by bar: a lane's bars are spread over hundreds of megabytes when it has millions, and a frame
        // reads a few dozen of them per column, each from memory. Asking for the ones ahead early lets
        // those reads overlap.
        if (ahead && k + kAhead < track.bars.size())
            __builtin_prefetch(&bars[track.bars[k + kAhead]]);
        if (!step(bars[track.bars[k++]]))
            break;
    }
    flush();
}

} // namespace forkscope::ui
