//===- GitFiles.h - The C and C++ files a git repository tracks -----------===//
//
// A commit that changes the image configuration can break tasks in files it
// does not touch. With a compile database those files are the database's;
// without one (flags after `--`, the natural pre-commit form for a project
// whose build tree is not checked in) they are the C and C++ files git
// tracks, as `git ls-files` lists them in the hook's own run.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_GITFILES_H
#define TASKSCAN_GITFILES_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// Whether \p Path names a C or C++ source or header by its extension, the
/// ones pre-commit's `types_or: [c, c++]` selects (.c .cc .cpp .cxx .c++ .h
/// .hh .hpp .hxx .h++ .ipp .tpp .inl, any case of the letters but .C and .H,
/// which are C++ as GCC reads them).
bool isCOrCxxFile(llvm::StringRef Path);

/// The C and C++ files git tracks under \p Directory, existing ones only, as
/// paths relative to it (git's own `ls-files` in the index that the
/// environment names: inside a hook, the commit's). std::nullopt with
/// \p Error set when git is not found or \p Directory is not in a work tree.
std::optional<std::vector<std::string>> gitTrackedCxxFiles(llvm::StringRef Directory,
                                                           std::string &Error);

} // namespace taskscan

#endif
