#include "core/scenario/json_source.hpp"

#include <iterator>
#include <unordered_set>
#include <vector>

namespace forkscope::core {

namespace {

/// How deep lists and objects may nest in a scenario file (the lessons need 7; four nested loops in a
/// copied step about 14).
constexpr std::size_t kMaxJsonDepth = 64;

/// A character iterator that tells a shared counter how far the lexer has read.
class CountingIterator {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char *;
    using reference = const char &;

    CountingIterator() = default;
    CountingIterator(const char *p, const char **read) : m_p(p), m_read(read) { }

    reference operator*() const { return *m_p; }
    CountingIterator &operator++()
    {
        ++m_p;
        if (m_read)
            *m_read = m_p;
        return *this;
    }
    CountingIterator operator++(int)
    {
        CountingIterator old = *this;
        ++*this;
        return old;
    }
    bool operator==(const CountingIterator &o) const { return m_p == o.m_p; }
    bool operator!=(const CountingIterator &o) const { return m_p != o.m_p; }

private:
    const char *m_p = nullptr;
    const char **m_read = nullptr;
};

} // namespace

/// Builds the document and the places of its values while nlohmann's parser reads.
class JsonSourceBuilder : public nlohmann::json_sax<Json> {
public:
    JsonSourceBuilder(JsonSource &source, const char *begin, const char *const *read)
            : m_source(source), m_begin(begin), m_read(read)
    {
    }

    bool null() override { return value(nullptr); }
    bool boolean(bool v) override { return value(v); }
    bool number_integer(number_integer_t v) override { return value(v); }
    bool number_unsigned(number_unsigned_t v) override { return value(v); }
    bool number_float(number_float_t v, const string_t &) override { return value(v); }
    bool string(string_t &v) override { return value(v); }
    bool binary(binary_t &) override { return false; }

    bool start_object(std::size_t) override { return open(Json::object()); }
    bool start_array(std::size_t) override { return open(Json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(string_t &k) override
    {
        // The key's own place: its opening quote, the first character after the token before it.
        const std::size_t at = tokenStart();
        m_lastEnd = readOffset();
        Frame &f = m_frames.back();
        f.key = k;
        const std::string pointer = pointerHere() + "/" + pointerToken(k);
        // A set beside the object: ordered_json finds a key by looking at each one before it, so 70,000
        // keys in one object (a 1 MiB file) took minutes.
        f.duplicate = !f.keys.insert(k).second;
        if (f.duplicate)
            m_source.m_duplicateKeys.emplace_back(pointer, at);
        m_source.m_keyAt[pointer] = at;
        return true;
    }

    bool parse_error(std::size_t position, const std::string &,
                     const nlohmann::detail::exception &ex) override
    {
        m_errorOffset = position > 0 ? position - 1 : 0;
        // 1e400: nlohmann's parser refuses a number that does not fit a double (out_of_range 406).
        if (ex.id == 406) {
            m_errorOffset = tokenStart();
            m_error = "a number too large (at most about 1.8e308)";
            return false;
        }
        std::string what = ex.what();
        // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while parsing …"
        if (const auto colon = what.find(": "); colon != std::string::npos)
            what = what.substr(colon + 2);
        m_error = "JSON syntax error: " + what;
        return false;
    }

    std::string error() const { return m_error; }
    std::size_t errorOffset() const { return m_errorOffset; }

private:
    struct Frame {
        Json *node;
        std::string key;                      ///< an object's key just read
        bool duplicate = false;               ///< ... and it was there before
        std::unordered_set<std::string> keys; ///< an object's keys so far
        std::size_t index = 0;
        std::string path; ///< this container's token in its parent
    };

    std::size_t readOffset() const { return static_cast<std::size_t>(*m_read - m_begin); }

    /// The first character of the token just read: after the previous token, past spaces, ':' and ','.
    std::size_t tokenStart() const
    {
        const std::string &t = m_source.m_text;
        std::size_t i = m_lastEnd;
        while (i < t.size()
               && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == ':' || t[i] == ','))
            ++i;
        return i;
    }

    std::string pointerHere() const
    {
        std::string p;
        for (std::size_t i = 1; i < m_frames.size(); ++i)
            p += "/" + m_frames[i].path;
        return p;
    }

    /// Where a new value goes, and its pointer.
    Json *place(Json v, std::string &pointer)
    {
        if (m_frames.empty()) {
            m_source.m_doc = std::move(v);
            pointer.clear();
            return &m_source.m_doc;
        }
        Frame &f = m_frames.back();
        if (f.node->is_array()) {
            pointer = pointerHere() + "/" + std::to_string(f.index++);
            f.node->push_back(std::move(v));
            return &f.node->back();
        }
        pointer = pointerHere() + "/" + pointerToken(f.key);
        if (f.duplicate) { // the last one wins, in the first one's place
            (*f.node)[f.key] = std::move(v);
            return &(*f.node)[f.key];
        }
        // A new key goes at the end without ordered_map's search for it (see key()).
        auto &members = f.node->get_ref<Json::object_t &>();
        members.emplace_back(f.key, std::move(v));
        return &members.back().second;
    }

    bool value(Json v)
    {
        const std::size_t at = tokenStart();
        m_lastEnd = readOffset();
        std::string pointer;
        place(std::move(v), pointer);
        m_source.m_valueAt.emplace(pointer, at);
        return true;
    }

    bool open(Json v)
    {
        // Every value's pointer spells out its depth, and later passes recurse: 1 MiB of '[' must not
        // cost quadratic time and memory, nor the stack.
        if (m_frames.size() >= kMaxJsonDepth)
            return refuse("lists and objects nested more than " + std::to_string(kMaxJsonDepth) + " deep");
        const std::size_t at = tokenStart();
        m_lastEnd = readOffset();
        std::string pointer;
        Json *node = place(std::move(v), pointer);
        m_source.m_valueAt.emplace(pointer, at);
        m_frames.push_back({node,
                            {},
                            false,
                            {},
                            0,
                            pointer.empty() ? std::string() : pointer.substr(pointer.rfind('/') + 1)});
        return true;
    }

    bool close()
    {
        m_lastEnd = readOffset();
        m_frames.pop_back();
        return true;
    }

    /// Stops the parse with `what` at the token just read.
    bool refuse(const std::string &what)
    {
        m_errorOffset = tokenStart();
        m_error = what;
        return false;
    }

    JsonSource &m_source;
    const char *m_begin;
    const char *const *m_read;
    std::size_t m_lastEnd = 0;
    std::vector<Frame> m_frames;
    std::string m_error;
    std::size_t m_errorOffset = 0;
};

std::string pointerToken(const std::string &key)
{
    std::string out;
    for (const char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

bool JsonSource::parse(std::string_view text, std::string &error, TextPosition &errorAt)
{
    m_text = std::string(text);
    m_doc = Json();
    m_valueAt.clear();
    m_keyAt.clear();
    m_duplicateKeys.clear();
    const char *begin = m_text.data();
    const char *read = begin;
    JsonSourceBuilder builder(*this, begin, &read);
    const bool ok = Json::sax_parse(CountingIterator(begin, &read),
                                    CountingIterator(begin + m_text.size(), &read), &builder);
    if (!ok) {
        error = builder.error();
        errorAt = positionAt(builder.errorOffset());
        m_doc = Json();
    }
    return ok;
}

TextPosition JsonSource::positionAt(std::size_t offset) const
{
    TextPosition p;
    for (std::size_t i = 0; i < offset && i < m_text.size(); ++i) {
        const auto c = static_cast<unsigned char>(m_text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) { // count characters, not the continuation bytes of UTF-8
            ++p.column;
        }
    }
    return p;
}

TextPosition JsonSource::positionOf(const std::string &pointer) const
{
    std::string p = pointer;
    for (;;) {
        if (const auto it = m_valueAt.find(p); it != m_valueAt.end())
            return positionAt(it->second);
        if (p.empty())
            return {};
        p = p.substr(0, p.rfind('/'));
    }
}

TextPosition JsonSource::positionOfKey(const std::string &pointer, const std::string &key) const
{
    const std::string p = pointer + "/" + pointerToken(key);
    if (const auto it = m_keyAt.find(p); it != m_keyAt.end())
        return positionAt(it->second);
    return positionOf(pointer);
}

} // namespace forkscope::core
