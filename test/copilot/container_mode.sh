#!/usr/bin/env bash
# flyte_tasks.py's container mode with a real engine: examples/workflows.py run by
# `pyflyte run` with FLYTE_TASKS_LOCAL_MODE=container through podman's Docker API
# (`podman system service` on a socket of this run, DOCKER_HOST), each C++ task in its
# image, built from its generated Dockerfile on a busybox base (`--from`; the
# executables linked static; the Spark image with an ENTRYPOINT, a CMD and a non-root
# user, as apache/spark has). The run prints the same outputs as the host mode, and a
# failing task fails it with the task's message.
#
# Exit status 77 (SKIP) without FLYTEKIT_PY (a python that imports flytekit), podman,
# runc or a static busybox.
#
#   container_mode.sh --task-scan EXE --source-dir DIR --cxx CXX
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TASK_SCAN= SRC= CXX=
while [ $# -gt 0 ]; do
  case $1 in
    --task-scan) TASK_SCAN=$2 ;;
    --source-dir) SRC=$2 ;;
    --cxx) CXX=$2 ;;
    *) echo "container_mode.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$TASK_SCAN" ] && [ -n "$SRC" ] && [ -n "$CXX" ] ||
  { echo "usage: container_mode.sh --task-scan EXE --source-dir DIR --cxx CXX" >&2; exit 2; }

source "$SRC/test/container/containers-common.sh"
PYTHON=${FLYTEKIT_PY:-}
[ -n "$PYTHON" ] && "$PYTHON" -c 'import flytekit' 2>/dev/null ||
  skip "needs the real flytekit: set FLYTEKIT_PY to a python that imports it"
BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  skip "a static busybox is needed for the base image (install busybox-static)"
fi

step "the example's files and static executables"
GEN=$WORK/build/ml_flyte
# Every executable is built here, offline: without the example's builder image
# (build.builder_images, a CUDA image from a registry), as the images below are.
grep -v -e '^  builder_images:' -e '^    gpu: nvidia/cuda:.*-devel-' "$SRC/examples/flyte.yaml" > "$WORK/flyte.yaml"
grep -q builder_images "$WORK/flyte.yaml" && fail "the example's builder_images were not left out"
"$TASK_SCAN" --no-cache --project ml --output-dir "$GEN" --config "$WORK/flyte.yaml" \
  "$SRC"/examples/src/*.cpp -- -std=c++17 -I "$SRC/examples/include" >/dev/null
for key in default gpu spark; do
  "$CXX" -std=c++17 -O1 -static -I "$SRC/lib/runtime/include" -I "$SRC/examples/include" \
    "$GEN/images/$key/entrypoint.cpp" "$SRC"/examples/src/*.cpp "$SRC/examples/common/features.cpp" \
    -o "$GEN/images/$key/ml_$key"
done

step "the images, from the generated Dockerfiles on a busybox base"
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/tmp"
chmod 1777 "$WORK/rootfs/tmp"  # ml.etl.vocabulary writes its file there, as on debian:bookworm-slim
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
ln -s busybox "$WORK/rootfs/bin/sh"
tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
BASE=localhost/task-scan-copilot-base:$RUN_ID
podman import "$WORK/rootfs.tar" "$BASE" >/dev/null
for key in default gpu spark; do
  tag=$(python3 -c 'import json, sys
print(next(i["build_tag"] for i in json.load(open(sys.argv[1]))["images"] if i["key"] == sys.argv[2]))' \
    "$GEN/manifest.json" "$key")
  podman build -q --pull=never --from "$BASE" -t "$tag" "$GEN/images/$key" >/dev/null ||
    fail "building $tag"
  echo "  $tag"
done
# Like apache/spark, the Spark base has an ENTRYPOINT, a CMD and a non-root user: Flyte replaces
# the ENTRYPOINT with the task's command (Kubernetes `command`), and so must a local run.
mkdir -p "$WORK/spark-like"
cat > "$WORK/spark-like/Containerfile" <<'EOF2'
FROM ghcr.io/acme/flyte-cpp-spark:3.5.1
ENTRYPOINT ["/bin/sh", "-c", "echo not the task; exit 3"]
CMD ["driver"]
USER 185
EOF2
podman build -q --pull=never -t ghcr.io/acme/flyte-cpp-spark:3.5.1 "$WORK/spark-like" >/dev/null ||
  fail "building the Spark-like image"

step "podman's Docker API on a socket of this run"
SOCKET=$WORK/podman.sock
podman system service --time=0 "unix://$SOCKET" >"$WORK/service.log" 2>&1 &
SERVICE=$!
CLEANUPS+=("kill $SERVICE")
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.2; done
[ -S "$SOCKET" ] || fail "podman system service did not start: $(cat "$WORK/service.log")"

run_workflow() {
  (cd "$WORK" && env FLYTE_TASKS_LOCAL_MODE=container DOCKER_HOST="unix://$SOCKET" PYTHONPATH="$GEN" \
     PYTHONDONTWRITEBYTECODE=1 COLUMNS=1000 \
     "$PYTHON" -m flytekit.clis.sdk_in_container.pyflyte run "$SRC/examples/workflows.py" pipeline "$@")
}

step "FLYTE_TASKS_LOCAL_MODE=container pyflyte run workflows.py pipeline --epochs 3"
since=$(date +%s)
output=$(run_workflow --epochs 3 2>&1) || fail "the run failed: $output"
echo "$output" | tail -1
grep -qF "DefaultNamedTupleOutput(o0=0.9366967837015798, o1='a', o2=4, o3=2.5)" <<<"$output" ||
  fail "unexpected outputs: $output"

step "a failing task fails the run with its message"
if output=$(run_workflow --epochs 0 2>&1); then fail "the run succeeded: $output"; fi
grep -qF "task ml.train: exception: epochs must be positive" <<<"$output" || fail "no task message: $output"
echo "$output" | tail -1

step "each C++ task ran in its own image, and no container was left"
started=$(podman events --stream=false --since "$since" --filter event=start --format '{{.Image}}' | sort | uniq -c |
  awk '{print $2 "=" $1}' | tr '\n' ' ')
echo "  containers started, by image: $started"
# Two runs: ml.train in both; top_word, vocabulary and count_words once (the second run
# stops at ml.train), mean once; each run's Python task ran in this process.
[ "$started" = "ghcr.io/acme/flyte-cpp-gpu:1.4.2=2 ghcr.io/acme/flyte-cpp-spark:3.5.1=3 ghcr.io/acme/flyte-cpp:1.4.2=1 " ] ||
  fail "unexpected containers: $started"
left=$(podman ps -a -q | wc -l)
[ "$left" = 0 ] || fail "$left containers were left behind"

step "an image neither here nor pullable (registries are out of reach): one line"
podman rmi ghcr.io/acme/flyte-cpp-gpu:1.4.2 >/dev/null
if output=$(run_workflow --epochs 3 2>&1); then fail "the run succeeded: $output"; fi
grep -qF "ml.train: image ghcr.io/acme/flyte-cpp-gpu:1.4.2 is not here and cannot be pulled" <<<"$output" &&
  ! grep -q Traceback <<<"$output" || fail "not one line: $output"
grep -F "ml.train: image" <<<"$output" | sed 's/^[^m]*//; s/ *[^ ]$//'
echo "PASS"
