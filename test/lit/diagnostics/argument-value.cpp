// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(retries = -1)
void f() {}
// CHECK: argument-value.cpp:[[@LINE-2]]:1: error: 'retries' must be between 0 and 2147483647, got -1 [task-scan-argument-value]
FLYTE_TASK(timeout = "90 seconds")
void g() {}
// CHECK: argument-value.cpp:[[@LINE-2]]:1: error: 'timeout' must be a positive duration such as "90s", "10m" or "1h30m", got "90 seconds" [task-scan-argument-value]
FLYTE_TASK(timeout = "30s1h")
void h() {}
// CHECK: argument-value.cpp:[[@LINE-2]]:1: error: 'timeout' must be a positive duration
