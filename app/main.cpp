#include "app/cli.hpp"

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        // The desktop lab arrives with the GUI; until then the default scenario runs headless.
        std::printf("forkscope: the desktop window is not built yet; running the default scenario headless.\n");
        args = {"run", "sleepers"};
    }
    return forkscope::app::runCommandLine(args);
}
