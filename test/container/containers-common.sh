# Shared by the image tests (sourced): a work folder, storage and a podman
# configuration of this run's own, removed on exit with every image the run
# made, and helpers. Sets WORK, RUN_ID and exports CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION.

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
skip() { echo "SKIPPED: $*"; exit 77; }

for tool in podman runc; do
  command -v "$tool" >/dev/null ||
    skip "$tool not found (scripts/install-deps.sh installs buildah, podman, runc, busybox-static)"
done

RUN_ID="$(date +%s)-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/task-scan-images.XXXXXX")
CLEANUPS=()
cleanup() {
  local status=$?
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUPS[$i]}" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# podman on this kind of VM: runc (crun fails) and explicit ulimits.
cat > "$WORK/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"
cat > "$WORK/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$WORK/storage/run"
graphroot = "$WORK/storage/graph"
CONF
export CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
export BUILDAH_ISOLATION=chroot

# configure_project SRC BIN [cmake -D options...]: the CMake test project
# (test/cmake/project) against the installed FlyteTasks package.
configure_project() {
  local src=$1 bin=$2
  shift 2
  cmake -S "$src" -B "$bin" -G Ninja "-DCMAKE_PREFIX_PATH=$PREFIX" "$@" >"$WORK/configure.log" 2>&1 ||
    { cat "$WORK/configure.log" >&2; fail "configuring $src failed"; }
}

# task_command GEN TASK: the image and command of TASK in GEN/flyte_tasks.py,
# one word per line (read with the stub flytekit).
task_command() {
  PYTHONPATH="$FLYTEKIT_STUB:$1" PYTHONDONTWRITEBYTECODE=1 python3 -B "$HERE/flyte_command.py" "$2"
}

# run_task GEN TASK INPUTS OUTPUTS: runs TASK exactly as flyte_tasks.py
# commands it, inputs mounted at /var/inputs, outputs at /var/outputs.
run_task() {
  local words
  mapfile -t words < <(task_command "$1" "$2")
  [ "${#words[@]}" -gt 1 ] || fail "no command for $2 in $1/flyte_tasks.py"
  echo "podman run ${words[*]}"
  podman run --rm --pull=never --network=none -v "$3:/var/inputs:ro" -v "$4:/var/outputs" \
    "${words[0]}" "${words[@]:1}"
}
