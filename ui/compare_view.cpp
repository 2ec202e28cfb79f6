#include "ui/compare_view.hpp"

#include <QFont>
#include <QPainter>

#include <algorithm>

namespace forkscope::ui {

void paintComparison(QPainter &painter, const QRectF &rect, const std::vector<PastRun> &runs,
                     const QString &title, const Theme &theme)
{
    painter.fillRect(rect, theme.background);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(20);
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(theme.text);
    const double titleHeight = title.isEmpty() ? 0 : 34;
    if (!title.isEmpty())
        painter.drawText(rect.adjusted(8, 4, -8, 0), Qt::AlignLeft | Qt::AlignTop, title);
    if (runs.empty()) {
        font.setPixelSize(14);
        font.setBold(false);
        painter.setFont(font);
        painter.setPen(theme.mutedText);
        painter.drawText(rect, Qt::AlignCenter,
                         QObject::tr("Run this scenario a few times with different parameters:\n"
                                     "each finished run is kept here, on one time axis."));
        return;
    }
    // One shared window: zero to the longest run, so lengths compare at a glance.
    std::int64_t longest = 1;
    std::size_t rowsTotal = 0;
    std::vector<std::size_t> rows;
    for (const PastRun &run : runs) {
        longest = std::max(longest, run.wallNs);
        rows.push_back(displayRows(*run.model).size());
        rowsTotal += rows.back();
    }
    const TimeWindow window{0, longest + longest / 50};
    // Each band gets a fixed part (its title, axis and legend) plus room proportional to its rows.
    const double fixedPerBand = 70;
    const double available = rect.height() - titleHeight;
    const double perRow = std::max(4.0,
                                   (available - fixedPerBand * static_cast<double>(runs.size()))
                                       / static_cast<double>(std::max<std::size_t>(rowsTotal, 1)));
    double y = rect.top() + titleHeight;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const PastRun &run = runs[i];
        const double height
            = std::min(fixedPerBand + perRow * static_cast<double>(rows[i]), rect.bottom() - y);
        if (height < 30)
            break;
        PaintOptions options;
        options.theme = theme;
        options.window = window;
        options.title = QStringLiteral("%1 — %2 s")
                            .arg(run.label)
                            .arg(static_cast<double>(run.wallNs) / 1e9, 0, 'f', 3);
        options.legend = i + 1 == runs.size();
        options.showNow = false;
        options.minLaneHeight = 4;
        options.maxLaneHeight = 28;
        painter.save();
        paintTimeline(painter, *run.model, QRectF(rect.left(), y, rect.width(), height), options);
        painter.restore();
        y += height;
    }
}

CompareView::CompareView(QWidget *parent) : QWidget(parent) { }

void CompareView::setRuns(std::vector<PastRun> runs, const QString &title)
{
    m_runs = std::move(runs);
    m_title = title;
    // On screen each lane keeps a readable height; the scroll area around the view scrolls the rest.
    // (Exports fit everything into the slide instead.)
    int height = 40;
    for (const PastRun &run : m_runs)
        height += 80 + 22 * static_cast<int>(displayRows(*run.model).size());
    setMinimumHeight(height);
    update();
}

void CompareView::setTheme(const Theme &theme)
{
    m_theme = theme;
    update();
}

void CompareView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintComparison(painter, rect(), m_runs, m_title, m_theme);
}

} // namespace forkscope::ui
