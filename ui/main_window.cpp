#include "ui/main_window.hpp"

#include "core/export/trace_export.hpp"
#include "ui/code_highlighter.hpp"
#include "ui/exporter.hpp"
#include "ui/process_panel.hpp"
#include "ui/result_panel.hpp"
#include "ui/timeline_widget.hpp"
#include "ui/gil_lab_view.hpp"
#include "ui/speedup_chart.hpp"
#include "ui/trials_chart.hpp"

#include <QAction>
#include <array>
#include <QApplication>
#include <QKeyEvent>
#include <QPalette>
#include <QScrollArea>
#include <QClipboard>
#include <QGuiApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextEdit>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace forkscope::ui {

namespace {

constexpr int kScenarioRole = Qt::UserRole + 1;

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

QString seconds(std::int64_t ns) { return QStringLiteral("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 3); }

QString loadResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QObject::tr("# (the code for this scenario is missing: %1)").arg(path);
    return QString::fromUtf8(file.readAll());
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Forkscope"));
    m_timeline = new TimelineWidget(this);
    m_timeline->setModel(&m_controller.model());
    m_compare = new CompareView(this);
    auto *compareScroll = new QScrollArea(this);
    compareScroll->setWidget(m_compare);
    compareScroll->setWidgetResizable(true);
    compareScroll->setFrameShape(QFrame::NoFrame);
    m_views = new QTabWidget(this);
    m_views->addTab(m_timeline, tr("Timeline"));
    m_views->addTab(compareScroll, tr("Compare runs"));
    m_trialsChart = new TrialsChart(this);
    m_views->addTab(m_trialsChart, tr("Trials"));
    m_views->setTabToolTip(2, tr("Final values of repeated trials, without and with the lock; click a bar to see "
                                 "such a trial"));
    connect(m_trialsChart, &TrialsChart::barClicked, this,
            [this](int series, qint64 value) { showTrial(series, value); });
    m_views->setTabToolTip(1, tr("Every finished run of this scenario on one time axis, with its wall time"));
    // The GIL lab: cpu-vs-io in every mode, with the parameters shown when cpu-vs-io is selected.
    m_gilLab = new GilLabView(this);
    m_views->setTabToolTip(m_views->addTab(m_gilLab, tr("GIL lab")),
                           tr("Wall time and speedup of cpu-vs-io in every mode, CPU-bound and I/O-bound"));
    m_gilLab->setParameterSource([this] {
        return m_scenario && m_scenario->id == "cpu-vs-io" ? parameterValues() : std::map<std::string, std::string>{};
    });
    setCentralWidget(m_views);

    buildDocks();
    buildActions();
    fillBrowser();
    highlightCode();

    m_stateLabel = new QLabel(tr("Ready"));
    m_elapsedLabel = new QLabel;
    m_workersLabel = new QLabel;
    m_lostLabel = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(200);
    m_progress->setFormat(tr("trial %v of %m"));
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    for (QLabel *label : {m_stateLabel, m_elapsedLabel, m_workersLabel, m_lostLabel})
        statusBar()->addPermanentWidget(label);
    m_statusTimer.setInterval(100);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);

    connect(&m_controller, &RunController::started, this, &MainWindow::onStarted);
    connect(&m_controller, &RunController::updated, this, &MainWindow::onUpdated);
    connect(&m_controller, &RunController::finished, this, &MainWindow::onFinished);
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

void MainWindow::buildDocks()
{
    // Left: scenarios grouped by lesson, what to look for, and the scenario's parameters.
    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    m_browser = new QTreeWidget;
    m_browser->setHeaderHidden(true);
    m_browser->setToolTip(tr("Pick a scenario; each comes from a classic Python tutorial lesson."));
    leftLayout->addWidget(m_browser, 2);
    m_lookFor = new QLabel;
    m_lookFor->setWordWrap(true);
    m_lookFor->setTextFormat(Qt::RichText);
    leftLayout->addWidget(m_lookFor);
    m_paramsBox = new QWidget;
    m_paramsForm = new QFormLayout(m_paramsBox);
    m_paramsForm->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_paramsBox);
    m_paramProblem = new QLabel;
    m_paramProblem->setWordWrap(true);
    m_paramProblem->setStyleSheet(QStringLiteral("color: #D55E00"));
    m_paramProblem->hide();
    leftLayout->addWidget(m_paramProblem);
    m_runButton = new QPushButton(tr("Run"));
    m_runButton->setObjectName(QStringLiteral("run"));
    m_runButton->setToolTip(tr("Run the scenario with these parameters (Ctrl+R)"));
    connect(m_runButton, &QPushButton::clicked, this, &MainWindow::runScenario);
    leftLayout->addWidget(m_runButton);
    auto *leftDock = new QDockWidget(tr("Scenarios"), this);
    leftDock->setObjectName(QStringLiteral("scenarios"));
    leftDock->setWidget(left);
    addDockWidget(Qt::LeftDockWidgetArea, leftDock);
    connect(m_browser, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (!item)
            return;
        const QString id = item->data(0, kScenarioRole).toString();
        if (const core::Scenario *s = core::findScenario(id.toStdString()))
            showScenario(*s);
    });

    // Right: the tutorial's Python and what the runner actually executes.
    m_codeTabs = new QTabWidget;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_python = new QPlainTextEdit;
    m_plan = new QPlainTextEdit;
    for (QPlainTextEdit *edit : {m_python, m_plan}) {
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_codeTabs->addTab(m_python, tr("Python (tutorial)"));
    m_codeTabs->addTab(m_plan, tr("What runs (C++)"));
    auto *codeDock = new QDockWidget(tr("Code"), this);
    codeDock->setObjectName(QStringLiteral("code"));
    codeDock->setWidget(m_codeTabs);
    addDockWidget(Qt::RightDockWidgetArea, codeDock);

    // Right, below the code: how the last run ended (values, exits, lock contention).
    m_resultPanel = new ResultPanel;
    auto *resultDock = new QDockWidget(tr("Result"), this);
    resultDock->setObjectName(QStringLiteral("result"));
    resultDock->setWidget(m_resultPanel);
    addDockWidget(Qt::RightDockWidgetArea, resultDock);
    splitDockWidget(codeDock, resultDock, Qt::Vertical);

    // Bottom: the lines the workers printed, in the order they printed them, coloured per worker.
    m_console = new QTextEdit;
    m_console->setReadOnly(true);
    m_console->setFont(mono);
    m_console->setToolTip(tr("What the workers printed, in the order it happened"));
    auto *consoleDock = new QDockWidget(tr("Console"), this);
    consoleDock->setObjectName(QStringLiteral("console"));
    consoleDock->setWidget(m_console);
    addDockWidget(Qt::BottomDockWidgetArea, consoleDock);

    // Bottom right: the run's processes as /proc lists them, live.
    m_processPanel = new ProcessPanel;
    auto *processDock = new QDockWidget(tr("Processes"), this);
    processDock->setObjectName(QStringLiteral("processes"));
    processDock->setWidget(m_processPanel);
    addDockWidget(Qt::BottomDockWidgetArea, processDock);
    splitDockWidget(consoleDock, processDock, Qt::Horizontal);
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_exportAction = file->addAction(tr("&Export Picture..."), this, &MainWindow::exportTimeline);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportAction->setToolTip(tr("Save the timeline (or the comparison) as PNG, SVG or PDF for slides (Ctrl+E)"));
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
    m_replayAction = run->addAction(tr("Re&play Last Run"), this, [this] {
        startReplay(m_speed->currentData().toDouble());
    });
    m_replayAction->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    m_replayAction->setToolTip(tr("Play the last run back slowly, with a moving playhead (Ctrl+Shift+R)"));
    m_replayAction->setEnabled(false);
    m_stepAction = run->addAction(tr("Step to Next &Event"), this, [this] {
        if (!m_replay.loaded())
            return;
        if (m_timeline->model() != &m_replay.model()) {
            startReplay(1.0);
            m_replay.rewind();
        }
        m_replay.step();
        m_stateLabel->setText(tr("Replay: step"));
    });
    m_stepAction->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_stepAction->setToolTip(tr("Replay one event at a time (Ctrl+Shift+N)"));
    m_stepAction->setEnabled(false);
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
    view->addAction(tr("Zoom &Out"), m_timeline, &TimelineWidget::zoomOut)->setShortcut(QKeySequence::ZoomOut);
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
    bar->addAction(m_stepAction);
    bar->addSeparator();
    bar->addAction(fit);
    bar->addAction(m_exportAction);
}

void MainWindow::fillBrowser()
{
    QMap<QString, QTreeWidgetItem *> lessons;
    for (const core::Scenario &s : core::builtinScenarios()) {
        const QString lesson = fromStd(s.lesson);
        QTreeWidgetItem *group = lessons.value(lesson);
        if (!group) {
            group = new QTreeWidgetItem(m_browser, {lesson});
            group->setFlags(Qt::ItemIsEnabled);
            group->setExpanded(true);
            lessons.insert(lesson, group);
        }
        auto *item = new QTreeWidgetItem(group, {fromStd(s.title)});
        item->setData(0, kScenarioRole, fromStd(s.id));
        item->setToolTip(0, fromStd(s.summary));
    }
}

bool MainWindow::selectScenario(const QString &id)
{
    for (QTreeWidgetItemIterator it(m_browser); *it; ++it) {
        if ((*it)->data(0, kScenarioRole).toString() == id) {
            m_browser->setCurrentItem(*it);
            return true;
        }
    }
    return false;
}

void MainWindow::showScenario(const core::Scenario &scenario)
{
    m_scenario = &scenario;
    m_lookFor->setText(tr("<b>%1</b><br>%2").arg(fromStd(scenario.title).toHtmlEscaped(),
                                                  fromStd(scenario.lookFor).toHtmlEscaped()));
    rebuildParameters(scenario);
    refreshCompare();
    m_python->setPlainText(loadResource(QStringLiteral(":/scenarios/") + fromStd(scenario.codeFile)));
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (core::buildPlan(scenario, {}, plan, values, error))
        m_plan->setPlainText(describePlan(plan));
}

void MainWindow::highlightCode()
{
    // One highlighter per document, replaced when the theme changes (they re-colour on their own as the
    // text changes).
    delete m_pythonHighlighter;
    delete m_planHighlighter;
    m_pythonHighlighter = new CodeHighlighter(m_python->document(), CodeHighlighter::Language::Python, m_dark);
    m_planHighlighter = new CodeHighlighter(m_plan->document(), CodeHighlighter::Language::Cpp, m_dark);
}

void MainWindow::rebuildParameters(const core::Scenario &scenario)
{
    while (m_paramsForm->rowCount() > 0)
        m_paramsForm->removeRow(0);
    m_paramEditors.clear();
    for (const core::ParamSpec &spec : scenario.params) {
        QWidget *editor = nullptr;
        const QString def = fromStd(spec.defaultValue);
        switch (spec.type) {
        case core::ParamSpec::Type::Choice: {
            auto *combo = new QComboBox;
            for (const std::string &c : spec.choices)
                combo->addItem(fromStd(c));
            combo->setCurrentText(def);
            editor = combo;
            break;
        }
        case core::ParamSpec::Type::Integer: {
            // Spin boxes refuse what is out of range as it is typed.
            auto *spin = new QSpinBox;
            spin->setRange(static_cast<int>(spec.min), static_cast<int>(spec.max));
            spin->setValue(def.toInt());
            editor = spin;
            break;
        }
        case core::ParamSpec::Type::Number: {
            auto *spin = new QDoubleSpinBox;
            // Enough decimals for the smallest meaningful value: a 200 us think time, a 0.001 time scale.
            spin->setDecimals(spec.max <= 1 ? 6 : spec.name == "time-scale" ? 4 : 3);
            spin->setRange(spec.min, spec.max);
            spin->setSingleStep(spec.name == "time-scale" ? 0.1 : 0.5);
            spin->setValue(def.toDouble());
            editor = spin;
            break;
        }
        }
        editor->setToolTip(fromStd(spec.help + " (" + spec.allowed() + ")"));
        editor->setObjectName(fromStd(spec.name));
        editor->installEventFilter(this); // the window's shortcuts win over the editors' own keys
        if (auto *combo = qobject_cast<QComboBox *>(editor))
            connect(combo, &QComboBox::currentTextChanged, this, &MainWindow::validateParameters);
        else if (auto *spin = qobject_cast<QSpinBox *>(editor))
            connect(spin, &QSpinBox::valueChanged, this, &MainWindow::validateParameters);
        else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(editor))
            connect(dspin, &QDoubleSpinBox::valueChanged, this, &MainWindow::validateParameters);
        m_paramsForm->addRow(fromStd(spec.name), editor);
        m_paramEditors.insert(fromStd(spec.name), editor);
    }
    validateParameters();
}

void MainWindow::validateParameters()
{
    if (!m_scenario)
        return;
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    const bool ok = core::buildPlan(*m_scenario, parameterValues(), plan, values, error);
    m_paramProblem->setText(fromStd(error));
    m_paramProblem->setVisible(!ok);
    m_runButton->setEnabled(ok && !m_controller.running());
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // Line edits claim Ctrl+E (end of line) and other keys as shortcut overrides; give the window's own
    // shortcuts priority so Export, Run and Stop work wherever the focus is.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QKeySequence pressed(key->keyCombination());
        for (const QAction *action : {m_exportAction, m_runAction, m_stopAction}) {
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
    QWidget *editor = m_paramEditors.value(name);
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        const int index = combo->findText(value);
        if (index < 0)
            return false;
        combo->setCurrentIndex(index);
        return true;
    }
    bool ok = false;
    if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
        const int v = value.toInt(&ok);
        if (!ok || v < spin->minimum() || v > spin->maximum())
            return false;
        spin->setValue(v);
        return true;
    }
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(editor)) {
        const double v = value.toDouble(&ok);
        if (!ok || v < spin->minimum() || v > spin->maximum())
            return false;
        spin->setValue(v);
        return true;
    }
    return false;
}

std::string MainWindow::parameterProblem(const QString &name, const QString &value) const
{
    if (!m_scenario)
        return "no scenario is selected";
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (core::buildPlan(*m_scenario, {{name.toStdString(), value.toStdString()}}, plan, values, error))
        return "--" + name.toStdString() + " '" + value.toStdString() + "' cannot be shown in the window";
    return error;
}

std::map<std::string, std::string> MainWindow::parameterValues() const
{
    std::map<std::string, std::string> values;
    for (auto it = m_paramEditors.begin(); it != m_paramEditors.end(); ++it) {
        QString text;
        if (auto *combo = qobject_cast<QComboBox *>(it.value()))
            text = combo->currentText();
        else if (auto *spin = qobject_cast<QSpinBox *>(it.value()))
            text = QString::number(spin->value());
        else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(it.value()))
            text = QString::number(dspin->value(), 'g', 10);
        values[it.key().toStdString()] = text.toStdString();
    }
    return values;
}

bool MainWindow::runScenario()
{
    if (!m_scenario || m_controller.running())
        return false;
    m_replay.pause();
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (!core::buildPlan(*m_scenario, parameterValues(), plan, values, error)) {
        validateParameters(); // shows why, under the parameters
        statusBar()->showMessage(tr("Cannot run: %1").arg(fromStd(error)), 8000);
        return false;
    }
    m_plan->setPlainText(describePlan(plan));
    m_runPlan = plan;
    m_runTitle = tr("%1 — %2").arg(fromStd(m_scenario->id), fromStd(plan.kind));
    if (plan.timeScale != 1)
        m_runTitle += tr(" (time scale %1)").arg(plan.timeScale);
    m_trialsTotal = m_scenario->param("trials") ? values.integer("trials") : 1;
    m_trialsLeft = m_trialsTotal;
    m_trials = {};
    m_runLocked = m_scenario->param("lock") && values.flag("lock") ? 1 : 0;
    if (m_trialsTotal > 1)
        m_trialSets[m_runLocked] = {};
    if (m_scenario->expected)
        m_trials.expected = m_scenario->expected(values);
    m_shownTrial.reset();
    m_console->clear();
    m_resultPanel->clearResult();
    m_progress->setRange(0, m_trialsTotal);
    m_progress->setValue(0);
    m_progress->setVisible(m_trialsTotal > 1);
    return startPlan();
}

bool MainWindow::startPlan()
{
    QString why;
    const QString title = m_trialsTotal > 1
                              ? m_runTitle + tr(" — trial %1 of %2").arg(m_trialsTotal - m_trialsLeft + 1).arg(m_trialsTotal)
                              : m_runTitle;
    --m_trialsLeft;
    if (!m_controller.start(m_runPlan, title, &why)) {
        m_trialsLeft = 0;
        QMessageBox::critical(this, tr("Cannot run"), why);
        return false;
    }
    return true;
}

bool MainWindow::onTrialFinished(const core::RunResult &result)
{
    if (m_trialsTotal <= 1)
        return false;
    if (result.cancelled || result.failed()) {
        m_trialsLeft = 0;
        return false;
    }
    const std::int64_t final = result.lanes[0].read.empty() ? 0 : result.lanes[0].read.back();
    m_trials.finals.push_back(final);
    const bool wrong = m_scenario && m_scenario->expected && final != m_trials.expected;
    m_progress->setValue(static_cast<int>(m_trials.finals.size()));
    TrialSet &set = m_trialSets[m_runLocked];
    set.finals.push_back(final);
    if (!set.firstWithValue.count(final))
        set.firstWithValue[final] = {set.finals.size(), std::make_shared<const TimelineModel>(m_controller.model())};
    refreshTrialsChart(); // the histogram fills as trials complete
    // Keep the first trial that went wrong (else the latest) to show when all are done.
    if (!m_shownTrial || (wrong && m_trials.wrong() == 1) || m_trials.wrong() == 0) {
        m_shownTrial = std::make_shared<const TimelineModel>(m_controller.model());
        m_shownEvents = m_controller.lastEvents();
        m_shownResult = result;
    }
    if (m_trialsLeft > 0) {
        QTimer::singleShot(0, this, [this] { startPlan(); });
        return true;
    }
    m_timeline->setModel(m_shownTrial.get());
    const QString verdict = tr("wrong in %1 of %2 trials (expected %3)")
                                .arg(m_trials.wrong())
                                .arg(m_trials.finals.size())
                                .arg(m_trials.expected);
    m_timeline->setTitle(m_runTitle + QStringLiteral(" — ") + verdict
                         + (m_trials.wrong() ? tr("; shown: the first wrong trial") : QString()));
    m_console->append(QStringLiteral("<b>%1</b>").arg(verdict.toHtmlEscaped()));
    m_progress->hide();
    return false;
}

void MainWindow::onStarted()
{
    m_views->setCurrentWidget(m_timeline);
    m_timeline->setModel(&m_controller.model());
    m_timeline->setTitle(fromStd(m_controller.model().title()));
    m_timeline->setFollowing(true);
    m_runAction->setEnabled(false);
    m_runButton->setEnabled(false);
    m_replayAction->setEnabled(false);
    m_stepAction->setEnabled(false);
    m_stopAction->setEnabled(true);
    m_stateLabel->setText(tr("Running"));
    m_statusTimer.start();
    m_processPanel->follow(m_controller.runnerPid());
}

QColor MainWindow::laneColour(std::uint32_t lane) const
{
    // Okabe-Ito hues, darker on light backgrounds so the text stays readable.
    static const std::array<QRgb, 8> light{0x333333, 0x005A9C, 0xA05000, 0x007A55, 0x9B3078, 0x8A6D00, 0xB33C00, 0x2F6EA0};
    static const std::array<QRgb, 8> dark{0xEEEEEE, 0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0xF0E442, 0xD55E00, 0x90C8F0};
    const std::size_t index = lane == 0 ? 0 : 1 + (lane - 1) % 7;
    return QColor(m_dark ? dark[index] : light[index]);
}

void MainWindow::onUpdated(const QVector<PrintedLine> &lines)
{
    m_timeline->modelUpdated();
    appendConsole(m_controller.model(), lines);
}

void MainWindow::appendConsole(const TimelineModel &model, const QVector<PrintedLine> &lines)
{
    if (lines.isEmpty())
        return;
    QString html;
    for (const PrintedLine &line : lines) {
        const QString who = line.lane < model.laneCount() ? fromStd(model.lane(line.lane).info.name) : QString();
        // white-space: pre keeps a printed table's columns (HTML would fold its runs of spaces).
        html += QStringLiteral("<span style=\"color:%1; white-space:pre\">[%2 %3] %4</span><br>")
                    .arg(laneColour(line.lane).name(), seconds(line.timeNs), who.toHtmlEscaped(),
                         line.text.toHtmlEscaped());
    }
    html.chop(4);
    m_console->append(html);
}

void MainWindow::onFinished(const core::RunResult &result)
{
    m_timeline->modelUpdated();
    m_processPanel->stopFollowing();
    if (onTrialFinished(result))
        return; // the next trial is on its way
    const bool trialsDone = m_trialsTotal > 1 && m_shownTrial;
    m_runAction->setEnabled(true);
    m_stopAction->setEnabled(false);
    validateParameters();
    m_statusTimer.stop();
    m_resultPanel->showResult(trialsDone ? m_shownResult : result);
    if (trialsDone)
        m_replay.load(m_shownEvents, m_shownResult, m_shownTrial->title());
    else
        m_replay.load(m_controller.lastEvents(), result, m_controller.model().title());
    m_replayAction->setEnabled(true);
    m_stepAction->setEnabled(true);
    if (m_scenario && !result.failed() && !trialsDone) {
        std::vector<PastRun> &history = m_history[fromStd(m_scenario->id)];
        history.push_back({parameterLabel(), result.wallNs,
                           std::make_shared<const TimelineModel>(m_controller.model())});
        constexpr std::size_t kKeep = 6;
        if (history.size() > kKeep)
            history.erase(history.begin());
        refreshCompare();
    }
    QString state = result.cancelled ? tr("Stopped") : tr("Finished");
    if (result.failed())
        state = tr("Failed: %1").arg(fromStd(result.error));
    m_stateLabel->setText(state);
    int crashed = 0;
    for (std::size_t i = 1; i < result.lanes.size(); ++i)
        crashed += result.lanes[i].signal != 0 && !result.lanes[i].cancelled;
    if (result.cancelled)
        m_timeline->setTitle(fromStd(m_controller.model().title()) + tr(" — stopped"));
    QString summary = tr("%1 in %2").arg(state, seconds(result.wallNs));
    if (trialsDone)
        summary = tr("%1: wrong in %2 of %3 trials").arg(state).arg(m_trials.wrong()).arg(m_trials.finals.size());
    if (crashed)
        summary += tr(", %n worker(s) killed by a signal", nullptr, crashed);
    statusBar()->showMessage(summary, 10000);
    updateStatus();
}

void MainWindow::refreshTrialsChart()
{
    std::vector<TrialSeries> series{{tr("without lock"), m_trialSets[0].finals}, {tr("with lock"), m_trialSets[1].finals}};
    m_trialsChart->setData(tr("Final balances over the trials"), m_trials.expected, series);
}

bool MainWindow::showTrial(int series, std::int64_t value)
{
    if (series < 0 || series > 1)
        return false;
    const TrialSet &set = m_trialSets[series];
    const auto it = set.firstWithValue.find(value);
    if (it == set.firstWithValue.end())
        return false;
    m_timeline->setModel(it->second.model.get());
    m_timeline->setTitle(tr("%1 — trial %2 %3: final %4")
                             .arg(m_runTitle)
                             .arg(it->second.trial)
                             .arg(series ? tr("with lock") : tr("without lock"))
                             .arg(value));
    m_views->setCurrentWidget(m_timeline);
    return true;
}

void MainWindow::startReplay(double speed)
{
    if (!m_replay.loaded() || m_controller.running())
        return;
    m_console->clear();
    m_views->setCurrentWidget(m_timeline);
    m_replay.rewind();
    m_timeline->setModel(&m_replay.model());
    m_timeline->setTitle(fromStd(m_replay.model().title()));
    m_timeline->setFollowing(true);
    m_replay.play(speed);
    m_stopAction->setEnabled(true);
    m_stateLabel->setText(tr("Replay at %1").arg(m_speed->itemText(m_speed->findData(speed))));
}

void MainWindow::showReplay(const QVector<PrintedLine> &lines)
{
    if (m_timeline->model() != &m_replay.model())
        return;
    m_timeline->modelUpdated();
    appendConsole(m_replay.model(), lines);
    m_elapsedLabel->setText(tr("Playhead %1").arg(seconds(m_replay.playheadNs())));
}

void MainWindow::stopAll()
{
    m_trialsLeft = 0;
    if (m_controller.running()) {
        m_controller.stop();
        return;
    }
    m_replay.pause();
    m_stopAction->setEnabled(false);
    m_stateLabel->setText(tr("Replay paused"));
}

QString MainWindow::parameterLabel() const
{
    QStringList parts;
    for (const auto &[name, value] : parameterValues())
        if (name != "time-scale")
            parts << fromStd(name + " " + value);
    return parts.join(QStringLiteral(", "));
}

void MainWindow::refreshCompare()
{
    if (!m_scenario)
        return;
    const QString id = fromStd(m_scenario->id);
    m_compare->setRuns(m_history.value(id), tr("Compare: %1").arg(fromStd(m_scenario->title)));
}

void MainWindow::updateStatus()
{
    m_elapsedLabel->setText(tr("Elapsed %1").arg(seconds(m_controller.elapsedNs())));
    m_workersLabel->setText(tr("Workers running: %1").arg(m_controller.liveWorkers()));
    const auto lost = m_controller.lostEvents();
    m_lostLabel->setText(tr("Lost events: %1").arg(lost));
    m_lostLabel->setStyleSheet(lost ? QStringLiteral("color: #D55E00; font-weight: bold") : QString());
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
    if (m_views->currentIndex() == 1) {
        const std::vector<PastRun> runs = m_compare->runs();
        const QString title = m_compare->title();
        return [runs, title, theme](QPainter &painter, const QRectF &rect) {
            paintComparison(painter, rect, runs, title, theme);
        };
    }
    const TimelineModel *model = m_timeline->model();
    const PaintOptions paint = exportPaintOptions(*model, options);
    return [model, paint](QPainter &painter, const QRectF &rect) { paintTimeline(painter, *model, rect, paint); };
}

void MainWindow::copyPicture()
{
    if (!m_timeline->model() || m_timeline->model()->laneCount() == 0) {
        statusBar()->showMessage(tr("Nothing to copy yet: run a scenario first."), 5000);
        return;
    }
    ExportOptions options;
    options.title = fromStd(m_timeline->model()->title());
    options.dark = m_dark;
    PictureSpec spec{options.size, 1, options.title, {}};
    const PicturePainter paint = currentPicture(options, &spec.background);
    QGuiApplication::clipboard()->setImage(renderPicture(spec, paint));
    statusBar()->showMessage(tr("Copied a %1×%2 picture to the clipboard").arg(spec.size.width()).arg(spec.size.height()),
                             5000);
}

void MainWindow::exportTimeline()
{
    if (!m_timeline->model() || m_timeline->model()->laneCount() == 0) {
        QMessageBox::information(this, tr("Export"), tr("Run a scenario first: there is nothing to export yet."));
        return;
    }
    const bool comparison = m_views->currentIndex() != 0; // the comparison or the trials chart
    // A small dialog: size preset, scale, whole run or the current view; then the file name.
    QDialog dialog(this);
    dialog.setWindowTitle(comparison ? tr("Export %1").arg(m_views->tabText(m_views->currentIndex())) : tr("Export Timeline"));
    auto *form = new QFormLayout(&dialog);
    auto *size = new QComboBox;
    size->addItem(tr("1920 × 1080 (16:9)"), QSize(kExportSizeWide));
    size->addItem(tr("1600 × 1200 (4:3)"), QSize(kExportSizeClassic));
    size->setCurrentIndex(m_exportSize);
    auto *scale = new QComboBox;
    scale->addItems({QStringLiteral("1×"), QStringLiteral("2×"), QStringLiteral("3×")});
    scale->setCurrentIndex(m_exportScale - 1);
    scale->setToolTip(tr("PNG only: pixels per point"));
    auto *what = new QComboBox;
    what->addItem(tr("The whole run"));
    what->addItem(tr("What is in view now (time window and lanes)"));
    what->setEnabled(!comparison);
    form->addRow(tr("Size"), size);
    form->addRow(tr("PNG scale"), scale);
    form->addRow(tr("Show"), what);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_exportSize = size->currentIndex();
    m_exportScale = scale->currentIndex() + 1;

    const QString name = QStringLiteral("forkscope-%1%2.png")
                             .arg(fromStd(m_scenario ? m_scenario->id : "run"),
                                  comparison ? (m_views->currentWidget() == m_trialsChart ? QStringLiteral("-trials")
                                                : m_views->currentWidget() == m_gilLab ? QStringLiteral("-gil-lab")
                                                                                       : QStringLiteral("-compare"))
                                             : QString());
    const QString suggested = QDir(m_exportFolder.isEmpty() ? QDir::homePath() : m_exportFolder).filePath(name);
    const QString path = QFileDialog::getSaveFileName(this, dialog.windowTitle(), suggested,
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    ExportOptions options = what->currentIndex() == 1 ? ExportOptions::forView(m_timeline->paintOptions())
                                                      : ExportOptions{};
    options.size = size->currentData().toSize();
    options.scale = m_exportScale;
    options.title = fromStd(m_timeline->model()->title());
    options.dark = m_dark;
    PictureSpec spec{options.size, options.scale, options.title, {}};
    const PicturePainter paint = currentPicture(options, &spec.background);
    QString error;
    if (!exportPicture(path, spec, paint, &error)) {
        QMessageBox::critical(this, tr("Export failed"), error);
        return;
    }
    m_exportFolder = QFileInfo(path).absolutePath();
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 8000);
}

void MainWindow::applyTheme(bool dark)
{
    m_dark = dark;
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
    highlightCode();
}

QString MainWindow::describePlan(const core::Plan &plan) const
{
    // The plan the runner interprets, written as the C++ it amounts to.
    QString out = QStringLiteral("// forkscope-runner executes this plan (time scale %1)\n").arg(plan.timeScale);
    if (plan.gil)
        out += QStringLiteral("// every thread holds its process's GIL (core/gil.hpp) while it runs, and releases it\n"
                              "// around sleep and join; switch interval %1 s; each forked process has its own GIL\n")
                   .arg(plan.switchInterval);
    const bool processes = std::any_of(plan.workers.begin(), plan.workers.end(),
                                       [](const core::WorkerPlan &w) { return w.kind == core::WorkerKind::Process; });
    const auto steps = [&](const std::vector<core::Step> &list, const QString &indent) {
        QString text;
        int loopLeft = 0;
        for (const core::Step &s : list) {
            const QString in = loopLeft > 0 ? indent + QStringLiteral("    ") : indent;
            switch (s.op) {
            case core::StepOp::Print:
                text += in + QStringLiteral("print(\"%1\");\n").arg(fromStd(s.text));
                break;
            case core::StepOp::Sleep:
                text += in + QStringLiteral("sleep_for(%1s);  // futex wait, wakes on Stop\n").arg(s.seconds);
                break;
            case core::StepOp::Compute:
                text += in + QStringLiteral("compute_for(%1s);\n").arg(s.seconds);
                break;
            case core::StepOp::ForEach:
                text += in + QStringLiteral("for (auto x : items) {\n");
                loopLeft = static_cast<int>(s.count) + 1;
                break;
            case core::StepOp::Power:
                text += in + QStringLiteral("r = pow(x, %1);\n").arg(s.count);
                break;
            case core::StepOp::Crash:
                text += in + QStringLiteral("raise(%1);\n").arg(fromStd(core::signalName(static_cast<int>(s.count))));
                break;
            case core::StepOp::Exit:
                text += in + QStringLiteral("_exit(%1);\n").arg(s.count);
                break;
            case core::StepOp::Start:
                text += in + QStringLiteral("for (auto &w : workers) w.start();  // %1\n").arg(fromStd(plan.kind));
                break;
            case core::StepOp::Join:
                text += in + QStringLiteral("for (auto &w : workers) w.join();\n");
                break;
            case core::StepOp::Read:
                text += in + QStringLiteral("r = %1.load(std::memory_order_relaxed);  // one load\n")
                                 .arg(fromStd(s.text) + (s.count ? QStringLiteral("[%1]").arg(s.count) : QString()));
                break;
            case core::StepOp::Write:
                text += in + QStringLiteral("%1.store(r, std::memory_order_relaxed);  // a separate store\n")
                                 .arg(fromStd(s.text) + (s.count ? QStringLiteral("[%1]").arg(s.count) : QString()));
                break;
            case core::StepOp::Set:
                text += in + QStringLiteral("r = %1;\n").arg(s.count);
                break;
            case core::StepOp::Add:
                text += in + QStringLiteral("r += %1;\n").arg(s.count);
                break;
            case core::StepOp::Mul:
                text += in + QStringLiteral("r *= %1;\n").arg(s.count);
                break;
            case core::StepOp::Lock:
                text += in + (processes ? QStringLiteral("pthread_mutex_lock(&lock[%1]);  // process-shared, robust\n")
                                        : QStringLiteral("lock[%1].lock();  // std::mutex\n"))
                                 .arg(s.count);
                break;
            case core::StepOp::Unlock:
                text += in + (processes ? QStringLiteral("pthread_mutex_unlock(&lock[%1]);\n")
                                        : QStringLiteral("lock[%1].unlock();\n"))
                                 .arg(s.count);
                break;
            case core::StepOp::Snapshot:
                text += in + QStringLiteral("puts(\"%1\"); print_process_table(getpgrp());  // from /proc\n")
                                 .arg(fromStd(s.text));
                break;
            case core::StepOp::Yield:
                text += in + QStringLiteral("sched_yield();  // let the other worker in between\n");
                break;
            case core::StepOp::Append:
                text += in + QStringLiteral("%1.append(r);  // length in [0], then the item\n").arg(fromStd(s.text));
                break;
            // Queues, pipes and pools.
            case core::StepOp::Repeat:
                text += in + QStringLiteral("for (;;) {  // until a get/recv ends it\n");
                loopLeft = static_cast<int>(s.count) + 1;
                break;
            case core::StepOp::Put:
                text += in + QStringLiteral("queue[%1].put({r, \"%2\"});  // shared-memory ring, robust mutex + futex\n")
                                 .arg(s.count).arg(fromStd(s.text));
                break;
            case core::StepOp::Get:
                text += in + (s.text.empty() ? QStringLiteral("msg = queue[%1].get();  // blocks while empty\n").arg(s.count)
                                             : QStringLiteral("msg = queue[%1].get(); if (msg == \"%2\") break;\n")
                                                   .arg(s.count).arg(fromStd(s.text)));
                break;
            case core::StepOp::Close:
                text += in + QStringLiteral("queue[%1].close();\n").arg(s.count);
                break;
            case core::StepOp::Send:
                text += in + QStringLiteral("send(end[%1], {r, \"%2\"});  // one datagram on a socketpair\n")
                                 .arg(s.count).arg(fromStd(s.text));
                break;
            case core::StepOp::Recv:
                text += in + (s.text.empty() ? QStringLiteral("msg = recv(end[%1]);\n").arg(s.count)
                                             : QStringLiteral("msg = recv(end[%1]); if (msg == \"%2\") break;\n")
                                                   .arg(s.count).arg(fromStd(s.text)));
                break;
            case core::StepOp::SleepRandom:
                text += in + QStringLiteral("sleep_for(uniform(0, %1s));\n").arg(s.seconds);
                break;
            case core::StepOp::Serve:
                text += in + QStringLiteral("while (auto task = tasks.get()) results.put(f(task.x));  // pool %1\n").arg(s.count);
                break;
            case core::StepOp::Map:
                text += in + QStringLiteral("r = sum(pool[%1].map(f, items, chunk));  // results in input order\n").arg(s.count);
                break;
            case core::StepOp::Submit:
                text += in + QStringLiteral("for (auto x : items) futures.push_back(pool[%1].submit(f, x));\n").arg(s.count);
                break;
            case core::StepOp::Wait:
                text += in + QStringLiteral("for (auto &f : as_completed(futures)) print(f.result());\n");
                break;
            case core::StepOp::Shutdown:
                text += in + QStringLiteral("pool[%1].close();  // workers end when the task queue is empty\n").arg(s.count);
                break;
            case core::StepOp::Work:
                text += in
                        + QStringLiteral("r = count_primes(%1 blocks);  // about %2 s on one core%3\n")
                              .arg(s.count)
                              .arg(s.seconds * plan.timeScale)
                              .arg(plan.gil ? QStringLiteral("; between blocks: if (gil.drop_request) gil.hand_over()")
                                            : QString());
                break;
            }
            if (loopLeft > 0 && --loopLeft == 0)
                text += indent + QStringLiteral("}\n");
        }
        return text;
    };
    if (!plan.workers.empty()) {
        const core::WorkerPlan &w = plan.workers.front();
        QString kind = fromStd(std::string(core::workerKindName(w.kind)));
        out += QStringLiteral("\n// each of %1 workers (%2)\nvoid %3() {\n")
                   .arg(plan.workers.size())
                   .arg(kind, plan.workers.size() == 1 ? QStringLiteral("worker") : QStringLiteral("work"));
        out += steps(w.steps, QStringLiteral("    "));
        out += QStringLiteral("}\n");
        if (plan.workers.size() > 1 && plan.workers[1].steps.size() != w.steps.size())
            out += QStringLiteral("// (the other workers differ: see the Python)\n");
    }
    out += QStringLiteral("\nint main() {\n") + steps(plan.main, QStringLiteral("    "))
           + QStringLiteral("}   // then wait for every worker still running, as Python does at exit\n");
    return out;
}

void MainWindow::loadSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_exportFolder = settings.value(QStringLiteral("export/folder")).toString();
    m_exportSize = std::clamp(settings.value(QStringLiteral("export/size"), 0).toInt(), 0, 1);
    m_exportScale = std::clamp(settings.value(QStringLiteral("export/scale"), 1).toInt(), 1, 3);
    m_darkAction->setChecked(settings.value(QStringLiteral("view/dark"), false).toBool());
    const QString last = settings.value(QStringLiteral("scenario/last")).toString();
    if (!last.isEmpty() && selectScenario(last)) {
        settings.beginGroup(QStringLiteral("params/") + last);
        for (const QString &key : settings.childKeys())
            setParameter(key, settings.value(key).toString());
        settings.endGroup();
    }
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("export/folder"), m_exportFolder);
    settings.setValue(QStringLiteral("export/size"), m_exportSize);
    settings.setValue(QStringLiteral("export/scale"), m_exportScale);
    settings.setValue(QStringLiteral("view/dark"), m_dark);
    if (m_scenario) {
        const QString id = fromStd(m_scenario->id);
        settings.setValue(QStringLiteral("scenario/last"), id);
        settings.beginGroup(QStringLiteral("params/") + id);
        for (const auto &[name, value] : parameterValues())
            settings.setValue(fromStd(name), fromStd(value));
        settings.endGroup();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_replay.pause();
    m_controller.stop(); // the run's processes end with it; ~Run reaps them
    saveSettings();
    event->accept();
}

} // namespace forkscope::ui
