#!/usr/bin/env bash
# Installs Microsoft's SARIF validator (npm @microsoft/sarif-multitool, a
# .NET program packaged for Linux) into DIR, for the SARIF tests:
#
#   scripts/install-sarif-validator.sh DIR     # then DIR/sarif-multitool
#
# Idempotent: does nothing when DIR already holds a working validator. Needs
# npm (scripts/install-deps.sh installs it) and the npm registry. Exit status
# 77 (a test's "skipped"), saying why, when either is missing.
set -euo pipefail
DIR=${1:?usage: install-sarif-validator.sh DIR}
VERSION=5.7.0
launcher=$DIR/sarif-multitool
if [ -x "$launcher" ] && "$launcher" --version >/dev/null 2>&1; then
  exit 0
fi
command -v npm >/dev/null 2>&1 ||
  { echo "SKIPPED: npm is not installed (scripts/install-deps.sh installs it)"; exit 77; }
mkdir -p "$DIR"
if ! npm install --no-audit --no-fund --prefix "$DIR" "@microsoft/sarif-multitool@$VERSION" \
     >"$DIR/npm.log" 2>&1; then
  tail -5 "$DIR/npm.log"
  if grep -qiE "ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network" "$DIR/npm.log"; then
    echo "SKIPPED: the npm registry cannot be reached"
    exit 77
  fi
  # A TLS proxy whose certificate this machine's npm does not trust: the
  # registry is not reachable from here either.
  if grep -qE "SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_" "$DIR/npm.log"; then
    echo "SKIPPED: the npm registry's TLS certificate is not trusted here ($(grep -oE '[A-Z_]*CERT[A-Z_]*' "$DIR/npm.log" | head -1))"
    exit 77
  fi
  echo "FAIL: npm install @microsoft/sarif-multitool@$VERSION failed" >&2
  exit 1
fi
# npm may not run the package's install script (chmod u+x of the binary).
binary=$DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -f "$binary" ] || { echo "FAIL: $binary is missing after npm install" >&2; exit 1; }
chmod u+x "$binary"
ln -sf "node_modules/.bin/sarif-multitool" "$launcher"
"$launcher" --version >/dev/null 2>&1 || { echo "FAIL: $launcher does not run" >&2; exit 1; }
echo "SARIF validator $VERSION installed in $DIR"
