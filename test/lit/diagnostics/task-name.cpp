// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK(name = "bad name\"; RUN rm -rf /")
void f() {}
// CHECK: task-name.cpp:[[@LINE-2]]:1: error: task name 'bad name"; RUN rm -rf /' is not valid: use letters, digits, '_', '.' and '-', starting with a letter or '_' [task-scan-task-name]
