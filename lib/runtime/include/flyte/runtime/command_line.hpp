// flyte/runtime/command_line.hpp - the task executable's command line
//
// `--list`, `--check-tasks`, `run TASK --inputs/--outputs` and the local `--arg` form, with their
// usage errors.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_COMMAND_LINE_HPP
#define FLYTE_RUNTIME_COMMAND_LINE_HPP

#include "flyte/runtime/task_io.hpp"

namespace flyte::runtime {

namespace detail {

struct CommandLine {
  enum class Command { Help, List, Run };
  Command command = Command::Help;
  const Task* task = nullptr;
  std::optional<fs::path> inputDir;
  std::optional<fs::path> outputDir;
  std::vector<std::pair<std::string, std::string>> arguments;
  std::vector<std::string> emptyLists;

  bool hasArguments() const { return !arguments.empty() || !emptyLists.empty(); }
};

inline std::string programName(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr || *argv[0] == '\0') return "task";
  return fs::path(argv[0]).filename().string();
}

inline void printUsage(std::ostream& out, const std::string& program, const Task* tasks, std::size_t count) {
  out << "usage: " << program << " run TASK --inputs DIR --outputs DIR\n"
      << "       " << program << " run TASK [--arg INPUT=VALUE]... [--empty INPUT]...\n"
      << "       " << program << " --list | --help\n"
      << "\n"
      << "Runs a C++ Flyte task built into this executable.\n"
      << "\n"
      << "  run TASK --inputs DIR --outputs DIR\n"
      << "      Run TASK as a Flyte raw container: read each input from DIR/<input> (a list from\n"
      << "      DIR/<input>/0, DIR/<input>/1, ...), write each output to DIR/<output>.\n"
      << "      A task with outputs reports a failure in <outputs>/_ERROR and exits 0, as\n"
      << "      Flyte's CoPilot needs; a task without outputs exits 1.\n"
      << "  run TASK --arg INPUT=VALUE ...\n"
      << "      Run TASK locally; repeat --arg once per element of a list input, or\n"
      << "      give --empty INPUT for an empty list.\n"
      << "      Outputs are printed as NAME=VALUE, one per line.\n"
      << "  --list    Print the task names, one per line.\n"
      << "  --check-tasks NAME...\n"
      << "            Exit 0 when the tasks are exactly NAME... (an image build's self-check).\n"
      << "  --help    Print this help.\n"
      << "\n"
      << "Exit status: 0 success (or a failure reported in _ERROR), 1 the task failed,\n"
      << "2 usage error.\n"
      << "\n"
      << "Tasks:\n";
  for (std::size_t i = 0; i < count; ++i) {
    out << "  " << tasks[i].name << '(' << joinNames(tasks[i].inputs) << ")\n";
  }
}

inline const Task& findTask(std::string_view name, const Task* tasks, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (name == tasks[i].name) return tasks[i];
  }
  std::vector<const char*> names;
  for (std::size_t i = 0; i < count; ++i) names.push_back(tasks[i].name);
  throw UsageError("unknown task '" + std::string(name) + "'; available tasks: " + joinNames(names));
}

/// Reads the value of `--option VALUE` or `--option=VALUE`, advancing `index` past it.
inline std::optional<std::string> optionValue(std::string_view option, int argc, char** argv, int& index) {
  std::string_view word = argv[index];
  if (word.substr(0, option.size()) != option) return std::nullopt;
  if (word.size() > option.size() && word[option.size()] == '=') return std::string(word.substr(option.size() + 1));
  if (word.size() != option.size()) return std::nullopt;
  if (index + 1 >= argc) throw UsageError(std::string(option) + " needs a value");
  return std::string(argv[++index]);
}

inline void setDirectoryOnce(std::optional<fs::path>& slot, std::string_view option, const std::string& value) {
  if (slot) throw UsageError(std::string(option) + " given twice");
  if (value.empty()) throw UsageError(std::string(option) + " needs a directory");
  slot = value;
}

/// Refuses an input name the task does not have; \p shown is the option as given.
inline void checkInputName(const CommandLine& line, const std::string& name, const std::string& shown) {
  const std::vector<const char*>& inputs = line.task->inputs;
  bool known = false;
  for (const char* input : inputs) known = known || name == input;
  if (!known) {
    throw UsageError(shown + ": task " + line.task->name + " has no input '" + name + "'; " +
                     (inputs.empty() ? "it has no inputs" : "its inputs are " + joinNames(inputs)));
  }
}

inline void addArgument(CommandLine& line, const std::string& argument) {
  std::size_t equals = argument.find('=');
  if (equals == std::string::npos) throw UsageError("--arg " + quote(argument) + ": expected INPUT=VALUE");
  std::string name = argument.substr(0, equals);
  checkInputName(line, name, "--arg " + quote(argument));
  line.arguments.emplace_back(std::move(name), argument.substr(equals + 1));
}

inline void addEmptyList(CommandLine& line, const std::string& name) {
  checkInputName(line, name, "--empty " + quote(name));
  line.emptyLists.push_back(name);
}

inline CommandLine parseCommandLine(int argc, char** argv, const Task* tasks, std::size_t count) {
  CommandLine line;
  if (argc < 2) throw UsageError("missing command");
  std::string_view command = argv[1];
  if (command == "--help" || command == "-h") return line;
  if (command == "--list") {
    if (argc > 2) throw UsageError("--list takes no arguments");
    line.command = CommandLine::Command::List;
    return line;
  }
  if (command != "run") throw UsageError("unknown command '" + std::string(command) + "'");
  if (argc < 3 || std::string_view(argv[2]).substr(0, 1) == "-") throw UsageError("run: missing task name");
  line.command = CommandLine::Command::Run;
  line.task = &findTask(argv[2], tasks, count);
  for (int i = 3; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--help" || word == "-h") {
      line.command = CommandLine::Command::Help;
      return line;
    }
    if (auto inputDir = optionValue("--inputs", argc, argv, i)) {
      setDirectoryOnce(line.inputDir, "--inputs", *inputDir);
    } else if (auto outputDir = optionValue("--outputs", argc, argv, i)) {
      setDirectoryOnce(line.outputDir, "--outputs", *outputDir);
    } else if (auto argument = optionValue("--arg", argc, argv, i)) {
      addArgument(line, *argument);
    } else if (auto name = optionValue("--empty", argc, argv, i)) {
      addEmptyList(line, *name);
    } else if (word.substr(0, 1) == "-") {
      throw UsageError("unknown option '" + std::string(word) + "'");
    } else {
      throw UsageError("unexpected argument '" + std::string(word) + "'");
    }
  }
  bool flyteRun = line.inputDir || line.outputDir;
  if (flyteRun && line.hasArguments()) {
    throw UsageError("--arg and --empty cannot be combined with --inputs/--outputs");
  }
  if (line.inputDir && !line.outputDir) throw UsageError("--inputs needs --outputs");
  if (line.outputDir && !line.inputDir) throw UsageError("--outputs needs --inputs");
  return line;
}

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_COMMAND_LINE_HPP
