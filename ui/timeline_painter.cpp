// paintTimeline: runs the passes of ui/timeline/ in order, back to front, and sets the clip and
// antialiasing they are drawn with.

#include "ui/timeline_painter.hpp"

#include "ui/timeline/passes.hpp"
#include "ui/timeline/rect_fill.hpp"

#include <QElapsedTimer>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <exception>
#include <numeric>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

namespace forkscope::ui {

using namespace timeline;

namespace {

/// A tracks layer with fewer bars than this in sight is drawn by one thread: a second one costs about a
/// tenth of a millisecond to start, and (measured on the 1,000-lane scenes) pays from some tens of thousands.
constexpr double kTwoThreadsFrom = 40'000;

/// About how many bars each of `rows` has in the window: its lanes' bars in proportion to how much of the
/// run the window covers.
std::vector<double> barsInSight(const TimelineModel &model, const TimelineLayout &layout,
                                std::span<const int> rows)
{
    const TimeWindow all{0, std::max({model.now(), model.lastEventTime(), std::int64_t{1}})};
    const double share = std::clamp(static_cast<double>(std::min(layout.window.endNs, all.endNs)
                                                        - std::max(layout.window.beginNs, all.beginNs))
                                        / static_cast<double>(all.span()),
                                    0.0, 1.0);
    std::vector<double> bars;
    for (const int r : rows) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        double n = 0;
        if (isLane(row))
            n = static_cast<double>(model.lane(row.lane).bars.size());
        else if (isFold(row))
            for (const std::uint32_t lane : layout.folds[row.group].lanes)
                n += static_cast<double>(model.lane(lane).bars.size());
        bars.push_back(n * share);
    }
    return bars;
}

/// The bars of the lanes and folds among `rows`, through `fill` alone.
void paintRowBars(RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options, const TrackArea &area, std::span<const int> rows)
{
    for (const int r : rows) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintLaneBars(fill, model, layout, options, area, row.lane);
        else if (isFold(row))
            paintFoldBars(fill, model, layout, options, area, row.group);
    }
    fill.flush();
}

} // namespace

void paintTimelineTracks(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                         const PaintOptions &options, const QRect &pixels)
{
    const TrackArea area = trackArea(layout, pixels);
    if (area.clip.isEmpty())
        return;
    const Fonts fonts(options);
    p.save();
    p.setClipRect(area.clip);
    p.fillRect(area.clip, options.theme.background);
    paintRows(p, layout, options, QRectF(area.clip));
    paintGrid(p, layout, options, fonts, area);
    std::vector<int> rows;
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r)
        rows.push_back(r);
    {
        RectFill fill(p, area.clip);
        // Written into an image pixel by pixel, with many bars in sight: the lower rows' bars on a second
        // thread. Rows do not overlap, and each thread's fill is clipped to its own rows' pixels, so the two
        // never write the same pixel and the picture is the one a thread draws (tested). GIL waits and queue
        // strips go through the painter: drawn after, here, lane by lane.
        std::size_t split = rows.size();
        // Rows under 6 pixels: their bands' insets no longer keep the bars inside the row (barBand).
        const bool tallEnough = std::ranges::all_of(
            rows, [&](int r) { return layout.rowHeight[static_cast<std::size_t>(r)] >= 6; });
        if (fill.direct() && options.paintThreads > 1 && rows.size() > 1 && tallEnough) {
            // A strip of the plot (a pan's new columns, a live tick's) holds its width's share of them.
            const double strip
                = std::clamp(static_cast<double>(area.clip.width()) / layout.plotRect.width(), 0.0, 1.0);
            const std::vector<double> perRow = barsInSight(model, layout, rows);
            const double bars = std::accumulate(perRow.begin(), perRow.end(), 0.0) * strip;
            if (bars >= kTwoThreadsFrom) {
                double before = 0;
                split = 0;
                while (split + 1 < rows.size() && before < bars / 2)
                    before += perRow[split++] * strip;
            }
        }
        // GIL and queue strips go over their rows' bars, drawn through the painter.
        std::size_t stripped = 0; // rows[0, stripped) have theirs
        const auto paintStrips = [&](std::size_t to) {
            for (; stripped < to; ++stripped) {
                const int r = rows[stripped];
                const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
                if (isLane(row))
                    paintLaneGilStrips(p, fill, model, layout, options, area, row.lane);
                else if (row.kind == DisplayRow::Kind::Queue)
                    paintQueueStrip(p, model, layout, options, area, row.group, static_cast<std::size_t>(r));
            }
        };
        int threads = 1;
        if (split > 0 && split < rows.size()) {
            // The rows' pixels: up to the split row's top, and from it on (rows are in order down the plot).
            // (where a fill from the row's top begins: the bars' own rounding)
            const int boundary = static_cast<int>(std::clamp<std::int64_t>(
                PixelGrid::edgeOf(layout.rowTop[static_cast<std::size_t>(rows[split])]), area.clip.top(),
                area.clip.bottom() + 1));
            const QRect upper = area.clip.intersected(
                QRect(area.clip.left(), area.clip.top(), area.clip.width(), boundary - area.clip.top()));
            const QRect lower = area.clip.intersected(
                QRect(area.clip.left(), boundary, area.clip.width(), area.clip.bottom() + 1 - boundary));
            RectFill top(p, upper);
            RectFill bottom(p, lower);
            std::exception_ptr failed;
            try {
                std::jthread helper([&] {
                    try {
                        paintRowBars(bottom, model, layout, options, area,
                                     std::span<const int>(rows).subspan(split));
                    } catch (...) {
                        failed = std::current_exception();
                    }
                });
                threads = 2;
                paintRowBars(top, model, layout, options, area, std::span<const int>(rows).first(split));
                // The upper rows' strips while the helper may still draw the lower rows' bars: neither
                // writes a pixel of the other's rows.
                paintStrips(split);
            } catch (const std::system_error &) { // no thread to be had: all of them here
                threads = 1;
                stripped = 0; // drawn again over the bars drawn again
            }
            if (failed)
                std::rethrow_exception(failed);
            if (threads == 1)
                paintRowBars(fill, model, layout, options, area, rows);
        } else {
            paintRowBars(fill, model, layout, options, area, rows);
        }
        if (options.passTimes)
            options.passTimes->trackThreads = threads;
        paintStrips(rows.size());
    }
    p.restore();
}

namespace {

/// This process's CPU time (ns), every thread's: Qt's raster engine hands large fills to a pool of threads,
/// whose work a pass has to count, and on a shared machine wall time says more about the others' load.
std::int64_t processCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// Adds the time since the last lap to one pass's total, when the options ask for times: CPU time of the
/// whole process, and wall time.
class PassClock {
public:
    explicit PassClock(PassTimes *times) : m_times(times)
    {
        if (m_times) {
            m_clock.start();
            m_cpu = processCpuNs();
        }
    }
    void lap(int pass)
    {
        if (!m_times)
            return;
        const std::int64_t cpu = processCpuNs();
        m_times->ms[pass] += static_cast<double>(cpu - m_cpu) / 1e6;
        m_times->wallMs[pass] += static_cast<double>(m_clock.nsecsElapsed()) / 1e6;
        m_cpu = cpu;
        m_clock.restart();
    }

private:
    PassTimes *m_times;
    QElapsedTimer m_clock;
    std::int64_t m_cpu = 0;
};

} // namespace

void paintTimeline(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const std::function<void(QPainter &)> &tracks)
{
    PassClock clock(options.passTimes);
    const Fonts fonts(options);
    p.save();
    p.fillRect(layout.bounds, options.theme.background);
    paintTitle(p, layout, options, fonts);
    paintRows(p, layout, options, layout.labelRect);
    if (options.axis)
        paintAxis(p, layout, options, fonts);
    clock.lap(0);

    if (tracks)
        tracks(p);
    else
        paintTimelineTracks(p, model, layout, options, layout.plotRect.toAlignedRect());
    clock.lap(1);

    paintRowTitles(p, model, layout, options, fonts);
    clock.lap(2);
    // Everything else on the time axis stays inside the plot.
    p.save();
    p.setClipRect(layout.plotRect);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintTaskLabels(p, model, layout, options, fonts, row.lane);
    }
    clock.lap(3);

    // Arrows are curves and slants: antialiased. Marker glyphs set their own; tags and the vertical lines
    // after them stay pixel-sharp.
    p.setRenderHint(QPainter::Antialiasing, true);
    paintJoinArrows(p, model, layout, options);
    paintMessageArrows(p, model, layout, options);
    clock.lap(4);

    p.setRenderHint(QPainter::Antialiasing, false);
    GlyphStamps stamps(p, options.theme, fonts);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintLaneMarkers(p, model, layout, options, fonts, row.lane, &stamps);
    }
    paintMainEnd(p, model, layout, options, fonts);
    clock.lap(5);
    // On top of the bars and value tags it is about.
    paintLostUpdates(p, model, layout, options, fonts, &stamps);
    paintNowLine(p, model, layout, options);
    p.restore();
    clock.lap(6);

    paintLaneLabels(p, model, layout, options, fonts);
    clock.lap(7);
    paintLaneResults(p, layout, options, fonts);
    clock.lap(8);
    paintLegend(p, model, layout, options, fonts);
    p.restore();
    clock.lap(9);
}

} // namespace forkscope::ui
