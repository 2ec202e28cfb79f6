#include "core/runner/print_format.hpp"
#include "core/shared_memory/shared_region.hpp"

#include <gtest/gtest.h>

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
