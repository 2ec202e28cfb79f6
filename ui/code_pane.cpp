#include "ui/code_pane.hpp"

#include "core/plan/plan_description.hpp"
#include "ui/code_highlighter.hpp"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace forkscope::ui {

namespace {

/// The scenario's Python twin, read from beside its file.
QString loadTwin(const core::Scenario &scenario)
{
    const QString path = QString::fromStdString(scenario.pythonPath());
    if (path.isEmpty())
        return QObject::tr("# (this scenario has no Python twin: its file names none under \"python\")");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QObject::tr("# (the Python twin of this scenario is missing: %1)").arg(path);
    return QString::fromUtf8(file.readAll());
}

/// `word` as one shell word: as it is when nothing in it is special, else in single quotes.
QString shellWord(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=+,@%-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

QStringList twinCommandParts(const core::Scenario &scenario, const std::map<std::string, std::string> &values)
{
    if (scenario.codeFile.empty())
        return {};
    // The twin's own file name: the command is run in the scenario's folder, where the twin is.
    QStringList parts{QStringLiteral("python3 ")
                      + shellWord(QFileInfo(QString::fromStdString(scenario.codeFile)).fileName())};
    for (const core::ParamSpec &spec : scenario.params) {
        const auto it = values.find(spec.name);
        const std::string &value = it != values.end() ? it->second : spec.defaultValue;
        parts << QStringLiteral("--") + QString::fromStdString(spec.name) + QLatin1Char(' ')
                + shellWord(QString::fromStdString(value));
    }
    return parts;
}

QString twinCommand(const core::Scenario &scenario, const std::map<std::string, std::string> &values)
{
    return twinCommandParts(scenario, values).join(QLatin1Char(' '));
}

CommandLine::CommandLine(QWidget *parent) : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setWordWrap(false); // the lines are broken here, between options, never inside one
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    // Copy sits at the first line's end, so the lines under it have the pane's whole width.
    m_copy = new QToolButton(this);
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the command, on one line, to the clipboard"));
    m_copy->adjustSize();
}

void CommandLine::setParts(const QStringList &parts)
{
    m_parts = parts;
    relayout();
}

void CommandLine::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    m_copy->move(width() - m_copy->width(), 0);
    relayout();
}

void CommandLine::relayout()
{
    // Greedy, as a shell user would break it: whole options per line, a backslash at each line's end, the
    // next line indented. Pasted into a shell, the broken text runs as the one-line command does.
    const QFontMetrics fm = fontMetrics();
    const int width = contentsRect().width();
    // Copy only where the first line leaves room for it: a very narrow pane shows the command, not a button
    // over it (the text can still be selected and copied).
    const bool copyFits = m_parts.isEmpty()
        || fm.horizontalAdvance(QStringLiteral("$ ") + m_parts.front() + QStringLiteral(" \\"))
                + m_copy->width() + 4
            <= width;
    m_copy->setVisible(copyFits && !m_parts.isEmpty());
    const QString indent = QStringLiteral("  ");
    const QString more = QStringLiteral(" \\");
    QStringList lines;
    QString line;
    for (const QString &part : m_parts) {
        if (line.isEmpty()) {
            line = (lines.isEmpty() ? QStringLiteral("$ ") : indent) + part;
            continue;
        }
        const QString longer = line + QLatin1Char(' ') + part;
        const int room = lines.isEmpty() && copyFits ? width - m_copy->width() - 4 : width;
        if (width > 0 && fm.horizontalAdvance(longer + more) > room) {
            lines << line + more;
            line = indent + part;
        } else {
            line = longer;
        }
    }
    if (!line.isEmpty())
        lines << line;
    // A pane too short for every line shows the first ones and says it goes on; the tooltip and Copy have
    // the whole command.
    const bool cut = lines.size() > m_maxLines;
    const QString whole = lines.join(QLatin1Char('\n'));
    if (cut) {
        lines = lines.mid(0, m_maxLines);
        lines.back().chop(more.size());
        lines.back() += QStringLiteral(" …");
    }
    const QString text = lines.join(QLatin1Char('\n'));
    if (text != QLabel::text())
        setText(text);
    setToolTip(cut ? m_about + QStringLiteral("\n\n") + whole : m_about);
    // At least as tall as Copy, whatever the text.
    setMinimumHeight(copyFits && !m_parts.isEmpty() ? m_copy->height() : 0);
}

void CommandLine::setMaxLines(int lines)
{
    lines = std::max(1, lines);
    if (lines == m_maxLines)
        return;
    m_maxLines = lines;
    relayout();
}

void CommandLine::setAbout(const QString &about)
{
    m_about = about;
    relayout();
}

bool CommandLine::isCut() const { return QLabel::text().endsWith(QStringLiteral(" …")); }

CodePane::CodePane(QWidget *parent) : QTabWidget(parent)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_python = new QPlainTextEdit;
    m_plan = new QPlainTextEdit;
    for (QPlainTextEdit *edit : {m_python, m_plan}) {
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    // Above the twin, the command that runs it with the parameters shown (it follows the fields).
    auto *pythonTab = new QWidget;
    auto *pythonLayout = new QVBoxLayout(pythonTab);
    pythonLayout->setContentsMargins(0, 0, 0, 0);
    pythonLayout->setSpacing(2);
    m_commandRow = new QWidget;
    auto *row = new QHBoxLayout(m_commandRow);
    row->setContentsMargins(4, 2, 2, 0);
    m_command = new CommandLine;
    m_command->setObjectName(QStringLiteral("twinCommand"));
    m_command->setFont(mono);
    row->addWidget(m_command, 1);
    connect(m_command->copyButton(), &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(command()); });
    pythonLayout->addWidget(m_commandRow);
    // Short enough that the command's lines above it are never squeezed in a small window.
    m_python->setMinimumHeight(m_python->fontMetrics().lineSpacing() * 3 + 2 * m_python->frameWidth());
    pythonLayout->addWidget(m_python, 1);
    addTab(pythonTab, tr("Python (tutorial)"));
    addTab(m_plan, tr("What runs (C++)"));
    setDark(false);
}

void CodePane::showScenario(const core::Scenario &scenario)
{
    m_scenario = &scenario;
    m_python->setPlainText(loadTwin(scenario));
    showParameters({});
    core::Plan plan;
    core::ParamSet values;
    std::string error;
    if (core::buildPlan(scenario, {}, plan, values, error))
        showPlan(plan);
}

void CodePane::showParameters(const std::map<std::string, std::string> &values)
{
    const QStringList parts = m_scenario ? twinCommandParts(*m_scenario, values) : QStringList();
    m_commandText = parts.join(QLatin1Char(' '));
    m_commandRow->setVisible(!parts.isEmpty());
    m_command->setParts(parts);
    m_command->setAbout(
        m_scenario ? tr("Runs the Python twin with the parameters shown, in its folder: %1")
                         .arg(QFileInfo(QString::fromStdString(m_scenario->pythonPath())).absolutePath())
                   : QString());
}

QString CodePane::command() const { return m_commandText; }

void CodePane::resizeEvent(QResizeEvent *event)
{
    QTabWidget::resizeEvent(event);
    // The command never takes more than about a third of the pane (two lines at least): the Python is what
    // is read.
    m_command->setMaxLines(
        std::max(2, height() * 30 / 100 / std::max(1, m_command->fontMetrics().lineSpacing())));
}

void CodePane::showPlan(const core::Plan &plan)
{
    m_plan->setPlainText(QString::fromStdString(core::describePlan(plan)));
}

void CodePane::setDark(bool dark)
{
    // One highlighter per document, replaced when the theme changes (they re-colour on their own as the
    // text changes).
    delete m_pythonHighlighter;
    delete m_planHighlighter;
    m_pythonHighlighter = new CodeHighlighter(m_python->document(), CodeHighlighter::Language::Python, dark);
    m_planHighlighter = new CodeHighlighter(m_plan->document(), CodeHighlighter::Language::Cpp, dark);
}

} // namespace forkscope::ui
