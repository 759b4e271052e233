// flyte/runtime/runner.hpp - running a task, and main()
//
// The crash line (a crash still ends the log with its reason), the task runner (inputs, the
// call, outputs, `_ERROR`, the exit status) and the `main` a generated entrypoint returns.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_RUNNER_HPP
#define FLYTE_RUNTIME_RUNNER_HPP

#include "flyte/runtime/command_line.hpp"

namespace flyte::runtime {

namespace detail {

/// While a task runs: a crash prints `task NAME: crashed: SIGSEGV (invalid memory access)` as the
/// last line of stderr, then the process dies by that signal as it would have (exit status 128+N
/// in a container: a pod failure Flyte shows with the log's tail).
class CrashLine {
 public:
#if FLYTE_RUNTIME_CRASH_LINE
  explicit CrashLine(const Task& task) {
    std::string prefix = toOneLine("task " + std::string(task.name)).substr(0, sizeof(prefix_) - 16) + ": crashed: ";
    prefix.copy(prefix_, prefix.size());
    prefixLength_ = prefix.size();
    struct sigaction action {};
    action.sa_handler = &CrashLine::handle;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignalCount; ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  // Puts back the handlers that were there before (a sanitizer's, a crash reporter's the task's
  // program installed), not the default: the process may go on after the task.
  ~CrashLine() {
    for (std::size_t i = 0; i < kSignalCount; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  CrashLine(const CrashLine&) = delete;
  CrashLine& operator=(const CrashLine&) = delete;

 private:
  static constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  static constexpr std::size_t kSignalCount = sizeof kSignals / sizeof kSignals[0];
  struct sigaction previous_[kSignalCount] {};

  template <std::size_t N>
  static void put(const char (&text)[N]) {
    put(text, N - 1);
  }
  static void put(const char* text, std::size_t size) {
    while (size > 0) {
      ssize_t written = ::write(2, text, size);
      if (written <= 0) return;
      text += written;
      size -= static_cast<std::size_t>(written);
    }
  }

  static void handle(int signal) {
    put("\n");  // the task may have left a line unfinished
    put(prefix_, prefixLength_);
    switch (signal) {
      case SIGSEGV: put("SIGSEGV (invalid memory access)\n"); break;
      case SIGBUS: put("SIGBUS (invalid memory access)\n"); break;
      case SIGFPE: put("SIGFPE (arithmetic error, such as an integer division by zero)\n"); break;
      case SIGILL: put("SIGILL (illegal instruction)\n"); break;
      default: put("SIGABRT (aborted: a failed assert or std::abort)\n"); break;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }

  static inline char prefix_[512];
  static inline std::size_t prefixLength_ = 0;
#else
  explicit CrashLine(const Task&) {}
#endif
};

class TaskRunner {
 public:
  /// Runs the task and writes (or prints) its outputs; returns the exit status.
  static int run(const CommandLine& line) {
    const Task& task = *line.task;
    TaskIO io(line.inputDir, line.arguments, line.emptyLists);
    std::string failure;
    try {
      if (line.outputDir) removeStaleError(*line.outputDir);
      CrashLine crashLine(task);
      task.run(io);
      if (line.outputDir) {
        writeOutputs(io.outputs_, *line.outputDir);
      } else {
        printOutputs(io.outputs_, std::cout);
      }
      return 0;
    } catch (const UsageError&) {
      throw;
    } catch (const TaskFailure& error) {
      failure = error.what();  // the runtime's own, naming the input or output
    } catch (const std::exception& error) {
      failure = std::string("exception: ") + error.what();
    } catch (...) {
      failure = "unknown exception";
    }
    return reportFailure(task, failure, line.outputDir);
  }

 private:
  /// A successful rerun into the same folder must not look failed.
  static void removeStaleError(const fs::path& outputDir) {
    std::error_code ignored;
    fs::remove(outputDir / kErrorFileName, ignored);
  }

  /// Reports a failure the way the caller sees it and returns the exit status: one line on
  /// stderr (the container log) always. A local `--arg` run exits 1. A Flyte run of a task with
  /// outputs writes `_ERROR` and exits 0: CoPilot's uploader turns `_ERROR` into the task's user
  /// error (its retries apply, its text is shown), while a non-zero exit would make Flyte see a
  /// system error (see the comment at the top). A task without outputs has no uploader: it exits
  /// 1, and writes `_ERROR` only into an outputs folder that exists (a local runner's).
  static int reportFailure(const Task& task, const std::string& failure, const std::optional<fs::path>& outputDir) {
    std::string message = toOneLine("task " + std::string(task.name) + ": " + failure);
    int status = writeError(task, message, outputDir);
    // Last, after anything about _ERROR itself: the line the log shows last.
    std::cerr << message << '\n';
    return status;
  }

  /// Writes `_ERROR` where Flyte (or a local runner) reads it; returns the exit status.
  static int writeError(const Task& task, const std::string& message, const std::optional<fs::path>& outputDir) {
    if (!outputDir) return 1;
    bool hasOutputs = !task.outputs.empty();
    try {
      std::error_code error;
      if (hasOutputs) {
        fs::create_directories(*outputDir, error);
      } else if (!fs::is_directory(*outputDir, error)) {
        return 1;
      }
      writeFileAtomically(*outputDir / kErrorFileName, message + '\n');
      return hasOutputs ? 0 : 1;
    } catch (const std::exception& error) {
      std::cerr << toOneLine(std::string("cannot report the failure in ") + kErrorFileName + ": " + error.what())
                << '\n';
      return 1;
    }
  }
};

/// `--check-tasks NAME...`: the self-check each generated Dockerfile runs while the image is
/// built (exec form, no shell): that the executable starts on the image's base at all (else the
/// loader's message fails the build) and holds exactly the image's tasks. Exit 1 on a mismatch.
inline int checkTasks(int argc, char** argv, const Task* tasks, std::size_t count) {
  std::vector<std::string> expected(argv + 2, argv + argc), actual;
  for (std::size_t i = 0; i < count; ++i) actual.emplace_back(tasks[i].name);
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  if (expected == actual) {
    std::cout << programName(argc, argv) << ": starts here and holds its " << count << " task(s)\n";
    return 0;
  }
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return "[" + out + "]";
  };
  std::cerr << programName(argc, argv) << ": holds the tasks " << join(actual) << " but the image expects "
            << join(expected) << ": it was not built from this image's entrypoint (build it again and stage it)\n";
  return 1;
}

inline int runMain(int argc, char** argv, const Task* tasks, std::size_t count) {
  std::string program = programName(argc, argv);
  if (argc >= 2 && std::string_view(argv[1]) == "--check-tasks") return checkTasks(argc, argv, tasks, count);
  try {
    CommandLine line = parseCommandLine(argc, argv, tasks, count);
    switch (line.command) {
      case CommandLine::Command::Help:
        printUsage(std::cout, program, tasks, count);
        return 0;
      case CommandLine::Command::List:
        for (std::size_t i = 0; i < count; ++i) std::cout << tasks[i].name << '\n';
        return 0;
      case CommandLine::Command::Run:
        return TaskRunner::run(line);
    }
  } catch (const UsageError& error) {
    // One line, the reason last of the log (see the comment at the top).
    std::cerr << program << ": " << toOneLine(error.what()) << " (see '" << program << " --help')\n";
  }
  return 2;
}

}  // namespace detail

/// The whole `main` of a task executable: `return flyte::runtime::main(argc, argv, kTasks);`.
/// Returns the exit status: 0 success or a failure reported in `_ERROR` (a Flyte run of a task
/// with outputs), 1 the task failed, 2 usage error.
template <std::size_t N>
int main(int argc, char** argv, const Task (&tasks)[N]) {
  return detail::runMain(argc, argv, tasks, N);
}

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_RUNNER_HPP
