// Broken C++ is reported with clang's message, located, and exit status 1.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
int f(int x y);
// CHECK: clang-error.cpp:[[@LINE-1]]:13: error: expected ')' [clang-diagnostic-error]
// CHECK-NEXT: int f(int x y);
// CHECK-NEXT: {{^}}            ^
// CHECK-NEXT: clang-error.cpp:[[@LINE-4]]:6: note: to match this '('

#include "does-not-exist.h"
// CHECK: clang-error.cpp:[[@LINE-1]]:10: error: 'does-not-exist.h' file not found [clang-diagnostic-error]
