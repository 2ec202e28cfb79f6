// Exports: PNG at every preset size and scale, SVG and PDF that parse, and failures that leave no file.

#include "render_fixture.hpp"
#include "ui/exporter.hpp"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <ostream>

#include <unistd.h>

namespace fs = forkscope::ui;
using forkscope::test::kMs;
using forkscope::test::pixelAt;

namespace {

class ExporterTest : public ::testing::Test {
protected:
    QString path(const QString &name) const { return dir.filePath(name); }

    QTemporaryDir dir;
    forkscope::test::ExampleRun run = forkscope::test::tenProcessesOneCrash();
    fs::TimelineModel model = forkscope::test::finishedModel(run);
};

struct PngCase {
    QSize size;
    int scale;
};

void PrintTo(const PngCase &c, std::ostream *os)
{
    *os << c.size.width() << "x" << c.size.height() << " at " << c.scale << "x";
}

class PngExport : public ExporterTest, public ::testing::WithParamInterface<PngCase> { };

TEST_P(PngExport, HasRequestedPixelSize)
{
    ASSERT_TRUE(dir.isValid());
    const PngCase c = GetParam();
    fs::ExportOptions options;
    options.size = c.size;
    options.scale = c.scale;
    options.title = QStringLiteral("export test");
    QString error;
    const QString file = path(QStringLiteral("timeline.png"));
    ASSERT_TRUE(fs::exportTimeline(model, file, options, &error)) << error.toStdString();
    QImage image;
    ASSERT_TRUE(image.load(file));
    EXPECT_EQ(image.size(), c.size * c.scale);

    // The picture scales rather than shrinks: a bar sits at the same logical place whatever the scale.
    const fs::PaintOptions paint = fs::exportPaintOptions(model, options);
    const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(QPointF(0, 0), QSizeF(c.size)), paint);
    const double x = layout.timeToX(500 * kMs) * c.scale;
    const double y = (layout.laneCenterY(1) + 8) * c.scale;
    EXPECT_EQ(pixelAt(image, x, y), paint.theme.stateColor(fs::BarState::Sleeping));
    EXPECT_EQ(pixelAt(image, 2, c.size.height() * c.scale - 2), paint.theme.background);
}

INSTANTIATE_TEST_SUITE_P(Presets, PngExport,
                         ::testing::Values(PngCase{fs::kExportSizeWide, 1}, PngCase{fs::kExportSizeWide, 2},
                                           PngCase{fs::kExportSizeClassic, 1},
                                           PngCase{fs::kExportSizeClassic, 3}),
                         [](const ::testing::TestParamInfo<PngCase> &param) {
                             return std::to_string(param.param.size.width()) + "x"
                                 + std::to_string(param.param.size.height()) + "_at_"
                                 + std::to_string(param.param.scale) + "x";
                         });

TEST_F(ExporterTest, RenderedImageCarriesDevicePixelRatio)
{
    fs::ExportOptions options;
    options.scale = 2;
    const QImage image = fs::renderTimelineImage(model, options);
    EXPECT_EQ(image.size(), QSize(3840, 2160));
    EXPECT_DOUBLE_EQ(image.devicePixelRatio(), 2.0);
}

TEST_F(ExporterTest, SvgParses)
{
    const QString file = path(QStringLiteral("timeline.svg"));
    fs::ExportOptions options;
    options.title = QStringLiteral("svg test");
    QString error;
    ASSERT_TRUE(fs::exportTimeline(model, file, options, &error)) << error.toStdString();
    QSvgRenderer renderer(file);
    ASSERT_TRUE(renderer.isValid());
    EXPECT_EQ(renderer.viewBox(), QRect(0, 0, 1920, 1080));
    QFile svg(file);
    ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    EXPECT_TRUE(text.contains("DejaVu Sans")) << "an explicit font family, not \"Sans Serif\"";
    EXPECT_TRUE(text.contains("worker 7"));
    EXPECT_TRUE(text.contains("SIGSEGV"));
}

TEST_F(ExporterTest, PdfHasOnePageOfThePictureSize)
{
    const QString file = path(QStringLiteral("timeline.pdf"));
    fs::ExportOptions options;
    options.size = fs::kExportSizeClassic;
    QString error;
    ASSERT_TRUE(fs::exportTimeline(model, file, options, &error)) << error.toStdString();
    QFile pdf(file);
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdf.readAll();
    EXPECT_TRUE(bytes.startsWith("%PDF-"));
    EXPECT_TRUE(bytes.trimmed().endsWith("%%EOF"));
    // 1600×1200 px at 96 dpi is 1200×900 pt, on a single page.
    const QRegularExpression mediaBox(QStringLiteral(R"(/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\])"));
    const QRegularExpressionMatch match = mediaBox.match(QString::fromLatin1(bytes));
    ASSERT_TRUE(match.hasMatch());
    EXPECT_DOUBLE_EQ(match.captured(1).toDouble(), 1200.0);
    EXPECT_DOUBLE_EQ(match.captured(2).toDouble(), 900.0);
    EXPECT_EQ(QString::fromLatin1(bytes).count(mediaBox), 1);
}

TEST_F(ExporterTest, CurrentViewExportsThatWindowOnly)
{
    fs::PaintOptions view;
    view.window = {900 * kMs, 1000 * kMs};
    view.firstRow = 0;
    const fs::ExportOptions options = fs::ExportOptions::forView(view, QSize(800, 600));
    const QImage image = fs::renderTimelineImage(model, options);
    const fs::PaintOptions paint = fs::exportPaintOptions(model, options);
    EXPECT_EQ(paint.window, view.window);
    const fs::TimelineLayout layout = fs::layoutTimeline(model, QRectF(0, 0, 800, 600), paint);
    // Worker 3 ends at about 921 ms: sleeping at the left edge, background at the right.
    const double y = layout.laneCenterY(3) + 8;
    EXPECT_EQ(pixelAt(image, layout.plotRect.left() + 3, y), paint.theme.stateColor(fs::BarState::Sleeping));
    // A slide has no process headers, so lanes alternate their shading down the whole list.
    const QColor after = pixelAt(image, layout.plotRect.right() - 3, y);
    EXPECT_TRUE(after == paint.theme.background || after == paint.theme.alternateRow)
        << after.name().toStdString();
}

TEST_F(ExporterTest, UnknownExtensionIsRefused)
{
    const QString file = path(QStringLiteral("timeline.bmp"));
    QString error;
    EXPECT_FALSE(fs::exportTimeline(model, file, {}, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("unknown extension"))) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral(".png"))) << error.toStdString();
    EXPECT_FALSE(QFile::exists(file));
    EXPECT_FALSE(fs::exportTimeline(model, path(QStringLiteral("timeline")), {}, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("no extension"))) << error.toStdString();
}

TEST_F(ExporterTest, MissingFolderIsReported)
{
    const QString file = path(QStringLiteral("no/such/folder/timeline.png"));
    QString error;
    EXPECT_FALSE(fs::exportTimeline(model, file, {}, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("does not exist"))) << error.toStdString();
    EXPECT_FALSE(QFile::exists(file));
}

TEST_F(ExporterTest, UnwritableFolderLeavesNoFile)
{
    QString folder;
    if (geteuid() == 0) {
        folder = QStringLiteral("/proc"); // root may write anywhere a mode allows; /proc takes no new files
    } else {
        folder = path(QStringLiteral("locked"));
        ASSERT_TRUE(QDir().mkpath(folder));
        ASSERT_TRUE(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
    }
    const QString file = folder + QStringLiteral("/forkscope-timeline.pdf");
    QString error;
    EXPECT_FALSE(fs::exportTimeline(model, file, {}, &error));
    EXPECT_TRUE(error.startsWith(QStringLiteral("Cannot write"))) << error.toStdString();
    EXPECT_FALSE(QFile::exists(file));
    if (geteuid() != 0) {
        EXPECT_TRUE(QDir(folder).entryList(QDir::Files | QDir::Hidden).isEmpty()) << "no temporary left";
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
}

TEST_F(ExporterTest, FailedExportKeepsTheOldFile)
{
    const QString file = path(QStringLiteral("keep.png"));
    {
        QFile old(file);
        ASSERT_TRUE(old.open(QIODevice::WriteOnly));
        old.write("old contents");
    }
    fs::ExportOptions options;
    options.scale = 5;
    QString error;
    EXPECT_FALSE(fs::exportTimeline(model, file, options, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("scale"))) << error.toStdString();
    QFile old(file);
    ASSERT_TRUE(old.open(QIODevice::ReadOnly));
    EXPECT_EQ(old.readAll(), QByteArray("old contents"));
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1) << "no temporary left";
}

TEST_F(ExporterTest, DirectoryPathIsRefused)
{
    QString error;
    ASSERT_TRUE(QDir(dir.path()).mkdir(QStringLiteral("folder.svg")));
    EXPECT_FALSE(fs::exportTimeline(model, path(QStringLiteral("folder.svg")), {}, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("folder"))) << error.toStdString();
}

TEST(ExportFormat, FromExtension)
{
    EXPECT_EQ(fs::exportFormatForPath(QStringLiteral("a/b.PNG")), fs::ExportFormat::Png);
    EXPECT_EQ(fs::exportFormatForPath(QStringLiteral("b.svg")), fs::ExportFormat::Svg);
    EXPECT_EQ(fs::exportFormatForPath(QStringLiteral("b.Pdf")), fs::ExportFormat::Pdf);
    EXPECT_FALSE(fs::exportFormatForPath(QStringLiteral("b.jpeg")).has_value());
    EXPECT_FALSE(fs::exportFormatForPath(QStringLiteral("png")).has_value());
}

} // namespace
