// Flyte passes every input: a default argument never applies, so it is a
// warning at the annotation (with a note at the default), and the scan passes.
// RUN: %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
long add(long a, long b = 1) { return a + b; }
// CHECK: default-argument.cpp:[[@LINE-2]]:1: warning: the default argument of parameter 'b' of task 'add' is never used: Flyte passes every input, so 'b' must be given in every run [task-scan-default-argument]
// CHECK: default-argument.cpp:[[@LINE-2]]:23: note: default argument given here

// On the declaration; the definition inherits it and is not reported again.
FLYTE_TASK()
long scale(long x, long by = 2);
long scale(long x, long by) { return x * by; }
// CHECK: default-argument.cpp:[[@LINE-3]]:1: warning: the default argument of parameter 'by' of task 'scale' is never used
// CHECK: default-argument.cpp:[[@LINE-3]]:25: note: default argument given here

FLYTE_TASK()
long plain(long x) { return x; }
// CHECK: 0 errors and 2 warnings generated.
