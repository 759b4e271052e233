//===- RealPath.cpp -------------------------------------------------------===//
#include "RealPath.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <sys/stat.h>

namespace taskscan {

namespace {

/// \p Path with its last component split off; false at the root (or for a
/// path of one component), where nothing is left to resolve.
bool splitLast(llvm::StringRef Path, llvm::StringRef &Parent, llvm::StringRef &Name) {
  Parent = llvm::sys::path::parent_path(Path);
  Name = llvm::sys::path::filename(Path);
  return !Parent.empty() && Parent != Path && !Name.empty();
}

/// Resolves \p Path with \p Real (the file system's answer for an existing
/// path); where it fails, resolves the parent the same way and appends the
/// last component as written, so "..", a symbolic link or a missing
/// directory is only ever interpreted by the file system.
template <typename RealFn>
std::string resolve(llvm::StringRef Path, RealFn &&Real) {
  std::string Out;
  if (Real(Path, Out))
    return Out;
  llvm::StringRef Parent, Name;
  if (!splitLast(Path, Parent, Name))
    return Path.str();
  llvm::SmallString<256> Joined(resolve(Parent, Real));
  llvm::sys::path::append(Joined, Name);
  return std::string(Joined);
}

/// Joined as text only: ".." after a symbolic link is the file system's.
llvm::SmallString<256> joined(llvm::StringRef WorkingDirectory, llvm::StringRef Path) {
  llvm::SmallString<256> Absolute;
  if (llvm::sys::path::is_absolute(Path)) {
    Absolute = Path;
  } else {
    Absolute = WorkingDirectory;
    llvm::sys::path::append(Absolute, Path);
  }
  return Absolute;
}

} // namespace

std::string realPath(llvm::StringRef WorkingDirectory, llvm::StringRef Path) {
  if (Path.empty())
    return {};
  return resolve(joined(WorkingDirectory, Path), [](llvm::StringRef P, std::string &Out) {
    llvm::SmallString<256> Real;
    if (llvm::sys::fs::real_path(P, Real))
      return false;
    Out = std::string(Real);
    return true;
  });
}

std::string RealPathCache::path(llvm::StringRef WorkingDirectory, llvm::StringRef Path) {
  if (Path.empty())
    return {};
  bool Exists;
  return resolve(joined(WorkingDirectory, Path), Exists);
}

std::string RealPathCache::existing(llvm::StringRef Path) {
  bool Exists;
  std::string Real = resolve(Path, Exists);
  return Exists ? Real : std::string();
}

std::string RealPathCache::resolve(llvm::StringRef Absolute, bool &Exists) {
  llvm::StringRef Parent, Name;
  if (!splitLast(Absolute, Parent, Name) || Name == "." || Name == "..") {
    Exists = llvm::sys::fs::exists(Absolute);
    return realPath("", Absolute);
  }
  // The directory's real path plus the name: right unless the name is a
  // symbolic link itself (then the file system resolves the whole path),
  // and for a missing file what realPath() answers too.
  llvm::SmallString<256> Real(directory(Parent));
  llvm::sys::path::append(Real, Name);
  Kind What = kindOf(Real);
  if (What == Kind::Missing) {
    Exists = false;
    return std::string(Real);
  }
  if (What == Kind::File) {
    Exists = true;
    return std::string(Real);
  }
  // A dangling link: realPath() answers its directory's real path plus
  // its name, which Real already is.
  llvm::SmallString<256> Resolved;
  Exists = !llvm::sys::fs::real_path(Absolute, Resolved);
  return std::string(Exists ? Resolved : Real);
}

RealPathCache::Kind RealPathCache::kindOf(llvm::StringRef Real) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto Known = Kinds.find(Real);
    if (Known != Kinds.end())
      return Known->second;
  }
  struct stat St;
  llvm::SmallString<256> Path(Real);
  Kind What = ::lstat(Path.c_str(), &St) != 0 ? Kind::Missing
              : S_ISLNK(St.st_mode)            ? Kind::Link
                                               : Kind::File;
  std::lock_guard<std::mutex> Guard(Lock);
  return Kinds.try_emplace(Real, What).first->second;
}

std::string RealPathCache::directory(llvm::StringRef Dir) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto Known = Directories.find(Dir);
    if (Known != Directories.end())
      return Known->second;
  }
  std::string Real = realPath("", Dir);
  std::lock_guard<std::mutex> Guard(Lock);
  return Directories.try_emplace(Dir, std::move(Real)).first->second;
}

std::string RealPathFinder::anyPath(llvm::StringRef Path) {
  if (Path.empty())
    return {};
  llvm::SmallString<256> Absolute(Path);
  if (FS.makeAbsolute(Absolute))
    return Path.str();
  llvm::StringRef Parent, Name;
  if (!splitLast(Absolute, Parent, Name))
    return std::string(Absolute);
  // The directory's answer plus the name as written: the file that creating
  // the path would create, one remembered question per directory.
  llvm::SmallString<256> Real(directory(Parent));
  llvm::sys::path::append(Real, Name);
  return std::string(Real);
}

std::string RealPathFinder::directory(llvm::StringRef Written) {
  llvm::SmallString<256> Dir(Written);
  if (FS.makeAbsolute(Dir))
    return Written.str();
  auto Known = Directories.find(Dir.str());
  if (Known != Directories.end())
    return Known->second;
  llvm::SmallString<256> Real;
  llvm::StringRef Parent, Name;
  if (!FS.getRealPath(Dir, Real)) {
    // The file system's answer.
  } else if (splitLast(Dir.str(), Parent, Name)) {
    Real = directory(Parent);
    llvm::sys::path::append(Real, Name);
  } else {
    Real = Dir;
  }
  return Directories[Dir.str()] = std::string(Real);
}

} // namespace taskscan
