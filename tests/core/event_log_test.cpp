// The collector's published list (core/client/collector.hpp): events go in as core::Event, are kept in a
// compact form, and come out the same, whatever their text; a live run's log takes about half the memory
// that a list of core::Event did.

#include "core/client/collector.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace forkscope::core;

namespace {

Event sample(std::size_t i)
{
    Event e;
    e.timeNs = static_cast<std::int64_t>(i) * 1000 - 7;
    e.value = -static_cast<std::int64_t>(i) * 3'000'000'000LL;
    e.arg = static_cast<std::int32_t>(i % 5) - 1;
    e.detail = static_cast<std::int32_t>(i % 101);
    e.id = static_cast<std::uint32_t>(i * 7);
    e.ref = static_cast<std::uint32_t>(i * 11) | 0x80000000u;
    e.lane = static_cast<std::uint32_t>(i % 2049);
    e.type = i % 3 ? EventType::ValueWrite : EventType::Print;
    e.flags = static_cast<std::uint8_t>(i % 256);
    switch (i % 4) {
    case 0: break; // no text
    case 1: e.text = "item " + std::to_string(i); break;
    case 2: e.text = std::string(200 + i % 300, static_cast<char>('a' + i % 26)); break;
    default: e.text = std::string("nul\0inside", 10) + std::to_string(i); break;
    }
    return e;
}

void expectSame(const Event &a, const Event &b, std::size_t i)
{
    EXPECT_EQ(a.timeNs, b.timeNs) << i;
    EXPECT_EQ(a.value, b.value) << i;
    EXPECT_EQ(a.arg, b.arg) << i;
    EXPECT_EQ(a.detail, b.detail) << i;
    EXPECT_EQ(a.id, b.id) << i;
    EXPECT_EQ(a.ref, b.ref) << i;
    EXPECT_EQ(a.lane, b.lane) << i;
    EXPECT_EQ(a.type, b.type) << i;
    EXPECT_EQ(a.flags, b.flags) << i;
    EXPECT_EQ(a.text, b.text) << i;
}

/// This process's resident anonymous memory (bytes), once the heap has given back what it can: what a log
/// costs in memory is the pages it touches (the untouched end of a buffer grown by doubling costs none).
std::size_t residentAnonymous()
{
    malloc_trim(0);
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0)
            return std::stoull(line.substr(8)) * 1024;
    return 0;
}

} // namespace

TEST(EventLog, GivesBackEveryEventAsItWasGiven)
{
    // Batches of several sizes (small ones join the last chunk), read back from every kind of position.
    EventLog log;
    std::size_t next = 0;
    for (const std::size_t size : {3, 1000, 1, 255, 4096, 17, 300}) {
        EventChunk batch;
        for (std::size_t i = 0; i < size; ++i, ++next)
            batch.add(sample(next));
        log.append(std::move(batch));
        EXPECT_TRUE(batch.empty());
    }
    ASSERT_EQ(log.size(), next);
    std::vector<Event> all;
    EXPECT_EQ(log.copyFrom(0, all), next);
    ASSERT_EQ(all.size(), next);
    for (std::size_t i = 0; i < next; ++i)
        expectSame(all[i], sample(i), i);
    for (const std::size_t from : {std::size_t{0}, std::size_t{2}, std::size_t{1003}, std::size_t{1004},
                                   std::size_t{5000}, next - 1}) {
        std::vector<Event> some;
        const std::size_t to = log.copyFrom(from, some, 2000);
        EXPECT_EQ(to, std::min(next, from + 2000));
        ASSERT_EQ(some.size(), to - from);
        for (std::size_t i = 0; i < some.size(); ++i)
            expectSame(some[i], sample(from + i), from + i);
    }
    std::size_t visited = 1004;
    log.visitFrom(1004, [&](const Event &e) { expectSame(e, sample(visited), visited), ++visited; });
    EXPECT_EQ(visited, next);
    const std::vector<Event> taken = log.take();
    ASSERT_EQ(taken.size(), next);
    for (std::size_t i = 0; i < next; ++i)
        expectSame(taken[i], sample(i), i);
    EXPECT_EQ(log.size(), 0u);
}

TEST(EventLog, KeepsAnEventInAboutHalfTheMemoryOfACoreEvent)
{
#ifdef FORKSCOPE_SANITIZED
    // ASan's allocator puts red zones round every block and keeps freed ones in quarantine: resident memory
    // says nothing of the log's own layout there (190 bytes an event measured).
    GTEST_SKIP() << "resident memory under a sanitizer's allocator measures the sanitizer";
#endif
    // A run's events are in the log all the while it goes, beside the timeline's model of them. Without
    // text an event takes 40 bytes (a core::Event 72); with a printed line's text its bytes and 4 more (a
    // core::Event's text over 15 bytes is a heap block of its own on top of the 72).
    constexpr std::size_t kEvents = 500'000;
    const auto perEvent = [&](const std::string &text) {
        const std::size_t before = residentAnonymous();
        EventLog log;
        for (std::size_t at = 0; at < kEvents; at += 10'000) {
            EventChunk batch;
            batch.reserve(10'000);
            for (std::size_t i = 0; i < 10'000; ++i) {
                Event e = sample(at + i);
                e.text = text;
                batch.add(e);
            }
            log.append(std::move(batch));
        }
        EXPECT_EQ(log.size(), kEvents);
        const std::size_t after = residentAnonymous();
        return after > before ? static_cast<double>(after - before) / kEvents : 0.0;
    };
    const double bare = perEvent("");
    const double printed = perEvent("consumer got item 123456"); // 24 bytes: on the heap as a std::string
    std::printf("[ log      ] %.1f bytes an event without text, %.1f with a 24-byte line (core::Event: %zu + "
                "the text's block)\n",
                bare, printed, sizeof(Event));
    EXPECT_GT(bare, 30) << "the measure sees the log";
    EXPECT_LE(bare, 44);
    EXPECT_LE(printed, 24 + 4 + 48);
    EXPECT_LT(bare, 0.65 * static_cast<double>(sizeof(Event)));
}

TEST(EventLog, AWholeRunsEventsAreReservedAskingForHugePages)
{
    // A run's events held at once (EventLog::take, a saved run) are reserved by reserveEvents, which asks for
    // huge pages before they are written: a timeline built from them reads them all, and in 4 KiB pages each
    // page was a TLB miss (a third of building the model on a VM; bench/README.md). Whether the kernel then
    // has huge pages to give is its business: what is checked is the asking, the mappings' "hg" flag
    // (MADV_HUGEPAGE) over every whole 2 MiB page of the events.
    if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"))
        GTEST_SKIP() << "this kernel has no transparent huge pages";
    std::vector<Event> events;
    reserveEvents(events, 1'000'000);
    ASSERT_GE(events.capacity(), 1'000'000u);
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    const auto first = (reinterpret_cast<std::uintptr_t>(events.data()) + kHuge - 1) & ~(kHuge - 1);
    const auto last = reinterpret_cast<std::uintptr_t>(events.data() + events.capacity()) & ~(kHuge - 1);
    // The mappings over [first, last) and their flags: /proc/self/smaps has "from-to ..." for each, then
    // lines of its figures, then "VmFlags: rd wr ... hg ...".
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    std::uintptr_t from = 0;
    std::uintptr_t to = 0;
    std::uintptr_t asked = 0;
    while (std::getline(smaps, line)) {
        std::uintptr_t a = 0;
        std::uintptr_t b = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> a >> dash >> b && dash == '-') {
            from = a;
            to = b;
        } else if (line.rfind("VmFlags:", 0) == 0 && (line + ' ').find(" hg ") != std::string::npos) {
            const std::uintptr_t lo = std::max(from, first);
            const std::uintptr_t hi = std::min(to, last);
            asked += hi > lo ? hi - lo : 0;
        }
    }
    ASSERT_GT(last, first);
    EXPECT_EQ(asked, last - first)
        << "of the events' whole huge pages, only these bytes asked for huge pages";
}
