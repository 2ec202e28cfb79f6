#include "ui/mapped_vector.hpp"

#include <sys/mman.h>

namespace forkscope::ui::mapped_vector_detail {

namespace {

/// An address range of `bytes` at a kMapFrom boundary, mapped as `prot`; nullptr when none.
char *reserveAligned(std::size_t bytes, int prot) noexcept
{
    // Over-map by one alignment unit and trim both ends.
    void *raw = mmap(nullptr, bytes + kMapFrom, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kMapFrom - 1) / kMapFrom * kMapFrom;
    if (aligned > start)
        munmap(raw, aligned - start);
    const std::uintptr_t tail = start + bytes + kMapFrom - (aligned + bytes);
    if (tail > 0)
        munmap(reinterpret_cast<void *>(aligned + bytes), tail);
    return reinterpret_cast<char *>(aligned);
}

} // namespace

void *mapAligned(std::size_t bytes) noexcept
{
    char *p = reserveAligned(bytes, PROT_READ | PROT_WRITE);
    if (p != nullptr)
        madvise(p, bytes, MADV_HUGEPAGE); // a hint: where the kernel has none, 4 KiB pages serve
    return p;
}

void *remap(void *block, std::size_t from, std::size_t to) noexcept
{
    if (to <= from) {
        if (to < from)
            munmap(static_cast<char *>(block) + to, from - to);
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
    return p;
}

void unmap(void *block, std::size_t bytes) noexcept { munmap(block, bytes); }

} // namespace forkscope::ui::mapped_vector_detail
