#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest.
# `bash scripts/test.sh --preset asan` does the same under ASan+UBSan (tsan: ThreadSanitizer).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
preset=dev
if [ "${1:-}" = "--preset" ]; then preset="${2:?--preset needs a name: dev, asan, tsan, release}"; fi
forkscope_install
forkscope_build "$preset"
forkscope_qt_env
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
cd "$FORKSCOPE_ROOT"

# ctest reports a skipped test as just "Skipped"; why it skipped (GTEST_SKIP's message, e.g. "other programs
# kept 1.1 cores busy") is only in the test's output, which ctest keeps in LastTest.log. Print those reasons
# after the summary, so a skip is never silent. The old log goes first: no stale reasons from an earlier run.
log="build/$preset/Testing/Temporary/LastTest.log"
rm -f "$log"
status=0
ctest --preset "$preset" || status=$?
if [ -f "$log" ]; then
  reasons="$(awk '
    /^\[ RUN      \] / { test = $0; sub(/^\[ RUN      \] /, "", test) }
    /: Skipped$/ {
      where = $0; sub(/: Skipped$/, "", where); sub(/.*\//, "", where)
      reason = ""; inSkip = 1; next
    }
    inSkip && /^\[  SKIPPED \] / {
      if (reason == "") reason = "(no reason given)"
      print "  " test ": " reason " (" where ")"
      inSkip = 0
      next
    }
    inSkip && NF { reason = reason (reason == "" ? "" : " ") $0 }
  ' "$log" | sort -u)"
  if [ -n "$reasons" ]; then printf '\nWhy tests were skipped:\n%s\n' "$reasons"; fi
fi
exit "$status"
