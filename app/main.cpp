// forkscope: the desktop lab (no arguments) or the command line (list, run, --help, --version).

#include "app/cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifdef FORKSCOPE_WITH_GUI
#include "core/scenario/scenarios.hpp"
#include "ui/exporter.hpp"
#include "ui/main_window.hpp"
#include "ui/timeline_model.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/trials_chart.hpp"

#include <QPainter>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QScreen>
#include <algorithm>
#include <unistd.h>
#include <QFileInfo>
#include <memory>

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
                             const std::string &title, const std::string &path)
{
    ui::TimelineModel model;
    std::vector<core::LaneInfo> lanes;
    for (const core::LaneOutcome &lane : result.lanes)
        lanes.push_back(lane.info);
    model.reset(lanes);
    model.appendEvents(events);
    model.finish(result);
    ui::ExportOptions options;
    options.title = QString::fromStdString(title);
    QString error;
    if (!ui::exportTimeline(model, QString::fromStdString(path), options, &error))
        return error.toStdString();
    return {};
}

std::string exportTrialsChart(const std::string &title, std::int64_t expected,
                              const std::vector<forkscope::app::TrialsSeries> &series, const std::string &path)
{
    ui::TrialsChart chart;
    chart.resize(ui::kExportSizeWide);
    std::vector<ui::TrialSeries> bars;
    for (const auto &s : series)
        bars.push_back({QString::fromStdString(s.label), s.finals});
    chart.setData(QString::fromStdString(title), expected, bars);
    QString error;
    if (!ui::exportPicture(QString::fromStdString(path), {ui::kExportSizeWide, 1, QString::fromStdString(title), Qt::white},
                           [&](QPainter &painter, const QRectF &rect) { chart.paintTo(painter, rect); }, &error))
        return error.toStdString();
    return {};
}

std::string exportSpeedupChart(const std::string &title, const std::vector<core::LabTiming> &table, int tasks,
                               int cores, const std::string &path)
{
    ui::SpeedupChart chart;
    chart.resize(ui::kExportSizeWide);
    chart.setData(QString::fromStdString(title), table, tasks, cores);
    QString error;
    if (!ui::exportPicture(QString::fromStdString(path), {ui::kExportSizeWide, 1, QString::fromStdString(title), Qt::white},
                           [&](QPainter &painter, const QRectF &rect) { chart.paintTo(painter, rect); }, &error))
        return error.toStdString();
    return {};
}

/// An offscreen QApplication for commands that paint pictures without a window.
std::unique_ptr<QApplication> offscreenApp(int &argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // Qt wants a private runtime folder and warns without one; nothing is kept there.
        const QByteArray dir = QDir::tempPath().toLocal8Bit() + "/forkscope-runtime-" + QByteArray::number(getuid());
        if (QDir().mkpath(QString::fromLocal8Bit(dir)))
            QFile::setPermissions(QString::fromLocal8Bit(dir), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                                   | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir);
    }
    return std::make_unique<QApplication>(argc, argv);
}

bool wantsPicture(const std::vector<std::string> &args)
{
    for (const std::string &a : args)
        if (a.rfind("--png", 0) == 0 || a.rfind("--svg", 0) == 0 || a.rfind("--pdf", 0) == 0
            || a.rfind("--chart", 0) == 0)
            return true;
    return false;
}

} // namespace
#endif

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
#ifdef FORKSCOPE_WITH_GUI
    QApplication::setOrganizationName(QStringLiteral("Forkscope"));
    QApplication::setApplicationName(QStringLiteral("forkscope"));
    forkscope::app::setTimelineExporter(exportRunPicture);
    forkscope::app::setChartExporter(exportTrialsChart);
    forkscope::app::setSpeedupChartExporter(exportSpeedupChart);
    if ((args.empty() || args[0] == "open") && haveDisplay()) {
        QApplication app(argc, argv);
        forkscope::ui::MainWindow window;
        // `forkscope open ID [--name value ...] [--run]`: open on a scenario (a lesson's desktop shortcut).
        bool runNow = false;
        for (std::size_t i = 1; i < args.size(); ++i) {
            const QString arg = QString::fromStdString(args[i]);
            if (i == 1 && !arg.startsWith(QLatin1String("--"))) {
                if (!window.selectScenario(arg)) {
                    std::string ids;
                    for (const auto &s : forkscope::core::builtinScenarios())
                        ids += (ids.empty() ? "" : ", ") + s.id;
                    std::fprintf(stderr, "forkscope: unknown scenario '%s' (one of: %s)\n", args[i].c_str(),
                                 ids.c_str());
                    return forkscope::app::kExitUsage;
                }
            } else if (arg == QLatin1String("--run")) {
                runNow = true;
            } else if (arg.startsWith(QLatin1String("--")) && i + 1 < args.size()) {
                if (!window.setParameter(arg.mid(2), QString::fromStdString(args[i + 1]))) {
                    const std::string problem = window.parameterProblem(arg.mid(2), QString::fromStdString(args[i + 1]));
                    std::fprintf(stderr, "forkscope: %s\n", problem.c_str());
                    return forkscope::app::kExitUsage;
                }
                ++i;
            } else {
                std::fprintf(stderr, "forkscope: unexpected argument '%s'\n", args[i].c_str());
                return forkscope::app::kExitUsage;
            }
        }
        // Fit small screens (a 1280x720 projector) as well as large ones.
        const QRect screen = QApplication::primaryScreen()->availableGeometry();
        window.resize(std::min(1500, screen.width() * 95 / 100), std::min(900, screen.height() * 92 / 100));
        window.show();
        if (runNow)
            window.runScenario();
        return QApplication::exec();
    }
    std::unique_ptr<QApplication> app;
    if (args.empty()) {
        // No display: run the default scenario and write its timeline instead of opening a window.
        const std::string id = forkscope::core::builtinScenarios().front().id;
        const std::string path = QDir::current().filePath(QStringLiteral("forkscope-%1.png")
                                                              .arg(QString::fromStdString(id))).toStdString();
        std::printf("forkscope: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so no window;\n"
                    "running the default scenario '%s' and writing its timeline to %s\n\n",
                    id.c_str(), path.c_str());
        std::fflush(stdout);
        args = {"run", id, "--png", path};
    }
    if (wantsPicture(args))
        app = offscreenApp(argc, argv);
#else
    if (args.empty()) {
        std::printf("forkscope: this build has no desktop window; running the default scenario headless.\n");
        args = {"run", "sleepers"};
    }
#endif
    return forkscope::app::runCommandLine(args);
}
