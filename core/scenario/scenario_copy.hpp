#pragma once

// A copy of a scenario file made the user's own: what `forkscope new FILE.json --from ID` writes and what the
// window's File → Save a Copy… writes, so both make the same file.

#include <string>
#include <string_view>

namespace forkscope::core {

/// What a copy is made from: a scenario file's text and, if it has one, its Python twin's text.
struct ScenarioCopySource {
    std::string text;     ///< the scenario file (possibly edited, not yet saved)
    bool builtin = false; ///< one of Forkscope's own lessons: the copy goes to "Your scenarios"
    std::string twinText; ///< the twin's contents ("" when the scenario has none)
    bool hasTwin = false;
};

/// The scenario id a copy written to `path` gets: its file name without ".json". Empty with `error` naming
/// what is allowed when that name is not an id (lower case letters, digits, '-' and '_', starting with a
/// letter) or `path` does not end in ".json".
std::string copyIdForPath(const std::string &path, std::string &error);

/// Where the twin of a copy with id `id` written to `path` goes: "<id>.py" beside it.
std::string copyTwinPath(const std::string &path, const std::string &id);

/// The text of the copy: `source.text` with "id" set to `id`, "python" to "<id>.py" when it has a twin, no
/// "order", and "lesson" "Your scenarios" when copied from a built-in lesson; keys keep their order. False
/// with `error` (the syntax error and its line and column) when the text is not a JSON object.
bool scenarioCopyText(const ScenarioCopySource &source, const std::string &id, std::string &out,
                      std::string &error);

/// Writes the copy to `path` and, when the source has a twin, the twin to "<id>.py" beside it, each whole
/// or not at all; if the twin cannot be written the scenario file is removed again. Never writes over a
/// file unless `overwrite`. Returns "" or what went wrong; `twinPath` is set to the twin's path (or "").
std::string writeScenarioCopy(const ScenarioCopySource &source, const std::string &path, bool overwrite,
                              std::string &twinPath);

} // namespace forkscope::core
