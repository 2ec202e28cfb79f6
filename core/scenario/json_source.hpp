#pragma once

// A JSON document that remembers where each of its values was written, so that a scenario file's errors can
// say "lesson.json:14:22". nlohmann-json 3.11 keeps no positions, so the document is built through its SAX
// interface over an input that counts what the lexer has read: each value's place is the first character
// after the token before it (skipping spaces, ':' and ',').

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forkscope::core {

using Json = nlohmann::ordered_json;

/// 1-based line and column (in characters) of a place in a text.
struct TextPosition {
    int line = 1;
    int column = 1;
};

class JsonSource {
public:
    /// Parses `text`. False with `error` set ("JSON syntax error: …") and `errorAt` its place on failure.
    bool parse(std::string_view text, std::string &error, TextPosition &errorAt);

    const Json &document() const { return m_doc; }
    /// Where the value at `pointer` ("/workers/0/steps/2") starts; for a pointer that names no written
    /// value, its nearest written parent's place.
    TextPosition positionOf(const std::string &pointer) const;
    /// Where the key `key` of the object at `pointer` was written (its value's place if not known).
    TextPosition positionOfKey(const std::string &pointer, const std::string &key) const;

    TextPosition positionAt(std::size_t offset) const;
    /// Keys written twice in one object (the later value wins in the document): pointer and offset.
    const std::vector<std::pair<std::string, std::size_t>> &duplicateKeys() const { return m_duplicateKeys; }

private:
    friend class JsonSourceBuilder;
    std::string m_text;
    Json m_doc;
    std::map<std::string, std::size_t> m_valueAt; ///< pointer → offset of the value's first character
    std::map<std::string, std::size_t> m_keyAt;   ///< pointer of the value → offset of its key
    std::vector<std::pair<std::string, std::size_t>> m_duplicateKeys;
};

/// Escapes one reference token of a JSON pointer ("~" → "~0", "/" → "~1").
std::string pointerToken(const std::string &key);

} // namespace forkscope::core
