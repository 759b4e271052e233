//===- OutputWriter.cpp ---------------------------------------------------===//
#include "taskscan/OutputWriter.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace taskscan {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

bool writeFileIfChanged(llvm::StringRef Path, llvm::StringRef Content,
                        bool &Changed, std::string &Error) {
  Changed = false;
  if (auto Old = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false))
    if ((*Old)->getBuffer() == Content)
      return true;
  if (std::error_code EC = fs::create_directories(path::parent_path(Path))) {
    Error = fmt::format("cannot create directory '{}': {}",
                        path::parent_path(Path).str(), EC.message());
    return false;
  }
  // A temporary file beside the target, renamed over it: readers see the
  // old file or the new one, never a part.
  llvm::SmallString<256> Temp;
  int FD;
  if (std::error_code EC = fs::createUniqueFile(Path + ".tmp-%%%%%%%%", FD, Temp)) {
    Error = fmt::format("cannot create a temporary file next to '{}': {}",
                        Path.str(), EC.message());
    return false;
  }
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Content;
    OS.flush();
    if (OS.has_error()) {
      Error = fmt::format("cannot write '{}': {}", Temp.str().str(),
                          OS.error().message());
      OS.clear_error();
      fs::remove(Temp);
      return false;
    }
  }
  if (std::error_code EC = fs::rename(Temp, Path)) {
    Error = fmt::format("cannot replace '{}': {}", Path.str(), EC.message());
    fs::remove(Temp);
    return false;
  }
  Changed = true;
  return true;
}

bool writeGeneratedFiles(llvm::StringRef OutputDir,
                         const std::vector<GeneratedFile> &Files,
                         DiagnosticList &Diags, WriteStats &Stats) {
  auto Fail = [&](std::string Message) {
    Diags.error("task-scan-io", {OutputDir.str(), 0, 0}, std::move(Message));
    return false;
  };
  llvm::SmallString<256> IndexPath(OutputDir);
  path::append(IndexPath, OutputIndexName);

  llvm::StringSet<> Previous;
  if (auto Index = llvm::MemoryBuffer::getFile(IndexPath, /*IsText=*/true)) {
    llvm::SmallVector<llvm::StringRef, 32> Lines;
    (*Index)->getBuffer().split(Lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef L : Lines)
      // Only plain relative paths of our own layout are ever removed.
      if (!L.starts_with("/") && !L.contains("..") && !L.contains('\\'))
        Previous.insert(L);
  }

  std::string IndexContent;
  llvm::StringSet<> Current;
  for (const GeneratedFile &F : Files) {
    llvm::SmallString<256> Target(OutputDir);
    path::append(Target, F.Path);
    bool Changed;
    std::string Error;
    if (!writeFileIfChanged(Target, F.Content, Changed, Error))
      return Fail(Error);
    Changed ? ++Stats.Written : ++Stats.Unchanged;
    Current.insert(F.Path);
    IndexContent += F.Path + "\n";
  }
  for (const auto &Old : Previous) {
    if (Current.contains(Old.getKey()))
      continue;
    llvm::SmallString<256> Target(OutputDir);
    path::append(Target, Old.getKey());
    if (!fs::remove(Target))
      ++Stats.Removed;
    // Remove directories left empty (images/<key>/), never anything else.
    llvm::StringRef Dir = path::parent_path(Target);
    while (Dir.size() > OutputDir.size() && !fs::remove(Dir, /*IgnoreNonExisting=*/true))
      Dir = path::parent_path(Dir);
  }
  bool Changed;
  std::string Error;
  if (!writeFileIfChanged(IndexPath, IndexContent, Changed, Error))
    return Fail(Error);
  return true;
}

} // namespace taskscan
