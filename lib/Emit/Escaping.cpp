//===- Escaping.cpp -------------------------------------------------------===//
#include "taskscan/Escaping.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace taskscan {

std::string cppStringLiteral(llvm::StringRef S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    if (C == '"' || C == '\\')
      (Out += '\\') += char(C);
    else if (C >= 0x20 && C < 0x7f && C != '?') // '?' would allow trigraphs
      Out += char(C);
    else
      Out += fmt::format("\\{:03o}", C);
  }
  return Out + "\"";
}

std::string pythonStringLiteral(llvm::StringRef S) {
  std::string Valid = llvm::json::fixUTF8(S);
  std::string Out = "\"";
  for (size_t I = 0; I < Valid.size(); ++I) {
    unsigned char C = Valid[I];
    if (C == '"' || C == '\\')
      (Out += '\\') += char(C);
    else if (C >= 0x20 && C != 0x7f)
      Out += char(C); // printable ASCII and UTF-8 sequences
    else
      Out += fmt::format("\\x{:02x}", C);
  }
  return Out + "\"";
}

std::string jsonStringLiteral(llvm::StringRef S) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::json::Value(llvm::json::fixUTF8(S));
  return Out;
}

bool isPythonKeyword(llvm::StringRef S) {
  static const char *const Keywords[] = {
      "False",  "None",     "True",   "and",    "as",     "assert", "async",
      "await",  "break",    "class",  "continue", "def",  "del",    "elif",
      "else",   "except",   "finally", "for",   "from",   "global", "if",
      "import", "in",       "is",     "lambda", "nonlocal", "not", "or",
      "pass",   "raise",    "return", "try",    "while",  "with",   "yield"};
  return llvm::is_contained(Keywords, S);
}

std::string pythonIdentifier(llvm::StringRef S) {
  std::string Out;
  for (char C : S)
    Out += llvm::isAlnum(C) || C == '_' ? C : '_';
  if (Out.empty() || llvm::isDigit(Out.front()))
    Out.insert(Out.begin(), '_');
  if (isPythonKeyword(Out))
    Out += '_';
  return Out;
}

namespace {

constexpr llvm::StringLiteral ReplacementCharacter = "\xEF\xBF\xBD"; // U+FFFD

/// \p S as valid UTF-8 without control characters: what one line can hold.
std::string singleLine(llvm::StringRef S) {
  std::string Valid = llvm::json::fixUTF8(S);
  std::string Out;
  for (char C : Valid) {
    if (static_cast<unsigned char>(C) < 0x20 || C == 0x7f)
      Out += ReplacementCharacter;
    else
      Out += C;
  }
  return Out;
}

bool isPlainDockerfileCharacter(char C) {
  return llvm::isAlnum(C) || llvm::StringRef("._:/@+-").contains(C);
}

} // namespace

std::string dockerfileQuotedWord(llvm::StringRef S) {
  // Inside double quotes Docker's (and buildah's) word processing takes a
  // backslash before '"', '$' and '\\' as an escape and every other
  // character as is; the closing quote keeps a value from ending the line
  // with a backslash, which would continue the instruction.
  std::string Out = "\"";
  for (char C : singleLine(S)) {
    if (C == '"' || C == '$' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

std::string dockerfileWord(llvm::StringRef S) {
  if (!S.empty() && llvm::all_of(S, isPlainDockerfileCharacter))
    return S.str();
  return dockerfileQuotedWord(S);
}

std::string dockerfileJsonForm(llvm::ArrayRef<std::string> Words) {
  std::string Out = "[";
  for (size_t I = 0; I < Words.size(); ++I) {
    if (I)
      Out += ", ";
    Out += jsonStringLiteral(dockerfileWord(Words[I]));
  }
  return Out + "]";
}

std::optional<std::string> depfilePath(llvm::StringRef Path) {
  std::string Out;
  for (char C : Path) {
    if (C == '\n' || C == '\r')
      return std::nullopt;
    if (C == ' ' || C == '#')
      Out += '\\';
    else if (C == '$')
      Out += '$';
    Out += C;
  }
  return Out;
}

std::string shellQuoted(llvm::StringRef S) {
  std::string Out = "'";
  for (char C : singleLine(S)) {
    if (C == '\'')
      Out += "'\\''";
    else
      Out += C;
  }
  return Out + "'";
}

std::string commentText(llvm::StringRef S) {
  std::string Out = singleLine(S);
  while (!Out.empty() && (Out.back() == '\\' || Out.back() == ' ' || Out.back() == '\t'))
    Out.pop_back();
  return Out;
}

bool isIncludeSafePath(llvm::StringRef Path) {
  return !Path.empty() && llvm::json::isUTF8(Path) &&
         llvm::none_of(Path, [](char C) {
           unsigned char U = static_cast<unsigned char>(C);
           return U < 0x20 || U == 0x7f || C == '"' || C == '\\';
         });
}

std::string relativePath(llvm::StringRef Path, llvm::StringRef FromDir) {
  namespace path = llvm::sys::path;
  llvm::SmallVector<llvm::StringRef, 16> To(path::begin(Path), path::end(Path));
  llvm::SmallVector<llvm::StringRef, 16> From(path::begin(FromDir),
                                              path::end(FromDir));
  size_t Common = 0;
  while (Common < To.size() && Common < From.size() && To[Common] == From[Common])
    ++Common;
  llvm::SmallString<256> Out;
  for (size_t I = Common; I < From.size(); ++I)
    path::append(Out, "..");
  for (size_t I = Common; I < To.size(); ++I)
    path::append(Out, To[I]);
  return std::string(Out);
}

} // namespace taskscan
