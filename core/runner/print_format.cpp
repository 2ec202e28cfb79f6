#include "core/runner/print_format.hpp"

#include "core/clock.hpp"

namespace forkscope::core {

void TextOut::putInt(long long v) noexcept
{
    char buf[24];
    int len = 0;
    unsigned long long u
        = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    do {
        buf[len++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        put('-');
    while (len)
        put(buf[--len]);
}

void TextOut::putFixed(long long ns, int decimals) noexcept
{
    if (ns < 0) {
        put('-');
        ns = -ns;
    }
    putInt(ns / 1'000'000'000);
    put('.');
    long long frac = ns % 1'000'000'000;
    for (int d = 0; d < 9 - decimals; ++d)
        frac /= 10;
    char digits[9];
    for (int d = decimals - 1; d >= 0; --d) {
        digits[d] = static_cast<char>('0' + frac % 10);
        frac /= 10;
    }
    for (int d = 0; d < decimals; ++d)
        put(digits[d]);
}

namespace {

/// Writes one placeholder's value; false if `key` is not a placeholder.
bool putPlaceholder(TextOut &o, std::string_view key, const PrintContext &ctx) noexcept
{
    if (key == "name")
        o.put(std::string_view(ctx.name));
    else if (key == "index")
        o.putInt(ctx.index);
    else if (key == "pid")
        o.putInt(ctx.pid);
    else if (key == "x")
        o.putInt(ctx.x);
    else if (key == "r")
        o.putInt(ctx.r);
    else if (key == "time")
        o.putFixed(realtimeNs(), 7);
    else if (key == "elapsed")
        o.putFixed(monotonicNs() - ctx.mainStartNs, 4);
    else if (key == "msg")
        o.put(ctx.msg);
    else
        return false;
    return true;
}

std::size_t formatPrintRaw(char *out, std::size_t capacity, std::string_view pattern,
                           const PrintContext &ctx) noexcept
{
    TextOut o{out, capacity};
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] == '{') {
            const std::size_t close = pattern.find('}', i);
            if (close != std::string_view::npos
                && putPlaceholder(o, pattern.substr(i + 1, close - i - 1), ctx)) {
                i = close + 1;
                continue;
            }
        }
        o.put(pattern[i++]);
    }
    return o.n;
}

} // namespace

std::size_t formatPrint(char *out, std::size_t capacity, std::string_view pattern,
                        const PrintContext &ctx) noexcept
{
    const std::size_t n = formatPrintRaw(out, capacity, pattern, ctx);
    if (n < capacity)
        return n;
    // Cut at a character boundary: never leave half a UTF-8 sequence at the end.
    std::size_t cut = n;
    while (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0xC0) == 0x80)
        --cut;
    if (cut > 0 && static_cast<unsigned char>(out[cut - 1]) >= 0xC0)
        --cut; // the lead byte of the cut sequence
    return cut == 0 ? n : cut;
}

} // namespace forkscope::core
