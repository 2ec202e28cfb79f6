#pragma once

// Fills many small opaque rectangles on whole pixels: the bars of a frame, which at ten million events are
// tens of thousands of one-pixel columns. Into an image (the widget's cache, a PNG, the benchmark) it writes
// the pixels itself; on any other device (SVG, PDF) it merges neighbours of one colour and hands them to
// QPainter. Both give the same pixels on an image: whole-pixel rectangles of opaque colours have no edges to
// blend.

#include <QColor>
#include <QRect>

#include <array>
#include <cstdint>

class QImage;
class QPainter;

namespace forkscope::ui::timeline {

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
    bool direct() const noexcept { return m_image != nullptr; }

private:
    struct Pending {
        QRect rect;
        QRgb color = 0;
        bool used = false;
    };

    QPainter &m_p;
    QRect m_clip;
    QImage *m_image = nullptr;
    uchar *m_bits = nullptr; ///< the image's pixels, when direct
    qsizetype m_stride = 0;  ///< bytes per line of them
    int m_scale = 1;         ///< device pixels per logical pixel (a whole number) when direct
    int m_dx = 0;            ///< device offset of logical 0
    int m_dy = 0;
    QRect m_deviceClip;
    std::array<Pending, 8> m_pending{};
};

} // namespace forkscope::ui::timeline
