#include "ui/exporter.hpp"

#include "core/export/output_file.hpp"
#include "ui/timeline/slide.hpp"

#include <QDir>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace forkscope::ui {

namespace {

/// SVG and PDF are laid out at 96 pixels per inch, the screen's convention, so pixel sizes carry over.
constexpr int kDotsPerInch = 96;

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

QString describePath(const QString &path)
{
    return QStringLiteral("“%1”").arg(QDir::toNativeSeparators(path));
}

bool paintPng(const PictureSpec &spec, const PicturePainter &paint, QSaveFile &file)
{
    return renderPicture(spec, paint).save(&file, "PNG");
}

void paintSvg(const PictureSpec &spec, const PicturePainter &paint, QSaveFile &file)
{
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(spec.size);
    generator.setViewBox(QRect(QPoint(0, 0), spec.size));
    generator.setResolution(kDotsPerInch);
    generator.setTitle(spec.title.isEmpty() ? QStringLiteral("Forkscope") : spec.title);
    generator.setDescription(QStringLiteral("Exported by Forkscope"));
    QPainter painter(&generator);
    painter.fillRect(QRectF(QPointF(0, 0), QSizeF(spec.size)), spec.background);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(spec.size)));
}

bool paintPdf(const PictureSpec &spec, const PicturePainter &paint, QSaveFile &file)
{
    QPdfWriter writer(&file);
    writer.setResolution(kDotsPerInch);
    writer.setCreator(QStringLiteral("Forkscope"));
    writer.setTitle(spec.title.isEmpty() ? QStringLiteral("Forkscope") : spec.title);
    // One page exactly the picture's size: pixels at 96 dpi are 0.75 pt.
    const QSizeF points(spec.size.width() * 72.0 / kDotsPerInch, spec.size.height() * 72.0 / kDotsPerInch);
    const QPageSize pageSize(points, QPageSize::Point, QStringLiteral("Forkscope"), QPageSize::ExactMatch);
    if (!writer.setPageLayout(QPageLayout(pageSize, QPageLayout::Portrait, QMarginsF(0, 0, 0, 0))))
        return false;
    QPainter painter;
    if (!painter.begin(&writer))
        return false;
    // The page's device pixels may round differently from ours: map our pixels onto the page exactly.
    painter.scale(writer.width() / static_cast<double>(spec.size.width()),
                  writer.height() / static_cast<double>(spec.size.height()));
    painter.fillRect(QRectF(QPointF(0, 0), QSizeF(spec.size)), spec.background);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(spec.size)));
    return painter.end();
}

} // namespace

std::optional<ExportFormat> exportFormatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ExportFormat::Png;
    if (suffix == QLatin1String("svg"))
        return ExportFormat::Svg;
    if (suffix == QLatin1String("pdf"))
        return ExportFormat::Pdf;
    return std::nullopt;
}

ExportOptions ExportOptions::forView(const PaintOptions &view, QSize size)
{
    ExportOptions options;
    options.size = size;
    options.title = view.title;
    options.headline = view.headline;
    options.caption = view.caption;
    options.results = view.results;
    options.window = view.window;
    options.firstRow = view.firstRow;
    options.rowCount = view.rowCount;
    options.legend = true;
    // Not the view's theme: a slide is light unless dark is chosen for it.
    options.dark = false;
    return options;
}

namespace {

/// The rows [first, first + count) of the window's list (with process headers) as rows of a list without
/// them: the lanes and queue strips among them, from the first such row on. Sets `first` and `count`.
void dropHeaderRows(const TimelineModel &model, int &first, int &count)
{
    const std::vector<DisplayRow> withHeaders = displayRows(model, true);
    const int total = static_cast<int>(withHeaders.size());
    const int from = std::clamp(first, 0, total);
    const int to = count < 0 ? total : std::clamp(from + count, from, total);
    int before = 0;
    int inside = 0;
    for (int r = 0; r < to; ++r) {
        if (withHeaders[static_cast<std::size_t>(r)].kind == DisplayRow::Kind::Header)
            continue;
        (r < from ? before : inside)++;
    }
    first = before;
    count = count < 0 ? -1 : std::max(1, inside);
}

} // namespace

PaintOptions exportPaintOptions(const TimelineModel &model, const ExportOptions &options)
{
    PaintOptions paint;
    paint.theme = options.dark ? Theme::dark() : Theme::light();
    paint.window = options.window.value_or(fitWindow(model));
    paint.firstRow = options.firstRow;
    paint.rowCount = options.rowCount;
    paint.title = options.title;
    paint.headline = options.headline;
    paint.caption = options.caption;
    paint.results = options.results;
    paint.legend = options.legend;
    paint.showNow = model.live();
    paint.details = options.details || !options.slide;
    if (!paint.details)
        dropHeaderRows(model, paint.firstRow, paint.rowCount);
    paint.fontPixelSize = options.fontPixelSize;
    paint.minLaneHeight = 18;
    paint.maxLaneHeight = 64;
    if (options.slide)
        return slideOptions(model, QSizeF(options.size), std::move(paint));
    return paint;
}

QImage renderPicture(const PictureSpec &spec, const PicturePainter &paint)
{
    const int scale = std::clamp(spec.scale, 1, 3);
    // Physical pixels are size × scale; painting stays in logical pixels, so text and lines get sharper
    // rather than smaller.
    QImage image(spec.size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(spec.background);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(spec.size)));
    painter.end();
    return image;
}

namespace {

PictureSpec timelineSpec(const ExportOptions &options, const PaintOptions &paint)
{
    return {options.size, options.scale, options.headline.isEmpty() ? options.title : options.headline,
            paint.theme.background};
}

} // namespace

QImage renderTimelineImage(const TimelineModel &model, const ExportOptions &options)
{
    const PaintOptions paint = exportPaintOptions(model, options);
    return renderPicture(timelineSpec(options, paint), [&](QPainter &painter, const QRectF &rect) {
        paintTimeline(painter, model, rect, paint);
    });
}

bool exportTimeline(const TimelineModel &model, const QString &path, const ExportOptions &options,
                    QString *error)
{
    const PaintOptions paint = exportPaintOptions(model, options);
    return exportPicture(
        path, timelineSpec(options, paint),
        [&](QPainter &painter, const QRectF &rect) { paintTimeline(painter, model, rect, paint); }, error);
}

bool exportPicture(const QString &path, const PictureSpec &spec, const PicturePainter &paint, QString *error)
{
    const std::optional<ExportFormat> format = exportFormatForPath(path);
    if (!format) {
        const QString suffix = QFileInfo(path).suffix();
        setError(
            error,
            suffix.isEmpty()
                ? QStringLiteral("Cannot export to %1: the name has no extension; use .png, .svg or .pdf.")
                      .arg(describePath(path))
                : QStringLiteral("Cannot export to %1: unknown extension “.%2”; use .png, .svg or .pdf.")
                      .arg(describePath(path), suffix));
        return false;
    }
    if (spec.size.width() < 16 || spec.size.height() < 16 || spec.size.width() > 16384
        || spec.size.height() > 16384) {
        setError(
            error,
            QStringLiteral("Cannot export a %1×%2 picture: the size must be between 16 and 16384 pixels.")
                .arg(spec.size.width())
                .arg(spec.size.height()));
        return false;
    }
    if (spec.scale < 1 || spec.scale > 3) {
        setError(error, QStringLiteral("Cannot export at scale %1: use 1, 2 or 3.").arg(spec.scale));
        return false;
    }
    const QFileInfo info(path);
    if (info.exists() && !info.isDir()) {
        // Devices, pipes and sockets are refused (QSaveFile would replace them with a file).
        if (const std::string problem = core::checkOutputPath(path.toStdString()); !problem.empty()) {
            setError(error, QStringLiteral("Cannot export: %1.").arg(QString::fromStdString(problem)));
            return false;
        }
    }
    if (info.isDir()) {
        setError(error, QStringLiteral("Cannot export to %1: it is a folder.").arg(describePath(path)));
        return false;
    }
    if (!info.absoluteDir().exists()) {
        setError(error,
                 QStringLiteral("Cannot export to %1: the folder %2 does not exist.")
                     .arg(describePath(path), describePath(info.absolutePath())));
        return false;
    }

    // A symbolic link stays a link: its target is what gets replaced.
    QSaveFile file(info.isSymLink() ? info.canonicalFilePath() : path);
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, QStringLiteral("Cannot write %1: %2.").arg(describePath(path), file.errorString()));
        return false;
    }
    bool painted = true;
    switch (*format) {
    case ExportFormat::Png: painted = paintPng(spec, paint, file); break;
    case ExportFormat::Svg: paintSvg(spec, paint, file); break;
    case ExportFormat::Pdf: painted = paintPdf(spec, paint, file); break;
    }
    if (!painted) {
        file.cancelWriting();
        setError(
            error,
            QStringLiteral("Cannot write %1: the picture could not be encoded.").arg(describePath(path)));
        return false;
    }
    if (!file.commit()) {
        setError(error, QStringLiteral("Cannot write %1: %2.").arg(describePath(path), file.errorString()));
        return false;
    }
    return true;
}

} // namespace forkscope::ui
