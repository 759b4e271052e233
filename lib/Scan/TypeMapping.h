//===- TypeMapping.h - C++ types as Flyte types -----------------*- C++ -*-===//
//
// Which C++ types a task's inputs and outputs may have, and the Flyte type
// each one is: bool, integers, float and double, std::string,
// std::filesystem::path (a file) and std::vector of those. The extractor
// asks; it decides nothing about types itself.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCAN_TYPEMAPPING_H
#define TASKSCAN_SCAN_TYPEMAPPING_H

#include "taskscan/Task.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"

#include <optional>
#include <string>
#include <utility>

namespace taskscan {

/// What a message lists as supported: any input, and a single output.
extern const char *const SupportedTypes;
extern const char *const ScalarReturnTypes;

/// Walks from the outermost named non-inline contexts of \p D; true when
/// they are exactly \p Path (e.g. {"std", "filesystem"}), inline namespaces
/// such as libstdc++'s __cxx11 or libc++'s __1 skipped.
bool isInNamespaces(const clang::Decl *D, llvm::ArrayRef<llvm::StringRef> Path);

/// The specialization of std::\p Name that \p T is, or null.
const clang::ClassTemplateSpecializationDecl *stdTemplate(clang::QualType T,
                                                          llvm::StringRef Name);

/// A scalar Flyte type (not a list) and its normalized C++ spelling.
std::optional<std::pair<FlyteKind, std::string>> scalarType(clang::QualType T,
                                                           const clang::ASTContext &Ctx);

/// A parameter's or single result's Flyte type: a scalar or a vector of one.
std::optional<std::pair<FlyteType, std::string>> valueType(clang::QualType T,
                                                          const clang::ASTContext &Ctx);

} // namespace taskscan

#endif
