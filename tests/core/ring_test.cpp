#include "core/client/collector.hpp"
#include "core/runner/print_format.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

using namespace forkscope::core;

TEST(Ring, RecordsInOrderAndCountsLossesWhenFull)
{
    std::string error;
    SharedRegion region = SharedRegion::create(2, 16, "{}", error);
    ASSERT_TRUE(region.valid()) << error;
    EXPECT_EQ(region.header().ringCapacity, 16u);
    EventWriter w = region.writer(1);
    for (int i = 0; i < 20; ++i)
        w.record(EventType::ValueWrite, i, 0, "a");
    // Two slots stay free for the lane's end (and main's last line), so a full ring still says how it ended.
    EXPECT_EQ(region.ring(1).head.load(), 14u);
    EXPECT_EQ(region.ring(1).lost.load(), 6u);
    w.record(EventType::WorkerEnd, 0);
    EXPECT_EQ(region.ring(1).head.load(), 15u) << "the end fits in the reserve";
    EXPECT_EQ(region.ring(0).head.load(), 0u) << "lanes do not share a ring";
    const RawEvent *slots = region.ringSlots(1);
    for (int i = 0; i < 14; ++i) {
        EXPECT_EQ(slots[i].value, i);
        EXPECT_EQ(slots[i].lane, 1);
        EXPECT_STREQ(slots[i].text, "a");
    }
    // Once the reader has taken events, the writer has room again.
    region.ring(1).tail.store(15);
    w.record(EventType::ValueWrite, 99);
    EXPECT_EQ(region.ring(1).head.load(), 16u);
    EXPECT_EQ(region.ringSlots(1)[15].value, 99);
}

namespace {

/// Pages of lane `lane`'s slots resident in memory (the region is a memfd: its pages live in the page cache).
std::size_t residentSlotPages(const SharedRegion &region, std::uint32_t lane)
{
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto first = reinterpret_cast<std::uintptr_t>(region.ringSlots(lane)) / page * page;
    const auto end = reinterpret_cast<std::uintptr_t>(region.ringSlots(lane) + region.header().ringCapacity);
    std::vector<unsigned char> resident((end - first + page - 1) / page);
    if (mincore(reinterpret_cast<void *>(first), end - first, resident.data()) != 0)
        return SIZE_MAX;
    std::size_t count = 0;
    for (const unsigned char r : resident)
        count += r & 1;
    return count;
}

} // namespace

TEST(Ring, TheCollectorGivesTheMemoryOfReadSlotsBack)
{
    // Rings are sized to hold a whole run (up to 4 M events, 256 MB, a lane): once the collector has copied
    // events out, their slots' pages are emptied, so a long run does not keep 64 bytes per event resident in
    // the rings beside the events collected. Two lanes of 64 Ki slots (4 MB each), written past a wrap.
    std::string error;
    SharedRegion region = SharedRegion::create(2, 65536, "{}", error);
    ASSERT_TRUE(region.valid()) << error;
    const std::uint64_t capacity = region.header().ringCapacity;
    const std::size_t slotsPerPage = static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) / sizeof(RawEvent);
    EventWriter main = region.writer(0);
    EventWriter worker = region.writer(1);
    main.record(EventType::WorkerStart, 1, 1);
    for (int i = 0; i < 50'000; ++i) {
        main.record(EventType::ValueWrite, i, 0, "m");
        worker.record(EventType::ValueWrite, i, 0, "w");
    }
    const std::size_t written = residentSlotPages(region, 1);
    EXPECT_GE(written, 50'000 / slotsPerPage) << "every page written to is resident";
    EventCollector collector(region, {});
    collector.drain(true);
    EXPECT_EQ(collector.eventCount(), 100'001u);
    EXPECT_LE(residentSlotPages(region, 0), 3u) << "of " << written << " written";
    EXPECT_LE(residentSlotPages(region, 1), 3u);
    // The writer has its slots back but for those in the page not read to its end.
    const std::uint64_t tail = region.ring(1).tail.load();
    EXPECT_LE(tail, 50'000u);
    EXPECT_GE(tail + slotsPerPage, 50'000u);

    // On, past the end of the ring and round again into emptied pages: every event reads back as written.
    for (int i = 50'000; i < 100'000; ++i)
        worker.record(EventType::ValueWrite, i, 0, "w");
    EXPECT_EQ(region.ring(1).lost.load(), 0u);
    EXPECT_GT(region.ring(1).head.load(), capacity) << "the ring wrapped";
    collector.drain(true);
    const std::vector<Event> events = collector.events();
    ASSERT_EQ(events.size(), 150'001u);
    std::int64_t next = 0;
    for (const Event &e : events)
        if (e.lane == 1) {
            ASSERT_EQ(e.value, next) << "event " << next << " of lane 1";
            ASSERT_EQ(e.text, "w");
            ++next;
        }
    EXPECT_EQ(next, 100'000);
    EXPECT_LE(residentSlotPages(region, 1), 3u);
}

TEST(Ring, LongTextContinuesOverSlots)
{
    std::string error;
    SharedRegion region = SharedRegion::create(1, 64, "{}", error);
    ASSERT_TRUE(region.valid()) << error;
    EventWriter w = region.writer(0);
    const std::string text(2 * kEventTextBytes + 20, 'z');
    w.record(EventType::Print, 0, 0, text);
    ASSERT_EQ(region.ring(0).head.load(), 3u); // two full slots and 20 bytes
    EXPECT_TRUE(region.ringSlots(0)[0].flags & kMoreText);
    EXPECT_TRUE(region.ringSlots(0)[1].flags & kMoreText);
    EXPECT_FALSE(region.ringSlots(0)[2].flags & kMoreText);
    EXPECT_FALSE(region.ringSlots(0)[0].flags & kContinued);
    EXPECT_TRUE(region.ringSlots(0)[1].flags & kContinued);
    EXPECT_TRUE(region.ringSlots(0)[2].flags & kContinued);
    EXPECT_EQ(region.ringSlots(0)[0].timeNs, region.ringSlots(0)[2].timeNs);
}

TEST(Ring, ALongTextIsStoredWholeOrCountedAsOneLoss)
{
    std::string error;
    SharedRegion region = SharedRegion::create(1, 16, "{}", error);
    ASSERT_TRUE(region.valid()) << error;
    EventWriter w = region.writer(0);
    const std::string text(4 * kEventTextBytes + 20, 'q'); // 5 slots
    w.record(EventType::Print, 0, 0, text);
    w.record(EventType::Print, 0, 0, text); // 10 slots used
    w.record(EventType::Print, 0, 0, text); // 5 more would leave fewer than 2 for the end: refused whole
    EXPECT_EQ(region.ring(0).head.load(), 10u);
    EXPECT_EQ(region.ring(0).lost.load(), 1u) << "one event lost, not five pieces";
}

TEST(Ring, AttachRejectsForeignMemory)
{
    std::string error;
    SharedRegion region = SharedRegion::create(1, 16, "{}", error);
    ASSERT_TRUE(region.valid());
    region.header().magic = 42;
    SharedRegion other = SharedRegion::attach(dup(region.fd()), error);
    EXPECT_FALSE(other.valid());
    EXPECT_NE(error.find("not a Forkscope run"), std::string::npos) << error;
}

TEST(PrintFormat, FillsPlaceholdersWithoutAllocating)
{
    char buf[128];
    PrintContext ctx{"worker 3", 3, 4242, 5, 25, 0};
    const std::size_t n = formatPrint(buf, sizeof buf, "{name} pid {pid}: {x}^2 = {r} {unknown}", ctx);
    EXPECT_EQ(std::string(buf, n), "worker 3 pid 4242: 5^2 = 25 {unknown}");
    const std::size_t m = formatPrint(buf, sizeof buf, "{time}", ctx);
    EXPECT_EQ(std::string(buf, m).find('.'), std::string(buf, m).size() - 8)
        << "seven decimals, like time.time()";
    EXPECT_EQ(formatPrint(buf, 4, "abcdefgh", ctx), 4u) << "truncated to the buffer";
}
