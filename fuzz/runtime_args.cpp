//===- runtime_args.cpp - Fuzz target: the task executable's command line -===//
//
// A local run passes inputs as `--arg NAME=VALUE` (a list: once per
// element, or `--empty NAME`) and prints the outputs as NAME=VALUE lines.
// This target builds a command line from the fuzzer's bytes (the words the
// executable knows, input names, `=`, any bytes), never --inputs/--outputs
// (they name folders to write), runs the executable's main in-process for
// `echo` (RuntimeEcho.h) and checks:
//  - exit status 0 (outputs printed), 1 (the task failed: the last stderr
//    line says so, naming the task; or --check-tasks found other tasks) or 2 (usage: one stderr line naming the
//    program and pointing at --help), nothing else;
//  - after a run: every scalar output printed once, reading back under Go's
//    rules as the runtime's reading of the --arg value it came from.
//
//===----------------------------------------------------------------------===//
#include "RuntimeEcho.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <map>

using namespace echo;
using gomodel::shown;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  FuzzedDataProvider P(Data, Size);
  static const char *const Words[] = {"run",     "echo",   "--arg",  "--empty", "--help", "-h",
                                      "--list",  "--check-tasks",   "--arg=", "--empty=", "=",
                                      "other"};
  // A word of a real command line ends at its first NUL (execve takes C
  // strings): the words are cut there, so that Args is what main() sees.
  auto Word = [&P](size_t MaxLength) {
    std::string W = P.ConsumeRandomLengthString(MaxLength);
    return W.substr(0, W.find('\0'));
  };
  std::vector<std::string> Args = {"echo-task"};
  // Usually a run of echo with an --arg for every input, so that most runs
  // get past the command line.
  bool Complete = P.ConsumeBool();
  if (Complete) {
    Args.push_back("run");
    Args.push_back("echo");
  }
  std::map<std::string, std::string> Given; // scalar input -> its only value
  std::map<std::string, int> Count;
  if (Complete)
    for (const Input &In : inputs()) {
      int Times = In.List ? P.ConsumeIntegralInRange<int>(0, 3) : 1;
      if (In.List && Times == 0) {
        Args.push_back("--empty");
        Args.push_back(In.Name);
        continue;
      }
      for (int I = 0; I < Times; ++I) {
        std::string Value = In.Type == Kind::File ? std::string("/dev/null")
                                                  : Word(40);
        bool Joined = P.ConsumeBool();
        if (Joined)
          Args.push_back("--arg=" + std::string(In.Name) + "=" + Value);
        else {
          Args.push_back("--arg");
          Args.push_back(std::string(In.Name) + "=" + Value);
        }
        Given[In.Name] = Value;
        ++Count[In.Name];
      }
    }
  int Extra = P.ConsumeIntegralInRange<int>(0, 6), Inserted = 0;
  for (int I = 0; I < Extra; ++I) {
    std::string Token = P.ConsumeBool() ? std::string(Words[P.ConsumeIntegralInRange<size_t>(
                                              0, std::size(Words) - 1)])
                                        : Word(24);
    // Never a folder to write into.
    if (Token.rfind("--in", 0) == 0 || Token.rfind("--out", 0) == 0)
      continue;
    Args.insert(Args.begin() + P.ConsumeIntegralInRange<size_t>(1, Args.size()), Token);
    ++Inserted;
  }

  Run R = runMain(Args);
  RUNTIME_FUZZ_CHECK(R.Status == 0 || R.Status == 1 || R.Status == 2,
                     "exit status " + std::to_string(R.Status));
  auto LastLine = [](const std::string &Text) {
    std::string_view T(Text);
    if (!T.empty() && T.back() == '\n')
      T.remove_suffix(1);
    size_t NL = T.rfind('\n');
    return std::string(NL == std::string_view::npos ? T : T.substr(NL + 1));
  };
  if (R.Status == 2) {
    RUNTIME_FUZZ_CHECK(R.Err.rfind("echo-task: ", 0) == 0 &&
                           R.Err.find('\n') == R.Err.size() - 1 &&
                           R.Err.find("(see 'echo-task --help')") != std::string::npos,
                       "usage error is not one line naming the program: " + shown(R.Err));
    return 0;
  }
  if (R.Status == 1) {
    // A failed task, or --check-tasks naming other tasks (the image self-check).
    bool SelfCheck = Args.size() >= 2 && Args[1] == "--check-tasks";
    RUNTIME_FUZZ_CHECK(SelfCheck ? R.Err.rfind("echo-task: holds the tasks [echo] but the image "
                                               "expects ", 0) == 0
                                 : LastLine(R.Err).rfind("task echo: ", 0) == 0,
                       "a failed run's last stderr line does not say why: " + shown(R.Err));
    return 0;
  }
  // Status 0: help, list, --check-tasks, or a run whose outputs were printed.
  bool Ran = Args.size() >= 3 && Args[1] == "run" && R.Err.empty() &&
             R.Out.rfind("usage:", 0) != 0;
  // Inserted words may change which value an input got: values are checked
  // on the command lines made of --arg and --empty alone.
  if (!Ran || !Complete || Inserted)
    return 0;
  for (const Input &In : inputs()) {
    if (In.List || In.Type == Kind::File || Count[In.Name] != 1)
      continue;
    // A string holding a newline spans lines; the others are one line.
    std::string Prefix = std::string("o_") + In.Name + "=";
    // The first occurrence: the numbers are printed before any string.
    size_t At = R.Out.rfind(Prefix, 0) == 0 ? 0 : R.Out.find("\n" + Prefix);
    if (At != 0 && At != std::string::npos)
      ++At;
    RUNTIME_FUZZ_CHECK(At != std::string::npos, "output " + Prefix + " not printed: " + shown(R.Out));
    if (In.Type == Kind::String)
      continue; // its bytes may hold the next line's form
    size_t End = R.Out.find('\n', At);
    std::string Printed = R.Out.substr(At + Prefix.size(), End - At - Prefix.size());
    checkPrimitiveEcho(In.Type, Given[In.Name], Printed);
  }
  return 0;
}
