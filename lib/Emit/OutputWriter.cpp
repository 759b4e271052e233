//===- OutputWriter.cpp ---------------------------------------------------===//
#include "taskscan/OutputWriter.h"

#include "taskscan/FileLock.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace taskscan {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

/// The files a previous run wrote, from the index in \p OutputDir.
llvm::StringSet<> readIndex(llvm::StringRef OutputDir) {
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
  return Previous;
}

} // namespace

namespace {

constexpr const char *JournalName = ".task-scan-journal";
constexpr const char *LockName = ".task-scan-lock";
constexpr const char *TempMarker = ".task-scan-tmp-";

std::string joinPath(llvm::StringRef Dir, llvm::StringRef Relative) {
  llvm::SmallString<256> P(Dir);
  path::append(P, Relative);
  return std::string(P);
}

/// Writes \p Content to a new temporary file in \p Dir; returns its path.
bool stageFile(llvm::StringRef Target, llvm::StringRef Content,
               std::string &Temp, std::string &Error) {
  if (std::error_code EC = fs::create_directories(path::parent_path(Target))) {
    Error = fmt::format("cannot create directory '{}': {}",
                        path::parent_path(Target).str(), EC.message());
    return false;
  }
  llvm::SmallString<256> TempPath;
  int FD;
  if (std::error_code EC = fs::createUniqueFile(
          Target + TempMarker + "%%%%%%%%", FD, TempPath)) {
    Error = fmt::format("cannot create a temporary file next to '{}': {}",
                        Target.str(), EC.message());
    return false;
  }
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
  OS << Content;
  OS.close();
  if (OS.has_error()) {
    Error = fmt::format("cannot write '{}': {}", TempPath.str().str(),
                        OS.error().message());
    OS.clear_error();
    fs::remove(TempPath);
    return false;
  }
  Temp = std::string(TempPath);
  return true;
}

/// Removes \p File and then the directories it leaves empty, up to (not
/// including) \p OutputDir.
void removeWithEmptyParents(llvm::StringRef OutputDir, llvm::StringRef File) {
  fs::remove(File);
  llvm::StringRef Dir = path::parent_path(File);
  while (Dir.size() > OutputDir.size() && !fs::remove(Dir, /*IgnoreNonExisting=*/true))
    Dir = path::parent_path(Dir);
}

/// Carries out a committed journal: `R temp target` renames, `D target`
/// removals (paths relative to the output directory). Idempotent, so an
/// interrupted run is completed by the next one.
void applyJournal(llvm::StringRef OutputDir, llvm::StringRef Journal) {
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  Journal.split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Line : Lines) {
    auto [Op, Rest] = Line.split('\t');
    if (Op == "R") {
      auto [Temp, Target] = Rest.split('\t');
      std::string TempPath = joinPath(OutputDir, Temp);
      if (fs::exists(TempPath))
        fs::rename(TempPath, joinPath(OutputDir, Target));
    } else if (Op == "D") {
      removeWithEmptyParents(OutputDir, joinPath(OutputDir, Rest));
    }
  }
}

/// Finishes an update a killed run committed, and drops the temporary
/// files of one that never committed.
void recoverInterruptedWrite(llvm::StringRef OutputDir) {
  std::string JournalPath = joinPath(OutputDir, JournalName);
  if (auto Journal = llvm::MemoryBuffer::getFile(JournalPath, /*IsText=*/true)) {
    applyJournal(OutputDir, (*Journal)->getBuffer());
    fs::remove(JournalPath);
  }
  std::error_code EC;
  std::vector<std::string> Orphans;
  for (fs::recursive_directory_iterator It(OutputDir, EC), End; It != End && !EC;
       It.increment(EC))
    if (path::filename(It->path()).contains(TempMarker))
      Orphans.push_back(It->path());
  for (const std::string &Orphan : Orphans)
    fs::remove(Orphan);
}

} // namespace

bool writeFileIfChanged(llvm::StringRef Path, llvm::StringRef Content,
                        bool &Changed, std::string &Error) {
  Changed = false;
  if (auto Old = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false))
    if ((*Old)->getBuffer() == Content)
      return true;
  // A temporary file beside the target, renamed over it: readers see the
  // old file or the new one, never a part.
  std::string Temp;
  if (!stageFile(Path, Content, Temp, Error))
    return false;
  if (std::error_code EC = fs::rename(Temp, Path)) {
    Error = fmt::format("cannot replace '{}': {}", Path.str(), EC.message());
    fs::remove(Temp);
    return false;
  }
  Changed = true;
  return true;
}

namespace {

bool isSafeRelativePath(llvm::StringRef P) {
  return !P.empty() && !P.starts_with("/") && !P.contains("..") &&
         !P.contains('\\') && !P.contains('\t') && !P.contains('\n');
}

} // namespace

unsigned reportStaleFiles(llvm::StringRef OutputDir,
                          const std::vector<GeneratedFile> &Files,
                          DiagnosticList &Diags) {
  unsigned Stale = 0;
  if (fs::exists(joinPath(OutputDir, JournalName))) {
    ++Stale;
    Diags.error("task-scan-stale-output", {joinPath(OutputDir, JournalName), 0, 0},
                "an update of the generated files was interrupted; re-run "
                "task-scan with --output-dir to complete it");
  }
  llvm::StringSet<> Current;
  for (const GeneratedFile &F : Files) {
    Current.insert(F.Path);
    llvm::SmallString<256> Target(OutputDir);
    path::append(Target, F.Path);
    auto Old = llvm::MemoryBuffer::getFile(Target, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
    if (Old && (*Old)->getBuffer() == F.Content)
      continue;
    ++Stale;
    Diags.error("task-scan-stale-output", {std::string(Target), 0, 0},
                Old ? "generated file is out of date; re-run task-scan with "
                      "--output-dir to update it"
                    : "generated file is missing; re-run task-scan with "
                      "--output-dir to create it");
  }
  for (const auto &Old : readIndex(OutputDir)) {
    if (Current.contains(Old.getKey()))
      continue;
    llvm::SmallString<256> Target(OutputDir);
    path::append(Target, Old.getKey());
    if (!fs::exists(Target))
      continue;
    ++Stale;
    Diags.error("task-scan-stale-output", {std::string(Target), 0, 0},
                "generated file is no longer generated; re-run task-scan with "
                "--output-dir to remove it");
  }
  return Stale;
}

bool writeGeneratedFiles(llvm::StringRef OutputDir,
                         const std::vector<GeneratedFile> &Files,
                         DiagnosticList &Diags, WriteStats &Stats) {
  auto Fail = [&](std::string Message) {
    Diags.error("task-scan-io", {OutputDir.str(), 0, 0}, std::move(Message));
    return false;
  };
  if (std::error_code EC = fs::create_directories(OutputDir))
    return Fail(fmt::format("cannot create the output directory: {}", EC.message()));
  // Concurrent runs on one output directory take turns instead of
  // interleaving their renames.
  FileLock Lock(joinPath(OutputDir, LockName));
  if (!Lock.locked())
    return Fail("cannot lock the output directory (.task-scan-lock)");
  recoverInterruptedWrite(OutputDir);

  // Stage every changed file next to its target, then commit them all at
  // once by renaming the journal into place; until then nothing visible
  // has changed, and after it the renames are completed even by a later
  // run if this one is killed.
  std::string Journal, IndexContent, Error;
  std::vector<std::string> Staged;
  auto Abort = [&](std::string Message) {
    for (const std::string &T : Staged)
      fs::remove(T);
    return Fail(std::move(Message));
  };
  auto Stage = [&](llvm::StringRef Relative, llvm::StringRef Content) {
    std::string Target = joinPath(OutputDir, Relative);
    if (auto Old = llvm::MemoryBuffer::getFile(Target, /*IsText=*/false,
                                               /*RequiresNullTerminator=*/false))
      if ((*Old)->getBuffer() == Content)
        return 0;
    std::string Temp;
    if (!stageFile(Target, Content, Temp, Error))
      return -1;
    Staged.push_back(Temp);
    Journal += fmt::format("R\t{}\t{}\n", Temp.substr(OutputDir.size() + 1),
                           Relative.str());
    return 1;
  };

  llvm::StringSet<> Current;
  for (const GeneratedFile &F : Files) {
    if (!isSafeRelativePath(F.Path))
      return Abort(fmt::format("refusing to write outside the output directory: '{}'",
                               F.Path));
    int R = Stage(F.Path, F.Content);
    if (R < 0)
      return Abort(Error);
    R ? ++Stats.Written : ++Stats.Unchanged;
    Current.insert(F.Path);
    IndexContent += F.Path + "\n";
  }
  std::vector<std::string> Removed;
  for (const auto &Old : readIndex(OutputDir))
    if (!Current.contains(Old.getKey()) &&
        fs::exists(joinPath(OutputDir, Old.getKey())))
      Removed.push_back(Old.getKey().str());
  llvm::sort(Removed);
  for (const std::string &R : Removed) {
    Journal += "D\t" + R + "\n";
    ++Stats.Removed;
  }
  if (Stage(OutputIndexName, IndexContent) < 0)
    return Abort(Error);
  if (Journal.empty())
    return true;

  std::string JournalTemp;
  if (!stageFile(joinPath(OutputDir, JournalName), Journal, JournalTemp, Error))
    return Abort(Error);
  if (std::error_code EC = fs::rename(JournalTemp, joinPath(OutputDir, JournalName))) {
    fs::remove(JournalTemp);
    return Abort(fmt::format("cannot commit the update: {}", EC.message()));
  }
  applyJournal(OutputDir, Journal);
  fs::remove(joinPath(OutputDir, JournalName));
  return true;
}

} // namespace taskscan
