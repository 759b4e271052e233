//===- AbsentFiles.cpp ----------------------------------------------------===//
#include "AbsentFiles.h"

#include "TaskExtractor.h"

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
  makeAbsolute(Absolute);
  llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
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

std::vector<std::string> projectMisses(const clang::CompilerInstance &CI,
                                       llvm::ArrayRef<std::string> Misses,
                                       llvm::ArrayRef<std::string> Dependencies,
                                       llvm::StringRef WorkingDirectory) {
  const clang::HeaderSearch &Search = CI.getPreprocessor().getHeaderSearchInfo();
  std::vector<std::string> Project, System;
  for (auto It = Search.search_dir_begin(); It != Search.search_dir_end(); ++It) {
    if (!It->isNormalDir())
      continue;
    bool IsSystem = It->getDirCharacteristic() != clang::SrcMgr::C_User;
    (IsSystem ? System : Project).push_back(absolutePath(WorkingDirectory, It->getName()));
  }
  // The resource directory's headers (stddef.h, ...) are the compiler's own.
  System.push_back(absolutePath(WorkingDirectory, CI.getHeaderSearchOpts().ResourceDir));
  auto InSystem = [&](llvm::StringRef Path) {
    return llvm::any_of(System, [&](const std::string &Dir) { return isWithin(Path, Dir); });
  };
  for (const std::string &File : Dependencies)
    if (!InSystem(File))
      Project.push_back(std::string(llvm::sys::path::parent_path(File)));
  llvm::sort(Project);
  Project.erase(std::unique(Project.begin(), Project.end()), Project.end());

  std::vector<std::string> Kept;
  for (const std::string &Miss : Misses)
    if (!InSystem(Miss) &&
        llvm::any_of(Project, [&](const std::string &Dir) { return isWithin(Miss, Dir); }))
      Kept.push_back(Miss);
  llvm::sort(Kept);
  Kept.erase(std::unique(Kept.begin(), Kept.end()), Kept.end());
  return Kept;
}

} // namespace taskscan
