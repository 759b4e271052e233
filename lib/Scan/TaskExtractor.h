//===- TaskExtractor.h - Tasks from a parsed translation unit -------------===//
#ifndef TASKSCAN_SCAN_TASKEXTRACTOR_H
#define TASKSCAN_SCAN_TASKEXTRACTOR_H

#include "taskscan/Task.h"

#include "clang/AST/ASTContext.h"

namespace taskscan {

/// The macro that marks a task (flyte/task.hpp).
inline constexpr llvm::StringLiteral TaskMacro = "FLYTE_TASK";

/// The annotation FLYTE_TASK expands to in a scan (see flyte/task.hpp).
inline constexpr const char *TaskAnnotation = "flyte.task";

/// Finds every declaration annotated with FLYTE_TASK in \p Ctx, checks it
/// and adds tasks and diagnostics to \p Result. \p WorkingDirectory makes
/// relative file names absolute. With \p HeadersMissing (a header was not
/// found and the scan goes on without it), a task whose declaration clang
/// could not read is kept for its annotation, without inputs and outputs.
/// With \p OwnDeclarationsOnly, the declarations read from a precompiled
/// header are not looked at (a shared prefix holds no task: SharedPrefix.h).
void extractTasks(clang::ASTContext &Ctx, llvm::StringRef WorkingDirectory,
                  TranslationUnitResult &Result, bool HeadersMissing = false,
                  bool OwnDeclarationsOnly = false);

/// Sets the CodeHash of every `cache = true` task of \p Result from \p Ctx,
/// an AST of the same translation unit parsed with the bodies of the
/// project's functions (the scan's own skips them all).
void hashCachedTaskCode(clang::ASTContext &Ctx, llvm::StringRef WorkingDirectory,
                        TranslationUnitResult &Result);

/// \p Path as clang's SourceManager named it, made absolute; ".." stays
/// (only the file system knows what it names: RealPath.h).
std::string absolutePath(llvm::StringRef WorkingDirectory, llvm::StringRef Path);

/// The position (file, line, column) where \p Loc was written, looking
/// through macro expansions to the outermost one.
SourcePosition positionOf(const clang::SourceManager &SM, clang::SourceLocation Loc,
                          llvm::StringRef WorkingDirectory);

} // namespace taskscan

#endif
