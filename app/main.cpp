// forkscope: the desktop lab (no arguments, or `open`) or the command line (list, run, --help, --version).

#include "app/cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifdef FORKSCOPE_WITH_GUI
#include "core/scenario/scenarios.hpp"
#include "ui/comparison_picture.hpp"
#include "ui/exporter.hpp"
#include "ui/focus/focus_views.hpp"
#include "ui/main_window.hpp"
#include "ui/scenario_files.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/timeline_model.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QIcon>
#include <QPainter>
#include <QScreen>

#include <algorithm>
#include <memory>
#include <unistd.h>

namespace {

using namespace forkscope;

bool haveDisplay()
{
    const char *platform = std::getenv("QT_QPA_PLATFORM");
    if (platform && *platform)
        return true; // the user chose a platform (offscreen included): trust it
    const char *x11 = std::getenv("DISPLAY");
    const char *wayland = std::getenv("WAYLAND_DISPLAY");
    return (x11 && *x11) || (wayland && *wayland);
}

std::string exportRunPicture(const core::RunResult &result, const std::vector<core::Event> &events,
                             const app::TimelinePicture &picture, const std::string &path)
{
    ui::TimelineModel model;
    std::vector<core::LaneInfo> lanes;
    for (const core::LaneOutcome &lane : result.lanes)
        lanes.push_back(lane.info);
    model.reset(lanes);
    model.appendEvents(events);
    model.finish(result);
    ui::ExportOptions options;
    options.title = QString::fromStdString(picture.headline);
    options.headline = QString::fromStdString(picture.headline);
    options.caption = QString::fromStdString(picture.caption);
    options.results = ui::laneResults(result, events, picture.plan);
    options.details = picture.details;
    const ui::FocusFlows flows = ui::focusFlows(model, events);
    ui::FocusKind view = ui::FocusKind::Timeline;
    switch (picture.focus) {
    case app::PictureFocus::Auto: view = ui::focusFor(model, flows); break;
    case app::PictureFocus::Timeline:
    case app::PictureFocus::LostUpdate: break;
    case app::PictureFocus::Sequence: view = ui::FocusKind::Sequence; break;
    case app::PictureFocus::QueueFill: view = ui::FocusKind::QueueFill; break;
    case app::PictureFocus::Dispatch: view = ui::FocusKind::Dispatch; break;
    case app::PictureFocus::Gil: view = ui::FocusKind::Gil; break;
    }
    if (view != ui::FocusKind::Timeline) {
        // A focus view asked for by name must be one the run has: its picture would be empty otherwise.
        if (const ui::FocusKind fits = ui::focusFor(model, flows); fits != view)
            return std::string("this run has no ") + ui::focusName(view)
                + " view to show (--focus auto picks '" + ui::focusName(fits) + "' for it)";
        const ui::FocusInput input{&model, events, &flows, options.headline, options.caption, false};
        QString error;
        if (!ui::exportPicture(
                QString::fromStdString(path),
                {ui::kExportSizeWide, 1, options.headline, ui::Theme::light().background},
                [&](QPainter &painter, const QRectF &rect) { ui::paintFocus(view, painter, rect, input); },
                &error))
            return error.toStdString();
        return {};
    }
    if (picture.focus == app::PictureFocus::LostUpdate) {
        // The view Next Lost Update shows in the window: the first one, both workers' lanes in sight.
        if (model.lostUpdates().empty())
            return "the run has no lost update to focus on";
        const ui::LostUpdateMark &mark = model.lostUpdates().front();
        options.window = ui::lostUpdateWindow(mark);
        const ui::TimelineLayout layout = ui::layoutTimeline(
            model, QRectF(QPointF(0, 0), QSizeF(options.size)), ui::exportPaintOptions(model, options));
        options.firstRow = ui::firstRowShowing(
            layout, {mark.lost.lane, mark.overwritten() ? mark.lost.overwrittenBy : mark.lost.lane});
    }
    QString error;
    if (!ui::exportTimeline(model, QString::fromStdString(path), options, &error))
        return error.toStdString();
    return {};
}

std::string exportComparisonPicture(const std::vector<app::ComparedRunPicture> &runs, const std::string &path)
{
    std::vector<ui::PastRun> past;
    for (const app::ComparedRunPicture &run : runs)
        past.push_back(ui::makePastRun(*run.result, *run.events, run.params, run.headline));
    QString error;
    if (!ui::exportComparison(QString::fromStdString(path), ui::makeComparison(std::move(past)),
                              ui::kExportSizeWide, 1, false, &error))
        return error.toStdString();
    return {};
}

/// Paints `chart` (a TrialsChart or SpeedupChart laid out at the slide's size) into `path`.
template <typename Chart>
std::string exportChart(Chart &chart, const std::string &title, const std::string &path)
{
    QString error;
    if (!ui::exportPicture(
            QString::fromStdString(path), {ui::kExportSizeWide, 1, QString::fromStdString(title), Qt::white},
            [&](QPainter &painter, const QRectF &rect) { chart.paintTo(painter, rect); }, &error))
        return error.toStdString();
    return {};
}

std::string exportTrialsChart(const std::string &caption, std::int64_t expected,
                              const std::vector<app::TrialsSeries> &series, const std::string &path)
{
    ui::TrialsChart chart;
    chart.resize(ui::kExportSizeWide);
    std::vector<ui::TrialSeries> bars;
    for (const auto &s : series)
        bars.push_back({QString::fromStdString(s.label), s.finals, s.locked});
    chart.setData(QString::fromStdString(caption), expected, bars);
    return exportChart(chart, chart.title().toStdString(), path);
}

std::string exportSpeedupChart(const std::string &title, const std::vector<core::LabTiming> &table, int tasks,
                               int cores, const std::string &path)
{
    ui::SpeedupChart chart;
    chart.resize(ui::kExportSizeWide);
    chart.setData(QString::fromStdString(title), table, tasks, cores);
    return exportChart(chart, title, path);
}

/// An offscreen QApplication for commands that paint pictures without a window.
std::unique_ptr<QApplication> offscreenApp(int &argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Qt wants a private runtime folder and warns without one; nothing is kept there.
        const QByteArray dir
            = QDir::tempPath().toLocal8Bit() + "/forkscope-runtime-" + QByteArray::number(getuid());
        if (QDir().mkpath(QString::fromLocal8Bit(dir)))
            QFile::setPermissions(QString::fromLocal8Bit(dir),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir);
    }
    return std::make_unique<QApplication>(argc, argv);
}

/// Forkscope's icon in the sizes rendered from resources/icons at build time (:/icons/<size>/<app id>.png),
/// so the title bar and the task switcher each get a size drawn for them.
QIcon applicationIcon()
{
    QIcon icon;
    const QDir sizes(QStringLiteral(":/icons"));
    for (const QString &size : sizes.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        icon.addFile(sizes.filePath(size + QStringLiteral("/" FORKSCOPE_APP_ID ".png")));
    return icon;
}

/// `forkscope [open [ID|FILE.json] [--name value ...] [--run]]` with a display: the window, on a scenario with these
/// parameters (a lesson's desktop shortcut), and the run started if asked.
int openWindow(int &argc, char **argv, const std::vector<std::string> &args)
{
    QApplication app(argc, argv);
    // The icon every window of the app shows, and the desktop entry it belongs to (Wayland matches the
    // window to io.github.forkscope.Forkscope.desktop, and so to its icon and name, by this).
    QApplication::setWindowIcon(applicationIcon());
    QGuiApplication::setDesktopFileName(QStringLiteral(FORKSCOPE_APP_ID));
    ui::MainWindow window;
    app::OpenRequest request;
    if (!args.empty()) {
        if (const auto rc = app::parseOpenCommand(args, window.scenarioId().toStdString(), request))
            return *rc;
        // A user's file (`forkscope open FILE.json`) was read by the command line: into the browser, as theirs.
        const core::Scenario *opened
            = request.scenarioFile.empty() ? nullptr : core::findScenario(request.scenario);
        if (opened)
            window.scenarioFiles()->addOpened(*opened);
        else
            window.selectScenario(QString::fromStdString(request.scenario));
        for (const auto &[name, value] : request.params) {
            if (!window.setParameter(QString::fromStdString(name), QString::fromStdString(value))) {
                const std::string problem
                    = window.parameterProblem(QString::fromStdString(name), QString::fromStdString(value));
                std::fprintf(stderr, "forkscope: %s\n", problem.c_str());
                return app::kExitUsage;
            }
        }
    }
    // Fit small screens (a 1280x720 projector) as well as large ones.
    const QRect screen = QApplication::primaryScreen()->availableGeometry();
    window.resize(std::min(1500, screen.width() * 95 / 100), std::min(900, screen.height() * 92 / 100));
    window.show();
    if (request.run)
        window.runScenario();
    return QApplication::exec();
}

} // namespace
#endif

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
#ifdef FORKSCOPE_WITH_GUI
    QApplication::setOrganizationName(QStringLiteral("Forkscope"));
    QApplication::setApplicationName(QStringLiteral("forkscope"));
    if ((args.empty() || args[0] == "open") && haveDisplay())
        return openWindow(argc, argv, args);
    if (args.empty()) {
        // No display: run the default scenario and write its timeline instead of opening a window.
        const std::string id = core::builtinScenarios().front().id;
        const std::string path
            = QDir::current()
                  .filePath(QStringLiteral("forkscope-%1.png").arg(QString::fromStdString(id)))
                  .toStdString();
        std::printf("forkscope: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so no window;\n"
                    "running the default scenario '%s' and writing its timeline to %s\n\n",
                    id.c_str(), path.c_str());
        std::fflush(stdout);
        args = {"run", id, "--png", path};
    }
    std::unique_ptr<QApplication> app; // made only for commands that draw, before their runs start
    app::Exporters exporters{exportRunPicture, exportTrialsChart, exportSpeedupChart,
                             [&] { app = offscreenApp(argc, argv); }, exportComparisonPicture};
    return app::runCommandLine(args, exporters);
#else
    if (args.empty()) {
        std::printf("forkscope: this build has no desktop window; running the default scenario headless.\n");
        args = {"run", "sleepers"};
    }
    return forkscope::app::runCommandLine(args);
#endif
}
