#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace forkscope::core {

/// Checks, before any work is done, that `path` could be written: its folder exists and is writable and
/// the path is not a folder. Returns an empty string, or what is wrong.
std::string checkOutputPath(const std::string &path);

/// Writes `content` whole or not at all: a temporary file in the same folder, fsync, then rename over
/// `path`. Returns an empty string, or what went wrong (and leaves no partial file).
std::string writeFileAtomically(const std::string &path, std::string_view content);

/// The same for content written in pieces: `write` gets the temporary file's descriptor and returns "" or
/// what went wrong; only when it succeeds is the file synced and renamed over `path`.
std::string writeFileAtomically(const std::string &path, const std::function<std::string(int fd)> &write);

/// Writes all of `bytes` to `fd` (retrying short writes); "" or the system's reason.
std::string writeAll(int fd, std::string_view bytes);

} // namespace forkscope::core
