#!/usr/bin/env bash
# Installs what task-scan needs to build, test and run its example, from
# Debian's packages. Idempotent: does nothing when everything is there.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ make git python3 pkg-config
  # LLVM/Clang 19 (Debian 12 has clang 14 by default; task-scan needs 19)
  clang-19 libclang-19-dev llvm-19-dev llvm-19-tools libclang-common-19-dev libclang-rt-19-dev
  libfmt-dev libgtest-dev
  # the static link of task-scan (LLVM compresses with zlib and zstd)
  zlib1g-dev libzstd-dev
  # container images, offline (tests and the example's image build)
  buildah podman runc busybox-static
  # images on an older base (a Debian 11 rootfs) and a real registry: the
  # images/registry tests (ctest -L registry)
  debootstrap docker-registry skopeo binutils
  # the pre-commit hook's end-to-end test
  pre-commit
  # task sources that include headers the build generates (test/cmake: Protobuf)
  libprotobuf-dev protobuf-compiler
  # precompiled headers built by Debian's default clang (the scan must not read them)
  clang-14
  # bench/run.sh measures peak memory with /usr/bin/time
  time
  # the Debian package (cpack -G DEB reads the tool's shared libraries with
  # dpkg-shlibdeps and file) and its check (ctest -L package)
  dpkg-dev file lintian
)
# The SARIF validator (ctest -L sarif) is an npm package: npm, unless a
# Node.js that brings its own is installed already.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "task-scan: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
