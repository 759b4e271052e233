// Input of inline-in-source.cpp (not a test: lit runs .cpp and .test only).
#pragma once
#include <flyte/task.hpp>
struct Holder {
  FLYTE_TASK() static long run(long x);
};
