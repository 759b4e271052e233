//===- GitFiles.cpp -------------------------------------------------------===//
#include "taskscan/GitFiles.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

namespace taskscan {

bool isCOrCxxFile(llvm::StringRef Path) {
  llvm::StringRef Extension = llvm::sys::path::extension(Path);
  if (Extension == ".C" || Extension == ".H")
    return true;
  return llvm::StringSwitch<bool>(Extension.lower())
      .Cases(".c", ".cc", ".cpp", ".cxx", ".c++", true)
      .Cases(".h", ".hh", ".hpp", ".hxx", ".h++", true)
      .Cases(".ipp", ".tpp", ".inl", true)
      .Default(false);
}

namespace {

/// A temporary file removed when this goes out of scope.
struct TemporaryFile {
  llvm::SmallString<128> Path;
  ~TemporaryFile() {
    if (!Path.empty())
      llvm::sys::fs::remove(Path);
  }
};

} // namespace

std::optional<std::vector<std::string>> gitTrackedCxxFiles(llvm::StringRef Directory,
                                                           std::string &Error) {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git) {
    Error = "git was not found on PATH";
    return std::nullopt;
  }
  TemporaryFile Out, Err;
  if (llvm::sys::fs::createTemporaryFile("task-scan-git", "out", Out.Path) ||
      llvm::sys::fs::createTemporaryFile("task-scan-git", "err", Err.Path)) {
    Error = "cannot create a temporary file for git's answer";
    return std::nullopt;
  }
  // -z: names as they are, not quoted; -C: relative to Directory.
  std::string Dir = Directory.str();
  llvm::SmallVector<llvm::StringRef, 6> Args = {*Git, "-C", Dir, "ls-files", "-z", "--"};
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, llvm::StringRef(Out.Path),
                                                llvm::StringRef(Err.Path)};
  std::string ExecError;
  int Status = llvm::sys::ExecuteAndWait(*Git, Args, std::nullopt, Redirects,
                                         /*SecondsToWait=*/0, /*MemoryLimit=*/0, &ExecError);
  if (Status != 0) {
    std::string Said;
    if (auto Buffer = llvm::MemoryBuffer::getFile(Err.Path))
      Said = (*Buffer)->getBuffer().trim().str();
    Error = fmt::format("'git ls-files' in '{}' failed: {}", Dir,
                        !Said.empty()       ? Said
                        : !ExecError.empty() ? ExecError
                                             : fmt::format("exit status {}", Status));
    return std::nullopt;
  }
  auto Buffer = llvm::MemoryBuffer::getFile(Out.Path);
  if (!Buffer) {
    Error = "cannot read git's answer: " + Buffer.getError().message();
    return std::nullopt;
  }
  std::vector<std::string> Files;
  llvm::SmallVector<llvm::StringRef, 64> Names;
  (*Buffer)->getBuffer().split(Names, '\0', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef Name : Names) {
    if (!isCOrCxxFile(Name))
      continue;
    llvm::SmallString<256> Path(Directory);
    llvm::sys::path::append(Path, Name);
    // Tracked but deleted in the work tree: nothing to scan.
    if (llvm::sys::fs::is_regular_file(Path))
      Files.push_back(Name.str());
  }
  return Files;
}

} // namespace taskscan
