#include "ui/code_highlighter.hpp"

#include <QColor>

namespace forkscope::ui {

CodeHighlighter::CodeHighlighter(QTextDocument *document, Language language, bool dark)
        : QSyntaxHighlighter(document)
{
    const auto format = [](const QColor &colour, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(colour);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    const QColor keyword = dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x00, 0x5A, 0x9C);
    const QColor string = dark ? QColor(0xE6, 0x9F, 0x00) : QColor(0xA0, 0x50, 0x00);
    const QColor number = dark ? QColor(0xCC, 0x79, 0xA7) : QColor(0x9B, 0x30, 0x78);
    const QColor comment = dark ? QColor(0x9A, 0x9A, 0x9A) : QColor(0x6A, 0x6A, 0x6A);

    if (language == Language::Json) {
        // Later rules win where they overlap: a number inside a string is the string's, a string before a
        // ':' is a key, and a ${…} inside either is an expression.
        const QColor key = dark ? QColor(0x56, 0xB4, 0xE9) : QColor(0x00, 0x5A, 0x9C);
        const QColor expression = dark ? QColor(0x00, 0xC0, 0x90) : QColor(0x00, 0x7A, 0x50);
        const QString quoted = QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"");
        m_rules.push_back(
            {QRegularExpression(QStringLiteral("\\b(true|false|null)\\b")), format(keyword, true)});
        m_rules.push_back({QRegularExpression(QStringLiteral("-?\\b[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\b")),
                           format(number)});
        m_rules.push_back({QRegularExpression(quoted), format(string)});
        m_rules.push_back({QRegularExpression(quoted + QStringLiteral("(?=\\s*:)")), format(key, true)});
        m_rules.push_back({QRegularExpression(QStringLiteral("\\$\\{[^}\"]*\\}")), format(expression, true)});
        return;
    }
    const QString words = language == Language::Python
        ? QStringLiteral("and|as|def|elif|else|for|from|global|if|import|in|is|lambda|None|"
                         "not|or|pass|return|True|False|while|with|yield|print|class")
        : QStringLiteral("auto|bool|case|const|double|else|for|if|int|return|struct|"
                         "switch|void|while|std|pid_t|fork|_exit|namespace|true|false");
    m_rules.push_back({QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(words)), format(keyword, true)});
    m_rules.push_back({QRegularExpression(QStringLiteral("\\b[0-9]+(\\.[0-9]+)?\\b")), format(number)});
    m_rules.push_back({QRegularExpression(QStringLiteral("f?\"[^\"]*\"|'[^']*'")), format(string)});
    m_rules.push_back({QRegularExpression(language == Language::Python ? QStringLiteral("#[^\n]*")
                                                                       : QStringLiteral("//[^\n]*")),
                       format(comment, false, true)});
}

void CodeHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : m_rules) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto match = it.next();
            setFormat(static_cast<int>(match.capturedStart()), static_cast<int>(match.capturedLength()),
                      rule.format);
        }
    }
}

} // namespace forkscope::ui
