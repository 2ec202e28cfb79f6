#!/usr/bin/env bash
# Formats every C++ file of the project with its .clang-format (clang-format 14, as on Debian 12).
# `bash scripts/format.sh --check` changes nothing and fails, listing the files, if any is not formatted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (scripts/common.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--check" ]; then
    bad=()
    for f in "${files[@]}"; do
        clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    if [ ${#bad[@]} -gt 0 ]; then
        echo "format: ${#bad[@]} files are not formatted (run: bash scripts/format.sh):" >&2
        printf '  %s\n' "${bad[@]}" >&2
        exit 1
    fi
    echo "format: all ${#files[@]} C++ files are formatted"
else
    clang-format -i "${files[@]}"
fi
