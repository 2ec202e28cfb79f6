#include "ui/mapped_vector.hpp"

#include <mutex>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

namespace forkscope::ui::mapped_vector_detail {

namespace {

/// An address range of `bytes` at a kHugePage boundary, mapped as `prot`; nullptr when none.
char *reserveAligned(std::size_t bytes, int prot) noexcept
{
    // Over-map by one alignment unit and trim both ends.
    void *raw = mmap(nullptr, bytes + kHugePage, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start)
        munmap(raw, aligned - start);
    const std::uintptr_t tail = start + bytes + kHugePage - (aligned + bytes);
    if (tail > 0)
        munmap(reinterpret_cast<void *>(aligned + bytes), tail);
    return reinterpret_cast<char *>(aligned);
}

struct Kept {
    char *block = nullptr;
    std::size_t bytes = 0;
};

/// Freed mappings, their pages still there: the model's vectors are built and freed on the GUI thread and
/// the thread pool alike. Never destroyed: a vector freed during the program's exit may still give one back.
struct KeptList {
    std::mutex mutex;
    std::vector<Kept> list;
    std::size_t bytes = 0;
};

KeptList &kept()
{
    static auto *list = new KeptList;
    return *list;
}

/// The smallest kept mapping of `bytes` or more, cut to `bytes`; nullptr when none.
char *takeKept(std::size_t bytes) noexcept
{
    KeptList &k = kept();
    std::lock_guard lock(k.mutex);
    std::size_t best = k.list.size();
    for (std::size_t i = 0; i < k.list.size(); ++i)
        if (k.list[i].bytes >= bytes && (best == k.list.size() || k.list[i].bytes < k.list[best].bytes))
            best = i;
    if (best == k.list.size())
        return nullptr;
    const Kept found = k.list[best];
    k.list[best] = k.list.back();
    k.list.pop_back();
    k.bytes -= found.bytes;
    if (found.bytes > bytes)
        munmap(found.block + bytes, found.bytes - bytes);
    return found.block;
}

/// Bytes of mappings handed out by mapAligned and remap and not given back (mappedBytesInUse).
std::atomic<std::size_t> g_inUse{0};

} // namespace

void *mapAligned(std::size_t bytes) noexcept
{
    char *p = takeKept(bytes);
    if (p == nullptr) {
        p = reserveAligned(bytes, PROT_READ | PROT_WRITE);
        if (p == nullptr)
            return nullptr;
        madvise(p, bytes, MADV_HUGEPAGE); // a hint: where the kernel has none, 4 KiB pages serve
    }
    g_inUse.fetch_add(bytes, std::memory_order_relaxed);
    return p;
}

void *remap(void *block, std::size_t from, std::size_t to) noexcept
{
    if (to <= from) {
        if (to < from) {
            munmap(static_cast<char *>(block) + to, from - to);
            g_inUse.fetch_sub(from - to, std::memory_order_relaxed);
        }
        return block;
    }
    // In place when the addresses after the block are free, else to a new aligned range: either way the
    // pages move with their page tables, nothing is copied.
    void *p = mremap(block, from, to, 0);
    if (p == MAP_FAILED) {
        char *target = reserveAligned(to, PROT_NONE);
        if (target == nullptr)
            return nullptr;
        p = mremap(block, from, to, MREMAP_MAYMOVE | MREMAP_FIXED, target);
        if (p == MAP_FAILED) {
            munmap(target, to);
            return nullptr;
        }
    }
    madvise(static_cast<char *>(p) + from, to - from, MADV_HUGEPAGE);
    g_inUse.fetch_add(to - from, std::memory_order_relaxed);
    return p;
}

void unmap(void *block, std::size_t bytes) noexcept
{
    g_inUse.fetch_sub(bytes, std::memory_order_relaxed);
    {
        KeptList &k = kept();
        std::lock_guard lock(k.mutex);
        if (k.bytes + bytes <= kKeptBytes) {
            try {
                k.list.push_back({static_cast<char *>(block), bytes});
                k.bytes += bytes;
                return;
            } catch (const std::bad_alloc &) {
                // unmapped below
            }
        }
    }
    munmap(block, bytes);
}

void unmapNow(void *block, std::size_t bytes) noexcept
{
    g_inUse.fetch_sub(bytes, std::memory_order_relaxed);
    munmap(block, bytes);
}

void discard(char *from, char *to) noexcept
{
    static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(from) + page - 1) / page * page;
    const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(to) / page * page;
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED);
}

std::size_t keptBytes() noexcept
{
    KeptList &k = kept();
    std::lock_guard lock(k.mutex);
    return k.bytes;
}

std::size_t mappedBytesInUse() noexcept { return g_inUse.load(std::memory_order_relaxed); }

SharedBlock *SharedBlock::create(std::size_t bytes) noexcept
{
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    char *base = rounded == 0 ? nullptr : static_cast<char *>(mapAligned(rounded));
    if (base == nullptr)
        return nullptr;
    auto *block = new (std::nothrow) SharedBlock(base, rounded);
    if (block == nullptr)
        unmap(base, rounded);
    return block;
}

void *SharedBlock::take(std::size_t bytes) noexcept
{
    const std::size_t need = sharedBlockBytes(bytes);
    if (need > m_bytes - m_used)
        return nullptr;
    void *p = m_base + m_used;
    m_used += need;
    return p;
}

void SharedBlock::ref() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }

void SharedBlock::unref() noexcept
{
    if (m_refs.fetch_sub(1, std::memory_order_acq_rel) != 1)
        return;
    unmap(m_base, m_bytes);
    delete this;
}

} // namespace forkscope::ui::mapped_vector_detail
