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

/// Passes everything through and notes each path (made absolute, as
/// written) that a lookup did not find. One per translation unit; not thread-safe.
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

/// What a finished preprocessing or parse in \p CI depended on, each list
/// of real paths (RealPath.h), sorted and unique: \p Read, every file its
/// source manager read, as the file system names the file it opened;
/// \p Absent, the misses of \p Lookups that could change its result: inside
/// a quoted or angled, non-system include directory (one the command line
/// names counts even where it does not exist), or inside the directory
/// of a file it read (for `#include "..."` beside the includer) that is not a
/// system directory (decided on real paths, kept as looked up: a symbolic
/// link re-pointed later must lead to the check of the new target);
/// \p LookupPaths, the names files of \p Read were opened by where they
/// differ from the real path (see TranslationUnitResult::LookupPaths).
/// Sorts \p Paths and drops repeats.
void sortUnique(std::vector<std::string> &Paths);

void filesOfTranslationUnit(const clang::CompilerInstance &CI,
                            const MissRecordingFileSystem &Lookups,
                            std::vector<std::string> &Read,
                            std::vector<std::string> &Absent,
                            std::vector<std::string> &LookupPaths);

} // namespace taskscan

#endif
