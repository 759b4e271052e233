#!/usr/bin/env bash
# Sets everything up and runs every test of task-scan (unit, lit, runtime,
# CMake end-to-end, container and pre-commit tests) through one ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default "$@"
