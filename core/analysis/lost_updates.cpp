#include "core/analysis/lost_updates.hpp"

#include "core/analysis/run_objects.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace forkscope::core {

namespace {

/// One write of a shared element, with the read before it when it was an update.
struct Write {
    std::uint32_t id = 0;
    std::uint32_t lane = 0;
    int variable = 0;
    int element = 0;
    std::int64_t value = 0;
    std::int64_t timeNs = 0;
    std::uint32_t replaced = 0; ///< the write it replaced (0: the initial value)
    bool update = false;        ///< its lane read the element before writing it
    std::uint32_t readSaw = 0;  ///< the write that read saw
    std::int64_t readValue = 0;
    std::int64_t readNs = 0;
    const Write *replacedBy = nullptr;
};

struct Read {
    std::uint32_t saw = 0;
    std::int64_t value = 0;
    std::int64_t timeNs = 0;
};

std::uint64_t cellKey(int variable, int element)
{
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(variable)) << 32)
        | static_cast<std::uint32_t>(element);
}

class Finder {
public:
    Finder(std::uint64_t lostEvents, const std::vector<bool> &processLanes)
            : m_anyProcess(std::find(processLanes.begin(), processLanes.end(), true) != processLanes.end())
    {
        if (lostEvents > 0)
            incomplete(std::to_string(lostEvents) + " events were lost, so some reads or writes are missing");
    }

    void add(const Event &e);
    LostUpdateReport finish();

private:
    bool analysed(int variable) const
    {
        // A global in a run with forked workers is a private copy per process: nothing there is lost.
        if (variable < 0 || static_cast<std::size_t>(variable) >= m_shared.size())
            return false;
        return m_shared[static_cast<std::size_t>(variable)] || !m_anyProcess;
    }
    void incomplete(const std::string &why)
    {
        if (m_report.complete)
            m_report.incompleteWhy = why;
        m_report.complete = false;
    }
    const Write *writeOf(std::uint32_t id) const
    {
        const auto it = m_byId.find(id);
        return it == m_byId.end() ? nullptr : &m_writes[it->second];
    }
    /// The writes the final value of one element was computed from, from the last one back.
    std::unordered_set<const Write *> chainOf(const std::vector<const Write *> &writes);
    /// The write that erased `w`'s update: the first after it in memory not built on it.
    const Write *erasedBy(const Write *w) const;

    bool m_anyProcess = false; ///< some worker is a forked process
    RunObjects m_objects;
    std::vector<bool> m_shared; ///< per variable id
    std::unordered_map<std::uint64_t, Read>
        m_lastRead; ///< (lane, element) → its latest read since its last write
    std::vector<Write> m_writes;
    std::unordered_map<std::uint32_t, std::size_t> m_byId;
    std::map<std::uint32_t, std::uint32_t> m_writesPerLane;
    LostUpdateReport m_report;
};

void Finder::add(const Event &e)
{
    if (e.type == EventType::VariableOpen) {
        m_objects.add(e);
        if (e.arg >= 0 && static_cast<std::size_t>(e.arg) < (1u << 16)) {
            if (m_shared.size() <= static_cast<std::size_t>(e.arg))
                m_shared.resize(static_cast<std::size_t>(e.arg) + 1, false);
            m_shared[static_cast<std::size_t>(e.arg)] = (e.flags & kShared) != 0;
        }
        return;
    }
    if ((e.type != EventType::ValueRead && e.type != EventType::ValueWrite) || !analysed(e.arg))
        return;
    const std::uint64_t key = (std::uint64_t{e.lane} << 40) ^ cellKey(e.arg, e.detail);
    if (e.type == EventType::ValueRead) {
        m_lastRead[key] = {e.ref, e.value, e.timeNs};
        return;
    }
    if (e.id == 0) {
        incomplete("a write carries no id");
        return;
    }
    if (++m_writesPerLane[e.lane] > kWriteCountMask)
        incomplete("a worker wrote more than " + std::to_string(kWriteCountMask)
                   + " times, so write ids repeat");
    Write w;
    w.id = e.id;
    w.lane = e.lane;
    w.variable = e.arg;
    w.element = e.detail;
    w.value = e.value;
    w.timeNs = e.timeNs;
    w.replaced = e.ref;
    if (const auto it = m_lastRead.find(key); it != m_lastRead.end()) {
        w.update = true;
        w.readSaw = it->second.saw;
        w.readValue = it->second.value;
        w.readNs = it->second.timeNs;
        m_lastRead.erase(it);
        ++m_report.updates;
    }
    m_byId[w.id] = m_writes.size();
    m_writes.push_back(w);
}

std::unordered_set<const Write *> Finder::chainOf(const std::vector<const Write *> &writes)
{
    std::unordered_set<const Write *> chain;
    std::vector<const Write *> last;
    for (const Write *w : writes)
        if (!w->replacedBy)
            last.push_back(w);
    if (last.size() != 1) {
        incomplete("the order of the writes to one element has a gap");
        return chain;
    }
    for (const Write *w = last.front(); w && chain.insert(w).second;) {
        if (!w->update || w->readSaw == 0)
            break; // an assignment, or computed from the initial value: the chain starts here
        const Write *from = writeOf(w->readSaw);
        if (!from)
            incomplete("a read saw a write that no event recorded (a worker killed between its store and its "
                       "record?)");
        w = from;
    }
    return chain;
}

const Write *Finder::erasedBy(const Write *w) const
{
    // The writes after it that were built on it (each read the one before) carried it on; the first that was
    // not is the one that erased it. The next write in memory may be the same worker's next update.
    std::unordered_set<std::uint32_t> line{w->id};
    const Write *next = w->replacedBy;
    while (next && next->update && line.count(next->readSaw) && line.insert(next->id).second)
        next = next->replacedBy; // (a write seen twice means a broken record: stop there)
    return next ? next : w->replacedBy;
}

LostUpdateReport Finder::finish()
{
    std::map<std::uint64_t, std::vector<const Write *>> byCell;
    for (Write &w : m_writes) {
        byCell[cellKey(w.variable, w.element)].push_back(&w);
        if (w.replaced == 0)
            continue;
        if (const auto it = m_byId.find(w.replaced); it != m_byId.end())
            m_writes[it->second].replacedBy = &w;
        else
            incomplete("a write replaced one that no event recorded (a worker killed between its store and "
                       "its record?)");
    }
    for (const auto &[cell, writes] : byCell) {
        const std::unordered_set<const Write *> chain = chainOf(writes);
        for (const Write *w : writes) {
            if (!w->update || chain.count(w))
                continue;
            LostUpdate lost;
            lost.lane = w->lane;
            lost.variable = w->variable;
            lost.element = w->element;
            lost.label = m_objects.variableLabel(w->variable, w->element);
            lost.read = w->readValue;
            lost.wrote = w->value;
            lost.readNs = w->readNs;
            lost.atNs = w->timeNs;
            lost.writeId = w->id;
            if (const Write *by = erasedBy(w)) {
                lost.overwrittenBy = by->lane;
                lost.overwrittenAtNs = by->timeNs;
                lost.overwrittenById = by->id;
            }
            m_report.lost.push_back(std::move(lost));
        }
    }
    std::sort(m_report.lost.begin(), m_report.lost.end(),
              [](const LostUpdate &a, const LostUpdate &b) { return a.atNs < b.atNs; });
    return std::move(m_report);
}

} // namespace

LostUpdateReport findLostUpdates(const std::vector<Event> &events, std::uint64_t lostEvents,
                                 const std::vector<bool> &processLanes)
{
    Finder finder(lostEvents, processLanes);
    for (const Event &e : events)
        finder.add(e);
    return finder.finish();
}

std::vector<LostOnLane> lostPerLane(const LostUpdateReport &report)
{
    std::vector<LostOnLane> tally;
    for (const LostUpdate &lost : report.lost) {
        const std::int64_t delta = lost.wrote - lost.read;
        auto it = std::find_if(tally.begin(), tally.end(), [&](const LostOnLane &t) {
            return t.lane == lost.lane && t.label == lost.label;
        });
        if (it == tally.end()) {
            tally.push_back({lost.lane, lost.label, 0, delta, true, 0});
            it = tally.end() - 1;
        }
        ++it->count;
        it->sameDelta = it->sameDelta && it->delta == delta;
        it->net += delta;
    }
    return tally;
}

} // namespace forkscope::core
