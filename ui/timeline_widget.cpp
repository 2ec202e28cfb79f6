#include "ui/timeline_widget.hpp"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace forkscope::ui {

namespace {

constexpr double kZoomStep = 1.25;
/// While following, the present sits this far (a fraction of the span) from the right edge.
constexpr double kFollowMargin = 0.04;

} // namespace

int firstRowShowing(const TimelineLayout &layout, std::initializer_list<std::uint32_t> lanes)
{
    int top = -1;
    bool allVisible = true;
    for (const std::uint32_t lane : lanes) {
        const int row = lane < layout.laneRow.size() ? layout.laneRow[lane] : -1;
        if (row < 0)
            continue;
        allVisible = allVisible && row >= layout.firstRow && row < layout.firstRow + layout.visibleRows;
        top = top < 0 ? row : std::min(top, row);
    }
    if (allVisible || top < 0)
        return layout.firstRow;
    if (top > 0 && layout.rows[static_cast<std::size_t>(top - 1)].kind == DisplayRow::Kind::Header)
        --top;
    return top;
}

TimelineWidget::TimelineWidget(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(false);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_options.legend = true;
    m_rowBar = new QScrollBar(Qt::Vertical, this);
    m_rowBar->setObjectName(QStringLiteral("timelineRows"));
    m_rowBar->setToolTip(tr("Scroll the lanes (Shift+wheel, arrow keys); Fit All (Ctrl+0) shows every row"));
    m_rowBar->hide();
    connect(m_rowBar, &QScrollBar::valueChanged, this, [this](int value) {
        if (!m_syncingBar)
            setFirstRow(value);
    });
}

QRect TimelineWidget::plotArea() const
{
    QRect area = rect();
    if (m_rowBar->isVisibleTo(this))
        area.setRight(m_rowBar->geometry().left() - 1);
    return area;
}

void TimelineWidget::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateRowBar();
}

void TimelineWidget::updateRowBar()
{
    const int total = rowCount();
    m_barRows = total;
    int visible = total;
    if (m_model && total > 0) {
        // How many rows fit one per row (unfolded) from the first row, in the width left by a bar.
        PaintOptions options = paintOptions();
        options.foldLanes = false;
        const int barWidth = m_rowBar->sizeHint().width();
        const QRectF area(0, 0, std::max(1, width() - barWidth), height());
        const int shown = layoutTimeline(*m_model, area, options).visibleRows;
        const int rowsAfter = total - m_firstRow;
        visible = shown < rowsAfter || m_firstRow > 0 ? std::max(1, shown) : total;
    }
    const bool needed = visible < total || m_firstRow > 0;
    m_syncingBar = true;
    m_rowBar->setRange(0, std::max(0, total - visible));
    m_rowBar->setPageStep(std::max(1, visible));
    m_rowBar->setSingleStep(1);
    m_rowBar->setValue(m_fitRows ? 0 : m_firstRow);
    m_syncingBar = false;
    const int barWidth = m_rowBar->sizeHint().width();
    m_rowBar->setGeometry(width() - barWidth, 0, barWidth, height());
    if (needed != m_rowBar->isVisibleTo(this)) {
        m_rowBar->setVisible(needed);
        update();
    }
}

void TimelineWidget::setModel(const TimelineModel *model)
{
    m_model = model;
    m_options.headline.clear();
    m_options.caption.clear();
    m_options.results.clear();
    m_firstRow = 0;
    m_lostShown = -1;
    m_kept.valid = false;
    fitAll();
}

void TimelineWidget::modelUpdated()
{
    // Also once more after the run finished: its end (the implicit join at exit) comes into view.
    if (m_model && m_following)
        follow();
    if (rowCount() != m_barRows)
        updateRowBar(); // lanes came (a live run grows): only then is the bar's range worth a layout
    update();
}

void TimelineWidget::follow()
{
    const TimeWindow fit = fitWindow(*m_model);
    TimeWindow next = fit;
    if (m_userZoomed) {
        // Keep the user's span and slide it so the present stays in sight.
        const std::int64_t span = m_window.span();
        const auto margin = static_cast<std::int64_t>(static_cast<double>(span) * kFollowMargin);
        const std::int64_t end = std::max(m_model->now() + margin, fit.beginNs + span);
        next = {end - span, end};
    }
    if (next != m_window) {
        m_window = next;
        emitView();
    }
}

void TimelineWidget::setWindow(const TimeWindow &window) { applyWindow(window, true); }

void TimelineWidget::applyWindow(TimeWindow window, bool userPan)
{
    window = clampWindow(window);
    if (userPan && m_following) {
        m_following = false;
        emit followingChanged(false);
    }
    if (window == m_window)
        return;
    m_window = window;
    emitView();
    update();
}

TimeWindow TimelineWidget::clampWindow(TimeWindow window) const
{
    if (window.span() < kMinWindowSpanNs)
        window.endNs = window.beginNs + kMinWindowSpanNs;
    if (!m_model)
        return window;
    const TimeWindow fit = fitWindow(*m_model);
    // Zooming out stops at 20 runs' worth; panning keeps a tenth of the window on the run.
    const std::int64_t maxSpan = std::max<std::int64_t>(fit.span() * 20, 1'000'000);
    std::int64_t span = std::min(window.span(), maxSpan);
    std::int64_t begin = window.beginNs;
    const std::int64_t minBegin = fit.beginNs - span * 9 / 10;
    const std::int64_t maxBegin = fit.endNs - span / 10;
    begin = std::clamp(begin, std::min(minBegin, maxBegin), std::max(minBegin, maxBegin));
    return {begin, begin + span};
}

void TimelineWidget::emitView() { emit viewChanged(m_window.beginNs, m_window.endNs, m_firstRow); }

void TimelineWidget::setFirstRow(int row)
{
    const int clamped = std::clamp(row, 0, std::max(0, rowCount() - 1));
    if (clamped == m_firstRow && !m_fitRows)
        return;
    // Scrolling shows the lanes one per row: folded, there would be nothing to scroll to.
    m_fitRows = false;
    m_firstRow = clamped;
    updateRowBar();
    emitView();
    update();
}

int TimelineWidget::rowCount() const { return m_model ? static_cast<int>(displayRows(*m_model).size()) : 0; }

int TimelineWidget::visibleRowCount() const { return m_model ? currentLayout().visibleRows : 0; }

void TimelineWidget::setTheme(const Theme &theme)
{
    m_options.theme = theme;
    update();
}

void TimelineWidget::setLegendVisible(bool visible)
{
    m_options.legend = visible;
    update();
}

void TimelineWidget::setTitle(const QString &title)
{
    m_options.title = title;
    update();
}

void TimelineWidget::setHeadline(const QString &headline, const QString &caption,
                                 std::vector<LaneResult> results)
{
    m_options.headline = headline;
    m_options.caption = caption;
    m_options.results = std::move(results);
    m_kept.valid = false; // they may come after the finished run was drawn (worked out off the GUI thread)
    update();
}

PaintOptions TimelineWidget::paintOptions() const
{
    PaintOptions options = m_options;
    options.window = m_window;
    options.firstRow = m_firstRow;
    options.rowCount = -1;
    options.foldLanes = m_fitRows;
    return options;
}

TimelineLayout TimelineWidget::currentLayout() const
{
    static const TimelineModel empty;
    return layoutTimeline(m_model ? *m_model : empty, QRectF(plotArea()), paintOptions());
}

void TimelineWidget::fitAll()
{
    m_userZoomed = false;
    m_firstRow = 0;
    m_fitRows = true;
    updateRowBar();
    if (m_model) {
        m_window = fitWindow(*m_model);
        const bool follow = m_model->live();
        if (follow != m_following) {
            m_following = follow;
            emit followingChanged(follow);
        }
    }
    emitView();
    update();
}

void TimelineWidget::setFollowing(bool follow)
{
    if (follow == m_following)
        return;
    m_following = follow;
    emit followingChanged(follow);
    if (follow && m_model)
        this->follow();
    update();
}

void TimelineWidget::zoomAt(double factor, double x)
{
    if (!m_model || !(factor > 0))
        return;
    const TimelineLayout layout = currentLayout();
    const bool pinnedToNow = m_following && m_model->live();
    // While following a live run, zoom around the present so it stays in view; otherwise around x.
    const std::int64_t anchor = pinnedToNow ? m_model->now() : layout.xToTime(x);
    m_userZoomed = true;
    applyWindow(zoomWindow(m_window, factor, anchor), false);
    if (pinnedToNow)
        follow();
}

void TimelineWidget::panByPixels(double dx)
{
    if (!m_model)
        return;
    const double perPixel = nsPerPixel(m_window, currentLayout().plotRect.width());
    m_userZoomed = true;
    applyWindow(panWindow(m_window, -static_cast<std::int64_t>(std::llround(dx * perPixel))), true);
}

void TimelineWidget::zoomIn()
{
    const TimelineLayout layout = currentLayout();
    zoomAt(kZoomStep, layout.plotRect.center().x());
}

void TimelineWidget::zoomOut()
{
    const TimelineLayout layout = currentLayout();
    zoomAt(1 / kZoomStep, layout.plotRect.center().x());
}

bool TimelineWidget::showLostUpdate(std::size_t index)
{
    if (!m_model || index >= m_model->lostUpdates().size())
        return false;
    const LostUpdateMark &mark = m_model->lostUpdates()[index];
    m_lostShown = static_cast<int>(index);
    m_userZoomed = true;
    m_fitRows = false; // rows are counted unfolded below
    // Both lanes in sight: if either row is off screen, start at the upper one's process header.
    const int rowBefore = m_firstRow;
    m_firstRow = firstRowShowing(
        currentLayout(), {mark.lost.lane, mark.overwritten() ? mark.lost.overwrittenBy : mark.lost.lane});
    const TimeWindow windowBefore = m_window;
    applyWindow(lostUpdateWindow(mark), true);
    updateRowBar();
    if (m_firstRow != rowBefore && m_window == windowBefore) {
        emitView(); // the rows moved while the window did not
        update();
    }
    return true;
}

int TimelineWidget::showNextLostUpdate()
{
    if (!m_model || m_model->lostUpdates().empty())
        return -1;
    const auto next = static_cast<std::size_t>(m_lostShown + 1) % m_model->lostUpdates().size();
    showLostUpdate(next);
    return static_cast<int>(next);
}

QString TimelineWidget::toolTipAt(QPoint pos) const
{
    if (!m_model)
        return {};
    const TimelineLayout layout = currentLayout();
    return describeHit(*m_model, hitTest(*m_model, layout, QPointF(pos)));
}

void TimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (!m_model || m_model->laneCount() == 0) {
        painter.fillRect(rect(), m_options.theme.background);
        painter.setPen(m_options.theme.mutedText);
        painter.drawText(rect(), Qt::AlignCenter,
                         tr("No run yet.\nPick a scenario on the left and press Run (Ctrl+R):\n"
                            "its workers' lanes will grow here as they run."));
        return;
    }
    // Painting is proportional to what is visible: binary searches find the bars in the window and a
    // pixel column of many bars costs about one block of them; the tracks layer is kept between paints, so
    // a pan or a live tick paints only the columns that came in or changed.
    const PaintOptions options = paintOptions();
    const TimelineLayout layout = layoutTimeline(*m_model, QRectF(plotArea()), options);
    paintTimeline(painter, *m_model, layout, options, [&](QPainter &p) { drawTracks(p, layout, options); });
}

namespace {

bool sameColors(const Theme &a, const Theme &b)
{
    return a.background == b.background && a.alternateRow == b.alternateRow
        && a.headerBackground == b.headerBackground && a.grid == b.grid && a.lifeline == b.lifeline
        && a.states == b.states && a.gilHold == b.gilHold && a.gilWait == b.gilWait
        && a.queueFill == b.queueFill;
}

/// Whether the tracks layer painted for `a` holds, moved by whole pixels, what `b` shows: the same rows, plot
/// and zoom, the same colours and axis; only the window's place may differ.
bool sameTracks(const TimelineLayout &a, const PaintOptions &oa, const TimelineLayout &b,
                const PaintOptions &ob)
{
    return a.plotRect == b.plotRect && a.axisRect == b.axisRect && a.window.span() == b.window.span()
        && a.pxPerNs() == b.pxPerNs() && a.firstRow == b.firstRow && a.visibleRows == b.visibleRows
        && a.rowTop == b.rowTop && a.rowHeight == b.rowHeight && a.laneRow == b.laneRow
        && a.laneSlot == b.laneSlot && a.barInset == b.barInset && a.laneHeight == b.laneHeight
        && a.headerHeight == b.headerHeight
        && std::equal(a.rows.begin(), a.rows.end(), b.rows.begin(), b.rows.end(),
                      [](const DisplayRow &x, const DisplayRow &y) {
                          return x.kind == y.kind && x.group == y.group && x.lane == y.lane;
                      })
        && std::equal(a.folds.begin(), a.folds.end(), b.folds.begin(), b.folds.end(),
                      [](const LaneFold &x, const LaneFold &y) { return x.lanes == y.lanes; })
        && sameColors(oa.theme, ob.theme) && oa.axis == ob.axis && oa.fontFamily == ob.fontFamily
        && oa.fontPixelSize == ob.fontPixelSize && oa.smallFontPixelSize == ob.smallFontPixelSize;
}

/// Moves the pixels of `area` (device pixels) of `image` right by `dx` (left when negative).
void scrollRows(QImage &image, const QRect &area, int dx)
{
    const int width = area.width() - std::abs(dx);
    if (width <= 0)
        return;
    const int from = dx > 0 ? area.left() : area.left() - dx;
    const int to = dx > 0 ? area.left() + dx : area.left();
    uchar *bits = image.bits();
    const qsizetype stride = image.bytesPerLine();
    for (int y = area.top(); y <= area.bottom(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(bits + y * stride);
        std::memmove(line + to, line + from, static_cast<std::size_t>(width) * sizeof(QRgb));
    }
}

} // namespace

void TimelineWidget::drawTracks(QPainter &painter, const TimelineLayout &layout, const PaintOptions &options)
{
    const QRect plot = layout.plotRect.toAlignedRect().intersected(plotArea());
    if (plot.isEmpty())
        return;
    const qreal dpr = devicePixelRatioF();
    const bool wholeDpr = dpr == std::round(dpr);
    const QSize deviceSize = (QSizeF(size()) * dpr).toSize();
    KeptTracks &kept = m_kept;
    bool whole = !kept.valid || kept.model != m_model || kept.image.size() != deviceSize
        || kept.image.devicePixelRatio() != dpr || !sameTracks(kept.layout, kept.options, layout, options);
    const std::int64_t changed = whole ? TimelineModel::kWholeRun : m_model->changedSince(kept.revision);
    // Content moves right by `shift` pixels when the window moves left.
    const std::int64_t shift = whole ? 0 : kept.layout.gridOrigin() - layout.gridOrigin();
    whole = whole || changed == TimelineModel::kWholeRun || std::abs(shift) >= plot.width()
        || (shift != 0 && !wholeDpr);
    if (whole) {
        if (kept.image.size() != deviceSize) {
            kept.image = QImage(deviceSize, QImage::Format_ARGB32_Premultiplied);
            kept.image.setDevicePixelRatio(dpr);
        }
    }

    std::vector<QRect> strips;
    if (whole) {
        strips.push_back(plot);
    } else {
        const auto s = static_cast<int>(shift);
        if (s != 0) {
            const QRect device(
                QPoint(static_cast<int>(plot.left() * dpr), static_cast<int>(plot.top() * dpr)),
                QPoint(static_cast<int>((plot.right() + 1) * dpr) - 1,
                       static_cast<int>((plot.bottom() + 1) * dpr) - 1));
            scrollRows(kept.image, device, static_cast<int>(s * dpr));
            strips.push_back(s > 0 ? QRect(plot.left(), plot.top(), s, plot.height())
                                   : QRect(plot.right() + 1 + s, plot.top(), -s, plot.height()));
        }
        if (changed != core::kOpenEnd) {
            // From a pixel before the first change, to the right edge.
            const auto x = static_cast<int>(
                std::clamp<std::int64_t>(layout.pixelAt(changed) - 1, plot.left(), plot.right() + 1));
            if (x <= plot.right())
                strips.push_back(QRect(x, plot.top(), plot.right() + 1 - x, plot.height()));
        }
    }
    int columns = 0;
    if (!strips.empty()) {
        QPainter p(&kept.image);
        for (const QRect &strip : strips) {
            paintTimelineTracks(p, *m_model, layout, options, strip);
            columns += strip.width();
        }
    }
    m_tracksPainted = {whole, static_cast<int>(shift), columns};
    kept.valid = true;
    kept.model = m_model;
    kept.revision = m_model->revision();
    kept.layout = layout;
    kept.options = options;
    const QRectF source(plot.left() * dpr, plot.top() * dpr, plot.width() * dpr, plot.height() * dpr);
    painter.drawImage(QRectF(plot), kept.image, source);
}

void TimelineWidget::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ShiftModifier) {
        const int steps = (delta.y() != 0 ? delta.y() : delta.x()) / 120;
        setFirstRow(m_firstRow - (steps != 0 ? steps : (delta.y() > 0 ? 1 : -1)));
    } else if (std::abs(delta.x()) > std::abs(delta.y())) {
        panByPixels(delta.x() / 2.0);
    } else if (delta.y() != 0) {
        zoomAt(std::pow(kZoomStep, delta.y() / 120.0), event->position().x());
    }
    event->accept();
}

void TimelineWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragLast = event->position().toPoint();
        m_dragRows = 0;
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void TimelineWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging) {
        QWidget::mouseMoveEvent(event);
        return;
    }
    const QPoint pos = event->position().toPoint();
    const QPoint delta = pos - m_dragLast;
    m_dragLast = pos;
    if (delta.x() != 0)
        panByPixels(delta.x());
    const TimelineLayout layout = currentLayout();
    if (layout.laneHeight > 0 && delta.y() != 0) {
        m_dragRows += delta.y() / layout.laneHeight;
        const int whole = static_cast<int>(m_dragRows);
        if (whole != 0) {
            m_dragRows -= whole;
            setFirstRow(m_firstRow - whole);
        }
    }
    event->accept();
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging && event->button() == Qt::LeftButton) {
        m_dragging = false;
        unsetCursor();
        event->accept();
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    // Double-click zooms in around the point, Shift+double-click out.
    zoomAt(event->modifiers() & Qt::ShiftModifier ? 1 / 2.0 : 2.0, event->position().x());
    event->accept();
}

void TimelineWidget::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    case Qt::Key_Left: panByPixels(currentLayout().plotRect.width() / 8); break;
    case Qt::Key_Right: panByPixels(-currentLayout().plotRect.width() / 8); break;
    case Qt::Key_Up: setFirstRow(m_firstRow - 1); break;
    case Qt::Key_Down: setFirstRow(m_firstRow + 1); break;
    case Qt::Key_PageUp: setFirstRow(m_firstRow - std::max(1, visibleRowCount() - 1)); break;
    case Qt::Key_PageDown: setFirstRow(m_firstRow + std::max(1, visibleRowCount() - 1)); break;
    default: QWidget::keyPressEvent(event); return;
    }
    event->accept();
}

bool TimelineWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace forkscope::ui
