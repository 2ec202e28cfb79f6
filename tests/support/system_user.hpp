#pragma once

// A system user for the tests that need a process limit to bind (root ignores RLIMIT_NPROC): made with useradd
// when missing, and a command run as it through runuser. Header-only, like proc_files.hpp, for the cli and fault
// suites.

#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace forkscope::test {

/// The program and arguments that run a command as the system user `name` (made if missing; the caller must
/// be root), with that user's uid in `uid`. Empty, with the reason in `why`, when that cannot be arranged.
inline std::vector<std::string> runAsSystemUser(const std::string &name, std::string &why, uid_t &uid)
{
    const std::string make = "id " + name
        + " >/dev/null 2>&1 || useradd --system --no-create-home --shell "
          "/usr/sbin/nologin "
        + name + " >/dev/null 2>&1";
    if (std::system(make.c_str()) != 0) {
        why = "useradd could not make the user " + name;
        return {};
    }
    const passwd *user = getpwnam(name.c_str());
    if (!user || access("/usr/sbin/runuser", X_OK) != 0) {
        why = "no runuser (util-linux), or no user " + name;
        return {};
    }
    uid = user->pw_uid;
    return {"/usr/sbin/runuser", "-u", name, "--"};
}

} // namespace forkscope::test
