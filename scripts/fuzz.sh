#!/usr/bin/env bash
# Fuzzes the scenario loader with libFuzzer (clang, ASan + UBSan): builds the fuzz preset (build/fuzz) and runs
# tests/fuzz/scenario_fuzz for SECONDS (default 45), seeded with the built-in scenario files and
# tests/fuzz/corpus, with tests/fuzz/scenario.dict. Inputs it finds worth keeping stay in build/fuzz/corpus
# for the next run; a crash, hang or leak is written to build/fuzz/findings/ and makes the exit status 1.
#
#   bash scripts/fuzz.sh [SECONDS] [libFuzzer options…]     e.g. bash scripts/fuzz.sh 600 -jobs=2
#
# Exits 77 (ctest: skipped) with a message when clang or its libFuzzer runtime is not installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds=45
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds="$1"; shift; fi

if ! command -v clang++ >/dev/null; then
  echo "fuzz: skipped: clang++ is not installed (Debian: clang, libclang-rt-14-dev; scripts/common.sh installs them)"
  exit 77
fi
runtime="$(clang++ --print-runtime-dir 2>/dev/null || true)"
if ! ls "$runtime"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  echo "fuzz: skipped: clang's libFuzzer runtime is not installed (Debian: libclang-rt-14-dev)"
  exit 77
fi

# Built once, then incrementally (ccache when it is there).
if command -v ccache >/dev/null; then export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"; fi
if [ ! -f build/fuzz/build.ninja ]; then cmake --preset fuzz >/dev/null; fi
# At nice 19 and two jobs: under ctest it runs beside the other tests and takes only what they leave idle.
nice -n 19 cmake --build --preset fuzz -j 2

work=build/fuzz/corpus
findings=build/fuzz/findings
mkdir -p "$work" "$findings"
# The built-in lessons are the main seeds: copied each run, so a changed lesson seeds its new form.
cp resources/scenarios/*.json "$work"/
echo "fuzz: running scenario_fuzz for ${seconds} s (findings go to $findings/)"
status=0
# -timeout: one input taking 60 s is a hang (wall time: the loader's worst case within its limits, a million
# steps looked at, takes ~9 s of CPU in this ASan build, and at nice 19 beside other tests it gets a fraction
# of a core); -rss_limit_mb: more than 2 GiB is a leak or a blow-up.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
  nice -n 19 build/fuzz/tests/fuzz/scenario_fuzz -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -max_len=16384 \
  -dict=tests/fuzz/scenario.dict -artifact_prefix="$findings/" -print_final_stats=1 "$@" \
  "$work" tests/fuzz/corpus || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: FAILED (status $status): the input is in $findings/. Make it a regression test: copy it to"
  echo "      tests/fuzz/regressions/ and add a case to tests/core/scenario_fuzz_test.cpp"
  exit 1
fi
echo "fuzz: no crash, hang or leak in ${seconds} s"
