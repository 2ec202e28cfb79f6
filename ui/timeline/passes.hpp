#pragma once

// The painter's passes, one file per layer, in the order paintTimeline (ui/timeline_painter.cpp) runs
// them. Each pass draws one kind of thing from the model and the layout and sets the pen, brush and font
// it needs; paintTimeline sets the clip and antialiasing around them. Not for callers.

#include "ui/timeline/layout.hpp"
#include "ui/timeline/paint_kit.hpp"
#include "ui/timeline/paint_options.hpp"
#include "ui/timeline/rect_fill.hpp"
#include "ui/timeline/track_columns.hpp"
#include "ui/timeline_model.hpp"

#include <QImage>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QStringList>

#include <cmath>
#include <functional>
#include <memory>
#include <unordered_map>

#include <cstddef>
#include <cstdint>

class QColor;
class QFontMetricsF;
class QPainter;

namespace forkscope::ui::timeline {

class RectFill;

// Axis and labels (axis_pass.cpp) --------------------------------------------------------------------------

/// `text` broken at spaces into lines of at most `width`, at most `maxLines` of them: the last takes the
/// rest, and every line is elided to fit. The headline and caption are measured and drawn with it.
QStringList wrapText(const QString &text, const QFontMetricsF &fm, double width, int maxLines);
/// The most lines a headline and a caption take: a caption carries the run's shape and what the picture
/// shows of it (a focus adds its own clause), and three lines say that without an ellipsis.
inline constexpr int kHeadlineLines = 2;
inline constexpr int kCaptionLines = 3;
/// The headline (wrapped) and caption under it, or the title, in their rectangles; nothing without one.
void paintTitle(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts);
/// The time axis: its line, and ticks at a "nice" step with labels that never overlap.
void paintAxis(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts);
struct TrackArea;
/// Grid lines through the plot at the axis's ticks, inside `area`.
void paintGrid(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const Fonts &fonts,
               const TrackArea &area);
/// A line at the model's present while it is live and the present is in the window.
void paintNowLine(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options);

// Lanes (lanes_pass.cpp) -----------------------------------------------------------------------------------

/// Where the tracks layer (rows, grid, lifelines, bars, GIL and queue strips) draws: the columns of the
/// view's absolute grid that fall inside `clip`, whole pixels of the plot.
struct TrackArea {
    PixelGrid grid;
    std::int64_t shift = 0; ///< column c is drawn at x = c + shift
    std::int64_t from = 0;  ///< columns [from, to)
    std::int64_t to = 0;
    QRect clip;
};
TrackArea trackArea(const TimelineLayout &layout, const QRect &pixels);

/// Row backgrounds inside `area`: every other lane of a process shaded, process headers, fold bands, queue
/// rows.
void paintRows(QPainter &p, const TimelineLayout &layout, const PaintOptions &options, const QRectF &area);
/// The words on rows: process headers' titles (running on into the plot, where headers have no bars) and
/// queue rows' names (paintQueueLabel).
void paintRowTitles(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                    const PaintOptions &options, const Fonts &fonts);
/// One lane's lifeline while its worker lives and its bars (by pixel column: see track_columns.hpp), inside
/// `area`, through `fill` alone (no painter: when `fill` is direct, other threads may draw other rows).
void paintLaneBars(RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const TrackArea &area, std::uint32_t laneIndex);
/// One lane's GIL holds and waits over its bars, inside `area` (after paintLaneBars).
void paintLaneGilStrips(QPainter &p, RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                        const PaintOptions &options, const TrackArea &area, std::uint32_t laneIndex);
/// The lanes of a fold row, each a thin band of its outermost bars (no lifeline, markers or labels inside),
/// through `fill` alone.
void paintFoldBars(RectFill &fill, const TimelineModel &model, const TimelineLayout &layout,
                   const PaintOptions &options, const TrackArea &area, std::uint32_t fold);
/// The call and result inside each pool task's bar wide enough for it.
void paintTaskLabels(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex);
/// The label column: each visible lane's name and, when the row is tall enough and details are asked for,
/// its detail line; a fold's label; and the column's edge.
void paintLaneLabels(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts);
/// The result column: each visible lane's result (options.results) at its row, and a fold's when all its
/// lanes came to the same; wrapped over the lines the row has room for (in smaller type down to the small
/// font if it must), else elided; failures in the crash colour.
void paintLaneResults(QPainter &p, const TimelineLayout &layout, const PaintOptions &options,
                      const Fonts &fonts);
/// The "waits for the GIL" hatch over `rect` (also the legend's swatch).
void fillGilWait(QPainter &p, const QRectF &rect, const Theme &theme);

// Messages (messages_pass.cpp) -----------------------------------------------------------------------------

/// A queue row's background across the label column and the plot.
void paintQueueRow(QPainter &p, const PaintOptions &options, const QRectF &rowRect);
/// A queue row's name with the peak and capacity, in the label column.
void paintQueueLabel(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const Fonts &fonts, std::uint32_t id,
                     const QRectF &rowRect);
/// A queue's fill level in its row as a step area over time, scaled to its capacity (or its peak), inside
/// `area`.
void paintQueueStrip(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options, const TrackArea &area, std::uint32_t id, std::size_t row);
/// Join arrows: from the joined worker's end to where the joiner resumed.
void paintJoinArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                     const PaintOptions &options);
/// Arrows from each put/send to the get/receive that took it, thinned out when zoomed out; a message whose
/// other end is on a lane out of sight is a short stub with a head pointing the way it goes
/// (ui/timeline/message_stubs.hpp).
void paintMessageArrows(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                        const PaintOptions &options);
/// A filled arrow head of `size` pointing at `to` along from → to (also the legend's arrows).
void drawArrowHead(QPainter &p, QPointF from, QPointF to, double size, const QColor &color);

// Markers (markers_pass.cpp) -------------------------------------------------------------------------------

/// Marker glyphs drawn once into small images and stamped where they go, for painting into pixels (an
/// image, the widget): a dense lane of a whole-run view shows thousands of glyphs a frame, and a stamp is a
/// blit where a glyph is an antialiased path. Vector devices (SVG, PDF) get the glyphs as paths.
///
/// The images are made as each shape is first asked for and kept, per thread, for the paints after (a view
/// repaints with the same theme, fonts and pixel ratio; making a stamp, a small image with a painter and
/// maybe shaped text, costs some microseconds): a paint with another theme, other fonts or another ratio
/// starts afresh, and so does one after the kept images have grown past a few megabytes.
///
/// Into an image at whole device pixels a stamp is blended by GlyphStamps itself, with the arithmetic of
/// QPainter's source-over blend of a premultiplied image (the same pixels, tested), where it lies wholly
/// inside the clip the painter had when the stamps were made; QPainter::drawImage costs about a microsecond
/// a call before it blends anything, and a whole-run frame stamps tens of thousands. The painter's clip must
/// not narrow while the stamps are in use (elsewhere, and on other devices, QPainter draws them).
class GlyphStamps {
public:
    /// What tells one stamp from another, besides the theme, fonts and ratio: a kind of shape and up to two
    /// numbers (its size, where it lies within a pixel), compared exactly.
    struct Key {
        std::uint64_t shape = 0;
        double a = 0;
        double b = 0;
        bool operator==(const Key &) const = default;
    };

    GlyphStamps(const QPainter &p, const Theme &theme, const Fonts &fonts);
    ~GlyphStamps();
    GlyphStamps(const GlyphStamps &) = delete;
    GlyphStamps &operator=(const GlyphStamps &) = delete;
    /// Whether stamps may be used on this painter: a raster device drawn on without rotation or shear.
    bool usable() const noexcept { return m_usable; }
    /// Whether a stamp lands on the very pixels its shape would: usable, at a whole number of device pixels
    /// per pixel and a whole-pixel offset, so that a shape drawn into a stamp at a fraction of a pixel from
    /// its corner and stamped at a whole pixel covers what it covers drawn there directly.
    bool exact() const noexcept { return m_exact; }
    /// How many stamps were blended into the image directly, not drawn by QPainter, and how many images
    /// were made, by this GlyphStamps.
    std::size_t blended() const noexcept { return m_blended; }
    std::size_t made() const noexcept { return m_made; }
    /// Draws glyph `kind` (half-height `s`) centred at `c`, its centre put on the nearest pixel.
    void draw(QPainter &p, MarkerKind kind, QPointF c, double s, bool failed);
    /// Any other small shape: `paint(painter, centre)` draws it within `half` pixels of its centre, once
    /// per `key` (which, with the theme and the fonts, must tell apart everything that changes the
    /// picture); then it is stamped at `c`.
    template <typename Paint>
    void draw(QPainter &p, const Key &key, double half, QPointF c, Paint &&paint)
    {
        if (!m_usable || !std::isfinite(key.a) || !std::isfinite(key.b)) {
            paint(p, c);
            return;
        }
        std::size_t index = find(key);
        if (index == kNoStamp)
            index = add(key, half, std::function<void(QPainter &, QPointF)>(std::ref(paint)));
        if (index == kNoStamp)
            paint(p, c);
        else
            stamp(p, index, c);
    }

    struct Cache;

private:
    static constexpr std::size_t kNoStamp = ~std::size_t{0};
    std::size_t find(const Key &key);
    std::size_t add(const Key &key, double half, const std::function<void(QPainter &, QPointF)> &paint);
    /// Stamps image `index` with its centre on the pixel nearest `c`.
    void stamp(QPainter &p, std::size_t index, QPointF c);

    const Theme &m_theme;
    /// This thread's kept stamps, or (while another GlyphStamps of this thread has them) stamps of its own.
    Cache *m_cache = nullptr;
    std::unique_ptr<Cache> m_own;
    qreal m_dpr = 1;
    bool m_usable = false;
    bool m_exact = false;
    Key m_lastKey; ///< the key last found, and its place
    std::size_t m_lastIndex = kNoStamp;
    // Blending directly: into this image (image null: through QPainter), inside m_inside (device pixels).
    DirectPixels m_direct;
    QRect m_inside;
    std::size_t m_blended = 0;
    std::size_t m_made = 0;
};

/// One lane's markers (start, end, crash, print, value, note, spawn) with their texts where there is room;
/// glyphs through `stamps` when given and usable.
void paintLaneMarkers(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                      const PaintOptions &options, const Fonts &fonts, std::uint32_t laneIndex,
                      GlyphStamps *stamps = nullptr);
/// Main's last line: a dashed line through every lane with a tag, when it is in the window.
void paintMainEnd(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                  const PaintOptions &options, const Fonts &fonts);
/// A marker glyph centred vertically at `c` with half-height `s` (also the legend's); `failed`: an End
/// with a non-zero exit code, drawn in the crash colour.
void drawGlyph(QPainter &p, MarkerKind kind, QPointF c, double s, const Theme &theme, bool failed = false);

// Lost updates (lost_updates_pass.cpp) ---------------------------------------------------------------------

/// The model's lost updates in the window: each wide enough one with both read → write pairs bracketed,
/// the lost write crossed out, an arrow from the write that replaced it and words; narrower ones as a few
/// crosses per lane with how many each stands for.
void paintLostUpdates(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                      const PaintOptions &options, const Fonts &fonts, GlyphStamps *stamps = nullptr);

// Legend (legend_pass.cpp) ---------------------------------------------------------------------------------

/// The height paintLegend needs for the entries of `model` and options.legendAlso wrapped into `width` (0
/// without entries).
double legendHeight(const TimelineModel &model, const PaintOptions &options, const QFontMetricsF &fm,
                    double width);
/// The legend in layout.legendRect: the bar states, markers, arrows and GIL strips the model (or any of
/// options.legendAlso) has.
void paintLegend(QPainter &p, const TimelineModel &model, const TimelineLayout &layout,
                 const PaintOptions &options, const Fonts &fonts);

} // namespace forkscope::ui::timeline
