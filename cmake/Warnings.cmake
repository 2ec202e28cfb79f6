# forkscope::warnings — one INTERFACE target carrying the project's warning flags.
add_library(forkscope_warnings INTERFACE)
add_library(forkscope::warnings ALIAS forkscope_warnings)
target_compile_options(forkscope_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wno-sign-conversion -Wimplicit-fallthrough
  $<$<BOOL:${FORKSCOPE_WERROR}>:-Werror>)
