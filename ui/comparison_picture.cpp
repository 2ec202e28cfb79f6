#include "ui/comparison_picture.hpp"

#include "core/analysis/comparison.hpp"
#include "core/analysis/headline.hpp"
#include "core/scenario/scenarios.hpp"
#include "ui/compare_fold.hpp"
#include "ui/timeline/paint_kit.hpp"

#include <QFont>
#include <QFontMetricsF>
#include <QObject>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

namespace {

QString qs(const std::string &text) { return QString::fromStdString(text); }

QFont styleFont(const ComparisonStyle &style, int pixelSize, bool bold)
{
    QFont font(style.fontFamily);
    font.setPixelSize(pixelSize);
    font.setBold(bold);
    return font;
}

/// The band's label line: "processes · 2.0 s" (or how the run ended when it did not finish).
QString bandTitle(const Comparison &comparison, std::size_t i)
{
    const core::RunResult &r = comparison.runs[i].result;
    QString time = qs(core::formatDuration(r.wallNs));
    if (r.failed())
        time = QObject::tr("failed");
    else if (r.cancelled)
        time = QObject::tr("stopped after %1").arg(time);
    return QStringLiteral("%1 · %2").arg(comparison.labels[i], time);
}

double labelLineHeight(const ComparisonStyle &style)
{
    return std::ceil(std::max(QFontMetricsF(styleFont(style, style.labelPixelSize, true)).height(),
                              QFontMetricsF(styleFont(style, style.runHeadlinePixelSize, false)).height()))
        + 4;
}

/// One band while the layout decides how far to fold it.
struct BandPlan {
    std::vector<LaneFamily> families;
    FoldLevels levels;
    std::shared_ptr<const TimelineModel> model;
    PaintOptions options;
    TimelineMetrics metrics;
    int lanes = 0;
    double rowsHeight = 0; ///< its rows at the minimum lane height
    double fixed = 0;      ///< everything but its lanes: label line, margins, axis, headers, queues, legend
};

/// Measures `band`'s model: its rows and the height of everything but its lanes.
void measureBand(BandPlan &band, double width, double labelLine, const ComparisonStyle &style)
{
    const QRectF probe(0, 0, width, 1000);
    band.metrics = measureTimeline(*band.model, probe, band.options);
    band.lanes = 0;
    double rowsFixed = 0;
    for (const DisplayRow &row : displayRows(*band.model)) {
        if (row.kind == DisplayRow::Kind::Lane)
            ++band.lanes;
        else
            rowsFixed += row.kind == DisplayRow::Kind::Header ? band.metrics.headerHeight
                                                              : std::ceil(band.metrics.headerHeight * 1.6);
    }
    band.fixed = labelLine + 2 * timeline::marginOf(band.options) + band.metrics.axisHeight + rowsFixed
        + (band.metrics.legendHeight > 0 ? band.metrics.legendHeight + timeline::kGap : 0) + 1;
    band.rowsHeight = rowsFixed + band.lanes * style.minLaneHeight;
}

/// Folds one more step in `band`: the family whose next level saves the most rows. False if none can.
bool foldFurther(BandPlan &band, const PastRun &run)
{
    int best = -1;
    int bestSaving = 0;
    for (std::size_t f = 0; f < band.families.size(); ++f) {
        const LaneFamily &family = band.families[f];
        const int level = band.levels[f];
        if (level >= family.maxLevel())
            continue;
        const bool processes = run.model->lane(family.lanes.front()).info.kind == core::WorkerKind::Process;
        const int saving = family.rowsAt(level, processes) - family.rowsAt(level + 1, processes);
        if (saving > bestSaving) {
            bestSaving = saving;
            best = static_cast<int>(f);
        }
    }
    if (best < 0)
        return false;
    // A family that level 1 would leave as it is (under four lanes) folds whole at once.
    auto &level = band.levels[static_cast<std::size_t>(best)];
    level = band.families[static_cast<std::size_t>(best)].lanes.size() < 4 ? 2 : level + 1;
    band.model = std::make_shared<const TimelineModel>(
        foldedModel(run.result, *run.events, band.families, band.levels, run.model->title()));
    return true;
}

} // namespace

PastRun makePastRun(const core::RunResult &result, std::vector<core::Event> events,
                    std::map<std::string, std::string> params, const std::string &headline)
{
    std::vector<core::LaneInfo> lanes;
    for (const core::LaneOutcome &lane : result.lanes)
        lanes.push_back(lane.info);
    auto model = std::make_shared<TimelineModel>(lanes);
    model->appendEvents(events);
    model->finish(result);
    return makePastRun(result, std::make_shared<const std::vector<core::Event>>(std::move(events)),
                       std::move(model), std::move(params), headline);
}

PastRun makePastRun(const core::RunResult &result, std::shared_ptr<const std::vector<core::Event>> events,
                    std::shared_ptr<const TimelineModel> model, std::map<std::string, std::string> params,
                    const std::string &headline)
{
    PastRun run;
    // The parameters in the order the scenario declares them, as the parameters panel shows them.
    QStringList parts;
    if (const core::Scenario *scenario = core::findScenario(result.scenario)) {
        for (const core::ParamSpec &spec : scenario->params)
            if (const auto it = params.find(spec.name); it != params.end() && spec.name != "time-scale")
                parts << qs(spec.name + " " + it->second);
    } else {
        for (const auto &[name, value] : params)
            if (name != "time-scale")
                parts << qs(name + " " + value);
    }
    run.label = parts.join(QStringLiteral(", "));
    run.params = std::move(params);
    run.headline = qs(headline);
    run.result = result;
    run.model = std::move(model);
    run.events = std::move(events);
    return run;
}

Comparison makeComparison(std::vector<PastRun> runs)
{
    Comparison comparison;
    if (runs.empty())
        return comparison;
    std::vector<std::map<std::string, std::string>> params;
    for (const PastRun &run : runs)
        params.push_back(run.params);
    const std::vector<std::string> labels = core::differenceLabels(params);
    std::vector<core::ComparedRun> compared;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const core::RunResult &r = runs[i].result;
        compared.push_back({labels[i], r.wallNs, r.failed(), r.cancelled});
        comparison.labels.push_back(runs.size() == 1 ? runs[i].label : qs(labels[i]));
    }
    comparison.headline = runs.size() == 1 ? runs.front().headline : qs(core::comparisonHeadline(compared));
    comparison.caption = qs(core::comparisonCaption(runs.front().result.scenario, params));
    comparison.runs = std::move(runs);
    return comparison;
}

ComparisonStyle ComparisonStyle::slide(bool dark)
{
    ComparisonStyle style;
    style.theme = dark ? Theme::dark() : Theme::light();
    return style;
}

ComparisonStyle ComparisonStyle::screen(const Theme &theme)
{
    ComparisonStyle style;
    style.theme = theme;
    style.headlinePixelSize = 20;
    style.captionPixelSize = 13;
    style.labelPixelSize = 15;
    style.runHeadlinePixelSize = 13;
    style.timelinePixelSize = 12;
    style.minLaneHeight = 16; // a 12-pixel name still reads
    style.maxLaneHeight = 40;
    style.margin = 10;
    return style;
}

ComparisonLayout layoutComparison(const Comparison &comparison, const QRectF &rect,
                                  const ComparisonStyle &style)
{
    ComparisonLayout layout;
    layout.bounds = rect;
    const double left = rect.left() + style.margin;
    const double width = std::max(1.0, rect.width() - 2 * style.margin);
    double top = rect.top() + style.margin;
    if (!comparison.headline.isEmpty()) {
        const QFontMetricsF fm(styleFont(style, style.headlinePixelSize, true));
        const QRectF wrapped
            = fm.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, comparison.headline);
        layout.headlineRect = QRectF(left, top, width, std::ceil(wrapped.height()));
        top = layout.headlineRect.bottom() + 2;
    }
    if (!comparison.caption.isEmpty()) {
        const QFontMetricsF fm(styleFont(style, style.captionPixelSize, false));
        layout.captionRect = QRectF(left, top, width, std::ceil(fm.height()));
        top = layout.captionRect.bottom();
    }
    top += timeline::kGap;
    if (comparison.runs.empty())
        return layout;

    // One window for every band, from main's start to the end of the longest run, so lengths compare.
    std::int64_t longest = 1;
    for (const PastRun &run : comparison.runs)
        longest = std::max({longest, run.model->now(), run.result.wallNs});
    const std::int64_t pad = std::max<std::int64_t>(longest / 50, 1);
    layout.window = {-pad, longest + pad};

    // The timeline painter works inside its own margin: offset it so its label column lines up with the
    // headline's left edge.
    const double timelineLeft = left - timeline::marginOf(PaintOptions{});
    const double timelineWidth = width + 2 * timeline::marginOf(PaintOptions{});
    const double labelLine = labelLineHeight(style);
    std::vector<BandPlan> bands(comparison.runs.size());
    for (std::size_t i = 0; i < bands.size(); ++i) {
        BandPlan &band = bands[i];
        const PastRun &run = comparison.runs[i];
        band.model = run.model;
        if (run.events)
            band.families = alikeFamilies(*run.model);
        band.levels.assign(band.families.size(), 0);
        PaintOptions &o = band.options;
        o.theme = style.theme;
        o.window = layout.window;
        o.fontFamily = style.fontFamily;
        o.fontPixelSize = style.timelinePixelSize;
        o.minLaneHeight = style.minLaneHeight;
        o.maxLaneHeight = style.maxLaneHeight;
        o.legend = i + 1 == bands.size(); // one legend, under the last band, for every band
        // Naming what the bands show, as a slide's legend does: a run whose threads took the GIL for
        // microseconds has no strip to find (a lecturer shown this picture looked for it).
        o.exactLegend = true;
        if (o.legend)
            for (std::size_t other = 0; other + 1 < bands.size(); ++other)
                o.legendAlso.push_back(comparison.runs[other].model);
        o.showNow = false;
        measureBand(band, timelineWidth, labelLine, style);
    }

    // Fold alike lanes until every lane has its minimum height, the band with the most rows first.
    const double available = std::max(0.0, rect.bottom() - style.margin - top);
    const auto needed = [&] {
        double total = 0;
        for (const BandPlan &band : bands)
            total += band.fixed + band.lanes * style.minLaneHeight;
        return total;
    };
    while (needed() > available) {
        std::vector<std::size_t> order(bands.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return bands[a].rowsHeight > bands[b].rowsHeight;
        });
        bool folded = false;
        for (const std::size_t i : order) {
            if (foldFurther(bands[i], comparison.runs[i])) {
                measureBand(bands[i], timelineWidth, labelLine, style);
                folded = true;
                break;
            }
        }
        if (!folded)
            break;
    }

    // Lanes are equally tall in every band; one label column width for all, so a time has one x.
    double fixed = 0;
    int lanes = 0;
    double labelWidth = 0;
    for (const BandPlan &band : bands) {
        fixed += band.fixed;
        lanes += band.lanes;
        labelWidth = std::max(labelWidth, band.metrics.labelWidth);
    }
    const double share = lanes > 0 ? std::floor((available - fixed) / lanes) : style.maxLaneHeight;
    layout.laneHeight = std::clamp(share, 6.0, static_cast<double>(style.maxLaneHeight));
    layout.complete = layout.laneHeight >= style.minLaneHeight;

    for (std::size_t i = 0; i < bands.size(); ++i) {
        BandPlan &plan = bands[i];
        ComparisonBand band;
        const double height = plan.fixed + plan.lanes * layout.laneHeight;
        band.rect = QRectF(rect.left(), top, rect.width(), height);
        band.labelRect = QRectF(left, top, width, labelLine);
        band.timelineRect = QRectF(timelineLeft, top + labelLine, timelineWidth, height - labelLine);
        band.model = plan.model;
        band.options = plan.options;
        band.options.labelWidth = static_cast<int>(std::ceil(labelWidth));
        band.options.laneHeight = static_cast<int>(layout.laneHeight);
        TimelineMetrics metrics = plan.metrics;
        metrics.labelWidth = band.options.labelWidth;
        band.timeline = arrangeTimeline(*band.model, band.timelineRect, band.options, metrics);
        band.foldedLanes = foldedLaneCount(plan.families, plan.levels);
        layout.bands.push_back(std::move(band));
        top += height;
    }
    return layout;
}

void paintComparison(QPainter &painter, const Comparison &comparison, const ComparisonLayout &layout,
                     const ComparisonStyle &style)
{
    const Theme &theme = style.theme;
    painter.save();
    painter.fillRect(layout.bounds, theme.background);
    if (!layout.headlineRect.isEmpty()) {
        painter.setFont(styleFont(style, style.headlinePixelSize, true));
        painter.setPen(theme.text);
        painter.drawText(layout.headlineRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                         comparison.headline);
    }
    if (!layout.captionRect.isEmpty()) {
        const QFont font = styleFont(style, style.captionPixelSize, false);
        painter.setFont(font);
        painter.setPen(theme.mutedText);
        painter.drawText(
            layout.captionRect, Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetricsF(font).elidedText(comparison.caption, Qt::ElideRight, layout.captionRect.width()));
    }
    if (comparison.runs.empty()) {
        painter.setFont(styleFont(style, style.captionPixelSize, false));
        painter.setPen(theme.mutedText);
        painter.drawText(layout.bounds, Qt::AlignCenter,
                         QObject::tr("Run this scenario with different parameters:\n"
                                     "its finished runs are listed here; tick two or three to compare them "
                                     "on one time axis."));
        painter.restore();
        return;
    }
    const QFont labelFont = styleFont(style, style.labelPixelSize, true);
    const QFont headlineFont = styleFont(style, style.runHeadlinePixelSize, false);
    for (std::size_t i = 0; i < layout.bands.size(); ++i) {
        const ComparisonBand &band = layout.bands[i];
        if (i > 0) {
            painter.setPen(QPen(theme.grid, 2));
            painter.drawLine(QPointF(band.rect.left(), band.rect.top()),
                             QPointF(band.rect.right(), band.rect.top()));
        }
        const QString title = bandTitle(comparison, i);
        painter.setFont(labelFont);
        painter.setPen(theme.text);
        const double titleWidth
            = std::min(QFontMetricsF(labelFont).horizontalAdvance(title), band.labelRect.width());
        painter.drawText(
            QRectF(band.labelRect.left(), band.labelRect.top(), titleWidth, band.labelRect.height()),
            Qt::AlignLeft | Qt::AlignVCenter, title);
        const double gap = style.runHeadlinePixelSize;
        const QRectF rest(band.labelRect.left() + titleWidth + gap, band.labelRect.top(),
                          std::max(0.0, band.labelRect.width() - titleWidth - gap), band.labelRect.height());
        if (rest.width() > 4 * gap) {
            painter.setFont(headlineFont);
            painter.setPen(theme.mutedText);
            painter.drawText(rest, Qt::AlignLeft | Qt::AlignVCenter,
                             QFontMetricsF(headlineFont)
                                 .elidedText(comparison.runs[i].headline, Qt::ElideRight, rest.width()));
        }
        painter.save();
        paintTimeline(painter, *band.model, band.timeline, band.options);
        painter.restore();
    }
    painter.restore();
}

PictureSpec comparisonSpec(const Comparison &comparison, QSize size, int scale, bool dark)
{
    return {size, scale, comparison.headline, ComparisonStyle::slide(dark).theme.background};
}

PicturePainter comparisonPainter(const Comparison &comparison, bool dark)
{
    return [comparison, dark](QPainter &painter, const QRectF &rect) {
        paintComparison(painter, comparison, rect, ComparisonStyle::slide(dark));
    };
}

bool exportComparison(const QString &path, const Comparison &comparison, QSize size, int scale, bool dark,
                      QString *error)
{
    return exportPicture(path, comparisonSpec(comparison, size, scale, dark),
                         comparisonPainter(comparison, dark), error);
}

} // namespace forkscope::ui
