#!/bin/sh
# Runs fuzz targets: fuzz/run.sh <target|all> [seconds] [libFuzzer options]
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/, read
# only) and keeps what it finds in $FUZZ_BUILD_DIR/corpus/<target>/; a crash
# or broken property leaves its input in $FUZZ_BUILD_DIR/artifacts/ and makes
# this script fail. Builds the targets first unless FUZZ_NO_BUILD=1.
# To keep a finding as a seed: copy it into fuzz/corpus/<target>/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
targets="image_reference template config_yaml config_ini annotation escaping runtime_format runtime_format_fallback runtime_inputs runtime_args"
what=${1:?usage: run.sh <target|all> [seconds] [libFuzzer options]}
seconds=${2:-60}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
build=${FUZZ_BUILD_DIR:-$here/../build/fuzz}

if [ "$what" = all ]; then
  selected=$targets
else
  case " $targets " in
    *" $what "*) selected=$what ;;
    *) echo "run.sh: unknown target '$what'; targets: $targets all" >&2; exit 2 ;;
  esac
fi
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  sh "$here/build.sh" "$build"
fi

status=0
for target in $selected; do
  exe=$build/fuzz_$target
  if [ ! -x "$exe" ]; then
    echo "run.sh: $exe is not built (run fuzz/build.sh)" >&2
    exit 2
  fi
  work=$build/corpus/$target
  mkdir -p "$work" "$build/artifacts"
  dict=
  if [ -f "$here/dict/$target.dict" ]; then dict="-dict=$here/dict/$target.dict"; fi
  echo "== fuzz_$target for ${seconds}s"
  # -timeout: one input taking seconds is a finding too (quadratic parsing).
  # shellcheck disable=SC2086
  if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$target-" $dict "$@" \
      "$work" "$here/corpus/$target" >"$build/$target.log" 2>&1; then
    status=1
    echo "run.sh: fuzz_$target FAILED; log: $build/$target.log" >&2
    grep -E 'ERROR:|property violated|SUMMARY|Test unit written|^  ' "$build/$target.log" | head -40 >&2 || true
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov: ' "$build/$target.log" | tail -3
  fi
done
exit $status
