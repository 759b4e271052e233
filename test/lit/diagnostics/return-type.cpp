// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>
#include <memory>
#include <tuple>

FLYTE_TASK()
std::unique_ptr<int> f() { return nullptr; }
// CHECK: return-type.cpp:[[@LINE-1]]:1: error: task 'f' returns unsupported type 'std::unique_ptr<int>'; supported: void, bool, integer types, float, double, std::string, std::filesystem::path, or std::tuple/std::pair of them [task-scan-return-type]
FLYTE_TASK()
std::tuple<int, std::tuple<int>> g() { return {}; }
// CHECK: return-type.cpp:[[@LINE-1]]:1: error: task 'g' returns unsupported type
