// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
static int f() { return 0; }
// CHECK: internal-linkage.cpp:[[@LINE-2]]:1: error: function 'f' has internal linkage (static or in an anonymous namespace); the generated entrypoint cannot call it, so it cannot be a task [task-scan-internal-linkage]
namespace {
FLYTE_TASK()
int g() { return 0; }
}
// CHECK: internal-linkage.cpp:[[@LINE-3]]:1: error: function '(anonymous namespace)::g' has internal linkage
