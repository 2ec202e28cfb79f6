#pragma once

// Level of detail for markers: per lane, which marker kinds (and which texts that may be drawn beside their
// glyph) occur in each block of 32 markers and each run of 1,024. A whole-run frame of a lane with millions
// of markers draws a glyph of a kind only where the last one of that kind is a glyph's width behind; with
// these blocks the markers pass (ui/timeline/markers_pass.cpp) finds the next marker of a kind, or the next
// one with a text, by skipping blocks that have none, so a frame costs about one search per glyph drawn
// instead of a step per marker. Kept up to date as the model adds markers (TimelineModel::addMarker), live
// or not, in a few operations per marker; independent of the scale, so a zoom rebuilds nothing. Plain
// C++, no Qt.

#include "ui/mapped_vector.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace forkscope::ui {

struct MarkerBlocks {
    static constexpr std::size_t kBlock = 32;            ///< markers per block
    static constexpr std::size_t kRun = 1024;            ///< markers per run of blocks
    static constexpr std::uint16_t kTagged = 1u << 8;    ///< a value or crash with its text
    static constexpr std::uint16_t kPrintText = 1u << 9; ///< a printed line with its text

    /// One lane's summary: per block and per run, the OR of its markers' bits (bitsOf).
    struct Lane {
        std::vector<std::uint16_t> blocks;
        std::vector<std::uint16_t> runs;
        /// Per block, its first marker's time: a search for a time reads these few lines before the
        /// markers themselves (a lane of millions of markers spreads them over tens of megabytes).
        MappedVector<std::int64_t> firstTimes;
        /// Per marker, its bits in a byte (codeOf): looking for a kind within a block reads one line, not
        /// the block's twenty lines of markers. (Both grown live as the markers are, without copies onto
        /// fresh pages: MappedVector.)
        MappedVector<std::uint8_t> codes;
    };

    /// A marker's bits (bitsOf) in a byte: its kind in the low three bits, kTagged and kPrintText above.
    template <typename Marker>
    static std::uint8_t codeOf(const Marker &m) noexcept
    {
        const std::uint16_t bits = bitsOf(m);
        return static_cast<std::uint8_t>(static_cast<unsigned>(m.kind) | ((bits & kTagged) ? 8u : 0u)
                                         | ((bits & kPrintText) ? 16u : 0u));
    }
    static std::uint16_t bitsOfCode(std::uint8_t code) noexcept
    {
        return static_cast<std::uint16_t>((1u << (code & 7u)) | ((code & 8u) ? kTagged : 0u)
                                          | ((code & 16u) ? kPrintText : 0u));
    }
    std::vector<Lane> lanes;

    /// A marker's bits: 1 << its kind, and kTagged or kPrintText when it carries a text that may be drawn
    /// beside its glyph. (Marker and MarkerKind are defined in ui/timeline_model.hpp, which includes this.)
    template <typename Marker>
    static std::uint16_t bitsOf(const Marker &m) noexcept
    {
        using Kind = decltype(m.kind);
        auto bits = static_cast<std::uint16_t>(1u << static_cast<unsigned>(m.kind));
        if (m.hasText() && (m.kind == Kind::Value || m.kind == Kind::Crash))
            bits |= kTagged;
        if (m.hasText() && m.kind == Kind::Print)
            bits |= kPrintText;
        return bits;
    }

    /// Marker `at` of `lane` was just inserted into `markers` (the lane's markers, in time order): blocks
    /// from there on are brought up to date (at the end, where nearly every marker goes, one OR each).
    template <typename Markers>
    void added(std::size_t lane, const Markers &markers, std::size_t at)
    {
        if (lane >= lanes.size())
            lanes.resize(lane + 1);
        Lane &l = lanes[lane];
        const std::size_t size = markers.size();
        l.blocks.resize((size + kBlock - 1) / kBlock);
        l.runs.resize((size + kRun - 1) / kRun);
        l.firstTimes.resize(l.blocks.size());
        l.codes.resize(size);
        for (std::size_t i = at; i < size; ++i)
            l.codes[i] = codeOf(markers[i]);
        if (at + 1 == size) {
            const std::uint16_t bits = bitsOf(markers[at]);
            l.blocks[at / kBlock] |= bits;
            l.runs[at / kRun] |= bits;
            if (at % kBlock == 0)
                l.firstTimes[at / kBlock] = markers[at].time;
            return;
        }
        // Inserted before others: the markers after it moved one place on.
        for (std::size_t b = at / kBlock; b < l.blocks.size(); ++b) {
            std::uint16_t bits = 0;
            for (std::size_t i = b * kBlock; i < std::min(size, (b + 1) * kBlock); ++i)
                bits |= bitsOf(markers[i]);
            l.blocks[b] = bits;
            l.firstTimes[b] = markers[b * kBlock].time;
        }
        for (std::size_t r = at / kRun; r < l.runs.size(); ++r) {
            std::uint16_t bits = 0;
            for (std::size_t b = r * (kRun / kBlock);
                 b < std::min(l.blocks.size(), (r + 1) * (kRun / kBlock)); ++b)
                bits |= l.blocks[b];
            l.runs[r] = bits;
        }
    }

    /// The first index in [from, to) of `lane`'s markers whose bits meet `want`, or `to`.
    template <typename Markers>
    std::size_t next(std::size_t lane, const Markers &markers, std::size_t from, std::size_t to,
                     std::uint16_t want) const
    {
        const Lane *l = lane < lanes.size() ? &lanes[lane] : nullptr;
        std::size_t i = from;
        while (i < to) {
            if (l && i % kRun == 0 && i / kRun < l->runs.size() && !(l->runs[i / kRun] & want)) {
                i += kRun;
                continue;
            }
            if (l && i % kBlock == 0 && i / kBlock < l->blocks.size() && !(l->blocks[i / kBlock] & want)) {
                i += kBlock;
                continue;
            }
            if (bitsAt(l, markers, i) & want)
                return i;
            ++i;
        }
        return to;
    }

    /// The last index in [lowest, before) of `lane`'s markers whose bits meet `want`, or `before` when none.
    template <typename Markers>
    std::size_t previous(std::size_t lane, const Markers &markers, std::size_t lowest, std::size_t before,
                         std::uint16_t want) const
    {
        const Lane *l = lane < lanes.size() ? &lanes[lane] : nullptr;
        std::size_t i = before; // markers [lowest, i) are left to look at
        while (i > lowest) {
            if (l && i % kRun == 0 && i - lowest >= kRun && i / kRun <= l->runs.size()
                && !(l->runs[i / kRun - 1] & want)) {
                i -= kRun;
                continue;
            }
            if (l && i % kBlock == 0 && i - lowest >= kBlock && i / kBlock <= l->blocks.size()
                && !(l->blocks[i / kBlock - 1] & want)) {
                i -= kBlock;
                continue;
            }
            --i;
            if (bitsAt(l, markers, i) & want)
                return i;
        }
        return before;
    }

    void clear() { lanes.clear(); }

private:
    /// Marker i's bits, from its code where the lane has one (a byte, not the marker's line).
    template <typename Markers>
    static std::uint16_t bitsAt(const Lane *l, const Markers &markers, std::size_t i) noexcept
    {
        return l && i < l->codes.size() ? bitsOfCode(l->codes[i]) : bitsOf(markers[i]);
    }
};

} // namespace forkscope::ui
