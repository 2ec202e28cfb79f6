# forkscope::sanitizers — INTERFACE target adding -fsanitize=... when FORKSCOPE_SANITIZE is set.
add_library(forkscope_sanitizers INTERFACE)
add_library(forkscope::sanitizers ALIAS forkscope_sanitizers)
if(FORKSCOPE_SANITIZE)
  list(JOIN FORKSCOPE_SANITIZE "," _fs_san)
  target_compile_options(forkscope_sanitizers INTERFACE -fsanitize=${_fs_san} -fno-omit-frame-pointer -g)
  target_link_options(forkscope_sanitizers INTERFACE -fsanitize=${_fs_san})
  # Tests that repeat whole runs many times do fewer under a sanitizer (each run is ~10x slower there).
  target_compile_definitions(forkscope_sanitizers INTERFACE FORKSCOPE_SANITIZED=1)
  if("undefined" IN_LIST FORKSCOPE_SANITIZE)
    target_compile_options(forkscope_sanitizers INTERFACE -fno-sanitize-recover=undefined)
  endif()
endif()
