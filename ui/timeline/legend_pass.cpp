// The legend: a swatch, glyph or arrow with a name for each bar state, marker kind, arrow kind and GIL
// strip the model (or any model in options.legendAlso) has, wrapped into lines under the plot.

#include "ui/timeline/passes.hpp"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <utility>
#include <vector>

namespace forkscope::ui::timeline {

namespace {

/// The legend's entries in order: bar states seen, then marker kinds seen.
struct LegendEntry {
    enum class Kind : std::uint8_t { State, Marker, Arrow, GilHold, GilWait };
    Kind kind;
    BarState state = BarState::Computing;
    MarkerKind marker = MarkerKind::Start;
    QString text;
    enum class Color : std::uint8_t { Join, Queue, Pipe };
    Color color = Color::Join; ///< for arrows
};

/// What a picture shows, for an exact legend: which states, marker kinds and arrows appear in the window
/// on the rows drawn (all rows before layout, when only the measuring needs it).
struct Shown {
    std::uint32_t states = 0;
    std::uint32_t markers = 0;
    bool joins = false;
    bool queueMessages = false;
    bool pipeMessages = false;
    bool gilHold = false;
    bool gilWait = false;
};

/// A GIL hold narrower than this many pixels is drawn (every hold gets a pixel along the bars' bottom) but
/// not seen, under a start flag or a value's diamond: the legend does not name a strip nobody can find (a
/// lecturer shown threads that took the GIL for a few microseconds at their start looked for it in vain).
/// A wait's hatch over the whole bar's height is seen from two pixels on (the next lecturer, shown the same
/// slide without the entry, asked what the hatched slivers were).
constexpr double kSeenGilHoldPixels = 4;
constexpr double kSeenGilWaitPixels = 2;

/// What the picture shows; `pxPerNs` its scale (0: unknown, every GIL span counts).
Shown shownIn(const TimelineModel &model, const PaintOptions &options, const TimelineLayout *layout,
              double pxPerNs)
{
    Shown shown;
    const TimeWindow w = layout ? layout->window : options.window;
    // Lanes drawn: every lane before layout; after it, those on visible rows (folded lanes show bars only).
    std::vector<int> drawn(model.laneCount(), layout ? 0 : 2);
    if (layout) {
        for (int r = layout->firstRow; r < layout->firstRow + layout->visibleRows; ++r) {
            const DisplayRow &row = layout->rows[static_cast<std::size_t>(r)];
            if (isLane(row) && row.lane < drawn.size())
                drawn[row.lane] = 2;
            else if (isFold(row))
                for (const std::uint32_t lane : layout->folds[row.group].lanes)
                    if (lane < drawn.size())
                        drawn[lane] = 1;
        }
    }
    for (std::uint32_t i = 0; i < model.laneCount(); ++i) {
        if (drawn[i] == 0)
            continue;
        const Lane &lane = model.lane(i);
        // Stops as soon as every state the lane has is found: a window over a whole busy lane costs little.
        const std::uint32_t states = lane.stateMask();
        for (std::size_t b = lane.firstIndex(w.beginNs);
             b < lane.bars.size() && lane.bars[b].begin <= w.endNs && (shown.states & states) != states; ++b)
            shown.states |= 1u << static_cast<unsigned>(lane.bars[b].state);
        if (drawn[i] == 2) {
            for (std::size_t g = lane.firstGilSpan(w.beginNs);
                 g < lane.gil.size() && lane.gil[g].begin <= w.endNs && !(shown.gilHold && shown.gilWait);
                 ++g) {
                const GilSpan &span = lane.gil[g];
                const std::int64_t end = span.open() ? std::max(model.now(), span.begin) : span.end;
                const double seen
                    = static_cast<double>(std::min(end, w.endNs) - std::max(span.begin, w.beginNs));
                if (pxPerNs <= 0 || seen * pxPerNs >= (span.holds ? kSeenGilHoldPixels : kSeenGilWaitPixels))
                    (span.holds ? shown.gilHold : shown.gilWait) = true;
            }
        }
        const std::uint32_t kinds = lane.markerMask();
        if (drawn[i] == 2)
            for (std::size_t m = lane.firstMarker(w.beginNs); m < lane.markers.size()
                 && lane.markers[m].time <= w.endNs && (shown.markers & kinds) != kinds;
                 ++m)
                shown.markers |= 1u << static_cast<unsigned>(lane.markers[m].kind);
    }
    for (const JoinArrow &a : model.joinArrows())
        if (a.fromLane < drawn.size() && a.toLane < drawn.size() && drawn[a.fromLane] == 2
            && drawn[a.toLane] == 2 && a.toTime >= w.beginNs && a.fromTime <= w.endNs)
            shown.joins = true;
    const MappedVector<MessageArrow> &arrows = model.messageArrows();
    for (const TimelineModel::MessageRoute &route : model.messageRoutes()) {
        if (route.fromLane >= drawn.size() || route.toLane >= drawn.size() || !drawn[route.fromLane]
            || !drawn[route.toLane] || route.fromLane == route.toLane)
            continue;
        // The first arrow received in the window or after it; one received later than its route's longest
        // message after the window was sent after it.
        for (auto it
             = std::lower_bound(route.arrows.begin(), route.arrows.end(), w.beginNs,
                                [&](std::uint32_t a, std::int64_t t) { return arrows[a].toTime < t; });
             it != route.arrows.end() && arrows[*it].toTime - route.longest <= w.endNs; ++it) {
            const MessageArrow &a = arrows[*it];
            if (a.fromTime <= w.endNs) {
                (a.pipe ? shown.pipeMessages : shown.queueMessages) = true;
                break;
            }
        }
    }
    if (!options.details)
        shown.markers &= ~(1u << static_cast<unsigned>(MarkerKind::Print)); // not drawn without details
    return shown;
}

/// Everything the model recorded: cheap, for a view repainted at 60 Hz.
Shown recordedIn(const TimelineModel &model)
{
    Shown shown;
    for (int i = 0; i < kBarStateCount; ++i)
        if (model.hasState(static_cast<BarState>(i)))
            shown.states |= 1u << i;
    for (int i = 0; i < 8; ++i)
        if (model.hasMarker(static_cast<MarkerKind>(i)))
            shown.markers |= 1u << i;
    shown.joins = !model.joinArrows().empty();
    shown.queueMessages = model.hasQueueMessages();
    shown.pipeMessages = model.hasPipeMessages();
    shown.gilHold = shown.gilWait = model.hasGil();
    return shown;
}

std::vector<LegendEntry> legendEntries(const TimelineModel &model, const PaintOptions &options,
                                       const TimelineLayout *layout, double pxPerNs = 0)
{
    if (layout)
        pxPerNs = layout->pxPerNs();
    Shown shown = options.exactLegend ? shownIn(model, options, layout, pxPerNs) : recordedIn(model);
    // A comparison's one legend explains every band: what the other runs show counts too.
    for (const auto &other : options.legendAlso) {
        if (!other)
            continue;
        const Shown more
            = options.exactLegend ? shownIn(*other, options, nullptr, pxPerNs) : recordedIn(*other);
        shown.states |= more.states;
        shown.markers |= more.markers;
        shown.joins = shown.joins || more.joins;
        shown.queueMessages = shown.queueMessages || more.queueMessages;
        shown.pipeMessages = shown.pipeMessages || more.pipeMessages;
        shown.gilHold = shown.gilHold || more.gilHold;
        shown.gilWait = shown.gilWait || more.gilWait;
    }
    std::vector<LegendEntry> entries;
    for (int i = 0; i < kBarStateCount; ++i) {
        const auto state = static_cast<BarState>(i);
        // With nothing recorded yet, a view shows the common states so the legend does not pop in later.
        const bool show = shown.states != 0 || options.exactLegend
            ? (shown.states & (1u << i)) != 0
            : (state == BarState::Computing || state == BarState::Sleeping);
        if (show)
            entries.push_back(
                {LegendEntry::Kind::State, state, MarkerKind::Start, QString::fromUtf8(barStateName(state))});
    }
    const std::pair<MarkerKind, const char *> markers[] = {
        {MarkerKind::Start, "start"}, {MarkerKind::End, "end"},     {MarkerKind::Crash, "killed by signal"},
        {MarkerKind::Print, "print"}, {MarkerKind::Value, "value"}, {MarkerKind::MainEnd, "main's last line"},
    };
    for (const auto &[kind, name] : markers)
        if (shown.markers & (1u << static_cast<unsigned>(kind)))
            entries.push_back(
                {LegendEntry::Kind::Marker, BarState::Computing, kind, QString::fromUtf8(name)});
    if (shown.joins)
        entries.push_back(
            {LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start, QStringLiteral("join")});
    if (shown.queueMessages)
        entries.push_back({LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("put → get"), LegendEntry::Color::Queue});
    if (shown.pipeMessages)
        entries.push_back({LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("send → receive"), LegendEntry::Color::Pipe});
    if (shown.gilHold)
        entries.push_back({LegendEntry::Kind::GilHold, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("holds the GIL")});
    if (shown.gilWait)
        entries.push_back({LegendEntry::Kind::GilWait, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("waits for the GIL")});
    return entries;
}

/// A swatch's side: 12 pixels beside the window's 12-pixel text, growing with larger text.
double swatchSize(const QFontMetricsF &fm) { return std::max(12.0, std::round(fm.height() * 0.6)); }
double swatchGap(const QFontMetricsF &fm) { return swatchSize(fm) / 2; }
double entryGap(const QFontMetricsF &fm) { return std::round(swatchSize(fm) * 5 / 3); }

double legendEntryWidth(const LegendEntry &entry, const QFontMetricsF &fm)
{
    const double glyph = entry.kind == LegendEntry::Kind::Arrow ? 2 * swatchSize(fm) : swatchSize(fm);
    return glyph + swatchGap(fm) + fm.horizontalAdvance(entry.text);
}

/// Legend lines needed for `entries` in `width`.
int legendLines(const std::vector<LegendEntry> &entries, const QFontMetricsF &fm, double width)
{
    int lines = entries.empty() ? 0 : 1;
    double x = 0;
    for (const LegendEntry &entry : entries) {
        const double w = legendEntryWidth(entry, fm);
        if (x > 0 && x + w > width) {
            ++lines;
            x = 0;
        }
        x += w + entryGap(fm);
    }
    return lines;
}

double legendLineHeight(const QFontMetricsF &fm) { return std::max(swatchSize(fm), fm.height()) + 6; }

} // namespace

double legendHeight(const TimelineModel &model, const PaintOptions &options, const QFontMetricsF &fm,
                    double width)
{
    // Before the layout: the plot is narrower than `width`, so this scale names at least what it will show.
    const double pxPerNs = options.window.span() > 0 ? width / static_cast<double>(options.window.span()) : 0;
    const std::vector<LegendEntry> entries = legendEntries(model, options, nullptr, pxPerNs);
    if (entries.empty())
        return 0;
    return legendLines(entries, fm, width) * legendLineHeight(fm);
}

void paintLegend(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                 const PaintOptions &options, const Fonts &fonts)
{
    if (layout.legendRect.isEmpty())
        return;
    const Theme &theme = options.theme;
    const QFontMetricsF fm(fonts.legend);
    const double lineHeight = legendLineHeight(fm);
    const double swatch = swatchSize(fm);
    const QRectF area = layout.legendRect;
    double x = area.left();
    double y = area.top();
    p.setFont(fonts.legend);
    for (const LegendEntry &entry : legendEntries(model, options, &layout)) {
        const double w = legendEntryWidth(entry, fm);
        if (x > area.left() && x + w > area.right()) {
            x = area.left();
            y += lineHeight;
        }
        const double cy = y + lineHeight / 2;
        double glyphWidth = swatch;
        switch (entry.kind) {
        case LegendEntry::Kind::State:
            p.fillRect(QRectF(x, cy - swatch / 2, swatch, swatch), theme.stateColor(entry.state));
            break;
        case LegendEntry::Kind::Marker:
            drawGlyph(p, entry.marker,
                      QPointF(x + swatch / 2 - (entry.marker == MarkerKind::Start ? 3 : 0), cy), swatch / 2,
                      theme);
            break;
        case LegendEntry::Kind::GilHold:
            p.fillRect(QRectF(x, cy - swatch / 2, swatch, swatch), theme.stateColor(BarState::Computing));
            p.fillRect(QRectF(x, cy + swatch / 2 - 4, swatch, 4), theme.gilHold);
            break;
        case LegendEntry::Kind::GilWait: {
            const QRectF box(x, cy - swatch / 2, swatch, swatch);
            p.fillRect(box, theme.stateColor(BarState::Computing));
            fillGilWait(p, box, theme);
            break;
        }
        case LegendEntry::Kind::Arrow: {
            glyphWidth = 2 * swatch;
            p.save();
            p.setRenderHint(QPainter::Antialiasing, true);
            const QColor color = entry.color == LegendEntry::Color::Queue ? theme.queueMessage
                : entry.color == LegendEntry::Color::Pipe                 ? theme.pipeMessage
                                                                          : theme.arrow;
            p.setPen(QPen(color, 1.5));
            p.drawLine(QPointF(x, cy), QPointF(x + glyphWidth - 2, cy));
            drawArrowHead(p, QPointF(x, cy), QPointF(x + glyphWidth, cy), swatch * 7 / 12, color);
            p.restore();
            break;
        }
        }
        p.setPen(theme.text);
        p.setFont(fonts.legend);
        p.drawText(QRectF(x + glyphWidth + swatchGap(fm), y, w, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   entry.text);
        x += w + entryGap(fm);
    }
}

} // namespace forkscope::ui::timeline
