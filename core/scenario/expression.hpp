#pragma once

// The small expression language of scenario files (docs/scenario-format.md, "Expressions"): what `${…}`
// holds, and the text of `if`, `values` and `expected`. Numbers, 'text', true/false, names, + - * / %,
// comparisons, and/or/not, c ? a : b, parentheses, min, max, floor, ceil.
//
// Hand-written rather than a library: Debian 12 has no small embeddable expression evaluator with this
// grammar (names like time-scale and param:lock, text that reads as a switch), and the whole language is
// about 300 lines that the fuzzer covers.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace forkscope::core {

/// A value of an expression: a number, a text or a truth value.
struct ExprValue {
    enum class Kind { Number, Text, Bool };
    Kind kind = Kind::Number;
    double number = 0;
    std::string text;
    bool boolean = false;

    static ExprValue of(double v) { return {Kind::Number, v, {}, false}; }
    static ExprValue of(std::string v) { return {Kind::Text, 0, std::move(v), false}; }
    static ExprValue ofBool(bool v) { return {Kind::Bool, 0, {}, v}; }
    /// A number when `text` is one ("2", "0.5"), else the text: how parameter and measured values enter.
    static ExprValue parse(const std::string &text);

    /// Text is true unless it is '', 'off', 'no' or 'false'; a number unless it is 0.
    bool truth() const;
    /// As written into a text: 2, 0.02, on, true.
    std::string str() const;
    bool isInteger() const;
};

/// The longest text an expression makes (a quoted text, or texts joined with '+'): values that join
/// themselves would otherwise double with each name (eight names, 4 GB), and a condition comparing a long
/// text would cost its length at every step it is looked at.
inline constexpr std::size_t kMaxTextLength = 4096;

/// The names an expression can see.
using ExprScope = std::map<std::string, ExprValue, std::less<>>;

/// Evaluates `expr`. False with `error` set (what is wrong, and where in the expression) on failure.
bool evaluate(std::string_view expr, const ExprScope &scope, ExprValue &out, std::string &error);

/// Fills a string of a scenario file: exactly one `${…}` gives that value with its own type; any other
/// text gets each `${…}` written into it. False with `error` set on failure.
bool interpolate(std::string_view text, const ExprScope &scope, ExprValue &out, std::string &error);

} // namespace forkscope::core
