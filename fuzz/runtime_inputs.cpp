//===- runtime_inputs.cpp - Fuzz target: the task executable's input files =//
//
// On a cluster the task executable reads what CoPilot downloaded: one file
// per input (`<inputs>/<name>`), a folder per list (`<name>/0`, `<name>/1`,
// ...). This target lays out an inputs folder from the fuzzer's bytes (each
// input missing, a file of any bytes, a folder, or a list folder whose
// elements are files, folders or gaps) for `echo` (RuntimeEcho.h), runs the
// executable's main as Flyte does (`run echo --inputs DIR --outputs DIR`)
// and checks:
//  - the exit status is 0 (a task with outputs reports failures in _ERROR);
//  - either every output is there and no _ERROR, or _ERROR alone: one line,
//    naming an input or output, the same line last on stderr;
//  - each output reads back under Go's rules (CoPilot's upload) as the
//    value the runtime read from its input, a string as its exact bytes, a
//    file as the same content, a list element by element.
//
//===----------------------------------------------------------------------===//
#include "RuntimeEcho.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace echo;
using gomodel::shown;

namespace {

fs::path ScratchDir;

void removeScratch() {
  std::error_code Ignored;
  fs::remove_all(ScratchDir, Ignored);
}

/// This process's scratch folder (tmpfs where there is one), removed at exit.
const fs::path &scratch() {
  if (ScratchDir.empty()) {
    fs::path Base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                : fs::temp_directory_path();
    ScratchDir = Base / ("task-scan-fuzz-inputs-" + std::to_string(::getpid()));
    std::atexit(removeScratch);
  }
  return ScratchDir;
}

std::string readAll(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(In), std::istreambuf_iterator<char>());
}

void writeAll(const fs::path &P, const std::string &Content) {
  std::ofstream Out(P, std::ios::binary);
  Out << Content;
}

/// What was laid out for one input.
struct Laid {
  bool Present = false;            ///< a file (scalar) or folder (list)
  std::vector<std::string> Texts;  ///< the file's text, or each element's
};

Laid layOut(FuzzedDataProvider &P, const Input &In, const fs::path &Dir) {
  Laid L;
  fs::path Path = Dir / In.Name;
  // Mostly well-formed layouts, so that the task runs often enough.
  int Shape = P.ConsumeIntegralInRange<int>(0, 15);
  if (Shape == 0)
    return L; // missing
  if (!In.List) {
    if (Shape == 1) {
      fs::create_directory(Path);
      return L;
    }
    L.Present = true;
    L.Texts.push_back(P.ConsumeRandomLengthString(64));
    writeAll(Path, L.Texts.back());
    return L;
  }
  if (Shape == 1) { // a file where a folder belongs
    writeAll(Path, P.ConsumeRandomLengthString(16));
    return L;
  }
  fs::create_directory(Path);
  L.Present = true;
  int Count = P.ConsumeIntegralInRange<int>(0, 5);
  for (int I = 0; I < Count; ++I) {
    fs::path Element = Path / std::to_string(I);
    int ElementShape = P.ConsumeIntegralInRange<int>(0, 15);
    if (ElementShape == 0) {
      fs::create_directory(Element);
      L.Texts.push_back("\x01<dir>");
      break;
    }
    if (ElementShape == 1) { // a gap: the list ends at the first missing index
      writeAll(Path / std::to_string(I + 1), "1");
      break;
    }
    L.Texts.push_back(P.ConsumeRandomLengthString(32));
    writeAll(Element, L.Texts.back());
  }
  return L;
}

void checkEcho(const Input &In, const Laid &L, const fs::path &Outputs) {
  fs::path Out = Outputs / (std::string("o_") + In.Name);
  if (!In.List) {
    RUNTIME_FUZZ_CHECK(fs::is_regular_file(Out), std::string("output o_") + In.Name + " missing");
    std::string Text = readAll(Out);
    if (In.Type == Kind::File)
      RUNTIME_FUZZ_CHECK(Text == L.Texts[0], "file output differs from the input file");
    else
      checkPrimitiveEcho(In.Type, L.Texts[0], Text);
    return;
  }
  RUNTIME_FUZZ_CHECK(fs::is_directory(Out), std::string("list output o_") + In.Name + " missing");
  for (size_t I = 0; I < L.Texts.size(); ++I) {
    fs::path Element = Out / std::to_string(I);
    RUNTIME_FUZZ_CHECK(fs::is_regular_file(Element),
                       std::string("element ") + std::to_string(I) + " of o_" + In.Name + " missing");
    std::string Text = readAll(Element);
    if (In.Type == Kind::File)
      RUNTIME_FUZZ_CHECK(Text == L.Texts[I], "file element differs");
    else
      checkPrimitiveEcho(In.Type, L.Texts[I], Text);
  }
  RUNTIME_FUZZ_CHECK(!fs::exists(Out / std::to_string(L.Texts.size())),
                     std::string("o_") + In.Name + " has more elements than the input");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  FuzzedDataProvider P(Data, Size);
  const fs::path &Root = scratch();
  std::error_code Ignored;
  fs::remove_all(Root, Ignored);
  fs::path Inputs = Root / "inputs", Outputs = Root / "outputs";
  fs::create_directories(Inputs);
  std::vector<Laid> Layout;
  for (const Input &In : inputs())
    Layout.push_back(layOut(P, In, Inputs));

  Run R = runMain({"echo-task", "run", "echo", "--inputs", Inputs.string(), "--outputs",
                   Outputs.string()});
  RUNTIME_FUZZ_CHECK(R.Status == 0, "exit status " + std::to_string(R.Status) + "; stderr: " +
                                        shown(R.Err));
  fs::path Error = Outputs / "_ERROR";
  size_t Written = 0;
  for (const Input &In : inputs())
    Written += fs::exists(Outputs / (std::string("o_") + In.Name));
  if (fs::exists(Error)) {
    std::string Message = readAll(Error);
    RUNTIME_FUZZ_CHECK(Written == 0, "_ERROR and " + std::to_string(Written) + " outputs");
    RUNTIME_FUZZ_CHECK(!Message.empty() && Message.back() == '\n' &&
                           Message.find('\n') == Message.size() - 1,
                       "_ERROR is not one line: " + shown(Message));
    // An input that cannot be read, or an output Flyte could not read back
    // (a string input of invalid UTF-8 is read as its bytes, and refused
    // as an output).
    RUNTIME_FUZZ_CHECK(Message.rfind("task echo: input '", 0) == 0 ||
                           Message.rfind("task echo: output '", 0) == 0,
                       "_ERROR names neither an input nor an output: " + shown(Message));
    RUNTIME_FUZZ_CHECK(R.Err.size() >= Message.size() &&
                           R.Err.compare(R.Err.size() - Message.size(), Message.size(),
                                         Message) == 0,
                       "stderr does not end with _ERROR's line: " + shown(R.Err));
    // Every input laid out well was read: the failure must be a missing or
    // malformed input, which the layout above may well have made.
    return 0;
  }
  RUNTIME_FUZZ_CHECK(Written == inputs().size(),
                     "no _ERROR, but " + std::to_string(Written) + " outputs of " +
                         std::to_string(inputs().size()) + "; stderr: " + shown(R.Err));
  for (size_t I = 0; I < inputs().size(); ++I) {
    const Input &In = inputs()[I];
    RUNTIME_FUZZ_CHECK(Layout[I].Present, std::string("input ") + In.Name +
                                              " was not laid out, yet the task ran");
    checkEcho(In, Layout[I], Outputs);
  }
  return 0;
}
