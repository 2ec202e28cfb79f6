#include "core/scenario/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace forkscope::core {

namespace {

constexpr int kMaxDepth
    = 64; ///< nesting of parentheses and operators: a fuzzer's input must not blow the stack

bool isLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return isLetter(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::string kindName(const ExprValue &v)
{
    switch (v.kind) {
    case ExprValue::Kind::Number: return "a number";
    case ExprValue::Kind::Text: return "a text";
    case ExprValue::Kind::Bool: return "true/false";
    }
    return {};
}

struct Failed {
    std::string message;
};

class Parser {
public:
    Parser(std::string_view text, const ExprScope &scope) : m_text(text), m_scope(scope) { }

    ExprValue parseAll()
    {
        ExprValue v = ternary();
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected '" + std::string(1, m_text[m_pos]) + "'");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string &what) const
    {
        throw Failed{what + " at character " + std::to_string(m_pos + 1) + " of '" + std::string(m_text)
                     + "'"};
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }

    /// Consumes `token` if it comes next (a word only when not followed by more of a name).
    bool accept(std::string_view token)
    {
        skipSpace();
        // The first character first: most tries fail there, without a call to compare the rest.
        if (m_pos >= m_text.size() || m_text[m_pos] != token[0]
            || m_text.substr(m_pos, token.size()) != token)
            return false;
        if (isLetter(token[0]) && m_pos + token.size() < m_text.size()
            && isNameChar(m_text[m_pos + token.size()]))
            return false;
        m_pos += token.size();
        return true;
    }

    struct Depth {
        explicit Depth(Parser &p) : parser(p)
        {
            if (++parser.m_depth > kMaxDepth)
                parser.fail("nested more than " + std::to_string(kMaxDepth) + " deep");
        }
        ~Depth() { --parser.m_depth; }
        Parser &parser;
    };

    ExprValue ternary()
    {
        Depth depth(*this);
        ExprValue c = orExpr();
        if (!accept("?"))
            return c;
        ExprValue a = ternary();
        if (!accept(":"))
            fail("expected ':' of 'c ? a : b'");
        ExprValue b = ternary();
        return c.truth() ? a : b;
    }

    ExprValue orExpr()
    {
        ExprValue v = andExpr();
        while (accept("or")) {
            const ExprValue rhs = andExpr();
            v = ExprValue::ofBool(v.truth() || rhs.truth());
        }
        return v;
    }

    ExprValue andExpr()
    {
        ExprValue v = notExpr();
        while (accept("and")) {
            const ExprValue rhs = notExpr();
            v = ExprValue::ofBool(v.truth() && rhs.truth());
        }
        return v;
    }

    ExprValue notExpr()
    {
        Depth depth(*this);
        if (accept("not"))
            return ExprValue::ofBool(!notExpr().truth());
        return comparison();
    }

    ExprValue comparison()
    {
        ExprValue a = sum();
        for (const std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
            if (!accept(op))
                continue;
            const ExprValue b = sum();
            if (op == "==" || op == "!=") {
                bool same = false;
                if (a.kind == ExprValue::Kind::Number && b.kind == ExprValue::Kind::Number)
                    same = a.number == b.number;
                else if (a.kind == ExprValue::Kind::Bool || b.kind == ExprValue::Kind::Bool)
                    same = a.truth() == b.truth();
                else
                    same = a.str() == b.str();
                return ExprValue::ofBool(op == "==" ? same : !same);
            }
            const double x = needNumber(a, op);
            const double y = needNumber(b, op);
            const bool r = op == "<" ? x < y : op == ">" ? x > y : op == "<=" ? x <= y : x >= y;
            return ExprValue::ofBool(r);
        }
        return a;
    }

    double needNumber(const ExprValue &v, std::string_view op) const
    {
        if (v.kind != ExprValue::Kind::Number)
            fail("'" + std::string(op) + "' needs numbers, not " + kindName(v) + " ('" + v.str() + "')");
        return v.number;
    }

    ExprValue sum()
    {
        ExprValue v = product();
        for (;;) {
            if (accept("+")) {
                const ExprValue rhs = product();
                // Number + number adds; anything else joins the texts ("worker " + 3).
                if (v.kind == ExprValue::Kind::Number && rhs.kind == ExprValue::Kind::Number)
                    v = ExprValue::of(v.number + rhs.number);
                else if (v.str().size() + rhs.str().size() > kMaxTextLength)
                    fail("a text longer than " + std::to_string(kMaxTextLength)
                         + " characters (joined with '+')");
                else
                    v = ExprValue::of(v.str() + rhs.str());
            } else if (accept("-")) {
                const ExprValue rhs = product();
                v = ExprValue::of(needNumber(v, "-") - needNumber(rhs, "-"));
            } else {
                return v;
            }
            // 1e308 + 1e308 is infinity, and infinity - infinity is NaN: neither is a value of a scenario.
            if (v.kind == ExprValue::Kind::Number && !std::isfinite(v.number))
                fail("a number too large");
        }
    }

    ExprValue product()
    {
        ExprValue v = unary();
        for (;;) {
            char op = 0;
            if (accept("*"))
                op = '*';
            else if (accept("/"))
                op = '/';
            else if (accept("%"))
                op = '%';
            else
                return v;
            const ExprValue rhs = unary();
            const double a = needNumber(v, std::string(1, op));
            const double b = needNumber(rhs, std::string(1, op));
            if (op != '*' && b == 0)
                fail("division by zero");
            v = ExprValue::of(op == '*' ? a * b : op == '/' ? a / b : std::fmod(a, b));
            if (!std::isfinite(v.number))
                fail("a number too large");
        }
    }

    ExprValue unary()
    {
        Depth depth(*this);
        if (accept("-"))
            return ExprValue::of(-needNumber(unary(), "-"));
        return atom();
    }

    ExprValue atom()
    {
        skipSpace();
        if (m_pos >= m_text.size())
            fail("the expression ends too early");
        const char c = m_text[m_pos];
        if (c == '(') {
            ++m_pos;
            ExprValue v = ternary();
            if (!accept(")"))
                fail("expected ')'");
            return v;
        }
        if (c == '\'') {
            const std::size_t close = m_text.find('\'', m_pos + 1);
            if (close == std::string_view::npos)
                fail("a text in quotes that never ends");
            if (close - m_pos - 1 > kMaxTextLength)
                fail("a text longer than " + std::to_string(kMaxTextLength) + " characters");
            ExprValue v = ExprValue::of(std::string(m_text.substr(m_pos + 1, close - m_pos - 1)));
            m_pos = close + 1;
            return v;
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            double v = 0;
            const char *first = m_text.data() + m_pos;
            const auto [ptr, ec] = std::from_chars(first, m_text.data() + m_text.size(), v);
            if (ec != std::errc() || !std::isfinite(v))
                fail("not a number");
            m_pos += static_cast<std::size_t>(ptr - first);
            return ExprValue::of(v);
        }
        if (!isLetter(c))
            fail("unexpected '" + std::string(1, c) + "'");
        const std::string name = readName();
        if (name == "true" || name == "false")
            return ExprValue::ofBool(name == "true");
        if (accept("("))
            return call(name);
        const auto it = m_scope.find(name);
        if (it == m_scope.end()) {
            std::string known;
            for (const auto &[n, value] : m_scope)
                if (n.find(':') == std::string::npos)
                    known += (known.empty() ? "" : ", ") + n;
            throw Failed{"unknown name '" + name + "' in '" + std::string(m_text) + "' (known: " + known
                         + ")"};
        }
        return it->second;
    }

    /// A name: letters, digits, '_'; a '-' between two letters belongs to it (time-scale), and so does the ':'
    /// of param:name.
    std::string readName()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size()) {
            if (isNameChar(m_text[m_pos])) {
                ++m_pos;
            } else if (m_pos + 1 < m_text.size() && isLetter(m_text[m_pos + 1]) && isLetter(m_text[m_pos - 1])
                       && (m_text[m_pos] == '-'
                           || (m_text[m_pos] == ':' && m_text.substr(start, m_pos - start) == "param"))) {
                ++m_pos;
            } else {
                break;
            }
        }
        return std::string(m_text.substr(start, m_pos - start));
    }

    ExprValue call(const std::string &name)
    {
        std::vector<double> args;
        if (!accept(")")) {
            do {
                args.push_back(needNumber(ternary(), name));
            } while (accept(","));
            if (!accept(")"))
                fail("expected ')' after the arguments of " + name);
        }
        const auto want = [&](std::size_t n) {
            if (args.size() != n)
                fail(name + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
        };
        if (name == "min" || name == "max") {
            want(2);
            return ExprValue::of(name == "min" ? std::min(args[0], args[1]) : std::max(args[0], args[1]));
        }
        if (name == "floor" || name == "ceil") {
            want(1);
            return ExprValue::of(name == "floor" ? std::floor(args[0]) : std::ceil(args[0]));
        }
        fail("unknown function '" + name + "' (there are: min, max, floor, ceil)");
    }

    std::string_view m_text;
    const ExprScope &m_scope;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

ExprValue ExprValue::parse(const std::string &text)
{
    double v = 0;
    const char *first = text.data();
    const char *last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (!text.empty() && ec == std::errc() && ptr == last && std::isfinite(v))
        return of(v);
    return of(text);
}

bool ExprValue::truth() const
{
    switch (kind) {
    case Kind::Number: return number != 0;
    case Kind::Bool: return boolean;
    case Kind::Text: return !(text.empty() || text == "off" || text == "no" || text == "false");
    }
    return false;
}

std::string ExprValue::str() const
{
    switch (kind) {
    case Kind::Number: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", number);
        return buf;
    }
    case Kind::Bool: return boolean ? "true" : "false";
    case Kind::Text: return text;
    }
    return {};
}

bool ExprValue::isInteger() const
{
    return kind == Kind::Number && std::floor(number) == number && std::fabs(number) < 9.0e15;
}

bool evaluate(std::string_view expr, const ExprScope &scope, ExprValue &out, std::string &error)
{
    try {
        out = Parser(expr, scope).parseAll();
        return true;
    } catch (const Failed &f) {
        error = f.message;
        return false;
    }
}

bool interpolate(std::string_view text, const ExprScope &scope, ExprValue &out, std::string &error)
{
    // Exactly one ${…}: the value keeps its type.
    if (text.size() >= 3 && text.substr(0, 2) == "${" && text.back() == '}'
        && text.find("${", 2) == std::string_view::npos && text.find('}') == text.size() - 1)
        return evaluate(text.substr(2, text.size() - 3), scope, out, error);
    std::string result;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find("${", i);
        if (open == std::string_view::npos) {
            result += text.substr(i);
            break;
        }
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) {
            error = "a '${' without its '}' in '" + std::string(text) + "'";
            return false;
        }
        result += text.substr(i, open - i);
        ExprValue v;
        if (!evaluate(text.substr(open + 2, close - open - 2), scope, v, error))
            return false;
        result += v.str();
        i = close + 1;
    }
    out = ExprValue::of(std::move(result));
    return true;
}

} // namespace forkscope::core
