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

std::vector<LegendEntry> legendEntries(const TimelineModel &model, const PaintOptions &options)
{
    std::vector<const TimelineModel *> models{&model};
    for (const auto &other : options.legendAlso)
        if (other)
            models.push_back(other.get());
    const auto any = [&](const auto &has) { return std::any_of(models.begin(), models.end(), has); };
    const auto hasState
        = [&](BarState state) { return any([&](const auto *m) { return m->hasState(state); }); };

    std::vector<LegendEntry> entries;
    bool anyState = false;
    for (int i = 0; i < kBarStateCount; ++i)
        anyState = anyState || hasState(static_cast<BarState>(i));
    for (int i = 0; i < kBarStateCount; ++i) {
        const auto state = static_cast<BarState>(i);
        // With nothing recorded yet, show the common states so the legend does not pop in later.
        const bool show
            = anyState ? hasState(state) : (state == BarState::Computing || state == BarState::Sleeping);
        if (show)
            entries.push_back(
                {LegendEntry::Kind::State, state, MarkerKind::Start, QString::fromUtf8(barStateName(state))});
    }
    const std::pair<MarkerKind, const char *> markers[] = {
        {MarkerKind::Start, "start"}, {MarkerKind::End, "end"},     {MarkerKind::Crash, "killed by signal"},
        {MarkerKind::Print, "print"}, {MarkerKind::Value, "value"}, {MarkerKind::MainEnd, "main's last line"},
    };
    for (const auto &[kind, name] : markers)
        if (any([&, kind = kind](const auto *m) { return m->hasMarker(kind); }))
            entries.push_back(
                {LegendEntry::Kind::Marker, BarState::Computing, kind, QString::fromUtf8(name)});
    if (any([](const auto *m) { return !m->joinArrows().empty(); }))
        entries.push_back(
            {LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start, QStringLiteral("join")});
    bool queueMessages = false;
    bool pipeMessages = false;
    for (const TimelineModel *m : models)
        for (const MessageArrow &a : m->messageArrows()) {
            (a.pipe ? pipeMessages : queueMessages) = true;
            if (queueMessages && pipeMessages)
                break;
        }
    if (queueMessages)
        entries.push_back({LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("put → get"), LegendEntry::Color::Queue});
    if (pipeMessages)
        entries.push_back({LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("send → receive"), LegendEntry::Color::Pipe});
    if (any([](const auto *m) { return m->hasGil(); })) {
        entries.push_back({LegendEntry::Kind::GilHold, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("holds the GIL")});
        entries.push_back({LegendEntry::Kind::GilWait, BarState::Computing, MarkerKind::Start,
                           QStringLiteral("waits for the GIL")});
    }
    return entries;
}

constexpr double kSwatch = 12;
constexpr double kSwatchGap = 6;
constexpr double kEntryGap = 20;

double legendEntryWidth(const LegendEntry &entry, const QFontMetricsF &fm)
{
    const double glyph = entry.kind == LegendEntry::Kind::Arrow ? 2 * kSwatch : kSwatch;
    return glyph + kSwatchGap + fm.horizontalAdvance(entry.text);
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
        x += w + kEntryGap;
    }
    return lines;
}

double legendLineHeight(const QFontMetricsF &fm) { return std::max(kSwatch, fm.height()) + 6; }

} // namespace

double legendHeight(const TimelineModel &model, const PaintOptions &options, const QFontMetricsF &fm,
                    double width)
{
    const std::vector<LegendEntry> entries = legendEntries(model, options);
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
    const QFontMetricsF fm(fonts.base);
    const double lineHeight = legendLineHeight(fm);
    const QRectF area = layout.legendRect;
    double x = area.left();
    double y = area.top();
    p.setFont(fonts.base);
    for (const LegendEntry &entry : legendEntries(model, options)) {
        const double w = legendEntryWidth(entry, fm);
        if (x > area.left() && x + w > area.right()) {
            x = area.left();
            y += lineHeight;
        }
        const double cy = y + lineHeight / 2;
        double glyphWidth = kSwatch;
        switch (entry.kind) {
        case LegendEntry::Kind::State:
            p.fillRect(QRectF(x, cy - kSwatch / 2, kSwatch, kSwatch), theme.stateColor(entry.state));
            break;
        case LegendEntry::Kind::Marker:
            drawGlyph(p, entry.marker,
                      QPointF(x + kSwatch / 2 - (entry.marker == MarkerKind::Start ? 3 : 0), cy), kSwatch / 2,
                      theme);
            break;
        case LegendEntry::Kind::GilHold:
            p.fillRect(QRectF(x, cy - kSwatch / 2, kSwatch, kSwatch), theme.stateColor(BarState::Computing));
            p.fillRect(QRectF(x, cy + kSwatch / 2 - 4, kSwatch, 4), theme.gilHold);
            break;
        case LegendEntry::Kind::GilWait: {
            const QRectF swatch(x, cy - kSwatch / 2, kSwatch, kSwatch);
            p.fillRect(swatch, theme.stateColor(BarState::Computing));
            fillGilWait(p, swatch, theme);
            break;
        }
        case LegendEntry::Kind::Arrow: {
            glyphWidth = 2 * kSwatch;
            p.save();
            p.setRenderHint(QPainter::Antialiasing, true);
            const QColor color = entry.color == LegendEntry::Color::Queue ? theme.queueMessage
                : entry.color == LegendEntry::Color::Pipe                 ? theme.pipeMessage
                                                                          : theme.arrow;
            p.setPen(QPen(color, 1.5));
            p.drawLine(QPointF(x, cy), QPointF(x + glyphWidth - 2, cy));
            drawArrowHead(p, QPointF(x, cy), QPointF(x + glyphWidth, cy), 7, color);
            p.restore();
            break;
        }
        }
        p.setPen(theme.text);
        p.setFont(fonts.base);
        p.drawText(QRectF(x + glyphWidth + kSwatchGap, y, w, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   entry.text);
        x += w + kEntryGap;
    }
}

} // namespace forkscope::ui::timeline
