#pragma once

// A comparison picture: two or three runs of one scenario stacked on one shared time axis, under a headline
// with the ratio of their wall times ("processes 2.0 s · sequential 20 s: 10× faster"), each run labelled by
// what it differs in and its own headline in small. The Compare tab, its export and `forkscope run ID
// --compare ... --png` all draw through here; each run's band is the ordinary timeline painter, with alike
// lanes folded (ui/compare_fold.hpp) where the band would otherwise shrink its lanes below legibility.

#include "core/analysis/run_result.hpp"
#include "core/event.hpp"
#include "ui/exporter.hpp"
#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QRectF>
#include <QString>

#include <map>
#include <memory>
#include <string>
#include <vector>

class QPainter;

namespace forkscope::ui {

/// One finished run kept for comparison: the window's history, or one run of `--compare`.
struct PastRun {
    int number = 0;                            ///< the window's count of finished runs ("run 3"); 0 if none
    QString label;                             ///< all its parameters, for lists: "kind process, workers 10"
    std::map<std::string, std::string> params; ///< its parameters as run: runs are named by what differs
    QString headline;                          ///< its own lesson in one sentence
    core::RunResult result;                    ///< wall time, lanes and how they ended
    std::shared_ptr<const std::vector<core::Event>> events; ///< what folding rebuilds lanes from
    std::shared_ptr<const TimelineModel> model;             ///< the run as recorded
};

/// A PastRun of a finished run: its model is built from `events` and settled with `result`.
PastRun makePastRun(const core::RunResult &result, std::vector<core::Event> events,
                    std::map<std::string, std::string> params, const std::string &headline);
/// The same for a run whose events and finished model are kept already (the window's last run): shared, not
/// copied or built again.
PastRun makePastRun(const core::RunResult &result, std::shared_ptr<const std::vector<core::Event>> events,
                    std::shared_ptr<const TimelineModel> model, std::map<std::string, std::string> params,
                    const std::string &headline);

/// What a comparison picture shows.
struct Comparison {
    QString headline;            ///< the runs' wall times and their ratio
    QString caption;             ///< the scenario and what its runs share
    std::vector<QString> labels; ///< per run: what it differs in ("processes")
    std::vector<PastRun> runs;   ///< in the order they are stacked
};

/// The comparison of `runs`, stacked in this order: labels by the parameters they differ in, the headline
/// with the ratio of their wall times and the caption from core/analysis/comparison.hpp.
Comparison makeComparison(std::vector<PastRun> runs);

/// Text sizes and lane heights of a comparison picture, in pixels.
struct ComparisonStyle {
    Theme theme = Theme::light();
    QString fontFamily = QStringLiteral("DejaVu Sans");
    int headlinePixelSize = 44;    ///< the comparison's sentence (bold)
    int captionPixelSize = 24;     ///< what the runs share
    int labelPixelSize = 30;       ///< each run's label and wall time (bold)
    int runHeadlinePixelSize = 24; ///< each run's own sentence, beside its label
    int timelinePixelSize = 24;    ///< lane names and the axis; the timeline's small text is 2 pixels less
    int minLaneHeight = 34;        ///< below this a band folds alike lanes rather than shrink them
    int maxLaneHeight = 64;
    double margin = 16;

    /// For slides (1920×1080 or 1600×1200): no text under 22 pixels, the headline 44.
    static ComparisonStyle slide(bool dark);
    /// For the window: the screen's smaller sizes.
    static ComparisonStyle screen(const Theme &theme);
};

/// One run's band: its label line, then its timeline on the shared window.
struct ComparisonBand {
    QRectF rect;                                ///< the whole band
    QRectF labelRect;                           ///< the run's label, wall time and own headline
    QRectF timelineRect;                        ///< what the timeline painter fills
    std::shared_ptr<const TimelineModel> model; ///< the run, its alike lanes folded where needed
    PaintOptions options;
    TimelineLayout timeline;
    int foldedLanes = 0; ///< lanes drawn inside another lane's row
};

/// Where everything of a comparison picture goes.
struct ComparisonLayout {
    QRectF bounds;
    QRectF headlineRect;
    QRectF captionRect;
    TimeWindow window; ///< the one time window of every band: from 0 to the longest run
    std::vector<ComparisonBand> bands;
    double laneHeight = 0; ///< the same in every band
    bool complete = true;  ///< every lane has at least the style's minimum height
};

/// Lays out `comparison` in `rect`: the headline (wrapped), the caption, and one band per run, all bands on
/// one time window with one label column width, so a time is at the same x in every band. Lanes share the
/// height equally across bands; where they would fall below the style's minimum, alike lanes are folded,
/// the band with the most rows first.
ComparisonLayout layoutComparison(const Comparison &comparison, const QRectF &rect,
                                  const ComparisonStyle &style);

/// Paints a laid-out comparison (with nothing to compare, a hint on how to get runs here).
void paintComparison(QPainter &painter, const Comparison &comparison, const ComparisonLayout &layout,
                     const ComparisonStyle &style);

inline void paintComparison(QPainter &painter, const Comparison &comparison, const QRectF &rect,
                            const ComparisonStyle &style)
{
    paintComparison(painter, comparison, layoutComparison(comparison, rect, style), style);
}

/// The comparison drawn for slides at `size`, PNG `scale` 1–3, light or dark; for exportPicture.
PictureSpec comparisonSpec(const Comparison &comparison, QSize size, int scale, bool dark);
PicturePainter comparisonPainter(const Comparison &comparison, bool dark);

/// Writes the comparison as a slide (.png, .svg or .pdf by its extension), whole or not at all. On failure
/// returns false and sets `error` to a sentence for the user.
bool exportComparison(const QString &path, const Comparison &comparison, QSize size = kExportSizeWide,
                      int scale = 1, bool dark = false, QString *error = nullptr);

} // namespace forkscope::ui
