//===- OutputWriter.cpp ---------------------------------------------------===//
#include "taskscan/OutputWriter.h"

#include "taskscan/FileLock.h"

#include "llvm/ADT/StringExtras.h"
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

constexpr const char *JournalName = ".task-scan-journal";
constexpr const char *LockName = ".task-scan-lock";
constexpr const char *TempMarker = ".task-scan-tmp-";

/// Whether \p Relative names, inside \p OutputDir, a file task-scan writes
/// there: a path of the generated layout (or the index) whose folders inside
/// \p OutputDir are real folders, not symbolic links that could lead
/// elsewhere. With \p WithFile, the file itself must not be a symbolic link
/// either (it is about to be removed or read as ours).
bool isOwnFile(llvm::StringRef OutputDir, llvm::StringRef Relative, bool WithFile) {
  if (Relative != OutputIndexName && !isGeneratedFilePath(Relative))
    return false;
  llvm::SmallString<256> Prefix(OutputDir);
  llvm::SmallVector<llvm::StringRef, 4> Components;
  Relative.split(Components, '/');
  for (size_t I = 0; I < Components.size(); ++I) {
    path::append(Prefix, Components[I]);
    if (I + 1 == Components.size() && !WithFile)
      break;
    fs::file_status Status;
    if (fs::status(Prefix, Status, /*follow=*/false))
      break; // absent: nothing below it can lead anywhere
    if (Status.type() == fs::file_type::symlink_file)
      return false;
  }
  return true;
}

/// Whether \p Temp is a temporary file name this writer stages for
/// \p Target: the target's name, the marker and eight hex digits.
bool isOwnTempFor(llvm::StringRef Temp, llvm::StringRef Target) {
  if (!Temp.consume_front(Target) || !Temp.consume_front(TempMarker))
    return false;
  return Temp.size() == 8 && llvm::all_of(Temp, [](char C) { return llvm::isHexDigit(C); });
}

/// The files a previous run wrote, from the index in \p OutputDir. A line
/// that names anything else (a path outside the folder, through a symbolic
/// link, or not of the generated layout) is reported and never acted on.
llvm::StringSet<> readIndex(llvm::StringRef OutputDir, DiagnosticList &Diags) {
  llvm::SmallString<256> IndexPath(OutputDir);
  path::append(IndexPath, OutputIndexName);
  llvm::StringSet<> Previous;
  if (auto Index = llvm::MemoryBuffer::getFile(IndexPath, /*IsText=*/true)) {
    llvm::SmallVector<llvm::StringRef, 32> Lines;
    (*Index)->getBuffer().split(Lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef L : Lines) {
      if (isOwnFile(OutputDir, L, /*WithFile=*/true))
        Previous.insert(L);
      else
        Diags.warning("task-scan-output-index", {std::string(IndexPath), 0, 0},
                      fmt::format("ignoring entry '{}': not a file task-scan "
                                  "writes in the output directory",
                                  printable(L)));
    }
  }
  return Previous;
}

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

/// One step of a journal: `R temp target` renames, `D target` removes
/// (paths relative to the output directory).
struct JournalStep {
  bool Rename;
  llvm::StringRef Temp, Target;
};

/// The steps of \p Journal, or false when a line is not one this writer
/// writes: a journal found on disk may come from anywhere (a checked-in
/// output folder), so every path must name a file of task-scan's own inside
/// the output directory, reached without symbolic links, and a rename's
/// source must be the temporary file staged beside its target.
bool parseJournal(llvm::StringRef OutputDir, llvm::StringRef Journal,
                  std::vector<JournalStep> &Steps, std::string &Error) {
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  Journal.split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Line : Lines) {
    llvm::SmallVector<llvm::StringRef, 3> Fields;
    Line.split(Fields, '\t');
    JournalStep Step{Fields[0] == "R", "", ""};
    bool Valid = false;
    if (Step.Rename && Fields.size() == 3) {
      Step.Temp = Fields[1];
      Step.Target = Fields[2];
      Valid = isOwnTempFor(Step.Temp, Step.Target) &&
              isOwnFile(OutputDir, Step.Target, /*WithFile=*/false);
    } else if (Fields[0] == "D" && Fields.size() == 2) {
      Step.Target = Fields[1];
      Valid = isOwnFile(OutputDir, Step.Target, /*WithFile=*/true);
    }
    if (!Valid) {
      Error = fmt::format("refusing to complete the interrupted update in '{}': "
                          "entry '{}' is not a file task-scan writes in the output "
                          "directory; remove that file if you did not put it there",
                          JournalName, printable(Line));
      return false;
    }
    Steps.push_back(Step);
  }
  return true;
}

/// Carries out the steps of a committed journal. Idempotent, so an
/// interrupted run is completed by the next one.
void applyJournal(llvm::StringRef OutputDir, llvm::ArrayRef<JournalStep> Steps) {
  for (const JournalStep &Step : Steps) {
    if (Step.Rename) {
      std::string TempPath = joinPath(OutputDir, Step.Temp);
      if (fs::exists(TempPath))
        fs::rename(TempPath, joinPath(OutputDir, Step.Target));
    } else {
      removeWithEmptyParents(OutputDir, joinPath(OutputDir, Step.Target));
    }
  }
}

/// Finishes an update a killed run committed, and drops the temporary
/// files of one that never committed. False (with \p Error) when the
/// journal holds anything this writer would not have written.
bool recoverInterruptedWrite(llvm::StringRef OutputDir, std::string &Error) {
  std::string JournalPath = joinPath(OutputDir, JournalName);
  if (auto Journal = llvm::MemoryBuffer::getFile(JournalPath, /*IsText=*/true)) {
    std::vector<JournalStep> Steps;
    if (!parseJournal(OutputDir, (*Journal)->getBuffer(), Steps, Error))
      return false;
    applyJournal(OutputDir, Steps);
    fs::remove(JournalPath);
  }
  // Symbolic links are not followed: a temporary-looking file they lead to
  // is not ours (a link itself is removed, never what it points to).
  std::error_code EC;
  std::vector<std::string> Orphans;
  for (fs::recursive_directory_iterator It(OutputDir, EC, /*follow_symlinks=*/false), End;
       It != End && !EC; It.increment(EC))
    if (path::filename(It->path()).contains(TempMarker))
      Orphans.push_back(It->path());
  for (const std::string &Orphan : Orphans)
    fs::remove(Orphan);
  return true;
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
  for (const auto &Old : readIndex(OutputDir, Diags)) {
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
  std::string Error;
  if (!recoverInterruptedWrite(OutputDir, Error))
    return Fail(std::move(Error));

  // Stage every changed file next to its target, then commit them all at
  // once by renaming the journal into place; until then nothing visible
  // has changed, and after it the renames are completed even by a later
  // run if this one is killed.
  std::string Journal, IndexContent;
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
    if (!isOwnFile(OutputDir, F.Path, /*WithFile=*/false))
      return Abort(fmt::format("refusing to write '{}': a folder on its way is a symbolic "
                               "link, or the name is not of the generated layout",
                               printable(F.Path)));
    int R = Stage(F.Path, F.Content);
    if (R < 0)
      return Abort(Error);
    R ? ++Stats.Written : ++Stats.Unchanged;
    Current.insert(F.Path);
    IndexContent += F.Path + "\n";
  }
  std::vector<std::string> Removed;
  for (const auto &Old : readIndex(OutputDir, Diags))
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
  std::vector<JournalStep> Steps;
  if (!parseJournal(OutputDir, Journal, Steps, Error))
    return Abort(Error); // cannot happen: every path was checked above
  applyJournal(OutputDir, Steps);
  fs::remove(joinPath(OutputDir, JournalName));
  return true;
}

} // namespace taskscan
