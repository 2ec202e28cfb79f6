#include "ui/timeline/rect_fill.hpp"

#include <QImage>
#include <QPainter>
#include <QTransform>

#include <algorithm>
#include <cmath>

namespace forkscope::ui::timeline {

namespace {

bool whole(double v) { return std::abs(v - std::round(v)) < 1e-9; }

} // namespace

DirectPixels directPixels(const QPainter &p, std::initializer_list<QImage::Format> formats)
{
    DirectPixels direct;
    QPaintDevice *device = p.device();
    if (!device || device->devType() != QInternal::Image
        || p.compositionMode() != QPainter::CompositionMode_SourceOver || p.opacity() < 1)
        return direct;
    auto *image = static_cast<QImage *>(device);
    if (std::find(formats.begin(), formats.end(), image->format()) == formats.end())
        return direct;
    // A whole-number scale (a high-dpi image) and a whole-pixel offset: logical pixels stay whole pixels.
    const QTransform t = p.deviceTransform();
    if (t.type() > QTransform::TxScale || t.m11() != t.m22() || t.m11() < 1 || !whole(t.m11())
        || !whole(t.dx()) || !whole(t.dy()))
        return direct;
    direct.scale = static_cast<int>(std::lround(t.m11()));
    direct.dx = static_cast<int>(std::lround(t.dx()));
    direct.dy = static_cast<int>(std::lround(t.dy()));
    direct.image = image;
    // QImage::bits() does not copy (the painter made the image its own when it began), but it asks each time
    // whether it must: once here, not per rectangle.
    direct.bits = image->bits();
    direct.stride = image->bytesPerLine();
    return direct;
}

RectFill::RectFill(QPainter &p, const QRect &clip)
        : m_p(p), m_clip(clip),
          m_direct(directPixels(
              p, {QImage::Format_ARGB32_Premultiplied, QImage::Format_RGB32, QImage::Format_ARGB32}))
{
    if (!m_direct.image)
        return;
    const int scale = m_direct.scale;
    m_deviceClip = QRect(clip.x() * scale + m_direct.dx, clip.y() * scale + m_direct.dy, clip.width() * scale,
                         clip.height() * scale)
                       .intersected(m_direct.image->rect());
}

RectFill::~RectFill() { flush(); }

void RectFill::fill(int x0, int y0, int x1, int y1, QRgb color)
{
    if (x1 <= x0 || y1 <= y0)
        return;
    if (m_direct.image) {
        const int scale = m_direct.scale;
        const int dx0 = std::max(x0 * scale + m_direct.dx, m_deviceClip.left());
        const int dx1 = std::min(x1 * scale + m_direct.dx, m_deviceClip.right() + 1);
        const int dy0 = std::max(y0 * scale + m_direct.dy, m_deviceClip.top());
        const int dy1 = std::min(y1 * scale + m_direct.dy, m_deviceClip.bottom() + 1);
        if (dx1 <= dx0 || dy1 <= dy0)
            return;
        const QRgb pixel = 0xff000000u | color;
        for (int y = dy0; y < dy1; ++y) {
            auto *line = reinterpret_cast<QRgb *>(m_direct.bits + y * m_direct.stride);
            std::fill(line + dx0, line + dx1, pixel);
        }
        return;
    }
    const QRect rect = QRect(QPoint(x0, y0), QPoint(x1 - 1, y1 - 1)).intersected(m_clip);
    if (rect.isEmpty())
        return;
    // Merge with a rectangle of the same colour and rows that it continues to the right.
    for (Pending &pending : m_pending) {
        if (pending.used && pending.color == color && pending.rect.top() == rect.top()
            && pending.rect.bottom() == rect.bottom() && pending.rect.right() + 1 == rect.left()) {
            pending.rect.setRight(rect.right());
            return;
        }
    }
    Pending *slot
        = std::find_if(m_pending.begin(), m_pending.end(), [](const Pending &p) { return !p.used; });
    if (slot == m_pending.end()) {
        // All in use: the leftmost has the least chance to grow.
        slot = std::min_element(m_pending.begin(), m_pending.end(), [](const Pending &a, const Pending &b) {
            return a.rect.right() < b.rect.right();
        });
        m_p.fillRect(slot->rect, QColor::fromRgb(slot->color));
    }
    *slot = {rect, color, true};
}

void RectFill::flush()
{
    for (Pending &pending : m_pending) {
        if (pending.used)
            m_p.fillRect(pending.rect, QColor::fromRgb(pending.color));
        pending.used = false;
    }
}

} // namespace forkscope::ui::timeline
