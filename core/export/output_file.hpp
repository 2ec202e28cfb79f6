#pragma once

#include <string>
#include <string_view>

namespace forkscope::core {

/// Checks, before any work is done, that `path` could be written: its folder exists and is writable and
/// the path is not a folder. Returns an empty string, or what is wrong.
std::string checkOutputPath(const std::string &path);

/// Writes `content` whole or not at all: a temporary file in the same folder, fsync, then rename over
/// `path`. Returns an empty string, or what went wrong (and leaves no partial file).
std::string writeFileAtomically(const std::string &path, std::string_view content);

} // namespace forkscope::core
