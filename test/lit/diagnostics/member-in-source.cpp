// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

struct Local {
  FLYTE_TASK() static int run() { return 1; }
};
// CHECK: member-in-source.cpp:[[@LINE-2]]:3: error: class 'Local' of static member task 'Local.run' must be defined in a header so the generated entrypoint can include it [task-scan-member-in-source]
// CHECK: member-in-source.cpp:[[@LINE-4]]:8: note: class defined here
