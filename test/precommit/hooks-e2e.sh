#!/bin/sh
# hooks-e2e.sh <dir holding task-scan> <task-scan source dir>
#
# Uses task-scan's .pre-commit-hooks.yaml the way a project does: a hook
# repository (a git clone holding the hooks file, pinned by `rev:`) named in
# the project's .pre-commit-config.yaml, hooks installed with
# `pre-commit install`, and plain `git commit`s that must be refused (bad
# image name, bad key, unsupported signature, stale or missing generated
# files) or accepted. Everything lives in a temporary folder removed at
# exit; HOME, PRE_COMMIT_HOME and git's global config point into it, so
# nothing leaks into or out of the user's environment.
set -u
tool_dir=${1:?usage: hooks-e2e.sh <dir holding task-scan> <source dir>}
src_dir=${2:?usage: hooks-e2e.sh <dir holding task-scan> <source dir>}

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "SKIP: pre-commit is not installed (apt-get install pre-commit)"
  exit 77
fi
if [ ! -x "$tool_dir/task-scan" ]; then
  echo "FAIL: no task-scan in $tool_dir" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/task-scan-precommit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# A clean environment: no user or system git config, no pre-commit cache,
# no git variables of an enclosing hook, the built task-scan first on PATH.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
      GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CEILING_DIRECTORIES \
      FLYTE_INTERNAL_IMAGE PRE_COMMIT PRE_COMMIT_ALLOW_NO_CONFIG SKIP
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/pre-commit-home" \
       XDG_CACHE_HOME="$tmp/cache" GIT_CONFIG_NOSYSTEM=1 \
       GIT_CONFIG_GLOBAL="$tmp/home/.gitconfig" \
       GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com \
       GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com \
       PATH="$tool_dir:$PATH" NO_COLOR=1 TERM=dumb
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

failures=0
log=$tmp/out.log
pass() { echo "PASS: $1"; }
fail() {
  echo "FAIL: $1"
  sed 's/^/  | /' "$log"
  failures=$((failures + 1))
}
# expect_in_log <what> <fixed string>...: every string occurs in the log.
expect_in_log() {
  what=$1; shift
  for s in "$@"; do
    if ! grep -qF -- "$s" "$log"; then
      fail "$what: output lacks '$s'"
      return 1
    fi
  done
  pass "$what"
}
commit_ok() { # commit_ok <what> <message>
  if git commit -q -m "$2" >"$log" 2>&1; then pass "$1"; else fail "$1: commit refused"; fi
}
commit_refused() { # commit_refused <what> <message>: HEAD must not move
  before=$(git rev-parse -q --verify HEAD)
  if git commit -q -m "$2" >"$log" 2>&1; then
    fail "$1: commit accepted"
    return 1
  fi
  if [ "$(git rev-parse -q --verify HEAD)" != "$before" ]; then
    fail "$1: HEAD moved"
    return 1
  fi
  return 0
}

# --- The hook repository: this checkout's .pre-commit-hooks.yaml, committed.
hooks=$tmp/hooks
mkdir -p "$hooks"
cp "$src_dir/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -q -m "task-scan hooks"
rev=$(git -C "$hooks" rev-parse HEAD)

# --- A task project.
proj=$tmp/proj
mkdir -p "$proj/src" "$proj/include" "$proj/build"
cd "$proj" || exit 1
git init -q
cat > flyte.yaml <<'YAML'
images:
  default: ghcr.io/acme/flyte-cpp:1.4.2
  gpu: ghcr.io/acme/flyte-cpp-gpu:1.4.2
  spark: ghcr.io/acme/spark:3.5
YAML
cat > include/images.hpp <<'CPP'
#pragma once
#include <flyte/task.hpp>
namespace images {
constexpr const char *kGpu = "{{.image.gpu}}";
}
#define GPU_TASK(...) FLYTE_TASK(container_image = images::kGpu, __VA_ARGS__)
CPP
cat > src/train.cpp <<'CPP'
#include "images.hpp"
#include <string>

namespace ml {
FLYTE_TASK(container_image = "{{.image.gpu}}", retries = 2)
double train(int epochs) { return epochs * 0.5; }
}
CPP
cat > src/etl.cpp <<'CPP'
#include <flyte/task.hpp>
#include <string>

namespace etl {
FLYTE_TASK()
std::string clean(const std::string &text) { return text; }
}
CPP
# The compile database (what `-p build` reads); task-scan finds
# flyte/task.hpp itself.
cat > build/compile_commands.json <<JSON
[
  {"directory": "$proj", "file": "src/train.cpp",
   "arguments": ["c++", "-std=c++17", "-Iinclude", "-c", "src/train.cpp"]},
  {"directory": "$proj", "file": "src/etl.cpp",
   "arguments": ["c++", "-std=c++17", "-Iinclude", "-c", "src/etl.cpp"]}
]
JSON
echo "build/" > .gitignore
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: task-scan-check
        args: [--config, flyte.yaml, -p, build]
      - id: task-scan-generated
        args: [--config, flyte.yaml, --output-dir, gen, src/train.cpp, src/etl.cpp,
               --, -std=c++17, -Iinclude]
YAML

if pre-commit install >"$log" 2>&1; then pass "pre-commit install"; else fail "pre-commit install"; fi
if task-scan --config flyte.yaml --output-dir gen src/train.cpp src/etl.cpp -- -std=c++17 -Iinclude >"$log" 2>&1
then pass "generate the files to check in"; else fail "task-scan --output-dir"; fi

# 1. A good commit passes both hooks (offline: the hook repo is a local clone).
git add -A
commit_ok "good commit" "tasks"
expect_in_log "both hooks ran" "task-scan (FLYTE_TASK annotations and images)" \
  "task-scan (generated files up to date)" "Passed"

# 2. A misspelt image name is refused, compiler-style, with the images.
sed -i 's/{{.image.gpu}}/{{.image.gpux}}/' src/train.cpp
git add src/train.cpp
if commit_refused "misspelt image" "typo"; then
  expect_in_log "misspelt image: file:line message, configured images, suggestion" \
    "- hook id: task-scan-check" \
    "src/train.cpp:5:1: error: task 'ml.train': unknown image 'gpux' in container_image; configured images: default, gpu, spark [task-scan-unknown-image]" \
    "src/train.cpp:5:1: note: did you mean 'gpu'?"
fi

# 2b. The same with the flags in compile_flags.txt (`-p .`), for projects
#     without a compile database.
printf -- '-std=c++17\n-Iinclude\n' > compile_flags.txt
sed -i 's/args: \[--config, flyte.yaml, -p, build\]/args: [--config, flyte.yaml, -p, .]/' .pre-commit-config.yaml
git add compile_flags.txt .pre-commit-config.yaml src/train.cpp
if commit_refused "misspelt image, compile_flags.txt" "typo"; then
  expect_in_log "misspelt image, compile_flags.txt: reported" \
    "src/train.cpp:5:1: error: task 'ml.train': unknown image 'gpux'"
fi

# 2c. Flags after `--` in args: pre-commit appends the file names after
#     them, so task-scan must take the sources that follow `--`.
sed -i 's/args: \[--config, flyte.yaml, -p, .\]/args: [--config, flyte.yaml, --, -std=c++17, -Iinclude]/' .pre-commit-config.yaml
git add .pre-commit-config.yaml src/train.cpp
if commit_refused "misspelt image, flags after --" "typo"; then
  expect_in_log "misspelt image, flags after --: reported" \
    "src/train.cpp:5:1: error: task 'ml.train': unknown image 'gpux'"
fi

# 3. A misspelt key and an unsupported signature in two files: one run of
#    task-scan reports both.
sed -i 's/{{.image.gpux}}/{{.image.gpu}}/; s/retries = 2/retires = 2/' src/train.cpp
cat > src/bad.cpp <<'CPP'
#include <flyte/task.hpp>
#include <map>
FLYTE_TASK()
int count(std::map<int, int> m) { return m.size(); }
CPP
git add src/train.cpp src/bad.cpp
if commit_refused "bad key and unsupported signature" "more typos"; then
  expect_in_log "bad key and unsupported signature: both reported" \
    "src/train.cpp:5:" "unknown FLYTE_TASK key 'retires'; did you mean 'retries'? [task-scan-unknown-key]" \
    "src/bad.cpp:4:" "[task-scan-parameter-type]"
fi
git rm -q --cached src/bad.cpp && rm src/bad.cpp
sed -i 's/retires = 2/retries = 2/' src/train.cpp

# 4. A valid change that moves a task to another image: the sources are
#    fine, the checked-in generated files are stale.
sed -i 's/{{.image.gpu}}/{{.image.spark}}/' src/train.cpp
git add src/train.cpp
if commit_refused "stale generated files" "move train to spark"; then
  expect_in_log "stale generated files: reported by task-scan-generated only" \
    "- hook id: task-scan-generated" \
    "gen/manifest.json: error: generated file is out of date; re-run task-scan with --output-dir to update it [task-scan-stale-output]" \
    "gen/images/spark/entrypoint.cpp: error: generated file is missing" \
    "gen/images/gpu/entrypoint.cpp: error: generated file is no longer generated"
  if grep -qF -- "- hook id: task-scan-check" "$log"; then
    fail "stale generated files: task-scan-check failed too"
  fi
fi

# 5. Regenerated: accepted.
task-scan --config flyte.yaml --output-dir gen src/train.cpp src/etl.cpp -- -std=c++17 -Iinclude >"$log" 2>&1
git add -A
commit_ok "regenerated files" "move train to spark"

# 6. Removing a generated file (no C++ file in the commit) is caught too.
git rm -q gen/manifest.json
if commit_refused "removed generated file" "oops"; then
  expect_in_log "removed generated file: reported" \
    "gen/manifest.json: error: generated file is missing"
fi
git reset -q HEAD gen/manifest.json && git checkout -q -- gen/manifest.json

# 6b. A commit of a header alone: pre-commit passes it as a source. A static
#     member task's class and an inline task in it are in a header, not a
#     false error; with flags after `--`, then with -p build (whose database
#     lists no header), the project's .pre-commit-config.yaml in the commit.
cat > include/stats.hpp <<'CPP'
#pragma once
#include <flyte/task.hpp>
#include <vector>
namespace stats {
struct Stats {
  FLYTE_TASK() static double mean(std::vector<double> xs) { return xs.empty() ? 0.0 : xs[0]; }
};
FLYTE_TASK() inline long add_one(long x) { return x + 1; }
}
CPP
git add include/stats.hpp
commit_ok "header alone, flags after --" "stats header"
if grep -qE -- "annotations and images\)\.+Passed" "$log"; then pass "header alone, flags after --: task-scan-check ran"
else fail "header alone, flags after --: task-scan-check did not run"; fi
sed -i 's/args: \[--config, flyte.yaml, --, -std=c++17, -Iinclude\]/args: [--config, flyte.yaml, -p, build]/' .pre-commit-config.yaml
sed -i 's/return x + 1;/return x + 2;/' include/stats.hpp
git add include/stats.hpp .pre-commit-config.yaml
commit_ok "header alone, -p build" "stats header edit"
if grep -qE -- "annotations and images\)\.+Passed" "$log"; then pass "header alone, -p build: task-scan-check ran"
else fail "header alone, -p build: task-scan-check did not run"; fi

# 6c. A commit of the image configuration alone that removes an image a task
#     uses (ml.train runs in 'spark'): task-scan-check checks every source of
#     the compile database, not only the files in the commit.
sed -i '/spark:/d' flyte.yaml
git add flyte.yaml
if commit_refused "configuration alone, image removed" "drop spark"; then
  expect_in_log "configuration alone, image removed: reported by task-scan-check" \
    "- hook id: task-scan-check" \
    "src/train.cpp:5:1: error: task 'ml.train': unknown image 'spark' in container_image"
fi
git reset -q HEAD flyte.yaml && git checkout -q -- flyte.yaml

# 6d. A fresh clone, before any build: a new source includes a header the
#     build generates (protobuf's point.pb.h). task-scan-check checks what
#     it can (the annotation and its image), says which file was not fully
#     checked and why, and lets the commit through; a bad image in that
#     same file still stops it. (--strict-includes, for CI after a build,
#     would make the missing header an error.)
cat > src/geo.cpp <<'CPP'
#include "point.pb.h"
#include <flyte/task.hpp>
FLYTE_TASK(container_image = "{{.image.gpu}}")
double norm(double x, double y) { return x + y; }
CPP
git add src/geo.cpp
commit_ok "generated header missing" "geo"
# (pre-commit shows a passing hook's output with --verbose only.)
pre-commit run task-scan-check --verbose --files src/geo.cpp >"$log" 2>&1
expect_in_log "generated header missing: warned, not refused" "Passed" \
  "src/geo.cpp:1:10: warning: 'point.pb.h' file not found: the file that includes it was not fully checked" \
  "[task-scan-incomplete-check]"
sed -i 's/{{.image.gpu}}/{{.image.gpux}}/' src/geo.cpp
git add src/geo.cpp
if commit_refused "generated header missing, bad image" "geo typo"; then
  expect_in_log "generated header missing, bad image: reported" \
    "src/geo.cpp:3:1: error: task 'norm': unknown image 'gpux' in container_image"
fi
git reset -q HEAD src/geo.cpp && git checkout -q -- src/geo.cpp

# 6e. The same without a compile database (README's form with the flags
#     after `--`, for a repository whose build tree is not checked in): a
#     commit of the configuration alone that deletes the `gpu:` line is
#     refused, every C and C++ file git tracks checked with the hook's flags
#     (geo.cpp's task runs in 'gpu'); a file git does not track is not.
sed -i 's/args: \[--config, flyte.yaml, -p, build\]/args: [--config, flyte.yaml, --, -std=c++17, -Iinclude]/' .pre-commit-config.yaml
git add .pre-commit-config.yaml
commit_ok "hook flags after --, no database" "no database"
cat > src/scratch.cpp <<'CPP'
#include <flyte/task.hpp>
FLYTE_TASK(container_image = "{{.image.nowhere}}")
int scratch(int x) { return x; }
CPP
sed -i '/gpu:/d' flyte.yaml
git add flyte.yaml
if commit_refused "configuration alone, no database, image removed" "drop gpu"; then
  expect_in_log "configuration alone, no database: git's files checked" \
    "- hook id: task-scan-check" \
    "src/geo.cpp:3:1: error: task 'norm': unknown image 'gpu' in container_image"
  if grep -qF -- "src/scratch.cpp" "$log"; then
    fail "configuration alone, no database: an untracked file was checked"
  fi
fi
rm src/scratch.cpp
git reset -q HEAD flyte.yaml && git checkout -q -- flyte.yaml

# 7. `pre-commit try-repo` tries the hooks without a config entry (with the
#    default image from the environment, as flytekit reads it).
if FLYTE_INTERNAL_IMAGE=ghcr.io/acme/flyte-cpp:1.4.2 \
   pre-commit try-repo "$hooks" task-scan-check --files src/etl.cpp >"$log" 2>&1
then pass "pre-commit try-repo"; else fail "pre-commit try-repo"; fi

# Nothing escaped into the real home or cache.
if [ -d "$PRE_COMMIT_HOME" ]; then pass "pre-commit cache in the temporary folder"
else echo "no cache" >"$log"; fail "PRE_COMMIT_HOME unused"; fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all pre-commit checks passed"
