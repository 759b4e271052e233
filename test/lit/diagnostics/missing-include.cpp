// A missing include in a file the prefilter reads is reported once, as
// task-scan's own located error, without clang's "N error generated." line.
// RUN: not %task-scan --check --strict-includes --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --implicit-check-not="error generated"
// Without --strict-includes (pre-commit before a build): a warning.
// RUN: %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --check-prefix=TOLERANT
// TOLERANT: missing-include.cpp:[[@LINE+2]]:10: warning: 'missing-header.h' file not found: the file that includes it was not fully checked
// TOLERANT: 0 errors and 1 warning generated.
#include "missing-header.h"
int x;
// CHECK: missing-include.cpp:[[@LINE-2]]:10: error: 'missing-header.h' file not found [clang-diagnostic-error]
// CHECK: 1 error and 0 warnings generated.
