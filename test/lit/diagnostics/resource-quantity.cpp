// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(requests_mem = "4 GB", requests_cpu = 2, limits_gpu = "1")
void f() {}
// CHECK: resource-quantity.cpp:[[@LINE-2]]:1: error: 'requests_mem' must be a Kubernetes quantity such as "500m", "2" or "4Gi", got "4 GB" [task-scan-resource-quantity]
// CHECK-NEXT: {{^}}FLYTE_TASK(requests_mem
// CHECK: 1 error and 0 warnings generated.
