// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(cache = true)
void f() {}
// CHECK: cache-version.cpp:[[@LINE-2]]:1: error: 'cache = true' needs a 'cache_version' string [task-scan-cache-version]
