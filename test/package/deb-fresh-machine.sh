#!/usr/bin/env bash
# deb-fresh-machine.sh --build-dir DIR --source-dir DIR --base-tar FILE
#
# The Debian package, end to end: `cpack -G DEB` in the build tree makes
# task-scan_<version>_amd64.deb; lintian accepts it without errors; its
# Depends name the C and C++ runtimes and no LLVM (which is linked in); then,
# in a container of a fresh Debian 12 (debootstrap --variant=minbase, kept as
# FILE), `apt-get install ./task-scan_<version>_amd64.deb` installs it with
# its dependencies from Debian's mirror, after which the CMake test project
# finds the package (find_package(FlyteTasks)) and builds its task
# executables, and the pre-commit hooks' end-to-end test
# (test/precommit/hooks-e2e.sh) passes with the installed task-scan and the
# real pre-commit. Exit status 77 (skipped, saying why) when podman,
# lintian or the Debian mirror is missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD= SRC= BASE_TAR=
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) BUILD=$2; shift 2 ;;
    --source-dir) SRC=$2; shift 2 ;;
    --base-tar) BASE_TAR=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$BUILD" ] && [ -n "$SRC" ] && [ -n "$BASE_TAR" ] ||
  { echo "usage: deb-fresh-machine.sh --build-dir DIR --source-dir DIR --base-tar FILE" >&2; exit 2; }

command -v lintian >/dev/null ||
  { echo "SKIPPED: lintian is not installed (scripts/install-deps.sh installs it)"; exit 77; }
# shellcheck source=../container/containers-common.sh
. "$SRC/test/container/containers-common.sh"

step "cpack -G DEB"
(cd "$BUILD" && cpack -G DEB -B "$WORK/package" >"$WORK/cpack.log" 2>&1) ||
  { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB failed"; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$BUILD/CPackConfig.cmake")
arch=$(dpkg --print-architecture)
deb=$WORK/package/task-scan_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$WORK/package" >&2; fail "cpack did not write $(basename "$deb")"; }
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"

step "contents"
dpkg-deb -c "$deb" >"$WORK/contents"
for f in ./usr/bin/task-scan ./usr/include/flyte/task.hpp ./usr/include/flyte/runtime.hpp \
         ./usr/lib/cmake/FlyteTasks/FlyteTasksConfig.cmake ./usr/lib/cmake/FlyteTasks/FlyteTasks.cmake \
         ./usr/share/doc/task-scan/copyright ./usr/share/doc/task-scan/changelog.gz; do
  grep -q " $f\$" "$WORK/contents" || { cat "$WORK/contents" >&2; fail "the package lacks $f"; }
done
echo "tool, headers, CMake package, copyright and changelog: present"

step "dependencies"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for need in libc6 libstdc++6 libclang-common-19-dev; do
  case ", $depends" in *", $need "*|*", $need,"*|*", $need"|*"| $need"*) ;; *) fail "Depends lacks $need" ;; esac
done
case $depends in *llvm*|*libclang-cpp*|*libclang1*) fail "Depends names LLVM: $depends" ;; esac
dpkg-deb -x "$deb" "$WORK/unpacked"
if objdump -p "$WORK/unpacked/usr/bin/task-scan" | grep -E 'NEEDED.*(LLVM|clang)'; then
  fail "the packaged task-scan links LLVM or clang dynamically"
fi

step "lintian"
lintian --fail-on error "$deb" >"$WORK/lintian.log" 2>&1 ||
  { cat "$WORK/lintian.log" >&2; fail "lintian reports errors"; }
sed 's/^/  /' "$WORK/lintian.log"
echo "lintian: no errors"

step "a fresh Debian 12"
bash "$SRC/test/container/make-debian-base.sh" bookworm "$BASE_TAR" || exit $?
image=localhost/task-scan-deb-bookworm:$RUN_ID
podman import "$BASE_TAR" "$image" >/dev/null
CLEANUPS+=("podman rmi -f $image")
mkdir -p "$WORK/in"
cp "$deb" "$WORK/in/"
cat > "$WORK/in/inside.sh" <<INSIDE
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
echo "== apt-get install ./$(basename "$deb")"
cd /in
apt-get install -y -qq ./$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -30 /tmp/apt.log; exit 1; }
task-scan --version
echo "== find_package(FlyteTasks): the CMake test project"
apt-get install -y -qq --no-install-recommends cmake make g++ >/tmp/apt2.log 2>&1 || { tail -30 /tmp/apt2.log; exit 1; }
cmake -S /src/test/cmake/project -B /tmp/project -DFLYTE_TEST_MODE=package >/tmp/configure.log 2>&1 ||
  { tail -40 /tmp/configure.log; exit 1; }
cmake --build /tmp/project -j2 >/tmp/build.log 2>&1 || { tail -40 /tmp/build.log; exit 1; }
ls /tmp/project/demo_* >/dev/null 2>&1 || find /tmp/project -maxdepth 3 -name 'demo_*' -type f | head
exe=\$(find /tmp/project -name 'demo_*' -type f -perm -u+x | head -1)
[ -n "\$exe" ] || { echo "no task executable was built"; exit 1; }
"\$exe" --list
echo "== the pre-commit hooks, with the real pre-commit"
apt-get install -y -qq --no-install-recommends git pre-commit >/tmp/apt3.log 2>&1 || { tail -30 /tmp/apt3.log; exit 1; }
sh /src/test/precommit/hooks-e2e.sh /usr/bin /src
INSIDE
# The mirror over the host's network: the package's dependencies are
# installed as on any Debian machine.
podman run --rm --network host -v "$WORK/in:/in" -v "$SRC:/src:ro" "$image" \
  sh /in/inside.sh 2>&1 | tee "$WORK/inside.log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || fail "in the fresh Debian 12 container (status $status)"
grep -q "all pre-commit checks passed" "$WORK/inside.log" || fail "the pre-commit test did not finish"
echo "PASS: the .deb builds, passes lintian, installs on a fresh Debian 12, and find_package(FlyteTasks) and the pre-commit hooks work"
