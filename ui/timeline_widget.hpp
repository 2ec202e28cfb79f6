#pragma once

#include "ui/timeline_painter.hpp"

#include <QImage>
#include <QPoint>
#include <QWidget>

class QScrollBar;

#include <initializer_list>

namespace forkscope::ui {

/// The first row to show so that every lane of `lanes` is among `layout`'s visible rows: layout.firstRow
/// when they already are, else the upper lane's row (its process header with it).
int firstRowShowing(const TimelineLayout &layout, std::initializer_list<std::uint32_t> lanes);

/// The live Gantt view of a TimelineModel. Wheel zooms around the cursor (around the present while
/// following a live run), Shift+wheel scrolls the lanes, dragging pans; +/- zoom, arrow keys pan and scroll.
/// While the model is live the view follows the present until the user pans; fitAll() (bind it to Ctrl+0)
/// shows the whole run and follows again. fitAll() fits the rows too: when the lanes would not fit at the
/// smallest lane height, runs of alike lanes fold into group rows ("workers 11–200", as on a slide); a
/// vertical scroll bar appears whenever the lanes do not fit unfolded, and scrolling (bar, Shift+wheel,
/// arrow keys, dragging) shows them one per row again from the row scrolled to.
class TimelineWidget : public QWidget {
    Q_OBJECT
public:
    explicit TimelineWidget(QWidget *parent = nullptr);

    /// The model to show (not owned; it must outlive the widget or be replaced). Fits the view to it.
    void setModel(const TimelineModel *model);
    const TimelineModel *model() const { return m_model; }

    /// Call after the model changed (a batch appended, setNow, finish): follows the present and repaints.
    /// Cheap: one repaint is scheduled however often it is called.
    void modelUpdated();

    TimeWindow window() const { return m_window; }
    /// Shows `window` (at least kMinWindowSpanNs wide); stops following the present.
    void setWindow(const TimeWindow &window);
    int firstRow() const { return m_firstRow; }
    /// Scrolls to display row `row` (of displayRows): the lanes are shown unfolded from there.
    void setFirstRow(int row);
    /// Whether the rows are fitted (fitAll): alike lanes fold so every row is in sight.
    bool fittingRows() const { return m_fitRows; }
    /// The vertical scroll bar (shown when the lanes do not fit unfolded).
    QScrollBar *rowScrollBar() const { return m_rowBar; }
    /// Where the timeline is drawn: the widget less the scroll bar when it shows.
    QRect plotArea() const;
    /// Display rows (headers and lanes) of the model, and how many fit at the current size.
    int rowCount() const;
    int visibleRowCount() const;

    bool following() const { return m_following; }

    void setTheme(const Theme &theme);
    void setLegendVisible(bool visible);
    void setTitle(const QString &title);
    /// The finished run's lesson (core::headline) and caption, shown above the timeline instead of the
    /// title, and each lane's result at its end (laneResults). setModel clears them: they belong to a run.
    void setHeadline(const QString &headline, const QString &caption, std::vector<LaneResult> results = {});
    QString headline() const { return m_options.headline; }

    /// The options the view paints with now (window, rows, theme): hand them to the exporter for
    /// "export the current view".
    PaintOptions paintOptions() const;
    TimelineLayout currentLayout() const;

    /// Zooms by `factor` (> 1: in) keeping the time under widget x coordinate `x` in place.
    void zoomAt(double factor, double x);
    /// Moves the view by `dx` pixels' worth of time (positive: content moves right, earlier times come in).
    void panByPixels(double dx);
    /// Zooms to lost update `index` of the model (TimelineModel::lostUpdates): lostUpdateWindow's view, with
    /// the rows scrolled so both workers' lanes show. False (and nothing changes) when there is no such one.
    bool showLostUpdate(std::size_t index);
    /// Shows the lost update after the one shown last (the first after setModel, wrapping round at the end);
    /// returns its index, or -1 when the model has none.
    int showNextLostUpdate();

    /// The tooltip text for a point of the widget (empty when nothing is there).
    QString toolTipAt(QPoint pos) const;

    /// What the last paint did with the tracks layer (bars and what lies under them), which the widget keeps
    /// between paints: painted it all, or moved what it had by whole pixels (a pan) and painted only the
    /// columns that came in or that the model changed.
    struct TracksPainted {
        bool whole = false;
        int shift = 0;   ///< pixels the kept layer moved right (negative: left)
        int columns = 0; ///< pixel columns painted
    };
    TracksPainted lastTracksPainted() const { return m_tracksPainted; }

    QSize sizeHint() const override { return {900, 420}; }
    QSize minimumSizeHint() const override { return {240, 120}; }

public slots:
    void fitAll();
    void setFollowing(bool follow);
    void zoomIn();
    void zoomOut();

signals:
    /// The visible time window or first row changed (by the user, by following, or programmatically).
    void viewChanged(qint64 beginNs, qint64 endNs, int firstRow);
    void followingChanged(bool following);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    /// The scroll bar's range, page and value from the rows and the size; shows or hides it.
    void updateRowBar();
    void applyWindow(TimeWindow window, bool userPan);
    void follow();
    TimeWindow clampWindow(TimeWindow window) const;
    void emitView();
    /// Brings the kept tracks layer up to date for `layout` and draws it.
    void drawTracks(QPainter &painter, const TimelineLayout &layout, const PaintOptions &options);

    const TimelineModel *m_model = nullptr;
    PaintOptions m_options;
    TimeWindow m_window{0, 1'000'000};
    int m_firstRow = 0;
    bool m_following = true;
    bool m_userZoomed = false; ///< following keeps the user's span instead of fitting the whole run
    bool m_dragging = false;
    QPoint m_dragLast;
    double m_dragRows = 0; ///< vertical drag not yet turned into whole rows
    int m_lostShown = -1;  ///< the lost update showLostUpdate showed last, -1 since setModel
    bool m_fitRows = true; ///< fitAll's rows: alike lanes fold so all rows show; off once the user scrolls
    QScrollBar *m_rowBar = nullptr;
    int m_barRows = -1;        ///< rowCount() when the bar was last set up
    bool m_syncingBar = false; ///< updateRowBar is setting the bar: its valueChanged is not the user
    /// The tracks layer as last painted (paintTimelineTracks), and what for.
    struct KeptTracks {
        QImage image;
        const TimelineModel *model = nullptr;
        std::uint64_t revision = 0;
        TimelineLayout layout;
        PaintOptions options;
        bool valid = false;
    };
    KeptTracks m_kept;
    TracksPainted m_tracksPainted;
};

} // namespace forkscope::ui
