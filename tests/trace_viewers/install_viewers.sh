#!/usr/bin/env bash
# Installs the trace viewers the trace test reads --trace files with (package.json here: Chrome DevTools'
# trace engine and speedscope, pinned by package-lock.json) into DEST/node_modules with npm.
# A second run with the same lock file installs nothing. Exits 77 (skipped), saying why, when node or npm
# is missing or npm cannot reach its registry: the trace test then skips too.
#
#   install_viewers.sh DEST
set -euo pipefail

# Says why it skips in the form scripts/test.sh collects skip reasons from (GoogleTest's).
skip() {
  printf '[ RUN      ] trace_viewers_install\ninstall_viewers.sh: Skipped\n%s\n[  SKIPPED ] trace_viewers_install\n' "$1"
  exit 77
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:?usage: install_viewers.sh DEST}"
stamp="$dest/node_modules/.forkscope-lock"

if [ -f "$stamp" ] && cmp -s "$stamp" "$here/package-lock.json"; then
  echo "trace viewers already installed in $dest/node_modules"
  exit 0
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    skip "$tool is not installed (scripts/common.sh installs nodejs and npm)"
  fi
done

mkdir -p "$dest"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
log="$dest/npm-install.log"
# npm ci installs exactly the lock file's versions; the timeouts keep a machine without the registry from
# waiting long for it.
if ! timeout 300 npm ci --prefix "$dest" --no-audit --no-fund --fetch-retries=1 --fetch-timeout=30000 \
    >"$log" 2>&1; then
  skip "npm could not install the trace viewers (is the npm registry reachable?); npm said: $(grep -m 1 -E '^npm error (code|.*Error)' "$log" || tail -n 1 "$log") (the whole log: $log)"
fi
cp "$here/package-lock.json" "$stamp"
echo "trace viewers installed in $dest/node_modules"
