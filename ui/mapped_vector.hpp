#pragma once

// A vector of trivially copyable elements for the timeline model's big arrays (a lane's bars and markers,
// the message arrows): a million-event run holds tens of MB in them, grown while the run goes on.
//
// Why not std::vector: it grows by allocating a new block, copying the elements over and freeing the old
// one. On the machines this runs on a freshly touched page costs 15-20 us (a VM's first touch is the host's
// fault too; bench/README.md), so the copy's fresh pages, not the copy, were the cost: a lane's doubling
// held the GUI thread 100-360 ms in a live run of millions of events, and shrinking it to fit at the end
// 50-95 ms a lane. Here a block of kMapFrom (2 MiB) or more is a memory mapping of its own, 2 MiB-aligned
// and asking for transparent huge pages (one fault per 2 MiB where the kernel has them): growing it moves
// its pages to a bigger mapping (mremap), nothing is copied and no page of what it held is touched again;
// giving back the room past the end unmaps it. Smaller blocks come from malloc/realloc, or are cut from a
// SharedBlock when many are reserved at once (see there). Freed mappings are
// kept for the next ones, up to kKeptBytes, as malloc keeps freed heap memory: a model built again and
// again (trials, Compare, bench/paint_bench's BM_BuildModel) would otherwise fault all its pages in afresh.

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace forkscope::ui {

namespace mapped_vector_detail {
inline constexpr std::size_t kHugePage = std::size_t{2} << 20;    ///< a mapping's alignment and size unit
inline constexpr std::size_t kMapFrom = kHugePage;                ///< a block this big or bigger is mapped
inline constexpr std::size_t kKeptBytes = std::size_t{128} << 20; ///< freed mappings kept for reuse, at most
/// A mapping of `bytes` (a multiple of kHugePage) at a kHugePage-aligned address; nullptr when none.
void *mapAligned(std::size_t bytes) noexcept;
/// `block` (`from` bytes, mapped) moved or extended to `to` bytes (a multiple of kHugePage), aligned; its
/// contents kept without copying. nullptr when the memory ran out (block left as it was).
void *remap(void *block, std::size_t from, std::size_t to) noexcept;
/// Gives a mapping (or a kHugePage-aligned part of one) back: kept for mapAligned while fewer than
/// kKeptBytes are, else unmapped.
void unmap(void *block, std::size_t bytes) noexcept;
/// Unmaps a mapping's part at once, never keeping it for reuse.
void unmapNow(void *block, std::size_t bytes) noexcept;
/// Hands the kernel the whole pages within [from, to) (a mapping's): they read as zeros if touched again.
void discard(char *from, char *to) noexcept;
/// Bytes of freed mappings kept for reuse (tests).
std::size_t keptBytes() noexcept;
/// Bytes of mappings that hold elements now (a vector's own or a SharedBlock), for memory figures: malloc's
/// statistics do not see them.
std::size_t mappedBytesInUse() noexcept;

/// What SharedBlock::take(bytes) uses of a block: whole cache lines, an odd number of them. Lanes of about
/// the same length take turns appending to their blocks, and blocks of 2^k lines one after another would
/// put every lane's next element in the same few cache sets (each append then evicting another lane's
/// line); an odd stride reaches every set.
constexpr std::size_t sharedBlockBytes(std::size_t bytes) noexcept
{
    const std::size_t lines = (bytes + 63) / 64;
    return (lines | 1) * 64;
}

/// One mapping that many vectors' blocks are cut from, each just the size it was asked for
/// (MappedVector::reserveFrom): what TimelineModel reserves for a whole run's lanes, once counted. Cut from
/// malloc, a thousand lanes' blocks of a few KiB lie on a thousand 4 KiB pages that the model's appends
/// visit in turn, each visit a TLB miss (a page walk two tables deep on a VM); cut from one mapping of huge
/// pages they lie on a few (bench/README.md, "Model build in two threads"). A block is never given back
/// alone: the mapping goes back (mapped_vector_detail::unmap) once the last vector cut from it lets go.
class SharedBlock {
public:
    /// A block of `bytes` or more, held once by its maker (unref() when done cutting); nullptr when the
    /// memory ran out.
    static SharedBlock *create(std::size_t bytes) noexcept;
    /// `bytes` more of it, aligned for any element (64 bytes: a cache line); nullptr when it has no room.
    void *take(std::size_t bytes) noexcept;
    void ref() noexcept;
    void unref() noexcept;
    std::size_t bytes() const noexcept { return m_bytes; }

private:
    SharedBlock(char *base, std::size_t bytes) noexcept : m_base(base), m_bytes(bytes) { }
    char *m_base;
    std::size_t m_bytes;
    std::size_t m_used = 0;
    std::atomic<std::size_t> m_refs{1};
};
} // namespace mapped_vector_detail

template <typename T>
class MappedVector {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "elements are moved as bytes");

public:
    using value_type = T;
    using size_type = std::size_t;
    using iterator = T *;
    using const_iterator = const T *;
    using reference = T &;
    using const_reference = const T &;

    MappedVector() noexcept = default;
    MappedVector(std::initializer_list<T> items) { assign(items.begin(), items.end()); }
    MappedVector(const MappedVector &other) { assign(other.begin(), other.end()); }
    MappedVector(MappedVector &&other) noexcept
            : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
              m_capacity(std::exchange(other.m_capacity, 0)), m_owner(std::exchange(other.m_owner, kMalloc))
    {
    }
    MappedVector &operator=(const MappedVector &other)
    {
        if (this != &other)
            assign(other.begin(), other.end());
        return *this;
    }
    MappedVector &operator=(MappedVector &&other) noexcept
    {
        if (this != &other) {
            release();
            m_data = std::exchange(other.m_data, nullptr);
            m_size = std::exchange(other.m_size, 0);
            m_capacity = std::exchange(other.m_capacity, 0);
            m_owner = std::exchange(other.m_owner, kMalloc);
        }
        return *this;
    }
    ~MappedVector() { release(); }

    T *data() noexcept { return m_data; }
    const T *data() const noexcept { return m_data; }
    std::size_t size() const noexcept { return m_size; }
    std::size_t capacity() const noexcept { return m_capacity; }
    bool empty() const noexcept { return m_size == 0; }
    iterator begin() noexcept { return m_data; }
    iterator end() noexcept { return m_data + m_size; }
    const_iterator begin() const noexcept { return m_data; }
    const_iterator end() const noexcept { return m_data + m_size; }
    const_iterator cbegin() const noexcept { return m_data; }
    const_iterator cend() const noexcept { return m_data + m_size; }
    T &operator[](std::size_t i) noexcept
    {
        assert(i < m_size);
        return m_data[i];
    }
    const T &operator[](std::size_t i) const noexcept
    {
        assert(i < m_size);
        return m_data[i];
    }
    T &front() noexcept { return (*this)[0]; }
    const T &front() const noexcept { return (*this)[0]; }
    T &back() noexcept { return (*this)[m_size - 1]; }
    const T &back() const noexcept { return (*this)[m_size - 1]; }

    void reserve(std::size_t n)
    {
        if (n > m_capacity)
            reallocate(n);
    }
    /// As reserve(n), the room cut from `block` (exactly n elements) unless it is kMapFrom or more, or the
    /// block has no room left (then as reserve(n)). The vector holds the block while it uses that room.
    void reserveFrom(mapped_vector_detail::SharedBlock &block, std::size_t n)
    {
        if (n <= m_capacity)
            return;
        if (n > std::size_t(-1) / 2 / sizeof(T))
            throw std::length_error("MappedVector: too many elements");
        void *p = n * sizeof(T) < mapped_vector_detail::kMapFrom ? block.take(n * sizeof(T)) : nullptr;
        if (p == nullptr) {
            reallocate(n);
            return;
        }
        block.ref();
        if (m_size != 0)
            std::memcpy(p, m_data, m_size * sizeof(T));
        const std::size_t size = m_size;
        release();
        m_data = static_cast<T *>(p);
        m_size = size;
        m_capacity = n;
        m_owner = reinterpret_cast<std::uintptr_t>(&block);
    }
    /// Whether the elements live in a SharedBlock (tests).
    bool shared() const noexcept { return sharedBlock() != nullptr; }
    void push_back(const T &value)
    {
        if (m_size == m_capacity) {
            const T copy = value; // `value` may live in this vector
            grow(m_size + 1);
            m_data[m_size++] = copy;
            return;
        }
        m_data[m_size++] = value;
    }
    template <typename... Args>
    T &emplace_back(Args &&...args)
    {
        const T value{std::forward<Args>(args)...}; // made first: an argument may live in this vector
        if (m_size == m_capacity)
            grow(m_size + 1);
        return *::new (static_cast<void *>(m_data + m_size++)) T(value);
    }
    void pop_back() noexcept { --m_size; }
    iterator insert(const_iterator pos, const T &value)
    {
        const std::size_t at = static_cast<std::size_t>(pos - m_data);
        const T copy = value;
        if (m_size == m_capacity)
            grow(m_size + 1);
        std::memmove(m_data + at + 1, m_data + at, (m_size - at) * sizeof(T));
        m_data[at] = copy;
        ++m_size;
        return m_data + at;
    }
    void resize(std::size_t n)
    {
        reserve(n);
        for (std::size_t i = m_size; i < n; ++i)
            ::new (static_cast<void *>(m_data + i)) T();
        m_size = n;
    }
    void resize(std::size_t n, const T &value)
    {
        const T copy = value;
        reserve(n);
        std::fill(m_data + std::min(m_size, n), m_data + n, copy);
        m_size = n;
    }
    template <typename It>
    void assign(It first, It last)
    {
        const auto n = static_cast<std::size_t>(std::distance(first, last));
        m_size = 0;
        reserve(n);
        std::copy(first, last, m_data);
        m_size = n;
    }
    void clear() noexcept { m_size = 0; }
    /// Gives back the room past the end without copying the elements (a copy's fresh pages are what cost,
    /// see above): a small block is cut to fit in place (glibc's realloc to a smaller size neither moves nor
    /// copies it; the rest goes back to malloc), a mapped one unmaps its whole huge pages past the end (not
    /// kept for reuse: giving them back is the point) and hands the kernel the pages past the end within the
    /// last one (a huge page there is held whole, though only its start holds elements).
    void shrink_to_fit()
    {
        if (m_size == m_capacity)
            return;
        if (m_size == 0) {
            release();
            return;
        }
        if (sharedBlock() != nullptr)
            return; // its room past the end goes back with the whole block
        if (!mapped()) {
            if (void *p = std::realloc(m_data, m_size * sizeof(T))) {
                m_data = static_cast<T *>(p);
                m_capacity = m_size;
            }
            return;
        }
        const std::size_t bytes = mappedBytes();
        const std::size_t keep = roundUp(m_size * sizeof(T));
        if (keep < bytes) {
            mapped_vector_detail::unmapNow(reinterpret_cast<char *>(m_data) + keep, bytes - keep);
            m_capacity = keep / sizeof(T);
        }
        mapped_vector_detail::discard(reinterpret_cast<char *>(m_data) + m_size * sizeof(T),
                                      reinterpret_cast<char *>(m_data) + keep);
    }

    friend bool operator==(const MappedVector &a, const MappedVector &b) noexcept
    {
        return a.m_size == b.m_size && std::equal(a.begin(), a.end(), b.begin());
    }

private:
    static std::size_t roundUp(std::size_t bytes) noexcept
    {
        constexpr std::size_t m = mapped_vector_detail::kHugePage;
        return (bytes + m - 1) / m * m;
    }
    /// The mapping's length: the capacity is what whole elements fit in it.
    std::size_t mappedBytes() const noexcept { return roundUp(m_capacity * sizeof(T)); }
    /// Room for at least `need`: doubling, as std::vector does.
    void grow(std::size_t need) { reallocate(std::max({need, 2 * m_capacity, std::size_t{8}})); }
    void reallocate(std::size_t n)
    {
        if (n > std::size_t(-1) / 2 / sizeof(T))
            throw std::length_error("MappedVector: too many elements");
        using namespace mapped_vector_detail;
        std::size_t bytes = n * sizeof(T);
        void *p = nullptr;
        if (SharedBlock *block = sharedBlock()) {
            // Out of the shared block: its room stays there until the block goes back whole.
            bytes = bytes < kMapFrom ? bytes : roundUp(bytes);
            p = bytes < kMapFrom ? std::malloc(bytes) : mapAligned(bytes);
            if (p != nullptr) {
                std::memcpy(p, m_data, m_size * sizeof(T));
                block->unref();
                m_owner = bytes >= kMapFrom ? kMapped : kMalloc;
            }
        } else if (mapped()) {
            bytes = roundUp(bytes);
            p = remap(m_data, mappedBytes(), bytes);
        } else if (bytes < kMapFrom) {
            p = std::realloc(m_data, bytes);
        } else {
            bytes = roundUp(bytes);
            if ((p = mapAligned(bytes)) != nullptr) {
                if (m_size != 0)
                    std::memcpy(p, m_data, m_size * sizeof(T));
                std::free(m_data);
                m_owner = kMapped;
            }
        }
        if (p == nullptr)
            throw std::bad_alloc();
        m_data = static_cast<T *>(p);
        m_capacity = bytes / sizeof(T);
    }
    void release() noexcept
    {
        if (mapped_vector_detail::SharedBlock *block = sharedBlock())
            block->unref();
        else if (mapped())
            mapped_vector_detail::unmap(m_data, mappedBytes());
        else
            std::free(m_data);
        m_data = nullptr;
        m_size = 0;
        m_capacity = 0;
        m_owner = kMalloc;
    }

    T *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
    // Where m_data comes from: malloc, a mapping of its own (mappedBytes() long), or else the SharedBlock at
    // this address (m_capacity of it). One word: four to a Lane's hot cache lines (TimelineModel).
    static constexpr std::uintptr_t kMalloc = 0;
    static constexpr std::uintptr_t kMapped = 1;
    bool mapped() const noexcept { return m_owner == kMapped; }
    mapped_vector_detail::SharedBlock *sharedBlock() const noexcept
    {
        return m_owner > kMapped ? reinterpret_cast<mapped_vector_detail::SharedBlock *>(m_owner) : nullptr;
    }

    std::uintptr_t m_owner = kMalloc;
};

} // namespace forkscope::ui
