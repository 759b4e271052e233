// flyte/runtime/core.hpp - what every part of the runtime builds on
//
// The platform switches, the Task descriptor a generated entrypoint fills in, CoPilot's limits
// and the three kinds of failure (a bad value, a failed task, a usage error).
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_CORE_HPP
#define FLYTE_RUNTIME_CORE_HPP

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
// A crash of the task (SIGSEGV, SIGABRT, ...) still ends the log with its reason: a handler
// writes one prepared line with write(2), which is safe in a signal handler, and the process
// then dies by the same signal. POSIX only; elsewhere a crash says nothing.
#if defined(__unix__) || defined(__APPLE__)
#include <csignal>
#include <signal.h>
#include <unistd.h>
#define FLYTE_RUNTIME_CRASH_LINE 1
#else
#define FLYTE_RUNTIME_CRASH_LINE 0
#endif

// The runtime formats and parses floats with std::to_chars/std::from_chars where the standard
// library has them for floating point (libstdc++ 11+, MSVC), and falls back to
// snprintf/strtod elsewhere (older libc++). Defining FLYTE_RUNTIME_NO_FLOAT_CHARCONV forces the
// fallback, so that the tests can cover it.
#if defined(__cpp_lib_to_chars) && !defined(FLYTE_RUNTIME_NO_FLOAT_CHARCONV)
#define FLYTE_RUNTIME_FLOAT_CHARCONV 1
#else
#define FLYTE_RUNTIME_FLOAT_CHARCONV 0
#endif

namespace flyte::runtime {

class TaskIO;

/// One task of an executable: its Flyte name, the names of its inputs (so that a local run can
/// reject an `--arg` no input has), the names of its outputs (whether a Flyte run reports a
/// failure in `_ERROR` or by its exit status) and the generated function that runs it.
struct Task {
  const char* name;
  std::vector<const char*> inputs;
  std::vector<const char*> outputs;
  void (*run)(TaskIO&);
};

namespace detail {

namespace fs = std::filesystem;

/// CoPilot reads at most this many bytes of a primitive output.
inline constexpr std::size_t kMaxPrimitiveOutputBytes = 1024;

/// The name of the file that tells Flyte the task failed, and why.
inline constexpr const char* kErrorFileName = "_ERROR";

// --- Errors ------------------------------------------------------------------------------------

/// What is wrong with one value; the caller adds which input or output it belongs to.
class ValueError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A failure the runtime reports as the task's own (see TaskRunner::reportFailure): a missing or
/// malformed input, an output that cannot be written. The message names the input or output.
class TaskFailure : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A mistake on the command line (exit status 2).
class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_CORE_HPP
