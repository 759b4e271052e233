// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(retries = 1 + 1)
void f() {}
// CHECK: annotation.cpp:[[@LINE-2]]:1: error: malformed FLYTE_TASK arguments: expected ',' after the value of 'retries', found '+' [task-scan-annotation]
FLYTE_TASK(container_image)
void g() {}
// CHECK: annotation.cpp:[[@LINE-2]]:1: error: malformed FLYTE_TASK arguments: expected '=' after 'container_image' [task-scan-annotation]
