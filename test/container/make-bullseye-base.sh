#!/usr/bin/env bash
# Makes a real Debian 11 (bullseye, glibc 2.31) root file system as a tar
# file, once: the older base of the image tests (an executable linked on
# Debian 12 needs GLIBC_2.34 and does not start there).
#
#   make-bullseye-base.sh OUT.tar
#
# `debootstrap --variant=minbase bullseye` from the Debian mirror this
# machine's apt uses (/etc/apt/sources.list.d/debian.sources, else
# /etc/apt/sources.list); the result is kept at OUT.tar, and a run that finds
# it there does nothing. Exit status 77 (ctest's SKIP_RETURN_CODE) when
# debootstrap is missing or the mirror cannot be reached, saying so; any
# other failure is a failure.
set -euo pipefail

OUT=${1:?usage: make-bullseye-base.sh OUT.tar}
if [ -s "$OUT" ]; then
  echo "bullseye base: kept from an earlier run: $OUT"
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

# Can the mirror serve bullseye at all? (No network, no base: a skip, said.)
if command -v python3 >/dev/null; then
  python3 - "$MIRROR/dists/bullseye/Release" <<'PY' || skip "the mirror $MIRROR does not answer for bullseye (no network?)"
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=20).read(64)
PY
fi

WORK=$(mktemp -d "$(dirname "$OUT")/bullseye.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "bullseye base: debootstrap --variant=minbase bullseye from $MIRROR (once; a few minutes)"
if ! debootstrap --variant=minbase bullseye "$WORK/rootfs" "$MIRROR" >"$WORK/log" 2>&1; then
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
echo "bullseye base: $OUT"
