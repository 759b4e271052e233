// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
int sum(int n, ...) { return n; }
// CHECK: variadic.cpp:[[@LINE-2]]:1: error: variadic function 'sum' cannot be a task [task-scan-variadic]
