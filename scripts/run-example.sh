#!/usr/bin/env bash
# Sets everything up and runs task-scan's main job on the bundled example:
# builds and installs task-scan, builds examples/ with add_flyte_tasks()
# (scan, generate, one executable per image), lists the tasks with their
# images and runs one task the way Flyte runs a raw container.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh
cmake --preset default -DTASK_SCAN_BUILD_TESTS=OFF >/dev/null
cmake --build --preset default --target task-scan
cmake --install build --prefix build/install >/dev/null

echo "== tasks and their images (task-scan --list)"
cmake -S examples -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$root/build/install" >/dev/null
cmake --build build/example
(cd examples && "$root/build/install/bin/task-scan" --list --config flyte.yaml -p "$root/build/example")

echo "== per-image executables"
for exe in build/example/ml_*; do
  [ -x "$exe" ] && echo "$(basename "$exe"): $("$exe" --list | tr '\n' ' ')"
done
echo "== run a task as Flyte does: inputs folder in, outputs folder out"
work=$(mktemp -d)
printf '3' >"$work/epochs"; mkdir -p "$work/in"; mv "$work/epochs" "$work/in/"
printf '0.5' >"$work/in/learning_rate"
build/example/ml_gpu run ml.train --inputs "$work/in" --outputs "$work/out"
for f in "$work"/out/*; do echo "$(basename "$f") = $(cat "$f")"; done
rm -rf "$work"
