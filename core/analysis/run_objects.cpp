#include "core/analysis/run_objects.hpp"

namespace forkscope::core {

namespace {

constexpr std::size_t kMaxObjects = 1u << 16; // ids come from the runner; never grow without bound

} // namespace

void RunObjects::add(const Event &e)
{
    if (e.arg < 0 || static_cast<std::size_t>(e.arg) >= kMaxObjects)
        return;
    const auto id = static_cast<std::size_t>(e.arg);
    if (e.type == EventType::VariableOpen) {
        if (m_variables.size() <= id)
            m_variables.resize(id + 1);
        m_variables[id] = {e.text, e.detail, e.value, (e.flags & kShared) != 0, (e.flags & kList) != 0};
    } else if (e.type == EventType::QueueOpen) {
        if (m_queues.size() <= id)
            m_queues.resize(id + 1);
        m_queues[id] = {e.text, static_cast<std::uint32_t>(e.value)};
    }
}

std::string RunObjects::variableLabel(int id, int element) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= m_variables.size()
        || m_variables[static_cast<std::size_t>(id)].name.empty())
        return "variable " + std::to_string(id)
            + (element ? "[" + std::to_string(element) + "]" : std::string());
    const VariableInfo &v = m_variables[static_cast<std::size_t>(id)];
    if (v.list) // element 0 holds the length, item k sits at element k + 1
        return element == 0 ? "len(" + v.name + ")" : v.name + "[" + std::to_string(element - 1) + "]";
    return v.size > 1 ? v.name + "[" + std::to_string(element) + "]" : v.name;
}

std::string RunObjects::queueName(int id) const
{
    if (id >= 0 && static_cast<std::size_t>(id) < m_queues.size()
        && !m_queues[static_cast<std::size_t>(id)].name.empty())
        return m_queues[static_cast<std::size_t>(id)].name;
    return "queue " + std::to_string(id);
}

} // namespace forkscope::core
