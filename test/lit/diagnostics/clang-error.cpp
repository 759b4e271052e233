// Broken C++ is reported with clang's message, located, and exit status 1.
// RUN: not %task-scan --check --strict-includes --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
// Without --strict-includes the missing header is a warning, and the error
// before it is still an error.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --check-prefix=TOLERANT
// TOLERANT: clang-error.cpp:{{[0-9]+}}:13: error: expected ')' [clang-diagnostic-error]
// TOLERANT: clang-error.cpp:{{[0-9]+}}:10: warning: 'does-not-exist.h' file not found: the file that includes it was not fully checked
// TOLERANT: 1 error and 2 warnings generated.
#include <flyte/task.hpp>

FLYTE_TASK()
int f(int x y);
// CHECK: clang-error.cpp:[[@LINE-1]]:13: error: expected ')' [clang-diagnostic-error]
// CHECK-NEXT: int f(int x y);
// CHECK-NEXT: {{^}}            ^
// CHECK-NEXT: clang-error.cpp:[[@LINE-4]]:6: note: to match this '('

#include "does-not-exist.h"
// CHECK: clang-error.cpp:[[@LINE-1]]:10: error: 'does-not-exist.h' file not found [clang-diagnostic-error]
