#include "ui/scenario_editor.hpp"

#include "ui/code_highlighter.hpp"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QShortcut>
#include <QSplitter>
#include <QTextBlock>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace forkscope::ui {

namespace {

const QColor kProblemColour(0xD5, 0x5E, 0x00); // the window's colour for what is wrong (vermilion)
const QColor kGoodColour(0x00, 0x9E, 0x73);

/// The margin beside the text: line numbers and problem marks, painted by the text edit.
class Margin : public QWidget {
public:
    explicit Margin(ScenarioTextEdit *edit) : QWidget(edit), m_edit(edit) { }
    QSize sizeHint() const override { return {m_edit->marginWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_edit->paintMargin(event); }

private:
    ScenarioTextEdit *m_edit;
};

/// A one-line label that elides its text to its width (a QLabel wraps or widens its dock); the whole text is
/// its tooltip unless one is set.
class ElidedLabel : public QLabel {
public:
    using QLabel::QLabel;
    QSize minimumSizeHint() const override { return {0, fontMetrics().height()}; }
    QSize sizeHint() const override
    {
        return {fontMetrics().horizontalAdvance(text()), fontMetrics().height()};
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setPen(palette().color(foregroundRole()));
        const QRect r = contentsRect();
        painter.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                         fontMetrics().elidedText(text(), Qt::ElideRight, r.width()));
    }
};

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('.') || c == QLatin1Char('+')
        || c == QLatin1Char('_');
}

} // namespace

int textPosition(const QTextDocument &document, int line, int column)
{
    QTextBlock block = document.findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid())
        block = document.lastBlock();
    const QString text = block.text();
    int index = 0;
    // Columns count characters (code points); a character outside the BMP is two UTF-16 units here.
    for (int c = 1; c < column && index < text.size(); ++c)
        index += text.at(index).isHighSurrogate() && index + 1 < text.size() ? 2 : 1;
    return block.position() + index;
}

std::pair<int, int> problemExtent(const QTextDocument &document, int line, int column)
{
    const int start = textPosition(document, line, column);
    const QTextBlock block = document.findBlock(start);
    const QString text = block.text();
    int i = start - block.position();
    if (text.isEmpty())
        return {block.position(), block.position()};
    if (i >= text.size()) // at the line's end (a problem at the end of the text): its last character
        return {block.position() + static_cast<int>(text.size()) - 1,
                block.position() + static_cast<int>(text.size())};
    int end = i + 1;
    const QChar c = text.at(i);
    if (c == QLatin1Char('"')) {
        for (; end < text.size(); ++end) {
            if (text.at(end) == QLatin1Char('\\')) {
                ++end;
                continue;
            }
            if (text.at(end) == QLatin1Char('"')) {
                ++end;
                break;
            }
        }
    } else if (isWordChar(c)) {
        while (end < text.size() && isWordChar(text.at(end)))
            ++end;
    } else if (c == QLatin1Char('{') || c == QLatin1Char('[')) {
        end = static_cast<int>(text.size());
        while (end > i + 1 && text.at(end - 1).isSpace())
            --end;
    }
    return {block.position() + i, block.position() + std::min(end, static_cast<int>(text.size()))};
}

// ---------------------------------------------------------------------------------------------------------

ScenarioTextEdit::ScenarioTextEdit(QWidget *parent) : QPlainTextEdit(parent)
{
    m_margin = new Margin(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(marginWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_margin->scroll(0, dy);
        else
            m_margin->update(0, rect.y(), m_margin->width(), rect.height());
    });
    setViewportMargins(marginWidth(), 0, 0, 0);
}

int ScenarioTextEdit::marginWidth() const
{
    int digits = 1;
    for (int n = std::max(1, blockCount()); n >= 10; n /= 10)
        ++digits;
    const int mark = fontMetrics().height();
    return 6 + mark + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 3);
}

void ScenarioTextEdit::setProblems(const std::vector<core::ScenarioProblem> &problems)
{
    m_problems = problems;
    // Each mark is a selection, so it moves with the text as it is edited until the next check places it
    // again.
    QList<QTextEdit::ExtraSelection> marks;
    QColor tint = kProblemColour;
    tint.setAlpha(40);
    for (const core::ScenarioProblem &p : problems) {
        const auto [start, end] = problemExtent(*document(), p.at.line, p.at.column);
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(document());
        mark.cursor.setPosition(start);
        mark.cursor.setPosition(end, QTextCursor::KeepAnchor);
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(kProblemColour);
        mark.format.setBackground(tint);
        marks.append(mark);
    }
    setExtraSelections(marks);
    m_margin->update();
}

std::vector<int> ScenarioTextEdit::markedLines() const
{
    std::vector<int> lines;
    for (const auto &[start, end] : underlined())
        lines.push_back(document()->findBlock(start).blockNumber() + 1);
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    return lines;
}

std::vector<std::pair<int, int>> ScenarioTextEdit::underlined() const
{
    std::vector<std::pair<int, int>> ranges;
    for (const QTextEdit::ExtraSelection &mark : extraSelections())
        ranges.emplace_back(mark.cursor.selectionStart(), mark.cursor.selectionEnd());
    return ranges;
}

void ScenarioTextEdit::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_margin->setGeometry(QRect(r.left(), r.top(), marginWidth(), r.height()));
}

bool ScenarioTextEdit::event(QEvent *event)
{
    // The message of a marked problem as the tooltip of its text.
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int position = cursorForPosition(viewport()->mapFromParent(help->pos())).position();
        QStringList messages;
        const auto ranges = underlined();
        for (std::size_t i = 0; i < ranges.size() && i < m_problems.size(); ++i)
            if (position >= ranges[i].first && position <= ranges[i].second)
                messages << QString::fromStdString(m_problems[i].message);
        if (messages.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), messages.join(QLatin1Char('\n')), this);
        return true;
    }
    return QPlainTextEdit::event(event);
}

void ScenarioTextEdit::paintMargin(QPaintEvent *event)
{
    QPainter painter(m_margin);
    const QPalette &pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::Window));
    const std::vector<int> marked = markedLines();
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int lineHeight = fontMetrics().height();
    const int markSize = lineHeight - 4;
    QColor muted = pal.color(QPalette::WindowText);
    muted.setAlpha(140);
    while (block.isValid() && top <= event->rect().bottom()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            painter.setPen(muted);
            painter.drawText(0, top, m_margin->width() - markSize - 6, lineHeight, Qt::AlignRight,
                             QString::number(line));
            if (std::binary_search(marked.begin(), marked.end(), line)) {
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(Qt::NoPen);
                painter.setBrush(kProblemColour);
                const QRectF dot(m_margin->width() - markSize - 3, top + 2, markSize, markSize);
                painter.drawEllipse(dot);
                painter.setPen(Qt::white);
                QFont bold = painter.font();
                bold.setBold(true);
                painter.setFont(bold);
                painter.drawText(dot, Qt::AlignCenter, QStringLiteral("!"));
                painter.setFont(font());
                painter.setRenderHint(QPainter::Antialiasing, false);
            }
        }
        block = block.next();
        top = bottom;
    }
}

// ---------------------------------------------------------------------------------------------------------

ScenarioEditor::ScenarioEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    // The buttons first, then whose text it is (one line, elided: a long path never widens the dock), the text with
    // the problems under it (a splitter: they never crowd out the text), and the check's verdict.
    // A tool bar, like the window's: narrow, what does not fit goes under its » menu, so the buttons never
    // widen the dock column.
    auto *bar = new QToolBar;
    bar->setObjectName(QStringLiteral("editorBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_runAction = bar->addAction(tr("Run"), this, &ScenarioEditor::runRequested);
    m_runAction->setToolTip(tr("Run the text as it is here, as your scenario, with the parameters shown "
                               "(Ctrl+Return); a built-in lesson edited becomes your copy"));
    m_saveAction = bar->addAction(tr("Save"), this, &ScenarioEditor::saveRequested);
    m_saveCopyAction = bar->addAction(tr("Save a Copy…"), this, &ScenarioEditor::saveCopyRequested);
    m_saveCopyAction->setToolTip(
        tr("Write the text to a new file of your own, with the Python twin beside it "
           "(Ctrl+Shift+S)"));
    bar->widgetForAction(m_runAction)->setObjectName(QStringLiteral("editorRun"));
    bar->widgetForAction(m_saveAction)->setObjectName(QStringLiteral("editorSave"));
    bar->widgetForAction(m_saveCopyAction)->setObjectName(QStringLiteral("editorSaveCopy"));
    m_bar = bar;
    layout->addWidget(bar);
    m_header = new ElidedLabel;
    m_header->setObjectName(QStringLiteral("editorHeader"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    layout->addWidget(m_header);
    auto *runKey = new QShortcut(QKeySequence(tr("Ctrl+Return")), this);
    runKey->setContext(Qt::WidgetWithChildrenShortcut);
    connect(runKey, &QShortcut::activated, this, &ScenarioEditor::runRequested);

    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    m_edit = new ScenarioTextEdit;
    m_edit->setObjectName(QStringLiteral("scenarioText"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setTabChangesFocus(false);
    m_edit->setMinimumHeight(m_edit->fontMetrics().height() * 4);
    split->addWidget(m_edit);

    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("editorProblems"));
    m_list->setWordWrap(true);
    m_list->setToolTip(tr("Every problem of the text, as 'forkscope check' prints it; click one to go to "
                          "its place"));
    m_list->setMinimumHeight(m_list->fontMetrics().height() * 2 + 6);
    m_list->hide(); // a hidden widget takes no room in the splitter: the text has it all
    split->addWidget(m_list);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    m_status = new ElidedLabel;
    m_status->setObjectName(QStringLiteral("editorStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    layout->addWidget(m_status);
    connect(m_list, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { goToProblem(m_list->row(item)); });
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { goToProblem(m_list->row(item)); });

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &ScenarioEditor::startCheck);
    connect(&m_watcher, &QFutureWatcher<Check>::finished, this, [this] {
        m_checking = false;
        applyCheck(m_watcher.result());
        if (!checkedUpToDate() && !m_debounce.isActive())
            startCheck(); // the text changed while it was being checked
    });
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        ++m_revision;
        m_status->setText(tr("checking…"));
        m_debounce.start();
        if (!m_settingText)
            emit textEdited();
    });
    setDark(false);
    showHeader();
}

ScenarioEditor::~ScenarioEditor()
{
    // A check still running holds only copies; wait for it so its thread does not outlive the editor.
    m_watcher.waitForFinished();
}

void ScenarioEditor::setDocument(const QString &text, const QString &fileName, const QString &label,
                                 bool saveWrites)
{
    m_fileName = fileName;
    m_label = label;
    m_saveWrites = saveWrites;
    if (text != m_edit->toPlainText()) {
        // Another file: its own undo history, the cursor at its start.
        m_settingText = true;
        m_edit->setPlainText(text);
        m_settingText = false;
        m_debounce.stop();
        startCheck();
    }
    showHeader();
}

void ScenarioEditor::replaceText(const QString &text)
{
    m_settingText = true;
    // One undoable step, so Ctrl+Z can bring back what a reload replaced.
    QTextCursor all(m_edit->document());
    const int position = m_edit->textCursor().position();
    all.select(QTextCursor::Document);
    all.insertText(text);
    QTextCursor at(m_edit->document());
    at.setPosition(std::min(position, static_cast<int>(m_edit->document()->characterCount()) - 1));
    m_edit->setTextCursor(at);
    m_settingText = false;
    m_debounce.stop();
    startCheck(); // a new text: check it at once
}

QToolButton *ScenarioEditor::runButton() const
{
    return qobject_cast<QToolButton *>(m_bar->widgetForAction(m_runAction));
}

QString ScenarioEditor::text() const { return m_edit->toPlainText(); }

void ScenarioEditor::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    showHeader();
}

void ScenarioEditor::showHeader()
{
    m_header->setText((m_modified ? QStringLiteral("● ") : QString()) + m_label);
    m_header->setToolTip(m_modified ? tr("%1 — edited, not saved").arg(m_label) : m_label);
    m_saveAction->setToolTip(
        m_saveWrites ? tr("Write the text back to %1 (Ctrl+S)").arg(m_fileName)
                     : tr("This is not a file of yours: Save writes a copy of your own (Ctrl+S)"));
}

ScenarioEditor::Check ScenarioEditor::check(const QString &text, const QString &fileName, quint64 revision)
{
    Check c;
    c.revision = revision;
    core::Scenario s;
    const std::string bytes = text.toStdString();
    c.ok = core::parseScenario(bytes, fileName.toStdString(), s, c.problems);
    if (c.ok)
        c.scenario = std::move(s);
    return c;
}

void ScenarioEditor::startCheck()
{
    if (m_checking) // one check at a time; the newest text is checked when this one is done
        return;
    m_checking = true;
    m_watcher.setFuture(QtConcurrent::run(&ScenarioEditor::check, text(), m_fileName, m_revision));
}

bool ScenarioEditor::checkNow()
{
    if (!checkedUpToDate())
        applyCheck(check(text(), m_fileName, m_revision));
    return m_scenario.has_value();
}

bool ScenarioEditor::checkedUpToDate() const { return m_checkedRevision == m_revision; }

void ScenarioEditor::applyCheck(Check result)
{
    if (result.revision < m_checkedRevision || result.revision != m_revision)
        return; // a check of an older text: its places would be wrong
    m_checkedRevision = result.revision;
    m_problems = std::move(result.problems);
    m_scenario = std::move(result.scenario);
    m_edit->setProblems(m_problems);
    m_list->clear();
    for (const core::ScenarioProblem &p : m_problems) {
        // Word for word what `forkscope check` prints for the file: "lesson.json:14:22: /pointer: message".
        auto *item = new QListWidgetItem(QString::fromStdString(p.text()));
        item->setToolTip(tr("Line %1, column %2: click to go there").arg(p.at.line).arg(p.at.column));
        item->setForeground(kProblemColour);
        m_list->addItem(item);
    }
    m_list->setVisible(!m_problems.empty());
    m_status->setText(statusText());
    m_status->setToolTip(statusText());
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, m_problems.empty() ? kGoodColour : kProblemColour);
    m_status->setPalette(pal);
    emit checked(m_problems.empty());
}

QString ScenarioEditor::statusText() const
{
    if (!checkedUpToDate())
        return tr("checking…");
    if (m_problems.empty())
        return tr("✓ no problems: '%1' can run, %2 parameters")
            .arg(QString::fromStdString(m_scenario ? m_scenario->id : std::string()))
            .arg(m_scenario ? m_scenario->params.size() : 0);
    return m_problems.size() == 1
        ? tr("✗ 1 problem: it cannot run until it is fixed")
        : tr("✗ %1 problems: it cannot run until they are fixed").arg(m_problems.size());
}

void ScenarioEditor::goToProblem(int index)
{
    if (index < 0 || index >= static_cast<int>(m_problems.size()))
        return;
    const core::ScenarioProblem &p = m_problems[static_cast<std::size_t>(index)];
    QTextCursor cursor(m_edit->document());
    cursor.setPosition(textPosition(*m_edit->document(), p.at.line, p.at.column));
    m_edit->setTextCursor(cursor);
    m_edit->ensureCursorVisible();
    m_edit->setFocus();
}

void ScenarioEditor::changeEvent(QEvent *event)
{
    // The window's dark theme changes the palette: colour the JSON for it.
    if (event->type() == QEvent::PaletteChange) {
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        if (dark != m_dark)
            setDark(dark);
    }
    QWidget::changeEvent(event);
}

void ScenarioEditor::setDark(bool dark)
{
    m_dark = dark;
    delete m_highlighter;
    m_highlighter = new CodeHighlighter(m_edit->document(), CodeHighlighter::Language::Json, dark);
}

} // namespace forkscope::ui
