// paintTimeline: runs the passes of ui/timeline/ in order, back to front, and sets the clip and
// antialiasing they are drawn with.

#include "ui/timeline_painter.hpp"

#include "ui/timeline/passes.hpp"

#include <QPainter>

namespace forkscope::ui {

using namespace timeline;

void paintTimeline(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options)
{
    const Fonts fonts(options);
    p.save();
    p.fillRect(layout.bounds, options.theme.background);
    paintTitle(p, layout, options, fonts);
    paintRows(p, model, layout, options, fonts);
    if (options.axis)
        paintAxis(p, layout, options, fonts);

    // Everything on the time axis stays inside the plot.
    p.save();
    p.setClipRect(layout.plotRect);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintLaneBars(p, model, layout, options, fonts, row.lane);
        else if (isFold(row))
            paintFoldBars(p, model, layout, options, fonts, row.group);
        else if (row.kind == DisplayRow::Kind::Queue)
            paintQueueStrip(p, model, layout, options, row.group, static_cast<std::size_t>(r));
    }

    // Arrows are curves and slants: antialiased. Marker glyphs set their own; tags and the vertical lines
    // after them stay pixel-sharp.
    p.setRenderHint(QPainter::Antialiasing, true);
    paintJoinArrows(p, model, layout, options);
    paintMessageArrows(p, model, layout, options);

    p.setRenderHint(QPainter::Antialiasing, false);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintLaneMarkers(p, model, layout, options, fonts, row.lane);
    }
    paintMainEnd(p, model, layout, options, fonts);
    // On top of the bars and value tags it is about.
    paintLostUpdates(p, model, layout, options, fonts);
    paintNowLine(p, model, layout, options);
    p.restore();

    paintLaneLabels(p, model, layout, options, fonts);
    paintLaneResults(p, layout, options, fonts);
    paintLegend(p, model, layout, options, fonts);
    p.restore();
}

} // namespace forkscope::ui
