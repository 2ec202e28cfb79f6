#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <QVector>

namespace forkscope::ui {

/// Keyword, string, number and comment colouring for the Python and C++ shown in the code pane, and for
/// the scenario files (JSON) in the Scenario editor: keys, strings, numbers, true/false/null, and the
/// `${…}` expressions filled in before a run, which stand out inside their strings.
class CodeHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    enum class Language { Python, Cpp, Json };
    CodeHighlighter(QTextDocument *document, Language language, bool dark);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    QVector<Rule> m_rules;
};

} // namespace forkscope::ui
