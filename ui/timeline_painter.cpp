// paintTimeline: runs the passes of ui/timeline/ in order, back to front, and sets the clip and
// antialiasing they are drawn with.

#include "ui/timeline_painter.hpp"

#include "ui/timeline/passes.hpp"
#include "ui/timeline/rect_fill.hpp"

#include <QElapsedTimer>
#include <QPainter>

#include <ctime>

namespace forkscope::ui {

using namespace timeline;

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
    {
        RectFill fill(p, area.clip);
        for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
            const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
            if (isLane(row))
                paintLaneBars(p, fill, model, layout, options, area, row.lane);
            else if (isFold(row))
                paintFoldBars(p, fill, model, layout, options, area, row.group);
            else if (row.kind == DisplayRow::Kind::Queue)
                paintQueueStrip(p, model, layout, options, area, row.group, static_cast<std::size_t>(r));
        }
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
    GlyphStamps stamps(p, options.theme);
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
