#pragma once

#include "core/scenario/scenarios.hpp"

#include <QFileSystemWatcher>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;
class QTreeWidget;
class QTreeWidgetItem;

namespace forkscope::ui {

class ScenarioEditor;

/// What ScenarioFiles asks of the window it serves.
struct ScenarioWindowHooks {
    std::function<void(const core::Scenario &)> show;           ///< show this scenario as the selected one
    std::function<bool()> run;                                  ///< run the scenario shown, as Run does
    std::function<bool()> busy;                                 ///< whether a run or trials are under way
    std::function<std::map<std::string, std::string>()> values; ///< the parameters shown
    std::function<bool(const QString &, const QString &)> setValue; ///< set one parameter's field
};

/// The window's scenario files: File → Open Scenario… (Ctrl+O), Save Scenario (Ctrl+S), Save a Copy…,
/// Recent Scenarios; the Scenario editor dock and which file its text belongs to; the users' scenarios in
/// the browser, marked as theirs; and their files watched, so a file changed on disk reloads.
///
/// A user's file that reads well joins the browser under its lesson ("Your scenarios" when it names none),
/// with a file icon and "(your file)"; one with problems is refused, every problem listed with its line and
/// column, and nothing is added. The editor shows the selected scenario's file; its Run runs the text as
/// it is as the user's scenario (a built-in lesson edited becomes "your copy", never written over), Save
/// writes a user's file back (atomically), and Save a Copy… writes a copy of one's own as `forkscope new`
/// does, with the Python twin beside it.
class ScenarioFiles : public QObject {
    Q_OBJECT
public:
    ScenarioFiles(QMainWindow *window, QTreeWidget *browser, ScenarioWindowHooks hooks);
    ~ScenarioFiles() override;

    /// Adds Open Scenario…, Recent Scenarios, Save Scenario and Save a Copy… to `menu`.
    void addActions(QMenu *menu);
    QDockWidget *editorDock() const { return m_dock; }
    ScenarioEditor *editor() const { return m_editor; }

    /// Reads the scenario file at `path`. A good one joins the browser as the user's and is selected
    /// (again, if it was open already: it is read anew); one with problems adds nothing: false, with every
    /// problem ("lesson.json:3:5: /id: …") in `problems`.
    bool openFile(const QString &path, QStringList *problems = nullptr);
    /// As openFile, and a file with problems is refused in a dialog that lists them and offers to fix the
    /// file in the editor.
    bool openFileAndTell(const QString &path);
    /// Puts a user's scenario read from its file elsewhere (`forkscope open FILE.json`) in the browser and
    /// selects it.
    void addOpened(const core::Scenario &scenario);
    /// The editor follows the scenario the window shows (MainWindow::showScenario calls this).
    void scenarioShown(const core::Scenario &scenario);
    /// Whose `scenario` is, for the window's heading: "your file: /home/me/hello.json", "your copy of the
    /// lesson 'sleepers', not saved yet", or "" for a built-in lesson.
    QString ownerNote(const core::Scenario &scenario) const;

    /// The editor's Run: runs the editor's text as the user's scenario with the parameters shown (those
    /// the edited scenario still has). False, saying why, if the text has problems or a run is under way.
    bool runEdited();
    /// Save (Ctrl+S): writes the editor's text back to the user's file; for a built-in lesson or an unsaved
    /// copy, asks where to write a copy.
    bool save();
    /// Writes a copy of the shown scenario — the editor's text — to `path` as `forkscope new` does (its id
    /// the file's name, the twin beside it), and opens it. Never writes over a twin unless `overwriteTwin`.
    /// Returns "" or what went wrong.
    QString saveCopyTo(const QString &path, bool overwriteTwin = false);

    /// The recent files, newest first (at most 8).
    QStringList recentFiles() const;
    /// Drops the recent files that are no longer on disk, naming them in the status bar; returns them.
    QStringList pruneRecent();
    /// Whether the window may close: asks before edits that were never saved are lost.
    bool mayClose();
    /// Replaces the window's yes/no questions ("reload and lose your edits?"); for tests.
    void setQuestion(std::function<bool(const QString &title, const QString &text)> ask)
    {
        m_ask = std::move(ask);
    }

private:
    struct Document;
    Document *documentFor(const core::Scenario &scenario);
    Document *documentAt(const QString &path) const;
    void showInEditor(Document *doc);
    /// Widens and heightens the editor's dock when it is small for editing (it shares a column with others).
    void makeRoomForEditor();
    QString labelOf(const Document &doc) const;
    /// Makes `scenario` (read from `text`) the one `doc` stands for in the browser: a built-in edited becomes
    /// a new copy of the user's. Selects it when `select` (or when its item was selected). Returns the
    /// document that holds it.
    Document *adopt(Document *doc, core::Scenario scenario, const QString &text, bool select);
    void placeItem(Document *doc, bool select);
    /// Shows a file whose text has problems in the editor, outside the browser, to be fixed.
    void editOutsideBrowser(const QString &path, const QString &text);
    bool saveCopyAndTell();
    void reload(const QString &path);
    void watch(const QString &path);
    void addRecent(const QString &path);
    void fillRecentMenu();
    void status(const QString &text, int ms = 8000);
    bool ask(const QString &title, const QString &text);
    QString uniqueCopyId(const std::string &base) const;

    QMainWindow *m_window;
    QTreeWidget *m_browser;
    ScenarioWindowHooks m_hooks;
    ScenarioEditor *m_editor = nullptr;
    QDockWidget *m_dock = nullptr;
    QMenu *m_recentMenu = nullptr;
    std::vector<std::unique_ptr<Document>> m_documents;
    Document *m_current = nullptr; ///< the document the editor shows
    QFileSystemWatcher m_watcher;
    QSet<QString> m_changed; ///< files changed on disk, reloaded together once they settle
    QTimer m_reloadTimer;
    std::function<bool(const QString &, const QString &)> m_ask;
};

} // namespace forkscope::ui
