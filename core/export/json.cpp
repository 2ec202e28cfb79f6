#include "core/export/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace forkscope::core {

const JsonValue *JsonValue::find(std::string_view key) const
{
    if (!isObject())
        return nullptr;
    const auto &object = asObject();
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &it->second;
}

namespace {

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    bool parseDocument(JsonValue &out, std::string &error)
    {
        if (!parseValue(out, 0))
            return fail(error);
        skipSpace();
        if (m_pos != m_text.size()) {
            m_error = "unexpected text after the JSON value";
            return fail(error);
        }
        return true;
    }

private:
    static constexpr int kMaxDepth = 200;

    bool fail(std::string &error) const
    {
        error = m_error + " at offset " + std::to_string(m_pos);
        return false;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }

    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word) {
            m_error = "invalid literal";
            return false;
        }
        m_pos += word.size();
        return true;
    }

    bool parseValue(JsonValue &out, int depth)
    {
        if (depth > kMaxDepth) {
            m_error = "nesting too deep";
            return false;
        }
        skipSpace();
        if (m_pos >= m_text.size()) {
            m_error = "unexpected end of input";
            return false;
        }
        switch (m_text[m_pos]) {
        case '{':
            return parseObject(out, depth);
        case '[':
            return parseArray(out, depth);
        case '"': {
            std::string s;
            if (!parseString(s))
                return false;
            out = JsonValue(std::move(s));
            return true;
        }
        case 't':
            out = JsonValue(true);
            return literal("true");
        case 'f':
            out = JsonValue(false);
            return literal("false");
        case 'n':
            out = JsonValue(nullptr);
            return literal("null");
        default:
            return parseNumber(out);
        }
    }

    bool parseNumber(JsonValue &out)
    {
        const std::size_t start = m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '-')
            ++m_pos;
        const auto digits = [&] {
            const std::size_t from = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos > from;
        };
        if (!digits()) {
            m_error = "invalid value";
            return false;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            if (!digits()) {
                m_error = "invalid number";
                return false;
            }
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!digits()) {
                m_error = "invalid number";
                return false;
            }
        }
        double value = 0;
        const auto result = std::from_chars(m_text.data() + start, m_text.data() + m_pos, value);
        if (result.ec != std::errc()) {
            m_error = "number out of range";
            return false;
        }
        out = JsonValue(value);
        return true;
    }

    static void appendUtf8(std::string &s, unsigned code)
    {
        if (code < 0x80) {
            s += static_cast<char>(code);
        } else if (code < 0x800) {
            s += static_cast<char>(0xC0 | (code >> 6));
            s += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            s += static_cast<char>(0xE0 | (code >> 12));
            s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            s += static_cast<char>(0xF0 | (code >> 18));
            s += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    bool parseHex4(unsigned &code)
    {
        if (m_pos + 4 > m_text.size()) {
            m_error = "truncated \\u escape";
            return false;
        }
        code = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            code <<= 4;
            if (c >= '0' && c <= '9')
                code |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                code |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                code |= static_cast<unsigned>(c - 'A' + 10);
            else {
                m_error = "invalid \\u escape";
                return false;
            }
        }
        return true;
    }

    bool parseString(std::string &s)
    {
        ++m_pos; // opening quote
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20) {
                m_error = "control character in string";
                return false;
            }
            if (c != '\\') {
                s += c;
                continue;
            }
            if (m_pos >= m_text.size())
                break;
            const char e = m_text[m_pos++];
            switch (e) {
            case '"': s += '"'; break;
            case '\\': s += '\\'; break;
            case '/': s += '/'; break;
            case 'b': s += '\b'; break;
            case 'f': s += '\f'; break;
            case 'n': s += '\n'; break;
            case 'r': s += '\r'; break;
            case 't': s += '\t'; break;
            case 'u': {
                unsigned code = 0;
                if (!parseHex4(code))
                    return false;
                if (code >= 0xD800 && code < 0xDC00 && m_text.substr(m_pos, 2) == "\\u") {
                    m_pos += 2;
                    unsigned low = 0;
                    if (!parseHex4(low))
                        return false;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(s, code);
                break;
            }
            default:
                m_error = "invalid escape";
                return false;
            }
        }
        m_error = "unterminated string";
        return false;
    }

    bool parseArray(JsonValue &out, int depth)
    {
        ++m_pos;
        JsonValue::Array items;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            out = JsonValue(std::move(items));
            return true;
        }
        while (true) {
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            items.push_back(std::move(item));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                out = JsonValue(std::move(items));
                return true;
            }
            m_error = "expected ',' or ']'";
            return false;
        }
    }

    bool parseObject(JsonValue &out, int depth)
    {
        ++m_pos;
        JsonValue::Object members;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            out = JsonValue(std::move(members));
            return true;
        }
        while (true) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
                m_error = "expected a string key";
                return false;
            }
            std::string key;
            if (!parseString(key))
                return false;
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
                m_error = "expected ':'";
                return false;
            }
            ++m_pos;
            JsonValue value;
            if (!parseValue(value, depth + 1))
                return false;
            members.insert_or_assign(std::move(key), std::move(value));
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                out = JsonValue(std::move(members));
                return true;
            }
            m_error = "expected ',' or '}'";
            return false;
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

} // namespace

bool parseJson(std::string_view text, JsonValue &out, std::string &error)
{
    return Parser(text).parseDocument(out, error);
}

void appendJsonString(std::string &out, std::string_view s)
{
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJsonNumber(std::string &out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr);
}

} // namespace forkscope::core
