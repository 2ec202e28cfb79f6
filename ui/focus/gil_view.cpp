// The GIL at the scale where it can be seen: about six switch intervals from the middle of the run, one row
// per thread, solid where the thread holds the GIL and runs, pale where it waits; under it, on one scale, the
// CPU work one thread needed (its time holding the GIL) against the wall time of all of them. Threads under
// a GIL take turns: N tasks of work W take about N × W, not W.

#include "ui/focus/focus_parts.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>

namespace forkscope::ui::focus {

namespace {

struct GilLane {
    std::uint32_t lane = 0;
    std::int64_t heldNs = 0; ///< all its holds: the CPU work it did
};

std::vector<GilLane> gilLanes(const TimelineModel &model)
{
    std::vector<GilLane> lanes;
    for (std::uint32_t i = 0; i < model.laneCount(); ++i) {
        const Lane &lane = model.lane(i);
        if (lane.info.kind == core::WorkerKind::Main)
            continue; // main takes the GIL only to start and join its threads
        GilLane g{i, 0};
        for (const GilSpan &span : lane.gil)
            if (span.holds)
                g.heldNs += (span.open() ? model.now() : span.end) - span.begin;
        if (g.heldNs > 0)
            lanes.push_back(g);
    }
    return lanes;
}

/// About six holds long, centred on the middle of the run (holds are about one switch interval).
TimeWindow zoomWindow(const TimelineModel &model, const std::vector<GilLane> &lanes, std::int64_t end)
{
    std::vector<std::int64_t> holds;
    for (const GilLane &g : lanes)
        for (const GilSpan &span : model.lane(g.lane).gil)
            if (span.holds && !span.open())
                holds.push_back(span.end - span.begin);
    std::int64_t typical = end / 20;
    if (!holds.empty()) {
        std::ranges::nth_element(holds, holds.begin() + static_cast<std::ptrdiff_t>(holds.size() / 2));
        typical = holds[holds.size() / 2];
    }
    const std::int64_t span
        = std::clamp<std::int64_t>(6 * typical, kMinWindowSpanNs, std::max<std::int64_t>(end, 1));
    const std::int64_t begin
        = std::clamp<std::int64_t>(end / 2 - span / 2, 0, std::max<std::int64_t>(0, end - span));
    return {begin, begin + span};
}

} // namespace

bool hasGilFocus(const TimelineModel &model)
{
    if (!model.hasGil())
        return false;
    const std::vector<GilLane> lanes = gilLanes(model);
    std::size_t handOvers = 0;
    for (const GilLane &g : lanes)
        for (const GilSpan &span : model.lane(g.lane).gil)
            handOvers += span.forced;
    return lanes.size() >= 2 && handOvers >= 12;
}

void paintGil(QPainter &painter, const QRectF &chart, const Type &type, const Theme &theme,
              const FocusInput &input)
{
    const TimelineModel &model = *input.model;
    const std::vector<GilLane> lanes = gilLanes(model);
    if (lanes.empty())
        return;
    const std::int64_t end = runEnd(model);
    const TimeWindow window = zoomWindow(model, lanes, end);
    const QFontMetricsF labelMetrics(type.label);
    const QString oneName = QStringLiteral("1 thread");
    const QString allName = QStringLiteral("%1 threads").arg(lanes.size());
    double gutter = labelMetrics.horizontalAdvance(allName);
    for (const GilLane &g : lanes)
        gutter = std::max(
            gutter, labelMetrics.horizontalAdvance(QString::fromStdString(model.lane(g.lane).info.name)));
    gutter += type.px(24);

    // Top: the zoomed turns. A note says which stretch of the run this is.
    painter.setFont(type.small);
    painter.setPen(theme.mutedText);
    painter.drawText(
        QRectF(chart.left() + gutter, chart.top(), chart.width() - gutter, labelMetrics.height()),
        Qt::AlignLeft | Qt::AlignTop,
        QStringLiteral(
            "%1 from the middle of the run (%2 to %3): solid = holds the GIL and runs, pale = waits for it")
            .arg(QString::fromStdString(formatDuration(window.span())),
                 QString::fromStdString(formatDuration(window.beginNs)),
                 QString::fromStdString(formatDuration(window.endNs))));
    const double turnsTop = chart.top() + labelMetrics.height() + type.px(8);
    const double turnsHeight = chart.height() * 0.55;
    const double rowGap = type.px(10);
    const double rowHeight = std::min(type.px(110), turnsHeight / static_cast<double>(lanes.size()) - rowGap);
    const QRectF plot(chart.left() + gutter, turnsTop, chart.width() - gutter,
                      static_cast<double>(lanes.size()) * (rowHeight + rowGap));
    paintTimeAxis(painter, plot, window, type, theme);
    const QColor run = theme.stateColor(BarState::Computing);
    QColor wait = run;
    wait.setAlpha(55);
    for (std::size_t row = 0; row < lanes.size(); ++row) {
        const Lane &lane = model.lane(lanes[row].lane);
        const double y = plot.top() + static_cast<double>(row) * (rowHeight + rowGap);
        painter.fillRect(QRectF(plot.left(), y, plot.width(), rowHeight), theme.alternateRow);
        for (std::size_t i = lane.firstGilSpan(window.beginNs); i < lane.gil.size(); ++i) {
            const GilSpan &span = lane.gil[i];
            if (span.begin > window.endNs)
                break;
            const double x0 = std::max(plot.left(), xOf(span.begin, window, plot));
            const double x1 = std::min(plot.right(), xOf(span.open() ? end : span.end, window, plot));
            painter.fillRect(QRectF(x0, y, std::max(1.0, x1 - x0), rowHeight), span.holds ? run : wait);
            if (span.holds
                && x1 - x0
                    > QFontMetricsF(type.small).horizontalAdvance(QStringLiteral("runs")) + type.px(8)) {
                painter.setFont(type.small);
                painter.setPen(theme.text);
                painter.drawText(QRectF(x0, y, x1 - x0, rowHeight), Qt::AlignCenter, QStringLiteral("runs"));
            }
        }
        painter.setFont(type.label);
        painter.setPen(theme.text);
        painter.drawText(QRectF(chart.left(), y, gutter - type.px(16), rowHeight),
                         Qt::AlignRight | Qt::AlignVCenter, QString::fromStdString(lane.info.name));
    }

    // Bottom: one thread's work against everyone's wall time, on one scale, the figures big.
    std::int64_t work = 0;
    for (const GilLane &g : lanes)
        work += g.heldNs;
    work /= static_cast<std::int64_t>(lanes.size());
    const double barsTop = plot.bottom() + type.px(56) + labelMetrics.height();
    const double barHeight = std::min(type.px(80), (chart.bottom() - barsTop) / 2 - type.px(16));
    const QString oneWords
        = QStringLiteral("%1 of work each").arg(QString::fromStdString(formatDuration(work)));
    const QString allWords
        = QStringLiteral("%1 together: %2× one")
              .arg(QString::fromStdString(formatDuration(end)),
                   QString::number(static_cast<double>(end)
                                       / static_cast<double>(std::max<std::int64_t>(work, 1)),
                                   'f', 1));
    const double room
        = chart.width() - gutter - QFontMetricsF(type.headline).horizontalAdvance(allWords) - type.px(32);
    const double scale = std::max(0.0, room) / static_cast<double>(std::max<std::int64_t>(end, 1));
    const auto bar
        = [&](double y, std::int64_t ns, const QString &name, const QString &words, const QColor &color) {
              const double w = std::max(type.px(4), scale * static_cast<double>(ns));
              painter.fillRect(QRectF(chart.left() + gutter, y, w, barHeight), color);
              painter.setFont(type.label);
              painter.setPen(theme.text);
              painter.drawText(QRectF(chart.left(), y, gutter - type.px(16), barHeight),
                               Qt::AlignRight | Qt::AlignVCenter, name);
              painter.setFont(type.headline);
              painter.drawText(QRectF(chart.left() + gutter + w + type.px(16), y - type.px(20), chart.width(),
                                      barHeight + type.px(40)),
                               Qt::AlignLeft | Qt::AlignVCenter, words);
          };
    bar(barsTop, work, oneName, oneWords, run);
    bar(barsTop + barHeight + type.px(24), end, allName, allWords, theme.mutedText);
}

} // namespace forkscope::ui::focus
