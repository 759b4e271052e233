// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>
#define GPU_TASK(...) FLYTE_TASK(container_image = "{{.image.gpu}}", __VA_ARGS__)

GPU_TASK(container_image = "other:1")
void f() {}
// CHECK: duplicate-key.cpp:[[@LINE-2]]:1: error: FLYTE_TASK key 'container_image' is given twice [task-scan-duplicate-key]
