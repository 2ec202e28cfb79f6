// MainWindow, part one: building the window, the scenarios, pictures, theme and settings. Running,
// trials and replay are in main_window_runs.cpp.

#include "ui/main_window.hpp"

#include "ui/focus/focus_widget.hpp"

#include "ui/code_pane.hpp"
#include "ui/console_pane.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/parameter_form.hpp"
#include "ui/process_panel.hpp"
#include "ui/result_panel.hpp"
#include "ui/scenario_browser.hpp"
#include "ui/scenario_files.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/trials_chart.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPalette>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace forkscope::ui {

namespace {

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

/// A dock named `objectName` (saved window state finds it by that name) holding `widget`.
QDockWidget *dock(QMainWindow *window, const QString &title, const QString &objectName, QWidget *widget,
                  Qt::DockWidgetArea area)
{
    auto *d = new QDockWidget(title, window);
    d->setObjectName(objectName);
    d->setWidget(widget);
    window->addDockWidget(area, d);
    return d;
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Forkscope"));
    buildViews();
    buildDocks();
    buildScenarioFiles();
    buildActions();
    fillBrowser();
    buildStatusBar();

    connect(&m_controller, &RunController::started, this, &MainWindow::onStarted);
    connect(&m_controller, &RunController::updated, this, &MainWindow::onUpdated);
    connect(&m_controller, &RunController::finished, this, &MainWindow::onFinished);
    connect(&m_trialRunner, &TrialRunner::trialFinished, this, &MainWindow::onTrialFinished);
    connect(&m_trialRunner, &TrialRunner::finished, this, &MainWindow::onTrialsFinished);
    connect(&m_replay, &ReplayController::advanced, this, &MainWindow::showReplay);
    connect(&m_replay, &ReplayController::finished, this, [this] {
        m_stateLabel->setText(tr("Replay finished"));
        m_stopAction->setEnabled(false);
    });

    loadSettings();
    if (!m_scenario)
        selectScenario(fromStd(core::builtinScenarios().front().id));
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews()
{
    // Centre: the live timeline, the comparison of finished runs, the trials chart and the GIL lab.
    m_timeline = new TimelineWidget(this);
    m_timeline->setModel(&m_controller.model());
    // Compare fits its runs (three at most) into the tab, folding alike lanes, so it needs no scrolling.
    m_compare = new CompareView(this);
    m_views = new QTabWidget(this);
    m_views->addTab(m_timeline, tr("Timeline"));
    m_views->addTab(m_compare, tr("Compare runs"));
    m_trialsChart = new TrialsChart(this);
    m_views->addTab(m_trialsChart, tr("Trials"));
    m_views->setTabToolTip(
        2,
        tr("Final values of repeated trials, without and with the lock; click a bar to see "
           "such a trial"));
    connect(m_trialsChart, &TrialsChart::barClicked, this,
            [this](int series, qint64 low, qint64 high) { showTrial(series, low, high); });
    m_views->setTabToolTip(1,
                           tr("Two or three finished runs of this scenario on one time axis, with the ratio "
                              "of their wall times"));
    // The GIL lab: cpu-vs-io in every mode, with the parameters shown when cpu-vs-io is selected.
    m_gilLab = new GilLabView(this);
    m_views->setTabToolTip(m_views->addTab(m_gilLab, tr("GIL lab")),
                           tr("Wall time and speedup of cpu-vs-io in every mode, CPU-bound and I/O-bound"));
    m_gilLab->setParameterSource([this] {
        if (!m_scenario || m_scenario->id != "cpu-vs-io")
            return std::map<std::string, std::string>{};
        m_params->commitEdits();
        return m_params->values();
    });
    // The lab times its runs: nothing else of the window's may share the cores with it, either way round.
    m_gilLab->setBlocker([this]() -> QString {
        if (m_trialRunner.running())
            return tr("trials are running; their runs would share the cores with the lab's and make its "
                      "times wrong. Wait for them or stop them (Esc).");
        if (m_controller.running())
            return tr("a run is under way; it would share the cores with the lab's runs and make their "
                      "times wrong. Wait for it or stop it (Esc).");
        return {};
    });
    connect(m_gilLab, &GilLabView::started, this, [this] {
        setRunning(true);
        m_runAction->setEnabled(true); // Ctrl+R says why nothing starts, rather than doing nothing
        m_stateLabel->setText(tr("GIL lab running"));
    });
    connect(m_gilLab, &GilLabView::finished, this, [this](bool cancelled) {
        setRunning(false);
        m_stateLabel->setText(cancelled ? tr("GIL lab stopped") : tr("GIL lab finished"));
    });
    // Focus: the one picture for runs whose timeline is a barcode; its title names the view it has.
    m_focus = new FocusWidget(this);
    const int focusTab = m_views->addTab(m_focus, focusTabTitle(FocusKind::Timeline));
    m_views->setTabToolTip(focusTab, m_focus->toolTip());
    connect(m_focus, &FocusWidget::viewChanged, this,
            [this, focusTab](FocusKind kind) { m_views->setTabText(focusTab, focusTabTitle(kind)); });
    setCentralWidget(m_views);
}

void MainWindow::buildDocks()
{
    // Left: scenarios grouped by lesson, what to look for, and the scenario's parameters. The panel's width
    // does not follow its texts (a long description or parameter name would widen the dock and shift the
    // tabs under the pointer), and the description and parameters scroll together below the list rather
    // than being squeezed: each field keeps its height in a small window.
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    m_browser = new QTreeWidget;
    m_browser->setHeaderHidden(true);
    m_browser->setToolTip(tr("Pick a scenario; each comes from a classic Python tutorial lesson."));
    m_browser->setMinimumHeight(m_browser->fontMetrics().height() * 5);
    leftLayout->addWidget(m_browser, 2);
    auto *details = new QWidget;
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    // The scenario's title, its parameters, then what to look for: the fields come first, so they are in
    // sight without scrolling past a long description.
    m_scenarioTitle = new QLabel;
    m_scenarioTitle->setWordWrap(true);
    m_scenarioTitle->setTextFormat(Qt::PlainText);
    m_scenarioTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont bold = m_scenarioTitle->font();
    bold.setBold(true);
    m_scenarioTitle->setFont(bold);
    detailsLayout->addWidget(m_scenarioTitle);
    m_params = new ParameterForm;
    m_params->setEditorEventFilter(this); // the window's shortcuts win over the editors' own keys
    connect(m_params, &ParameterForm::validityChanged, this, &MainWindow::updateRunButton);
    detailsLayout->addWidget(m_params);
    m_lookFor = new QLabel;
    m_lookFor->setWordWrap(true);
    m_lookFor->setTextFormat(Qt::PlainText);
    m_lookFor->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    detailsLayout->addWidget(m_lookFor);
    detailsLayout->addStretch(1);
    m_details = new QScrollArea;
    m_details->setObjectName(QStringLiteral("scenarioDetails"));
    m_details->setWidget(details);
    m_details->setWidgetResizable(true);
    m_details->setFrameShape(QFrame::NoFrame);
    m_details->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_details->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    m_details->setMinimumHeight(m_browser->fontMetrics().height() * 4);
    leftLayout->addWidget(m_details, 3);
    m_runButton = new QPushButton(tr("Run"));
    m_runButton->setObjectName(QStringLiteral("run"));
    m_runButton->setToolTip(tr("Run the scenario with these parameters (Ctrl+R)"));
    connect(m_runButton, &QPushButton::clicked, this, &MainWindow::runScenario);
    leftLayout->addWidget(m_runButton);
    // Wide enough for a parameter's name and its field side by side, whatever the scenario: the width is
    // the panel's own, not its texts'.
    left->setMinimumWidth(left->fontMetrics().averageCharWidth() * 34);
    dock(this, tr("Scenarios"), QStringLiteral("scenarios"), left, Qt::LeftDockWidgetArea);
    // The scenario panel runs the window's full height (the console stays beside it): in a small window
    // its list and fields get the height, not the console under it.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    connect(m_browser, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (!item)
            return;
        if (const core::Scenario *s = scenarioOf(item))
            showScenario(*s);
    });

    // Right: the tutorial's Python and what the runner actually executes; below it how the last run ended
    // (values, exits, lock contention).
    m_code = new CodePane;
    QDockWidget *codeDock = dock(this, tr("Code"), QStringLiteral("code"), m_code, Qt::RightDockWidgetArea);
    m_resultPanel = new ResultPanel;
    QDockWidget *resultDock
        = dock(this, tr("Result"), QStringLiteral("result"), m_resultPanel, Qt::RightDockWidgetArea);
    splitDockWidget(codeDock, resultDock, Qt::Vertical);

    // Bottom: the lines the workers printed, coloured per worker, and the run's processes as /proc lists
    // them, live.
    m_console = new ConsolePane;
    QDockWidget *consoleDock
        = dock(this, tr("Console"), QStringLiteral("console"), m_console, Qt::BottomDockWidgetArea);
    m_processPanel = new ProcessPanel;
    QDockWidget *processDock
        = dock(this, tr("Processes"), QStringLiteral("processes"), m_processPanel, Qt::BottomDockWidgetArea);
    splitDockWidget(consoleDock, processDock, Qt::Horizontal);
}

void MainWindow::buildStatusBar()
{
    m_stateLabel = new QLabel(tr("Ready"));
    m_stateLabel->setObjectName(QStringLiteral("runState"));
    m_elapsedLabel = new QLabel;
    m_elapsedLabel->setObjectName(QStringLiteral("elapsed"));
    m_workersLabel = new QLabel;
    m_lostLabel = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("trialProgress"));
    m_progress->setMaximumWidth(200);
    m_progress->setFormat(tr("%v of %m trials done"));
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    for (QLabel *label : {m_stateLabel, m_elapsedLabel, m_workersLabel, m_lostLabel})
        statusBar()->addPermanentWidget(label);
    m_statusTimer.setInterval(100);
    m_statusTimer.setObjectName(QStringLiteral("status bar")); // named for bench/latency_bench's profile
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_files->addActions(file); // Open Scenario…, Save a Copy…, recent files (main_window_files.cpp)
    file->addSeparator();
    addRunFileActions(file); // Open Run…, Save Run… (main_window_saved.cpp)
    m_exportAction = file->addAction(tr("&Export Picture..."), this, &MainWindow::exportTimeline);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportAction->setToolTip(
        tr("Save the timeline (or the comparison) as PNG, SVG or PDF for slides (Ctrl+E)"));
    QAction *copy = file->addAction(tr("&Copy Picture"), this, &MainWindow::copyPicture);
    copy->setShortcut(QKeySequence(tr("Ctrl+Shift+C")));
    copy->setToolTip(tr("Copy the timeline (or comparison) as a 1920×1080 picture to paste into slides"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    m_runAction = run->addAction(tr("&Run"), this, &MainWindow::runScenario);
    m_runAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_runAction->setToolTip(tr("Run the selected scenario (Ctrl+R)"));
    m_stopAction = run->addAction(tr("&Stop"), this, &MainWindow::stopAll);
    m_stopAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stopAction->setToolTip(tr("Stop the run: every worker is stopped at once (Esc)"));
    m_stopAction->setEnabled(false);
    run->addSeparator();
    m_replayAction = run->addAction(tr("Re&play Last Run"), this,
                                    [this] { startReplay(m_speed->currentData().toDouble()); });
    m_replayAction->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    m_replayAction->setToolTip(tr("Play the last run back slowly, with a moving playhead (Ctrl+Shift+R)"));
    m_replayAction->setEnabled(false);
    m_stepAction = run->addAction(tr("Step to Next &Event"), this, [this] { stepReplay(true); });
    m_stepAction->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_stepAction->setToolTip(
        tr("Replay one instant at a time; the status bar names what happened (Ctrl+Shift+N)"));
    m_stepAction->setEnabled(false);
    m_stepBackAction = run->addAction(tr("Step &Back"), this, [this] { stepReplay(false); });
    m_stepBackAction->setShortcut(QKeySequence(tr("Ctrl+Shift+B")));
    m_stepBackAction->setToolTip(tr("Go back one instant in the replay (Ctrl+Shift+B); Esc shows the whole "
                                    "run again"));
    m_stepBackAction->setEnabled(false);
    m_speed = new QComboBox;
    m_speed->addItem(tr("1×"), 1.0);
    m_speed->addItem(tr("½×"), 0.5);
    m_speed->addItem(tr("¼×"), 0.25);
    m_speed->addItem(tr("1/10×"), 0.1);
    m_speed->setToolTip(tr("Replay speed: the run's time per second of yours"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *fit = view->addAction(tr("&Fit All"), m_timeline, &TimelineWidget::fitAll);
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));
    view->addAction(tr("Zoom &In"), m_timeline, &TimelineWidget::zoomIn)->setShortcut(QKeySequence::ZoomIn);
    view->addAction(tr("Zoom &Out"), m_timeline, &TimelineWidget::zoomOut)
        ->setShortcut(QKeySequence::ZoomOut);
    m_nextLostAction = view->addAction(tr("Next &Lost Update"), this, &MainWindow::showNextLostUpdate);
    m_nextLostAction->setShortcut(QKeySequence(tr("Ctrl+L")));
    m_nextLostAction->setToolTip(
        tr("Zoom to where one worker's write undid another's: both read → write pairs "
           "with their values, the lost write crossed out (Ctrl+L; again for the next)"));
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    m_darkAction = view->addAction(tr("&Dark Theme"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::applyTheme);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Forkscope"), this, [this] {
        QMessageBox::about(this, tr("About Forkscope"),
                           tr("<b>Forkscope</b> runs real threads and forked processes and draws what they "
                              "do. Every bar on the timeline is something a real worker did."));
    });

    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolbar"));
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->addSeparator();
    bar->addAction(m_replayAction);
    bar->addWidget(m_speed);
    bar->addAction(m_stepBackAction);
    bar->addAction(m_stepAction);
    bar->addSeparator();
    bar->addAction(fit);
    bar->addAction(m_nextLostAction);
    bar->addAction(m_exportAction);
}

void MainWindow::fillBrowser()
{
    for (const core::Scenario &s : core::builtinScenarios())
        addBuiltinItem(m_browser, s);
}

bool MainWindow::selectScenario(const QString &id)
{
    for (QTreeWidgetItemIterator it(m_browser); *it; ++it) {
        if ((*it)->data(0, kScenarioIdRole).toString() == id) {
            m_browser->setCurrentItem(*it);
            return true;
        }
    }
    return false;
}

QString MainWindow::scenarioId() const { return m_scenario ? fromStd(m_scenario->id) : QString(); }

void MainWindow::showScenario(const core::Scenario &scenario)
{
    m_scenario = &scenario;
    m_scenarioTitle->setText(fromStd(scenario.title));
    m_lookFor->setText(fromStd(scenario.lookFor));
    m_params->setScenario(scenario);
    refreshCompare();
    m_code->showScenario(scenario);
    followScenario(scenario);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Line edits claim Ctrl+E (end of line) and other keys as shortcut overrides; give the window's own
    // shortcuts priority so Export, Run and Stop work wherever the focus is.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QKeySequence pressed(key->keyCombination());
        for (const QAction *action : {m_exportAction, m_runAction, m_stopAction, m_saveRunAction}) {
            if (action && action->isEnabled() && action->shortcut() == pressed) {
                event->ignore();
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

bool MainWindow::setParameter(const QString &name, const QString &value)
{
    return m_params->setValue(name, value);
}

std::string MainWindow::parameterProblem(const QString &name, const QString &value) const
{
    return m_params->problem(name, value);
}

void MainWindow::updateRunButton()
{
    m_runButton->setEnabled(m_params->valid() && !m_controller.running() && !m_trialRunner.running()
                            && !m_gilLab->running() && !m_runUnderWay && !m_opening);
}

PicturePainter MainWindow::currentPicture(const ExportOptions &options, QColor *background) const
{
    const Theme theme = m_dark ? Theme::dark() : Theme::light();
    *background = theme.background;
    if (m_views->currentWidget() == m_trialsChart) {
        TrialsChart *chart = m_trialsChart;
        return [chart](QPainter &painter, const QRectF &rect) { chart->paintTo(painter, rect); };
    }
    if (m_views->currentWidget() == m_gilLab) {
        SpeedupChart *chart = m_gilLab->chart();
        return [chart](QPainter &painter, const QRectF &rect) { chart->paintTo(painter, rect); };
    }
    if (m_views->currentWidget() == m_compare)
        return comparisonPainter(m_compare->comparison(), m_dark); // at slide sizes, whatever the window's
    if (m_views->currentWidget() == m_focus) {
        const FocusWidget *focus = m_focus;
        return [focus](QPainter &painter, const QRectF &rect) { focus->paintTo(painter, rect); };
    }
    const TimelineModel *model = m_timeline->model();
    const PaintOptions paint = exportPaintOptions(*model, options);
    *background = paint.theme.background;
    return [model, paint](QPainter &painter, const QRectF &rect) {
        paintTimeline(painter, *model, rect, paint);
    };
}

bool MainWindow::hasPicture() const
{
    if (m_views->currentWidget() == m_focus)
        return m_focus->hasView();
    if (m_views->currentWidget() == m_trialsChart)
        return std::any_of(m_trialsChart->data().series.begin(), m_trialsChart->data().series.end(),
                           [](const TrialSeries &s) { return !s.finals.empty(); });
    return m_timeline->model() && m_timeline->model()->laneCount() > 0;
}

void MainWindow::copyPicture()
{
    if (!hasPicture()) {
        statusBar()->showMessage(tr("Nothing to copy yet: run a scenario first."), 5000);
        return;
    }
    if (m_views->currentWidget() == m_compare && m_compare->comparison().runs.empty()) {
        statusBar()->showMessage(tr("Nothing to copy yet: tick the runs to compare first."), 5000);
        return;
    }
    ExportOptions options;
    options.title = fromStd(m_timeline->model()->title());
    const PaintOptions view = m_timeline->paintOptions();
    options.headline = view.headline;
    options.caption = view.caption;
    options.results = view.results;
    PictureSpec spec{options.size, 1, options.title, {}};
    const PicturePainter paint = currentPicture(options, &spec.background);
    QGuiApplication::clipboard()->setImage(renderPicture(spec, paint));
    statusBar()->showMessage(
        tr("Copied a %1×%2 picture to the clipboard").arg(spec.size.width()).arg(spec.size.height()), 5000);
}

void MainWindow::exportTimeline()
{
    if (!hasPicture()) {
        QMessageBox::information(this, tr("Export"),
                                 tr("Run a scenario first: there is nothing to export yet."));
        return;
    }
    if (m_views->currentWidget() == m_compare && m_compare->comparison().runs.empty()) {
        QMessageBox::information(this, tr("Export"), tr("Tick the runs to compare first: none is picked."));
        return;
    }
    const bool comparison = m_views->currentIndex() != 0; // the comparison or the trials chart
    const QString title
        = comparison ? tr("Export %1").arg(m_views->tabText(m_views->currentIndex())) : tr("Export Timeline");
    if (!askExportChoice(this, title, !comparison, m_exportChoice))
        return;
    const QString name
        = QStringLiteral("forkscope-%1%2.png")
              .arg(fromStd(m_scenario ? m_scenario->id : "run"),
                   comparison ? (m_views->currentWidget() == m_trialsChart  ? QStringLiteral("-trials")
                                     : m_views->currentWidget() == m_gilLab ? QStringLiteral("-gil-lab")
                                                                            : QStringLiteral("-compare"))
                              : QString());
    const QString suggested
        = QDir(m_exportFolder.isEmpty() ? QDir::homePath() : m_exportFolder).filePath(name);
    const QString path = QFileDialog::getSaveFileName(
        this, title, suggested, tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    const PaintOptions view = m_timeline->paintOptions();
    ExportOptions options = m_exportChoice.inView ? ExportOptions::forView(view) : ExportOptions{};
    options.size = m_exportChoice.size;
    options.scale = m_exportChoice.scale;
    options.title = fromStd(m_timeline->model()->title());
    // A slide: the run's lesson as its title, light unless dark was chosen in the dialog.
    options.headline = view.headline;
    options.caption = view.caption;
    options.results = view.results;
    options.dark = m_exportChoice.dark;
    options.details = m_exportChoice.details;
    PictureSpec spec{options.size, options.scale, options.title, {}};
    if (m_views->currentWidget() == m_compare)
        spec.title = m_compare->comparison().headline; // the file's title: what the slide says
    const PicturePainter paint = currentPicture(options, &spec.background);
    QString error;
    if (!exportPicture(path, spec, paint, &error)) {
        QMessageBox::critical(this, tr("Export failed"), error);
        return;
    }
    m_exportFolder = QFileInfo(path).absolutePath();
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
}

void MainWindow::showNextLostUpdate()
{
    const TimelineModel *model = m_timeline->model();
    const int index = m_timeline->showNextLostUpdate();
    if (index < 0) {
        QString why = tr("No lost update in this run: every update of a shared value counted.");
        if (!model)
            why = tr("No run yet: run the bank without its lock to see lost updates.");
        else if (model->live())
            why = tr("No lost update yet: they are found when the run ends.");
        else if (model->lostUpdatesPending())
            why = tr("Still looking for lost updates in this run: try again in a moment.");
        else if (!model->lostUpdatesComplete())
            why = tr("No lost update found, but this run's record of reads and writes is incomplete.");
        statusBar()->showMessage(why, 8000);
        return;
    }
    m_views->setCurrentWidget(m_timeline);
    const LostUpdateMark &mark = model->lostUpdates()[static_cast<std::size_t>(index)];
    const auto name = [model](std::uint32_t lane) { return fromStd(model->lane(lane).info.name); };
    QString text = tr("Lost update %1 of %2: %3 read %4 = %5 and wrote %6")
                       .arg(index + 1)
                       .arg(model->lostUpdates().size())
                       .arg(name(mark.lost.lane), fromStd(mark.lost.label))
                       .arg(mark.lost.read)
                       .arg(mark.lost.wrote);
    if (mark.overwritten())
        text += tr(", but %1 wrote %2 over it").arg(name(mark.lost.overwrittenBy)).arg(mark.overwriterWrote);
    statusBar()->showMessage(text, 15000);
}

void MainWindow::applyTheme(bool dark)
{
    m_dark = dark;
    m_focus->setDark(dark);
    static const QPalette lightPalette = QApplication::palette();
    if (dark) {
        // The panes take the timeline's dark theme, so the whole window is one piece.
        const Theme theme = Theme::dark();
        QPalette p;
        p.setColor(QPalette::Window, theme.headerBackground);
        p.setColor(QPalette::WindowText, theme.text);
        p.setColor(QPalette::Base, theme.background);
        p.setColor(QPalette::AlternateBase, theme.alternateRow);
        p.setColor(QPalette::Text, theme.text);
        p.setColor(QPalette::Button, theme.headerBackground);
        p.setColor(QPalette::ButtonText, theme.text);
        p.setColor(QPalette::Highlight, theme.stateColor(BarState::Sleeping));
        p.setColor(QPalette::HighlightedText, theme.background);
        p.setColor(QPalette::ToolTipBase, theme.headerBackground);
        p.setColor(QPalette::ToolTipText, theme.text);
        for (const auto role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText})
            p.setColor(QPalette::Disabled, role, theme.mutedText);
        QApplication::setPalette(p);
    } else {
        QApplication::setPalette(lightPalette);
    }
    m_timeline->setTheme(dark ? Theme::dark() : Theme::light());
    m_compare->setTheme(dark ? Theme::dark() : Theme::light());
    m_trialsChart->setDark(dark);
    m_gilLab->setDark(dark);
    m_code->setDark(dark);
    m_console->setDark(dark);
}

void MainWindow::loadSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_exportFolder = settings.value(QStringLiteral("export/folder")).toString();
    m_exportChoice.sizeIndex = std::clamp(settings.value(QStringLiteral("export/size"), 0).toInt(), 0, 1);
    m_exportChoice.scale = std::clamp(settings.value(QStringLiteral("export/scale"), 1).toInt(), 1, 3);
    m_darkAction->setChecked(settings.value(QStringLiteral("view/dark"), false).toBool());
    // Every scenario's parameters as they were left, each shown again when its scenario is picked.
    settings.beginGroup(QStringLiteral("params"));
    for (const QString &id : settings.childGroups()) {
        settings.beginGroup(id);
        std::map<std::string, std::string> values;
        for (const QString &key : settings.childKeys())
            values[key.toStdString()] = settings.value(key).toString().toStdString();
        settings.endGroup();
        m_params->remember(id.toStdString(), values);
    }
    settings.endGroup();
    const QString last = settings.value(QStringLiteral("scenario/last")).toString();
    if (!last.isEmpty())
        selectScenario(last);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("export/folder"), m_exportFolder);
    settings.setValue(QStringLiteral("export/size"), m_exportChoice.sizeIndex);
    settings.setValue(QStringLiteral("export/scale"), m_exportChoice.scale);
    settings.setValue(QStringLiteral("view/dark"), m_dark);
    if (m_scenario)
        settings.setValue(QStringLiteral("scenario/last"), fromStd(m_scenario->id));
    for (const auto &[id, values] : m_params->rememberedValues()) {
        settings.beginGroup(QStringLiteral("params/") + fromStd(id));
        for (const auto &[name, value] : values)
            settings.setValue(fromStd(name), fromStd(value));
        settings.endGroup();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_files->mayClose()) { // edits never saved: the user chose to keep the window
        event->ignore();
        return;
    }
    m_replay.pause();
    dropOpening(tr("the window was closed")); // its work on the thread pool stops at its next step
    m_controller.stop();                      // the run's processes end with it; ~Run reaps them
    m_trialRunner.stop();
    saveSettings();
    event->accept();
}

} // namespace forkscope::ui
