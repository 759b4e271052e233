// A warning is silenced where it stands with clang-tidy's comments: NOLINT on
// its line, NOLINTNEXTLINE on the line before, each for every check or for
// the checks it names. An error is never silenced; a NOLINT for another
// check silences nothing. Silenced warnings are not made errors either.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: not %task-scan --warnings-as-errors --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --check-prefix=PROMOTED --implicit-check-not=error:
#include <flyte/task.hpp>
#include <vector>

FLYTE_TASK() // NOLINT(task-scan-default-argument)
long add(long a, long b = 1) { return a + b; }

// NOLINTNEXTLINE
FLYTE_TASK()
long sub(long a, long b = 1) { return a - b; }

FLYTE_TASK() // NOLINT(task-scan-header-definition)
long mul(long a, long b = 2) { return a * b; }
// CHECK: nolint.cpp:[[@LINE-2]]:1: warning: the default argument of parameter 'b' of task 'mul' is never used
// PROMOTED: nolint.cpp:[[@LINE-3]]:1: error: the default argument of parameter 'b' of task 'mul' is never used

FLYTE_TASK() // NOLINT
std::vector<long> many(long n) { return {}; }
// CHECK: nolint.cpp:[[@LINE-1]]:1: error: task 'many' returns a list
// PROMOTED: nolint.cpp:[[@LINE-2]]:1: error: task 'many' returns a list
