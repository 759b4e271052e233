#!/usr/bin/env bash
# One command: generate a synthetic codebase of N translation units for each
# size given (default 500) and measure task-scan against the naive scan, the
# clang floor and grep; the growth table puts the sizes side by side.
#   bench/run.sh [N...] [--repeat R] [--naive-repeat R] [--naive-sample S] [--task-scan PATH]
#   bench/run.sh 500 3000 10000 --repeat 3 --naive-sample 100   (about 40 min on 2 cores)
# Results: a table on stdout and bench/RESULTS.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is missing; install the 'time' package (apt-get install time)" >&2
  exit 2
fi
exec python3 "$here/bench.py" "$@"
