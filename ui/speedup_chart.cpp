#include "ui/speedup_chart.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QBoxLayout>
#include <QChart>
#include <QChartView>
#include <QGraphicsScene>
#include <QPainter>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace forkscope::ui {

namespace {

QFont pixelFont(int size)
{
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(size);
    return font;
}

QChart *makeChart()
{
    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Pixel sizes, so a slide export reads like the screen at any DPI.
    chart->setTitleFont(pixelFont(16));
    chart->legend()->setFont(pixelFont(14));
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}

const char *workLabel(const std::string &work) { return work == "cpu" ? "CPU-bound" : "I/O-bound"; }

} // namespace

QString labModeLabel(const QString &mode)
{
    if (mode == QLatin1String("gil-threads"))
        return QObject::tr("GIL threads");
    if (mode == QLatin1String("threads"))
        return QObject::tr("free threads");
    return mode;
}

SpeedupChart::SpeedupChart(QWidget *parent) : QWidget(parent)
{
    m_wall = makeChart();
    m_speedup = makeChart();
    m_wallView = new QChartView(m_wall, this);
    m_speedupView = new QChartView(m_speedup, this);
    for (QChartView *view : {m_wallView, m_speedupView})
        view->setRenderHint(QPainter::Antialiasing);
    m_layout = new QBoxLayout(QBoxLayout::LeftToRight, this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(0);
    m_layout->addWidget(m_wallView);
    m_layout->addWidget(m_speedupView);
    rebuild();
}

void SpeedupChart::resizeEvent(QResizeEvent *event)
{
    // Stacked only when each chart still gets room for its axes and legend.
    m_layout->setDirection(width() < height() && height() >= 700 ? QBoxLayout::TopToBottom
                                                                 : QBoxLayout::LeftToRight);
    QWidget::resizeEvent(event);
}

void SpeedupChart::setData(const QString &title, const std::vector<core::LabTiming> &table, int tasks,
                           int cores)
{
    m_title = title;
    m_table = table;
    m_tasks = std::max(1, tasks);
    m_cores = std::max(1, cores);
    rebuild();
}

void SpeedupChart::setDark(bool dark)
{
    for (QChart *chart : {m_wall, m_speedup})
        chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    rebuild();
}

QString SpeedupChart::title() const { return m_speedup->title(); }

QString SpeedupChart::wallTitle() const { return m_wall->title(); }

void SpeedupChart::setNote(const QString &note)
{
    m_note = note;
    updateWallTitle();
}

void SpeedupChart::updateWallTitle()
{
    QString title = m_table.empty() ? tr("Run all modes to fill this chart")
                                    : QStringLiteral("<b>%1</b><br>wall time of %2 tasks, seconds")
                                          .arg(m_title.toHtmlEscaped())
                                          .arg(m_tasks);
    if (!m_note.isEmpty())
        title += QStringLiteral("<br><small>%1</small>").arg(m_note.toHtmlEscaped());
    m_wall->setTitle(title);
}

double SpeedupChart::barValue(const QChart *chart, const QString &work, const QString &mode) const
{
    const auto modeIt = std::find_if(core::kLabModes.begin(), core::kLabModes.end(),
                                     [&](const char *m) { return mode == QLatin1String(m); });
    if (modeIt == core::kLabModes.end() || chart->series().isEmpty())
        return 0;
    const auto *bars = qobject_cast<const QBarSeries *>(chart->series().first());
    const QString label = QString::fromUtf8(workLabel(work.toStdString()));
    for (const QBarSet *set : bars->barSets())
        if (set->label() == label)
            return set->at(static_cast<int>(modeIt - core::kLabModes.begin()));
    return 0;
}

double SpeedupChart::wallSeconds(const QString &work, const QString &mode) const
{
    return barValue(m_wall, work, mode);
}

double SpeedupChart::speedup(const QString &work, const QString &mode) const
{
    return barValue(m_speedup, work, mode);
}

void SpeedupChart::rebuild()
{
    for (QChart *chart : {m_wall, m_speedup}) {
        chart->removeAllSeries();
        for (QAbstractAxis *axis : chart->axes())
            chart->removeAxis(axis);
    }
    updateWallTitle();
    m_speedup->setTitle(
        tr("<b>speedup against sequential</b> on %1 core(s)<br>CPU-bound: GIL threads ≈ 1×, free "
           "threads<br>and processes ≈ %1× · I/O-bound: every mode ≈ %2×")
            .arg(m_cores)
            .arg(m_tasks));
    if (m_table.empty())
        return;

    QStringList categories;
    for (const char *mode : core::kLabModes)
        categories << labModeLabel(QLatin1String(mode));
    // Okabe-Ito orange for computing (as on the timeline), sky blue for waiting.
    static const QColor colours[] = {QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9)};
    double highestWall = 0;
    double highestSpeedup = 1;
    auto *wallBars = new QBarSeries;
    auto *speedupBars = new QBarSeries;
    for (std::size_t w = 0; w < core::kLabWorks.size(); ++w) {
        const std::string work = core::kLabWorks[w];
        auto *wallSet = new QBarSet(QString::fromUtf8(workLabel(work)));
        auto *speedupSet = new QBarSet(QString::fromUtf8(workLabel(work)));
        for (QBarSet *set : {wallSet, speedupSet})
            set->setColor(colours[w]);
        for (const char *mode : core::kLabModes) {
            double wall = 0;
            double speedup = 0;
            for (const core::LabTiming &t : m_table)
                if (t.work == work && t.mode == mode && t.wallNs > 0) {
                    wall = static_cast<double>(t.wallNs) / 1e9;
                    speedup = core::labSpeedup(m_table, t);
                }
            *wallSet << wall;
            *speedupSet << speedup;
            highestWall = std::max(highestWall, wall);
            highestSpeedup = std::max(highestSpeedup, speedup);
        }
        wallBars->append(wallSet);
        speedupBars->append(speedupSet);
    }

    const auto attach = [&](QChart *chart, QBarSeries *bars, double top, const QString &unit,
                            const QString &format, const QString &suffix) {
        chart->addSeries(bars);
        auto *x = new QBarCategoryAxis;
        x->append(categories);
        x->setTruncateLabels(false); // "free threads" whole, even in a narrow window
        auto *y = new QValueAxis;
        y->setRange(0, top);
        y->setLabelFormat(format);
        y->setTitleText(unit);
        for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(x), static_cast<QAbstractAxis *>(y)}) {
            axis->setLabelsFont(pixelFont(12));
            axis->setTitleFont(pixelFont(13));
        }
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        bars->attachAxis(x);
        bars->attachAxis(y);
        y->applyNiceNumbers();
        // Each bar's value above it: what a slide reader wants without reading off the axis.
        bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
        bars->setLabelsFormat(QStringLiteral("@value") + suffix);
        bars->setLabelsPrecision(3);
        bars->setLabelsVisible(true);
        for (QBarSet *set : bars->barSets()) {
            set->setLabelColor(chart->titleBrush().color());
            set->setLabelFont(pixelFont(14));
        }
    };
    // Room above the tallest bar for its label.
    attach(m_wall, wallBars, std::max(0.001, highestWall * 1.12), tr("seconds"), QStringLiteral("%.1f"),
           QStringLiteral(" s"));
    attach(m_speedup, speedupBars, std::max({highestSpeedup, double(m_cores), 1.0}) * 1.12, tr("× faster"),
           QStringLiteral("%.0f"), QStringLiteral("×"));
}

void SpeedupChart::paintTo(QPainter &painter, const QRectF &rect)
{
    // Lay each chart out at half the export's width, paint it, then give it back to its view.
    const QRectF halves[]
        = {QRectF(rect.left(), rect.top(), rect.width() / 2, rect.height()),
           QRectF(rect.left() + rect.width() / 2, rect.top(), rect.width() / 2, rect.height())};
    int i = 0;
    for (QChart *chart : {m_wall, m_speedup}) {
        const QSizeF before = chart->size();
        chart->resize(halves[i].size());
        chart->scene()->render(&painter, halves[i], chart->sceneBoundingRect());
        chart->resize(before);
        ++i;
    }
}

} // namespace forkscope::ui
