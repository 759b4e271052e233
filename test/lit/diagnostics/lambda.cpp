// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
auto square = [](int x) { return x * x; };
// CHECK: lambda.cpp:[[@LINE-2]]:1: error: 'square' is a lambda; a task must be a free function or a static member function [task-scan-lambda]
