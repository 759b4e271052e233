// Every message names a task the one way the manifest, `--list` and Flyte do:
// its task name (`name = ...`, else the qualified C++ name with `::` written
// `.`), never its C++ spelling. Functions that cannot be tasks at all are
// named as C++ functions.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --implicit-check-not=::listout
#include <flyte/task.hpp>
#include <string>
#include <vector>

namespace ml {
FLYTE_TASK()
std::vector<std::string> listout(long n) { return {}; }
// CHECK: task-name-form.cpp:[[@LINE-1]]:1: error: task 'ml.listout' returns a list

FLYTE_TASK(name = "ml-add")
long add(long a, long b = 1) { return a + b; }
// CHECK: task-name-form.cpp:[[@LINE-2]]:1: warning: the default argument of parameter 'b' of task 'ml-add' is never used

namespace detail {
FLYTE_TASK()
int *raw(long) { return nullptr; }
// CHECK: task-name-form.cpp:[[@LINE-1]]:1: error: task 'ml.detail.raw' returns unsupported type 'int *'
// CHECK: task-name-form.cpp:[[@LINE-2]]:10: error: every parameter of task 'ml.detail.raw' needs a name
} // namespace detail

struct Model {
  FLYTE_TASK()
  long fit(long epochs);
};
// CHECK: task-name-form.cpp:[[@LINE-3]]:3: error: 'ml::Model::fit' is a non-static member function
} // namespace ml
