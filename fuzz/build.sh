#!/bin/sh
# Builds the fuzz targets: fuzz/build.sh [build-dir] (default build/fuzz).
# They need clang with libFuzzer (clang-19, libclang-rt-19-dev); CXX picks
# another clang++.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/fuzz}
cxx=${CXX:-clang++-19}
generator=
if command -v ninja >/dev/null 2>&1; then generator="-G Ninja"; fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  # shellcheck disable=SC2086
  cmake -S "$here" -B "$build" $generator -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
fi
cmake --build "$build" -j "${FUZZ_JOBS:-2}"
