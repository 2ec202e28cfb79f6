#include "core/shared_memory/shared_region.hpp"

#include <cerrno>
#include <climits>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

constexpr std::size_t roundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

std::uint32_t nextPowerOfTwo(std::uint32_t n)
{
    std::uint32_t p = 1;
    while (p < n && p < (1u << 30))
        p <<= 1;
    return p;
}

std::string osError(const char *what) { return std::string(what) + ": " + std::strerror(errno); }

} // namespace

SharedRegion::SharedRegion(SharedRegion &&other) noexcept
        : m_base(other.m_base), m_size(other.m_size), m_fd(other.m_fd)
{
    other.m_base = nullptr;
    other.m_size = 0;
    other.m_fd = -1;
}

SharedRegion &SharedRegion::operator=(SharedRegion &&other) noexcept
{
    if (this != &other) {
        this->~SharedRegion();
        new (this) SharedRegion(std::move(other));
    }
    return *this;
}

SharedRegion::~SharedRegion()
{
    if (m_base)
        munmap(m_base, m_size);
    if (m_fd >= 0)
        close(m_fd);
}

std::size_t SharedRegion::planOffset() noexcept { return roundUp(sizeof(SharedHeader), 4096); }

std::size_t SharedRegion::lanesOffset() const noexcept
{
    return roundUp(planOffset() + header().planBytes, 64);
}

std::size_t SharedRegion::sharedOffset() const noexcept
{
    return roundUp(lanesOffset() + sizeof(LaneSlot) * header().laneCount, 64);
}

std::size_t SharedRegion::ringsOffset() const noexcept
{
    return roundUp(sharedOffset() + header().sharedBytes, 4096);
}

void *SharedRegion::sharedArea() const noexcept { return static_cast<char *>(m_base) + sharedOffset(); }

std::size_t SharedRegion::ringStride() const noexcept
{
    return roundUp(sizeof(RingHeader) + sizeof(RawEvent) * header().ringCapacity, 4096);
}

std::string_view SharedRegion::planText() const noexcept
{
    return {static_cast<const char *>(m_base) + planOffset(), header().planBytes};
}

LaneSlot &SharedRegion::lane(std::uint32_t index) const noexcept
{
    return reinterpret_cast<LaneSlot *>(static_cast<char *>(m_base) + lanesOffset())[index];
}

RingHeader &SharedRegion::ring(std::uint32_t index) const noexcept
{
    return *reinterpret_cast<RingHeader *>(static_cast<char *>(m_base) + ringsOffset()
                                           + ringStride() * index);
}

RawEvent *SharedRegion::ringSlots(std::uint32_t index) const noexcept
{
    return reinterpret_cast<RawEvent *>(reinterpret_cast<char *>(&ring(index)) + sizeof(RingHeader));
}

EventWriter SharedRegion::writer(std::uint32_t laneIndex) const noexcept
{
    return EventWriter(&ring(laneIndex), ringSlots(laneIndex), header().ringCapacity,
                       static_cast<std::uint16_t>(laneIndex));
}

std::uint64_t SharedRegion::releaseSlots(std::uint32_t laneIndex, std::uint64_t from,
                                         std::uint64_t to) const noexcept
{
    static const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::uint64_t capacity = header().ringCapacity;
    const std::size_t slotsPerPage = page / sizeof(RawEvent);
    if (capacity * sizeof(RawEvent) < kReleasablePages * page || slotsPerPage == 0)
        return to;
    // The slots [low, high) fill whole pages; those before share a page with the ring's counters, those after
    // with what follows the ring: neither is ever emptied.
    const auto base = reinterpret_cast<std::uintptr_t>(ringSlots(laneIndex));
    const std::uint64_t low = (roundUp(base, page) - base) / sizeof(RawEvent);
    const std::uint64_t high = ((base + capacity * sizeof(RawEvent)) / page * page - base) / sizeof(RawEvent);
    const std::uint64_t mask = capacity - 1;
    std::uintptr_t runStart = 0; // pages emptied in one call while they are contiguous
    std::uintptr_t runEnd = 0;
    const auto flush = [&] {
        if (runEnd > runStart)
            madvise(reinterpret_cast<void *>(runStart), runEnd - runStart, MADV_REMOVE);
        runStart = runEnd = 0;
    };
    std::uint64_t at = from;
    while (at < to) {
        const std::uint64_t slot = at & mask;
        if (slot < low || slot >= high) { // never emptied: handed back as they are read
            const std::uint64_t step = (slot < low ? low : capacity) - slot;
            if (at + step > to) {
                at = to;
                break;
            }
            at += step;
            continue;
        }
        if (at + slotsPerPage > to)
            break; // a page not yet read to its end: its read slots wait for it
        const std::uintptr_t address = base + slot * sizeof(RawEvent);
        if (address != runEnd) {
            flush();
            runStart = address;
        }
        runEnd = address + page;
        at += slotsPerPage;
    }
    flush();
    return at;
}

SharedRegion SharedRegion::create(std::uint32_t lanes, std::uint32_t ringCapacity, std::string_view planText,
                                  std::string &error, std::uint32_t sharedBytes)
{
    SharedRegion region;
    const std::uint32_t capacity = nextPowerOfTwo(ringCapacity < 16 ? 16 : ringCapacity);
    const std::size_t lanesAt = roundUp(planOffset() + planText.size(), 64);
    const std::size_t sharedAt = roundUp(lanesAt + sizeof(LaneSlot) * lanes, 64);
    const std::size_t ringsAt = roundUp(sharedAt + sharedBytes, 4096);
    const std::size_t stride = roundUp(sizeof(RingHeader) + sizeof(RawEvent) * capacity, 4096);
    const std::size_t size = ringsAt + stride * lanes;

    region.m_fd = static_cast<int>(memfd_create("forkscope-run", MFD_CLOEXEC));
    if (region.m_fd < 0) {
        error = osError("memfd_create");
        return {};
    }
    if (ftruncate(region.m_fd, static_cast<off_t>(size)) != 0) {
        error = osError("ftruncate of the run's shared memory");
        return {};
    }
    void *base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, region.m_fd, 0);
    if (base == MAP_FAILED) {
        error = osError("mmap of the run's shared memory");
        return {};
    }
    region.m_base = base;
    region.m_size = size;

    // A fresh memfd reads as zeros, which is the initial state of every atomic and slot. Placement-new the
    // header and lanes anyway so their lifetimes begin properly.
    auto *header = new (base) SharedHeader{};
    header->magic = kRegionMagic;
    header->version = kRegionVersion;
    header->laneCount = lanes;
    header->ringCapacity = capacity;
    header->planBytes = static_cast<std::uint32_t>(planText.size());
    header->sharedBytes = sharedBytes;
    std::memcpy(static_cast<char *>(base) + planOffset(), planText.data(), planText.size());
    for (std::uint32_t i = 0; i < lanes; ++i) {
        new (&region.lane(i)) LaneSlot{};
        new (&region.ring(i)) RingHeader{};
    }
    return region;
}

SharedRegion SharedRegion::attach(int fd, std::string &error)
{
    struct stat st { };
    if (fstat(fd, &st) != 0) {
        error = osError("fstat of the inherited region");
        return {};
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size < sizeof(SharedHeader)) {
        error = "the inherited region is too small to be a Forkscope run";
        return {};
    }
    void *base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        error = osError("mmap of the inherited region");
        return {};
    }
    SharedRegion region;
    region.m_base = base;
    region.m_size = size;
    region.m_fd = fd;
    const SharedHeader &header = region.header();
    if (header.magic != kRegionMagic || header.version != kRegionVersion) {
        error = "the inherited region is not a Forkscope run of this version";
        region.m_fd = -1; // not ours to close
        return {};
    }
    if (region.ringsOffset() + region.ringStride() * header.laneCount > size) {
        error = "the inherited region is smaller than its header says";
        region.m_fd = -1;
        return {};
    }
    return region;
}

void SharedRegion::wakeAll(std::atomic<std::uint32_t> &word) noexcept
{
    syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void SharedRegion::waitWhile(std::atomic<std::uint32_t> &word, std::uint32_t expected,
                             std::int64_t timeoutNs) noexcept
{
    if (timeoutNs < 0) {
        syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT, expected, nullptr, nullptr,
                0);
        return;
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(timeoutNs / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeoutNs % 1'000'000'000);
    syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT, expected, &ts, nullptr, 0);
}

void setLaneName(LaneSlot &slot, std::string_view name) noexcept
{
    std::size_t n = name.size() < sizeof slot.name - 1 ? name.size() : sizeof slot.name - 1;
    if (n < name.size()) {
        // Cut at a character boundary: back off over continuation bytes and the lead byte they follow.
        while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80)
            --n;
    }
    std::memcpy(slot.name, name.data(), n);
    slot.name[n] = '\0';
}

} // namespace forkscope::core
