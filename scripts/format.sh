#!/usr/bin/env bash
# Formats every C++ file of the project with its .clang-format (clang-format 14, as on Debian 12).
# `bash scripts/format.sh --check` changes nothing and fails, listing the files, if any is not formatted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (scripts/common.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--check" ]; then
    # Both cores, forty files per clang-format (one process per file spent most of the check starting them).
    # A file that is not formatted makes clang-format say "FILE:LINE:COL: error: code should be
    # clang-formatted"; any other failure (a broken .clang-format) is reported as it is, never taken for a pass.
    status=0
    out="$(printf '%s\0' "${files[@]}" | xargs -0 -n 40 -P 2 clang-format --dry-run --Werror 2>&1 >/dev/null)" || status=$?
    mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error: code should be clang-formatted' <<<"$out" | cut -d: -f1 | sort -u)
    if [ "$status" -ne 0 ] && [ ${#bad[@]} -eq 0 ]; then
        echo "format: clang-format failed:" >&2
        printf '%s\n' "$out" >&2
        exit 1
    fi
    if [ ${#bad[@]} -gt 0 ]; then
        echo "format: ${#bad[@]} files are not formatted (run: bash scripts/format.sh):" >&2
        printf '  %s\n' "${bad[@]}" >&2
        exit 1
    fi
    echo "format: all ${#files[@]} C++ files are formatted"
else
    clang-format -i "${files[@]}"
fi
