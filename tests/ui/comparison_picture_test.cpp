// The comparison picture: one time axis for every run, legible text on a slide, alike lanes folded rather
// than shrunk, and the ratio of the runs' wall times in its headline.

#include "core/analysis/comparison.hpp"
#include "core/analysis/headline.hpp"
#include "render_fixture.hpp"
#include "sleepers_runs.hpp"
#include "ui/comparison_picture.hpp"

#include <QPaintDevice>
#include <QPaintEngine>
#include <QPainter>
#include <QTemporaryDir>
#include <QTextItem>
#include <gtest/gtest.h>

#include <algorithm>

using namespace forkscope;
using namespace forkscope::ui;
using forkscope::test::kMillis;

namespace {

PastRun pastRun(const test::ExampleRun &run, const std::string &kind, int workers)
{
    return makePastRun(run.result, run.events, {{"kind", kind}, {"workers", std::to_string(workers)}},
                       kind + " headline of its own");
}

/// Ten sleepers of 0.2 s one after another and ten side by side: the two slides.
Comparison tenSleepers()
{
    return makeComparison({pastRun(test::sleepersRun("sequential", 10, 200 * kMillis), "sequential", 10),
                           pastRun(test::sleepersRun("process", 10, 200 * kMillis, kMillis), "process", 10)});
}

/// A paint device that draws nothing and notes every text drawn on it with its font's pixel size.
class TextRecorder : public QPaintDevice {
public:
    struct Text {
        QString text;
        double pixelSize = 0;
    };

    explicit TextRecorder(QSize size) : m_size(size), m_engine(this) { }
    QPaintEngine *paintEngine() const override { return &m_engine; }
    const std::vector<Text> &texts() const { return m_texts; }

protected:
    int metric(PaintDeviceMetric metric) const override
    {
        switch (metric) {
        case PdmWidth: return m_size.width();
        case PdmHeight: return m_size.height();
        case PdmDpiX:
        case PdmDpiY:
        case PdmPhysicalDpiX:
        case PdmPhysicalDpiY: return 96;
        case PdmDepth: return 32;
        case PdmNumColors: return 1 << 24;
        case PdmDevicePixelRatio: return 1;
        case PdmDevicePixelRatioScaled: return static_cast<int>(QPaintDevice::devicePixelRatioFScale());
        default: return QPaintDevice::metric(metric);
        }
    }

private:
    class Engine : public QPaintEngine {
    public:
        explicit Engine(TextRecorder *device) : QPaintEngine(AllFeatures), m_device(device) { }
        bool begin(QPaintDevice *) override { return true; }
        bool end() override { return true; }
        void updateState(const QPaintEngineState &) override { }
        void drawPixmap(const QRectF &, const QPixmap &, const QRectF &) override { }
        void drawPath(const QPainterPath &) override { }
        void drawPolygon(const QPointF *, int, PolygonDrawMode) override { }
        void drawTextItem(const QPointF &, const QTextItem &item) override
        {
            const QFont font = item.font();
            const double px = font.pixelSize() > 0 ? font.pixelSize() : font.pointSizeF() * 96 / 72;
            m_device->m_texts.push_back({item.text(), px});
        }
        Type type() const override { return User; }

    private:
        TextRecorder *m_device;
    };

    QSize m_size;
    mutable Engine m_engine;
    std::vector<Text> m_texts;
};

} // namespace

TEST(ComparisonPicture, TheHeadlineIsTheRatioOfTheRunsWallTimes)
{
    const Comparison comparison = tenSleepers();
    ASSERT_EQ(comparison.labels.size(), 2u);
    EXPECT_EQ(comparison.labels[0], QStringLiteral("sequential"));
    EXPECT_EQ(comparison.labels[1], QStringLiteral("processes"));
    const double ratio = static_cast<double>(comparison.runs[0].result.wallNs)
        / static_cast<double>(comparison.runs[1].result.wallNs);
    EXPECT_GT(ratio, 9.0);
    // Fastest first, each with its own wall time, and their ratio.
    const std::string expected = "processes " + core::formatDuration(comparison.runs[1].result.wallNs)
        + " · sequential " + core::formatDuration(comparison.runs[0].result.wallNs) + ": "
        + core::formatRatio(ratio) + " faster";
    EXPECT_EQ(comparison.headline.toStdString(), expected);
    EXPECT_EQ(core::formatRatio(ratio), "9.5×");
    EXPECT_EQ(comparison.caption, QStringLiteral("sleepers · workers 10"));
}

TEST(ComparisonPicture, TheSameTimeIsAtTheSameXInEveryBand)
{
    const Comparison comparison = tenSleepers();
    const QRectF slide(QPointF(0, 0), QSizeF(kExportSizeWide));
    const ComparisonStyle style = ComparisonStyle::slide(false);
    const ComparisonLayout layout = layoutComparison(comparison, slide, style);
    ASSERT_EQ(layout.bands.size(), 2u);
    const TimelineLayout &sequential = layout.bands[0].timeline;
    const TimelineLayout &processes = layout.bands[1].timeline;
    EXPECT_LE(sequential.plotRect.bottom(), processes.plotRect.top()) << "stacked, not overlapping";
    for (const std::int64_t t : {std::int64_t{0}, 200 * kMillis, 1000 * kMillis, 2000 * kMillis})
        EXPECT_DOUBLE_EQ(sequential.timeToX(t), processes.timeToX(t)) << t;
    EXPECT_GT(sequential.timeToX(2000 * kMillis) - sequential.timeToX(0), slide.width() * 0.6)
        << "the longest run spans most of the slide";

    // In the picture: worker 1 of both runs sleeps from 1 ms to 201 ms, so its sleeping bar ends at the same
    // column in both bands, where the axis says 201 ms is.
    const QImage image = renderPicture(comparisonSpec(comparison, kExportSizeWide, 1, false),
                                       comparisonPainter(comparison, false));
    const QColor sleeping = style.theme.stateColor(BarState::Sleeping);
    std::vector<int> ends;
    for (const ComparisonBand &band : layout.bands) {
        const int y = static_cast<int>(band.timeline.barBand(1, 0).center().y());
        int x = static_cast<int>(band.timeline.timeToX(100 * kMillis));
        ASSERT_EQ(image.pixelColor(x, y), sleeping) << "worker 1 sleeps at 100 ms";
        while (x + 1 < image.width() && image.pixelColor(x + 1, y) == sleeping)
            ++x;
        ends.push_back(x);
        // The end mark is drawn over the bar's last pixels.
        EXPECT_NEAR(x, band.timeline.timeToX(201 * kMillis), 4);
    }
    EXPECT_NEAR(ends[0], ends[1], 1);
    // The last sequential call sleeps 1.81-2.01 s: drawn there, far right of where every process had ended.
    const ComparisonBand &first = layout.bands[0];
    const auto lastLane = static_cast<std::uint32_t>(first.model->laneCount() - 1);
    ASSERT_EQ(first.model->lane(lastLane).info.name, "worker 10");
    // Near the bar's bottom edge: marker texts may cover its middle.
    const int lastRow = static_cast<int>(first.timeline.barBand(lastLane, 0).bottom()) - 3;
    EXPECT_EQ(image.pixelColor(static_cast<int>(first.timeline.timeToX(1900 * kMillis)), lastRow), sleeping);
    EXPECT_NE(image.pixelColor(static_cast<int>(first.timeline.timeToX(1700 * kMillis)), lastRow), sleeping);
}

TEST(ComparisonPicture, NoTextOnASlideIsSmallerThan22Pixels)
{
    for (std::size_t runs : {2u, 3u}) {
        std::vector<PastRun> past{
            pastRun(test::sleepersRun("sequential", 10, 200 * kMillis), "sequential", 10),
            pastRun(test::sleepersRun("process", 10, 200 * kMillis, kMillis), "process", 10)};
        if (runs == 3)
            past.push_back(pastRun(test::sleepersRun("thread", 10, 200 * kMillis), "thread", 10));
        const Comparison comparison = makeComparison(std::move(past));
        TextRecorder recorder(kExportSizeWide);
        {
            QPainter painter(&recorder);
            comparisonPainter(comparison, false)(painter, QRectF(QPointF(0, 0), QSizeF(kExportSizeWide)));
        }
        ASSERT_GT(recorder.texts().size(), 20u) << "lane names, axis ticks, labels and the legend";
        double headline = 0;
        for (const TextRecorder::Text &t : recorder.texts()) {
            EXPECT_GE(t.pixelSize, 22) << "'" << t.text.toStdString() << "'";
            if (comparison.headline.startsWith(t.text.left(12)))
                headline = std::max(headline, t.pixelSize);
        }
        EXPECT_GE(headline, 40) << "the headline is the slide's title";
    }
}

TEST(ComparisonPicture, OneLegendExplainsEveryBand)
{
    // Side by side first: only that run's main waits to join, so the legend under the last band (the
    // sequential run, which joins nothing) must still name the join wait.
    const Comparison comparison
        = makeComparison({pastRun(test::sleepersRun("process", 4, 200 * kMillis, kMillis), "process", 4),
                          pastRun(test::sleepersRun("sequential", 4, 200 * kMillis), "sequential", 4)});
    ASSERT_TRUE(comparison.runs[0].model->hasState(BarState::JoinWait));
    ASSERT_FALSE(comparison.runs[1].model->hasState(BarState::JoinWait));
    TextRecorder recorder(kExportSizeWide);
    {
        QPainter painter(&recorder);
        comparisonPainter(comparison, false)(painter, QRectF(QPointF(0, 0), QSizeF(kExportSizeWide)));
    }
    const auto drawn = [&](const char *text) {
        return std::count_if(recorder.texts().begin(), recorder.texts().end(),
                             [&](const TextRecorder::Text &t) { return t.text == QString::fromUtf8(text); });
    };
    EXPECT_EQ(drawn(barStateName(BarState::JoinWait)), 1) << "one legend, naming the first band's state too";
    EXPECT_EQ(drawn(barStateName(BarState::Sleeping)), 1) << "one legend for all bands";
}

TEST(ComparisonPicture, TheLegendNamesOnlyWhatTheBandsShow)
{
    // Threads that took the GIL for a microsecond at their start (memory-isolation's) beside processes: no
    // strip anyone could find, so the one legend does not name the GIL; 50 ms holds it does.
    const auto withGil = [](std::int64_t holdNs) {
        test::ExampleRun run = test::sleepersRun("thread", 3, 200 * kMillis);
        std::vector<core::Event> gil;
        for (const core::Event &e : run.events)
            if (e.type == core::EventType::WorkerStart && e.lane != 0) {
                gil.push_back(test::event(e.timeNs + 100, e.lane, core::EventType::GilRequest));
                gil.push_back(test::event(e.timeNs + 200, e.lane, core::EventType::GilAcquire, -1));
                gil.push_back(test::event(e.timeNs + 200 + holdNs, e.lane, core::EventType::GilRelease));
            }
        run.events.insert(run.events.end(), gil.begin(), gil.end());
        test::sortByTime(run.events);
        run.result = test::resultFor(run.lanes, run.events, "gil");
        return run;
    };
    const auto legendSays = [&](std::int64_t holdNs, const char *text) {
        const Comparison comparison
            = makeComparison({pastRun(test::sleepersRun("process", 3, 200 * kMillis, kMillis), "process", 3),
                              pastRun(withGil(holdNs), "thread", 3)});
        TextRecorder recorder(kExportSizeWide);
        {
            QPainter painter(&recorder);
            comparisonPainter(comparison, false)(painter, QRectF(QPointF(0, 0), QSizeF(kExportSizeWide)));
        }
        return std::any_of(recorder.texts().begin(), recorder.texts().end(),
                           [&](const TextRecorder::Text &t) { return t.text == QString::fromUtf8(text); });
    };
    EXPECT_FALSE(legendSays(1'000, "holds the GIL"));
    EXPECT_TRUE(legendSays(50 * kMillis, "holds the GIL"));
    EXPECT_TRUE(legendSays(1'000, "sleeping"));
}

TEST(ComparisonPicture, AlikeLanesFoldRatherThanShrink)
{
    // Three runs of ten workers each: 66 rows unfolded, which would leave each lane a few pixels.
    const Comparison comparison
        = makeComparison({pastRun(test::sleepersRun("sequential", 10, 200 * kMillis), "sequential", 10),
                          pastRun(test::sleepersRun("thread", 10, 200 * kMillis), "thread", 10),
                          pastRun(test::sleepersRun("process", 10, 200 * kMillis, kMillis), "process", 10)});
    const ComparisonStyle style = ComparisonStyle::slide(false);
    const ComparisonLayout layout
        = layoutComparison(comparison, QRectF(QPointF(0, 0), QSizeF(kExportSizeWide)), style);
    EXPECT_TRUE(layout.complete);
    EXPECT_GE(layout.laneHeight, style.minLaneHeight);
    int folded = 0;
    for (const ComparisonBand &band : layout.bands) {
        EXPECT_EQ(band.timeline.visibleRows, static_cast<int>(band.timeline.rows.size())) << "no row cut off";
        EXPECT_LE(band.rect.bottom(), 1080.5);
        folded += band.foldedLanes;
    }
    EXPECT_GT(folded, 0);
    // Every worker is still there, on its own row or in a row named for the lanes it holds.
    for (const ComparisonBand &band : layout.bands) {
        EXPECT_EQ(static_cast<int>(band.model->laneCount()) - 1 + band.foldedLanes, 10);
        for (const Lane &lane : band.model->lanes()) {
            if (lane.info.name.find("workers") == 0) {
                EXPECT_TRUE(lane.info.name.find(" alike") != std::string::npos
                            || lane.info.name.find(" in turn") != std::string::npos)
                    << lane.info.name;
            }
        }
    }
    // Two small runs need no folding at all.
    const Comparison small
        = makeComparison({pastRun(test::sleepersRun("sequential", 2, 200 * kMillis), "sequential", 2),
                          pastRun(test::sleepersRun("thread", 2, 200 * kMillis), "thread", 2)});
    for (const ComparisonBand &band :
         layoutComparison(small, QRectF(QPointF(0, 0), QSizeF(kExportSizeWide)), style).bands)
        EXPECT_EQ(band.foldedLanes, 0);
}

TEST(ComparisonPicture, ExportsAWholeSlide)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("compare.png"));
    QString error;
    ASSERT_TRUE(exportComparison(path, tenSleepers(), kExportSizeWide, 2, false, &error))
        << error.toStdString();
    EXPECT_EQ(QImage(path).size(), QSize(3840, 2160));
    EXPECT_FALSE(exportComparison(dir.filePath(QStringLiteral("compare.gif")), tenSleepers(), kExportSizeWide,
                                  1, false, &error));
}
