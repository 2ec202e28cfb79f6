#pragma once

// What the caller asks of one timeline picture: theme, time window, rows, fonts and which parts to show.

#include "ui/time_axis.hpp"
#include "ui/timeline/theme.hpp"

#include <QString>

#include <memory>
#include <vector>

namespace forkscope::ui {

class TimelineModel;
/// What a lane came to, said at its end: a worker's final value ("a = 2"), main's result, or how it failed
/// ("exit 1 · IndexError: …", "killed by SIGSEGV"). See laneResults (ui/timeline/texts.hpp).
struct LaneResult {
    QString text;        ///< empty: nothing to say
    bool failed = false; ///< an exit code, an error or a signal: drawn in the crash colour
};

/// Where a paint's time went, pass by pass (milliseconds), for benchmarks: see PaintOptions::passTimes.
struct PassTimes {
    static constexpr int kCount = 10;
    static constexpr const char *kNames[kCount]
        = {"frame",   "tracks",       "row titles", "task labels", "arrows",
           "markers", "lost updates", "labels",     "results",     "legend"};
    double ms[kCount] = {};     ///< CPU time of the process (all its threads)
    double wallMs[kCount] = {}; ///< wall time
    int trackThreads = 0;       ///< how many threads drew the last frame's bars
};

/// What to draw and how.
struct PaintOptions {
    Theme theme = Theme::light();
    TimeWindow window{0, 1'000'000};
    int firstRow = 0;  ///< first display row (headers and lanes, see displayRows) at the top
    int rowCount = -1; ///< rows to show from firstRow; -1: as many as fit
    QString title;     ///< drawn above the axis when not empty (and no headline)
    /// The run's lesson in one sentence (core::headline), drawn large at the top instead of the title, and
    /// the scenario with its parameters (core::caption) small beneath it. Long ones wrap, then elide.
    QString headline;
    QString caption;
    /// Per lane (by index): its result, drawn large in a column right of the plot at the lane's end.
    std::vector<LaneResult> results;
    bool legend = true;
    /// Other models whose bar states, markers and arrows the legend lists too: the one legend of a
    /// comparison, under its last band, explains every band.
    std::vector<std::shared_ptr<const TimelineModel>> legendAlso;
    bool axis = true;
    bool showNow = true; ///< a line at the model's present while live
    /// Process header rows, pids and tids in the labels, printed lines beside their markers: what a
    /// working view wants and a slide does without (export's --details brings them back).
    bool details = true;
    /// When the rows from firstRow do not fit at minLaneHeight, runs of alike lanes ("worker 11" …
    /// "worker 200": same kind, same name but the number, same kind of ending) fold into one group row
    /// each, drawn as a band of thin lanes, instead of the picture dropping rows.
    bool foldLanes = false;
    /// The legend names only what the picture shows (bars, markers and arrows in the window and the rows
    /// drawn) rather than everything the run recorded: a pass over the visible lanes, for slides.
    bool exactLegend = false;
    QString fontFamily = QStringLiteral("DejaVu Sans");
    int fontPixelSize = 12;     ///< lane names, legend
    int smallFontPixelSize = 0; ///< axis, tags, details; 0: fontPixelSize - 2
    int titlePixelSize = 0;     ///< the headline or title (bold); 0: fontPixelSize × 1.5
    int captionPixelSize = 0;   ///< 0: the small size
    int resultPixelSize = 0;    ///< lane results (bold); 0: fontPixelSize
    int legendPixelSize = 0;    ///< 0: fontPixelSize
    int labelWidth = 0;         ///< 0: fit the labels
    int laneHeight = 0;         ///< 0: share the height between minLaneHeight and maxLaneHeight
    int minLaneHeight = 20;
    int maxLaneHeight = 40;
    double barInset = 0;  ///< between a lane's row edge and its outermost bars; 0: 3 pixels
    double glyphSize = 0; ///< a marker's half-height at most; 0: 9 pixels
    double margin = 0;    ///< around the whole picture; 0: 8 pixels
    /// When set, each pass's time is added to it (a benchmark's per-pass timer; nothing else reads it).
    PassTimes *passTimes = nullptr;
    /// Whether passes may draw from the model's level-of-detail summaries (per lane, per pixel) where they
    /// give the same picture as walking every event; off only for tests that compare the two.
    bool levelOfDetail = true;
    /// Threads the bars of a frame with many in sight may be drawn by (into an image); 1 only for tests
    /// that compare the two.
    int paintThreads = 2;
};

} // namespace forkscope::ui
