// The values family: the register r (set, add, mul, power) and variables (read, write, append). A read
// and a write are separate relaxed atomic operations, so an unguarded read-modify-write split across steps
// really loses updates on real cores, with no undefined behaviour.

#include "core/runner/print_format.hpp"
#include "core/runner/worker.hpp"

namespace forkscope::core {

namespace {

/// "a" or "a[2]", without allocating.
void putVariableLabel(TextOut &o, const Variable &v, std::int64_t index) noexcept
{
    o.put(std::string_view(*v.name));
    if (v.size > 1) {
        o.put('[');
        o.putInt(index);
        o.put(']');
    }
}

/// Python raises IndexError for an element past the end and the worker dies with exit code 1; so does
/// this one, with the error text on its lane.
StepEnd indexError(Worker &w, StepState &st, const Variable &v, std::int64_t index) noexcept
{
    char text[160];
    TextOut o{text, sizeof text};
    o.put("IndexError: ");
    putVariableLabel(o, v, index);
    o.put(" is out of range (");
    o.put(std::string_view(*v.name));
    o.put(" has ");
    o.putInt(v.size);
    o.put(" elements)");
    return failWith(w, st, o.view());
}

StepEnd readOrWrite(Worker &w, StepState &st, const Step &s) noexcept
{
    const Variable *v = w.memory->find(s.text);
    if (!v)
        return StepEnd::Next; // validated: cannot happen
    if (s.count >= v->size)
        return indexError(w, st, *v, s.count);
    Cell &cell = v->elements[s.count];
    const auto index = static_cast<std::int32_t>(s.count);
    if (s.op == StepOp::Read) {
        const std::uint64_t word = cell.load(std::memory_order_relaxed);
        st.r = cellValue(word);
        w.writer.recordAt(monotonicNs(), EventType::ValueRead,
                          EventFields{st.r, v->id, index, 0, cellWriter(word)});
    } else {
        // The register wraps to the cell's 32 bits, as a ctypes int does.
        const std::uint32_t id = nextWriteId(w);
        const std::uint64_t replaced = cell.exchange(cellWord(st.r, id), std::memory_order_relaxed);
        st.r = cellValue(cellWord(st.r, id));
        w.writer.recordAt(monotonicNs(), EventType::ValueWrite,
                          EventFields{st.r, v->id, index, id, cellWriter(replaced)});
    }
    return StepEnd::Next;
}

StepEnd append(Worker &w, StepState &st, const Step &s) noexcept
{
    // A list: element 0 is its length, the items follow. Two stores, as list.append is for a process-private
    // global (shared by threads, copied by fork).
    const Variable *v = w.memory->find(s.text);
    if (!v)
        return StepEnd::Next;
    const std::int64_t length = cellValue(v->elements[0].load(std::memory_order_relaxed));
    if (1 + length >= v->size)
        return failWith(w, st, "MemoryError: the list is full");
    const std::uint32_t id = nextWriteId(w);
    const std::uint64_t replaced
        = v->elements[1 + length].exchange(cellWord(st.r, id), std::memory_order_relaxed);
    v->elements[0].store(cellWord(length + 1, nextWriteId(w)), std::memory_order_relaxed);
    w.writer.recordAt(monotonicNs(), EventType::ValueWrite,
                      EventFields{cellValue(cellWord(st.r, id)), v->id, static_cast<std::int32_t>(length + 1),
                                  id, cellWriter(replaced)});
    return StepEnd::Next;
}

} // namespace

StepEnd valueStep(Worker &w, StepState &st, const Step &s) noexcept
{
    switch (s.op) {
    case StepOp::Read:
    case StepOp::Write: return readOrWrite(w, st, s);
    case StepOp::Append: return append(w, st, s);
    case StepOp::Set: st.r = s.count; break;
    case StepOp::Add: st.r += s.count; break;
    case StepOp::Mul: st.r *= s.count; break;
    case StepOp::Power: {
        long long v = 1;
        for (std::int64_t k = 0; k < s.count; ++k)
            v *= st.x;
        st.r = v;
        break;
    }
    default: break;
    }
    return StepEnd::Next;
}

} // namespace forkscope::core
