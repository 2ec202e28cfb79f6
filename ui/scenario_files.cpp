#include "ui/scenario_files.hpp"

#include "core/scenario/scenario_copy.hpp"
#include "core/scenario/scenario_file.hpp"
#include "ui/scenario_browser.hpp"
#include "ui/scenario_editor.hpp"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace forkscope::ui {

namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("scenarios/recent");
const QString kYourScenarios = QStringLiteral("Your scenarios");

QString fromStd(const std::string &s) { return QString::fromStdString(s); }

/// A file's whole text, or a null string if it cannot be read.
QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.read(static_cast<qint64>(core::kMaxScenarioFileBytes) + 1));
}

/// Every problem of a file on its own line, named by the file's name: "lesson.json:3:5: /id: …".
QStringList problemLines(std::vector<core::ScenarioProblem> problems, const QString &fileName)
{
    QStringList lines;
    for (core::ScenarioProblem &p : problems) {
        p.file = fileName.toStdString();
        lines << fromStd(p.text());
    }
    return lines;
}

/// The dialog that refuses a file: what it is, every problem, and an offer to fix it in the editor.
class ProblemsDialog : public QDialog {
public:
    ProblemsDialog(QWidget *parent, const QString &path, const QStringList &problems) : QDialog(parent)
    {
        setObjectName(QStringLiteral("scenarioProblems"));
        setWindowTitle(tr("Cannot open %1").arg(QFileInfo(path).fileName()));
        auto *layout = new QVBoxLayout(this);
        auto *header = new QLabel(
            problems.size() == 1
                ? tr("%1 is not a scenario Forkscope can run. Its problem, with its line and column, is "
                     "below; nothing was added.")
                      .arg(QDir::toNativeSeparators(path))
                : tr("%1 is not a scenario Forkscope can run. Its %2 problems, each with its line and "
                     "column, "
                     "are below; nothing was added.")
                      .arg(QDir::toNativeSeparators(path))
                      .arg(problems.size()));
        header->setWordWrap(true);
        layout->addWidget(header);
        auto *list = new QPlainTextEdit(problems.join(QLatin1Char('\n')));
        list->setObjectName(QStringLiteral("problemsText"));
        list->setReadOnly(true);
        list->setLineWrapMode(QPlainTextEdit::WidgetWidth);
        list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        layout->addWidget(list, 1);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
        QPushButton *edit = buttons->addButton(tr("Fix It in the Editor"), QDialogButtonBox::ActionRole);
        edit->setObjectName(QStringLiteral("fixInEditor"));
        connect(edit, &QPushButton::clicked, this, [this] { done(2); });
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        layout->addWidget(buttons);
        resize(720, 320);
    }
};

} // namespace

/// A scenario file the window knows: a built-in lesson's (read-only), a user's, or an edited built-in not
/// saved yet (no path).
struct ScenarioFiles::Document {
    QString path;                             ///< absolute; "" for an unsaved copy
    bool builtin = false;                     ///< a built-in lesson's file: never written
    const core::Scenario *scenario = nullptr; ///< what the browser holds (null: the file has problems)
    QString scenarioText;                     ///< the text `scenario` was read from
    QTreeWidgetItem *item = nullptr;          ///< its item in the browser (a user's)
    QString diskText;                         ///< the file as last read or written (a copy: as last run)
    QString editedText;                       ///< the editor's text, when it differs from diskText
    bool hasEdits = false;
    QString twinPath; ///< an unsaved copy's twin (the built-in lesson's)
    QString baseId;   ///< an unsaved copy: the built-in lesson it was made from
};

ScenarioFiles::ScenarioFiles(QMainWindow *window, QTreeWidget *browser, ScenarioWindowHooks hooks)
        : QObject(window), m_window(window), m_browser(browser), m_hooks(std::move(hooks))
{
    m_editor = new ScenarioEditor;
    m_dock = new QDockWidget(tr("Scenario Editor"), window);
    m_dock->setObjectName(QStringLiteral("scenarioEditor"));
    m_dock->setWidget(m_editor);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    // Beside the code, one tab away: the JSON that makes what the Code pane shows.
    if (auto *code = window->findChild<QDockWidget *>(QStringLiteral("code"))) {
        window->tabifyDockWidget(code, m_dock);
        code->raise();
    }
    // Raised by the user (its tab, the View menu, Fix It in the Editor), the editor asks for room to edit
    // in; a dock the layout restores at start is left as it was saved.
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible && m_window->isVisible())
            QTimer::singleShot(0, this, &ScenarioFiles::makeRoomForEditor);
    });
    connect(m_editor, &ScenarioEditor::runRequested, this, &ScenarioFiles::runEdited);
    connect(m_editor, &ScenarioEditor::saveRequested, this, &ScenarioFiles::save);
    connect(m_editor, &ScenarioEditor::saveCopyRequested, this, &ScenarioFiles::saveCopyAndTell);
    connect(m_editor, &ScenarioEditor::textEdited, this, [this] {
        if (!m_current)
            return;
        const QString text = m_editor->text();
        m_current->hasEdits = text != m_current->diskText;
        m_current->editedText = m_current->hasEdits ? text : QString();
        m_editor->setModified(m_current->hasEdits || m_current->path.isEmpty());
    });

    // A file saved by another editor is often replaced (written beside and renamed): reload once it
    // settles, and watch the new file.
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(150);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this](const QString &path) {
        m_changed.insert(path);
        m_reloadTimer.start();
    });
    connect(&m_reloadTimer, &QTimer::timeout, this, [this] {
        const QSet<QString> changed = std::exchange(m_changed, {});
        for (const QString &path : changed)
            reload(path);
    });
    m_ask = [this](const QString &title, const QString &text) {
        return QMessageBox::question(m_window, title, text) == QMessageBox::Yes;
    };
}

ScenarioFiles::~ScenarioFiles() = default;

void ScenarioFiles::addActions(QMenu *menu)
{
    QAction *open = menu->addAction(tr("&Open Scenario…"), this, [this] {
        QSettings settings;
        const QString folder
            = settings.value(QStringLiteral("scenarios/folder"), QDir::homePath()).toString();
        const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Scenario"), folder,
                                                          tr("Scenario files (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        settings.setValue(QStringLiteral("scenarios/folder"), QFileInfo(path).absolutePath());
        openFileAndTell(path);
    });
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a scenario file of your own (docs/scenario-format.md) (Ctrl+O)"));
    m_recentMenu = menu->addMenu(tr("Recent Scenarios"));
    m_recentMenu->setObjectName(QStringLiteral("recentScenarios"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &ScenarioFiles::fillRecentMenu);
    QAction *saveAction = menu->addAction(tr("&Save Scenario"), this, &ScenarioFiles::save);
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setToolTip(tr("Write the Scenario editor's text back to your file; a built-in lesson is "
                              "never written over: Save makes your copy (Ctrl+S)"));
    QAction *copy = menu->addAction(tr("Save a &Copy…"), this, &ScenarioFiles::saveCopyAndTell);
    copy->setShortcut(QKeySequence(tr("Ctrl+Shift+S")));
    copy->setToolTip(tr("Write the scenario shown to a new file of your own, with its Python twin beside "
                        "it, as 'forkscope new' does, and open it (Ctrl+Shift+S)"));
}

// ----- which file the editor shows -------------------------------------------------------------------------

ScenarioFiles::Document *ScenarioFiles::documentAt(const QString &path) const
{
    for (const auto &doc : m_documents)
        if (!doc->path.isEmpty() && doc->path == path)
            return doc.get();
    return nullptr;
}

ScenarioFiles::Document *ScenarioFiles::documentFor(const core::Scenario &scenario)
{
    for (const auto &doc : m_documents)
        if (doc->scenario == &scenario)
            return doc.get();
    const QString path = scenario.sourcePath.empty()
        ? QString()
        : QFileInfo(fromStd(scenario.sourcePath)).absoluteFilePath();
    Document *doc = path.isEmpty() ? nullptr : documentAt(path);
    if (!doc) {
        m_documents.push_back(std::make_unique<Document>());
        doc = m_documents.back().get();
        doc->path = path;
        doc->builtin = scenario.builtin;
        doc->diskText = readText(path);
        doc->scenarioText = doc->diskText;
    }
    doc->scenario = &scenario;
    return doc;
}

QString ScenarioFiles::labelOf(const Document &doc) const
{
    const QString name = QFileInfo(doc.path).fileName();
    if (doc.builtin)
        return tr("%1 — built-in lesson (never written over: Save makes your copy)").arg(name);
    if (doc.path.isEmpty())
        return tr("%1 — your copy of '%2', not saved yet").arg(fromStd(doc.scenario->id), doc.baseId);
    if (!doc.scenario)
        return tr("%1 — your file, not in the browser until it can run (%2)")
            .arg(name, QDir::toNativeSeparators(doc.path));
    return tr("%1 — your file (%2)").arg(name, QDir::toNativeSeparators(doc.path));
}

void ScenarioFiles::showInEditor(Document *doc)
{
    m_current = doc;
    const QString fileName = doc->path.isEmpty() ? fromStd(doc->scenario->id) + QStringLiteral(".json")
                                                 : QFileInfo(doc->path).fileName();
    m_editor->setDocument(doc->hasEdits ? doc->editedText : doc->diskText, fileName, labelOf(*doc),
                          !doc->builtin && !doc->path.isEmpty());
    m_editor->setModified(doc->hasEdits || doc->path.isEmpty());
}

void ScenarioFiles::scenarioShown(const core::Scenario &scenario)
{
    Document *doc = documentFor(scenario);
    if (doc == m_current) {
        // The same file, read anew (Run, Save, a reload): the editor keeps its text and cursor.
        showInEditor(doc);
        return;
    }
    showInEditor(doc);
}

void ScenarioFiles::makeRoomForEditor()
{
    if (!m_dock->isVisible() || m_dock->isFloating())
        return;
    // Enough for the file's lines at their usual length and a screenful of them, never most of the window:
    // the timeline keeps the larger part, and a dock the user made larger stays so.
    const int wantWidth
        = std::min(m_editor->fontMetrics().averageCharWidth() * 70, m_window->width() * 45 / 100);
    const int wantHeight = m_window->height() * 55 / 100;
    if (m_dock->width() < wantWidth)
        m_window->resizeDocks({m_dock}, {wantWidth}, Qt::Horizontal);
    if (m_dock->height() < wantHeight)
        m_window->resizeDocks({m_dock}, {wantHeight}, Qt::Vertical);
}

QString ScenarioFiles::ownerNote(const core::Scenario &scenario) const
{
    for (const auto &doc : m_documents) {
        if (doc->scenario != &scenario || doc->builtin)
            continue;
        if (doc->path.isEmpty())
            return tr("your copy of the lesson '%1', not saved yet").arg(doc->baseId);
        return tr("your file: %1").arg(QDir::toNativeSeparators(doc->path));
    }
    if (scenario.builtin)
        return {};
    return scenario.sourcePath.empty()
        ? tr("your scenario")
        : tr("your file: %1").arg(QDir::toNativeSeparators(fromStd(scenario.sourcePath)));
}

void ScenarioFiles::editOutsideBrowser(const QString &path, const QString &text)
{
    Document *doc = documentAt(path);
    if (!doc) {
        m_documents.push_back(std::make_unique<Document>());
        doc = m_documents.back().get();
        doc->path = path;
    }
    if (!doc->hasEdits)
        doc->diskText = text;
    watch(path);
    showInEditor(doc);
    m_dock->show();
    m_dock->raise();
    QTimer::singleShot(0, this, &ScenarioFiles::makeRoomForEditor);
    m_editor->checkNow();
    m_editor->goToProblem(0);
}

// ----- the browser -----------------------------------------------------------------------------------------

void ScenarioFiles::placeItem(Document *doc, bool select)
{
    const core::Scenario &s = *doc->scenario;
    const QString lesson = doc->path.isEmpty() ? kYourScenarios : fromStd(s.lesson);
    QTreeWidgetItem *old = doc->item;
    select = select || (old && m_browser->currentItem() == old);
    if (!old || !old->parent() || old->parent()->text(0) != lesson) {
        // A new lesson (or none yet): a new item there; the old one goes once the new one is selected.
        doc->item = new QTreeWidgetItem(lessonGroup(m_browser, lesson));
        doc->item->parent()->setExpanded(true);
    }
    if (doc->path.isEmpty())
        showUserItem(doc->item, s, tr("your copy, not saved"),
                     tr("an edited copy of the built-in lesson '%1', not saved yet (File → Save a Copy… "
                        "writes it to a file of yours)")
                         .arg(doc->baseId));
    else
        showUserItem(doc->item, s, tr("your file"), QDir::toNativeSeparators(doc->path));
    if (select) {
        if (m_browser->currentItem() == doc->item)
            m_hooks.show(s); // the same item holds a new scenario: show it anew
        else
            m_browser->setCurrentItem(doc->item);
    }
    if (old && old != doc->item) {
        QTreeWidgetItem *group = old->parent();
        delete old;
        if (group && group->childCount() == 0)
            delete group;
    }
}

ScenarioFiles::Document *ScenarioFiles::adopt(Document *doc, core::Scenario scenario, const QString &text,
                                              bool select)
{
    scenario.builtin = false;
    if (doc->builtin) {
        // A built-in lesson is never changed: its edited text becomes a copy of the user's, beside it.
        const core::Scenario &base = *doc->scenario;
        m_documents.push_back(std::make_unique<Document>());
        Document *copy = m_documents.back().get();
        copy->baseId = fromStd(base.id);
        copy->twinPath = fromStd(base.pythonPath());
        doc->hasEdits = false;
        doc->editedText.clear();
        doc = copy;
        scenario.id = uniqueCopyId(base.id).toStdString();
    }
    if (doc->path.isEmpty()) {
        if (doc->scenario)
            scenario.id = doc->scenario->id; // the same copy, run again
        scenario.lesson = kYourScenarios.toStdString();
        scenario.sourcePath.clear();
        // No file of its own yet: its twin is the lesson's, found by its full path.
        scenario.codeFile = doc->twinPath.toStdString();
        doc->diskText = text;
        doc->hasEdits = false;
        doc->editedText.clear();
    } else {
        scenario.sourcePath = doc->path.toStdString();
    }
    doc->scenario = core::addScenario(std::move(scenario));
    doc->scenarioText = text;
    if (select)
        m_current = doc; // the editor already shows its text
    placeItem(doc, select);
    return doc;
}

QString ScenarioFiles::uniqueCopyId(const std::string &base) const
{
    for (int n = 1;; ++n) {
        const std::string id = base + (n == 1 ? std::string("-copy") : "-copy-" + std::to_string(n));
        if (!core::findScenario(id))
            return fromStd(id);
    }
}

// ----- opening ---------------------------------------------------------------------------------------------

bool ScenarioFiles::openFile(const QString &path, QStringList *problems)
{
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    // A built-in lesson's own file is that lesson: never a second, writable copy of it.
    for (const core::Scenario &s : core::builtinScenarios()) {
        if (QFileInfo(fromStd(s.sourcePath)).canonicalFilePath() == info.canonicalFilePath()
            && info.exists()) {
            for (QTreeWidgetItemIterator it(m_browser); *it; ++it)
                if (scenarioOf(*it) == &s)
                    m_browser->setCurrentItem(*it);
            status(tr("%1 is the built-in lesson '%2'; Save a Copy… makes a copy of your own")
                       .arg(info.fileName(), fromStd(s.id)));
            return true;
        }
    }
    core::Scenario scenario;
    std::vector<core::ScenarioProblem> found;
    if (!core::loadScenarioFile(absolute.toStdString(), scenario, found)) {
        if (problems)
            *problems = problemLines(found, info.fileName());
        return false;
    }
    const QString text = readText(absolute);
    Document *doc = documentAt(absolute);
    if (!doc) {
        m_documents.push_back(std::make_unique<Document>());
        doc = m_documents.back().get();
        doc->path = absolute;
    }
    doc->diskText = text;
    if (doc->hasEdits && doc->editedText == text) {
        doc->hasEdits = false;
        doc->editedText.clear();
    }
    adopt(doc, std::move(scenario), text, true);
    watch(absolute);
    addRecent(absolute);
    status(tr("Opened %1: your scenario '%2'").arg(info.fileName(), fromStd(doc->scenario->id)));
    return true;
}

bool ScenarioFiles::openFileAndTell(const QString &path)
{
    QStringList problems;
    if (openFile(path, &problems)) {
        // Opened by hand: if its text is in view, give it room.
        if (m_dock->isVisible())
            QTimer::singleShot(0, this, &ScenarioFiles::makeRoomForEditor);
        return true;
    }
    if (!QFileInfo::exists(path)) {
        QMessageBox::warning(m_window, tr("Cannot open %1").arg(QFileInfo(path).fileName()),
                             tr("%1 is not there (moved or deleted?).").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    ProblemsDialog dialog(m_window, path, problems);
    if (dialog.exec() == 2) {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        editOutsideBrowser(absolute, readText(absolute));
        addRecent(absolute);
    }
    return false;
}

void ScenarioFiles::addOpened(const core::Scenario &scenario)
{
    const QString absolute = QFileInfo(fromStd(scenario.sourcePath)).absoluteFilePath();
    Document *doc = documentAt(absolute);
    if (!doc) {
        m_documents.push_back(std::make_unique<Document>());
        doc = m_documents.back().get();
        doc->path = absolute;
    }
    doc->diskText = readText(absolute);
    doc->scenarioText = doc->diskText;
    doc->scenario = &scenario;
    placeItem(doc, true);
    watch(absolute);
    addRecent(absolute);
}

// ----- running and saving ----------------------------------------------------------------------------------

bool ScenarioFiles::runEdited()
{
    if (!m_current)
        return false;
    if (m_hooks.busy()) {
        status(tr("A run is under way: wait for it or stop it (Esc) before running the edited scenario."));
        return false;
    }
    Document *doc = m_current;
    const QString text = m_editor->text();
    if (doc->scenario && text == doc->scenarioText)
        return m_hooks.run(); // nothing edited since it was read: the scenario as the browser has it
    if (!m_editor->checkNow()) {
        m_dock->show();
        m_dock->raise();
        status(tr("Cannot run the edited scenario: %1 (listed under the text)").arg(m_editor->statusText()));
        return false;
    }
    // The edited scenario keeps the parameters shown, where it still has them.
    const std::map<std::string, std::string> values = m_hooks.values();
    adopt(doc, *m_editor->scenario(), text, true);
    for (const auto &[name, value] : values)
        m_hooks.setValue(fromStd(name), fromStd(value));
    return m_hooks.run();
}

bool ScenarioFiles::save()
{
    Document *doc = m_current;
    if (!doc)
        return false;
    if (doc->builtin || doc->path.isEmpty())
        return saveCopyAndTell();
    const QString text = m_editor->text();
    QSaveFile file(doc->path); // whole or not at all: a crash mid-write leaves the old file
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        QMessageBox::critical(
            m_window, tr("Cannot save"),
            tr("%1 was not saved: %2").arg(QDir::toNativeSeparators(doc->path), file.errorString()));
        return false;
    }
    doc->diskText = text;
    doc->hasEdits = false;
    doc->editedText.clear();
    m_editor->setModified(false);
    watch(doc->path); // a replaced file is a new one to watch
    const QString name = QFileInfo(doc->path).fileName();
    if (!m_editor->checkNow()) {
        status(
            tr("Saved %1. It cannot run until its problems are fixed: %2").arg(name, m_editor->statusText()));
        showInEditor(doc);
        return true;
    }
    if (text != doc->scenarioText) {
        const std::map<std::string, std::string> values = m_hooks.values();
        const bool shown = doc->scenario && m_browser->currentItem() == doc->item;
        adopt(doc, *m_editor->scenario(), text, !doc->scenario || shown);
        for (const auto &[param, value] : values)
            if (shown)
                m_hooks.setValue(fromStd(param), fromStd(value));
    }
    showInEditor(doc);
    addRecent(doc->path);
    status(tr("Saved %1").arg(name));
    return true;
}

bool ScenarioFiles::saveCopyAndTell()
{
    if (!m_current)
        return false;
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("scenarios/folder"), QDir::homePath()).toString();
    const std::string base = m_current->baseId.isEmpty() && m_current->scenario
        ? m_current->scenario->id
        : m_current->baseId.toStdString();
    const QString suggested = QDir(folder).filePath(QStringLiteral("my-%1.json").arg(fromStd(base)));
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save a Copy of the Scenario"), suggested,
                                                tr("Scenario files (*.json)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".json"))) {
        // The dialog asked before replacing the name typed, not this one.
        path += QStringLiteral(".json");
        if (QFileInfo::exists(path)
            && !ask(tr("Replace %1?").arg(QFileInfo(path).fileName()),
                    tr("%1 exists already. Replace it with the copy?").arg(QDir::toNativeSeparators(path))))
            return false;
    }
    settings.setValue(QStringLiteral("scenarios/folder"), QFileInfo(path).absolutePath());
    std::string error;
    const std::string id = core::copyIdForPath(path.toStdString(), error);
    bool overwriteTwin = false;
    if (!id.empty()) {
        const QString twin = fromStd(core::copyTwinPath(path.toStdString(), id));
        if (QFileInfo::exists(twin)) {
            if (!ask(tr("Replace %1?").arg(QFileInfo(twin).fileName()),
                     tr("The copy's Python twin goes to %1, which exists already. Replace it?")
                         .arg(QDir::toNativeSeparators(twin))))
                return false;
            overwriteTwin = true;
        }
    }
    const QString problem = saveCopyTo(path, overwriteTwin);
    if (!problem.isEmpty()) {
        QMessageBox::critical(m_window, tr("Cannot save a copy"), problem);
        return false;
    }
    return true;
}

QString ScenarioFiles::saveCopyTo(const QString &path, bool overwriteTwin)
{
    Document *doc = m_current;
    if (!doc)
        return tr("no scenario is shown");
    core::ScenarioCopySource source;
    source.text = m_editor->text().toStdString();
    source.builtin = doc->builtin || doc->path.isEmpty();
    // The twin goes with the copy: the lesson's, or the one the user's file names beside it.
    QString twin = doc->path.isEmpty() ? doc->twinPath : QString();
    if (doc->builtin && doc->scenario)
        twin = fromStd(doc->scenario->pythonPath());
    if (!doc->builtin && !doc->path.isEmpty()) {
        const auto json = nlohmann::json::parse(source.text, nullptr, false);
        if (json.is_object() && json.contains("python") && json["python"].is_string())
            twin = QFileInfo(doc->path).dir().filePath(fromStd(json["python"].get<std::string>()));
    }
    if (!twin.isEmpty() && QFileInfo::exists(twin)) {
        QFile file(twin);
        if (!file.open(QIODevice::ReadOnly))
            return tr("cannot read the Python twin %1: %2")
                .arg(QDir::toNativeSeparators(twin), file.errorString());
        source.twinText = file.readAll().toStdString();
        source.hasTwin = true;
    }
    const QFileInfo target(path);
    const QString absolute = target.absoluteFilePath();
    const auto same = [&target](const QString &other) {
        return !other.isEmpty()
            && (target.absoluteFilePath() == QFileInfo(other).absoluteFilePath()
                || (target.exists() && target.canonicalFilePath() == QFileInfo(other).canonicalFilePath()));
    };
    if (same(doc->path))
        return tr("a copy goes to another file than %1").arg(QFileInfo(doc->path).fileName());
    std::string error;
    const std::string id = core::copyIdForPath(absolute.toStdString(), error);
    if (!id.empty() && source.hasTwin && !overwriteTwin
        && QFileInfo::exists(fromStd(core::copyTwinPath(absolute.toStdString(), id))))
        return tr("%1 exists already; the copy's twin would replace it")
            .arg(QDir::toNativeSeparators(fromStd(core::copyTwinPath(absolute.toStdString(), id))));
    // Never over a built-in lesson's file or twin.
    const QString twinTarget
        = id.empty() ? QString() : fromStd(core::copyTwinPath(absolute.toStdString(), id));
    for (const core::Scenario &s : core::builtinScenarios())
        for (const std::string &file : {s.sourcePath, s.pythonPath()})
            if (same(fromStd(file))
                || (source.hasTwin && !twinTarget.isEmpty() && !file.empty()
                    && QFileInfo(twinTarget).absoluteFilePath()
                        == QFileInfo(fromStd(file)).absoluteFilePath()))
                return tr("%1 belongs to the built-in lesson '%2', which is never written over")
                    .arg(QDir::toNativeSeparators(fromStd(file)), fromStd(s.id));
    std::string twinWritten;
    // The scenario file itself: the dialog asked before a file was replaced.
    if (std::string problem = core::writeScenarioCopy(source, absolute.toStdString(), true, twinWritten);
        !problem.empty())
        return fromStd(problem);

    // The edits now live in the copy: the file they were made to is as it was on disk.
    doc->hasEdits = false;
    doc->editedText.clear();
    Document *unsavedCopy = doc->path.isEmpty() ? doc : nullptr;
    QStringList problems;
    if (!openFile(absolute, &problems))
        editOutsideBrowser(absolute, readText(absolute));
    if (unsavedCopy) {
        // The unsaved copy is now a file: one item for it, not two.
        if (m_current == unsavedCopy)
            m_current = nullptr;
        QTreeWidgetItem *group = unsavedCopy->item ? unsavedCopy->item->parent() : nullptr;
        delete unsavedCopy->item;
        if (group && group->childCount() == 0)
            delete group;
        std::erase_if(m_documents, [unsavedCopy](const auto &d) { return d.get() == unsavedCopy; });
    }
    addRecent(absolute);
    status(tr("Wrote %1%2")
               .arg(QDir::toNativeSeparators(absolute),
                    twinWritten.empty()
                        ? QString()
                        : tr(" and its Python twin %1").arg(QFileInfo(fromStd(twinWritten)).fileName())));
    return {};
}

// ----- files changed on disk -------------------------------------------------------------------------------

void ScenarioFiles::watch(const QString &path)
{
    if (!m_watcher.files().contains(path) && QFileInfo::exists(path))
        m_watcher.addPath(path);
}

void ScenarioFiles::reload(const QString &path)
{
    Document *doc = documentAt(path);
    if (!doc || doc->builtin)
        return;
    const QString name = QFileInfo(path).fileName();
    if (!QFileInfo::exists(path)) {
        status(tr("%1 was removed from disk; the browser keeps the version read before.").arg(name), 15000);
        return;
    }
    watch(path); // a file replaced by rename is a new file to the watcher
    const QString text = readText(path);
    if (text.isNull() || text == doc->diskText)
        return; // our own save, or a touch that changed nothing
    doc->diskText = text;
    if (doc == m_current) {
        bool keepEdits = false;
        if (doc->hasEdits && doc->editedText != text)
            keepEdits
                = !ask(tr("Reload %1?").arg(name),
                       tr("%1 changed on disk. Reload it and lose your edits here?\n\n(No keeps your edits; "
                          "Save would then write them over the file's new text.)")
                           .arg(name));
        if (!keepEdits) {
            doc->hasEdits = false;
            doc->editedText.clear();
            m_editor->replaceText(text);
            m_editor->setModified(false);
        }
    } else if (doc->hasEdits && doc->editedText == text) {
        doc->hasEdits = false;
        doc->editedText.clear();
    }
    core::Scenario scenario;
    std::vector<core::ScenarioProblem> problems;
    if (!core::parseScenario(text.toStdString(), name.toStdString(), scenario, problems)) {
        status(tr("%1 changed on disk and has %2 problem(s): the browser keeps the version read before "
                  "(the Scenario editor lists them).")
                   .arg(name)
                   .arg(problems.size()),
               15000);
        return;
    }
    const bool shown = doc->item && m_browser->currentItem() == doc->item;
    const std::map<std::string, std::string> values
        = shown ? m_hooks.values() : std::map<std::string, std::string>{};
    adopt(doc, std::move(scenario), text, shown || (doc == m_current && !doc->scenario));
    for (const auto &[param, value] : values)
        m_hooks.setValue(fromStd(param), fromStd(value));
    status(tr("Reloaded %1: it changed on disk.").arg(name));
}

// ----- recent files ----------------------------------------------------------------------------------------

QStringList ScenarioFiles::recentFiles() const { return QSettings().value(kRecentKey).toStringList(); }

void ScenarioFiles::addRecent(const QString &path)
{
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

QStringList ScenarioFiles::pruneRecent()
{
    QStringList kept;
    QStringList gone;
    for (const QString &path : recentFiles())
        (QFileInfo::exists(path) ? kept : gone) << path;
    if (gone.isEmpty())
        return {};
    QSettings().setValue(kRecentKey, kept);
    QStringList names;
    for (const QString &path : gone)
        names << QDir::toNativeSeparators(path);
    status(tr("Removed from Recent Scenarios, no longer on disk: %1").arg(names.join(QStringLiteral(", "))),
           15000);
    return gone;
}

void ScenarioFiles::fillRecentMenu()
{
    pruneRecent();
    m_recentMenu->clear();
    const QStringList recent = recentFiles();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        QAction *action = m_recentMenu->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()), this, [this, path] {
                if (!QFileInfo::exists(path)) {
                    pruneRecent();
                    return;
                }
                openFileAndTell(path);
            });
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
    m_recentMenu->addSeparator();
    QAction *clear
        = m_recentMenu->addAction(tr("Clear the List"), this, [] { QSettings().remove(kRecentKey); });
    clear->setEnabled(!recent.isEmpty());
}

// ----- closing ---------------------------------------------------------------------------------------------

bool ScenarioFiles::mayClose()
{
    QStringList unsaved;
    for (const auto &doc : m_documents) {
        if (doc->path.isEmpty() && doc->scenario)
            unsaved << tr("%1 (a copy never saved)").arg(fromStd(doc->scenario->id));
        else if (doc->hasEdits)
            unsaved << tr("%1 (edited)").arg(QFileInfo(doc->path).fileName());
    }
    if (unsaved.isEmpty())
        return true;
    return ask(tr("Quit without saving?"),
               tr("Edits that are not saved would be lost: %1.\n\nQuit anyway?")
                   .arg(unsaved.join(QStringLiteral(", "))));
}

void ScenarioFiles::status(const QString &text, int ms) { m_window->statusBar()->showMessage(text, ms); }

bool ScenarioFiles::ask(const QString &title, const QString &text) { return m_ask(title, text); }

} // namespace forkscope::ui
