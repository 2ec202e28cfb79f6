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
ctest --preset "$preset"
