// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(retries = "2")
void f() {}
// CHECK: argument-type.cpp:[[@LINE-2]]:1: error: 'retries' expects an integer, got a string [task-scan-argument-type]
FLYTE_TASK(cache = 1)
void g() {}
// CHECK: argument-type.cpp:[[@LINE-2]]:1: error: 'cache' expects a bool, got an integer [task-scan-argument-type]
