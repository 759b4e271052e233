//===- AbsentFiles.cpp ----------------------------------------------------===//
#include "AbsentFiles.h"

#include "RealPath.h"

#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"

namespace taskscan {

namespace {

bool isMissing(std::error_code EC) {
  return EC == std::errc::no_such_file_or_directory || EC == std::errc::not_a_directory;
}

/// Whether \p Path is \p Dir or inside it.
bool isWithin(llvm::StringRef Path, llvm::StringRef Dir) {
  Dir = Dir.rtrim('/');
  return Path.consume_front(Dir) && (Path.empty() || Path.front() == '/');
}

} // namespace

void MissRecordingFileSystem::noteMiss(const llvm::Twine &Path) {
  llvm::SmallString<256> Absolute;
  Path.toVector(Absolute);
  // Made absolute only: filesOfTranslationUnit() asks the file system which
  // file the path names (a ".." after a symbolic link is not the text's).
  makeAbsolute(Absolute);
  Misses.emplace_back(Absolute);
}

llvm::ErrorOr<llvm::vfs::Status> MissRecordingFileSystem::status(const llvm::Twine &Path) {
  llvm::ErrorOr<llvm::vfs::Status> Result = ProxyFileSystem::status(Path);
  if (!Result && isMissing(Result.getError()))
    noteMiss(Path);
  return Result;
}

bool MissRecordingFileSystem::exists(const llvm::Twine &Path) {
  bool Found = ProxyFileSystem::exists(Path);
  if (!Found)
    noteMiss(Path);
  return Found;
}

llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
MissRecordingFileSystem::openFileForRead(const llvm::Twine &Path) {
  auto Result = ProxyFileSystem::openFileForRead(Path);
  if (!Result && isMissing(Result.getError()))
    noteMiss(Path);
  return Result;
}

void sortUnique(std::vector<std::string> &Paths) {
  llvm::sort(Paths);
  Paths.erase(std::unique(Paths.begin(), Paths.end()), Paths.end());
}

void filesOfTranslationUnit(const clang::CompilerInstance &CI,
                            const MissRecordingFileSystem &Lookups,
                            std::vector<std::string> &Read,
                            std::vector<std::string> &Absent,
                            std::vector<std::string> &LookupPaths) {
  const clang::SourceManager &SM = CI.getSourceManager();
  clang::FileManager &Files = CI.getFileManager();
  // Real paths throughout (see RealPath.h): the files the compiler opened,
  // and the files that creating a missed path would create.
  RealPathFinder Real(CI.getVirtualFileSystem());
  Read.clear();
  LookupPaths.clear();
  // `#include "..."` looks beside the includer as it was named: a source
  // reached through a symbolic link looks in the link's directory.
  std::vector<std::string> OpenedDirectories;
  for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
    Read.push_back(Files.getCanonicalName(It->first).str());
    llvm::SmallString<256> Opened(It->first.getName());
    if (!CI.getVirtualFileSystem().makeAbsolute(Opened) && Opened != Read.back()) {
      LookupPaths.push_back(std::string(Opened));
      OpenedDirectories.push_back(Real.directory(llvm::sys::path::parent_path(Opened)));
    }
  }
  sortUnique(Read);
  sortUnique(LookupPaths);

  const clang::HeaderSearch &Search = CI.getPreprocessor().getHeaderSearchInfo();
  std::vector<std::string> Project, System;
  // The directories clang searches, as named (absolute) -> real.
  llvm::StringMap<std::string> Searched;
  for (auto It = Search.search_dir_begin(); It != Search.search_dir_end(); ++It) {
    if (!It->isNormalDir())
      continue;
    bool IsSystem = It->getDirCharacteristic() != clang::SrcMgr::C_User;
    std::string RealDir = Real.directory(It->getName());
    (IsSystem ? System : Project).push_back(RealDir);
    llvm::SmallString<256> Named(It->getName());
    if (!IsSystem && !CI.getVirtualFileSystem().makeAbsolute(Named))
      Searched.try_emplace(Named.str(), RealDir);
  }
  // The resource directory's headers (stddef.h, ...) are the compiler's own.
  System.push_back(Real.directory(CI.getHeaderSearchOpts().ResourceDir));
  // Every -I and -iquote directory as the command line names it, also one
  // that does not exist: clang drops it from the search list above, and it
  // appears when a header is created there or when a link on its path
  // (`-Ilink/../inc`) is re-pointed at a tree where it exists. Its miss is
  // a lookup whose answer can change like any other.
  // One that names the same directory as one searched before it
  // (`-Iln2/../inc -Iln/../inc` while ln and ln2 point into one tree) is
  // dropped by clang as a duplicate and never looked in. Re-pointing a link
  // can make it another directory, searched in its place, so every miss in
  // its twin is also kept under its own name (below): the lookups it would make.
  std::vector<std::pair<std::string, std::string>> Duplicates; // named -> twin
  for (const clang::HeaderSearchOptions::Entry &E : CI.getHeaderSearchOpts().UserEntries) {
    if (E.IsFramework ||
        (E.Group != clang::frontend::Quoted && E.Group != clang::frontend::Angled))
      continue;
    Project.push_back(Real.anyPath(E.Path));
    llvm::SmallString<256> Named(E.Path);
    if (CI.getVirtualFileSystem().makeAbsolute(Named) || Searched.count(Named.str()))
      continue;
    std::string RealDir = Real.directory(Named); // a last component may be a link
    for (const auto &S : Searched)
      if (S.second == RealDir)
        Duplicates.emplace_back(std::string(Named), S.first().str());
  }
  auto InSystem = [&](llvm::StringRef Path) {
    return llvm::any_of(System, [&](const std::string &Dir) { return isWithin(Path, Dir); });
  };
  for (const std::string &File : Read)
    if (!InSystem(File))
      Project.push_back(std::string(llvm::sys::path::parent_path(File)));
  for (const std::string &Dir : OpenedDirectories)
    if (!InSystem(Dir))
      Project.push_back(Dir);
  sortUnique(Project);

  auto InProject = [&](llvm::StringRef Path) {
    return llvm::any_of(Project, [&](const std::string &Dir) { return isWithin(Path, Dir); });
  };
  // `#include "../team.hpp"` from src/sub/a.cpp looks for src/team.hpp: a
  // lookup made from a project directory that climbs out of it. Such a miss
  // counts when the part of its name before a ".." leads into the project.
  auto LookedUpFromProject = [&](llvm::StringRef Written) {
    for (auto It = llvm::sys::path::begin(Written), End = llvm::sys::path::end(Written);
         It != End; ++It)
      if (*It == "..") {
        llvm::StringRef Prefix = Written.take_front(It->data() - Written.data());
        if (InProject(Real.directory(Prefix.rtrim('/'))))
          return true;
      }
    return false;
  };

  Absent.clear();
  for (const std::string &Written : Lookups.misses()) {
    std::string Miss = Real.anyPath(Written);
    if (!InSystem(Miss) && (InProject(Miss) || LookedUpFromProject(Written)))
      Absent.push_back(Written);
  }

  size_t Misses = Absent.size();
  for (const auto &[Named, Twin] : Duplicates)
    for (size_t I = 0; I < Misses; ++I) {
      llvm::StringRef Rest(Absent[I]);
      if (Rest.consume_front(Twin) && Rest.starts_with("/"))
        Absent.push_back(Named + Rest.str());
    }
  sortUnique(Absent);
}

} // namespace taskscan
