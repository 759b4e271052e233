#!/bin/sh
# hostile-tree.sh: creates, in the current folder, sources and headers whose
# paths hold what no generated file may pass on raw (quotes, a newline,
# `$(...)`, backticks, `;RUN ...`, a backslash, a non-UTF-8 byte). Names
# that a test file cannot spell are made here with printf.
#
# hostile-tree.sh scan-bad-headers <task-scan command...>: runs the command
# on bad/*.cpp, whose classes live in headers that only -I can reach (a
# folder with a newline, one with a quote).
# The hostile text is meant literally:
# shellcheck disable=SC1003,SC2016
set -eu
make_task() { # make_task <file> <task name>
  printf '#include <flyte/task.hpp>\n\nFLYTE_TASK(name = "%s")\nint %s(int x) { return x; }\n' "$2" "$2" > "$1"
}
make_member() { # make_member <header> <task name>
  printf '#pragma once\n#include <flyte/task.hpp>\nstruct K_%s {\n  FLYTE_TASK(name = "%s")\n  static int run(int x) { return x; }\n};\n' "$2" "$2" > "$1"
}

if [ "${1:-}" = scan-bad-headers ]; then
  shift
  exec "$@" bad/newline.cpp bad/quote.cpp -- -std=c++17 \
    "-I$(printf 'inc/nl\nRUN curl evil')" '-Iinc/q"uote'
fi

mkdir -p src bad inc 'src/we"ird' 'src/dir\' 'inc/$(id) `x`;RUN curl' \
  "$(printf 'inc/nl\nRUN curl evil')" 'inc/q"uote'
cat > flyte.yaml <<'YAML'
images:
  default: ghcr.io/acme/base:1
YAML
make_task 'src/we"ird/$(id)`x`;RUN curl.cpp' we_ird
make_task "$(printf 'src/new\nRUN curl evil.cpp')" new_line
make_task "$(printf 'src/bad\377.cpp')" bad_byte
make_task 'src/dir\/t.cpp' back_slash
make_member 'inc/$(id) `x`;RUN curl/k.hpp' member
printf '#include "../inc/$(id) `x`;RUN curl/k.hpp"\n' > src/member.cpp
make_member "$(printf 'inc/nl\nRUN curl evil')/k2.hpp" newline_header
printf '#include <k2.hpp>\n' > bad/newline.cpp
make_member 'inc/q"uote/k3.hpp' quote_header
printf '#include <k3.hpp>\n' > bad/quote.cpp
