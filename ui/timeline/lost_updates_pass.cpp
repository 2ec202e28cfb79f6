// The lost-updates layer: where a worker's read → write of a shared value was undone by another's. Zoomed in
// enough to see it, both read → write pairs are boxed (the lost one in the crash colour, the overwriting one
// in the text colour), the lost write is crossed out, an arrow runs from the write that replaced it and
// tags say in words what happened. Zoomed out, the lost updates of a lane fold into a few crosses with a
// count, so a run with hundreds of them reads as "lost updates here" rather than as a barcode.

#include "ui/timeline/passes.hpp"

#include <QFontMetricsF>
#include <QPainter>
#include <QPolygonF>
#include <QStringList>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <vector>

namespace forkscope::ui::timeline {

namespace {

/// A lost update is drawn in full once its two read → write pairs together are this wide; narrower ones fold
/// into crosses.
constexpr double kDetailPixels = 60;
/// Folded crosses of one lane stand at least this far apart, which leaves room for their "12 lost" count.
constexpr double kFoldPixels = 56;
/// The shortest arrow drawn from the overwriting write to the cross.
constexpr double kMinArrowPixels = 18;
/// The pen of a pair's box.
constexpr double kBracketWidth = 3;

/// Where a lane's bars are on screen, or nothing when the lane has no row.
struct LaneBand {
    bool valid = false;
    double top = 0;
    double bottom = 0;
    double centerY = 0;
};

/// Where a row's bars are on screen.
LaneBand rowBand(const TimelineLayout &layout, std::size_t row)
{
    LaneBand band;
    band.valid = true;
    band.top = layout.rowTop[row] + 1;
    band.bottom = layout.rowTop[row] + layout.rowHeight[row] - 1;
    band.centerY = layout.rowTop[row] + layout.rowHeight[row] / 2;
    return band;
}

LaneBand bandOf(const TimelineLayout &layout, std::uint32_t lane)
{
    LaneBand band;
    if (lane >= layout.laneRow.size() || layout.laneRow[lane] < 0)
        return band;
    const auto row = static_cast<std::size_t>(layout.laneRow[lane]);
    band.valid = true;
    band.top = layout.rowTop[row] + 1;
    band.bottom = layout.rowTop[row] + layout.rowHeight[row] - 1;
    band.centerY = layout.rowTop[row] + layout.rowHeight[row] / 2;
    return band;
}

/// Cuts the segment a–b to the part inside `r` (Liang–Barsky); false when none of it is.
bool clipSegment(QPointF &a, QPointF &b, const QRectF &r)
{
    const double dx = b.x() - a.x();
    const double dy = b.y() - a.y();
    double t0 = 0;
    double t1 = 1;
    const auto edge = [&](double p, double q) { // p·t <= q
        if (p == 0)
            return q >= 0;
        const double t = q / p;
        if (p < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        return t0 <= t1;
    };
    if (!edge(-dx, a.x() - r.left()) || !edge(dx, r.right() - a.x()) || !edge(-dy, a.y() - r.top())
        || !edge(dy, r.bottom() - a.y()))
        return false;
    const QPointF from = a;
    a = from + QPointF(dx, dy) * t0;
    b = from + QPointF(dx, dy) * t1;
    return true;
}

/// A box from x0 to x1 over the lane's whole row: one read → write pair, the think time between inside it.
void drawBracket(QPainter &p, double x0, double x1, const LaneBand &band, const QColor &color,
                 const QColor &halo)
{
    x0 = std::round(x0) + 0.5;
    x1 = std::max(x0 + 1, std::round(x1) + 0.5);
    const QRectF box(QPointF(x0, band.top + 1), QPointF(x1, band.bottom - 1));
    p.setBrush(Qt::NoBrush);
    // A halo first, so the box stays visible over bars of any colour and over the lane's edge.
    for (const auto &[pen, width] : {std::pair{halo, kBracketWidth + 2}, std::pair{color, kBracketWidth}}) {
        p.setPen(QPen(pen, width, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        p.drawRect(box);
    }
}

/// A cross of half-size `r` centred at `c`, over a halo.
void drawCross(QPainter &p, QPointF c, double r, double width, const QColor &color, const QColor &halo)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const auto &[pen, w] : {std::pair{halo, width + 3}, std::pair{color, width}}) {
        p.setPen(QPen(pen, w, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r));
        p.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r));
    }
    p.restore();
}

/// Text on a tinted box with a coloured edge, so it reads over bars and belongs to its bracket.
QRectF drawTag(QPainter &p, QPointF topLeft, const QString &text, double textWidth, const QFontMetricsF &fm,
               const QFont &font, const QColor &color, const Theme &theme)
{
    const QRectF box(topLeft, QSizeF(textWidth + 8, fm.height() + 2));
    p.fillRect(box, withAlpha(theme.background, 255)); // opaque: the tag must read over any bar
    p.setPen(QPen(color, 1));
    p.setBrush(Qt::NoBrush); // an earlier pass may have left a brush: the rect is an edge only
    p.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));
    p.setFont(font);
    p.drawText(box.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
    return box;
}

QRectF drawTag(QPainter &p, QPointF topLeft, const QString &text, const QFontMetricsF &fm, const QFont &font,
               const QColor &color, const Theme &theme)
{
    return drawTag(p, topLeft, text, fm.horizontalAdvance(text), fm, font, color, theme);
}

/// The longest of `candidates` that fits in `room` pixels (tag padding included), or none.
QString fitting(const QStringList &candidates, const QFontMetricsF &fm, double room)
{
    for (const QString &text : candidates)
        if (fm.horizontalAdvance(text) + 8 <= room)
            return text;
    return {};
}

QString laneName(const TimelineModel &model, std::uint32_t lane)
{
    return lane < model.laneCount() ? qs(model.lane(lane).info.name) : QStringLiteral("lane %1").arg(lane);
}

/// The words of a lost update: for the lost worker's tag and the overwriting worker's, longest first.
struct Words {
    QStringList lost;
    QStringList overwriter;
};

Words wordsFor(const TimelineModel &model, const LostUpdateMark &mark)
{
    const core::LostUpdate &lost = mark.lost;
    const QString who = laneName(model, lost.lane);
    const QString by = laneName(model, lost.overwrittenBy);
    const QString variable = qs(lost.label);
    Words words;
    words.lost = {
        QStringLiteral("lost update: %1 read %2 = %3, wrote %4; then %5 wrote %6 over it")
            .arg(who, variable)
            .arg(lost.read)
            .arg(lost.wrote)
            .arg(by)
            .arg(mark.overwriterWrote),
        QStringLiteral("lost update: read %1, wrote %2; %3 wrote %4 over it")
            .arg(lost.read)
            .arg(lost.wrote)
            .arg(by)
            .arg(mark.overwriterWrote),
        QStringLiteral("lost update: read %1, wrote %2").arg(lost.read).arg(lost.wrote),
        QStringLiteral("lost: read %1, wrote %2").arg(lost.read).arg(lost.wrote),
        QStringLiteral("lost update"),
        QStringLiteral("lost"),
    };
    if (!mark.overwritten())
        words.lost.erase(words.lost.begin(), words.lost.begin() + 2);
    if (mark.overwriterReadNs >= 0 && mark.overwriterReadNs < lost.atNs)
        words.overwriter << QStringLiteral("%1 read %2 before %3 wrote %4, then wrote %5 over it")
                                .arg(by)
                                .arg(mark.overwriterRead)
                                .arg(who)
                                .arg(lost.wrote)
                                .arg(mark.overwriterWrote)
                         << QStringLiteral("%1 read %2 before %3's write, wrote %4 over it")
                                .arg(by)
                                .arg(mark.overwriterRead)
                                .arg(who)
                                .arg(mark.overwriterWrote);
    if (mark.overwriterReadNs >= 0)
        // On the overwriter's own row its name goes without saying; what it read shows its update was built on
        // something older than the write it replaced.
        words.overwriter
            << QStringLiteral("read %1 before %2's write, wrote %3 over it")
                   .arg(mark.overwriterRead)
                   .arg(who)
                   .arg(mark.overwriterWrote)
            << QStringLiteral("read %1, wrote %2 over %3's %4")
                   .arg(mark.overwriterRead)
                   .arg(mark.overwriterWrote)
                   .arg(who)
                   .arg(lost.wrote)
            << QStringLiteral("read %1, wrote %2 over it").arg(mark.overwriterRead).arg(mark.overwriterWrote);
    words.overwriter
        << QStringLiteral("wrote %1 over %2's %3").arg(mark.overwriterWrote).arg(who).arg(lost.wrote)
        << QStringLiteral("wrote %1 over it").arg(mark.overwriterWrote) << QStringLiteral("overwrote it");
    return words;
}

/// Where one lost update is on screen.
struct Placed {
    const LostUpdateMark *mark = nullptr;
    LaneBand lostBand;
    LaneBand byBand; ///< not valid when nothing overwrote it (or its lane has no row)
    double readX = 0;
    double writeX = 0;
    double byReadX = 0;
    double byWriteX = 0;
};

Placed place(const TimelineLayout &layout, const LostUpdateMark &mark)
{
    Placed at;
    at.mark = &mark;
    at.lostBand = bandOf(layout, mark.lost.lane);
    at.readX = layout.timeToX(mark.lost.readNs);
    at.writeX = layout.timeToX(mark.lost.atNs);
    if (mark.overwritten()) {
        at.byBand = bandOf(layout, mark.lost.overwrittenBy);
        at.byWriteX = layout.timeToX(mark.lost.overwrittenAtNs);
        at.byReadX = mark.overwriterReadNs >= 0 ? layout.timeToX(mark.overwriterReadNs) : at.byWriteX;
    }
    return at;
}

/// One lost update's shapes: both pairs boxed, the lost write crossed out and an arrow from the write that
/// replaced it.
void paintPairs(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Placed &at)
{
    const Theme &theme = options.theme;
    const LaneBand &lostBand = at.lostBand;
    const LaneBand &byBand = at.byBand;
    const QColor lostColor = theme.crash;
    const QColor byColor = theme.text;
    const double readX = at.readX;
    const double writeX = at.writeX;
    const double byWriteX = at.byWriteX;

    p.setRenderHint(QPainter::Antialiasing, false);
    drawBracket(p, readX, writeX, lostBand, lostColor, theme.background);
    if (byBand.valid)
        drawBracket(p, at.byReadX, byWriteX, byBand, byColor, theme.background);

    // The lost write, crossed out where it happened, over the whole height of its bars.
    const double height = lostBand.bottom - lostBand.top;
    const double r = std::clamp(height * 0.3, 4.0, 12.0);
    const QPointF crossAt(std::round(writeX) + 0.5, lostBand.centerY);
    if (byBand.valid) {
        // From the write that replaced it to the cross: "this write undid that one". It leaves from the edge
        // of the overwriter's row, so its box stays clear, and stops short of the cross, so its head shows.
        p.save();
        p.setRenderHint(QPainter::Antialiasing, true);
        const bool down = crossAt.y() > byBand.centerY;
        const QPointF from(std::round(byWriteX) + 0.5, down ? byBand.bottom + 1 : byBand.top - 1);
        const QPointF d = from - crossAt;
        const double length = std::hypot(d.x(), d.y());
        // Only an arrow long enough to read as one: a stub would only blot the value tags beside it.
        if (length - (r + 5) >= kMinArrowPixels) {
            const QPointF to = crossAt + d * ((r + 5) / length);
            // Only the stretch in sight is stroked: zoomed in, the overwriting write may be millions of pixels
            // away, and Qt lays out every dash of a dashed line, seen or not (40 ms a frame at 10 M events).
            // The dash pattern keeps its phase from `from`, so the dashes stay put as the view pans.
            QPointF a = from;
            QPointF b = to;
            if (clipSegment(a, b, layout.plotRect.adjusted(-20, -20, 20, 20))) {
                p.setPen(QPen(theme.background, 4, Qt::SolidLine, Qt::RoundCap));
                p.drawLine(a, b);
                QPen dashed(lostColor, 2, Qt::DashLine, Qt::RoundCap);
                dashed.setDashOffset(std::hypot(a.x() - from.x(), a.y() - from.y()) / dashed.widthF());
                p.setPen(dashed);
                p.drawLine(a, b);
            }
            if (layout.plotRect.adjusted(-20, -20, 20, 20).contains(to))
                drawArrowHead(p, from, to, 9, lostColor);
        }
        p.restore();
    }
    drawCross(p, crossAt, r, 4, lostColor, theme.background);
}

/// One lost update's words, at the bottom of each row (value tags take the top), where the lane's previous
/// tag left room (`tagEnd`: per lane, where its last tag ended).
void paintWords(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                const PaintOptions &options, const Fonts &fonts, const Placed &at,
                std::vector<double> &tagEnd)
{
    const Theme &theme = options.theme;
    const LostUpdateMark &mark = *at.mark;
    const QFontMetricsF fm(fonts.small);
    const double tagHeight = fm.height() + 2;
    const QRectF plot = layout.plotRect;
    const Words words = wordsFor(model, mark);
    const auto tag = [&](std::uint32_t lane, const LaneBand &band, double x, double boxRight,
                         const QStringList &candidates, const QColor &color) {
        if (band.bottom - band.top < 2 * tagHeight - 4 || lane >= tagEnd.size())
            return false;
        x = std::max({x, plot.left() + 2, tagEnd[lane] + 6});
        if (x > boxRight - 16)
            return false; // pushed out of its own box by the tag before it: it would seem to name the next one
        const QString text = fitting(candidates, fm, plot.right() - 2 - x);
        if (text.isEmpty())
            return false;
        const QRectF box
            = drawTag(p, QPointF(x, band.bottom - tagHeight), text, fm, fonts.small, color, theme);
        tagEnd[lane] = box.right();
        return true;
    };
    // The overwriter's row says who wrote over the lost write; when it does, the lost row need not say it
    // again ("…; deposit wrote 102 over it" under "wrote 102 over it" reads as two events).
    QStringList lost = words.lost;
    if (at.byBand.valid
        && tag(mark.lost.overwrittenBy, at.byBand, at.byReadX + 4, at.byWriteX, words.overwriter, theme.text))
        lost.removeIf([](const QString &text) { return text.endsWith(QLatin1String(" over it")); });
    tag(mark.lost.lane, at.lostBand, at.readX + 4, at.writeX, lost, theme.crash);
}

/// Lost updates too narrow to draw in full, one lane's worth in time order: a cross per kFoldPixels with
/// how many it stands for.
/// One folded cross of a row: at the first lost write's x, standing for `count` of them (all within
/// kFoldPixels of it), and where the next cross of the row goes (`next`, or the plot's right edge).
struct Fold {
    double x = 0;
    std::size_t count = 0;
    double next = 0;
};

/// A row's sorted xs of lost writes as folded crosses.
std::vector<Fold> foldsOf(const std::vector<double> &xs, double plotRight)
{
    std::vector<Fold> folds;
    std::size_t first = 0;
    while (first < xs.size()) {
        std::size_t last = first + 1;
        while (last < xs.size() && xs[last] - xs[first] < kFoldPixels)
            ++last;
        folds.push_back({xs[first], last - first, last < xs.size() ? xs[last] : plotRight});
        first = last;
    }
    return folds;
}

/// The same from the row's lanes' sorted lost-write times (LostUpdateLanes): per cross a binary search per
/// lane, however many lost writes it stands for. The xs and their comparisons are those of foldsOf, so the
/// crosses and counts are the same.
std::vector<Fold> foldsOf(const TimelineLayout &layout, const LostUpdateLanes &index,
                          const std::vector<std::uint32_t> &lanes, double plotRight)
{
    std::vector<Fold> folds;
    std::vector<std::size_t> cursor(lanes.size(), 0);
    const auto timesOf
        = [&](std::size_t k) -> const std::vector<std::int64_t> & { return index.atNs[lanes[k]]; };
    const auto nextX = [&] {
        double least = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < lanes.size(); ++k)
            if (cursor[k] < timesOf(k).size())
                least = std::min(least, layout.timeToX(timesOf(k)[cursor[k]]));
        return least;
    };
    double first = nextX();
    while (first < std::numeric_limits<double>::infinity()) {
        std::size_t count = 0;
        for (std::size_t k = 0; k < lanes.size(); ++k) {
            const std::vector<std::int64_t> &times = timesOf(k);
            const auto from = times.begin() + static_cast<std::ptrdiff_t>(cursor[k]);
            const auto end = std::partition_point(
                from, times.end(), [&](std::int64_t t) { return layout.timeToX(t) - first < kFoldPixels; });
            count += static_cast<std::size_t>(end - from);
            cursor[k] = static_cast<std::size_t>(end - times.begin());
        }
        const double next = nextX();
        folds.push_back({first, count, next < std::numeric_limits<double>::infinity() ? next : plotRight});
        first = next;
    }
    return folds;
}

void paintFolded(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts,
                 std::size_t row, const std::vector<Fold> &folds, GlyphStamps *stamps,
                 std::unordered_map<std::size_t, double> &widths)
{
    const LaneBand band = rowBand(layout, row);
    if (folds.empty())
        return;
    const Theme &theme = options.theme;
    const QFontMetricsF fm(fonts.small);
    const double r = std::clamp((band.bottom - band.top) * 0.2, 3.0, 7.0);
    for (const Fold &fold : folds) {
        const double x = std::round(fold.x) + 0.5;
        if (stamps) {
            // A run's crosses are all alike: drawn once, stamped (the cross's half-size is the key). The stamp
            // goes to a whole pixel, so it is centred half a pixel left of x.
            stamps->draw(
                p, GlyphStamps::Key{std::uint64_t{0xC7} << 56, r, 0}, r + 5, QPointF(x - 0.5, band.centerY),
                [&](QPainter &ip, QPointF c) { drawCross(ip, c, r, 2.5, theme.crash, theme.background); });
        } else {
            drawCross(p, QPointF(x, band.centerY), r, 2.5, theme.crash, theme.background);
        }
        const std::size_t count = fold.count;
        const QString text = count == 1 ? QStringLiteral("lost") : QStringLiteral("%1 lost").arg(count);
        const double room = fold.next - (x + r + 3);
        // A whole-run frame of a big run has thousands of these, and shaping text is what they cost.
        auto width = widths.find(count);
        if (width == widths.end())
            width = widths.emplace(count, fm.horizontalAdvance(text)).first;
        if (width->second + 8 > room || band.bottom - band.top < fm.height())
            continue;
        const QPointF topLeft(x + r + 3, band.centerY - (fm.height() + 2) / 2);
        // (options.levelOfDetail off: drawn directly, the picture tests compare the stamped one with.)
        if (!stamps || !stamps->exact() || !options.levelOfDetail) {
            drawTag(p, topLeft, text, width->second, fm, fonts.small, theme.crash, theme);
            continue;
        }
        // The tags of a row lie alike on the pixel grid (x is a pixel's middle plus the row's cross size) and
        // most counts recur: each count's tag is drawn once, at the fraction of a pixel it has here, and
        // stamped at the whole pixel before it: the same pixels as drawing it there (opaque box, edge and
        // words on it). Keyed by the count and the fraction exactly.
        const QPointF corner(std::floor(topLeft.x()), std::floor(topLeft.y()));
        const QPointF fraction = topLeft - corner;
        const double half = std::ceil(std::max(width->second + 8, fm.height() + 2) / 2) + 2;
        const GlyphStamps::Key key{(std::uint64_t{0x7A} << 56) | (count & 0xffffffffffffffu), fraction.x(),
                                   fraction.y()};
        stamps->draw(p, key, half, corner + QPointF(half, half), [&](QPainter &ip, QPointF c) {
            drawTag(ip, c - QPointF(half, half) + fraction, text, width->second, fm, fonts.small, theme.crash,
                    theme);
        });
    }
}

} // namespace

void paintLostUpdates(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                      const PaintOptions &options, const Fonts &fonts, GlyphStamps *stamps)
{
    const std::vector<LostUpdateMark> &marks = model.lostUpdates();
    if (marks.empty())
        return;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, layout.plotRect.width());
    p.save();
    std::vector<double> tagEnd(model.laneCount(), -std::numeric_limits<double>::infinity());
    // Per display row, the x of each folded lost write: a fold row gathers those of all its lanes, which
    // share its band (drawn lane by lane, their crosses and counts would lie on top of each other).
    std::vector<std::vector<double>> folded(layout.rows.size());
    // A folded cross just outside the window still shows its count at the edge.
    const auto margin = static_cast<std::int64_t>(perPixel * kFoldPixels);
    std::vector<Placed> detailed;
    std::unordered_map<std::size_t, double> widths; // of "N lost", by N
    // A window holding every mark, none of them wide enough to draw in full (a whole-run view of a big run):
    // each row's crosses straight from its lanes' sorted lost writes, without walking every mark.
    const LostUpdateLanes &byLane = model.lostUpdateLanes();
    if (options.levelOfDetail && byLane.earliestBegin >= w.beginNs - margin
        && byLane.latestEnd <= w.endNs + margin
        && static_cast<double>(byLane.widest) / perPixel < kDetailPixels) {
        std::vector<std::vector<std::uint32_t>> rowLanes(layout.rows.size());
        for (std::uint32_t lane = 0; lane < byLane.atNs.size(); ++lane)
            if (layout.shown(lane) && !byLane.atNs[lane].empty())
                rowLanes[static_cast<std::size_t>(layout.laneRow[lane])].push_back(lane);
        for (std::size_t row = 0; row < rowLanes.size(); ++row)
            if (!rowLanes[row].empty())
                paintFolded(p, layout, options, fonts, row,
                            foldsOf(layout, byLane, rowLanes[row], layout.plotRect.right()), stamps, widths);
        p.restore();
        return;
    }
    for (const std::uint32_t index : model.lostUpdatesAround(w.beginNs - margin, w.endNs + margin)) {
        const LostUpdateMark &mark = marks[index];
        if (mark.beginNs() > w.endNs + margin || mark.endNs() < w.beginNs - margin)
            continue;
        // Neither worker's lane in sight: nothing of it would show.
        if (!layout.shown(mark.lost.lane) && !(mark.overwritten() && layout.shown(mark.lost.overwrittenBy)))
            continue;
        // The whole story (both pairs) decides, not the lost pair alone: a worker preempted while it
        // thought can stretch one pair to 25 times the other, and the short one still has to be explained.
        const double width = static_cast<double>(mark.endNs() - mark.beginNs()) / perPixel;
        if (width >= kDetailPixels) {
            if (Placed at = place(layout, mark); at.lostBand.valid)
                detailed.push_back(at);
        } else if (layout.shown(mark.lost.lane)) {
            folded[static_cast<std::size_t>(layout.laneRow[mark.lost.lane])].push_back(
                layout.timeToX(mark.lost.atNs));
        }
    }
    // Shapes first, words last: a later box never covers an earlier one's words.
    for (const Placed &at : detailed)
        paintPairs(p, layout, options, at);
    for (std::size_t row = 0; row < folded.size(); ++row) {
        std::sort(folded[row].begin(), folded[row].end()); // a fold's lanes came one after another
        paintFolded(p, layout, options, fonts, row, foldsOf(folded[row], layout.plotRect.right()), stamps,
                    widths);
    }
    for (const Placed &at : detailed)
        paintWords(p, model, layout, options, fonts, at, tagEnd);
    p.restore();
}

} // namespace forkscope::ui::timeline
