// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

namespace images { const char *kMutable = "x:1"; }
FLYTE_TASK(container_image = images::kMissing)
void f() {}
// CHECK: constant.cpp:[[@LINE-2]]:1: error: value of 'container_image': 'images::kMissing' does not name a constant visible here [task-scan-constant]
FLYTE_TASK(container_image = images::kMutable)
void g() {}
// CHECK: constant.cpp:[[@LINE-2]]:1: error: value of 'container_image': 'images::kMutable' is not a constexpr constant [task-scan-constant]
