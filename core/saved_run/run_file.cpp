// The saved-run file: a fixed header with two checksums, then one zstd frame holding the run's description
// (JSON, saved_run_json.cpp) and its events, delta- and varint-encoded row by row. See ARCHITECTURE.md,
// "Saved runs", for the layout and why.

#include "core/saved_run/saved_run.hpp"
#include "core/saved_run/saved_run_json.hpp"

#include "core/export/output_file.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

// The header, little-endian. Its first 12 bytes (magic and format version) stay where they are in every
// version, so any Forkscope can say which version a file is.
constexpr unsigned char kMagic[8] = {0x89, 'F', 'S', 'R', 'U', 'N', '\r', '\n'};
constexpr std::size_t kVersionAt = 8;
constexpr std::size_t kHeaderSizeAt = 12;
constexpr std::size_t kPayloadSizeAt = 16;
constexpr std::size_t kRawSizeAt = 24;
constexpr std::size_t kEventCountAt = 32;
constexpr std::size_t kPayloadCrcAt = 40;
constexpr std::size_t kHeaderCrcAt = 44;
constexpr std::size_t kHeaderSize = 48;

/// The largest description and the largest payload a file may claim (a 20 M-event run, the most a run
/// records, takes about 0.3 GiB before compression).
constexpr std::uint64_t kMaxRawSize = std::uint64_t{16} << 30;

constexpr int kZstdLevel = 3;
constexpr std::size_t kChunk = std::size_t{1} << 20; ///< raw bytes handed to the compressor at a time

// Per event, a byte of flags says which fields follow (most events leave most of them 0).
constexpr unsigned kHasValue = 1;
constexpr unsigned kHasArg = 2;
constexpr unsigned kHasDetail = 4;
constexpr unsigned kHasId = 8;
constexpr unsigned kHasRef = 16;
constexpr unsigned kHasText = 32;
constexpr unsigned kHasFlags = 64;
constexpr unsigned kNewLane = 128; ///< the lane differs from the previous event's

void put32(unsigned char *at, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        at[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put64(unsigned char *at, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        at[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t get32(const unsigned char *at)
{
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | at[i];
    return v;
}
std::uint64_t get64(const unsigned char *at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | at[i];
    return v;
}

std::uint32_t crc32Of(std::uint32_t crc, const void *data, std::size_t size)
{
    auto *p = static_cast<const Bytef *>(data);
    while (size > 0) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
        crc = static_cast<std::uint32_t>(::crc32(crc, p, n));
        p += n;
        size -= n;
    }
    return crc;
}

std::uint64_t zigzag(std::int64_t v)
{
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v)
{
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

/// The raw (uncompressed) bytes, built a chunk at a time.
class RawWriter {
public:
    explicit RawWriter(std::string &out) : m_out(out) { }
    void byte(std::uint8_t b) { m_out.push_back(static_cast<char>(b)); }
    void varint(std::uint64_t v)
    {
        char buf[10];
        int n = 0;
        while (v >= 0x80) {
            buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        buf[n++] = static_cast<char>(v);
        m_out.append(buf, static_cast<std::size_t>(n));
    }
    void bytes(std::string_view s)
    {
        varint(s.size());
        m_out.append(s);
    }

private:
    std::string &m_out;
};

/// Reads the raw bytes back; every read is bounds-checked, so a file that passed its checksums but does
/// not hold what it says (a writer's bug) is refused rather than read past its end.
class RawReader {
public:
    explicit RawReader(std::string_view in) : m_in(in) { }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_at == m_in.size(); }
    std::uint8_t byte()
    {
        if (m_at >= m_in.size())
            return fail();
        return static_cast<std::uint8_t>(m_in[m_at++]);
    }
    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_at >= m_in.size())
                return fail();
            const auto b = static_cast<std::uint8_t>(m_in[m_at++]);
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80))
                return v;
        }
        return fail();
    }
    std::string_view bytes()
    {
        const std::uint64_t n = varint();
        if (!m_ok || n > m_in.size() - m_at) {
            fail();
            return {};
        }
        const std::string_view s = m_in.substr(m_at, n);
        m_at += n;
        return s;
    }

private:
    std::uint8_t fail()
    {
        m_ok = false;
        m_at = m_in.size();
        return 0;
    }

    std::string_view m_in;
    std::size_t m_at = 0;
    bool m_ok = true;
};

/// One event as a row: its type, which fields follow, the time since the previous event (zigzag: a late
/// event may be stamped before the one published ahead of it), the lane when it changed, then the fields
/// that are not 0.
void writeEvent(RawWriter &w, const Event &e, std::int64_t &lastTime, std::uint32_t &lastLane)
{
    unsigned has = 0;
    has |= e.value != 0 ? kHasValue : 0u;
    has |= e.arg != 0 ? kHasArg : 0u;
    has |= e.detail != 0 ? kHasDetail : 0u;
    has |= e.id != 0 ? kHasId : 0u;
    has |= e.ref != 0 ? kHasRef : 0u;
    has |= !e.text.empty() ? kHasText : 0u;
    has |= e.flags != 0 ? kHasFlags : 0u;
    has |= e.lane != lastLane ? kNewLane : 0u;
    w.byte(static_cast<std::uint8_t>(e.type));
    w.byte(static_cast<std::uint8_t>(has));
    w.varint(zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(e.timeNs)
                                              - static_cast<std::uint64_t>(lastTime))));
    lastTime = e.timeNs;
    if (has & kNewLane)
        w.varint(e.lane);
    lastLane = e.lane;
    if (has & kHasFlags)
        w.byte(e.flags);
    if (has & kHasValue)
        w.varint(zigzag(e.value));
    if (has & kHasArg)
        w.varint(zigzag(e.arg));
    if (has & kHasDetail)
        w.varint(zigzag(e.detail));
    if (has & kHasId)
        w.varint(e.id);
    if (has & kHasRef)
        w.varint(e.ref);
    if (has & kHasText)
        w.bytes(e.text);
}

bool readEvent(RawReader &r, Event &e, std::int64_t &lastTime, std::uint32_t &lastLane)
{
    e.type = static_cast<EventType>(r.byte());
    const std::uint8_t has = r.byte();
    // Unsigned, so a file that holds nonsense wraps instead of overflowing a signed number.
    lastTime = static_cast<std::int64_t>(static_cast<std::uint64_t>(lastTime)
                                         + static_cast<std::uint64_t>(unzigzag(r.varint())));
    e.timeNs = lastTime;
    if (has & kNewLane)
        lastLane = static_cast<std::uint32_t>(r.varint());
    e.lane = lastLane;
    e.flags = (has & kHasFlags) ? r.byte() : 0;
    e.value = (has & kHasValue) ? unzigzag(r.varint()) : 0;
    e.arg = (has & kHasArg) ? static_cast<std::int32_t>(unzigzag(r.varint())) : 0;
    e.detail = (has & kHasDetail) ? static_cast<std::int32_t>(unzigzag(r.varint())) : 0;
    e.id = (has & kHasId) ? static_cast<std::uint32_t>(r.varint()) : 0;
    e.ref = (has & kHasRef) ? static_cast<std::uint32_t>(r.varint()) : 0;
    if (has & kHasText)
        e.text.assign(r.bytes());
    return r.ok();
}

/// Compresses the raw bytes a chunk at a time into one zstd frame and hands each piece of output on,
/// keeping the CRC-32 and the sizes the header records.
class Compressor {
public:
    using Sink = std::function<std::string(std::string_view)>;
    explicit Compressor(Sink sink) : m_ctx(ZSTD_createCCtx(), ZSTD_freeCCtx), m_sink(std::move(sink))
    {
        m_out.resize(ZSTD_CStreamOutSize());
        if (m_ctx) {
            ZSTD_CCtx_setParameter(m_ctx.get(), ZSTD_c_compressionLevel, kZstdLevel);
            ZSTD_CCtx_setParameter(m_ctx.get(), ZSTD_c_checksumFlag, 1);
        } else {
            m_error = "zstd could not start (out of memory)";
        }
    }
    /// Compresses `raw` (then empties it); with `last`, ends the frame.
    void feed(std::string &raw, bool last)
    {
        if (!m_error.empty())
            return;
        m_rawSize += raw.size();
        ZSTD_inBuffer in{raw.data(), raw.size(), 0};
        const ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
        for (;;) {
            ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
            const std::size_t left = ZSTD_compressStream2(m_ctx.get(), &out, &in, mode);
            if (ZSTD_isError(left)) {
                m_error = std::string("zstd: ") + ZSTD_getErrorName(left);
                return;
            }
            const std::string_view piece(m_out.data(), out.pos);
            m_crc = crc32Of(m_crc, piece.data(), piece.size());
            m_payloadSize += piece.size();
            if (!piece.empty())
                if (std::string why = m_sink(piece); !why.empty()) {
                    m_error = std::move(why);
                    return;
                }
            if (last ? left == 0 : in.pos == in.size)
                break;
        }
        raw.clear();
    }
    const std::string &error() const { return m_error; }
    std::uint64_t rawSize() const { return m_rawSize; }
    std::uint64_t payloadSize() const { return m_payloadSize; }
    std::uint32_t crc() const { return m_crc; }

private:
    std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx *)> m_ctx;
    Sink m_sink;
    std::string m_out;
    std::string m_error;
    std::uint64_t m_rawSize = 0;
    std::uint64_t m_payloadSize = 0;
    std::uint32_t m_crc = static_cast<std::uint32_t>(::crc32(0, nullptr, 0));
};

/// Encodes `run` into the sink: the header's fields are returned through `header` (its 48 bytes), the
/// payload goes to the sink piece by piece.
std::string encode(const SavedRun &run, const Compressor::Sink &sink, unsigned char (&header)[kHeaderSize])
{
    Compressor zstd(sink);
    std::string raw;
    raw.reserve(kChunk + 4096);
    RawWriter w(raw);
    w.bytes(savedRunDescription(run));
    std::uint64_t events = 0;
    for (const SavedRecording &rec : run.runs) {
        w.varint(rec.events.size());
        std::int64_t lastTime = 0;
        std::uint32_t lastLane = 0;
        for (const Event &e : rec.events) {
            writeEvent(w, e, lastTime, lastLane);
            if (raw.size() >= kChunk) {
                zstd.feed(raw, false);
                if (!zstd.error().empty())
                    return zstd.error();
            }
        }
        events += rec.events.size();
    }
    zstd.feed(raw, true);
    if (!zstd.error().empty())
        return zstd.error();
    std::memcpy(header, kMagic, sizeof kMagic);
    put32(header + kVersionAt, kSavedRunFormat);
    put32(header + kHeaderSizeAt, kHeaderSize);
    put64(header + kPayloadSizeAt, zstd.payloadSize());
    put64(header + kRawSizeAt, zstd.rawSize());
    put64(header + kEventCountAt, events);
    put32(header + kPayloadCrcAt, zstd.crc());
    put32(header + kHeaderCrcAt,
          crc32Of(static_cast<std::uint32_t>(::crc32(0, nullptr, 0)), header, kHeaderCrcAt));
    return {};
}

/// What the first bytes of a file that is not a saved run suggest it is, for the message.
std::string lookslike(std::string_view bytes)
{
    std::size_t i = 0;
    while (i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i])))
        ++i;
    if (i < bytes.size() && bytes[i] == '{')
        return " (it looks like JSON: a scenario file is run with 'forkscope run FILE.json', a summary or "
               "trace is not a saved run)";
    if (bytes.substr(0, 4) == "\x89PNG")
        return " (it is a PNG picture)";
    if (bytes.substr(0, 4) == "%PDF")
        return " (it is a PDF)";
    return {};
}

std::string sizeText(std::uint64_t bytes)
{
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string decode(std::string_view file, const std::string &name, SavedRun &out)
{
    const auto *b = reinterpret_cast<const unsigned char *>(file.data());
    const std::string what = "'" + name + "'";
    const std::string_view magic(reinterpret_cast<const char *>(kMagic), sizeof kMagic);
    if (file.empty())
        return what + " is empty: not a saved Forkscope run (it holds no bytes at all)";
    if (file.size() < sizeof kMagic) {
        if (magic.substr(0, file.size()) == file)
            return what + " is truncated: it holds only the first " + sizeText(file.size())
                + " of a saved run's header";
        return what + " is not a saved Forkscope run" + lookslike(file);
    }
    if (file.substr(0, sizeof kMagic) != magic)
        return what + " is not a saved Forkscope run: it does not begin as a .fsrun file does"
            + lookslike(file);
    if (file.size() < kHeaderSizeAt)
        return what + " is truncated: its header ends after " + sizeText(file.size());
    const std::uint32_t version = get32(b + kVersionAt);
    if (version < kSavedRunFormat)
        return what + " was saved by an older Forkscope (saved-run format " + std::to_string(version)
            + "); this one reads format " + std::to_string(kSavedRunFormat)
            + " only: open it with the Forkscope that saved it, or run the scenario again and save it anew";
    if (version > kSavedRunFormat)
        return what + " was saved by a newer Forkscope (saved-run format " + std::to_string(version)
            + "); this one reads format " + std::to_string(kSavedRunFormat)
            + " only: open it with a newer Forkscope";
    if (file.size() < kHeaderSize)
        return what + " is truncated: its header ends after " + sizeText(file.size()) + " of "
            + std::to_string(kHeaderSize);
    const auto initial = static_cast<std::uint32_t>(::crc32(0, nullptr, 0));
    if (get32(b + kHeaderCrcAt) != crc32Of(initial, b, kHeaderCrcAt)
        || get32(b + kHeaderSizeAt) != kHeaderSize)
        return what
            + " is damaged: its header's checksum does not match (the file was changed or corrupted "
              "after it was saved)";
    const std::uint64_t payloadSize = get64(b + kPayloadSizeAt);
    const std::uint64_t rawSize = get64(b + kRawSizeAt);
    const std::uint64_t have = file.size() - kHeaderSize;
    if (have < payloadSize)
        return what + " is truncated: it holds " + sizeText(file.size()) + " of the "
            + sizeText(kHeaderSize + payloadSize) + " it was saved with (the copy or the save was cut short)";
    if (have > payloadSize)
        return what + " is damaged: " + sizeText(have - payloadSize)
            + " follow the end of the saved run (the file was changed after it was saved)";
    const std::string_view payload = file.substr(kHeaderSize);
    if (get32(b + kPayloadCrcAt) != crc32Of(initial, payload.data(), payload.size()))
        return what
            + " is damaged: its content's checksum does not match (the file was changed or "
              "corrupted after it was saved)";
    if (rawSize > kMaxRawSize)
        return what + " is damaged: it claims " + sizeText(rawSize)
            + " of content, more than any run records";

    std::string raw(rawSize, '\0');
    {
        std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx *)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
        if (!ctx)
            return "cannot read " + what + ": out of memory";
        ZSTD_inBuffer in{payload.data(), payload.size(), 0};
        ZSTD_outBuffer outBuf{raw.data(), raw.size(), 0};
        std::size_t left = 1;
        while (in.pos < in.size) {
            left = ZSTD_decompressStream(ctx.get(), &outBuf, &in);
            if (ZSTD_isError(left))
                return what + " is damaged: its content cannot be decompressed (" + ZSTD_getErrorName(left)
                    + ")";
            if (outBuf.pos == outBuf.size && in.pos < in.size) {
                char extra = 0;
                ZSTD_outBuffer probe{&extra, 1, 0};
                left = ZSTD_decompressStream(ctx.get(), &probe, &in);
                if (ZSTD_isError(left) || probe.pos > 0)
                    return what + " is damaged: its content is longer than its header says";
            }
        }
        if (left != 0 || outBuf.pos != raw.size())
            return what + " is damaged: its content is shorter than its header says";
    }

    RawReader r(raw);
    const std::string_view description = r.bytes();
    SavedRun run;
    if (!r.ok())
        return what + " is damaged: its description is cut short";
    if (std::string problem = parseSavedRunDescription(description, run); !problem.empty())
        return what + " does not hold a run Forkscope can show: " + problem;
    std::uint64_t events = 0;
    for (SavedRecording &rec : run.runs) {
        const std::uint64_t count = r.varint();
        // Each event takes at least three bytes: a count past what is left cannot be true.
        if (!r.ok() || count > raw.size() / 3)
            return what + " is damaged: a recording's event count is wrong";
        reserveEvents(rec.events, count); // in huge pages, before resize() writes them
        rec.events.resize(count);
        std::int64_t lastTime = 0;
        std::uint32_t lastLane = 0;
        const std::size_t lanes = rec.result.lanes.size();
        for (Event &e : rec.events) {
            if (!readEvent(r, e, lastTime, lastLane))
                return what + " is damaged: its events are cut short";
            if (e.lane >= lanes)
                return what + " does not hold a run Forkscope can show: an event names lane "
                    + std::to_string(e.lane) + " of a run with " + std::to_string(lanes);
        }
        events += count;
    }
    if (!r.atEnd())
        return what + " is damaged: bytes follow its last event";
    if (events != get64(b + kEventCountAt))
        return what + " is damaged: it holds " + std::to_string(events) + " events, its header says "
            + std::to_string(get64(b + kEventCountAt));
    out = std::move(run);
    return {};
}

} // namespace

std::size_t SavedRun::eventCount() const
{
    std::size_t n = 0;
    for (const SavedRecording &r : runs)
        n += r.events.size();
    return n;
}

std::string encodeSavedRun(const SavedRun &run, std::string &bytes)
{
    std::string body;
    unsigned char header[kHeaderSize] = {};
    if (std::string why = encode(
            run,
            [&body](std::string_view piece) {
                body.append(piece);
                return std::string();
            },
            header);
        !why.empty())
        return why;
    bytes.assign(reinterpret_cast<const char *>(header), kHeaderSize);
    bytes += body;
    return {};
}

std::string decodeSavedRun(std::string_view bytes, const std::string &name, SavedRun &out)
{
    return decode(bytes, name, out);
}

std::string saveRun(const SavedRun &run, const std::string &path)
{
    return writeFileAtomically(path, [&run](int fd) -> std::string {
        // The header goes last, once the payload's size and checksum are known: until then its place holds
        // zeros, which no reader takes for a saved run.
        unsigned char header[kHeaderSize] = {};
        if (std::string why
            = writeAll(fd, std::string_view(reinterpret_cast<const char *>(header), kHeaderSize));
            !why.empty())
            return why;
        if (std::string why = encode(
                run, [fd](std::string_view piece) { return writeAll(fd, piece); }, header);
            !why.empty())
            return why;
        if (pwrite(fd, header, kHeaderSize, 0) != static_cast<ssize_t>(kHeaderSize))
            return std::strerror(errno);
        return {};
    });
}

std::string loadRun(const std::string &path, SavedRun &out)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return "cannot open '" + path + "': " + std::strerror(errno);
    struct stat st { };
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return "cannot open '" + path + "': not a regular file";
    }
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const std::string why = std::strerror(errno);
            close(fd);
            return "cannot read '" + path + "': " + why;
        }
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    close(fd);
    bytes.resize(done);
    return decode(bytes, path, out);
}

std::string savedRunDate(std::int64_t ranAt)
{
    const auto t = static_cast<std::time_t>(ranAt);
    std::tm tm{};
    if (!localtime_r(&t, &tm))
        return "an unknown date";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string_view savedRunKindName(SavedRun::Kind kind) noexcept
{
    switch (kind) {
    case SavedRun::Kind::Run: return "run";
    case SavedRun::Kind::Trials: return "trials";
    case SavedRun::Kind::GilLab: return "gil-lab";
    }
    return "run";
}

} // namespace forkscope::core
