//===- Escaping.h - Text that reaches another language, made safe ---------===//
//
// One function per target language. Everything the generators write that
// came from user input (sources, config, command line) goes through here or
// was rejected before the model was built.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_ESCAPING_H
#define TASKSCAN_ESCAPING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace taskscan {

/// A C++ string literal (quotes included) holding exactly \p S; bytes that
/// are not printable ASCII become octal escapes, so `??` trigraphs, quotes,
/// backslashes and newlines cannot escape it.
std::string cppStringLiteral(llvm::StringRef S);

/// A Python 3 str literal (quotes included) holding exactly \p S when \p S is
/// valid UTF-8 (invalid bytes become U+FFFD; callers reject those first).
std::string pythonStringLiteral(llvm::StringRef S);

/// A JSON string (quotes included), as docker-bake.json and manifest.json
/// need it. Invalid UTF-8 becomes U+FFFD.
std::string jsonStringLiteral(llvm::StringRef S);

/// \p S as a valid Python 3 identifier: ASCII letters, digits and '_' kept,
/// every other byte '_', a leading digit prefixed with '_', a keyword
/// (`lambda`, `None`, ...) suffixed with '_'. Not unique: callers that need
/// distinct names resolve clashes themselves.
std::string pythonIdentifier(llvm::StringRef S);

/// Whether \p S is a Python 3 keyword (soft keywords such as `match` are
/// valid names and are not included).
bool isPythonKeyword(llvm::StringRef S);

/// One word of a Dockerfile instruction (the image of FROM, a LABEL value, an
/// element of a JSON-form argument list) that Docker's and buildah's word
/// processing turn back into exactly \p S. Both expand `$VAR` and strip
/// quotes and backslashes in these words, also inside the JSON form, so a
/// word of anything but plain characters ([A-Za-z0-9._:/@+-]) is written in
/// double quotes with '\\', '"' and '$' escaped. A Dockerfile line cannot
/// hold a line break: control characters (and invalid UTF-8) become U+FFFD,
/// so no value can start another instruction.
std::string dockerfileWord(llvm::StringRef S);

/// Like dockerfileWord, always in double quotes (LABEL values read better).
std::string dockerfileQuotedWord(llvm::StringRef S);

/// The JSON (exec) form of an instruction's arguments, `["a", "b"]`: each
/// element a dockerfileWord written as a JSON string.
std::string dockerfileJsonForm(llvm::ArrayRef<std::string> Words);

/// \p S as one word of a POSIX shell command line: in single quotes, a
/// quote inside written as '\''; control characters (and invalid UTF-8)
/// become U+FFFD, so the word stays on its line.
std::string shellQuoted(llvm::StringRef S);

/// \p S made safe inside a line comment (`#` or `//`): control characters
/// and invalid UTF-8 become U+FFFD, and a trailing backslash (a C++ line
/// continuation) is dropped, so the comment ends where the line ends.
std::string commentText(llvm::StringRef S);

/// Whether \p Path can be written inside a C++ `#include "..."`, which has
/// no escapes: valid UTF-8 without '"', '\\' and control characters (a line
/// break would end the directive).
bool isIncludeSafePath(llvm::StringRef Path);

/// \p Path as a word of a Makefile-style depfile (make and ninja): space
/// and '#' behind a backslash, '$' doubled. Nullopt for a line break, which
/// neither can read in a file name.
std::optional<std::string> depfilePath(llvm::StringRef Path);

/// \p Path relative to directory \p FromDir (both absolute), with '..'.
std::string relativePath(llvm::StringRef Path, llvm::StringRef FromDir);

} // namespace taskscan

#endif
