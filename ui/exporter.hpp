#pragma once

// Timeline exports: PNG (1x/2x/3x), SVG and PDF, painted by the same code as the screen.

#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QSize>
#include <QString>

#include <algorithm>
#include <functional>
#include <optional>

namespace forkscope::ui {

enum class ExportFormat { Png, Svg, Pdf };

/// The format a file name asks for by its extension (case-insensitive), none when unknown.
std::optional<ExportFormat> exportFormatForPath(const QString &path);

/// Size presets, in logical pixels.
inline constexpr QSize kExportSizeWide{1920, 1080};
inline constexpr QSize kExportSizeClassic{1600, 1200};

struct ExportOptions {
    QSize size = kExportSizeWide;    ///< logical pixels (SVG view box; PDF page at 96 dpi)
    int scale = 1;                   ///< PNG only: 1, 2 or 3 — the image has size × scale pixels
    QString title;                   ///< the file's title; drawn at the top when there is no headline
    QString headline;                ///< the run's lesson (core::headline): the slide's title, large
    QString caption;                 ///< the scenario and its parameters (core::caption), small beneath it
    std::vector<LaneResult> results; ///< per lane, drawn large at its end (laneResults)
    bool dark = false;               ///< a slide is light unless asked for dark, whatever the window's theme
    bool legend = true;
    /// Process headers, pids and tids, printed lines beside their markers (`--details`).
    bool details = false;
    /// Slide typography (slideOptions): type and lanes scaled to the frame, alike lanes folded. Off: the
    /// window's look at fontPixelSize.
    bool slide = true;
    std::optional<TimeWindow> window; ///< none: the whole run
    int firstRow = 0;                 ///< display rows to show: the window's rows (displayRows with headers)
    int rowCount = -1;                ///< -1: all rows from firstRow
    int fontPixelSize = 14;

    /// The current view of a widget: its window, rows, title, headline and results, at this size; light,
    /// whatever the view's theme.
    static ExportOptions forView(const PaintOptions &view, QSize size = kExportSizeWide);
};

/// The paint options an export uses (window resolved against the model).
PaintOptions exportPaintOptions(const TimelineModel &model, const ExportOptions &options);

/// Any picture Forkscope exports: its logical size, PNG scale, title (file metadata) and background.
struct PictureSpec {
    QSize size = kExportSizeWide;
    int scale = 1;
    QString title;
    QColor background = Qt::white;
};

/// Paints a picture into `rect` (logical pixels) on whatever device the exporter chose.
using PicturePainter = std::function<void(QPainter &, const QRectF &)>;

/// Renders any picture to an image of size × scale pixels whose device pixel ratio is scale.
QImage renderPicture(const PictureSpec &spec, const PicturePainter &paint);

/// Writes any picture (timeline, comparison, chart) to `path` as PNG, SVG or PDF by its extension, whole or
/// not at all. On failure returns false and sets `error` to a sentence for the user.
bool exportPicture(const QString &path, const PictureSpec &spec, const PicturePainter &paint,
                   QString *error = nullptr);

/// Renders to an image of size × scale pixels whose device pixel ratio is scale.
QImage renderTimelineImage(const TimelineModel &model, const ExportOptions &options);

/// Writes the timeline to `path` in the format its extension names (.png, .svg, .pdf). The file appears
/// whole or not at all (written to a temporary beside it, then renamed). On failure returns false and
/// sets `error` to a sentence for the user.
bool exportTimeline(const TimelineModel &model, const QString &path, const ExportOptions &options,
                    QString *error = nullptr);

} // namespace forkscope::ui
