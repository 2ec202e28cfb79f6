#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace forkscope::core {

/// A parsed JSON value: small and strict (RFC 8259), enough for scenario files, plans and tests that read
/// back what Forkscope wrote. Numbers are doubles; objects keep their keys sorted.
class JsonValue {
public:
    using Array = std::vector<JsonValue>;
    using Object = std::map<std::string, JsonValue, std::less<>>;

    JsonValue() = default;
    JsonValue(std::nullptr_t) {}
    JsonValue(bool b) : m_value(b) {}
    JsonValue(double d) : m_value(d) {}
    JsonValue(std::string s) : m_value(std::move(s)) {}
    JsonValue(Array a) : m_value(std::move(a)) {}
    JsonValue(Object o) : m_value(std::move(o)) {}

    bool isNull() const { return std::holds_alternative<std::nullptr_t>(m_value); }
    bool isBool() const { return std::holds_alternative<bool>(m_value); }
    bool isNumber() const { return std::holds_alternative<double>(m_value); }
    bool isString() const { return std::holds_alternative<std::string>(m_value); }
    bool isArray() const { return std::holds_alternative<Array>(m_value); }
    bool isObject() const { return std::holds_alternative<Object>(m_value); }

    bool asBool() const { return std::get<bool>(m_value); }
    double asNumber() const { return std::get<double>(m_value); }
    const std::string &asString() const { return std::get<std::string>(m_value); }
    const Array &asArray() const { return std::get<Array>(m_value); }
    const Object &asObject() const { return std::get<Object>(m_value); }

    /// Member of an object, or nullptr when this is no object or the key is absent.
    const JsonValue *find(std::string_view key) const;

private:
    std::variant<std::nullptr_t, bool, double, std::string, Array, Object> m_value;
};

/// Parses a whole document. On failure returns false and sets `error` to a message with the offset.
bool parseJson(std::string_view text, JsonValue &out, std::string &error);

/// Appends `s` as a JSON string literal (quoted, escaped) to `out`.
void appendJsonString(std::string &out, std::string_view s);

/// Appends a number in the shortest form that reads back exactly (integers without a fraction).
void appendJsonNumber(std::string &out, double value);

} // namespace forkscope::core
