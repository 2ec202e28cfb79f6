// The window's scenario files: Open (a good file joins the browser as the user's, a bad one is refused with
// every problem), the Scenario editor (problems marked as typed, Run of the edited text, Save, reload from
// disk), Save a Copy, Recent Scenarios, presets and the Python pane's command. Real files, real runs.

#include "core/scenario/scenario_file.hpp"
#include "ui/code_pane.hpp"
#include "ui/console_pane.hpp"
#include "ui/main_window.hpp"
#include "ui/parameter_form.hpp"
#include "ui/preset_picker.hpp"
#include "ui/scenario_browser.hpp"
#include "ui/scenario_editor.hpp"
#include "ui/scenario_files.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextEdit>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace forkscope;
using namespace forkscope::ui;

namespace {

std::unique_ptr<MainWindow> freshWindow()
{
    QSettings().clear();
    auto w = std::make_unique<MainWindow>();
    w->resize(1400, 900);
    w->show();
    w->activateWindow();
    EXPECT_TRUE(QTest::qWaitForWindowActive(w.get())) << "shortcuts need an active window";
    return w;
}

bool waitUntilIdle(MainWindow &w, int ms = 15000)
{
    return QTest::qWaitFor([&] { return !w.runningTrials() && !w.controller().running(); }, ms);
}

QString consoleText(MainWindow &w) { return w.findChild<ConsolePane *>()->toPlainText(); }

void writeFile(const QString &path, const QString &text)
{
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text.toUtf8());
}

QString readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

/// A small scenario of the user's: N threads each print a greeting.
QString helloScenario(const QString &id, const QString &greeting,
                      const QString &title = QStringLiteral("Hello from a file"))
{
    return QStringLiteral(R"({
  "format": 1,
  "id": "%1",
  "title": "%3",
  "params": [
    {"name": "workers", "type": "integer", "default": 2, "min": 1, "max": 8, "help": "how many"}
  ],
  "kind": "thread",
  "workers": [
    {"name": "greeter ${copy}", "copies": "${workers}",
     "steps": [{"print": "%2 from {name}"}]}
  ],
  "main": ["start", {"join": true}],
  "headline": [{"text": "{workers} greeters"}]
}
)")
        .arg(id, greeting, title);
}

/// The browser's items that hold a user's scenario.
std::vector<QTreeWidgetItem *> userItems(QTreeWidget *browser)
{
    std::vector<QTreeWidgetItem *> items;
    for (QTreeWidgetItemIterator it(browser); *it; ++it)
        if (isUserItem(*it))
            items.push_back(*it);
    return items;
}

int scenarioItemCount(QTreeWidget *browser)
{
    int n = 0;
    for (QTreeWidgetItemIterator it(browser); *it; ++it)
        n += scenarioOf(*it) != nullptr;
    return n;
}

/// The 1-based line of the first line of `text` holding `needle`.
int lineOf(const QString &text, const QString &needle)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains(needle))
            return i + 1;
    return -1;
}

} // namespace

TEST(ScenarioFiles, OpeningAGoodFileAddsItToTheBrowserAsTheUsers)
{
    auto w = freshWindow();
    auto *browser = w->findChild<QTreeWidget *>();
    const int builtins = scenarioItemCount(browser);
    EXPECT_TRUE(userItems(browser).empty());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("hello.json"));
    writeFile(path, helloScenario(QStringLiteral("hello-file"), QStringLiteral("hello")));

    QStringList problems;
    ASSERT_TRUE(w->scenarioFiles()->openFile(path, &problems))
        << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(scenarioItemCount(browser), builtins + 1);
    const auto mine = userItems(browser);
    ASSERT_EQ(mine.size(), 1u);
    QTreeWidgetItem *item = mine.front();
    // Under "Your scenarios" (the file names no lesson), marked as the user's, its path in the tooltip, and
    // selected.
    ASSERT_NE(item->parent(), nullptr);
    EXPECT_EQ(item->parent()->text(0), QStringLiteral("Your scenarios"));
    EXPECT_TRUE(item->text(0).contains(QStringLiteral("Hello from a file"))) << item->text(0).toStdString();
    EXPECT_TRUE(item->text(0).contains(QStringLiteral("your file")));
    EXPECT_FALSE(item->icon(0).isNull());
    EXPECT_TRUE(item->toolTip(0).contains(path)) << item->toolTip(0).toStdString();
    EXPECT_EQ(browser->currentItem(), item);
    EXPECT_EQ(w->scenarioId(), QStringLiteral("hello-file"));
    const core::Scenario *scenario = scenarioOf(item);
    ASSERT_NE(scenario, nullptr);
    EXPECT_FALSE(scenario->builtin);
    // The heading and the title bar say whose it is.
    auto *owner = w->findChild<QLabel *>(QStringLiteral("scenarioOwner"));
    ASSERT_NE(owner, nullptr);
    EXPECT_TRUE(owner->isVisibleTo(w.get()));
    EXPECT_EQ(owner->text(),
              QStringLiteral("your file: ") + QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()));
    EXPECT_TRUE(w->windowTitle().contains(QStringLiteral("your file: "))) << w->windowTitle().toStdString();
    EXPECT_TRUE(w->windowTitle().contains(QStringLiteral("Hello from a file")));
    // The built-in lessons are not marked.
    for (QTreeWidgetItemIterator it(browser); *it; ++it)
        if (scenarioOf(*it) && *it != item) {
            EXPECT_FALSE(isUserItem(*it));
            EXPECT_FALSE((*it)->text(0).contains(QStringLiteral("your")));
        }
    EXPECT_EQ(w->scenarioFiles()->recentFiles(), QStringList{QFileInfo(path).absoluteFilePath()});
    // A built-in lesson is not marked.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    EXPECT_FALSE(owner->isVisibleTo(w.get()));
    EXPECT_FALSE(w->windowTitle().contains(QStringLiteral("your")));
    browser->setCurrentItem(item);
    EXPECT_TRUE(owner->isVisibleTo(w.get()));

    // It runs as written.
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(waitUntilIdle(*w));
    EXPECT_EQ(w->controller().lastResult().lanes.size(), 4u);
    EXPECT_TRUE(consoleText(*w).contains(QStringLiteral("hello from greeter 3")))
        << consoleText(*w).toStdString();
    // And the editor shows its text.
    EXPECT_EQ(w->scenarioFiles()->editor()->text(), readFile(path));
}

TEST(ScenarioFiles, ABadFileIsRefusedWithEveryProblemAndAddsNothing)
{
    auto w = freshWindow();
    auto *browser = w->findChild<QTreeWidget *>();
    const int before = scenarioItemCount(browser);
    const QString shown = w->scenarioId();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.json"));
    // Two problems: an unknown key on line 4 (column 3) and a lock nobody declared on line 8.
    writeFile(path, QStringLiteral(R"({
  "format": 1,
  "id": "bad-one",
  "titel": "misspelt",
  "title": "Bad",
  "kind": "thread",
  "workers": [{"name": "w", "steps": [
    {"lock": "balanse"}, {"unlock": "balanse"}]}],
  "main": ["start", {"join": true}]
}
)"));
    QStringList problems;
    EXPECT_FALSE(w->scenarioFiles()->openFile(path, &problems));
    ASSERT_GE(problems.size(), 2) << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(problems.front().startsWith(QStringLiteral("bad.json:4:3: ")))
        << problems.front().toStdString();
    EXPECT_TRUE(problems.join(QLatin1Char('\n')).contains(QStringLiteral("bad.json:8:")))
        << problems.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(problems.join(QLatin1Char('\n')).contains(QStringLiteral("balanse")));

    // Through the menu's path: a dialog lists every problem with its place; nothing joins the browser.
    QString dialogText;
    QString dialogName;
    QTimer::singleShot(200, [&] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog)
            return;
        dialogName = dialog->objectName();
        if (auto *text = dialog->findChild<QPlainTextEdit *>(QStringLiteral("problemsText")))
            dialogText = text->toPlainText();
        dialog->close();
    });
    EXPECT_FALSE(w->scenarioFiles()->openFileAndTell(path));
    EXPECT_EQ(dialogName, QStringLiteral("scenarioProblems"));
    EXPECT_EQ(dialogText, problems.join(QLatin1Char('\n')));
    EXPECT_EQ(scenarioItemCount(browser), before);
    EXPECT_TRUE(userItems(browser).empty());
    EXPECT_EQ(core::findScenario("bad-one"), nullptr);
    EXPECT_EQ(w->scenarioId(), shown);
}

TEST(ScenarioFiles, TheEditorMarksATypoAtItsLineAndClearsItWhenFixed)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ScenarioEditor *editor = w->scenarioFiles()->editor();
    w->scenarioFiles()->editorDock()->show();
    w->scenarioFiles()->editorDock()->raise();
    ASSERT_TRUE(editor->text().contains(QStringLiteral("\"id\": \"sleepers\"")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return editor->checkedUpToDate(); }, 5000));
    EXPECT_TRUE(editor->problems().empty()) << editor->statusText().toStdString();
    EXPECT_TRUE(editor->textEdit()->markedLines().empty());

    // Type a typo into the sleep's expression: ${sleep} becomes ${sleepp}, a name the file does not have.
    const int line = lineOf(editor->text(), QStringLiteral("{\"sleep\": \"${sleep}\"}"));
    ASSERT_GT(line, 0);
    QTextCursor cursor = editor->textEdit()->document()->find(QStringLiteral("\"${sleep}\""));
    ASSERT_FALSE(cursor.isNull());
    cursor.setPosition(cursor.selectionStart() + 8); // after "${sleep
    editor->textEdit()->setTextCursor(cursor);
    editor->textEdit()->setFocus();
    QTest::keyClicks(editor->textEdit(), QStringLiteral("p"));
    EXPECT_FALSE(editor->checkedUpToDate()) << "checked ~300 ms after the last key, not at once";
    ASSERT_TRUE(QTest::qWaitFor([&] { return editor->checkedUpToDate(); }, 5000));
    ASSERT_FALSE(editor->problems().empty());
    EXPECT_EQ(editor->problems().front().at.line, line);
    EXPECT_TRUE(QString::fromStdString(editor->problems().front().message).contains(QStringLiteral("sleepp")))
        << editor->problems().front().message;
    EXPECT_EQ(editor->textEdit()->markedLines(), std::vector<int>{line});
    // The underline covers the misspelt value.
    const auto marks = editor->textEdit()->underlined();
    ASSERT_EQ(marks.size(), editor->problems().size());
    QTextCursor marked(editor->textEdit()->document());
    marked.setPosition(marks.front().first);
    marked.setPosition(marks.front().second, QTextCursor::KeepAnchor);
    EXPECT_EQ(marked.selectedText(), QStringLiteral("\"${sleepp}\""));
    EXPECT_TRUE(editor->problemList()->isVisibleTo(editor));
    EXPECT_EQ(editor->problemList()->count(), static_cast<int>(editor->problems().size()));
    // Listed word for word as `forkscope check` prints the same text from a file of that name.
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sleepers.json"));
        writeFile(path, editor->text());
        core::Scenario s;
        std::vector<core::ScenarioProblem> found;
        ASSERT_FALSE(core::loadScenarioFile(path.toStdString(), s, found));
        ASSERT_EQ(static_cast<int>(found.size()), editor->problemList()->count());
        for (std::size_t i = 0; i < found.size(); ++i)
            EXPECT_EQ(editor->problemList()->item(static_cast<int>(i))->text(),
                      QString::fromStdString(found[i].text()).remove(dir.path() + QLatin1Char('/')));
        EXPECT_TRUE(
            editor->problemList()->item(0)->text().startsWith(QStringLiteral("sleepers.json:%1:").arg(line)));
    }
    EXPECT_TRUE(editor->statusText().contains(QStringLiteral("problem")));

    // A click on the problem takes the cursor to its place.
    editor->textEdit()->moveCursor(QTextCursor::Start);
    QListWidget *list = editor->problemList();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    EXPECT_EQ(editor->textEdit()->textCursor().blockNumber() + 1, line);
    EXPECT_EQ(editor->textEdit()->textCursor().position(),
              textPosition(*editor->textEdit()->document(), line, editor->problems().front().at.column));

    // Fixed: the mark and the list go.
    cursor = editor->textEdit()->document()->find(QStringLiteral("\"${sleepp}\""));
    ASSERT_FALSE(cursor.isNull());
    cursor.setPosition(cursor.selectionStart() + 9);
    editor->textEdit()->setTextCursor(cursor);
    QTest::keyClick(editor->textEdit(), Qt::Key_Backspace);
    ASSERT_TRUE(QTest::qWaitFor([&] { return editor->checkedUpToDate(); }, 5000));
    EXPECT_TRUE(editor->problems().empty()) << editor->statusText().toStdString();
    EXPECT_TRUE(editor->textEdit()->markedLines().empty());
    EXPECT_FALSE(editor->problemList()->isVisibleTo(editor));
    EXPECT_FALSE(editor->isModified()) << "the text is the file's again";
}

TEST(ScenarioFiles, RunFromTheEditorRunsTheEditedTextAsTheUsersCopy)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("kind"), QStringLiteral("thread")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("2")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("time-scale"), QStringLiteral("0.01")));
    const core::Scenario *builtin = core::findScenario("sleepers");
    ASSERT_NE(builtin, nullptr);
    const QString builtinPath = QString::fromStdString(builtin->sourcePath);
    const QString onDisk = readFile(builtinPath);
    ScenarioEditor *editor = w->scenarioFiles()->editor();
    w->scenarioFiles()->editorDock()->show();

    // Type a new text over the workers' last print.
    QTextCursor cursor = editor->textEdit()->document()->find(QStringLiteral("woke up, bye"));
    ASSERT_FALSE(cursor.isNull());
    editor->textEdit()->setTextCursor(cursor);
    editor->textEdit()->setFocus();
    QTest::keyClicks(editor->textEdit(), QStringLiteral("woke up, edited"));
    EXPECT_TRUE(editor->isModified());
    QTest::mouseClick(editor->runButton(), Qt::LeftButton);
    ASSERT_TRUE(waitUntilIdle(*w));

    // The edited lesson ran as the user's copy, with the parameters that were shown.
    EXPECT_EQ(w->scenarioId(), QStringLiteral("sleepers-copy"));
    const QString console = consoleText(*w);
    EXPECT_TRUE(console.contains(QStringLiteral("worker 1 woke up, edited"))) << console.toStdString();
    EXPECT_TRUE(console.contains(QStringLiteral("worker 2 woke up, edited")));
    EXPECT_FALSE(console.contains(QStringLiteral("woke up, bye")));
    EXPECT_EQ(w->controller().lastResult().lanes.size(), 3u) << "workers = 2 was kept";
    auto *browser = w->findChild<QTreeWidget *>();
    const auto mine = userItems(browser);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_TRUE(mine.front()->text(0).contains(QStringLiteral("your copy, not saved")));
    EXPECT_EQ(mine.front()->parent()->text(0), QStringLiteral("Your scenarios"));
    EXPECT_EQ(browser->currentItem(), mine.front());
    // The built-in lesson was not touched, on disk or in the window.
    EXPECT_EQ(readFile(builtinPath), onDisk);
    EXPECT_EQ(core::findScenario("sleepers"), builtin);
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    EXPECT_EQ(editor->text(), onDisk);
    EXPECT_FALSE(editor->isModified());

    // A text with a problem does not run.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers-copy")));
    cursor = editor->textEdit()->document()->find(QStringLiteral("\"kind\": \"${kind}\""));
    ASSERT_FALSE(cursor.isNull());
    editor->textEdit()->setTextCursor(cursor);
    QTest::keyClicks(editor->textEdit(), QStringLiteral("\"kind\": \"${knid}\""));
    EXPECT_FALSE(w->scenarioFiles()->runEdited());
    EXPECT_FALSE(w->controller().running());
    EXPECT_FALSE(editor->problems().empty());
}

TEST(ScenarioFiles, SaveWritesTheUsersFileAndAChangeOnDiskReloads)
{
    auto w = freshWindow();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("hello.json"));
    writeFile(path, helloScenario(QStringLiteral("hello-save"), QStringLiteral("hello")));
    ASSERT_TRUE(w->scenarioFiles()->openFile(path));
    ScenarioEditor *editor = w->scenarioFiles()->editor();
    ASSERT_EQ(editor->text(), readFile(path));

    // Edit and Save (Ctrl+S): the file has the text, and the browser the scenario it makes.
    QTextCursor cursor = editor->textEdit()->document()->find(QStringLiteral("Hello from a file"));
    ASSERT_FALSE(cursor.isNull());
    editor->textEdit()->setTextCursor(cursor);
    editor->textEdit()->setFocus();
    QTest::keyClicks(editor->textEdit(), QStringLiteral("Saved greetings"));
    EXPECT_TRUE(editor->isModified());
    QTest::keyClick(editor->textEdit(), Qt::Key_S, Qt::ControlModifier);
    EXPECT_EQ(readFile(path), editor->text());
    EXPECT_TRUE(readFile(path).contains(QStringLiteral("Saved greetings")));
    EXPECT_FALSE(editor->isModified());
    auto *browser = w->findChild<QTreeWidget *>();
    ASSERT_EQ(userItems(browser).size(), 1u);
    EXPECT_TRUE(userItems(browser).front()->text(0).contains(QStringLiteral("Saved greetings")));
    EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("hello.json")})
        << "an atomic write leaves no temporary file";

    // Changed on disk by someone else: the editor and the browser follow.
    QTest::qWait(50);
    writeFile(path,
              helloScenario(QStringLiteral("hello-save"), QStringLiteral("bonjour"),
                            QStringLiteral("Changed outside")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return editor->text().contains(QStringLiteral("bonjour")); }, 5000));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return userItems(browser).front()->text(0).contains(QStringLiteral("Changed outside")); },
        5000));
    EXPECT_FALSE(editor->isModified());
    ASSERT_TRUE(w->runScenario());
    ASSERT_TRUE(waitUntilIdle(*w));
    EXPECT_TRUE(consoleText(*w).contains(QStringLiteral("bonjour from greeter 1")))
        << consoleText(*w).toStdString();

    // With edits not saved, the user is asked; "no" keeps the edits.
    QStringList asked;
    w->scenarioFiles()->setQuestion([&](const QString &title, const QString &) {
        asked << title;
        return false;
    });
    cursor = editor->textEdit()->document()->find(QStringLiteral("bonjour"));
    editor->textEdit()->setTextCursor(cursor);
    QTest::keyClicks(editor->textEdit(), QStringLiteral("hallo"));
    const QString mine = editor->text();
    QTest::qWait(50);
    writeFile(path,
              helloScenario(QStringLiteral("hello-save"), QStringLiteral("hej"), QStringLiteral("Third")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !asked.isEmpty(); }, 5000));
    EXPECT_TRUE(asked.front().contains(QStringLiteral("hello.json")));
    EXPECT_EQ(editor->text(), mine);
    EXPECT_TRUE(editor->isModified());
}

TEST(ScenarioFiles, SaveACopyWritesTheFileAndItsTwinAsForkscopeNewDoes)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    const core::Scenario *bank = core::findScenario("bank");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("my-bank.json"));
    ASSERT_EQ(w->scenarioFiles()->saveCopyTo(path), QString());
    const auto json = nlohmann::ordered_json::parse(readFile(path).toStdString());
    EXPECT_EQ(json["id"], "my-bank");
    EXPECT_EQ(json["lesson"], "Your scenarios");
    EXPECT_EQ(json["python"], "my-bank.py");
    EXPECT_FALSE(json.contains("order"));
    EXPECT_EQ(readFile(dir.filePath(QStringLiteral("my-bank.py"))),
              readFile(QString::fromStdString(bank->pythonPath())));
    // It is opened: the user's, selected, and it reads as a scenario.
    EXPECT_EQ(w->scenarioId(), QStringLiteral("my-bank"));
    auto *browser = w->findChild<QTreeWidget *>();
    ASSERT_EQ(userItems(browser).size(), 1u);
    EXPECT_TRUE(userItems(browser).front()->toolTip(0).contains(path));
    // A second copy to the same place would replace the twin: refused unless asked for.
    EXPECT_FALSE(w->scenarioFiles()->saveCopyTo(dir.filePath(QStringLiteral("my-bank.json"))).isEmpty());
}

TEST(ScenarioFiles, RecentScenariosKeepTheLastEightAndDropMissingFiles)
{
    auto w = freshWindow();
    QTemporaryDir dir;
    QStringList paths;
    for (int i = 1; i <= 9; ++i) {
        paths << dir.filePath(QStringLiteral("hello%1.json").arg(i));
        writeFile(paths.back(),
                  helloScenario(QStringLiteral("hello-recent-%1").arg(i), QStringLiteral("hi")));
        ASSERT_TRUE(w->scenarioFiles()->openFile(paths.back()));
    }
    QStringList newestFirst;
    for (int i = 9; i >= 2; --i)
        newestFirst << paths[i - 1];
    EXPECT_EQ(w->scenarioFiles()->recentFiles(), newestFirst);
    ASSERT_TRUE(QFile::remove(paths[4]));
    EXPECT_EQ(w->scenarioFiles()->pruneRecent(), QStringList{paths[4]});
    newestFirst.removeAll(paths[4]);
    EXPECT_EQ(w->scenarioFiles()->recentFiles(), newestFirst);
    EXPECT_TRUE(w->statusBar()->currentMessage().contains(QStringLiteral("hello5.json")))
        << w->statusBar()->currentMessage().toStdString();
    // Kept across windows (QSettings).
    EXPECT_EQ(QSettings().value(QStringLiteral("scenarios/recent")).toStringList(), newestFirst);
}

TEST(ScenarioFiles, ThePythonPanesCommandFollowsTheParameters)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    auto *code = w->findChild<CodePane *>();
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(
        code->command(),
        QStringLiteral("python3 sleepers.py --kind process --workers 10 --sleep 2 --join on --time-scale 1"));
    ASSERT_TRUE(w->setParameter(QStringLiteral("workers"), QStringLiteral("3")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("kind"), QStringLiteral("thread")));
    ASSERT_TRUE(w->setParameter(QStringLiteral("sleep"), QStringLiteral("0.5")));
    EXPECT_EQ(
        code->command(),
        QStringLiteral("python3 sleepers.py --kind thread --workers 3 --sleep 0.5 --join on --time-scale 1"));
    auto *label = code->findChild<QLabel *>(QStringLiteral("twinCommand"));
    ASSERT_NE(label, nullptr);
    // Shown as a shell would take it: "$ ", and where it is broken, a backslash and an indented next line.
    const auto joined = [&] {
        return label->text().replace(QRegularExpression(QStringLiteral(" \\\\\n +")), QStringLiteral(" "));
    };
    EXPECT_EQ(joined(), QStringLiteral("$ ") + code->command());
    // In a narrow pane it is broken between options only, never inside "--sleep 0.5".
    code->setFixedWidth(260);
    QTest::qWait(50);
    const QStringList lines = label->text().split(QLatin1Char('\n'));
    EXPECT_GE(lines.size(), 3) << label->text().toStdString();
    for (int i = 1; i < lines.size(); ++i) {
        EXPECT_TRUE(lines[i - 1].endsWith(QStringLiteral(" \\"))) << lines[i - 1].toStdString();
        EXPECT_TRUE(lines[i].trimmed().startsWith(QStringLiteral("--"))) << lines[i].toStdString();
        EXPECT_EQ(lines[i].trimmed().count(QLatin1Char(' ')) % 2,
                  lines[i].endsWith(QLatin1Char('\\')) ? 0 : 1)
            << "whole options: " << lines[i].toStdString();
    }
    EXPECT_EQ(joined(), QStringLiteral("$ ") + code->command());
    // In a short pane the first lines only, ending in "…"; the tooltip has it whole, and Copy copies it.
    code->setFixedHeight(120);
    QTest::qWait(50);
    auto *commandLine = qobject_cast<CommandLine *>(label);
    ASSERT_NE(commandLine, nullptr);
    EXPECT_TRUE(commandLine->isCut());
    EXPECT_EQ(label->text().count(QLatin1Char('\n')), 1) << label->text().toStdString();
    EXPECT_TRUE(label->text().endsWith(QStringLiteral(" …")));
    EXPECT_TRUE(label->toolTip()
                    .replace(QRegularExpression(QStringLiteral(" \\\\\n +")), QStringLiteral(" "))
                    .contains(code->command()))
        << label->toolTip().toStdString();
    QTest::mouseClick(commandLine->copyButton(), Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text(), code->command());
    code->setFixedHeight(400);
    QTest::qWait(50);
    EXPECT_FALSE(commandLine->isCut()) << label->text().toStdString();
    EXPECT_EQ(joined(), QStringLiteral("$ ") + code->command());
    code->setMinimumSize(0, 0);
    code->setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
    // Another scenario, its own twin and parameters.
    ASSERT_TRUE(w->selectScenario(QStringLiteral("pipe")));
    EXPECT_TRUE(code->command().startsWith(QStringLiteral("python3 pipe.py --")))
        << code->command().toStdString();
    // A value the shell would split is quoted.
    core::Scenario s = *core::findScenario("sleepers");
    EXPECT_EQ(twinCommand(s, {{"kind", "two words"}}).section(QLatin1Char(' '), 2, 4),
              QStringLiteral("--kind 'two words'"));
}

TEST(ScenarioFiles, APresetSetsTheFields)
{
    auto w = freshWindow();
    ASSERT_TRUE(w->selectScenario(QStringLiteral("sleepers")));
    auto *picker = w->findChild<PresetPicker *>();
    ASSERT_NE(picker, nullptr);
    EXPECT_FALSE(picker->isVisibleTo(w.get())) << "sleepers offers no preset";
    ASSERT_TRUE(w->selectScenario(QStringLiteral("bank")));
    EXPECT_TRUE(picker->isVisibleTo(w.get()));
    EXPECT_EQ(picker->current(), PresetPicker::defaultsName()) << "the fields hold the defaults";
    QComboBox *combo = picker->comboBox();
    const int index = combo->findText(QStringLiteral("the tutorial's own settings"));
    ASSERT_GT(index, 0);
    combo->setCurrentIndex(index);
    emit combo->activated(index); // as a pick from the list
    auto *form = w->findChild<ParameterForm *>();
    const auto values = form->values();
    EXPECT_EQ(values.at("updates"), "100");
    EXPECT_EQ(values.at("think"), "0");
    EXPECT_EQ(values.at("sleep"), "0.01");
    EXPECT_EQ(values.at("trials"), "10");
    EXPECT_EQ(values.at("trial-shape"), "same");
    EXPECT_EQ(picker->current(), QStringLiteral("the tutorial's own settings"));
    // A field changed by hand: no longer the preset.
    ASSERT_TRUE(w->setParameter(QStringLiteral("updates"), QStringLiteral("50")));
    EXPECT_EQ(picker->current(), QString());
    ASSERT_TRUE(w->setParameter(QStringLiteral("updates"), QStringLiteral("100")));
    EXPECT_EQ(picker->current(), QStringLiteral("the tutorial's own settings"));
    // And back to the defaults.
    const int defaults = combo->findText(PresetPicker::defaultsName());
    ASSERT_GT(defaults, 0);
    combo->setCurrentIndex(defaults);
    emit combo->activated(defaults);
    const core::Scenario *bank = core::findScenario("bank");
    for (const core::ParamSpec &spec : bank->params)
        EXPECT_EQ(form->values().at(spec.name), spec.defaultValue) << spec.name;
    EXPECT_EQ(picker->current(), PresetPicker::defaultsName());
    // The Python pane's command follows the preset too.
    EXPECT_TRUE(w->findChild<CodePane *>()->command().contains(QStringLiteral("--updates 500")));
}
