// A std::vector return, alone or in a tuple or pair, is an error at the return type: Flyte's
// raw-container data path (CoPilot) uploads only primitives and files, so the task would run and
// then fail on the cluster. The message says why and suggests a file output. Vector inputs stay fine.
// RUN: not %task-scan --check --image base:1 %s -- -std=c++17 2>&1 | FileCheck %s --implicit-check-not=error:
#include <flyte/task.hpp>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

FLYTE_TASK()
std::vector<std::string> words(std::vector<std::string> lines) { return lines; }
// CHECK: list-output.cpp:[[@LINE-1]]:1: error: task 'words' returns a list ('std::vector<std::string>'): Flyte's raw-container data path (CoPilot) uploads only primitives and files, so a list output would fail on the cluster after the task ran; return a std::filesystem::path to a file holding the elements instead [task-scan-list-output]
// CHECK-NEXT: std::vector<std::string> words(std::vector<std::string> lines) { return lines; }
// CHECK-NEXT: ^

FLYTE_TASK()
std::tuple<long, std::vector<bool>> counted(long n) { return {n, {}}; }
// CHECK: list-output.cpp:[[@LINE-1]]:1: error: task 'counted' returns a list ('std::vector<bool>'){{.*}}[task-scan-list-output]

FLYTE_TASK()
std::pair<std::vector<double>, double> scaled(double x) { return {{x}, x}; }
// CHECK: list-output.cpp:[[@LINE-1]]:1: error: task 'scaled' returns a list ('std::vector<double>'){{.*}}[task-scan-list-output]

using Rows = std::vector<long>;
FLYTE_TASK()
Rows rows() { return {}; }
// CHECK: list-output.cpp:[[@LINE-1]]:1: error: task 'rows' returns a list ('Rows'){{.*}}[task-scan-list-output]

// The suggested alternative scans clean, and so do list inputs.
FLYTE_TASK()
std::filesystem::path vocabulary(std::vector<std::string> lines) { return lines.front(); }
