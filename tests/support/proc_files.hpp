#pragma once

// Readers of files and of /proc for the tests that drive the real programs (cli, faults, gui): header-only,
// so a test that links nothing of Forkscope (the fault suite runs only the command line) can use them.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace forkscope::test {

/// The whole file's text ("" when it cannot be read).
inline std::string slurp(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Children of `pid`, from /proc/PID/task/PID/children.
inline std::vector<int> childrenOf(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::vector<int> out;
    for (int child = 0; in >> child;)
        out.push_back(child);
    return out;
}

} // namespace forkscope::test
