#!/usr/bin/env bash
# `cmake --install` into a fresh prefix outside the build tree, then what it installed used as a user would:
# exactly the files of the install layout (ARCHITECTURE.md), the desktop entry and metainfo as their
# validators see them, the icons at their sizes, the man page as groff renders it, and real runs, whose
# runner must come from libexec/ (from outside the build tree the build's runner is out of reach).
# Usage: install_test.sh BUILD_DIR SOURCE_DIR GUI(ON|OFF) APP_ID "ICON SIZES"
set -euo pipefail
build="$1" source="$2" gui="$3" app_id="$4" icon_sizes="$5"

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/forkscope-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/usr"
# As a user's shell would have it: nothing of the build's environment (no FORKSCOPE_RUNNER, no display);
# a home and runtime folder of its own, so nothing is left behind.
as_user() { env -i PATH=/usr/bin:/bin HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/home/runtime" LANG=C.UTF-8 "$@"; }
mkdir -p "$tmp/home/runtime" && chmod 700 "$tmp/home/runtime"

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 \
    || { cat "$tmp/install.log" >&2; fail "cmake --install $build --prefix $prefix failed"; }

# 1. The layout: every file expected, nothing else.
{
    echo bin/forkscope
    echo libexec/forkscope-runner
    echo share/man/man1/forkscope.1.gz
    echo share/doc/forkscope/scenario-format.md
    (cd "$source/resources/scenarios" && find . -type f \( -name '*.json' -o -name '*.py' \)) \
        | sed 's|^\./|share/forkscope/scenarios/|'
    if [ "$gui" = ON ]; then
        echo "share/applications/$app_id.desktop"
        echo "share/metainfo/$app_id.metainfo.xml"
        echo "share/icons/hicolor/scalable/apps/$app_id.svg"
        for size in $icon_sizes; do echo "share/icons/hicolor/${size}x${size}/apps/$app_id.png"; done
    fi
} | sort >"$tmp/expected"
(cd "$prefix" && find . -type f -o -type l) | sed 's|^\./||' | sort >"$tmp/installed"
if ! diff -u "$tmp/expected" "$tmp/installed" >"$tmp/layout.diff"; then
    cat "$tmp/layout.diff" >&2
    fail "the installed files are not the install layout (- expected, + installed)"
fi
[ "$(grep -c '^share/forkscope/scenarios/.*\.py$' "$tmp/installed")" -ge 10 ] \
    || fail "fewer than 10 scenario twins (.py) installed"
[ -x "$prefix/bin/forkscope" ] && [ -x "$prefix/libexec/forkscope-runner" ] || fail "executables not executable"
echo "layout: $(wc -l <"$tmp/installed") files, as expected"

# 2. Real runs from the installed forkscope.
as_user "$prefix/bin/forkscope" list >"$tmp/list.txt" 2>&1 || { cat "$tmp/list.txt" >&2; fail "forkscope list failed"; }
grep -q '^sleepers ' "$tmp/list.txt" || fail "forkscope list does not list sleepers: $(cat "$tmp/list.txt")"
outputs=()
if [ "$gui" = ON ]; then outputs=(--png "$tmp/out.png"); fi
(cd "$tmp" && as_user "$prefix/bin/forkscope" run sleepers --workers 3 --time-scale 0.01 --summary "$tmp/out.json" \
    "${outputs[@]}") >"$tmp/run.txt" 2>&1 || { cat "$tmp/run.txt" >&2; fail "forkscope run sleepers failed"; }
grep -q '"wall_seconds"' "$tmp/out.json" || fail "no summary written by the installed forkscope"
[ "$(grep -o '"pid": *[0-9]*' "$tmp/out.json" | sort -u | wc -l)" -ge 1 ] || fail "the summary names no worker pid"
if [ "$gui" = ON ]; then
    file "$tmp/out.png" | grep -q 'PNG image data, 1920 x 1080' \
        || fail "the headless --png is not a 1920x1080 PNG: $(file "$tmp/out.png")"
fi
echo "run: forkscope list and a headless run sleepers work from $prefix/bin"

# The runner it used is libexec's: without it the run fails, naming where the runner should be (and does
# not fall back on the build tree's).
mv "$prefix/libexec/forkscope-runner" "$tmp/runner.moved"
rc=0
(cd "$tmp" && as_user "$prefix/bin/forkscope" run sleepers --time-scale 0.01) >"$tmp/norunner.txt" 2>&1 || rc=$?
mv "$tmp/runner.moved" "$prefix/libexec/forkscope-runner"
[ "$rc" -eq 1 ] || { cat "$tmp/norunner.txt" >&2; fail "without libexec/forkscope-runner the run exited $rc, not 1"; }
grep -qF "'$prefix/libexec/forkscope-runner'" "$tmp/norunner.txt" \
    || { cat "$tmp/norunner.txt" >&2; fail "the error does not name $prefix/libexec/forkscope-runner"; }
echo "runner: found in libexec/, and its absence is reported with that path"

# 3. The man page: groff renders it without a warning, and it names every option --help shows (except the
# placeholder --name of 'open').
man_page="$prefix/share/man/man1/forkscope.1.gz"
warnings="$(gzip -dc "$man_page" | groff -man -ww -z -Tutf8 2>&1)"
[ -z "$warnings" ] || fail "groff warns about forkscope.1: $warnings"
# One line per paragraph, no hyphenation, no bold or underline: options are found as they read.
gzip -dc "$man_page" | groff -man -Tascii -rLL=2000n -rHY=0 -P-cbou 2>/dev/null >"$tmp/man.txt"
as_user "$prefix/bin/forkscope" --help >"$tmp/help.txt"
missing=()
for option in $(grep -o -- '--[a-z][a-z0-9-]*' "$tmp/help.txt" | sort -u); do
    [ "$option" = --name ] && continue
    grep -q -- "$option\b" "$tmp/man.txt" || missing+=("$option")
done
[ ${#missing[@]} -eq 0 ] || fail "forkscope.1 does not document ${missing[*]} (forkscope --help shows them)"
for status in 0 1 2 129 130 143; do
    grep -A1 -q "^EXIT STATUS" "$tmp/man.txt" || fail "forkscope.1 has no EXIT STATUS section"
    sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/man.txt" | grep -q "^ *$status\b" \
        || fail "forkscope.1's EXIT STATUS does not explain $status"
done
echo "man page: renders without warnings, documents all $(grep -o -- '--[a-z][a-z0-9-]*' "$tmp/help.txt" | sort -u | wc -l) options of --help and the exit statuses"

[ "$gui" = ON ] || exit 0

# 4. The desktop entry, the metainfo, the icons.
out="$(desktop-file-validate "$prefix/share/applications/$app_id.desktop" 2>&1)" \
    || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate has remarks: $out"
grep -qx "Icon=$app_id" "$prefix/share/applications/$app_id.desktop" || fail "the desktop entry's icon is not $app_id"
grep -qx "Exec=forkscope" "$prefix/share/applications/$app_id.desktop" || fail "the desktop entry does not start forkscope"
out="$(appstreamcli validate --no-net "$prefix/share/metainfo/$app_id.metainfo.xml" 2>&1)" \
    || fail "appstreamcli validate: $out"
version="$(as_user "$prefix/bin/forkscope" --version)"
release="$(grep -o '<release version="[^"]*"' "$prefix/share/metainfo/$app_id.metainfo.xml" | head -1 | cut -d'"' -f2)"
[ "$version" = "forkscope $release" ] \
    || fail "the metainfo's newest release is $release, but the program says '$version'"
for size in $icon_sizes; do
    png="$prefix/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
    file "$png" | grep -q "PNG image data, $size x $size, 8-bit/color RGBA" \
        || fail "$png is not a ${size}x${size} RGBA PNG: $(file "$png")"
done
case " $icon_sizes " in *" 16 "*" 512 "*) ;; *) fail "the icon sizes ($icon_sizes) do not run from 16 to 512" ;; esac
echo "desktop: the entry and metainfo validate, icons at $icon_sizes"
