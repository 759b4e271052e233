//===- Escaping.cpp -------------------------------------------------------===//
#include "taskscan/Escaping.h"

#include "llvm/ADT/SmallVector.h"
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

bool isIncludeSafePath(llvm::StringRef Path) {
  return !Path.empty() && llvm::all_of(Path, [](char C) {
    return C >= 0x20 && C < 0x7f && C != '"' && C != '\\';
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
