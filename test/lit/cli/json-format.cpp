// --format json: diagnostics as one JSON array on stderr.
// RUN: not %task-scan --check --format json --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>
FLYTE_TASK(retries = -2)
void f() {}
// CHECK:      [
// CHECK-NEXT:   {
// CHECK-NEXT:     "check": "task-scan-argument-value",
// CHECK-NEXT:     "column": 1,
// CHECK-NEXT:     "file": "{{.*}}json-format.cpp",
// CHECK-NEXT:     "line": 4,
// CHECK-NEXT:     "message": "'retries' must be between 0 and 2147483647, got -2",
// CHECK-NEXT:     "notes": [],
// CHECK-NEXT:     "severity": "error"
// CHECK-NEXT:   }
// CHECK-NEXT: ]
