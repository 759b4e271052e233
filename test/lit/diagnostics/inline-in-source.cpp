// An inline (or constexpr) task defined in a source file is emitted only where
// it is used: the entrypoint could neither include the file nor link a call.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>

FLYTE_TASK()
inline long add_one(long x) { return x + 1; }
// CHECK: inline-in-source.cpp:[[@LINE-2]]:1: error: task 'add_one' is inline and defined in a source file: an inline function is emitted only where it is used, so the generated entrypoint could not call it; define it in a header, or drop 'inline' [task-scan-inline-in-source]
// CHECK: inline-in-source.cpp:[[@LINE-2]]:13: note: defined here

FLYTE_TASK()
constexpr long twice(long x) { return 2 * x; }
// CHECK: inline-in-source.cpp:[[@LINE-2]]:1: error: task 'twice' is constexpr (so inline) and defined in a source file: {{.*}}; define it in a header, or drop 'constexpr' [task-scan-inline-in-source]

// A class in a header, an inline member defined out of class in the source.
#include "inline-in-source.hpp"
inline long Holder::run(long x) { return x; }
// CHECK: inline-in-source.hpp:5:3: error: task 'Holder.run' is inline and defined in a source file
// CHECK: 3 errors and 0 warnings generated.
