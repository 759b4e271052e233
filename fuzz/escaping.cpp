//===- escaping.cpp - Fuzz target: every escaper reads back as written ----===//
//
// For any bytes S, what each escaper writes must read back, in its own
// language, as S (or as S with invalid UTF-8 and, for one-line forms,
// control characters replaced by U+FFFD, as each escaper documents), and
// must not hold anything that ends the literal, the line or the comment.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "taskscan/Escaping.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace fuzz;

namespace {

/// What one line can hold: valid UTF-8, control characters as U+FFFD.
std::string asOneLine(llvm::StringRef S) {
  std::string Valid = llvm::json::fixUTF8(S), Out;
  for (char C : Valid) {
    if (static_cast<unsigned char>(C) < 0x20 || C == 0x7f)
      Out += "\xEF\xBF\xBD";
    else
      Out += C;
  }
  return Out;
}

void checkCpp(llvm::StringRef S) {
  std::string L = taskscan::cppStringLiteral(S), Why;
  auto Back = decodeCppLiteral(L, Why);
  FUZZ_CHECK(Back, "cppStringLiteral wrote " + shown(L) + ": " + Why);
  FUZZ_CHECK(*Back == S, "cppStringLiteral " + shown(L) + " reads back as " +
                             shown(*Back) + ", not " + shown(S));
}

void checkPython(llvm::StringRef S) {
  std::string L = taskscan::pythonStringLiteral(S), Why;
  auto Back = decodePythonLiteral(L, Why);
  FUZZ_CHECK(Back, "pythonStringLiteral wrote " + shown(L) + ": " + Why);
  std::string Expected = llvm::json::fixUTF8(S);
  FUZZ_CHECK(*Back == Expected, "pythonStringLiteral " + shown(L) +
                                    " reads back as " + shown(*Back) +
                                    ", not " + shown(Expected));
  if (isStrictUtf8(S))
    FUZZ_CHECK(*Back == S, "valid UTF-8 changed: " + shown(S));
}

void checkJson(llvm::StringRef S) {
  std::string L = taskscan::jsonStringLiteral(S);
  auto V = llvm::json::parse(L);
  if (!V) {
    std::string Err = llvm::toString(V.takeError());
    FUZZ_CHECK(false, "jsonStringLiteral wrote " + shown(L) +
                          ", which is not JSON: " + Err);
  }
  auto Str = V->getAsString();
  FUZZ_CHECK(Str, "jsonStringLiteral wrote a non-string: " + shown(L));
  std::string Expected = llvm::json::fixUTF8(S);
  FUZZ_CHECK(*Str == Expected,
             "JSON " + shown(L) + " reads back as " + shown(*Str));
  for (unsigned char C : L)
    FUZZ_CHECK(C >= 0x20, "raw control character in JSON " + shown(L));
}

void checkDockerfileWord(llvm::StringRef S, bool Quoted) {
  std::string W = Quoted ? taskscan::dockerfileQuotedWord(S)
                         : taskscan::dockerfileWord(S);
  std::string Why;
  auto Back = decodeDockerfileWord(W, Why);
  const char *Name = Quoted ? "dockerfileQuotedWord" : "dockerfileWord";
  FUZZ_CHECK(Back, std::string(Name) + " wrote " + shown(W) + ": " + Why);
  std::string Expected = asOneLine(S);
  FUZZ_CHECK(*Back == Expected, std::string(Name) + " " + shown(W) +
                                    " reads back as " + shown(*Back) +
                                    ", not " + shown(Expected));
  FUZZ_CHECK(isStrictUtf8(W), std::string(Name) + " wrote invalid UTF-8");
}

void checkDockerfileJsonForm(const std::vector<std::string> &Words) {
  std::string F = taskscan::dockerfileJsonForm(Words);
  FUZZ_CHECK(llvm::StringRef(F).find_first_of("\n\r") == llvm::StringRef::npos,
             "line break in the JSON form " + shown(F));
  auto V = llvm::json::parse(F);
  if (!V) {
    std::string Err = llvm::toString(V.takeError());
    FUZZ_CHECK(false, "dockerfileJsonForm wrote " + shown(F) +
                          ", which is not JSON: " + Err);
  }
  auto *A = V->getAsArray();
  FUZZ_CHECK(A && A->size() == Words.size(), "not one element per word: " +
                                                 shown(F));
  for (size_t I = 0; I < Words.size(); ++I) {
    auto E = (*A)[I].getAsString();
    FUZZ_CHECK(E, "a non-string element in " + shown(F));
    std::string Why;
    auto Back = decodeDockerfileWord(*E, Why);
    FUZZ_CHECK(Back, "element " + shown(*E) + " of " + shown(F) + ": " + Why);
    FUZZ_CHECK(*Back == asOneLine(Words[I]),
               "element reads back as " + shown(*Back) + ", not " +
                   shown(asOneLine(Words[I])));
  }
}

void checkComment(llvm::StringRef S) {
  std::string C = taskscan::commentText(S);
  FUZZ_CHECK(llvm::StringRef(C).find_first_of("\n\r") == llvm::StringRef::npos,
             "line break in comment text " + shown(C));
  FUZZ_CHECK(!hasControlCharacter(C), "control character in comment text " +
                                          shown(C));
  FUZZ_CHECK(C.empty() || C.back() != '\\',
             "comment text ends with a line continuation: " + shown(C));
  FUZZ_CHECK(isStrictUtf8(C), "comment text is not UTF-8: " + shown(C));
}

void checkPythonIdentifier(llvm::StringRef S) {
  std::string Id = taskscan::pythonIdentifier(S);
  FUZZ_CHECK(!Id.empty(), "empty identifier for " + shown(S));
  FUZZ_CHECK(!(Id[0] >= '0' && Id[0] <= '9'), "identifier starts with a digit: " + Id);
  for (char C : Id)
    FUZZ_CHECK((C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
                   (C >= '0' && C <= '9') || C == '_',
               "not an identifier: " + shown(Id));
  FUZZ_CHECK(!taskscan::isPythonKeyword(Id), "keyword identifier " + Id);
}

void checkIncludePath(llvm::StringRef S) {
  if (!taskscan::isIncludeSafePath(S))
    return;
  FUZZ_CHECK(llvm::json::isUTF8(S) && !S.contains('"') && !S.contains('\\') &&
                 !S.empty() && llvm::none_of(S, [](char C) {
                   unsigned char U = static_cast<unsigned char>(C);
                   return U < 0x20 || U == 0x7f;
                 }),
             "unsafe #include path accepted: " + shown(S));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > 4096)
    return 0;
  llvm::StringRef S(reinterpret_cast<const char *>(Data), Size);
  checkCpp(S);
  checkPython(S);
  checkJson(S);
  checkDockerfileWord(S, /*Quoted=*/false);
  checkDockerfileWord(S, /*Quoted=*/true);
  checkComment(S);
  checkPythonIdentifier(S);
  checkIncludePath(S);
  // Several words: split the input at NUL bytes.
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  S.split(Parts, '\0');
  checkDockerfileJsonForm(std::vector<std::string>(Parts.begin(), Parts.end()));
  return 0;
}
