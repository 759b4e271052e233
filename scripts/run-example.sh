#!/usr/bin/env bash
# Sets everything up and runs task-scan's main job on the bundled example:
# builds and installs task-scan, builds examples/ with add_flyte_tasks()
# (scan, generate, one executable per image), lists the tasks with their
# images and runs tasks the way Flyte runs a raw container; then, when a
# flytekit imports (FLYTEKIT_PY, else python3), runs examples/workflows.py
# locally with pyflyte: a Python task and C++ tasks on three images, no
# container engine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target task-scan
cmake --install build --prefix build/install >/dev/null

echo "== build examples/: find_package(FlyteTasks) + add_flyte_tasks(ml ...)"
cmake -S examples -B build/example -G Ninja -DCMAKE_PREFIX_PATH="$root/build/install" >/dev/null
cmake --build build/example

echo "== tasks and their images (task-scan --list over the example's compile_commands.json)"
(cd examples && "$root/build/install/bin/task-scan" --list --config flyte.yaml -p "$root/build/example")

echo "== generated files (build/example/ml_flyte)"
(cd build/example/ml_flyte && find . -type f ! -name '.*' | sort | sed 's|^\./|  |')

echo "== per-image executables: each holds only its own image's tasks"
keys=$(python3 -c 'import json, sys
for image in json.load(open(sys.argv[1]))["images"]: print(image["key"])' build/example/ml_flyte/manifest.json)
for key in $keys; do
  echo "ml_$key: $(build/example/ml_"$key" --list | tr '\n' ' ')"
done

echo "== run tasks as Flyte does: an inputs folder in, an outputs folder out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/train/in" "$work/summarize/in/xs"
printf '3' >"$work/train/in/epochs"
printf '0.5' >"$work/train/in/learning_rate"
echo "\$ ml_gpu run ml.train --inputs DIR --outputs DIR     (epochs=3, learning_rate=0.5)"
build/example/ml_gpu run ml.train --inputs "$work/train/in" --outputs "$work/train/out"
for f in "$work"/train/out/*; do echo "  $(basename "$f") = $(cat "$f")"; done
i=0
for x in 4 8 15 16 23 42; do printf '%s' "$x" >"$work/summarize/in/xs/$i"; i=$((i + 1)); done
echo "\$ ml_default run ml.stats.summarize --inputs DIR --outputs DIR     (xs=[4, 8, 15, 16, 23, 42])"
build/example/ml_default run ml.stats.summarize --inputs "$work/summarize/in" --outputs "$work/summarize/out"
for f in "$work"/summarize/out/*; do echo "  $(basename "$f") = $(cat "$f")"; done

echo "== a Python workflow over the C++ tasks, run locally: no container engine, no image (examples/workflows.py)"
python=${FLYTEKIT_PY:-python3}
if "$python" -c 'import flytekit' 2>/dev/null; then
  echo "\$ PYTHONPATH=build/example/ml_flyte pyflyte run examples/workflows.py pipeline --epochs 3"
  PYTHONPATH="$root/build/example/ml_flyte" PYTHONDONTWRITEBYTECODE=1 \
    "$python" -m flytekit.clis.sdk_in_container.pyflyte run examples/workflows.py pipeline --epochs 3
else
  echo "skipped: $python cannot import flytekit; set FLYTEKIT_PY to a python that can"
  echo "(python3 -m venv V && V/bin/pip install flytekit; then FLYTEKIT_PY=V/bin/python $0)"
fi
