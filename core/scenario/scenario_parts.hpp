#pragma once

// Private to core/scenario/: what reading a scenario file (scenario_file.cpp) and building its plan
// (scenario_builder.cpp) share — the parsed file, problems with places, and the checks of shapes.

#include "core/scenario/expression.hpp"
#include "core/scenario/scenario_file.hpp"

#include <string>
#include <utility>
#include <vector>

namespace forkscope::core::scenario_parts {

struct FileSource {
    std::string fileName;
    JsonSource json;
    std::vector<ParamSpec> params;
};

// --- What may be written where -------------------------------------------------------------------------
// The keys each object of a file may hold (besides comments, keys starting with '_'). Listed once, here:
// checkKeys refuses the others, and scenarioFileKeys() hands them to the test that holds
// resources/scenario.schema.json to the same.

inline const std::vector<std::string> kScenarioKeys
    = {"format",    "id",      "title",    "lesson", "order",      "summary", "look_for",
       "python",    "params",  "values",   "kind",   "time_scale", "gil",     "switch_interval",
       "variables", "locks",   "queues",   "pipes",  "pools",      "workers", "main",
       "expected",  "presets", "headline", "caption"};
inline const std::vector<std::string> kParamKeys
    = {"name", "type", "default", "min", "max", "choices", "help"};
inline const std::vector<std::string> kWorkerKeys = {"name", "kind", "copies", "items", "if", "steps"};
inline const std::vector<std::string> kVariableKeys = {"name", "shared", "initial", "size"};
inline const std::vector<std::string> kQueueKeys = {"name", "capacity"};
inline const std::vector<std::string> kPipeKeys = {"name", "ends"};
inline const std::vector<std::string> kPoolKeys = {"name", "function", "items", "chunk", "work"};
inline const std::vector<std::string> kPresetKeys = {"id", "name", "params"};
inline const std::vector<std::string> kRuleKeys = {"if", "text"}; ///< a headline's or a caption's
/// Each op a step may name, with every key such a step may hold: the op, "if" and the op's own extras.
std::vector<std::pair<std::string, std::vector<std::string>>> stepKeys();

// --- Problems with places -------------------------------------------------------------------------------

/// At most this many problems are listed, then one line says there are more. A 1 MiB file can hold 100,000
/// unknown keys, and placing each one scans the text: all of them would take hours, and nobody reads the
/// 101st.
inline constexpr std::size_t kMaxProblemsListed = 100;

class Problems {
public:
    Problems(const FileSource &src, std::vector<ScenarioProblem> &out) : m_src(src), m_out(out) { }

    void at(const std::string &pointer, std::string message)
    {
        if (place(pointer, message))
            add(pointer, m_src.json.positionOf(pointer), std::move(message));
    }
    void atKey(const std::string &pointer, const std::string &key, std::string message)
    {
        const std::string keyPointer = pointer + "/" + pointerToken(key);
        if (place(keyPointer, message))
            add(keyPointer, m_src.json.positionOfKey(pointer, key), std::move(message));
    }
    /// A problem whose place is already known (an offset in the text).
    void atOffset(const std::string &pointer, std::size_t offset, std::string message)
    {
        if (place(pointer, message))
            add(pointer, m_src.json.positionAt(offset), std::move(message));
    }
    bool any() const { return m_count > 0; }
    std::size_t count() const { return m_count; }
    /// Every problem reported so far, also those found again: whether a pass found any of its own.
    std::size_t reported() const { return m_reported; }

private:
    /// Whether the problem is new and is to be listed, so its place is worth finding (placing one scans the
    /// text up to it). A problem found again (by the next check build, or the same key written twice more)
    /// is neither listed nor counted again; past kMaxProblemsListed one line says there are more.
    bool place(const std::string &pointer, const std::string &message)
    {
        ++m_reported;
        for (const ScenarioProblem &e : m_out)
            if (e.pointer == pointer && e.message == message)
                return false;
        if (m_out.size() < kMaxProblemsListed)
            return true;
        if (!m_more) {
            m_out.push_back({m_src.fileName,
                             {},
                             {},
                             "more problems than these " + std::to_string(kMaxProblemsListed)
                                 + " (fix them and check again)"});
            m_more = true;
        }
        ++m_count;
        return false;
    }
    void add(const std::string &pointer, TextPosition p, std::string message)
    {
        m_out.push_back({m_src.fileName, p, pointer, std::move(message)});
        ++m_count;
    }
    const FileSource &m_src;
    std::vector<ScenarioProblem> &m_out;
    std::size_t m_count = 0;
    std::size_t m_reported = 0;
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
/// The plan for `params`; false with the problems reported. `outgrew`, if given, says whether writing it out
/// stopped at a limit on steps (kMaxSteps, or the steps looked at); `visited`, the work it did, in steps
/// looked at (counting the expressions evaluated and the items written out as steps too).
bool buildFromFile(const FileSource &src, Problems &problems, const ParamSet &params, Plan &plan,
                   bool *outgrew = nullptr, std::int64_t *visited = nullptr);
/// The most steps one plan's writing out looks at (kept, left out by an `if`, rounds of `copies`).
std::int64_t maxVisitedSteps() noexcept;
/// The names expressions see for `params`: parameters, `values`, cores.
ExprScope scopeFor(const FileSource &src, const ParamSet &params);

} // namespace forkscope::core::scenario_parts
