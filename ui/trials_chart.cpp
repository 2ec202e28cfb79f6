#include "ui/trials_chart.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGraphicsScene>
#include <QPainter>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <set>

namespace forkscope::ui {

int TrialSeries::wrong(std::int64_t expected) const
{
    return static_cast<int>(
        std::count_if(finals.begin(), finals.end(), [&](std::int64_t f) { return f != expected; }));
}

TrialsChart::TrialsChart(QWidget *parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    // Pixel sizes, so a slide export reads like the screen at any DPI.
    QFont titleFont(QStringLiteral("DejaVu Sans"));
    titleFont.setPixelSize(18);
    m_chart->setTitleFont(titleFont);
    QFont legendFont(QStringLiteral("DejaVu Sans"));
    legendFont.setPixelSize(14);
    m_chart->legend()->setFont(legendFont);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    rebuild();
}

void TrialsChart::setData(const QString &title, std::int64_t expected, const std::vector<TrialSeries> &series)
{
    m_title = title;
    m_expected = expected;
    m_series = series;
    rebuild();
}

void TrialsChart::setDark(bool dark)
{
    m_dark = dark;
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    rebuild();
}

int TrialsChart::count(std::size_t s, std::size_t i) const
{
    if (s >= m_series.size() || i >= m_values.size())
        return 0;
    const auto &finals = m_series[s].finals;
    return static_cast<int>(std::count(finals.begin(), finals.end(), m_values[i]));
}

QString TrialsChart::title() const { return m_chart->title(); }

void TrialsChart::rebuild()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);

    std::set<std::int64_t> seen;
    for (const TrialSeries &s : m_series)
        seen.insert(s.finals.begin(), s.finals.end());
    m_values.assign(seen.begin(), seen.end());

    QStringList verdicts;
    for (const TrialSeries &s : m_series)
        if (!s.finals.empty())
            verdicts << tr("%1: wrong in %2 of %3 trials")
                            .arg(s.label)
                            .arg(s.wrong(m_expected))
                            .arg(s.finals.size());
    m_chart->setTitle(m_series.empty()
                          ? tr("Run the bank with trials to see its final balances here")
                          : QStringLiteral("<b>%1</b><br>%2")
                                .arg(m_title.toHtmlEscaped(), verdicts.join(QStringLiteral(" · "))));
    if (m_values.empty())
        return;

    // Okabe-Ito vermillion for the unguarded runs, bluish green for the guarded ones.
    static const QColor colours[] = {QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x9E, 0x73)};
    auto *bars = new QBarSeries;
    int highest = 1;
    for (std::size_t s = 0; s < m_series.size(); ++s) {
        auto *set = new QBarSet(m_series[s].label);
        set->setColor(colours[s % 2]);
        for (std::size_t i = 0; i < m_values.size(); ++i) {
            const int n = count(s, i);
            highest = std::max(highest, n);
            *set << n;
        }
        const int seriesIndex = static_cast<int>(s);
        connect(set, &QBarSet::clicked, this, [this, seriesIndex](int index) {
            if (index >= 0 && static_cast<std::size_t>(index) < m_values.size())
                emit barClicked(seriesIndex, m_values[static_cast<std::size_t>(index)]);
        });
        bars->append(set);
    }
    m_chart->addSeries(bars);

    QStringList categories;
    for (const std::int64_t v : m_values)
        categories << (v == m_expected ? tr("%1 (expected)").arg(v) : QString::number(v));
    auto *x = new QBarCategoryAxis;
    x->setTruncateLabels(false); // "100 (expected)" whole
    x->append(categories);
    x->setTitleText(tr("final balance"));
    // Whole-number ticks: a step that divides the range, at most ten of them.
    const int step = (highest + 9) / 10;
    const int top = (highest + step - 1) / step * step;
    auto *y = new QValueAxis;
    y->setRange(0, top);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTickCount(top / step + 1);
    y->setTitleText(tr("trials"));
    QFont axisFont(QStringLiteral("DejaVu Sans"));
    axisFont.setPixelSize(13);
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(x), static_cast<QAbstractAxis *>(y)}) {
        axis->setLabelsFont(axisFont);
        axis->setTitleFont(axisFont);
    }
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(y);
}

void TrialsChart::paintTo(QPainter &painter, const QRectF &rect)
{
    // Lay the chart out at the export's size, paint it, then give it back to the view.
    const QSizeF before = m_chart->size();
    m_chart->resize(rect.size());
    QGraphicsScene *scene = m_chart->scene();
    scene->render(&painter, rect, m_chart->sceneBoundingRect());
    m_chart->resize(before);
}

} // namespace forkscope::ui
