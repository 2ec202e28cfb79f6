#pragma once

// Private to core/scenario/: what reading a scenario file (scenario_file.cpp) and building its plan
// (scenario_builder.cpp) share — the parsed file, problems with places, and the checks of shapes.

#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_file.hpp"

#include <string>
#include <vector>

namespace forkscope::core::scenario_parts {

struct FileSource {
    std::string fileName;
    JsonSource json;
    std::vector<ParamSpec> params;
};

// --- Problems with places -------------------------------------------------------------------------------

/// At most this many problems are listed, then one line says there are more. A 1 MiB file can hold 100,000
/// unknown keys, and placing each one scans the text (and each is compared with those listed before): all
/// of them would take hours, and nobody reads the 101st.
inline constexpr std::size_t kMaxProblemsListed = 100;

class Problems {
public:
    Problems(const FileSource &src, std::vector<ScenarioProblem> &out) : m_src(src), m_out(out) { }

    void at(const std::string &pointer, std::string message)
    {
        if (!full())
            add(pointer, m_src.json.positionOf(pointer), std::move(message));
        else
            more();
    }
    void atKey(const std::string &pointer, const std::string &key, std::string message)
    {
        if (!full())
            add(pointer + "/" + pointerToken(key), m_src.json.positionOfKey(pointer, key),
                std::move(message));
        else
            more();
    }
    /// A problem whose place is already known (an offset in the text).
    void atOffset(const std::string &pointer, std::size_t offset, std::string message)
    {
        if (!full())
            add(pointer, m_src.json.positionAt(offset), std::move(message));
        else
            more();
    }
    bool any() const { return m_count > 0; }
    std::size_t count() const { return m_count; }

private:
    bool full() const { return m_out.size() >= kMaxProblemsListed; }
    void more()
    {
        if (!m_more) {
            m_out.push_back({m_src.fileName,
                             {},
                             {},
                             "more problems than these " + std::to_string(kMaxProblemsListed)
                                 + " (fix them and check again)"});
            m_more = true;
        }
        ++m_count;
    }
    void add(const std::string &pointer, TextPosition p, std::string message)
    {
        for (const ScenarioProblem &e : m_out)
            if (e.pointer == pointer && e.message == message)
                return; // one branch's error found again by the next check build
        m_out.push_back({m_src.fileName, p, pointer, std::move(message)});
        ++m_count;
    }
    const FileSource &m_src;
    std::vector<ScenarioProblem> &m_out;
    std::size_t m_count = 0;
    bool m_more = false;
};

/// "a text", "a number", ...: a JSON value's type in a message.
std::string typeName(const Json &v);
std::string join(const std::vector<std::string> &names);
/// A parameter's or scenario's name: lower case, digits, '-' and '_', starting with a letter.
bool validName(const std::string &name);
int usableCoreCount();
std::string numberText(double v);
/// Reports each key of `obj` not in `allowed` (keys starting with '_' are comments).
void checkKeys(const Json &obj, const std::string &ptr, const std::vector<std::string> &allowed,
               Problems &problems, const char *what);
/// The shape of every step of a list, whether or not a given run takes it.
void checkStepShapes(const Json &steps, const std::string &ptr, Problems &problems, int loopDepth);
/// The plan for `params`; false with the problems reported.
bool buildFromFile(const FileSource &src, Problems &problems, const ParamSet &params, Plan &plan);
/// The names expressions see for `params`: parameters, `values`, cores.
ExprScope scopeFor(const FileSource &src, const ParamSet &params);

} // namespace forkscope::core::scenario_parts
