#!/usr/bin/env bash
# Images whose executable is compiled inside a builder image (issue 22), for
# real and offline: a Debian 11 builder made by debootstrap with g++, cmake
# and make (GCC 10, CMake 3.18, glibc 2.31) and a Debian 11 base (both kept
# in the build folder by make-debian-base.sh), imported with podman; the
# project test/container/builder-project (its tasks link demo_math, a
# library of the project) built with the installed FlyteTasks package on
# this Debian 12 (glibc 2.36).
#
#   builder.sh --case image|subdirectory|no-cmake|compile-error|foreign-library
#              --prefix DIR --builder-tar FILE --base-tar FILE --project DIR
#              --flytekit-stub DIR
#
#  image            `cmake --build` makes the host executable; demo_images
#                   builds image 'old' with its executable compiled in the
#                   builder: dynamically linked, no GLIBC version above 2.31
#                   needed, no build tree or .git in the build context; the
#                   tasks run in the image from Flyte's input and output
#                   folders; the same context builds through the bake file's
#                   targets (buildah, with their contexts) and through a
#                   plain `podman build` of the generated Dockerfile
#  subdirectory     the project adds task-scan with add_subdirectory of a copy
#                   inside its tree (no LLVM in the builder: task-scan's
#                   CMakeLists.txt gives the builder's add_flyte_tasks there)
#  no-cmake         BUILDER_IMAGES (winning over the configuration) names a
#                   builder without cmake or a compiler: the message names
#                   the key and the remedy
#  compile-error    a source that GCC 12 compiles and GCC 10 does not: the
#                   message names the key, the executable and the remedy
#  foreign-library  the tasks link a library from outside the source tree:
#                   demo_images refuses before building, naming the key,
#                   the library and what to do
#
# Exit status 77 (SKIP) when podman is missing or a Debian base cannot be
# made (no debootstrap, no mirror); any other failure is a failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CASE= PREFIX= BUILDER_TAR= BASE_TAR= PROJECT= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --case) CASE=$2 ;;
    --prefix) PREFIX=$2 ;;
    --builder-tar) BUILDER_TAR=$2 ;;
    --base-tar) BASE_TAR=$2 ;;
    --project) PROJECT=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "builder.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in CASE PREFIX BUILDER_TAR BASE_TAR PROJECT FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "builder.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

# The bases first: a run that cannot make them skips, saying why.
status=0
bash "$HERE/make-debian-base.sh" bullseye "$BUILDER_TAR" g++,cmake,make || status=$?
[ "$status" -eq 0 ] || exit "$status"
bash "$HERE/make-debian-base.sh" bullseye "$BASE_TAR" || status=$?
[ "$status" -eq 0 ] || exit "$status"

source "$HERE/containers-common.sh"

BUILDER="localhost/task-scan-bullseye-builder:11"
BASE="localhost/task-scan-bullseye:11"
IMAGE="localhost/builder-test/old:$RUN_ID"
step "import the bullseye builder as $BUILDER and the bullseye base as $BASE"
for pair in "$BUILDER_TAR $BUILDER" "$BASE_TAR $BASE"; do
  set -- $pair
  podman import "$1" "$2" >/dev/null 2>"$WORK/import.log" ||
    { cat "$WORK/import.log" >&2; fail "podman could not import $1"; }
done

SRC="$WORK/src" BIN="$WORK/src/build"
cp -r "$PROJECT" "$SRC"
cat > "$SRC/flyte.yaml" <<YAML
images:
  old: $IMAGE
build:
  base_images:
    default: $BASE
  builder_images:
    old: $BUILDER
YAML
GEN="$BIN/demo_flyte"
CONTEXT="$GEN/images/old"

# expect_images_failure LOG TEXT...: demo_images fails and says each TEXT.
expect_images_failure() {
  local log=$1
  shift
  if cmake --build "$BIN" --target demo_images >"$log" 2>&1; then
    cat "$log" >&2
    fail "demo_images succeeded; expected: $1"
  fi
  tr '\n' ' ' < "$log" | sed 's/  */ /g' > "$log.line"
  local expected
  for expected in "$@"; do
    grep -qF -- "$expected" "$log.line" || { cat "$log" >&2; fail "demo_images does not say: $expected"; }
  done
  podman image exists "$IMAGE" && fail "an image that did not build was tagged $IMAGE"
  return 0
}

case $CASE in
image)
  # The build tree is inside the source tree (build/), with another build
  # tree and a .git beside it: none of them may reach the build context.
  mkdir -p "$SRC/.git" "$SRC/other-build"
  echo "ref: refs/heads/main" > "$SRC/.git/HEAD"
  touch "$SRC/other-build/CMakeCache.txt" "$SRC/other-build/big.o"
  configure_project "$SRC" "$BIN"

  step "cmake --build makes the host executable (local runs), and stages the builder's context"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
  [ -x "$BIN/demo_old" ] || fail "cmake --build did not make the host executable demo_old"
  "$BIN/demo_old" run demo.scaled_sum --arg xs=1 --arg xs=2 --arg factor=2 | grep -qx "o0=6" ||
    fail "the host executable does not run demo.scaled_sum"
  grep -q '^FROM localhost/task-scan-bullseye-builder:11 AS flyte-build$' "$CONTEXT/Dockerfile" ||
    { cat "$CONTEXT/Dockerfile" >&2; fail "the Dockerfile of 'old' has no builder stage"; }
  for f in project/CMakeLists.txt project/math/scale.cpp project/src/tasks.cpp entrypoint.cpp \
           flyte/include/flyte/runtime.hpp flyte/include/flyte/task.hpp flyte/cmake/FlyteTasksConfig.cmake \
           flyte/builder.cmake; do
    [ -f "$CONTEXT/$f" ] || fail "the build context lacks $f"
  done
  for f in project/.git project/build project/other-build demo_old; do
    [ -e "$CONTEXT/$f" ] && fail "the build context holds $f"
  done
  echo "build context of 'old': $(du -sk "$CONTEXT" | cut -f1) KiB, $(find "$CONTEXT" -type f | wc -l) files"

  step "demo_images: the executable is compiled in the builder and runs on the base"
  cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1 ||
    { cat "$WORK/images.log" >&2; fail "demo_images failed"; }
  grep -q "image 'old' runs: /usr/local/bin/demo_old --list gives its 2 task(s)" "$WORK/images.log" ||
    { cat "$WORK/images.log" >&2; fail "demo_images did not run image 'old'"; }

  step "the image's executable is dynamically linked and needs glibc 2.31 at most"
  container=$(podman create --pull=never "$IMAGE" /bin/true)
  podman cp "$container:/usr/local/bin/demo_old" "$WORK/demo_old.image" >/dev/null
  podman rm "$container" >/dev/null
  readelf -d "$WORK/demo_old.image" | grep -q "(NEEDED).*libc.so.6" ||
    fail "the image's executable is not dynamically linked against libc"
  readelf -l "$WORK/demo_old.image" | grep -q "Requesting program interpreter" ||
    fail "the image's executable has no program interpreter (static?)"
  highest=$(objdump -T "$WORK/demo_old.image" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  echo "highest GLIBC version needed: $highest (host executable: $(objdump -T "$BIN/demo_old" |
    grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1))"
  [ "$(printf '%s\n2.31\n' "$highest" | sort -V | tail -1)" = 2.31 ] ||
    fail "the image's executable needs GLIBC_$highest, above the base's 2.31"
  cmp -s "$WORK/demo_old.image" "$BIN/demo_old" && fail "the image holds the host executable"

  step "the tasks run in the image from Flyte's input and output folders"
  mkdir -p "$WORK/sum/inputs/xs" "$WORK/sum/outputs"
  printf '1.5' > "$WORK/sum/inputs/xs/0"
  printf '2' > "$WORK/sum/inputs/xs/1"
  printf '3' > "$WORK/sum/inputs/factor"
  run_task "$GEN" demo.scaled_sum "$WORK/sum/inputs" "$WORK/sum/outputs" || fail "demo.scaled_sum failed in its image"
  [ "$(cat "$WORK/sum/outputs/o0")" = 10.5 ] || fail "demo.scaled_sum wrote '$(cat "$WORK/sum/outputs/o0")', expected 10.5"
  mkdir -p "$WORK/greet/inputs" "$WORK/greet/outputs"
  printf 'flyte' > "$WORK/greet/inputs/name"
  run_task "$GEN" demo.greet "$WORK/greet/inputs" "$WORK/greet/outputs" || fail "demo.greet failed in its image"
  [ "$(cat "$WORK/greet/outputs/o0")" = "hello flyte" ] || fail "demo.greet wrote '$(cat "$WORK/greet/outputs/o0")'"

  step "docker-bake.json: each target built by buildah with its contexts"
  podman rmi "$IMAGE" >/dev/null
  python3 - "$GEN/docker-bake.json" > "$WORK/bake.cmds" <<'PY'
import json, shlex, sys
bake = json.load(open(sys.argv[1]))
for name in bake["group"]["default"]["targets"]:
    t = bake["target"][name]
    words = ["buildah", "bud", "--pull=never", "-f", t["context"] + "/" + t.get("dockerfile", "Dockerfile")]
    for tag in t["tags"]:
        words += ["-t", tag]
    for context_name, where in sorted(t.get("contexts", {}).items()):
        words += ["--build-context", context_name + "=" + where]
    print(" ".join(shlex.quote(w) for w in words + [t["context"]]))
PY
  [ -s "$WORK/bake.cmds" ] || fail "docker-bake.json has no targets"
  (cd "$GEN" && while read -r line; do
     echo "$line"
     eval "$line" >"$WORK/bake.log" 2>&1 || { cat "$WORK/bake.log" >&2; exit 1; }
   done < "$WORK/bake.cmds") || fail "a bake target did not build"
  podman run --rm --pull=never --network=none --entrypoint /usr/local/bin/demo_old "$IMAGE" --list |
    sort | tr '\n' ' ' | grep -qx "demo.greet demo.scaled_sum " || fail "the bake-built image does not list its tasks"

  step "a plain podman build of the generated Dockerfile"
  PLAIN="localhost/builder-test/plain:$RUN_ID"
  CLEANUPS+=("podman rmi -f $PLAIN")
  podman build --pull=never -t "$PLAIN" "$CONTEXT" >"$WORK/plain.log" 2>&1 ||
    { cat "$WORK/plain.log" >&2; fail "podman build $CONTEXT failed"; }
  rm -rf "$WORK/sum/outputs" && mkdir -p "$WORK/sum/outputs"
  podman run --rm --pull=never --network=none -v "$WORK/sum/inputs:/var/inputs:ro" \
    -v "$WORK/sum/outputs:/var/outputs" --entrypoint /usr/local/bin/demo_old "$PLAIN" \
    run demo.scaled_sum --inputs /var/inputs --outputs /var/outputs || fail "demo.scaled_sum failed in $PLAIN"
  [ "$(cat "$WORK/sum/outputs/o0")" = 10.5 ] || fail "demo.scaled_sum in $PLAIN wrote '$(cat "$WORK/sum/outputs/o0")'"

  step "without the builder again: a one-stage Dockerfile, the host executable staged, the sources gone"
  grep -v -e '^  builder_images:' -e '^    old: ' "$SRC/flyte.yaml" > "$WORK/flyte.yaml"
  cp "$WORK/flyte.yaml" "$SRC/flyte.yaml"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
  grep -q flyte-build "$CONTEXT/Dockerfile" && fail "the Dockerfile still has the builder stage"
  [ -x "$CONTEXT/demo_old" ] || fail "the host executable is not staged in $CONTEXT"
  [ -e "$CONTEXT/project" ] || [ -e "$CONTEXT/flyte" ] && fail "the builder's context is still staged in $CONTEXT"
  ;;

subdirectory)
  step "task-scan added with add_subdirectory: the image builds in the builder all the same"
  ROOT=$(cd "$HERE/../.." && pwd)
  mkdir -p "$SRC/third_party/task-scan/lib"
  cp -r "$ROOT/CMakeLists.txt" "$ROOT/cmake-modules" "$SRC/third_party/task-scan/"
  cp -r "$ROOT/lib/runtime" "$SRC/third_party/task-scan/lib/"
  configure_project "$SRC" "$BIN" -DDEMO_TASK_SCAN_SUBDIR=third_party/task-scan \
    "-DFLYTE_TASK_SCAN_EXECUTABLE=$PREFIX/bin/task-scan"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
  [ -f "$CONTEXT/project/third_party/task-scan/CMakeLists.txt" ] || fail "task-scan's copy is not in the context"
  cmake --build "$BIN" --target demo_images >"$WORK/images.log" 2>&1 ||
    { cat "$WORK/images.log" >&2; fail "demo_images failed with task-scan added by add_subdirectory"; }
  grep -q "image 'old' runs: /usr/local/bin/demo_old --list gives its 2 task(s)" "$WORK/images.log" ||
    { cat "$WORK/images.log" >&2; fail "demo_images did not run image 'old'"; }
  ;;

no-cmake)
  step "BUILDER_IMAGES names the Debian 11 base (no cmake, no compiler): it wins over the config"
  configure_project "$SRC" "$BIN" "-DDEMO_BUILDER_IMAGES=old=$BASE"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
  grep -q "^FROM localhost/task-scan-bullseye:11 AS flyte-build$" "$CONTEXT/Dockerfile" ||
    fail "BUILDER_IMAGES did not win over build.builder_images"
  expect_images_failure "$WORK/images.log" \
    "add_flyte_tasks(demo): image 'old' cannot be built: its builder image $BASE has no cmake." \
    "Use a builder image with CMake and a C++17 compiler"
  ;;

compile-error)
  step "a source GCC 12 compiles and the builder's GCC 10 does not"
  configure_project "$SRC" "$BIN" "-DDEMO_EXTRA_SOURCES=src/float_text.cpp"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "the host build failed"; }
  expect_images_failure "$WORK/images.log" "to_chars" \
    "add_flyte_tasks(demo): image 'old' cannot be built: demo_old does not compile in its builder image $BUILDER" \
    "Make the code build with the builder's compiler, or name another builder image in build: builder_images"
  ;;

foreign-library)
  step "the tasks link a library from outside the source tree"
  configure_project "$SRC" "$BIN" -DDEMO_FOREIGN_LIBRARY=ON "-DDEMO_FOREIGN_DIR=$PROJECT/outside"
  cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "the host build failed"; }
  expect_images_failure "$WORK/images.log" \
    "add_flyte_tasks(demo): image 'old' is compiled in its builder image $BUILDER" \
    "its tasks link demo_foreign (from $PROJECT/outside), which is not part of the project and so not in the build context" \
    "Move that library into the project's source tree"
  grep -q "STEP\|flyte-build" "$WORK/images.log" && fail "demo_images started a build before refusing"
  ;;

*) fail "unknown case $CASE" ;;
esac
echo "PASS: builder image ($CASE)"
