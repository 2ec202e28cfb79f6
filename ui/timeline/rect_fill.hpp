#pragma once

// Fills many small opaque rectangles on whole pixels: the bars of a frame, which at ten million events are
// tens of thousands of one-pixel columns. Into an image (the widget's cache, a PNG, the benchmark) it writes
// the pixels itself; on any other device (SVG, PDF) it merges neighbours of one colour and hands them to
// QPainter. Both give the same pixels on an image: whole-pixel rectangles of opaque colours have no edges to
// blend.

#include <QColor>
#include <QImage>
#include <QRect>

#include <array>
#include <cstdint>
#include <initializer_list>

class QPainter;

namespace forkscope::ui::timeline {

/// A painter's image as pixels to write into directly: logical pixel (x, y) is device pixels from
/// (x * scale + dx, y * scale + dy), `scale` on a side. Shared by RectFill and GlyphStamps.
struct DirectPixels {
    QImage *image = nullptr; ///< null: not an image that can be written into directly
    uchar *bits = nullptr;
    qsizetype stride = 0; ///< bytes per line
    int scale = 1;
    int dx = 0;
    int dy = 0;
};
/// `p`'s device, if it is an image in one of `formats` that `p` draws on source over at full opacity, at a
/// whole number of device pixels per pixel and a whole-pixel offset, without rotation.
DirectPixels directPixels(const QPainter &p, std::initializer_list<QImage::Format> formats);

class RectFill {
public:
    /// Fills into `p`'s device, inside `clip` (logical pixels; the painter's own clip is not consulted).
    RectFill(QPainter &p, const QRect &clip);
    ~RectFill();
    RectFill(const RectFill &) = delete;
    RectFill &operator=(const RectFill &) = delete;

    /// Fills [x0, x1) × [y0, y1) with `color`, which must be opaque.
    void fill(int x0, int y0, int x1, int y1, QRgb color);
    /// Hands what is still merged to the painter (the destructor does too).
    void flush();
    /// Whether pixels are written directly (the painter paints into an image without rotation).
    bool direct() const noexcept { return m_direct.image != nullptr; }

private:
    struct Pending {
        QRect rect;
        QRgb color = 0;
        bool used = false;
    };

    QPainter &m_p;
    QRect m_clip;
    DirectPixels m_direct;
    QRect m_deviceClip;
    std::array<Pending, 8> m_pending{};
};

} // namespace forkscope::ui::timeline
