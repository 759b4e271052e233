// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

struct Model {
  FLYTE_TASK()
  double predict(double x) { return x; }
};
// CHECK: member-function.cpp:[[@LINE-3]]:3: error: 'Model::predict' is a non-static member function; a task must be a free function or a static member function [task-scan-member-function]
