// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

template <typename T>
FLYTE_TASK()
T twice(T x) { return x + x; }
int use = twice(1) + twice(2L);
// CHECK: template.cpp:[[@LINE-3]]:1: error: function template 'twice' cannot be a task: a task needs one concrete signature [task-scan-template]
// CHECK: 1 error and 0 warnings generated.
