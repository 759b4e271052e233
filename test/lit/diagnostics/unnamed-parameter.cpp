// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
int f(int a, double) { return a; }
// CHECK: unnamed-parameter.cpp:[[@LINE-1]]:14: error: every parameter of task 'f' needs a name (it is the Flyte input's name) [task-scan-unnamed-parameter]
