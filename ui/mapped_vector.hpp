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
// giving back the room past the end unmaps it. Smaller blocks come from malloc/realloc. Freed mappings are
// kept for the next ones, up to kKeptBytes, as malloc keeps freed heap memory: a model built again and
// again (trials, Compare, bench/paint_bench's BM_BuildModel) would otherwise fault all its pages in afresh.

#include <algorithm>
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
              m_capacity(std::exchange(other.m_capacity, 0)), m_mapped(std::exchange(other.m_mapped, false))
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
            m_mapped = std::exchange(other.m_mapped, false);
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
        if (!m_mapped) {
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
        if (m_mapped) {
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
                m_mapped = true;
            }
        }
        if (p == nullptr)
            throw std::bad_alloc();
        m_data = static_cast<T *>(p);
        m_capacity = bytes / sizeof(T);
    }
    void release() noexcept
    {
        if (m_mapped)
            mapped_vector_detail::unmap(m_data, mappedBytes());
        else
            std::free(m_data);
        m_data = nullptr;
        m_size = 0;
        m_capacity = 0;
        m_mapped = false;
    }

    T *m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
    bool m_mapped = false; ///< m_data is a mapping of its own (mappedBytes() long), not a malloc block
};

} // namespace forkscope::ui
