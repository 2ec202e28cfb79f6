#pragma once

// Text made inside the runner and its forked children without allocating: print templates and small
// numbers. Everything here is async-signal-safe.

#include <cstddef>
#include <string_view>

namespace forkscope::core {

/// What a print template's placeholders stand for.
struct PrintContext {
    const char *name = "";
    int index = 0;
    int pid = 0;
    long long x = 0;
    long long r = 0;
    long long mainStartNs = 0;
    std::string_view msg{}; ///< {msg}: the text of the last message got or received
};

/// Formats a print template into `out` without allocating (safe after fork). Placeholders: {name}
/// {index} {pid} {x} {r} {time} (wall clock, like time.time()) {elapsed} (seconds since main started)
/// {msg} (the last message's text); unknown ones are copied as they are.
/// Returns the length written (truncated to `capacity`, never in the middle of a UTF-8 character).
std::size_t formatPrint(char *out, std::size_t capacity, std::string_view pattern,
                        const PrintContext &ctx) noexcept;

/// Appends to a fixed buffer, silently dropping what does not fit. No allocation.
struct TextOut {
    char *p;
    std::size_t cap;
    std::size_t n = 0;

    void put(char c) noexcept
    {
        if (n < cap)
            p[n++] = c;
    }
    void put(std::string_view s) noexcept
    {
        for (char c : s)
            put(c);
    }
    void putInt(long long v) noexcept;
    /// `ns` as seconds with `decimals` digits after the point.
    void putFixed(long long ns, int decimals) noexcept;
    std::string_view view() const noexcept { return {p, n}; }
};

} // namespace forkscope::core
