// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(contaner_image = "{{.image.default}}")
void f() {}
// CHECK: unknown-key.cpp:[[@LINE-2]]:1: error: unknown FLYTE_TASK key 'contaner_image'; did you mean 'container_image'? [task-scan-unknown-key]
// CHECK-NEXT: FLYTE_TASK(contaner_image = "{{[{][{]}}.image.default{{[}][}]}}")
// CHECK-NEXT: ^
// CHECK: 1 error and 0 warnings generated.
