// A consteval function runs only while compiling: no executable can call it.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++20 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
consteval long answer(long x) { return x; }
// CHECK: consteval.cpp:[[@LINE-2]]:1: error: consteval function 'answer' cannot be a task: it runs only while compiling [task-scan-consteval]
// CHECK: 1 error and 0 warnings generated.
