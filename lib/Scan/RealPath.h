//===- RealPath.h - Which file a path names --------------------------------===//
//
// A path identifies a file only once the file system has resolved it: with
// `-Ilink/../inc` and `link` a symbolic link, the compiler opens a file that
// removing ".." from the text does not name, and clang's driver finds GCC's
// headers as `/../lib/gcc/<triple>/12/../../../../include/c++/12`, which
// text editing turns into a path that does not exist. Cache rows, absent-file
// keys, depfiles and task positions therefore hold real paths: absolute,
// every symbolic link resolved, no "." or "..", as the file system answers.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCAN_REALPATH_H
#define TASKSCAN_SCAN_REALPATH_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <mutex>
#include <string>

namespace taskscan {

/// The real path of \p Path (relative ones against \p WorkingDirectory) on
/// the real file system. A path that does not exist gets its nearest existing
/// ancestor's real path followed by the rest as written: the file that
/// creating \p Path would create.
std::string realPath(llvm::StringRef WorkingDirectory, llvm::StringRef Path);

/// realPath() for many files in a few directories, from many threads (one
/// instance per run, which sees the file system as one snapshot): each
/// directory is resolved once, each file then costs one lstat(), unless it
/// is a symbolic link itself. A warm run asks this for every translation
/// unit and every header name; resolving each path component by component
/// (realpath(3) reads every component as a link) was a fifth of its time.
class RealPathCache {
public:
  /// realPath(\p WorkingDirectory, \p Path).
  std::string path(llvm::StringRef WorkingDirectory, llvm::StringRef Path);
  /// The real path of the existing file \p Path (absolute), else "".
  std::string existing(llvm::StringRef Path);

private:
  /// realPath() of \p Absolute; \p Exists says whether it names a file.
  std::string resolve(llvm::StringRef Absolute, bool &Exists);
  std::string directory(llvm::StringRef Dir);
  /// What lstat() says of \p Real (a directory's real path and a name),
  /// asked once per run: a warm run resolves each main file by two names.
  enum class Kind { Missing, File, Link };
  Kind kindOf(llvm::StringRef Real);

  std::mutex Lock;
  llvm::StringMap<std::string> Directories; ///< As written -> real.
  llvm::StringMap<Kind> Kinds;              ///< By real path.
};

/// The same through a virtual file system (relative paths against its
/// working directory), remembering each directory's answer: one per
/// translation unit, for the many paths that share a few directories.
class RealPathFinder {
public:
  explicit RealPathFinder(llvm::vfs::FileSystem &FS) : FS(FS) {}

  /// The real path of \p Path, which need not exist (see realPath()): its
  /// directory's real path plus its name as written. For a file that was
  /// opened (and may itself be a symbolic link), ask the FileManager.
  std::string anyPath(llvm::StringRef Path);

  /// The real path of directory \p Dir (absolute), remembered.
  std::string directory(llvm::StringRef Dir);

private:
  llvm::vfs::FileSystem &FS;
  llvm::StringMap<std::string> Directories; ///< As written -> real.
};

} // namespace taskscan

#endif
