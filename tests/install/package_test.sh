#!/usr/bin/env bash
# The .deb as a Debian 12 user gets it: built by CPack from this build, installed with apt-get (its
# Depends alone: no recommends), run from /usr/bin (`forkscope list`, a headless run with --png), then
# purged, with every package the install added. Root only (it changes the system; CI runs as root), and
# it leaves the system's package list as it found it. Usage: package_test.sh BUILD_DIR APP_ID
set -euo pipefail
build="$1" app_id="$2"

fail() { echo "FAIL: $*" >&2; exit 1; }
# Said as GoogleTest says it, so scripts/test.sh lists the reason with the other skips.
skip() {
    printf '[ RUN      ] Install.PackageInstallsRunsAndPurges\npackage_test.sh: Skipped\n%s\n' "$1"
    printf '[  SKIPPED ] Install.PackageInstallsRunsAndPurges\n'
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root: it installs the .deb system-wide with apt-get and purges it (CI runs as root)"
for tool in apt-get dpkg-deb dpkg-shlibdeps cpack file; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/common.sh installs it)"
done
if dpkg-query -W -f='${Status}' forkscope 2>/dev/null | grep -q ' installed$'; then
    skip "a forkscope package is installed already; the test would replace it and then purge it"
fi
# One package test at a time on a machine (two builds testing at once would purge each other's).
exec 9>/run/lock/forkscope-package-test.lock
flock -w 600 9 || fail "another package test held /run/lock/forkscope-package-test.lock for 10 minutes"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/forkscope-package.XXXXXX")"
chmod 755 "$tmp" # apt's sandbox user (_apt) reads the .deb from here
start=$SECONDS

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1 \
    || { cat "$tmp/cpack.log" >&2; rm -rf "$tmp"; fail "cpack -G DEB failed"; }
debs=("$tmp"/forkscope_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { rm -rf "$tmp"; fail "cpack made no forkscope_*.deb in $tmp"; }
deb="${debs[0]}"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - start)) s"

# What it says it needs: the Qt libraries forkscope links (dpkg-shlibdeps) and the platform plugins.
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for needed in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 qt6-qpa-plugins; do
    tr ',|' '\n\n' <<<"$depends" | sed 's/^ *//; s/ .*//' | grep -qxF "$needed" \
        || { rm -rf "$tmp"; fail "Depends lacks $needed"; }
done

# The packages dpkg has (installed, or configuration left), with their states.
packages() { dpkg-query -W -f='${Package} ${Status}\n' | grep -v ' not-installed$' | sort; }
packages >"$tmp/before"
cleanup() {
    local added
    added="$(packages | cut -d' ' -f1 | comm -13 <(cut -d' ' -f1 "$tmp/before") - | tr '\n' ' ')"
    if [ -n "${added// /}" ]; then
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 $added >"$tmp/purge.log" 2>&1 \
            || { cat "$tmp/purge.log" >&2; echo "FAIL: apt-get purge $added failed" >&2; }
    fi
    if ! packages | cmp -s "$tmp/before" -; then
        echo "FAIL: the package list differs from before the test:" >&2
        packages | diff "$tmp/before" - >&2 || true
        rm -rf "$tmp"
        exit 1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "$deb" >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt-get install $deb failed"; }
echo "installed with apt-get at $((SECONDS - start)) s"

# Used as a user would: found on PATH (the package's: not a /usr/local copy), with nothing of the build's
# environment; a home and runtime folder of its own, so nothing is left behind.
home="$tmp/home"
mkdir -p "$home/runtime" && chmod 700 "$home/runtime"
as_user() { env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/runtime" LANG=C.UTF-8 "$@"; }
[ "$(as_user sh -c 'command -v forkscope')" = /usr/bin/forkscope ] || fail "forkscope is not /usr/bin/forkscope on PATH"
[ -x /usr/libexec/forkscope-runner ] || fail "no /usr/libexec/forkscope-runner"
as_user forkscope list >"$tmp/list.txt" 2>&1 || { cat "$tmp/list.txt" >&2; fail "forkscope list failed"; }
grep -q '^sleepers ' "$tmp/list.txt" || fail "forkscope list does not list sleepers"
(cd "$home" && as_user forkscope run sleepers --time-scale 0.01 --png out.png) >"$tmp/run.txt" 2>&1 \
    || { cat "$tmp/run.txt" >&2; fail "forkscope run sleepers --time-scale 0.01 --png out.png failed"; }
file "$home/out.png" | grep -q 'PNG image data, 1920 x 1080' || fail "out.png is not a 1920x1080 PNG: $(file "$home/out.png")"
[ "$(MANPATH=/usr/share/man man -w forkscope 2>/dev/null)" = /usr/share/man/man1/forkscope.1.gz ] \
    || fail "man -w forkscope does not find /usr/share/man/man1/forkscope.1.gz"
out="$(desktop-file-validate "/usr/share/applications/$app_id.desktop" 2>&1)" || fail "desktop-file-validate: $out"
[ -f "/usr/share/icons/hicolor/scalable/apps/$app_id.svg" ] || fail "no scalable icon installed"
[ -n "$(ls /usr/share/forkscope/scenarios/*.py)" ] || fail "no scenario twins in /usr/share/forkscope/scenarios"
echo "ran from /usr/bin: list, a headless run with --png, man page, desktop entry ($((SECONDS - start)) s)"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 forkscope >"$tmp/purge.log" 2>&1 \
    || { cat "$tmp/purge.log" >&2; fail "apt-get purge forkscope failed"; }
for gone in /usr/bin/forkscope /usr/libexec/forkscope-runner /usr/share/forkscope \
    "/usr/share/applications/$app_id.desktop" /usr/share/man/man1/forkscope.1.gz; do
    [ ! -e "$gone" ] || fail "$gone is still there after apt-get purge forkscope"
done
echo "purged: nothing of forkscope left; done in $((SECONDS - start)) s"
