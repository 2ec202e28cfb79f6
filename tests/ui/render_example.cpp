// Renders the example run to a PNG (default /tmp/timeline_example.png) for looking at.
// Usage: forkscope_ui_render_example [path] [scale] [dark]

#include "example_run.hpp"
#include "ui/exporter.hpp"
#include "ui/timeline_model.hpp"

#include <QGuiApplication>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QString path
        = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("/tmp/timeline_example.png");
    const forkscope::test::ExampleRun run = forkscope::test::tenProcessesOneCrash();
    forkscope::ui::TimelineModel model(run.lanes);
    model.appendEvents(run.events);
    model.finish(run.result);
    forkscope::ui::ExportOptions options;
    options.scale = argc > 2 ? std::atoi(argv[2]) : 1;
    options.dark = argc > 3 && QByteArray(argv[3]) == "dark";
    options.title = QStringLiteral("10 processes sleep ~1 s; worker 7 crashes (SIGSEGV)");
    QString error;
    if (!forkscope::ui::exportTimeline(model, path, options, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    return 0;
}
