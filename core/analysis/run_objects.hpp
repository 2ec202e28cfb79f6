#pragma once

// What a run's variables and queues are called, read from the VariableOpen and QueueOpen events main
// records before its first step: events name them by id, consumers show them by name.

#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace forkscope::core {

class RunObjects {
public:
    struct VariableInfo {
        std::string name;
        int size = 1;
        std::int64_t initial = 0;
        bool shared = false; ///< in shared memory (Value, Array), else a global
        bool list = false;   ///< a list: element 0 is its length, its items follow
    };
    struct QueueInfo {
        std::string name;
        std::uint32_t capacity = 0;
    };

    /// Takes what a VariableOpen or QueueOpen says; other events are ignored.
    void add(const Event &e);

    /// "a", or "a[2]" for an element of an array; "variable 3" for one never opened.
    std::string variableLabel(int id, int element) const;
    /// "queue 1" for one never opened.
    std::string queueName(int id) const;
    const std::vector<VariableInfo> &variables() const noexcept { return m_variables; }
    const std::vector<QueueInfo> &queues() const noexcept { return m_queues; }

private:
    std::vector<VariableInfo> m_variables; ///< by id
    std::vector<QueueInfo> m_queues;       ///< by id
};

} // namespace forkscope::core
