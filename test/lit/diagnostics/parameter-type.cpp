// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s
#include <flyte/task.hpp>
#include <map>
#include <string>

FLYTE_TASK()
int f(std::map<int, int> counts, std::string &out, char c) { return 0; }
// CHECK: parameter-type.cpp:[[@LINE-1]]:26: error: parameter 'counts' has unsupported type 'std::map<int, int>'; supported: bool, integer types, float, double, std::string, std::filesystem::path and std::vector of those [task-scan-parameter-type]
// CHECK: parameter-type.cpp:[[@LINE-2]]:47: error: parameter 'out' of type 'std::string &' is not supported: pass by value or by const reference [task-scan-parameter-type]
// CHECK: parameter-type.cpp:[[@LINE-3]]:57: error: parameter 'c' has unsupported type 'char'
