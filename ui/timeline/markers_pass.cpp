// The markers layer: each lane's start, end, crash, print, value, note and spawn glyphs with their texts,
// and main's last line across every lane.

#include "ui/timeline/passes.hpp"
#include "ui/timeline/rect_fill.hpp"

#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QPolygonF>
#include <QRegion>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace forkscope::ui::timeline {

namespace {

/// The first index in [lo, hi) where `near` is false (or hi), `near` holding on a prefix of the range.
template <typename Near>
std::size_t halve(std::size_t lo, std::size_t hi, Near near)
{
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (near(mid))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/// The same in [from, end), searched outwards from `from` first (the answer is usually close by: fewer
/// cache misses than halving all of a lane of millions).
template <typename Near>
std::size_t firstFar(std::size_t from, std::size_t end, Near near)
{
    std::size_t lo = from; // [from, lo) are all near
    std::size_t hi = from; // end, or an index not near
    for (std::size_t step = 1; hi < end && near(hi); step *= 2) {
        lo = hi + 1;
        hi = std::min(end, hi + step);
    }
    return halve(lo, hi, near);
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

/// The least width a marker's text can take in a tag (its box's 4 pixels included), given the narrowest
/// advance of a printable ASCII character in its font: every character of an ASCII text takes at least that;
/// other text at least one. Known from the marker alone: the text itself is not read.
double narrowestWidth(const TextRef &text, double narrowest)
{
    return 4 + narrowest * static_cast<double>(text.printableAscii ? text.length : 1);
}

/// Whether a marker's text is drawn beside it. Printed lines only with details: on a slide they are the
/// console's words (pids, epoch times) in the way of the values.
bool hasTag(const Marker &m, bool details)
{
    return ((m.kind == MarkerKind::Print && details) || m.kind == MarkerKind::Value
            || m.kind == MarkerKind::Crash)
        && m.hasText();
}

} // namespace

/// Draws a marker glyph centred vertically at `c` with half-height `s`.
void drawGlyph(QPainter &p, MarkerKind kind, QPointF c, double s, const Theme &theme, bool failed)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    switch (kind) {
    case MarkerKind::Start: {
        // A flag pointing right from the start line.
        p.setPen(Qt::NoPen);
        p.setBrush(theme.text);
        p.drawRect(QRectF(c.x() - 1, c.y() - s, 2, 2 * s));
        p.drawPolygon(QPolygonF({QPointF(c.x() + 1, c.y() - s), QPointF(c.x() + 1 + s, c.y() - s / 2),
                                 QPointF(c.x() + 1, c.y())}));
        break;
    }
    case MarkerKind::End: {
        // A worker that exited with an error ends in the crash colour, a little wider.
        const double half = failed ? std::max(2.5, s / 3) : 1.5;
        p.setPen(Qt::NoPen);
        p.setBrush(failed ? theme.crash : theme.text);
        p.drawRect(QRectF(c.x() - half, c.y() - s, 2 * half, 2 * s));
        break;
    }
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
        p.drawPolygon(QPolygonF(
            {QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() - r), QPointF(c.x(), c.y() + r * 0.8)}));
        break;
    }
    case MarkerKind::Value: {
        p.setPen(QPen(theme.text, 1.5));
        p.setBrush(theme.background);
        const double r = s * 0.55;
        p.drawPolygon(QPolygonF({QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()),
                                 QPointF(c.x(), c.y() + r), QPointF(c.x() - r, c.y())}));
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

/// One thread's stamps, for the theme, fonts and pixel ratio they were made with.
struct GlyphStamps::Cache {
    /// Pixels (4 bytes each) the kept images may hold before a paint starts afresh: a whole-run frame of a big
    /// run makes about a hundred, most of them tags of some thousand pixels.
    static constexpr std::size_t kMostPixels = 4 << 20;

    /// Pixels [x0, x1) of row y of a stamp's image: all opaque (copied), or none transparent or opaque
    /// (blended). Transparent pixels are in no run.
    struct Run {
        int y;
        int x0;
        int x1;
        bool opaque;
    };
    struct Stamp {
        QImage image;
        QPointF centre; ///< of the shape in the image, logical pixels
        std::vector<Run> runs;
    };
    struct KeyHash {
        std::size_t operator()(const Key &k) const noexcept
        {
            std::uint64_t h = k.shape * 0x9E3779B97F4A7C15ull;
            h ^= std::bit_cast<std::uint64_t>(k.a) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
            h ^= std::bit_cast<std::uint64_t>(k.b) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
            return static_cast<std::size_t>(h);
        }
    };

    bool valid = false;
    bool borrowed = false; ///< a GlyphStamps of this thread is using them
    Theme theme;
    QString fonts; ///< the keys of the fonts tags are drawn in (not the fonts: kept past the application)
    qreal dpr = 1;
    std::vector<Stamp> stamps;
    std::unordered_map<Key, std::size_t, KeyHash> index; ///< key → its place in stamps
    std::size_t pixels = 0;

    /// Kept stamps for a paint with these: those kept, if made with the same and not too many.
    void use(const Theme &t, const Fonts &f, qreal ratio)
    {
        const QString keys = f.small.key() + QLatin1Char('|') + f.bold.key();
        if (valid && theme == t && fonts == keys && dpr == ratio && pixels <= kMostPixels)
            return;
        stamps.clear();
        index.clear();
        pixels = 0;
        theme = t;
        fonts = keys;
        dpr = ratio;
        valid = true;
    }
};

namespace {

GlyphStamps::Cache &threadStamps()
{
    thread_local GlyphStamps::Cache cache;
    return cache;
}

} // namespace

GlyphStamps::GlyphStamps(const QPainter &p, const Theme &theme, const Fonts &fonts) : m_theme(theme)
{
    Cache &kept = threadStamps();
    if (!kept.borrowed) {
        kept.borrowed = true;
        m_cache = &kept;
    } else { // a paint within a paint: stamps of its own, so as not to clear the other's
        m_own = std::make_unique<Cache>();
        m_cache = m_own.get();
    }
    const QPaintEngine *engine = p.paintEngine();
    const QTransform t = p.deviceTransform();
    m_usable = engine && engine->type() == QPaintEngine::Raster && t.type() <= QTransform::TxScale
        && t.m11() == t.m22() && t.m11() > 0;
    m_dpr = m_usable ? t.m11() : 1;
    const auto whole = [](double v) { return v == std::round(v); };
    m_exact = m_usable && whole(m_dpr) && whole(t.dx()) && whole(t.dy());
    if (m_usable)
        m_cache->use(theme, fonts, m_dpr);

    // Blending directly: a premultiplied (or opaque) image at whole device pixels (as RectFill writes), and
    // a clip that is one rectangle (or none).
    if (!m_exact)
        return;
    const DirectPixels direct = directPixels(p, {QImage::Format_ARGB32_Premultiplied, QImage::Format_RGB32});
    if (!direct.image)
        return;
    QRect inside = direct.image->rect();
    if (p.hasClipping()) {
        if (p.clipRegion().rectCount() != 1)
            return;
        // The clip's bounds in device pixels, a pixel in from each side: however QPainter rounds a clip
        // given at fractions of a pixel, a stamp inside these is wholly inside it.
        const QRectF clip = t.mapRect(p.clipBoundingRect());
        const QRect in(
            QPoint(static_cast<int>(std::ceil(clip.left())) + 1, static_cast<int>(std::ceil(clip.top())) + 1),
            QPoint(static_cast<int>(std::floor(clip.right())) - 2,
                   static_cast<int>(std::floor(clip.bottom())) - 2));
        inside = inside.intersected(in);
    }
    m_inside = inside;
    m_direct = direct;
}

GlyphStamps::~GlyphStamps()
{
    if (!m_own)
        m_cache->borrowed = false;
}

void GlyphStamps::draw(QPainter &p, MarkerKind kind, QPointF c, double s, bool failed)
{
    if (!m_usable) {
        drawGlyph(p, kind, c, s, m_theme, failed);
        return;
    }
    // Kind, failed and the size: a glyph's whole picture (with the theme).
    const Key key{(std::uint64_t{0x6C} << 56) | (std::uint64_t{static_cast<std::uint8_t>(kind)} << 8)
                      | std::uint64_t{failed},
                  s, 0};
    // Room for the widest glyph (a flag reaches s + 1 right, a crash's round cap past s) and its pen.
    draw(p, key, std::ceil(s) + 4, c,
         [&](QPainter &ip, QPointF centre) { drawGlyph(ip, kind, centre, s, m_theme, failed); });
}

std::size_t GlyphStamps::find(const Key &key)
{
    if (m_lastIndex != kNoStamp && m_lastKey == key)
        return m_lastIndex;
    const auto found = m_cache->index.find(key);
    if (found == m_cache->index.end())
        return kNoStamp;
    m_lastKey = key;
    m_lastIndex = found->second;
    return m_lastIndex;
}

std::size_t GlyphStamps::add(const Key &key, double half,
                             const std::function<void(QPainter &, QPointF)> &paint)
{
    half = std::ceil(half);
    Cache::Stamp stamp{QImage(), QPointF(half, half), {}};
    const int side = static_cast<int>(std::ceil(2 * half * m_dpr));
    stamp.image = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
    stamp.image.setDevicePixelRatio(m_dpr);
    stamp.image.fill(Qt::transparent);
    if (stamp.image.isNull()) // no memory for it: drawn where it goes instead (see draw)
        return kNoStamp;
    QPainter ip(&stamp.image);
    paint(ip, stamp.centre);
    ip.end();
    for (int y = 0; y < side; ++y) {
        const auto *line = reinterpret_cast<const std::uint32_t *>(stamp.image.constScanLine(y));
        for (int x = 0; x < side;) {
            if (line[x] == 0) {
                ++x;
                continue;
            }
            const bool opaque = (line[x] >> 24) == 255;
            const int from = x;
            while (x < side && line[x] != 0 && ((line[x] >> 24) == 255) == opaque)
                ++x;
            stamp.runs.push_back({y, from, x, opaque});
        }
    }
    m_cache->pixels += static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
    m_cache->index.emplace(key, m_cache->stamps.size());
    m_cache->stamps.push_back(std::move(stamp));
    ++m_made;
    m_lastKey = key;
    m_lastIndex = m_cache->stamps.size() - 1;
    return m_lastIndex;
}

void GlyphStamps::stamp(QPainter &p, std::size_t index, QPointF c)
{
    const Cache::Stamp &s = m_cache->stamps[index];
    // The centre is a whole number of pixels into the stamp: its corner lands on a whole pixel too.
    const QPointF corner(std::round(c.x()) - s.centre.x(), std::round(c.y()) - s.centre.y());
    // (Far outside the image: QPainter's, which clips it.)
    if (m_direct.image && p.device() == m_direct.image && std::abs(corner.x()) < (1 << 20)
        && std::abs(corner.y()) < (1 << 20)) {
        const int x0 = static_cast<int>(corner.x()) * m_direct.scale + m_direct.dx;
        const int y0 = static_cast<int>(corner.y()) * m_direct.scale + m_direct.dy;
        const QRect target(x0, y0, s.image.width(), s.image.height());
        if (m_inside.contains(target)) {
            // QPainter's source over for a premultiplied image: an opaque pixel replaces, a transparent one
            // leaves, any other adds the destination scaled by what the source leaves (BYTE_MUL's rounding).
            const auto byteMul = [](std::uint32_t x, std::uint32_t a) {
                std::uint32_t t = (x & 0xff00ffu) * a;
                t = (t + ((t >> 8) & 0xff00ffu) + 0x800080u) >> 8;
                t &= 0xff00ffu;
                x = ((x >> 8) & 0xff00ffu) * a;
                x = x + ((x >> 8) & 0xff00ffu) + 0x800080u;
                x &= 0xff00ff00u;
                return x | t;
            };
            const uchar *bits = s.image.constBits();
            const qsizetype stride = s.image.bytesPerLine();
            for (const Cache::Run &run : s.runs) {
                const auto *src = reinterpret_cast<const std::uint32_t *>(bits + run.y * stride);
                auto *dst
                    = reinterpret_cast<std::uint32_t *>(m_direct.bits + (y0 + run.y) * m_direct.stride) + x0;
                if (run.opaque) {
                    std::copy(src + run.x0, src + run.x1, dst + run.x0);
                    continue;
                }
                for (int x = run.x0; x < run.x1; ++x)
                    dst[x] = src[x] + byteMul(dst[x], 255 - (src[x] >> 24));
            }
            ++m_blended;
            return;
        }
    }
    p.drawImage(corner, s.image);
}

void paintLaneMarkers(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                      const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex,
                      GlyphStamps *stamps)
{
    const Lane &lane = model.lane(laneIndex);
    const MappedVector<Marker> &markers = lane.markers;
    const Theme &theme = options.theme;
    const auto row = static_cast<std::size_t>(layout.laneRow[laneIndex]);
    const double height = layout.rowHeight[row];
    const double centerY = layout.rowTop[row] + height / 2;
    // Prints and values sit on the bars' top edge, spawns on their bottom edge, however tall the row.
    const QRectF band = layout.barBand(laneIndex, 0);
    const double top = band.top() - 3;
    const double bottom = band.bottom() + 3;
    const QRectF plot = layout.plotRect;
    const TimeWindow &w = layout.window;
    const double perPixel = nsPerPixel(w, plot.width());

    // Markers, with their text where there is room before the next tagged marker (or, failing that, after
    // the previous one).
    double previousTagEnd = plot.left();
    const std::size_t firstMarker = lane.firstMarker(w.beginNs - static_cast<std::int64_t>(perPixel * 8));
    const std::size_t lastMarker = lane.lastMarker(w.endNs);
    const double s = std::clamp(height * 0.3, 4.0, glyphSizeOf(options));
    // Where the last glyph of each kind went: a dense run of markers draws one glyph per glyph width, which
    // still reads as "many here" and keeps a 100 000-event lane cheap to paint.
    std::array<double, 8> lastGlyphX;
    lastGlyphX.fill(-1e9);
    const auto always = [](MarkerKind kind) {
        return kind == MarkerKind::Crash || kind == MarkerKind::Start || kind == MarkerKind::End;
    };
    // The kinds this lane draws (main's last line goes across all lanes; printed lines only with details).
    std::uint32_t kinds = lane.markerMask() & ~(1u << static_cast<unsigned>(MarkerKind::MainEnd));
    if (!options.details)
        kinds &= ~(1u << static_cast<unsigned>(MarkerKind::Print));

    // A marker's glyph at x; its y.
    const auto drawGlyphOf = [&](const Marker &m, double x) {
        double glyphY = centerY;
        if (m.kind == MarkerKind::Print || m.kind == MarkerKind::Value)
            glyphY = top + s * 0.8 + 1;
        else if (m.kind == MarkerKind::Spawn)
            glyphY = bottom - s - 1;
        const bool failed = m.kind == MarkerKind::End && m.value != 0;
        if (stamps)
            stamps->draw(p, m.kind, QPointF(x, glyphY), s, failed);
        else
            drawGlyph(p, m.kind, QPointF(x, glyphY), s, theme, failed);
        return glyphY;
    };
    // A tagged marker's text beside its glyph, if there is room between `previousTaggedX` (the previous
    // marker with text, drawn or not), the last tag drawn and `limit` (the next marker with text).
    const auto drawTagOf = [&](const Marker &m, double x, double glyphY, double previousTaggedX,
                               double limit) {
        // A crash's signal is what a slide is about: bold there.
        const bool strong = m.kind == MarkerKind::Crash && !options.details;
        const QFont &tagFont = strong ? fonts.bold : fonts.small;
        const double gap = s * 0.8 + 2;
        const double roomRight = limit - (x + gap);
        const double roomLeft
            = (x - gap) - std::max({previousTagEnd + 2, previousTaggedX + gap + 2, plot.left()});
        // Most tags of a dense lane have no room at all: known without measuring their text.
        if (std::max(roomLeft, roomRight)
            < std::min(64.0, narrowestWidth(m.text, strong ? fonts.boldNarrowest : fonts.smallNarrowest)))
            return;
        const QString full = qs(model.text(m));
        const QFontMetricsF fmTag(tagFont);
        const double wanted = fmTag.horizontalAdvance(full) + 4;
        const bool left = roomRight < wanted && roomLeft > roomRight;
        const double room = left ? roomLeft : roomRight;
        // Whole text, or a useful part of it: a row of "c…" tags says nothing a tooltip would not. A slide
        // has no tooltips but has each lane's result at its end: a value there is whole or not drawn (a
        // crash's signal may still be cut).
        if (room < wanted && (room < 64 || (!options.details && m.kind != MarkerKind::Crash)))
            return;
        // A text that fits is drawn whole: elidedText would give it back unchanged (it measures in 1/64 px,
        // and a width of whole 64ths at most room - 4 is at most room - 4 rounded to 64ths), so neither it
        // nor a second measuring is needed; shaping a text is what a tag costs.
        const bool whole = wanted <= room;
        const QString text = whole ? full : fmTag.elidedText(full, Qt::ElideRight, room - 4);
        if (text.isEmpty())
            return;
        const double width = whole ? wanted : fmTag.horizontalAdvance(text) + 4;
        const double tagHeight = fmTag.height() + 1;
        const double tagTop = m.kind == MarkerKind::Crash ? centerY - tagHeight / 2
                                                          : std::max(top + 1, glyphY - tagHeight / 2);
        const QRectF box(left ? x - gap - width : x + gap, tagTop, width, tagHeight);
        drawTag(p, box, text, tagFont, m.kind == MarkerKind::Crash ? theme.crash : theme.text, theme);
        previousTagEnd = box.right();
    };

    // A lane with fewer markers in the window than a few per pixel is walked: the walk is a step per marker,
    // the blocks a few searches per glyph (measured: the 1,000-lane scenes, a few thousand markers a lane,
    // were faster walked; 8 lanes of a million markers each twice as fast by blocks). Both draw the same.
    if (options.levelOfDetail && lastMarker - firstMarker > 4 * static_cast<std::size_t>(plot.width())) {
        // Glyph by glyph from the lane's marker blocks (ui/timeline/marker_blocks.hpp): per kind, the next
        // marker far enough from that kind's last glyph, found by a binary search on x and a skip over blocks
        // without the kind; drawn in marker order. The picture is the one the walk below draws, marker by
        // marker, dense runs skipped as it skips them (its skip decides what "the previous marker with text"
        // is taken to be, and so where a tag has room).
        const MarkerBlocks &blocks = model.markerBlocks();
        const MarkerBlocks::Lane *laneBlocks
            = laneIndex < blocks.lanes.size() ? &blocks.lanes[laneIndex] : nullptr;
        const auto tagBits = static_cast<std::uint16_t>(MarkerBlocks::kTagged
                                                        | (options.details ? MarkerBlocks::kPrintText : 0));
        const auto kindBits = static_cast<std::uint16_t>(kinds);
        const auto threshold = [&](unsigned k) { return always(static_cast<MarkerKind>(k)) ? 0.5 : s; };
        const auto nextGlyph = [&](unsigned k, std::size_t from) {
            // x grows with the index: the first marker (of any kind) far enough, then the first of kind k.
            const double last = lastGlyphX[k];
            const double least = threshold(k);
            const auto nearAt = [&](std::int64_t time) { return layout.timeToX(time) - last < least; };
            const auto near = [&](std::size_t at) { return nearAt(markers[at].time); };
            std::size_t far = lastMarker; // the first marker far enough
            if (laneBlocks && laneBlocks->firstTimes.size() * MarkerBlocks::kBlock >= lastMarker) {
                // First by the blocks' first times (a few lines), then within one block.
                const MappedVector<std::int64_t> &firsts = laneBlocks->firstTimes;
                const std::size_t count = (lastMarker + MarkerBlocks::kBlock - 1) / MarkerBlocks::kBlock;
                const std::size_t first = from / MarkerBlocks::kBlock + 1;
                const std::size_t block
                    = firstFar(first, count, [&](std::size_t b) { return nearAt(firsts[b]); });
                // Blocks before `block` begin too near, and `block` (if any) far enough.
                const std::size_t lo = block > first ? (block - 1) * MarkerBlocks::kBlock : from;
                const std::size_t hi = std::min(lastMarker, block * MarkerBlocks::kBlock);
                far = halve(lo, hi, near);
            } else {
                far = firstFar(from, lastMarker, near);
            }
            return blocks.next(laneIndex, markers, far, lastMarker, static_cast<std::uint16_t>(1u << k));
        };
        std::array<std::size_t, 8> candidate;
        for (unsigned k = 0; k < candidate.size(); ++k)
            candidate[k] = (kinds & (1u << k)) ? nextGlyph(k, firstMarker) : lastMarker;
        constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
        std::size_t drawn = kNone; // the last marker given a glyph
        std::size_t skipTo
            = kNone; // the walk's last jump: to `skipTo`, from its 16th passed marker `skipFrom`
        std::size_t skipFrom = 0;
        for (;;) {
            const auto best = std::min_element(candidate.begin(), candidate.end());
            const std::size_t i = *best;
            if (i >= lastMarker)
                break;
            const auto kind = static_cast<unsigned>(best - candidate.begin());
            // The walk passes over the markers between two glyphs; at the 16th of a drawn kind it jumps to
            // the first marker some kind may draw again, if that is further on.
            if (drawn != kNone && i - drawn > 16) {
                std::size_t j = drawn;
                int passed = 0;
                while (passed < 16) {
                    j = blocks.next(laneIndex, markers, j + 1, i, kindBits);
                    if (j >= i)
                        break;
                    ++passed;
                }
                if (passed == 16) {
                    double next = 1e300;
                    for (unsigned k = 0; k < lastGlyphX.size(); ++k)
                        if (kinds & (1u << k))
                            next = std::min(next, lastGlyphX[k] + threshold(k));
                    // The walk's jump target (lane.firstMarker(…) over the whole lane), looked for after j
                    // first: it lies at or before i, and matters only when past j + 1.
                    const std::int64_t at = layout.xToTime(next) - 1;
                    std::size_t to = j + 1;
                    if (markers[j + 1].time < at) {
                        to = static_cast<std::size_t>(
                            std::lower_bound(markers.begin() + static_cast<std::ptrdiff_t>(j + 1),
                                             markers.begin() + static_cast<std::ptrdiff_t>(i + 1), at,
                                             [](const Marker &m, std::int64_t t) { return m.time < t; })
                            - markers.begin());
                        if (to > i)
                            to = lane.firstMarker(at);
                        to = std::min(lastMarker, to);
                    }
                    if (to > j + 1) {
                        skipTo = to;
                        skipFrom = j;
                    }
                }
            }
            const Marker &m = markers[i];
            const double x = layout.timeToX(m.time);
            lastGlyphX[kind] = x;
            const double glyphY = drawGlyphOf(m, x);
            if (MarkerBlocks::bitsOf(m) & tagBits) {
                // The walk's "previous marker with text": the last one it stepped on, or after a jump the last
                // of the 256 markers before where it landed (the marker just before, when none of them has).
                const std::size_t previous = blocks.previous(laneIndex, markers, firstMarker, i, tagBits);
                double previousTaggedX = previous != i ? layout.timeToX(markers[previous].time) : -1e9;
                if (skipTo != kNone && (previous == i || previous < skipTo)) {
                    previousTaggedX = previous != i && previous > skipFrom && previous + 256 >= skipTo
                        ? layout.timeToX(markers[previous].time)
                        : layout.timeToX(markers[skipTo - 1].time);
                }
                const std::size_t nextTagged
                    = blocks.next(laneIndex, markers, i + 1, markers.size(), tagBits);
                const double limit = nextTagged < markers.size()
                    ? std::min(plot.right(), layout.timeToX(markers[nextTagged].time) - 2)
                    : plot.right();
                drawTagOf(m, x, glyphY, previousTaggedX, limit);
            }
            drawn = i;
            candidate[kind] = nextGlyph(kind, i + 1);
        }
        return;
    }

    // Marker by marker (tests compare the two).
    double lastTaggedX = -1e9; ///< the previous marker with text, drawn or not
    int passed = 0;            // markers passed over since the last glyph
    for (std::size_t i = firstMarker; i < lastMarker; ++i) {
        const Marker &m = markers[i];
        if (!(kinds & (1u << static_cast<unsigned>(m.kind))))
            continue;
        const double x = layout.timeToX(m.time);
        const bool tagged = hasTag(m, options.details);
        const double previousTaggedX = lastTaggedX;
        if (tagged)
            lastTaggedX = x;
        double &last = lastGlyphX[static_cast<std::size_t>(m.kind) % lastGlyphX.size()];
        if (x - last < (always(m.kind) ? 0.5 : s)) {
            if (++passed < 16)
                continue;
            // A dense run: go on at the first marker that some kind may draw a glyph for again.
            passed = 0;
            double next = 1e300;
            for (unsigned k = 0; k < lastGlyphX.size(); ++k)
                if (kinds & (1u << k))
                    next = std::min(next, lastGlyphX[k] + (always(static_cast<MarkerKind>(k)) ? 0.5 : s));
            const std::size_t to = std::min(lastMarker, lane.firstMarker(layout.xToTime(next) - 1));
            if (to <= i + 1)
                continue;
            // "The previous marker with text" is among those passed over: the last of them, or (if there
            // are too many to look through) as near as the one just before: less room, never too much.
            lastTaggedX = layout.timeToX(markers[to - 1].time);
            for (std::size_t j = to - 1, n = 0; j > i && n < 256; --j, ++n) {
                if (hasTag(markers[j], options.details)
                    && (kinds & (1u << static_cast<unsigned>(markers[j].kind)))) {
                    lastTaggedX = layout.timeToX(markers[j].time);
                    break;
                }
            }
            i = to - 1;
            continue;
        }
        passed = 0;
        last = x;
        const double glyphY = drawGlyphOf(m, x);
        if (!tagged)
            continue;
        double limit = plot.right();
        for (std::size_t j = i + 1; j < markers.size(); ++j) {
            if (hasTag(markers[j], options.details)) {
                limit = std::min(limit, layout.timeToX(markers[j].time) - 2);
                break;
            }
        }
        drawTagOf(m, x, glyphY, previousTaggedX, limit);
    }
}

void paintMainEnd(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options, const Fonts &fonts)
{
    // The moment the program "ends" while others may still run: drawn across all lanes, not in main's.
    const std::int64_t end = model.mainEndNs();
    if (end < 0 || end < layout.window.beginNs || end > layout.window.endNs)
        return;
    const Theme &theme = options.theme;
    const double x = std::round(layout.timeToX(end)) + 0.5;
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(theme.mainEnd, 1, Qt::DashLine));
    p.drawLine(QPointF(x, layout.plotRect.top()), QPointF(x, layout.plotRect.bottom()));
    const QFontMetricsF fm(fonts.small);
    const QString text = QStringLiteral("main's last line");
    const double width = fm.horizontalAdvance(text) + 4;
    const double left = x + 3 + width <= layout.plotRect.right() ? x + 3 : x - 3 - width;
    // On a slide main's final value sits at the top of its lane just there (main reads it last): the tag
    // goes to the bottom of the plot instead.
    const double top
        = options.details ? layout.plotRect.top() + 1 : layout.plotRect.bottom() - 1 - fm.height();
    drawTag(p, QRectF(left, top, width, fm.height()), text, fonts.small, theme.text, theme);
}

} // namespace forkscope::ui::timeline
