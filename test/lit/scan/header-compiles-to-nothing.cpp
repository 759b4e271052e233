// flyte/task.hpp costs nothing in an ordinary build: no warning under the
// strictest flags with GCC or Clang, and no trace in the object file.
// RUN: %cxx -std=c++17 -Wall -Wextra -Wpedantic -Werror -I%flyte-include -c %s -o %t.gcc.o
// RUN: clang++-19 -std=c++17 -Wall -Wextra -Wpedantic -Weverything -Wno-c++98-compat -Wno-c++98-compat-pedantic -Wno-missing-prototypes -Werror -I%flyte-include -c %s -o %t.clang.o
// RUN: not grep -q flyte.task %t.gcc.o
// RUN: not grep -q flyte.task %t.clang.o
// In a scan the same source is a task.
// RUN: %task-scan --list --image base:1 %s -- -std=c++17 | FileCheck %s
// CHECK: wrapped  base:1
#include <flyte/task.hpp>

#define MY_TASK(...) FLYTE_TASK(__VA_ARGS__)

FLYTE_TASK()
int plain(int x) { return x; }

MY_TASK()
int wrapped(int x) { return x; }
