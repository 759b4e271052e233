//===- AbsentFiles.h - The files a translation unit looked for in vain ----===//
//
// A cached result stays valid while every file the translation unit read is
// unchanged, but a file that did not exist can change it too: a header added
// to an include directory earlier on the path (or beside the includer)
// shadows the one that was read, and a __has_include flips. The scanner runs
// clang over a file system that notes every lookup that found nothing; the
// misses inside the project's own include directories become cache keys
// ("still absent"). Misses in system directories are left out: hundreds per
// translation unit, and those change with a package install, not an edit.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCAN_ABSENTFILES_H
#define TASKSCAN_SCAN_ABSENTFILES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <string>
#include <vector>

namespace clang {
class CompilerInstance;
}

namespace taskscan {

/// Passes everything through and notes each path (made absolute) that a
/// lookup did not find. One per translation unit; not thread-safe.
class MissRecordingFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  using ProxyFileSystem::ProxyFileSystem;

  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &Path) override;
  bool exists(const llvm::Twine &Path) override;
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
  openFileForRead(const llvm::Twine &Path) override;

  const std::vector<std::string> &misses() const { return Misses; }

private:
  void noteMiss(const llvm::Twine &Path);

  std::vector<std::string> Misses;
};

/// Of \p Misses, those that could change the translation unit's result
/// (sorted, unique): inside a quoted or angled, non-system include directory
/// of \p CI, or inside the directory of a file it read (\p Dependencies, for
/// `#include "..."` beside the includer) that is not a system directory.
std::vector<std::string> projectMisses(const clang::CompilerInstance &CI,
                                       llvm::ArrayRef<std::string> Misses,
                                       llvm::ArrayRef<std::string> Dependencies,
                                       llvm::StringRef WorkingDirectory);

} // namespace taskscan

#endif
