#!/usr/bin/env bash
# A base image whose ENTRYPOINT would break the task, built for real: Flyte
# runs an image with its ENTRYPOINT replaced by the task's command
# (Kubernetes `command`; flyteplugins' BuildRawContainer sets Command from the
# task template, and flytekit's ContainerTask puts the whole command there),
# so every place task-scan runs an image itself must do the same.
#
#  1. the base (busybox, imported with podman) has ENTRYPOINT ["/fail.sh"], a
#     script that says so on stderr and exits 1 whatever its arguments;
#  2. `demo_images` builds every image and its check, `<exe> --list` in the
#     image, passes: it ran with the entrypoint replaced;
#  3. a task runs in its image as Kubernetes runs it (`--entrypoint` = the
#     first word of flyte_tasks.py's command) and writes the right output,
#     while the same run through the base's entrypoint fails: the base does
#     break what it wraps, so step 2 proved something.
#
# Exit status 77 (SKIP) when podman or a static busybox is missing.
#
#   base-entrypoint.sh --prefix DIR --project DIR --flytekit-stub DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX= PROJECT= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=$2 ;;
    --project) PROJECT=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "base-entrypoint.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in PREFIX PROJECT FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "base-entrypoint.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

source "$HERE/containers-common.sh"
BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  skip "a static busybox is needed for the base image (install busybox-static)"
fi

BASE="localhost/task-scan-entrypoint-base:$RUN_ID"
step "1. a base whose ENTRYPOINT exits 1: $BASE"
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/tmp"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
ln -s busybox "$WORK/rootfs/bin/sh"
printf '#!/bin/sh\necho "the base entrypoint ran with: $*" >&2\nexit 1\n' > "$WORK/rootfs/fail.sh"
chmod +x "$WORK/rootfs/fail.sh"
tar -C "$WORK/rootfs" -cf "$WORK/base.tar" .
podman import --change 'ENTRYPOINT ["/fail.sh"]' "$WORK/base.tar" "$BASE" >/dev/null 2>"$WORK/import.log" ||
  { cat "$WORK/import.log" >&2; fail "podman could not import the base"; }
CLEANUPS+=("podman rmi -f $BASE")
if podman run --rm --pull=never --network=none "$BASE" /bin/busybox true 2>/dev/null; then
  fail "the base's ENTRYPOINT does not break what it wraps; the test would prove nothing"
fi

SRC="$WORK/src" BIN="$WORK/build" GEN="$WORK/build/demo_flyte"
cp -r "$PROJECT" "$SRC"
cat > "$SRC/flyte.yaml" <<YAML
images:
  default: localhost/entrypoint-test/default:$RUN_ID
  gpu: localhost/entrypoint-test/gpu:$RUN_ID
  spark: localhost/entrypoint-test/spark:$RUN_ID
  extra: localhost/entrypoint-test/extra:$RUN_ID
build:
  base_images:
    default: $BASE
  install_dir: /usr/local/bin
YAML
for key in default gpu spark extra; do
  CLEANUPS+=("podman rmi -f localhost/entrypoint-test/$key:$RUN_ID")
done

step "2. demo_images builds and checks every image with the entrypoint replaced"
configure_project "$SRC" "$BIN" -DFLYTE_TEST_STATIC=ON
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1 ||
  { cat "$WORK/images.log" >&2; fail "demo_images failed on a base whose ENTRYPOINT exits 1"; }
for key in default gpu spark; do
  grep -q "image '$key' runs: /usr/local/bin/demo_$key --list gives its" "$WORK/images.log" ||
    { cat "$WORK/images.log" >&2; fail "demo_images did not check image '$key'"; }
done
grep -q "the base entrypoint ran" "$WORK/images.log" &&
  { cat "$WORK/images.log" >&2; fail "demo_images ran the base's entrypoint"; }

step "3. a task runs as Kubernetes runs it; through the base's entrypoint it would not"
mapfile -t words < <(task_command "$GEN" demo.add)
[ "${#words[@]}" -gt 2 ] || fail "no command for demo.add in $GEN/flyte_tasks.py"
mkdir -p "$WORK/add/inputs" "$WORK/add/outputs"
printf '40' > "$WORK/add/inputs/a"
printf '2' > "$WORK/add/inputs/b"
mounts=(-v "$WORK/add/inputs:/var/inputs:ro" -v "$WORK/add/outputs:/var/outputs")
echo "podman run --entrypoint ${words[1]} ${words[0]} ${words[*]:2}"
podman run --rm --pull=never --network=none "${mounts[@]}" --entrypoint "${words[1]}" \
  "${words[0]}" "${words[@]:2}" || fail "demo.add failed with the entrypoint replaced"
[ "$(cat "$WORK/add/outputs/o0")" = 42 ] || fail "demo.add wrote '$(cat "$WORK/add/outputs/o0")', expected 42"
rm -f "$WORK/add/outputs/o0"
if podman run --rm --pull=never --network=none "${mounts[@]}" "${words[0]}" "${words[@]:1}" 2>"$WORK/wrapped.log"; then
  fail "demo.add ran through the base's entrypoint: the base does not break what it wraps"
fi
grep -q "the base entrypoint ran with: /usr/local/bin/demo_default run demo.add" "$WORK/wrapped.log" ||
  { cat "$WORK/wrapped.log" >&2; fail "the base's entrypoint did not get the task's command"; }

echo "PASS: images whose base has an ENTRYPOINT run as Flyte runs them"
