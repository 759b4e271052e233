//===- CodeHash.h - What a cached task result depends on ------------------===//
#ifndef TASKSCAN_SCAN_CODEHASH_H
#define TASKSCAN_SCAN_CODEHASH_H

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"

#include <string>

namespace taskscan {

/// A hash (16 lower-case hex digits) of the code a task's result depends on,
/// as Clang sees it: the task's definition and every function and variable
/// it uses, directly or through another, that this translation unit defines
/// outside system headers. Comments and layout do not count (Clang's ODR
/// hash of the parsed declarations); a changed token of any of them does.
std::string taskCodeHash(const clang::FunctionDecl *Definition,
                         const clang::SourceManager &SM);

} // namespace taskscan

#endif
