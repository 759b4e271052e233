#!/usr/bin/env bash
# Images on an older base, for real: a Debian 11 (bullseye, glibc 2.31)
# root file system made by debootstrap (make-debian-base.sh, kept in the
# build folder), imported with podman; the CMake test project built with the
# installed FlyteTasks package (linked on this Debian 12: glibc 2.36).
#
#  1. default link mode (dynamic): `demo_images` fails while building the
#     first image, with the loader's message (GLIBC_2.34 not found) and the
#     remedy (link it static);
#  2. build.link default: static-runtime: still fails (the C library is the
#     older one), and says so from the executable's symbol versions;
#  3. build.link default: static: every image builds on bullseye and runs;
#     a task runs in its image through the exact command flyte_tasks.py
#     gives, and writes the right output.
#
# Exit status 77 (SKIP) when podman is missing or the bullseye base cannot
# be made (no debootstrap, no mirror); any other failure is a failure.
#
#   older-base.sh --prefix DIR --base-tar FILE --project DIR --flytekit-stub DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX= BASE_TAR= PROJECT= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=$2 ;;
    --base-tar) BASE_TAR=$2 ;;
    --project) PROJECT=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "older-base.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in PREFIX BASE_TAR PROJECT FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "older-base.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

# The base first: a run that cannot make it skips, saying why.
status=0
bash "$HERE/make-debian-base.sh" bullseye "$BASE_TAR" || status=$?
[ "$status" -eq 0 ] || exit "$status"

source "$HERE/containers-common.sh"

BASE="localhost/task-scan-bullseye:11"
step "import the bullseye base as $BASE"
podman import "$BASE_TAR" "$BASE" >/dev/null 2>"$WORK/import.log" ||
  { cat "$WORK/import.log" >&2; fail "podman could not import $BASE_TAR"; }
libc=$(podman run --rm --pull=never --network=none "$BASE" /usr/bin/ldd --version | sed -n 1p)
echo "$libc"
case $libc in *2.31*) ;; *) fail "the base is not glibc 2.31: $libc" ;; esac

SRC="$WORK/src" BIN="$WORK/build"
cp -r "$PROJECT" "$SRC"
write_config() { # LINK-SECTION
  cat > "$SRC/flyte.yaml" <<YAML
images:
  default: localhost/older-base/default:$RUN_ID
  gpu: localhost/older-base/gpu:$RUN_ID
  spark: localhost/older-base/spark:$RUN_ID
  extra: localhost/older-base/extra:$RUN_ID
build:
  base_images:
    default: $BASE
  install_dir: /usr/local/bin
$1
YAML
}

step "1. default (dynamic) link: the image build fails with the loader's message and the remedy"
write_config ""
configure_project "$SRC" "$BIN"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
if cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1; then
  cat "$WORK/images.log" >&2
  fail "demo_images built an image whose executable cannot start on bullseye"
fi
tr '\n' ' ' < "$WORK/images.log" | sed 's/  */ /g' > "$WORK/images.line"
for expected in "version .GLIBC_2.3[4-9]' not found" \
                "image 'default' does not build: its executable demo_default does not start in the base image" \
                "the base image's C library (glibc) is older than the build machine's" \
                "the executable needs GLIBC_2.3[4-9]" \
                "Link it static" "default: static"; do
  grep -q -- "$expected" "$WORK/images.line" ||
    { cat "$WORK/images.log" >&2; fail "demo_images does not say: $expected"; }
done
podman image exists "localhost/older-base/default:$RUN_ID" &&
  fail "an image that cannot run its executable was tagged"

step "2. static-runtime is not enough for an older C library, and the message says so"
write_config $'  link:\n    default: static-runtime'
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
grep -q -- "-static-libstdc++" "$BIN/CMakeFiles/FlyteTasks/demo/link-default.rsp" ||
  fail "build.link static-runtime did not reach the link options"
if cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1; then
  fail "demo_images built a static-runtime image on bullseye (needs GLIBC_2.34)"
fi
grep -q "GLIBC_2.3[4-9]' not found" "$WORK/images.log" || { cat "$WORK/images.log" >&2; fail "no loader message"; }
grep -q "Link it static" "$WORK/images.log" || { cat "$WORK/images.log" >&2; fail "no remedy"; }

step "3. build.link default: static: the images build on bullseye and the tasks run there"
write_config $'  link:\n    default: static'
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
readelf -d "$BIN/demo_default" 2>&1 | grep -q "There is no dynamic section" ||
  fail "build.link static: demo_default still has a dynamic section"
cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1 ||
  { cat "$WORK/images.log" >&2; fail "demo_images failed with build.link static"; }
grep -q "image 'gpu' runs: /usr/local/bin/demo_gpu --list gives its 1 task(s)" "$WORK/images.log" ||
  { cat "$WORK/images.log" >&2; fail "demo_images did not run the gpu image"; }

GEN="$BIN/demo_flyte"
mkdir -p "$WORK/add/inputs" "$WORK/add/outputs"
printf '40' > "$WORK/add/inputs/a"
printf '2' > "$WORK/add/inputs/b"
run_task "$GEN" demo.add "$WORK/add/inputs" "$WORK/add/outputs" || fail "demo.add failed in its bullseye image"
[ "$(cat "$WORK/add/outputs/o0")" = 42 ] || fail "demo.add wrote '$(cat "$WORK/add/outputs/o0")', expected 42"
mkdir -p "$WORK/scale/inputs/xs" "$WORK/scale/outputs"
printf '1.5' > "$WORK/scale/inputs/xs/0"
printf '2' > "$WORK/scale/inputs/xs/1"
run_task "$GEN" demo.scale "$WORK/scale/inputs" "$WORK/scale/outputs" || fail "demo.scale failed"
[ "$(cat "$WORK/scale/outputs/o0")" = 10.5 ] || fail "demo.scale wrote '$(cat "$WORK/scale/outputs/o0")', expected 10.5"

echo "PASS: images on a Debian 11 base"
