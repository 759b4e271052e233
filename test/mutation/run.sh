#!/bin/sh
# The standing mutation check: test/mutation/run.sh [options]
#
# Plants each bug of test/mutation/catalogue/*.mut in a scratch copy of the
# repository (HEAD by default, --work-tree for uncommitted edits), rebuilds it
# there, runs the tests the entry names and prints a table: caught or not,
# ending with "all caught" or the survivors (exit status 1). An entry whose
# original text is no longer in the file "does not apply", which fails too.
# `run.sh --check` only checks the catalogue against this tree (ctest runs it
# as mutation.catalogue). `run.sh --help` lists the options.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 -B "$here/mutate.py" "$@"
