#include "ui/timeline_painter.hpp"

#include "core/shared_memory/queue.hpp"

#include "core/export/trace_export.hpp"

#include <QFont>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <unordered_map>
#include <cmath>

namespace forkscope::ui {

using core::WorkerKind;

namespace {

constexpr double kMargin = 8;
constexpr double kGap = 6;
constexpr double kBarInset = 3; ///< between a lane's row edge and its outermost bars
constexpr double kNestInset = 3; ///< more per nesting level
constexpr double kLabelIndent = 14;

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

struct Fonts {
    QFont base;
    QFont bold;
    QFont small;
    QFont title;

    explicit Fonts(const PaintOptions &options)
    {
        // Pixel sizes: the same numbers give the same picture on a screen, in a 300 dpi PDF and in an SVG.
        base.setFamily(options.fontFamily);
        base.setPixelSize(std::max(6, options.fontPixelSize));
        bold = base;
        bold.setBold(true);
        small = base;
        small.setPixelSize(std::max(6, options.fontPixelSize - 2));
        title = bold;
        title.setPixelSize(std::max(8, options.fontPixelSize * 3 / 2));
    }
};

bool isLane(const DisplayRow &row)
{
    return row.kind == DisplayRow::Kind::Lane;
}

/// A queue's fill strip: a little taller than a process header, so the level reads at a glance.
double queueRowHeight(double headerHeight)
{
    return std::ceil(headerHeight * 1.6);
}

double rowHeightOf(const TimelineLayout &layout, const DisplayRow &row)
{
    switch (row.kind) {
    case DisplayRow::Kind::Lane:
        return layout.laneHeight;
    case DisplayRow::Kind::Queue:
        return queueRowHeight(layout.headerHeight);
    case DisplayRow::Kind::Header:
        break;
    }
    return layout.headerHeight;
}

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

std::vector<LegendEntry> legendEntries(const TimelineModel &model)
{
    std::vector<LegendEntry> entries;
    bool anyState = false;
    for (int i = 0; i < kBarStateCount; ++i)
        anyState = anyState || model.hasState(static_cast<BarState>(i));
    for (int i = 0; i < kBarStateCount; ++i) {
        const auto state = static_cast<BarState>(i);
        // With nothing recorded yet, show the common states so the legend does not pop in later.
        const bool show = anyState ? model.hasState(state)
                                   : (state == BarState::Computing || state == BarState::Sleeping);
        if (show)
            entries.push_back({ LegendEntry::Kind::State, state, MarkerKind::Start,
                QString::fromUtf8(barStateName(state)) });
    }
    const std::pair<MarkerKind, const char *> markers[] = {
        { MarkerKind::Start, "start" },
        { MarkerKind::End, "end" },
        { MarkerKind::Crash, "killed by signal" },
        { MarkerKind::Print, "print" },
        { MarkerKind::Value, "value" },
        { MarkerKind::MainEnd, "main's last line" },
    };
    for (const auto &[kind, name] : markers)
        if (model.hasMarker(kind))
            entries.push_back(
                { LegendEntry::Kind::Marker, BarState::Computing, kind, QString::fromUtf8(name) });
    if (!model.joinArrows().empty())
        entries.push_back(
            { LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start, QStringLiteral("join") });
    bool queueMessages = false;
    bool pipeMessages = false;
    for (const MessageArrow &a : model.messageArrows()) {
        (a.pipe ? pipeMessages : queueMessages) = true;
        if (queueMessages && pipeMessages)
            break;
    }
    if (queueMessages)
        entries.push_back({ LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
            QStringLiteral("put → get"), LegendEntry::Color::Queue });
    if (pipeMessages)
        entries.push_back({ LegendEntry::Kind::Arrow, BarState::Computing, MarkerKind::Start,
            QStringLiteral("send → receive"), LegendEntry::Color::Pipe });
    if (model.hasGil()) {
        entries.push_back({ LegendEntry::Kind::GilHold, BarState::Computing, MarkerKind::Start,
            QStringLiteral("holds the GIL") });
        entries.push_back({ LegendEntry::Kind::GilWait, BarState::Computing, MarkerKind::Start,
            QStringLiteral("waits for the GIL") });
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

double legendLineHeight(const QFontMetricsF &fm)
{
    return std::max(kSwatch, fm.height()) + 6;
}

QString laneName(const TimelineModel &model, std::uint32_t lane)
{
    return lane < model.laneCount() ? qs(model.lane(lane).info.name) : QStringLiteral("lane %1").arg(lane);
}

} // namespace

Theme Theme::light()
{
    Theme t;
    t.background = QColor(0xff, 0xff, 0xff);
    t.alternateRow = QColor(0xf4, 0xf5, 0xf7);
    t.headerBackground = QColor(0xe3, 0xe6, 0xeb);
    t.labelBackground = QColor(0xff, 0xff, 0xff, 0xd8);
    t.text = QColor(0x1d, 0x1f, 0x23);
    t.mutedText = QColor(0x5c, 0x63, 0x6d);
    t.grid = QColor(0xdc, 0xdf, 0xe4);
    t.lifeline = QColor(0x8a, 0x91, 0x9b);
    t.arrow = QColor(0x3b, 0x42, 0x4c);
    t.now = QColor(0xD5, 0x5E, 0x00);
    t.crash = QColor(0xD5, 0x5E, 0x00);
    t.mainEnd = QColor(0x1d, 0x1f, 0x23);
    t.gilHold = QColor(0x1d, 0x1f, 0x23);
    t.gilWait = QColor(0x5c, 0x63, 0x6d);
    // Okabe-Ito: orange, sky blue, reddish purple, yellow, bluish green, blue.
    t.states = { QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9), QColor(0xCC, 0x79, 0xA7),
        QColor(0xF0, 0xE4, 0x42), QColor(0x00, 0x9E, 0x73), QColor(0x00, 0x72, 0xB2),
        QColor(0xF2, 0xA3, 0x7A) }; // pool task: a light vermillion, dark text stays readable on it
    t.queueMessage = QColor(0x00, 0x5A, 0x8C);
    t.pipeMessage = QColor(0xB8, 0x4A, 0x00);
    t.queueFill = QColor(0x00, 0x72, 0xB2);
    return t;
}

Theme Theme::dark()
{
    Theme t = light();
    t.background = QColor(0x1b, 0x1d, 0x21);
    t.alternateRow = QColor(0x23, 0x26, 0x2b);
    t.headerBackground = QColor(0x30, 0x34, 0x3b);
    t.labelBackground = QColor(0x1b, 0x1d, 0x21, 0xd8);
    t.text = QColor(0xe6, 0xe8, 0xeb);
    t.mutedText = QColor(0xa0, 0xa7, 0xb1);
    t.grid = QColor(0x34, 0x38, 0x3f);
    t.lifeline = QColor(0x80, 0x87, 0x91);
    t.arrow = QColor(0xc8, 0xcd, 0xd4);
    t.now = QColor(0xFF, 0x8C, 0x42);
    t.crash = QColor(0xFF, 0x6E, 0x1A);
    t.mainEnd = QColor(0xe6, 0xe8, 0xeb);
    t.queueMessage = QColor(0x7F, 0xC4, 0xF0);
    t.pipeMessage = QColor(0xFF, 0xA0, 0x5A);
    t.queueFill = QColor(0x56, 0xB4, 0xE9);
    t.gilHold = QColor(0xf2, 0xf3, 0xf5);
    t.gilWait = QColor(0xa0, 0xa7, 0xb1);
    return t;
}

std::vector<DisplayRow> displayRows(const TimelineModel &model)
{
    std::vector<DisplayRow> rows;
    const auto &groups = model.groups();
    rows.reserve(groups.size() + model.laneCount());
    for (std::uint32_t g = 0; g < groups.size(); ++g) {
        rows.push_back({ DisplayRow::Kind::Header, g, groups[g].leader });
        for (const std::uint32_t lane : groups[g].lanes)
            rows.push_back({ DisplayRow::Kind::Lane, g, lane });
    }
    for (const QueueTrack *q : model.busyQueues())
        rows.push_back({ DisplayRow::Kind::Queue, static_cast<std::uint32_t>(q->id), 0 });
    return rows;
}

QString groupTitle(const TimelineModel &model, std::uint32_t group)
{
    const auto &groups = model.groups();
    if (group >= groups.size())
        return {};
    const ProcessGroup &g = groups[group];
    const Lane &leader = model.lane(g.leader);
    QString title
        = g.pid > 0 ? QStringLiteral("process %1").arg(g.pid) : QStringLiteral("process (not started)");
    title += QStringLiteral(" · ") + (g.leader == 0 ? QStringLiteral("main") : qs(leader.info.name));
    if (leader.crashed())
        title += QStringLiteral(" · killed by ") + qs(core::signalName(leader.signal));
    else if (leader.ended() && leader.exitCode != 0)
        title += QStringLiteral(" · exit %1").arg(leader.exitCode);
    return title;
}

QString laneDetail(const Lane &lane)
{
    const core::LaneInfo &info = lane.info;
    QString kind;
    switch (info.kind) {
    case WorkerKind::Main:
        kind = QStringLiteral("main thread");
        break;
    case WorkerKind::Sequential:
        kind = QStringLiteral("function call");
        break;
    case WorkerKind::Thread:
        kind = QStringLiteral("thread");
        break;
    case WorkerKind::Process:
        kind = QStringLiteral("process");
        break;
    }
    if (info.kind == WorkerKind::Process && info.pid > 0)
        return kind + QStringLiteral(" · pid %1").arg(info.pid);
    if (info.tid > 0)
        return kind + QStringLiteral(" · tid %1").arg(info.tid);
    return kind;
}

TimeWindow fitWindow(const TimelineModel &model)
{
    const std::int64_t end = std::max({ model.now(), model.lastEventTime(), kMinWindowSpanNs });
    // A little room on both sides so start flags at 0 and end marks at the end are not cut in half.
    const std::int64_t pad = std::max<std::int64_t>(end / 50, 1);
    return { -pad, end + pad };
}

// Layout ---------------------------------------------------------------------------------------------------

int TimelineLayout::rowAt(double y) const
{
    const int end = firstRow + visibleRows;
    for (int r = firstRow; r < end; ++r) {
        const auto i = static_cast<std::size_t>(r);
        if (y >= rowTop[i] && y < rowTop[i] + rowHeight[i])
            return r;
    }
    return -1;
}

double TimelineLayout::laneCenterY(std::uint32_t lane) const
{
    if (lane >= laneRow.size() || laneRow[lane] < 0)
        return plotRect.top();
    const auto r = static_cast<std::size_t>(laneRow[lane]);
    return rowTop[r] + rowHeight[r] / 2;
}

QRectF TimelineLayout::barBand(std::uint32_t lane, int depth) const
{
    if (lane >= laneRow.size() || laneRow[lane] < 0)
        return {};
    const auto r = static_cast<std::size_t>(laneRow[lane]);
    const double height = rowHeight[r];
    // Nested bars shrink so the enclosing state (say, a lock held) stays visible around them.
    double inset = kBarInset + kNestInset * depth;
    inset = std::min(inset, height / 2 - 2);
    return { plotRect.left(), rowTop[r] + inset, plotRect.width(), height - 2 * inset };
}

TimelineLayout layoutTimeline(const TimelineModel &model, const QRectF &rect, const PaintOptions &options)
{
    TimelineLayout layout;
    layout.bounds = rect;
    layout.window = options.window;
    if (layout.window.span() <= 0)
        layout.window.endNs = layout.window.beginNs + 1;
    const Fonts fonts(options);
    const QFontMetricsF fm(fonts.base);
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    const QFontMetricsF fmTitle(fonts.title);

    const double left = rect.left() + kMargin;
    const double right = rect.right() - kMargin;
    double top = rect.top() + kMargin;
    double bottom = rect.bottom() - kMargin;

    if (!options.title.isEmpty()) {
        layout.titleRect = QRectF(left, top, right - left, fmTitle.height() + 4);
        top = layout.titleRect.bottom() + kGap;
    }

    const std::vector<LegendEntry> legend
        = options.legend ? legendEntries(model) : std::vector<LegendEntry> {};
    double legendHeight = 0;
    if (!legend.empty())
        legendHeight = legendLines(legend, fm, right - left) * legendLineHeight(fm);

    layout.rows = displayRows(model);
    layout.laneRow.assign(model.laneCount(), -1);
    for (std::size_t r = 0; r < layout.rows.size(); ++r)
        if (isLane(layout.rows[r]) && layout.rows[r].lane < layout.laneRow.size())
            layout.laneRow[layout.rows[r].lane] = static_cast<int>(r);

    double labelWidth = options.labelWidth;
    if (labelWidth <= 0) {
        labelWidth = 90;
        for (const Lane &lane : model.lanes()) {
            labelWidth = std::max(labelWidth, fmBold.horizontalAdvance(qs(lane.info.name)));
            labelWidth = std::max(labelWidth, fmSmall.horizontalAdvance(laneDetail(lane)));
        }
        // Room for the indent under the process header and the gap before the plot.
        labelWidth = std::min(labelWidth + kLabelIndent + 2 * kMargin, std::max(90.0, (right - left) * 0.3));
    }

    const double axisHeight = options.axis ? fmSmall.height() + 10 : 0;
    const double plotLeft = left + labelWidth;
    layout.axisRect = QRectF(plotLeft, top, std::max(1.0, right - plotLeft), axisHeight);
    top += axisHeight;
    const double available = std::max(0.0, bottom - top - (legendHeight > 0 ? legendHeight + kGap : 0));

    layout.headerHeight = std::ceil(fmSmall.height() + 6);
    const int rowTotal = static_cast<int>(layout.rows.size());
    layout.firstRow = std::clamp(options.firstRow, 0, std::max(0, rowTotal - 1));
    const int wanted = options.rowCount < 0 ? rowTotal - layout.firstRow
                                            : std::min(options.rowCount, rowTotal - layout.firstRow);
    if (options.laneHeight > 0) {
        layout.laneHeight = options.laneHeight;
    } else {
        double fixed = 0;
        int lanes = 0;
        for (int r = layout.firstRow; r < layout.firstRow + wanted; ++r) {
            const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
            lanes += isLane(row);
            fixed += row.kind == DisplayRow::Kind::Header ? layout.headerHeight
                   : row.kind == DisplayRow::Kind::Queue  ? queueRowHeight(layout.headerHeight)
                                                          : 0;
        }
        const double share = lanes > 0 ? (available - fixed) / lanes : options.maxLaneHeight;
        layout.laneHeight
            = std::floor(std::clamp(share, double(options.minLaneHeight), double(options.maxLaneHeight)));
    }

    // Row tops: rows above firstRow lie above the plot (arrows to them still get a sensible y).
    layout.rowTop.resize(layout.rows.size());
    layout.rowHeight.resize(layout.rows.size());
    double y = top;
    for (int r = layout.firstRow - 1; r >= 0; --r) {
        const auto i = static_cast<std::size_t>(r);
        layout.rowHeight[i] = rowHeightOf(layout, layout.rows[i]);
        y -= layout.rowHeight[i];
        layout.rowTop[i] = y;
    }
    y = top;
    layout.visibleRows = 0;
    double used = 0;
    for (int r = layout.firstRow; r < rowTotal; ++r) {
        const auto i = static_cast<std::size_t>(r);
        layout.rowHeight[i] = rowHeightOf(layout, layout.rows[i]);
        layout.rowTop[i] = y;
        if (r - layout.firstRow < wanted && y < top + available - 0.5) {
            ++layout.visibleRows;
            used = std::min(available, y + layout.rowHeight[i] - top);
        }
        y += layout.rowHeight[i];
    }

    layout.plotRect = QRectF(plotLeft, top, std::max(1.0, right - plotLeft), used);
    layout.labelRect = QRectF(left, top, labelWidth, used);
    if (legendHeight > 0)
        layout.legendRect = QRectF(left, layout.plotRect.bottom() + kGap, right - left, legendHeight);
    return layout;
}

// Painting -------------------------------------------------------------------------------------------------

namespace {

/// Draws a marker glyph centred vertically at `c` with half-height `s`.
void drawGlyph(QPainter &p, MarkerKind kind, QPointF c, double s, const Theme &theme)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    switch (kind) {
    case MarkerKind::Start: {
        // A flag pointing right from the start line.
        p.setPen(Qt::NoPen);
        p.setBrush(theme.text);
        p.drawRect(QRectF(c.x() - 1, c.y() - s, 2, 2 * s));
        p.drawPolygon(QPolygonF({ QPointF(c.x() + 1, c.y() - s), QPointF(c.x() + 1 + s, c.y() - s / 2),
            QPointF(c.x() + 1, c.y()) }));
        break;
    }
    case MarkerKind::End:
        p.setPen(Qt::NoPen);
        p.setBrush(theme.text);
        p.drawRect(QRectF(c.x() - 1.5, c.y() - s, 3, 2 * s));
        break;
    case MarkerKind::Crash: {
        p.setPen(QPen(theme.crash, std::max(2.0, s / 3), Qt::SolidLine, Qt::RoundCap));
        const double r = s * 0.8;
        p.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r));
        p.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r));
        break;
    }
    case MarkerKind::Print: {
        // A speech-bubble tail: a small downward triangle.
        p.setPen(QPen(theme.background, 1));
        p.setBrush(theme.text);
        const double r = s * 0.7;
        p.drawPolygon(QPolygonF({ QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() - r),
            QPointF(c.x(), c.y() + r * 0.8) }));
        break;
    }
    case MarkerKind::Value: {
        p.setPen(QPen(theme.text, 1.5));
        p.setBrush(theme.background);
        const double r = s * 0.55;
        p.drawPolygon(QPolygonF({ QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()),
            QPointF(c.x(), c.y() + r), QPointF(c.x() - r, c.y()) }));
        break;
    }
    case MarkerKind::MainEnd: {
        QPen pen(theme.mainEnd, 1.5, Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(c.x(), c.y() - s), QPointF(c.x(), c.y() + s));
        break;
    }
    case MarkerKind::Note:
        p.setPen(Qt::NoPen);
        p.setBrush(theme.mutedText);
        p.drawEllipse(c, s * 0.3, s * 0.3);
        break;
    case MarkerKind::Spawn:
        p.setPen(QPen(theme.mutedText, 1.5));
        p.drawLine(QPointF(c.x(), c.y()), QPointF(c.x(), c.y() + s));
        break;
    }
    p.restore();
}

/// Text placed beside a marker on a tinted box so it stays readable over bars.
void drawTag(QPainter &p, const QRectF &box, const QString &text, const QFont &font, const QColor &color,
    const Theme &theme)
{
    p.fillRect(box, theme.labelBackground);
    p.setFont(font);
    p.setPen(color);
    p.drawText(box.adjusted(2, 0, -1, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
}

bool hasTag(const Marker &m)
{
    return (m.kind == MarkerKind::Print || m.kind == MarkerKind::Value || m.kind == MarkerKind::Crash)
        && !m.text.empty();
}

/// "square(3) = 9" inside a pool task's bar when it fits ("square(3)" while it runs, "3" when narrow).
void paintTaskLabel(QPainter &p, const TimelineModel &model, const Bar &bar, const QRectF &rect, const Fonts &fonts,
    const Theme &theme)
{
    if (rect.width() < 12 || rect.height() < 8)
        return;
    const QFontMetricsF fm(fonts.small);
    const QString call = QStringLiteral("%1(%2)").arg(qs(model.taskFunction())).arg(bar.value);
    const QString candidates[] = {
        bar.open() || bar.cancelled ? call : call + QStringLiteral(" = %1").arg(bar.result),
        bar.open() || bar.cancelled ? QStringLiteral("%1").arg(bar.value) : QStringLiteral("%1→%2").arg(bar.value).arg(bar.result),
        QStringLiteral("%1").arg(bar.value),
    };
    for (const QString &text : candidates) {
        if (fm.horizontalAdvance(text) + 4 <= rect.width()) {
            p.setFont(fonts.small);
            p.setPen(theme.text.lightness() > 128 ? QColor(0x1d, 0x1f, 0x23) : theme.text);
            p.drawText(rect, Qt::AlignCenter, text);
            return;
        }
    }
}

/// A pale hatch for "waits for the GIL": the bar under it shows through, but reads as not running.
void fillGilWait(QPainter &p, const QRectF &rect, const Theme &theme)
{
    p.fillRect(rect, withAlpha(theme.background, 175));
    p.fillRect(rect, QBrush(withAlpha(theme.gilWait, 150), Qt::BDiagPattern));
}

/// The GIL over a lane: a dark strip along the bottom of its bars while it holds its process's GIL, a hatch
/// over them while it waits for it. Holds get at least a pixel (who has it matters); waits shorter than
/// half a pixel are left out (an uncontended request is granted within a microsecond).
void paintLaneGil(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    if (lane.gil.empty())
        return;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    const QRectF band = layout.barBand(laneIndex, 0);
    const double strip = std::max(3.0, std::round(band.height() * 0.25));
    double holdCovered = -1e9;
    double waitCovered = -1e9;
    for (std::size_t i = lane.firstGilSpan(w.beginNs); i < lane.gil.size() && lane.gil[i].begin <= w.endNs; ++i) {
        const GilSpan &span = lane.gil[i];
        const std::int64_t end = span.open() ? std::max(model.now(), span.begin) : span.end;
        const double x0 = std::round(px(span.begin));
        const double x1 = std::max(x0 + 1, std::round(px(end)));
        if (span.holds) {
            if (x1 <= holdCovered)
                continue;
            const double from = std::max(x0, holdCovered);
            p.fillRect(QRectF(from, band.bottom() - strip, x1 - from, strip), options.theme.gilHold);
            holdCovered = x1;
        } else {
            if (static_cast<double>(end - span.begin) < perPixel / 2 || x1 <= waitCovered)
                continue;
            const double from = std::max(x0, waitCovered);
            fillGilWait(p, QRectF(from, band.top(), x1 - from, band.height()), options.theme);
            waitCovered = x1;
        }
    }
}

void paintLaneBars(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    const Theme &theme = options.theme;
    const auto row = static_cast<std::size_t>(layout.laneRow[laneIndex]);
    const double top = layout.rowTop[row];
    const double height = layout.rowHeight[row];
    const double centerY = top + height / 2;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());
    // Pixel columns are clamped a little outside the plot so huge zooms never overflow coordinates.
    auto px
        = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };

    // Lifeline: the worker exists (started, not yet ended).
    if (lane.started()) {
        const std::int64_t end = lane.ended() ? lane.endNs : model.now();
        if (end >= w.beginNs && lane.startNs <= w.endNs) {
            const double x0 = px(lane.startNs);
            const double x1 = std::max(px(end), x0 + 1);
            p.fillRect(QRectF(x0, centerY - 1, x1 - x0, 2), theme.lifeline);
        }
    }

    // Bars, folded where they are narrower than a pixel; a column already painted at the same depth is
    // skipped.
    const std::vector<LodItem> items = levelOfDetail(lane, w.beginNs, w.endNs, perPixel, model.now(), 1.0);
    double coveredTo = -1e9;
    int coveredDepth = -1;
    for (const LodItem &item : items) {
        if (item.depth != coveredDepth) {
            coveredDepth = item.depth;
            coveredTo = -1e9;
        }
        const double x0 = std::round(px(item.begin));
        const double x1 = std::max(x0 + 1, std::round(px(item.end)));
        if (x1 <= coveredTo)
            continue;
        const QRectF band = layout.barBand(laneIndex, item.depth);
        QColor color = theme.stateColor(item.state);
        p.fillRect(QRectF(x0, band.top(), x1 - x0, band.height()), color);
        coveredTo = x1;
        if (item.state == BarState::Task && !item.folded())
            paintTaskLabel(p, model, lane.bars[item.first], QRectF(x0, band.top(), x1 - x0, band.height()), fonts,
                theme);
    }
    paintLaneGil(p, model, layout, options, laneIndex);
}

void paintLaneMarkers(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex)
{
    const Lane &lane = model.lane(laneIndex);
    const Theme &theme = options.theme;
    const auto row = static_cast<std::size_t>(layout.laneRow[laneIndex]);
    const double top = layout.rowTop[row];
    const double height = layout.rowHeight[row];
    const double centerY = top + height / 2;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());

    // Markers, with their text where there is room before the next tagged marker (or, failing that, after
    // the previous one).
    double previousTagEnd = plot.left();
    double lastTaggedX = -1e9; ///< the previous marker with text, drawn or not
    const std::size_t firstMarker = lane.firstMarker(w.beginNs - static_cast<std::int64_t>(perPixel * 8));
    const std::size_t lastMarker = lane.lastMarker(w.endNs);
    const double s = std::clamp(height * 0.3, 4.0, 9.0);
    const QFontMetricsF fmSmall(fonts.small);
    // Where the last glyph of each kind went: a dense run of markers draws one glyph per glyph width, which
    // still reads as "many here" and keeps a 100 000-event lane cheap to paint.
    std::array<double, 8> lastGlyphX;
    lastGlyphX.fill(-1e9);
    for (std::size_t i = firstMarker; i < lastMarker; ++i) {
        const Marker &m = lane.markers[i];
        if (m.kind == MarkerKind::MainEnd)
            continue; // drawn across all lanes
        const double x = layout.timeToX(m.time);
        const bool tagged = hasTag(m);
        const double previousTaggedX = lastTaggedX;
        if (tagged)
            lastTaggedX = x;
        double &last = lastGlyphX[static_cast<std::size_t>(m.kind) % lastGlyphX.size()];
        const bool always
            = m.kind == MarkerKind::Crash || m.kind == MarkerKind::Start || m.kind == MarkerKind::End;
        if (x - last < (always ? 0.5 : s))
            continue;
        last = x;
        double glyphY = centerY;
        if (m.kind == MarkerKind::Print || m.kind == MarkerKind::Value)
            glyphY = top + s * 0.8 + 1;
        else if (m.kind == MarkerKind::Spawn)
            glyphY = top + height - s - 1;
        drawGlyph(p, m.kind, QPointF(x, glyphY), s, theme);

        if (!tagged)
            continue;
        double limit = plot.right();
        for (std::size_t j = i + 1; j < lane.markers.size(); ++j) {
            if (hasTag(lane.markers[j])) {
                limit = std::min(limit, layout.timeToX(lane.markers[j].time) - 2);
                break;
            }
        }
        const QString full = qs(m.text);
        const double wanted = fmSmall.horizontalAdvance(full) + 4;
        const double gap = s * 0.8 + 2;
        const double roomRight = limit - (x + gap);
        const double roomLeft
            = (x - gap) - std::max({ previousTagEnd + 2, previousTaggedX + gap + 2, plot.left() });
        const bool left = roomRight < wanted && roomLeft > roomRight;
        const double room = left ? roomLeft : roomRight;
        // Whole text, or a useful part of it: a row of "c…" tags says nothing a tooltip would not.
        if (room < wanted && room < 64)
            continue;
        const QString text = fmSmall.elidedText(full, Qt::ElideRight, room - 4);
        if (text.isEmpty())
            continue;
        const double width = fmSmall.horizontalAdvance(text) + 4;
        const double tagHeight = fmSmall.height() + 1;
        const double tagTop = m.kind == MarkerKind::Crash ? centerY - tagHeight / 2
                                                          : std::max(top + 1, glyphY - tagHeight / 2);
        const QRectF box(left ? x - gap - width : x + gap, tagTop, width, tagHeight);
        drawTag(p, box, text, fonts.small, m.kind == MarkerKind::Crash ? theme.crash : theme.text, theme);
        previousTagEnd = box.right();
    }
}

void drawArrowHead(QPainter &p, QPointF from, QPointF to, double size, const QColor &color)
{
    const double dx = to.x() - from.x();
    const double dy = to.y() - from.y();
    const double length = std::hypot(dx, dy);
    if (length < 0.5)
        return;
    const double ux = dx / length;
    const double uy = dy / length;
    const QPointF back(to.x() - ux * size, to.y() - uy * size);
    const QPointF side(-uy * size * 0.5, ux * size * 0.5);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawPolygon(QPolygonF({ to, back + side, back - side }));
}

void paintAxis(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QRectF axis = layout.axisRect;
    const QFontMetricsF fm(fonts.small);
    const int maxTicks = std::max(2,
        static_cast<int>(
            axis.width() / std::max(70.0, fm.horizontalAdvance(QStringLiteral("00.00 ms")) + 24)));
    const std::int64_t step = niceTickStep(layout.window.span(), maxTicks);
    const std::vector<std::int64_t> ticks = tickTimes(layout.window, step);

    p.setPen(QPen(theme.mutedText, 1));
    p.drawLine(QPointF(axis.left(), axis.bottom() - 0.5), QPointF(axis.right(), axis.bottom() - 0.5));
    p.setFont(fonts.small);
    double lastRight = -1e9;
    for (const std::int64_t t : ticks) {
        const double x = std::round(layout.timeToX(t)) + 0.5;
        p.setPen(QPen(theme.mutedText, 1));
        p.drawLine(QPointF(x, axis.bottom() - 5), QPointF(x, axis.bottom()));
        const QString label = qs(formatTickLabel(t, step));
        const double width = fm.horizontalAdvance(label);
        double textLeft = x - width / 2;
        textLeft = std::max(textLeft, axis.left());
        textLeft = std::min(textLeft, layout.bounds.right() - kMargin / 2 - width);
        if (textLeft < lastRight + 8)
            continue;
        p.setPen(theme.text);
        p.drawText(QRectF(textLeft, axis.top(), width + 1, axis.height() - 6),
            Qt::AlignLeft | Qt::AlignVCenter, label);
        lastRight = textLeft + width;
    }

    // Grid lines through the lanes.
    p.setPen(QPen(theme.grid, 1));
    for (const std::int64_t t : ticks) {
        const double x = std::round(layout.timeToX(t)) + 0.5;
        p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
    }
}

// Queues and messages ---------------------------------------------------------------------------------------

const QueueTrack *queueTrack(const TimelineModel &model, std::uint32_t id)
{
    for (const QueueTrack *q : model.busyQueues())
        if (static_cast<std::uint32_t>(q->id) == id)
            return q;
    return nullptr;
}

/// A queue row's background and its name with the capacity, in the label column.
void paintQueueLabel(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, const Fonts &fonts, std::uint32_t id, const QRectF &rowRect)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q)
        return;
    const Theme &theme = options.theme;
    p.fillRect(rowRect, theme.alternateRow);
    p.setPen(QPen(theme.grid, 1));
    p.drawLine(QPointF(rowRect.left(), rowRect.top() + 0.5), QPointF(rowRect.right(), rowRect.top() + 0.5));
    const QFontMetricsF fmSmall(fonts.small);
    const QRectF cell(layout.labelRect.left() + 6, rowRect.top(), layout.labelRect.width() - 12, rowRect.height());
    const QString capacity = q->capacity ? QStringLiteral("%1").arg(q->capacity) : QStringLiteral("?");
    const QString text = QStringLiteral("%1 · max %2/%3").arg(qs(q->name)).arg(q->peak).arg(capacity);
    p.setFont(fonts.small);
    p.setPen(theme.text);
    p.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, fmSmall.elidedText(text, Qt::ElideRight, cell.width()));
}

/// A queue's fill level as a step area over time, scaled to its capacity (or its peak when unknown).
void paintQueueStrip(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, std::uint32_t id, std::size_t row)
{
    const QueueTrack *q = queueTrack(model, id);
    if (!q || q->fill.empty())
        return;
    const double top = layout.rowTop[row] + 3;
    const double height = layout.rowHeight[row] - 6;
    const double bottom = top + height;
    const double scale = std::max<std::uint32_t>(1, std::max(q->capacity, q->peak));
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    auto px = [&](std::int64_t t) { return std::clamp(layout.timeToX(t), plot.left() - 4, plot.right() + 4); };
    // Full capacity as a faint band, so "the queue is full" is visible as the area touching its top.
    p.fillRect(QRectF(plot.left(), top, plot.width(), height), withAlpha(options.theme.queueFill, 28));
    // One rectangle per pixel column at most: the highest level in that column (a full queue never hides).
    const auto first = std::lower_bound(q->fill.begin(), q->fill.end(), w.beginNs,
        [](const std::pair<std::int64_t, std::uint32_t> &s, std::int64_t t) { return s.first < t; });
    std::size_t i = static_cast<std::size_t>(first - q->fill.begin());
    if (i > 0)
        --i; // the level in force at the window's start
    const QColor color = withAlpha(options.theme.queueFill, 200);
    const std::int64_t end = q->closedAt >= 0 ? std::max(q->closedAt, q->fill.back().first) : model.now();
    double columnX = -1e9;
    std::uint32_t columnMax = 0;
    auto flushColumn = [&](double x1) {
        if (columnX > -1e8 && columnMax > 0) {
            const double h = height * columnMax / scale;
            p.fillRect(QRectF(columnX, bottom - h, std::max(1.0, x1 - columnX), h), color);
        }
    };
    for (; i < q->fill.size(); ++i) {
        const std::int64_t t0 = q->fill[i].first;
        if (t0 > w.endNs)
            break;
        const std::int64_t t1 = i + 1 < q->fill.size() ? q->fill[i + 1].first : end;
        const double x0 = std::floor(px(t0));
        const double x1 = std::max(x0 + 1, std::floor(px(t1)));
        if (x0 > columnX && columnX > -1e8 && x0 >= columnX + 1) {
            flushColumn(x0);
            columnX = -1e9;
        }
        if (columnX < -1e8) {
            columnX = x0;
            columnMax = 0;
        }
        columnMax = std::max(columnMax, q->fill[i].second);
        if (x1 > x0 + 1) {
            // A level that lasts several pixels: draw it whole and start afresh after it.
            flushColumn(x1);
            columnX = -1e9;
        }
    }
    flushColumn(columnX + 1);
}

/// Arrows from each put/send to the get/receive that took it. Zoomed out they would be a blur, so an arrow
/// is drawn only if its ends are at least 3 pixels from those of the last one drawn between the same two
/// lanes (at most about one per 3-pixel column per lane pair), and never between two points of one lane.
void paintMessageArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout, const PaintOptions &options)
{
    const std::vector<MessageArrow> &arrows = model.messageArrows();
    if (arrows.empty())
        return;
    const TimeWindow &w = layout.window;
    const auto first = std::lower_bound(arrows.begin(), arrows.end(), w.beginNs,
        [](const MessageArrow &a, std::int64_t t) { return a.toTime < t; });
    std::unordered_map<std::uint64_t, std::pair<double, double>> lastDrawn; // lane pair → (from x, to x)
    const QRectF reach = layout.plotRect.adjusted(-20, -1e6, 20, 1e6);
    const QColor queueColor = withAlpha(options.theme.queueMessage, 170);
    const QColor pipeColor = withAlpha(options.theme.pipeMessage, 200);
    for (auto it = first; it != arrows.end(); ++it) {
        const MessageArrow &a = *it;
        if (a.fromTime > w.endNs || a.fromLane == a.toLane)
            continue;
        const QPointF from(layout.timeToX(a.fromTime), layout.laneCenterY(a.fromLane));
        const QPointF to(layout.timeToX(a.toTime), layout.laneCenterY(a.toLane));
        if (!reach.contains(from) && !reach.contains(to))
            continue;
        const std::uint64_t pair = (static_cast<std::uint64_t>(a.fromLane) << 32) | a.toLane;
        auto [last, fresh] = lastDrawn.try_emplace(pair, -1e9, -1e9);
        if (!fresh && std::abs(from.x() - last->second.first) < 3 && std::abs(to.x() - last->second.second) < 3)
            continue;
        last->second = { from.x(), to.x() };
        const QColor color = a.pipe ? pipeColor : queueColor;
        const double head = 6;
        const double length = std::max(1.0, std::hypot(to.x() - from.x(), to.y() - from.y()));
        const QPointF tipBase(to.x() - (to.x() - from.x()) * head / length, to.y() - (to.y() - from.y()) * head / length);
        p.setPen(QPen(color, a.pipe ? 1.6 : 1.1));
        p.drawLine(from, tipBase);
        drawArrowHead(p, from, to, head, color);
    }
}

void paintRows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    const double fullLeft = layout.labelRect.left();
    const double fullWidth = layout.plotRect.right() - fullLeft;
    // The last row may be cut by the bottom of the plot.
    p.save();
    p.setClipRect(QRectF(fullLeft, layout.plotRect.top(), fullWidth, layout.plotRect.height()));
    int laneParity = 0;
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        const QRectF rowRect(fullLeft, layout.rowTop[i], fullWidth, layout.rowHeight[i]);
        if (row.kind == DisplayRow::Kind::Queue) {
            paintQueueLabel(p, model, layout, options, fonts, row.group, rowRect);
            continue;
        }
        if (!isLane(row)) {
            laneParity = 0;
            p.fillRect(rowRect, theme.headerBackground);
            p.setFont(fonts.small);
            p.setPen(theme.text);
            const QString title = groupTitle(model, row.group);
            // Headers have no bars, so their text may run on past the label column.
            p.drawText(rowRect.adjusted(6, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter,
                fmSmall.elidedText(title, Qt::ElideRight, rowRect.width() - 12));
            continue;
        }
        if (laneParity++ % 2 == 1)
            p.fillRect(rowRect, theme.alternateRow);
    }
    p.restore();
}

void paintLabels(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
    const PaintOptions &options, const Fonts &fonts)
{
    const Theme &theme = options.theme;
    const QFontMetricsF fmBold(fonts.bold);
    const QFontMetricsF fmSmall(fonts.small);
    const double indent = kLabelIndent; // lanes sit under their process header
    p.save();
    p.setClipRect(layout.labelRect);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const auto i = static_cast<std::size_t>(r);
        const DisplayRow &row = layout.rows[i];
        if (!isLane(row))
            continue;
        const Lane &lane = model.lane(row.lane);
        const QRectF cell(layout.labelRect.left() + indent, layout.rowTop[i],
            layout.labelRect.width() - indent - 6, layout.rowHeight[i]);
        const QString name = fmBold.elidedText(qs(lane.info.name), Qt::ElideRight, cell.width());
        const QString detail = fmSmall.elidedText(laneDetail(lane), Qt::ElideRight, cell.width());
        const bool twoLines = cell.height() >= fmBold.height() + fmSmall.height() + 2;
        p.setFont(fonts.bold);
        p.setPen(lane.crashed() ? theme.crash : theme.text);
        if (twoLines) {
            const double block = fmBold.height() + fmSmall.height();
            const double y0 = cell.top() + (cell.height() - block) / 2;
            p.drawText(QRectF(cell.left(), y0, cell.width(), fmBold.height()),
                Qt::AlignLeft | Qt::AlignVCenter, name);
            p.setFont(fonts.small);
            p.setPen(theme.mutedText);
            p.drawText(QRectF(cell.left(), y0 + fmBold.height(), cell.width(), fmSmall.height()),
                Qt::AlignLeft | Qt::AlignVCenter, detail);
        } else {
            p.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, name);
        }
    }
    p.restore();
    // The column's edge.
    p.setPen(QPen(theme.grid, 1));
    const double x = std::round(layout.plotRect.left()) - 0.5;
    p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
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
    for (const LegendEntry &entry : legendEntries(model)) {
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

} // namespace

void paintTimeline(
    QPainter &p, const TimelineModel &model, const TimelineLayout &layout, const PaintOptions &options)
{
    const Theme &theme = options.theme;
    const Fonts fonts(options);
    p.save();
    p.fillRect(layout.bounds, theme.background);

    if (!layout.titleRect.isEmpty()) {
        p.setFont(fonts.title);
        p.setPen(theme.text);
        p.drawText(layout.titleRect, Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetricsF(fonts.title).elidedText(options.title, Qt::ElideRight, layout.titleRect.width()));
    }

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
        else if (row.kind == DisplayRow::Kind::Queue)
            paintQueueStrip(p, model, layout, options, row.group, static_cast<std::size_t>(r));
    }

    // Join arrows: from the joined worker's end to where the joiner resumed.
    p.setRenderHint(QPainter::Antialiasing, true);
    const double span = static_cast<double>(layout.window.span());
    for (const JoinArrow &a : model.joinArrows()) {
        if (a.toTime < layout.window.beginNs - static_cast<std::int64_t>(span)
            || a.fromTime > layout.window.endNs)
            continue;
        const QPointF from(layout.timeToX(a.fromTime), layout.laneCenterY(a.fromLane));
        const QPointF to(layout.timeToX(a.toTime), layout.laneCenterY(a.toLane));
        if (!layout.plotRect.adjusted(-50, -1e6, 50, 1e6).contains(from)
            && !layout.plotRect.adjusted(-50, -1e6, 50, 1e6).contains(to))
            continue;
        const QColor color = withAlpha(theme.arrow, 190);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(from, 2.0, 2.0);
        // Leave along the ended lane, arrive straight into the joiner's lane: a quadratic curve whose control
        // point is the corner. The line stops at the head's base so the tip stays sharp.
        const double head = 7;
        const QPointF corner(to.x(), from.y());
        const bool straight = std::abs(to.x() - from.x()) < 1 || std::abs(to.y() - from.y()) < 1;
        const QPointF aim = straight ? from : corner;
        const double length = std::max(1.0, std::hypot(to.x() - aim.x(), to.y() - aim.y()));
        const QPointF tipBase(
            to.x() - (to.x() - aim.x()) * head / length, to.y() - (to.y() - aim.y()) * head / length);
        QPainterPath path(from);
        if (straight)
            path.lineTo(tipBase);
        else
            path.quadTo(corner, tipBase);
        p.setPen(QPen(color, 1.3));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        drawArrowHead(p, aim, to, head, color);
    }

    paintMessageArrows(p, model, layout, options);

    p.setRenderHint(QPainter::Antialiasing, false);
    for (int r = layout.firstRow; r < layout.firstRow + layout.visibleRows; ++r) {
        const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
        if (isLane(row))
            paintLaneMarkers(p, model, layout, options, fonts, row.lane);
    }

    // Main's last line: the moment the program "ends" while others may still run.
    if (model.mainEndNs() >= 0 && model.mainEndNs() >= layout.window.beginNs
        && model.mainEndNs() <= layout.window.endNs) {
        const double x = std::round(layout.timeToX(model.mainEndNs())) + 0.5;
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(theme.mainEnd, 1, Qt::DashLine));
        p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
        const QFontMetricsF fm(fonts.small);
        const QString text = QStringLiteral("main's last line");
        const double width = fm.horizontalAdvance(text) + 4;
        const double left = x + 3 + width <= layout.plotRect.right() ? x + 3 : x - 3 - width;
        drawTag(p, QRectF(left, layout.plotRect.top() + 1, width, fm.height()), text, fonts.small, theme.text,
            theme);
    }

    if (options.showNow && model.live() && model.now() >= layout.window.beginNs
        && model.now() <= layout.window.endNs) {
        const double x = std::round(layout.timeToX(model.now())) + 0.5;
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(withAlpha(theme.now, 200), 1));
        p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
    }
    p.restore();

    paintLabels(p, model, layout, options, fonts);
    paintLegend(p, model, layout, options, fonts);
    p.restore();
}

// Hit testing ----------------------------------------------------------------------------------------------

TimelineHit hitTest(const TimelineModel &model, const TimelineLayout &layout, QPointF point)
{
    TimelineHit hit;
    const int r = layout.rowAt(point.y());
    if (r < 0 || point.x() < layout.labelRect.left() || point.x() > layout.plotRect.right())
        return hit;
    const DisplayRow &row = layout.rows[static_cast<std::size_t>(r)];
    if (row.kind == DisplayRow::Kind::Queue)
        return hit; // a fill strip: nothing to pick
    hit.lane = row.lane;
    if (!isLane(row)) {
        hit.kind = TimelineHit::Kind::Header;
        hit.index = row.group;
        return hit;
    }
    hit.kind = TimelineHit::Kind::Lane;
    if (point.x() < layout.plotRect.left())
        return hit;
    const Lane &lane = model.lane(row.lane);
    const double perPixel = nsPerPixel(layout.window, layout.plotRect.width());
    const std::int64_t t = layout.xToTime(point.x());
    hit.time = t;
    const auto tolerance = static_cast<std::int64_t>(std::ceil(perPixel * 5));

    // The nearest marker within a few pixels.
    double best = 6;
    for (std::size_t i = lane.firstMarker(t - tolerance); i < lane.lastMarker(t + tolerance); ++i) {
        const double dx = std::abs(layout.timeToX(lane.markers[i].time) - point.x());
        if (dx <= best) {
            best = dx;
            hit.kind = TimelineHit::Kind::Marker;
            hit.index = i;
        }
    }
    if (hit.kind == TimelineHit::Kind::Marker)
        return hit;

    // The innermost bar under the point (bars are at least a pixel wide).
    const auto slack = static_cast<std::int64_t>(std::ceil(perPixel));
    int bestDepth = -1;
    for (std::size_t i = lane.firstIndex(t - slack); i < lane.lastIndex(t + slack); ++i) {
        const Bar &bar = lane.bars[i];
        if (model.barEnd(bar) + slack < t || bar.begin - slack > t || bar.depth <= bestDepth)
            continue;
        const QRectF band = layout.barBand(row.lane, bar.depth);
        if (point.y() < band.top() || point.y() > band.bottom())
            continue;
        bestDepth = bar.depth;
        hit.kind = TimelineHit::Kind::Bar;
        hit.index = i;
    }
    return hit;
}

namespace {

/// The GIL lab: "\nholds the GIL (for 5.1 ms, then hands it over)" or "\nwaits for the GIL (12 ms)" at `t`.
QString gilAt(const TimelineModel &model, const Lane &lane, std::int64_t t)
{
    const std::size_t i = lane.firstGilSpan(t);
    if (i >= lane.gil.size() || lane.gil[i].begin > t)
        return {};
    const GilSpan &span = lane.gil[i];
    const QString length = qs(formatDuration((span.open() ? model.now() : span.end) - span.begin));
    if (!span.holds)
        return QStringLiteral("\nwaits for the GIL (%1)").arg(length);
    return QStringLiteral("\nholds the GIL (for %1%2)")
        .arg(length, span.forced ? QStringLiteral(", then hands it over to a waiter") : QString());
}

} // namespace

QString describeHit(const TimelineModel &model, const TimelineHit &hit)
{
    if (hit.kind == TimelineHit::Kind::None || hit.lane >= model.laneCount())
        return {};
    if (hit.kind == TimelineHit::Kind::Header) {
        const auto &groups = model.groups();
        const auto group = static_cast<std::uint32_t>(hit.index);
        QString text = groupTitle(model, group);
        if (group < groups.size())
            text += QStringLiteral("\n%1 lane(s)").arg(groups[group].lanes.size());
        return text;
    }
    const Lane &lane = model.lane(hit.lane);
    auto fmt = [](std::int64_t ns) { return qs(formatDuration(ns)); };
    QString text = qs(lane.info.name) + QStringLiteral(" — ");
    const QString ids = QStringLiteral("pid %1 · tid %2").arg(lane.info.pid).arg(lane.info.tid);

    switch (hit.kind) {
    case TimelineHit::Kind::Bar: {
        const Bar &bar = lane.bars[hit.index];
        const std::int64_t end = model.barEnd(bar);
        text += QString::fromUtf8(barStateName(bar.state)) + QLatin1Char('\n') + ids + QLatin1Char('\n');
        text += QStringLiteral("begins at %1\n").arg(fmt(bar.begin));
        text += QStringLiteral("lasts %1%2")
                    .arg(fmt(end - bar.begin), bar.open() ? QStringLiteral(" so far") : QString());
        if (bar.cancelled)
            text += QStringLiteral(" (cut short)");
        switch (bar.state) {
        case BarState::Sleeping:
        case BarState::Computing:
            if (bar.value > 0)
                text += QStringLiteral("\nasked for %1").arg(fmt(bar.value));
            break;
        case BarState::JoinWait:
            text += QStringLiteral("\nwaiting for ") + laneName(model, static_cast<std::uint32_t>(bar.arg));
            break;
        case BarState::LockWait:
        case BarState::LockHold:
            text += QStringLiteral("\nlock #%1").arg(bar.arg);
            break;
        case BarState::QueueBlocked:
            if (bar.value == 2)
                text += QStringLiteral("\nreceive on pipe end %1 waits for a message").arg(bar.arg);
            else
                text += QStringLiteral("\nqueue %1 %2").arg(bar.arg)
                            .arg(bar.value == 0 ? QStringLiteral("was full (put waits)") : QStringLiteral("was empty (get waits)"));
            break;
        case BarState::Task:
            text += QStringLiteral("\ntask %1: %2(%3)").arg(bar.arg).arg(qs(model.taskFunction())).arg(bar.value);
            if (!bar.open() && !bar.cancelled)
                text += QStringLiteral(" = %1").arg(bar.result);
            break;
        }
        return text + gilAt(model, lane, hit.time);
    }
    case TimelineHit::Kind::Marker: {
        const Marker &m = lane.markers[hit.index];
        switch (m.kind) {
        case MarkerKind::Start:
            text += QStringLiteral("started");
            break;
        case MarkerKind::End:
            text += QStringLiteral("ended, exit code %1").arg(m.value);
            if (!m.text.empty())
                text += QStringLiteral(" (") + qs(m.text) + QLatin1Char(')');
            break;
        case MarkerKind::Crash:
            text += QStringLiteral("killed by ") + qs(m.text);
            break;
        case MarkerKind::Print:
            text += QStringLiteral("print");
            break;
        case MarkerKind::MainEnd:
            text += QStringLiteral("main reached its last line");
            break;
        case MarkerKind::Value:
            text += m.arg ? QStringLiteral("write") : QStringLiteral("read");
            break;
        case MarkerKind::Note:
            text += QStringLiteral("note");
            break;
        case MarkerKind::Spawn:
            text += QStringLiteral("start() ") + laneName(model, static_cast<std::uint32_t>(m.arg));
            break;
        }
        text += QLatin1Char('\n') + ids + QStringLiteral("\nat %1").arg(fmt(m.time));
        if (m.kind == MarkerKind::Print)
            text += QStringLiteral("\n“") + qs(m.text) + QStringLiteral("”");
        else if (m.kind == MarkerKind::Value || m.kind == MarkerKind::Note)
            text += QLatin1Char('\n') + qs(m.text);
        return text;
    }
    case TimelineHit::Kind::Lane: {
        text += laneDetail(lane) + QLatin1Char('\n') + ids;
        if (lane.started())
            text += QStringLiteral("\nstarted at %1").arg(fmt(lane.startNs));
        if (lane.ended()) {
            text += QStringLiteral("\nended at %1 after %2")
                        .arg(fmt(lane.endNs), fmt(lane.endNs - lane.startNs));
            text += lane.crashed() ? QStringLiteral("\nkilled by ") + qs(core::signalName(lane.signal))
                                   : QStringLiteral("\nexit code %1").arg(lane.exitCode);
        } else if (lane.started()) {
            text += QStringLiteral("\nrunning");
        }
        return text + gilAt(model, lane, hit.time);
    }
    case TimelineHit::Kind::None:
    case TimelineHit::Kind::Header:
        break;
    }
    return text;
}

} // namespace forkscope::ui
