# CPack: a Debian package of what `cmake --install` installs, under /usr (ARCHITECTURE.md, "Installed
# layout"). `cpack -G DEB` in a build folder writes forkscope_<version>_<arch>.deb; its Depends come from
# dpkg-shlibdeps (dpkg-dev) on the installed executables, plus what Qt loads as plugins rather than links.
# tests/install/package_test.sh installs it with apt-get, runs it and purges it again.
set(CPACK_PACKAGE_NAME forkscope)
set(CPACK_PACKAGE_VENDOR "Forkscope")
set(CPACK_PACKAGE_CONTACT "Forkscope maintainers <maintainers@users.noreply.h-seed-145c1314.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Debian's extended description: lines of at most 80 characters (CPack indents each by one space).
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "Forkscope runs the lessons of the classic Python multiprocessing and threading"
  "tutorials with real threads and real forked processes and draws what each of"
  "them does as a live timeline: sleepers, lost updates and locks, queues, pipes,"
  "pools and futures, and the GIL. From the window or from the command line, which"
  "also writes slides (PNG, SVG, PDF), Chrome traces and JSON summaries.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # the dev and RelWithDebInfo builds carry debug info the package does not need
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # forkscope_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(FORKSCOPE_BUILD_GUI)
  # libqt6gui6 only recommends its platform plugins, and without them Qt cannot start at all: not the
  # window (xcb, wayland) and not the headless pictures (offscreen).
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
endif()
include(CPack)
