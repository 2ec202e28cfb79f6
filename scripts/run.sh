#!/usr/bin/env bash
# Installs what is missing, builds, and starts Forkscope on its default scenario.
# Extra arguments go to forkscope (e.g. `bash scripts/run.sh run square-cube --time-scale 0.1`).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
forkscope_install
forkscope_build dev
forkscope_qt_env
exec "$FORKSCOPE_ROOT/build/dev/bin/forkscope" "$@"
