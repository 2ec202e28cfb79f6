// MappedVector: the timeline model's big arrays. A vector's behaviour (values kept through growth, insert,
// copies, moves) and what it is for: a big block grows by moving its pages, not by copying them onto fresh
// ones.

#include "ui/mapped_vector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using forkscope::ui::MappedVector;

long minorFaults()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

struct Item {
    std::int64_t a = 0;
    std::int32_t b = 0;
    std::uint8_t c = 0;
    bool operator==(const Item &) const = default;
};

TEST(MappedVector, KeepsItsValuesThroughGrowthFromSmallToMappedAndBack)
{
    // From a few elements (malloc) past 2 MiB (a mapping of its own) to 48 MB, against std::vector.
    MappedVector<Item> v;
    std::vector<Item> expected;
    for (std::int64_t i = 0; i < 2'000'000; ++i) {
        const Item item{i * 3, static_cast<std::int32_t>(i), static_cast<std::uint8_t>(i)};
        if (i % 2)
            v.push_back(item);
        else
            v.emplace_back(item.a, item.b, item.c);
        expected.push_back(item);
    }
    ASSERT_EQ(v.size(), expected.size());
    EXPECT_TRUE(std::equal(v.begin(), v.end(), expected.begin()));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % (std::uintptr_t{2} << 20), 0u)
        << "a mapped block starts at a huge-page boundary";

    // Insert in the middle and at both ends, pushing back an element of its own, copies and moves.
    v.insert(v.begin() + 1000, Item{-1, -1, 1});
    expected.insert(expected.begin() + 1000, Item{-1, -1, 1});
    v.insert(v.begin(), Item{-2, -2, 2});
    expected.insert(expected.begin(), Item{-2, -2, 2});
    v.insert(v.end(), Item{-3, -3, 3});
    expected.insert(expected.end(), Item{-3, -3, 3});
    v.push_back(v[5]);
    expected.push_back(expected[5]);
    EXPECT_TRUE(std::equal(v.begin(), v.end(), expected.begin(), expected.end()));
    MappedVector<Item> copy = v;
    EXPECT_EQ(copy, v);
    EXPECT_NE(copy.data(), v.data());
    const Item *where = copy.data();
    MappedVector<Item> moved = std::move(copy);
    EXPECT_EQ(moved.data(), where) << "a move takes the block";
    EXPECT_TRUE(copy.empty());

    // Shrunk to fit: the elements stay where they are; a small vector is made to fit; cleared, it is empty.
    v.resize(100'000);
    const Item *before = v.data();
    v.shrink_to_fit();
    EXPECT_EQ(v.data(), before);
    EXPECT_LT(v.capacity() * sizeof(Item), (std::size_t{4} << 20));
    EXPECT_TRUE(std::equal(v.begin(), v.end(), expected.begin()));
    MappedVector<int> small{1, 2, 3};
    small.reserve(100);
    small.shrink_to_fit();
    EXPECT_EQ(small.capacity(), 3u);
    EXPECT_EQ(small, (MappedVector<int>{1, 2, 3}));
    v.clear();
    v.shrink_to_fit();
    EXPECT_EQ(v.capacity(), 0u);
}

TEST(MappedVector, GrowingABigBlockMovesItsPagesInsteadOfCopyingThemOntoFreshOnes)
{
    // 64 MB of elements grown to room for four times as many. std::vector copies them into a new block: 16,384
    // fresh pages faulted in (15-20 us each on the VMs this runs on). MappedVector moves the pages: a
    // handful of faults, and the values are still there.
    constexpr std::size_t n = std::size_t{8} << 20;
    const auto grow = [](auto &v) {
        v.resize(n);
        std::iota(v.begin(), v.end(), std::int64_t{0});
        const long before = minorFaults();
        v.reserve(4 * n);
        const long faults = minorFaults() - before;
        EXPECT_EQ(v[n - 1], static_cast<std::int64_t>(n - 1));
        EXPECT_EQ(v[n / 2], static_cast<std::int64_t>(n / 2));
        return faults;
    };
    std::vector<std::int64_t> plain;
    MappedVector<std::int64_t> mapped;
    const long copied = grow(plain);
    const long moved = grow(mapped);
    std::printf("[ grow     ] 64 MB grown: std::vector %ld page faults, MappedVector %ld\n", copied, moved);
    EXPECT_GT(copied, 4000) << "the comparison shows nothing on this machine";
    EXPECT_LT(moved, 64);
    EXPECT_LT(moved * 50, copied);
}

TEST(MappedVector, AFreedBigBlockIsKeptForTheNextOneWithItsPagesThere)
{
    // A model built again and again (trials, Compare, a benchmark's rounds) frees and asks for the same big
    // blocks: a freed mapping is kept, as malloc keeps freed heap memory, so the next one is not faulted in
    // afresh (a model build took a third longer without it, bench/README.md).
    constexpr std::size_t n = std::size_t{1} << 20; // 8 MB of int64
    const std::int64_t *first = nullptr;
    {
        MappedVector<std::int64_t> v;
        v.resize(n);
        std::iota(v.begin(), v.end(), std::int64_t{0});
        first = v.data();
    }
    EXPECT_GE(forkscope::ui::mapped_vector_detail::keptBytes(), n * sizeof(std::int64_t));
    MappedVector<std::int64_t> w;
    const long before = minorFaults();
    w.resize(n);
    std::iota(w.begin(), w.end(), std::int64_t{7});
    const long faults = minorFaults() - before;
    EXPECT_EQ(w.data(), first) << "the freed block was not reused";
    EXPECT_LT(faults, 64) << "its pages were faulted in again";
    EXPECT_EQ(w[n - 1], static_cast<std::int64_t>(n + 6));
}

TEST(MappedVector, VectorsCutFromASharedBlockHoldItUntilTheLastLetsGo)
{
    // TimelineModel reserves a whole run's lanes out of one block of huge pages: each vector gets just the
    // room asked for, in an odd number of cache lines; one that outgrows it moves out with its elements;
    // the block goes back when the last vector cut from it lets go.
    namespace detail = forkscope::ui::mapped_vector_detail;
    EXPECT_EQ(detail::sharedBlockBytes(1), 64u);
    EXPECT_EQ(detail::sharedBlockBytes(64), 64u);
    EXPECT_EQ(detail::sharedBlockBytes(65), 192u) << "two lines are an even stride: three";
    EXPECT_EQ(detail::sharedBlockBytes(200), 320u) << "four lines: five";
    const std::size_t inUse = detail::mappedBytesInUse();
    detail::SharedBlock *block = detail::SharedBlock::create(std::size_t{3} << 20);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block->bytes(), std::size_t{4} << 20) << "whole huge pages";
    EXPECT_EQ(detail::mappedBytesInUse(), inUse + block->bytes());
    MappedVector<Item> a;
    for (int i = 0; i < 5; ++i)
        a.push_back({i, -i, static_cast<std::uint8_t>(i)});
    a.reserveFrom(*block, 100);
    EXPECT_TRUE(a.shared());
    EXPECT_EQ(a.capacity(), 100u);
    EXPECT_EQ(a[4], (Item{4, -4, 4})) << "kept when moved into the block";
    {
        MappedVector<Item> b;
        b.reserveFrom(*block, 50);
        EXPECT_TRUE(b.shared());
        EXPECT_EQ(reinterpret_cast<const char *>(b.data()) - reinterpret_cast<const char *>(a.data()),
                  static_cast<std::ptrdiff_t>(detail::sharedBlockBytes(100 * sizeof(Item))));
        MappedVector<std::int64_t> big;
        big.reserveFrom(*block, (std::size_t{3} << 20) / sizeof(std::int64_t));
        EXPECT_FALSE(big.shared()) << "2 MiB or more is a mapping of its own";
        block->unref(); // its maker is done cutting
        for (int i = 5; i < 300; ++i)
            a.push_back({i, -i, static_cast<std::uint8_t>(i)});
        EXPECT_FALSE(a.shared()) << "outgrown, it moved out";
        EXPECT_EQ(a[4], (Item{4, -4, 4}));
        EXPECT_EQ(a[299], (Item{299, -299, static_cast<std::uint8_t>(299)}));
        EXPECT_EQ(detail::mappedBytesInUse(), inUse + (std::size_t{8} << 20))
            << "b holds the block (and `big` its own)";
    }
    EXPECT_EQ(detail::mappedBytesInUse(), inUse) << "the last vector let go: the block went back";
}

} // namespace

TEST(MappedVector, ShrinkingToFitHandsBackEveryPagePastTheEndWithoutMovingTheElements)
{
    // A finished run's lanes are shrunk to fit (TimelineModel::compactSome). A mapped block unmaps its whole
    // huge pages past the end; the pages past the end within its last huge page are handed back too (a huge
    // page is held whole once touched), and nothing moves: a copy's fresh pages are what cost on a VM.
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    MappedVector<std::uint64_t> v;
    v.resize((5 << 20) / sizeof(std::uint64_t), 7);              // 5 MiB, every page touched
    const std::size_t kept = (5u << 19) / sizeof(std::uint64_t); // 2.5 MiB
    v.resize(kept);
    const std::uint64_t *before = v.data();
    const std::size_t keptBefore = forkscope::ui::mapped_vector_detail::keptBytes();
    v.shrink_to_fit();
    EXPECT_EQ(forkscope::ui::mapped_vector_detail::keptBytes(), keptBefore)
        << "the huge page past the end was kept, its pages held, instead of unmapped";
    EXPECT_EQ(v.data(), before) << "the elements moved";
    ASSERT_EQ(v.size(), kept);
    EXPECT_EQ(v.capacity() * sizeof(std::uint64_t), std::size_t{4} << 20) << "whole huge pages past the end";
    EXPECT_EQ(v[kept - 1], 7u);
    const auto base = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t from = (base + kept * sizeof(std::uint64_t) + page - 1) / page * page;
    const std::uintptr_t to = base + v.capacity() * sizeof(std::uint64_t);
    std::vector<unsigned char> resident((to - from) / page);
    ASSERT_EQ(mincore(reinterpret_cast<void *>(from), to - from, resident.data()), 0);
    EXPECT_EQ(std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }), 0)
        << "pages past the end are still held";
    v.push_back(8); // the room past the end is still the vector's, as zeros made anew
    EXPECT_EQ(v.back(), 8u);
}
