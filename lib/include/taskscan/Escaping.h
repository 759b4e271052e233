//===- Escaping.h - Text that reaches another language, made safe ---------===//
//
// One function per target language. Everything the generators write that
// came from user input (sources, config, command line) goes through here or
// was rejected before the model was built.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_ESCAPING_H
#define TASKSCAN_ESCAPING_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace taskscan {

/// A C++ string literal (quotes included) holding exactly \p S; bytes that
/// are not printable ASCII become octal escapes, so `??` trigraphs, quotes,
/// backslashes and newlines cannot escape it.
std::string cppStringLiteral(llvm::StringRef S);

/// A Python 3 str literal (quotes included) holding exactly \p S when \p S is
/// valid UTF-8 (invalid bytes become U+FFFD; callers reject those first).
std::string pythonStringLiteral(llvm::StringRef S);

/// A JSON string (quotes included), as the Dockerfile exec form and
/// docker-bake.json need it.
std::string jsonStringLiteral(llvm::StringRef S);

/// Whether \p Path can be written inside a C++ `#include "..."`, which has
/// no escapes: printable ASCII without '"', '\\' and newlines.
bool isIncludeSafePath(llvm::StringRef Path);

/// \p Path relative to directory \p FromDir (both absolute), with '..'.
std::string relativePath(llvm::StringRef Path, llvm::StringRef FromDir);

} // namespace taskscan

#endif
