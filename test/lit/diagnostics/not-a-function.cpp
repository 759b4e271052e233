// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
int counter = 0;
// CHECK: not-a-function.cpp:[[@LINE-2]]:1: error: FLYTE_TASK must stand before a function declaration [task-scan-not-a-function]
