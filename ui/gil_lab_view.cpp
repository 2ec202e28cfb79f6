#include "ui/gil_lab_view.hpp"

#include "core/scenario/scenarios.hpp"
#include "ui/exporter.hpp"
#include "ui/speedup_chart.hpp"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <thread>

namespace forkscope::ui {

namespace {

constexpr std::size_t kRuns = core::kLabWorks.size() * core::kLabModes.size();

const char *workOf(std::size_t i) { return core::kLabWorks[i / core::kLabModes.size()]; }
const char *modeOf(std::size_t i) { return core::kLabModes[i % core::kLabModes.size()]; }

int cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

} // namespace

GilLabView::GilLabView(QWidget *parent) : QWidget(parent)
{
    m_runButton = new QPushButton(tr("Run all modes"), this);
    m_runButton->setToolTip(
        tr("cpu-vs-io for CPU-bound and I/O-bound work, sequentially, as threads under the "
           "GIL, as free threads and as processes: eight runs, one after another"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_exportButton = new QPushButton(tr("Export chart…"), this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, static_cast<int>(kRuns));
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m runs"));
    m_status
        = new QLabel(tr("Press Run all modes: eight runs of cpu-vs-io, with the parameters of the panel when "
                        "cpu-vs-io is selected."),
                     this);
    m_status->setWordWrap(true);
    m_explanation = new QLabel(this);
    m_explanation->setWordWrap(true);
    m_explanation->setText(
        tr("On this machine's %1 core(s): CPU-bound threads under the GIL run about as fast as one after "
           "another "
           "(about 1×), free threads and processes about %1× faster (the cores, not the tasks, are the "
           "limit); "
           "I/O-bound tasks release the GIL while they wait, so every concurrent mode is about as many times "
           "faster as there are tasks.")
            .arg(cores()));
    m_chart = new SpeedupChart(this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_runButton);
    bar->addWidget(m_cancelButton);
    bar->addWidget(m_progress, 1);
    bar->addWidget(m_exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_explanation);
    layout->addWidget(m_status);
    layout->addWidget(m_chart, 1);

    connect(m_runButton, &QPushButton::clicked, this, &GilLabView::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &GilLabView::cancel);
    connect(m_exportButton, &QPushButton::clicked, this, &GilLabView::exportChart);
    m_poll.setInterval(20);
    connect(&m_poll, &QTimer::timeout, this, &GilLabView::poll);
    refreshChart();
}

GilLabView::~GilLabView()
{
    if (m_run)
        m_run->cancel(); // ~Run waits for it
}

void GilLabView::setParameterSource(std::function<std::map<std::string, std::string>()> source)
{
    m_source = std::move(source);
}

void GilLabView::setDark(bool dark) { m_chart->setDark(dark); }

void GilLabView::setBlocker(std::function<QString()> blocker) { m_blocker = std::move(blocker); }

core::MachineLoad GilLabView::load() const
{
    if (!m_loadStart)
        return {};
    const std::optional<core::CpuSample> end = running() || !m_loadEnd ? core::sampleCpu() : m_loadEnd;
    return end ? core::machineLoad(*m_loadStart, *end, cores()) : core::MachineLoad{};
}

QString GilLabView::loadText() const
{
    if (!m_loadStart || m_table.empty())
        return {};
    const core::MachineLoad l = load();
    const auto average = [](double a) { return a < 0 ? QStringLiteral("?") : QString::number(a, 'f', 1); };
    QString text = tr("While it ran, other programs kept %1 % of the %2 core(s) busy (load average %3 → %4)")
                       .arg(qRound(l.othersShare * 100))
                       .arg(l.cores)
                       .arg(average(l.loadBefore), average(l.loadAfter));
    // A quarter of the machine taken by others is enough to shrink the processes' speedup visibly.
    if (l.othersShare >= 0.25)
        text += tr(": the machine was busy, so these times are longer than on a quiet one");
    return text;
}

bool GilLabView::start()
{
    if (m_run)
        return false;
    if (const QString why = m_blocker ? m_blocker() : QString(); !why.isEmpty()) {
        m_status->setText(tr("Not started: %1").arg(why));
        return false;
    }
    m_params = m_source ? m_source() : std::map<std::string, std::string>{};
    m_params.erase("work");
    m_params.erase("mode");
    m_table.clear();
    m_next = 0;
    m_progress->setValue(0);
    m_runButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_loadStart = core::sampleCpu();
    m_loadEnd.reset();
    m_savedCores = 0;
    m_savedNote.reset();
    refreshChart();
    if (!startNext())
        return false;
    emit started();
    return true;
}

bool GilLabView::startNext()
{
    const core::Scenario *scenario = core::findScenario("cpu-vs-io");
    std::map<std::string, std::string> params = m_params;
    params["work"] = workOf(m_next);
    params["mode"] = modeOf(m_next);
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (!scenario || !core::buildPlan(*scenario, params, plan, values, error)) {
        m_status->setText(tr("Cannot run the lab: %1").arg(QString::fromStdString(error)));
        finish(true);
        return false;
    }
    m_tasks = values.integer("tasks");
    m_run = core::Run::start(plan, error);
    if (!m_run) {
        m_status->setText(tr("Cannot start a run: %1").arg(QString::fromStdString(error)));
        finish(true);
        return false;
    }
    m_status->setText(tr("Running %1-bound work as %2…")
                          .arg(QLatin1String(workOf(m_next)), labModeLabel(QLatin1String(modeOf(m_next)))));
    m_poll.start();
    return true;
}

void GilLabView::poll()
{
    if (!m_run || !m_run->finished())
        return;
    const core::RunResult result = m_run->result();
    m_run.reset();
    if (result.cancelled || result.failed()) {
        if (result.failed())
            m_status->setText(tr("The run failed: %1").arg(QString::fromStdString(result.error)));
        finish(true);
        return;
    }
    m_table.push_back({workOf(m_next), modeOf(m_next), result.wallNs});
    m_loadEnd = core::sampleCpu();
    ++m_next;
    m_progress->setValue(static_cast<int>(m_next));
    refreshChart();
    emit progressed(static_cast<int>(m_next), static_cast<int>(kRuns));
    if (m_next < kRuns)
        startNext();
    else
        finish(false);
}

void GilLabView::cancel()
{
    if (m_run)
        m_run->cancel(); // the next poll sees it finished, cancelled
}

void GilLabView::finish(bool cancelled)
{
    m_poll.stop();
    m_run.reset();
    m_runButton->setEnabled(true);
    m_cancelButton->setEnabled(false);
    if (cancelled && m_status->text().endsWith(QStringLiteral("…")))
        m_status->setText(tr("Stopped after %1 of %2 runs.").arg(m_next).arg(kRuns));
    else if (!cancelled)
        m_status->setText(
            tr("Done: %1 runs on %2 core(s). CPU-bound threads under the GIL: %3× · free threads: "
               "%4× · processes: %5× · I/O-bound threads under the GIL: %6×")
                .arg(kRuns)
                .arg(cores())
                .arg(m_chart->speedup(QStringLiteral("cpu"), QStringLiteral("gil-threads")), 0, 'f', 2)
                .arg(m_chart->speedup(QStringLiteral("cpu"), QStringLiteral("threads")), 0, 'f', 2)
                .arg(m_chart->speedup(QStringLiteral("cpu"), QStringLiteral("processes")), 0, 'f', 2)
                .arg(m_chart->speedup(QStringLiteral("io"), QStringLiteral("gil-threads")), 0, 'f', 2));
    if (!m_table.empty())
        m_status->setText(m_status->text() + QLatin1Char('\n') + loadText());
    emit finished(cancelled);
}

int GilLabView::labCores() const { return m_savedCores > 0 ? m_savedCores : cores(); }

QString GilLabView::chartNote() const
{
    if (m_savedNote)
        return *m_savedNote;
    // Short enough for half a chart's width; the status line under the buttons says it in full.
    if (!m_loadStart || m_table.empty())
        return {};
    const core::MachineLoad l = load();
    return tr("machine while it ran: others used %1 % of %2 core(s), load %3 → %4")
        .arg(qRound(l.othersShare * 100))
        .arg(l.cores)
        .arg(l.loadBefore, 0, 'f', 1)
        .arg(l.loadAfter, 0, 'f', 1);
}

void GilLabView::refreshChart()
{
    m_chart->setData(tr("GIL lab (cpu-vs-io)"), m_table, m_tasks, labCores());
    m_chart->setNote(chartNote());
}

void GilLabView::showSaved(std::vector<core::LabTiming> table, int tasks, int cores, const QString &note,
                           const QString &status)
{
    if (m_run)
        return;
    m_table = std::move(table);
    m_tasks = tasks;
    m_savedCores = cores;
    m_savedNote = note;
    m_loadStart.reset();
    m_loadEnd.reset();
    m_progress->setValue(static_cast<int>(m_table.size()));
    refreshChart();
    m_status->setText(status);
}

void GilLabView::exportChart()
{
    if (m_table.empty()) {
        QMessageBox::information(this, tr("Export chart"), tr("Run all modes first: the chart is empty."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export chart"), QDir::home().filePath(QStringLiteral("forkscope-gil-lab.png")),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPicture(
            path, {kExportSizeWide, 1, tr("GIL lab"), Qt::white},
            [this](QPainter &painter, const QRectF &rect) { m_chart->paintTo(painter, rect); }, &error))
        QMessageBox::critical(this, tr("Export failed"), error);
}

} // namespace forkscope::ui
