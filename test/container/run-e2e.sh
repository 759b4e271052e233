#!/usr/bin/env bash
# End-to-end test of the generated files in real containers, offline:
#
#  1. a local base image from busybox-static (podman import), since no
#     registry can be reached;
#  2. task-scan on sample/ (two images: 'default' and 'tools') with a
#     flyte.yaml whose build.base_images points at that base;
#  3. each image's executable compiled statically from its generated
#     entrypoint.cpp, staged in images/<key>/ (the build context);
#  4. each image built with buildah from the target of docker-bake.json
#     (context, Dockerfile, tag), its labels checked;
#  5. `--list` and tasks run with podman exactly as flyte_tasks.py's
#     ContainerTasks command them, with an inputs folder mounted at
#     /var/inputs and the outputs read back from /var/outputs;
#  6. a Dockerfile made from hostile strings (dockerfile_escaping_fixture)
#     built and read back: labels exact, no extra instruction, no /pwned.
#
# Everything it creates (images, containers, temporary folders) is removed
# on exit. Exit status 77 (ctest's SKIP_RETURN_CODE) when buildah, podman or
# runc is absent; any other failure is a test failure.
#
#   run-e2e.sh --task-scan EXE --cxx CXX --runtime-include DIR
#              --fixture EXE --flytekit-stub DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TASK_SCAN= CXX= RUNTIME_INCLUDE= FIXTURE= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --task-scan) TASK_SCAN=$2 ;;
    --cxx) CXX=$2 ;;
    --runtime-include) RUNTIME_INCLUDE=$2 ;;
    --fixture) FIXTURE=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "run-e2e.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in TASK_SCAN CXX RUNTIME_INCLUDE FIXTURE FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "run-e2e.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

# WORK, storage and a podman configuration of this run's own (all removed on
# exit, images included), fail/step/skip; skips without podman or runc.
source "$HERE/containers-common.sh"
command -v buildah >/dev/null ||
  skip "buildah not found (scripts/install-deps.sh installs buildah, podman, runc, busybox-static)"
command -v python3 >/dev/null || fail "python3 not found"
BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  fail "a static busybox is needed for the base image (install busybox-static)"
fi

PREFIX="localhost/task-scan-e2e-$RUN_ID"
BASE="$PREFIX-base:1.0"

build_image() { # TAG CONTEXT DOCKERFILE
  buildah bud --pull=never --isolation chroot --layers=false --quiet \
    -t "$1" -f "$3" "$2" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "buildah could not build $3"; }
}

run_in() { # IMAGE INPUTS OUTPUTS COMMAND...
  local image=$1 inputs=$2 outputs=$3
  shift 3
  podman run --rm --pull=never --network=none \
    -v "$inputs:/var/inputs:ro" -v "$outputs:/var/outputs" "$image" "$@"
}

step "base image $BASE from $BUSYBOX"
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/tmp"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
for applet in sh test cat ls; do ln -s busybox "$WORK/rootfs/bin/$applet"; done
tar -C "$WORK/rootfs" -cf "$WORK/base.tar" .
podman import "$WORK/base.tar" "$BASE" >/dev/null 2>"$WORK/import.log" ||
  { cat "$WORK/import.log" >&2; fail "podman could not import the base image"; }

step "task-scan on the sample project"
PROJECT="$WORK/project"
mkdir -p "$PROJECT"
cp -r "$HERE/sample/src" "$PROJECT/src"
cat > "$PROJECT/flyte.yaml" <<EOF
images:
  default: $PREFIX:default
  tools: $PREFIX:tools
build:
  base_images:
    default: $BASE
  install_dir: /opt/tasks/bin
EOF
cd "$PROJECT"
SOURCES=(src/text.cpp src/files.cpp)
"$TASK_SCAN" --no-cache --project e2e --output-dir gen --config flyte.yaml "${SOURCES[@]}" -- -std=c++17
KEYS=$("$TASK_SCAN" --no-cache --list-images --config flyte.yaml "${SOURCES[@]}" -- -std=c++17)
[ "$KEYS" = $'default\ntools' ] || fail "image keys: expected default and tools, got: $KEYS"

step "static task executables from the generated entrypoints"
for key in $KEYS; do
  "$CXX" -std=c++17 -O1 -static -I"$RUNTIME_INCLUDE" \
    "gen/images/$key/entrypoint.cpp" "${SOURCES[@]}" -o "gen/images/$key/e2e_$key"
done

step "images built with buildah from docker-bake.json's targets"
# One line per target: name, context, Dockerfile, tag (the documented shape).
python3 -c '
import json, sys
bake = json.load(open(sys.argv[1]))
assert bake["group"]["default"]["targets"] == sorted(bake["target"])
for name in bake["group"]["default"]["targets"]:
    t = bake["target"][name]
    (tag,) = t["tags"]
    print(name, t["context"], t["dockerfile"], tag)
' gen/docker-bake.json > "$WORK/targets"
while read -r name context dockerfile tag; do
  build_image "$tag" "gen/$context" "gen/$context/$dockerfile"
  want=$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(",".join(next(i["tasks"] for i in m["images"] if i["key"] == sys.argv[2])))' gen/manifest.json "$name")
  got=$(buildah inspect --format '{{index .Docker.Config.Labels "org.flyte.tasks"}}' "$tag")
  [ "$got" = "$want" ] || fail "$tag: label org.flyte.tasks is '$got', expected '$want'"
  got=$(buildah inspect --format '{{index .Docker.Config.Labels "org.flyte.executable"}}' "$tag")
  [ "$got" = "/opt/tasks/bin/e2e_$name" ] || fail "$tag: label org.flyte.executable is '$got'"
done < "$WORK/targets"
[ "$(wc -l < "$WORK/targets")" -eq 2 ] || fail "expected 2 bake targets"

step "--list in each image"
mkdir -p "$WORK/empty"
got=$(run_in "$PREFIX:default" "$WORK/empty" "$WORK/empty" /opt/tasks/bin/e2e_default --list)
[ "$got" = $'text.greet\ntext.mean' ] || fail "default image --list: $got"
got=$(run_in "$PREFIX:tools" "$WORK/empty" "$WORK/empty" /opt/tasks/bin/e2e_tools --list)
[ "$got" = $'files.count_lines\nfiles.fail' ] || fail "tools image --list: $got"

# run_task TASK: runs TASK as flyte_tasks.py's ContainerTask commands it, with
# $WORK/<TASK>/inputs mounted at /var/inputs and $WORK/<TASK>/outputs at
# /var/outputs; sets STATUS.
run_task() {
  local task=$1 words
  mapfile -t words < <(PYTHONPATH="$FLYTEKIT_STUB:$PROJECT/gen" PYTHONDONTWRITEBYTECODE=1 \
                       python3 -B "$HERE/flyte_command.py" "$task")
  [ "${#words[@]}" -gt 1 ] || fail "no command for $task in flyte_tasks.py"
  mkdir -p "$WORK/$task/inputs" "$WORK/$task/outputs"
  STATUS=0
  run_in "${words[0]}" "$WORK/$task/inputs" "$WORK/$task/outputs" "${words[@]:1}" \
    >"$WORK/$task/log" 2>&1 || STATUS=$?
}

expect_output() { # TASK NAME VALUE
  local file="$WORK/$1/outputs/$2"
  [ -f "$file" ] || { cat "$WORK/$1/log" >&2; fail "$1: no output $2"; }
  [ "$(cat "$file")" = "$3" ] || fail "$1: output $2 is '$(cat "$file")', expected '$3'"
}

step "tasks run in their images as flyte_tasks.py commands them"
mkdir -p "$WORK/text.greet/inputs"
printf 'Flyte' > "$WORK/text.greet/inputs/name"
run_task text.greet
[ "$STATUS" -eq 0 ] || { cat "$WORK/text.greet/log" >&2; fail "text.greet exited $STATUS"; }
expect_output text.greet o0 "Hello, Flyte!"

mkdir -p "$WORK/text.mean/inputs/xs"
printf '1.5' > "$WORK/text.mean/inputs/xs/0"
printf '2.5' > "$WORK/text.mean/inputs/xs/1"
printf '5' > "$WORK/text.mean/inputs/xs/2"
run_task text.mean
[ "$STATUS" -eq 0 ] || { cat "$WORK/text.mean/log" >&2; fail "text.mean exited $STATUS"; }
expect_output text.mean o0 "3"
expect_output text.mean o1 "3"

mkdir -p "$WORK/files.count_lines/inputs"
printf 'one\ntwo\nthree\n' > "$WORK/files.count_lines/inputs/file"
run_task files.count_lines
[ "$STATUS" -eq 0 ] || { cat "$WORK/files.count_lines/log" >&2; fail "files.count_lines exited $STATUS"; }
expect_output files.count_lines o0 "3"

mkdir -p "$WORK/files.fail/inputs"
printf '7' > "$WORK/files.fail/inputs/code"
run_task files.fail
# A task with outputs reports its failure in _ERROR and exits 0: CoPilot's uploader turns
# _ERROR into the task's user error, a non-zero exit would be a system error on Flyte.
[ "$STATUS" -eq 0 ] || fail "files.fail exited $STATUS, expected 0 (the failure is in _ERROR)"
grep -q "boom 7" "$WORK/files.fail/outputs/_ERROR" || fail "files.fail: _ERROR does not say 'boom 7'"

step "a Dockerfile from hostile strings reads back exactly"
"$FIXTURE" "$WORK/escaping" "$BASE"
# The self-check step runs the staged "executable": one that records the
# words it was given.
staged=$(find "$WORK/escaping" -maxdepth 1 -type f -name 'exe *')
"$CXX" -O1 -static "$HERE/record_args.cpp" -o "$staged"
build_image "$PREFIX:escaping" "$WORK/escaping" "$WORK/escaping/Dockerfile"
buildah inspect "$PREFIX:escaping" > "$WORK/escaping-inspect.json"
python3 "$HERE/check_escaping_image.py" "$WORK/escaping/expected.json" "$WORK/escaping-inspect.json"
installed=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["installed"])' "$WORK/escaping/expected.json")
run_in "$PREFIX:escaping" "$WORK/empty" "$WORK/empty" /bin/busybox test -f "$installed" ||
  fail "the executable is not at $installed"
run_in "$PREFIX:escaping" "$WORK/empty" "$WORK/empty" /bin/busybox test ! -e /pwned ||
  fail "an injected instruction ran: /pwned exists"
run_in "$PREFIX:escaping" "$WORK/empty" "$WORK/empty" /bin/busybox cat /check-args.json > "$WORK/check-args.json" ||
  fail "the self-check step did not run the executable"
python3 -c 'import json, sys
got, want = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["check_args"]
sys.exit(0 if got == want else f"the self-check got {got!r}, expected {want!r}")' "$WORK/check-args.json" "$WORK/escaping/expected.json"

echo "PASS: container end-to-end"
