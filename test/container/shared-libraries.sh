#!/usr/bin/env bash
# Images of a project that builds shared libraries (issue 28), for real: a
# Debian 12 (bookworm) root file system made by debootstrap
# (make-debian-base.sh, kept in the build folder), the build machine's own C
# library, so that only the project's libraries can be missing; and a
# "lean" copy of it without the C++ runtime (libstdc++.so.6). The project
# (shared-libs/) is BUILD_SHARED_LIBS=ON: its task links libtp_math.so.1,
# which links libtp_core.so, which links libtpext.so.1, a C library from
# outside the project (built here, imported as tp_ext, IMAGE_LIBRARIES).
#
#  1. default link: the host executables run from the build tree; each
#     build context holds the executable (RUNPATH $ORIGIN/../lib/tp) and
#     both libraries (libtp_math's RUNPATH $ORIGIN); tp_images builds the
#     bookworm image (self-check passed), whose task runs from Flyte's
#     input/output folders; the lean image fails with the loader's message
#     and the one remedy that applies, static-runtime (never static);
#  2. build.link lean: static-runtime: the C++ runtime is linked into the
#     executable and into each library; the lean image builds, its task runs
#     there, and an exception thrown inside a library becomes the task's
#     error (_ERROR);
#  3. build.link default: static: the build stops before linking, naming
#     the shared libraries and what to do instead (exact text);
#  4. a rebuilt library reaches the build context (a new image content);
#  5. without IMAGE_LIBRARIES tp_ext, the image misses libtpext.so.1 and the
#     message names the keyword that puts it in (exact text);
#  6. an edit that leaves 'lean' without tasks removes its build context.
#
# Exit status 77 (SKIP) when podman is missing or the bookworm base cannot be
# made (no debootstrap, no mirror); any other failure is a failure.
#
#   shared-libraries.sh --prefix DIR --base-tar FILE --project DIR --flytekit-stub DIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PREFIX= BASE_TAR= PROJECT= FLYTEKIT_STUB=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=$2 ;;
    --base-tar) BASE_TAR=$2 ;;
    --project) PROJECT=$2 ;;
    --flytekit-stub) FLYTEKIT_STUB=$2 ;;
    *) echo "shared-libraries.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for v in PREFIX BASE_TAR PROJECT FLYTEKIT_STUB; do
  [ -n "${!v}" ] || { echo "shared-libraries.sh: --$(echo "$v" | tr 'A-Z_' 'a-z-') is required" >&2; exit 2; }
done

status=0
bash "$HERE/make-debian-base.sh" bookworm "$BASE_TAR" || status=$?
[ "$status" -eq 0 ] || exit "$status"

source "$HERE/containers-common.sh"

BASE="localhost/task-scan-bookworm:12"
LEAN="localhost/task-scan-bookworm-lean:12"
step "import the bookworm base as $BASE, and $LEAN without libstdc++"
podman import "$BASE_TAR" "$BASE" >/dev/null 2>"$WORK/import.log" ||
  { cat "$WORK/import.log" >&2; fail "podman could not import $BASE_TAR"; }
cp "$BASE_TAR" "$WORK/lean.tar"
tar --delete --wildcards -f "$WORK/lean.tar" './usr/lib/*-linux-gnu/libstdc++.so.6*'
podman import "$WORK/lean.tar" "$LEAN" >/dev/null 2>"$WORK/import.log" ||
  { cat "$WORK/import.log" >&2; fail "podman could not import the lean base"; }
host_libc=$(ldd --version | sed -n 1p)
libc=$(podman run --rm --pull=never --network=none "$BASE" /usr/bin/ldd --version | sed -n 1p)
echo "$libc"
[ "${libc##* }" = "${host_libc##* }" ] || fail "the base's C library ($libc) is not this machine's ($host_libc)"
if podman run --rm --pull=never --network=none "$LEAN" /bin/sh -c 'ls /usr/lib/*-linux-gnu/libstdc++.so.6*' 2>/dev/null; then
  fail "the lean base still has libstdc++"
fi

SRC="$WORK/src" BIN="$WORK/build"
cp -r "$PROJECT" "$SRC"
EXT="$WORK/ext"
mkdir -p "$EXT"
printf 'long tp_ext_offset(void) { return 0; }\n' > "$EXT/ext.c"
cc -shared -fPIC -Wl,-soname,libtpext.so.1 -o "$EXT/libtpext.so.1" "$EXT/ext.c"
ln -s libtpext.so.1 "$EXT/libtpext.so"
write_config() { # LINK-SECTION
  cat > "$SRC/flyte.yaml" <<YAML
images:
  default: localhost/shared-libs/default:$RUN_ID
  lean: localhost/shared-libs/lean:$RUN_ID
build:
  base_images:
    default: $BASE
    lean: $LEAN
  install_dir: /usr/local/bin
$1
YAML
}
CONTEXT="$BIN/tp_flyte/images"
GEN="$BIN/tp_flyte"
# run_in_image GEN TASK NAME=VALUE...: runs TASK in its image from Flyte's
# folders; the outputs folder is $WORK/run/outputs.
run_in_image() {
  local gen=$1 task=$2 pair
  shift 2
  rm -rf "$WORK/run"
  mkdir -p "$WORK/run/inputs" "$WORK/run/outputs"
  for pair in "$@"; do
    printf '%s' "${pair#*=}" > "$WORK/run/inputs/${pair%%=*}"
  done
  run_task "$gen" "$task" "$WORK/run/inputs" "$WORK/run/outputs"
}
# unwrapped LOG: the log on one line (CMake wraps messages).
unwrapped() { tr '\n' ' ' < "$1" | sed 's/  */ /g'; }

step "1. default link: local runs, staged libraries, the bookworm image runs its task"
write_config ""
configure_project "$SRC" "$BIN" "-DFLYTE_TEST_EXT_DIR=$EXT" -DFLYTE_TEST_IMAGE_LIBRARIES=ON
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ "$("$BIN/tp_default" run combine --arg a=5 --arg b=2)" = "o0=17" ] || fail "the host executable tp_default does not run combine"
[ "$("$BIN/tp_lean" run label --arg a=4)" = "o0=value 4" ] || fail "the host executable tp_lean does not run label"
for file in default/tp_default default/lib/libtp_math.so.1 default/lib/libtp_core.so \
            default/lib/libtpext.so.1 lean/tp_lean lean/lib/libtp_math.so.1 lean/lib/libtp_core.so; do
  [ -f "$CONTEXT/$file" ] || fail "$file is not staged in the build context"
done
readelf -d "$CONTEXT/default/tp_default" | grep -qF 'runpath: [$ORIGIN/../lib/tp]' ||
  { readelf -d "$CONTEXT/default/tp_default" >&2; fail "the staged executable's RUNPATH is not \$ORIGIN/../lib/tp"; }
readelf -d "$CONTEXT/default/lib/libtp_math.so.1" | grep -qF 'runpath: [$ORIGIN]' ||
  fail "the staged libtp_math.so.1 does not find libtp_core.so beside itself"
COPY='COPY ["lib/libtp_core.so", "lib/libtp_math.so.1", "lib/libtpext.so.1", "/usr/local/lib/tp/"]'
grep -qxF "$COPY" "$CONTEXT/default/Dockerfile" || fail "the Dockerfile does not copy the libraries"
grep -qxF "$COPY" "$CONTEXT/default/Dockerfile.fragment" ||
  fail "Dockerfile.fragment does not copy the libraries"

if cmake --build "$BIN" --target tp_images >"$WORK/images.log" 2>&1; then
  cat "$WORK/images.log" >&2
  fail "tp_images built a lean image whose executable needs libstdc++"
fi
grep -qF "image 'default' runs: /usr/local/bin/tp_default --list gives its 1 task(s)" "$WORK/images.log" ||
  { cat "$WORK/images.log" >&2; fail "the bookworm image did not build and run"; }
unwrapped "$WORK/images.log" > "$WORK/images.line"
expected="image 'lean' does not build: its executable tp_lean does not start in the base image (the Dockerfile's self-check failed): the base image lacks the shared library libstdc++.so.6; the executable needs GLIBC_[0-9.]*, GLIBCXX_[0-9.]*, CXXABI_[0-9.]* (objdump -T). Link it static-runtime: build: link: lean: static-runtime (in the image configuration) or add_flyte_tasks(tp ... LINK_MODES lean=static-runtime)"
grep -q -- "$expected" "$WORK/images.line" ||
  { cat "$WORK/images.log" >&2; fail "tp_images does not say: $expected"; }
if grep -qE "lean: static[^-]|lean=static[^-]|Link it static[^-]|LINK_static" "$WORK/images.line"; then
  cat "$WORK/images.log" >&2
  fail "tp_images offers static, which cannot link the project's shared libraries"
fi
podman run --rm --pull=never --network=none "localhost/shared-libs/default:$RUN_ID" \
  /bin/ls /usr/local/lib/tp > "$WORK/ls.txt"
[ "$(tr '\n' ' ' < "$WORK/ls.txt")" = "libtp_core.so libtp_math.so.1 libtpext.so.1 " ] ||
  fail "the image's /usr/local/lib/tp holds: $(cat "$WORK/ls.txt")"
run_in_image "$GEN" combine a=5 b=2 || fail "combine failed in its image"
[ "$(cat "$WORK/run/outputs/o0")" = 17 ] || fail "combine wrote '$(cat "$WORK/run/outputs/o0")', expected 17"

step "2. build.link lean: static-runtime: the C++ runtime inside each library; the lean image runs"
write_config $'  link:\n    lean: static-runtime'
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
for file in lean/tp_lean lean/lib/libtp_math.so.1 lean/lib/libtp_core.so; do
  if readelf -d "$CONTEXT/$file" | grep -q 'NEEDED.*libstdc++'; then
    fail "$file still needs libstdc++.so.6 with static-runtime"
  fi
done
[ "$("$BIN/tp_default" run combine --arg a=5 --arg b=2)" = "o0=17" ] || fail "tp_default no longer runs on the host"
cmake --build "$BIN" --target tp_images >"$WORK/images.log" 2>&1 ||
  { cat "$WORK/images.log" >&2; fail "tp_images failed with lean: static-runtime"; }
grep -qF "image 'lean' runs: /usr/local/bin/tp_lean --list gives its 1 task(s)" "$WORK/images.log" ||
  { cat "$WORK/images.log" >&2; fail "the lean image did not run"; }
run_in_image "$GEN" label a=4 || fail "label failed in the lean image"
[ "$(cat "$WORK/run/outputs/o0")" = "value 4" ] || fail "label wrote '$(cat "$WORK/run/outputs/o0")', expected 'value 4'"
run_in_image "$GEN" label a=-3 || true
grep -q "negative: -3" "$WORK/run/outputs/_ERROR" ||
  fail "an exception thrown in libtp_core.so did not become the task's error: $(cat "$WORK/run/outputs/_ERROR" 2>&1)"

step "3. build.link default: static: the build stops, naming the libraries and what to do"
write_config $'  link:\n    default: static'
if cmake --build "$BIN" >"$WORK/build.log" 2>&1; then
  fail "build.link static built an executable that links shared libraries"
fi
unwrapped "$WORK/build.log" > "$WORK/build.line"
expected="add_flyte_tasks(tp): image 'default' is linked static (build: link: {default: static} in the image configuration), but its tasks link the shared libraries tp_core, tp_math of this project, which a static executable cannot load. Link image 'default' static-runtime or dynamic (the image then carries the project's shared libraries), or build them as STATIC libraries."
grep -qF -- "$expected" "$WORK/build.line" || { cat "$WORK/build.log" >&2; fail "the build does not say: $expected"; }
grep -q "attempted static link of dynamic object" "$WORK/build.log" && fail "the build still tried to link static"

step "4. a rebuilt library reaches the build context"
write_config ""
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
before=$(sha256sum < "$CONTEXT/default/lib/libtp_core.so")
exe_before=$(sha256sum < "$CONTEXT/default/tp_default")
echo 'int tp_core_revision() { return 2; }' >> "$SRC/core/core.cpp"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ "$(sha256sum < "$CONTEXT/default/lib/libtp_core.so")" != "$before" ] ||
  fail "the rebuilt libtp_core.so did not reach the build context"
echo "executable staged: $([ "$(sha256sum < "$CONTEXT/default/tp_default")" = "$exe_before" ] && echo unchanged || echo changed)"
[ "$("$BIN/tp_default" run combine --arg a=5 --arg b=2)" = "o0=17" ] || fail "tp_default no longer runs on the host"

step "5. without IMAGE_LIBRARIES tp_ext: the message names it"
configure_project "$SRC" "$BIN" -DFLYTE_TEST_IMAGE_LIBRARIES=OFF
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ -e "$CONTEXT/default/lib/libtpext.so.1" ] && fail "libtpext.so.1 is still staged"
grep -qxF 'COPY ["lib/libtp_core.so", "lib/libtp_math.so.1", "/usr/local/lib/tp/"]' "$CONTEXT/default/Dockerfile" ||
  fail "the Dockerfile still copies libtpext.so.1"
if cmake --build "$BIN" --target tp_images >"$WORK/images.log" 2>&1; then
  fail "tp_images built an image without libtpext.so.1"
fi
unwrapped "$WORK/images.log" > "$WORK/images.line"
expected="image 'default' does not build: its executable tp_default does not start in the base image (the Dockerfile's self-check failed): the base image lacks the shared library libtpext.so.1, the library of tp_ext, which the tasks link. Copy it into the image with add_flyte_tasks(tp ... IMAGE_LIBRARIES tp_ext), or use a base image that has it (build: base_images: {default: <image>} in the image configuration)"
grep -qF -- "$expected" "$WORK/images.line" || { cat "$WORK/images.log" >&2; fail "tp_images does not say: $expected"; }

step "6. an image gone: its build context goes, staged libraries and all"
sed -i 's/FLYTE_TASK(container_image = "{{.image.lean}}")/FLYTE_TASK()/' "$SRC/src/tasks.cpp"
cmake --build "$BIN" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "build failed"; }
[ ! -e "$CONTEXT/lean" ] || fail "the build context of the gone image 'lean' is still there: $(ls -R "$CONTEXT/lean")"

echo "PASS: images of a project with shared libraries"
