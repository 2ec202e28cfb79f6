# Shared by scripts/run.sh and scripts/test.sh: install what is missing, then configure and build.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail

FORKSCOPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages the project builds, tests and screenshots with (libzstd-dev and zlib1g-dev: saved runs
# are zstd-compressed with a CRC-32 from zlib; the last line: the desktop install's checks and its .deb:
# desktop-file-validate, appstreamcli, dpkg-shlibdeps and `file` for CPack, groff for the man page's
# warnings, xprop for the window's icon).
FORKSCOPE_PACKAGES=(
  g++ cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev clang-format
  libzstd-dev zlib1g-dev
  tesseract-ocr
  xvfb xauth fonts-dejavu-core x11-apps imagemagick librsvg2-bin poppler-utils xdotool
  python3 python3-psutil python3-jsonschema
  clang libclang-rt-14-dev
  nodejs
  desktop-file-utils appstream dpkg-dev file groff-base x11-utils
)

forkscope_install() {
  local missing=()
  for p in "${FORKSCOPE_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  # The trace test's viewers install with npm: Debian's nodejs leaves it to the npm package, NodeSource's
  # nodejs brings its own (and conflicts with Debian's npm), so ask for the package only when npm is missing.
  if ! command -v npm >/dev/null; then
    missing+=(npm)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "forkscope: installing ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "forkscope: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# forkscope_build PRESET: configure once, then build incrementally.
# The benchmarks (bench/) are neither the app nor a test, take about 7 % of a dev build's compile time and are
# run by hand (bench/README.md): a build directory these scripts configure leaves them out unless
# FORKSCOPE_BUILD_BENCH=ON is set. A directory configured by hand keeps what it was given.
forkscope_build() {
  local preset="$1"
  cd "$FORKSCOPE_ROOT"
  if [ ! -f "build/$preset/build.ninja" ]; then
    cmake --preset "$preset" -DFORKSCOPE_BUILD_BENCH="${FORKSCOPE_BUILD_BENCH:-OFF}" >/dev/null
  fi
  cmake --build --preset "$preset"
}

# Qt wants a private runtime dir; offscreen is the platform when there is no display.
forkscope_qt_env() {
  if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -w "${XDG_RUNTIME_DIR:-/nonexistent}" ]; then
    export XDG_RUNTIME_DIR="${TMPDIR:-/tmp}/forkscope-runtime-$(id -u)"
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  fi
}
