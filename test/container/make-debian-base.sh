#!/usr/bin/env bash
# Makes a real Debian root file system as a tar file, once: the bases of the
# image tests. bullseye (Debian 11, glibc 2.31) is the older base (an
# executable linked on Debian 12 needs GLIBC_2.34 and does not start
# there); bookworm (Debian 12) is the build machine's own C library, where
# only the project's shared libraries can be missing. With PACKAGES (a
# comma-separated list, e.g. g++,cmake,make) it is a builder image instead:
# debootstrap --include=PACKAGES.
#
#   make-debian-base.sh SUITE OUT.tar [PACKAGES]
#
# `debootstrap --variant=minbase SUITE` from the Debian mirror this
# machine's apt uses (/etc/apt/sources.list.d/debian.sources, else
# /etc/apt/sources.list); the result is kept at OUT.tar, and a run that finds
# it there does nothing. Exit status 77 (ctest's SKIP_RETURN_CODE) when
# debootstrap is missing or the mirror cannot be reached, saying so; any
# other failure is a failure.
set -euo pipefail

SUITE=${1:?usage: make-debian-base.sh SUITE OUT.tar}
OUT=${2:?usage: make-debian-base.sh SUITE OUT.tar}
PACKAGES=${3:-}
if [ -s "$OUT" ]; then
  echo "$SUITE base: kept from an earlier run: $OUT"
  exit 0
fi
skip() { echo "SKIPPED: $*"; exit 77; }

command -v debootstrap >/dev/null ||
  skip "debootstrap is not installed (scripts/install-deps.sh installs it)"
[ "$(id -u)" -eq 0 ] || skip "debootstrap needs root"

MIRROR=
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
  MIRROR=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
             /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$MIRROR" ] && [ -r /etc/apt/sources.list ]; then
  MIRROR=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
             /etc/apt/sources.list)
fi
[ -n "$MIRROR" ] || skip "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"

# Can the mirror serve $SUITE at all? (No network, no base: a skip, said.)
if command -v python3 >/dev/null; then
  python3 - "$MIRROR/dists/$SUITE/Release" <<'PY' || skip "the mirror $MIRROR does not answer for $SUITE (no network?)"
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=20).read(64)
PY
fi

WORK=$(mktemp -d "$(dirname "$OUT")/$SUITE.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
INCLUDE=()
[ -z "$PACKAGES" ] || INCLUDE=("--include=$PACKAGES")
echo "$SUITE base: debootstrap --variant=minbase ${INCLUDE[*]} $SUITE from $MIRROR (once; a few minutes)"
if ! debootstrap --variant=minbase "${INCLUDE[@]}" "$SUITE" "$WORK/rootfs" "$MIRROR" >"$WORK/log" 2>&1; then
  if grep -qiE "Failed getting release file|Temporary failure|Could not resolve|Connection (refused|timed out)" "$WORK/log"; then
    tail -5 "$WORK/log"
    skip "debootstrap could not reach $MIRROR"
  fi
  tail -30 "$WORK/log" >&2
  echo "FAIL: debootstrap failed" >&2
  exit 1
fi
# Smaller (vfs storage copies the whole file system per build step): no apt
# lists or caches, documentation, manuals or locales. The C library, the C++
# runtime (libstdc++6), the loader and a shell stay.
rm -rf "$WORK/rootfs/var/cache/apt/"* "$WORK/rootfs/var/lib/apt/lists/"* \
  "$WORK/rootfs/usr/share/doc" "$WORK/rootfs/usr/share/man" "$WORK/rootfs/usr/share/info" \
  "$WORK/rootfs/usr/share/locale" "$WORK/rootfs/usr/share/i18n" "$WORK/rootfs/usr/share/zoneinfo"
tar -C "$WORK/rootfs" --numeric-owner -cf "$WORK/rootfs.tar" .
mv "$WORK/rootfs.tar" "$OUT"
echo "$SUITE base: $OUT"
