#include "core/export/output_file.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace forkscope::core {

namespace {

std::string folderOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// Where the bytes should go: a symbolic link is followed, so the link stays and its target is replaced.
std::string resolvedTarget(const std::string &path)
{
    struct stat st { };
    if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
        return path;
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved))
        return resolved;
    return path; // a dangling link: checkOutputPath reports it
}

/// The checks that need no file created: the path names a regular file (or nothing yet) in an existing,
/// writable folder.
std::string checkOutputTarget(const std::string &path)
{
    if (path.empty())
        return "the output path is empty";
    if (path.back() == '/')
        return "'" + path + "' names a folder, not a file";
    struct stat st { };
    if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode) && stat(path.c_str(), &st) != 0)
        return "'" + path + "' is a symbolic link to something that does not exist";
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return "'" + path + "' is a folder, not a file";
    if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        return "'" + path + "' is not a regular file (a device, pipe or socket): give the name of a file";
    const std::string folder = folderOf(path);
    if (stat(folder.c_str(), &st) != 0)
        return "cannot write '" + path + "': the folder '" + folder + "' does not exist";
    if (!S_ISDIR(st.st_mode))
        return "cannot write '" + path + "': '" + folder + "' is not a folder";
    if (access(folder.c_str(), W_OK) != 0)
        return "cannot write '" + path + "': the folder '" + folder + "' is not writable";
    return {};
}

} // namespace

std::string checkOutputPath(const std::string &path)
{
    if (auto problem = checkOutputTarget(path); !problem.empty())
        return problem;
    const std::string folder = folderOf(path);
    // Some folders pass every check above and still take no new file (/proc, /sys, a read-only mount seen
    // by root): create the temporary file the write will use, and remove it at once.
    std::string probe = resolvedTarget(path) + ".partial-XXXXXX";
    const int fd = mkstemp(probe.data());
    if (fd < 0)
        return "cannot write '" + path + "': the folder '" + folder + "' does not take new files ("
            + std::strerror(errno) + ")";
    close(fd);
    unlink(probe.c_str());
    return {};
}

std::string writeAll(int fd, std::string_view bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? std::strerror(errno) : "nothing was written";
        done += static_cast<std::size_t>(n);
    }
    return {};
}

std::string writeFileAtomically(const std::string &requested, std::string_view content)
{
    return writeFileAtomically(requested, [content](int fd) { return writeAll(fd, content); });
}

std::string writeFileAtomically(const std::string &requested,
                                const std::function<std::string(int fd)> &writeBody)
{
    // No separate probe here: the temporary file below is the file checkOutputPath's probe stands for.
    if (auto problem = checkOutputTarget(requested); !problem.empty())
        return problem;
    const std::string path = resolvedTarget(requested);
    std::string temp = path + ".partial-XXXXXX";
    const int fd = mkstemp(temp.data());
    if (fd < 0)
        return "cannot write '" + path + "': " + std::strerror(errno);
    if (const std::string why = writeBody(fd); !why.empty()) {
        close(fd);
        unlink(temp.c_str());
        return "cannot write '" + path + "': " + why;
    }
    fchmod(fd, 0644);
    if (fsync(fd) != 0 || close(fd) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temp.c_str());
        return "cannot write '" + path + "': " + why;
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temp.c_str());
        return "cannot write '" + path + "': " + why;
    }
    return {};
}

} // namespace forkscope::core
