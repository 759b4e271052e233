#!/usr/bin/env bash
# Push and pin, against a real registry: Debian's docker-registry
# (distribution 2.8) started on a free 127.0.0.1 port and stopped on exit.
# The CMake test project (installed FlyteTasks package, STATIC, a busybox
# base) is built and:
#
#  1. demo_push pushes every image and records what the registry stored in
#     demo_flyte/images.lock.json;
#  2. the next build pins flyte_tasks.py and the manifest to those digests;
#     with the local images gone, the pinned image is pulled by its digest and
#     a task runs from it through flyte_tasks.py's command;
#  3. demo_push again: nothing is pushed, the lock is unchanged;
#  4. a task's code changes: flyte_tasks.py falls back to the tag (saying
#     so), demo_push pushes a new digest, the next build pins it, and the
#     task pulled by that digest runs the new code;
#  5. the base is re-imported under the same tag: demo_push notices it (the
#     lock records the base's image ID) and pushes an image on the new base;
#  6. a lock without base image IDs (older task-scan) is pushed again once.
#
# Exit status 77 (SKIP) when podman, docker-registry or busybox-static is
# missing; any other failure is a failure.
#
#   registry.sh --prefix DIR --project DIR --flytekit-stub DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX= PROJECT= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=$2 ;;
    --project) PROJECT=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "registry.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in PREFIX PROJECT FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "registry.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

source "$HERE/containers-common.sh"
command -v docker-registry >/dev/null || skip "docker-registry not found (scripts/install-deps.sh installs it)"
BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  skip "a static busybox is needed for the base image (install busybox-static)"
fi

step "a registry on 127.0.0.1"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/registry"
cat > "$WORK/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: 127.0.0.1:$PORT
YAML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
CLEANUPS+=("kill $REGISTRY_PID; wait $REGISTRY_PID")
python3 - "$PORT" <<'PY' || { cat "$WORK/registry.log" >&2; fail "the registry did not start"; }
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v2/", timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
REGISTRY="127.0.0.1:$PORT"
echo "registry at $REGISTRY (pid $REGISTRY_PID)"

BASE="localhost/task-scan-registry-base:1"
mkdir -p "$WORK/rootfs/bin" "$WORK/rootfs/tmp"
cp "$BUSYBOX" "$WORK/rootfs/bin/busybox"
tar -C "$WORK/rootfs" -cf "$WORK/base.tar" .
podman import "$WORK/base.tar" "$BASE" >/dev/null 2>&1 || fail "podman could not import the base"

SRC="$WORK/src" BIN="$WORK/build" GEN="$WORK/build/demo_flyte"
cp -r "$PROJECT" "$SRC"
cat > "$SRC/flyte.yaml" <<YAML
images:
  default: $REGISTRY/demo/default:1.0
  gpu: $REGISTRY/demo/gpu:1.0
  spark: $REGISTRY/demo/spark:1.0
  extra: $REGISTRY/demo/extra:1.0
build:
  base_images:
    default: $BASE
YAML
configure_project "$SRC" "$BIN" -DFLYTE_TEST_STATIC=ON "-DFLYTE_CONTAINER_PUSH_ARGS=--tls-verify=false"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
grep -q "image=\"$REGISTRY/demo/default:1.0\"\|image='$REGISTRY/demo/default:1.0'" "$GEN/flyte_tasks.py" ||
  fail "before a push, flyte_tasks.py should run the tag"

pinned_of() { # KEY: the manifest's pinned reference of the image KEY
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
(i,) = [i for i in m["images"] if i["key"] == sys.argv[2]]
print(i["pinned"] or "")' "$GEN/manifest.json" "$1"
}
locked_of() { # KEY: the lock's pushed reference of the image KEY
  python3 -c 'import json, sys
l = json.load(open(sys.argv[1]))
print(*[i["pushed"] for i in l["images"] if i["key"] == sys.argv[2]])' "$GEN/images.lock.json" "$1"
}
expect_add() { # EXPECTED: demo.add 40 2 from the image flyte_tasks.py names
  rm -rf "$WORK/add"
  mkdir -p "$WORK/add/inputs" "$WORK/add/outputs"
  printf '40' > "$WORK/add/inputs/a"
  printf '2' > "$WORK/add/inputs/b"
  run_task "$GEN" demo.add "$WORK/add/inputs" "$WORK/add/outputs" || fail "demo.add failed"
  [ "$(cat "$WORK/add/outputs/o0")" = "$1" ] || fail "demo.add wrote '$(cat "$WORK/add/outputs/o0")', expected $1"
}

step "1. demo_push pushes every image and records the digests"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
grep -q "3 image(s) pushed" "$WORK/push.log" || { cat "$WORK/push.log" >&2; fail "demo_push did not push 3 images"; }
[ -f "$GEN/images.lock.json" ] || fail "no lock file"
first=$(locked_of default)
case $first in "$REGISTRY/demo/default@sha256:"*) ;; *) fail "the lock holds '$first' for default" ;; esac
# What the registry stored under the tag is what the lock says.
stored=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REGISTRY/demo/default:1.0")
[ "$first" = "$REGISTRY/demo/default@$stored" ] || fail "the lock says $first, the registry stores $stored"

step "2. the next build pins flyte_tasks.py; the task runs from the image pulled by digest"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ "$(pinned_of default)" = "$first" ] || fail "the manifest pins '$(pinned_of default)', expected $first"
words=$(task_command "$GEN" demo.add | sed -n 1p)
[ "$words" = "$first" ] || fail "flyte_tasks.py runs demo.add in '$words', expected $first"
podman rmi -f "$REGISTRY/demo/default:1.0" "$REGISTRY/demo/gpu:1.0" "$REGISTRY/demo/spark:1.0" >/dev/null
podman pull --tls-verify=false "$first" >/dev/null 2>"$WORK/pull.log" || { cat "$WORK/pull.log" >&2; fail "cannot pull $first"; }
expect_add 42

step "3. demo_push again: nothing to push"
cp "$GEN/images.lock.json" "$WORK/lock.before"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
grep -q "0 image(s) pushed" "$WORK/push.log" || { cat "$WORK/push.log" >&2; fail "demo_push pushed again"; }
grep -q "image 'default' is unchanged since it was pushed as $first: not pushed" "$WORK/push.log" ||
  { cat "$WORK/push.log" >&2; fail "demo_push does not say why it did not push"; }
cmp -s "$GEN/images.lock.json" "$WORK/lock.before" || fail "the lock changed without a push"

step "4. a task's code changes: the tag until pushed, then a new digest"
sed -i 's/return a + b;/return a + b + 1;/' "$SRC/src/arith.cpp"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
grep -q "image 'default' was pushed as $first, but its executable changed since" "$WORK/build.log" ||
  { cat "$WORK/build.log" >&2; fail "the build does not say that the pin was dropped"; }
[ "$(pinned_of default)" = "" ] || fail "the manifest still pins default after a change"
[ "$(task_command "$GEN" demo.add | sed -n 1p)" = "$REGISTRY/demo/default:1.0" ] ||
  fail "flyte_tasks.py does not fall back to the tag after a change"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
second=$(locked_of default)
[ -n "$second" ] && [ "$second" != "$first" ] || fail "the changed image got no new digest ($second)"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ "$(task_command "$GEN" demo.add | sed -n 1p)" = "$second" ] || fail "flyte_tasks.py does not pin $second"
podman rmi -f "$REGISTRY/demo/default:1.0" >/dev/null
podman pull --tls-verify=false "$second" >/dev/null 2>"$WORK/pull.log" || { cat "$WORK/pull.log" >&2; fail "cannot pull $second"; }
expect_add 43

step "5. the base is re-imported under its tag: demo_push pushes again, the next build pins that"
base_id_of() { # KEY: the lock's base_image_id of the image KEY
  python3 -c 'import json, sys
l = json.load(open(sys.argv[1]))
print(*[i.get("base_image_id") for i in l["images"] if i["key"] == sys.argv[2]])' "$GEN/images.lock.json" "$1"
}
base_now() { # the image ID podman has for $BASE now
  echo "sha256:$(podman image inspect --format '{{.Id}}' "$BASE")"
}
[ "$(base_id_of default)" = "$(base_now)" ] ||
  fail "the lock records the base '$(base_id_of default)', not the image ID of $BASE"
mkdir -p "$WORK/rootfs/etc"
echo "base 2" > "$WORK/rootfs/etc/base-version"
tar -C "$WORK/rootfs" -cf "$WORK/base2.tar" .
podman import "$WORK/base2.tar" "$BASE" >/dev/null 2>&1 || fail "podman could not import the second base"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
grep -q "image 'default' was pushed as $second, but its base $BASE is another image since" "$WORK/push.log" ||
  { cat "$WORK/push.log" >&2; fail "demo_push does not push again after the base changed under its tag"; }
third=$(locked_of default)
[ -n "$third" ] && [ "$third" != "$second" ] || fail "the image on the new base got no new digest ($third)"
[ "$(base_id_of default)" = "$(base_now)" ] ||
  fail "the lock does not record the new base's image ID"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ "$(task_command "$GEN" demo.add | sed -n 1p)" = "$third" ] || fail "flyte_tasks.py does not pin $third"
podman rmi -f "$REGISTRY/demo/default:1.0" >/dev/null
podman pull --tls-verify=false "$third" >/dev/null 2>"$WORK/pull.log" || { cat "$WORK/pull.log" >&2; fail "cannot pull $third"; }
[ "$(podman run --rm --pull=never --network=none "$third" /bin/busybox cat /etc/base-version)" = "base 2" ] ||
  fail "the image pushed as $third is not built on the new base"
expect_add 43

step "6. a lock without base image IDs (an older task-scan): pushed again once"
python3 -c 'import json, sys
l = json.load(open(sys.argv[1]))
for i in l["images"]: i.pop("base_image_id")
json.dump(l, open(sys.argv[1], "w"))' "$GEN/images.lock.json"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
grep -q "image 'default' was pushed as $third, but the lock does not say which base image" "$WORK/push.log" ||
  { cat "$WORK/push.log" >&2; fail "demo_push does not push an image whose lock entry has no base"; }
[ "$(base_id_of default)" = "$(base_now)" ] ||
  fail "the lock does not record the base's image ID after the push"
cmake --build "$BIN" --target demo_push >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "demo_push failed"; }
grep -q "0 image(s) pushed" "$WORK/push.log" || { cat "$WORK/push.log" >&2; fail "demo_push pushed a third time"; }

echo "PASS: push and pin against a real registry"
