//===- FuzzSupport.h - Checks and decoders shared by the fuzz targets -----===//
//
// A fuzz target checks properties, not just "no crash": FUZZ_CHECK aborts
// with a message libFuzzer reports as a crash, so a broken property leaves a
// reproducer in the artifact folder like any memory error does.
//
// The decoders read a literal back the way its own language does (C++,
// Python 3, Docker's word processing), limited to the escapes a correct
// escaper may write; anything else is a finding, not a guess.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_FUZZ_FUZZSUPPORT_H
#define TASKSCAN_FUZZ_FUZZSUPPORT_H

#include "Property.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ConvertUTF.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace fuzz {

/// Shows bytes outside printable ASCII as \xNN.
inline std::string shown(llvm::StringRef S) {
  return property::shown(std::string_view(S.data(), S.size()));
}

using property::fail;

} // namespace fuzz

#define FUZZ_CHECK(Cond, Detail)                                               \
  do {                                                                         \
    if (!(Cond))                                                               \
      ::fuzz::fail(__FILE__, __LINE__, #Cond, (Detail));                       \
  } while (false)

namespace fuzz {

/// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF): what
/// Python accepts as source text.
inline bool isStrictUtf8(llvm::StringRef S) {
  const auto *P = reinterpret_cast<const llvm::UTF8 *>(S.data());
  const auto *E = P + S.size();
  return llvm::isLegalUTF8String(&P, E);
}

inline bool isPrintableAscii(llvm::StringRef S) {
  for (unsigned char C : S)
    if (C < 0x20 || C >= 0x7f)
      return false;
  return true;
}

inline bool hasControlCharacter(llvm::StringRef S) {
  for (unsigned char C : S)
    if (C < 0x20 || C == 0x7f)
      return true;
  return false;
}

inline void appendUtf8(std::string &Out, unsigned CodePoint) {
  char Buf[UNI_MAX_UTF8_BYTES_PER_CODE_POINT];
  char *P = Buf;
  llvm::ConvertCodePointToUTF8(CodePoint, P);
  Out.append(Buf, P);
}

inline int hexValue(char C) {
  if (C >= '0' && C <= '9')
    return C - '0';
  if (C >= 'a' && C <= 'f')
    return C - 'a' + 10;
  if (C >= 'A' && C <= 'F')
    return C - 'A' + 10;
  return -1;
}

/// Reads a C++ narrow string literal as a compiler does. Refuses what a
/// safe literal must not hold: anything but printable ASCII between the
/// quotes (a raw newline ends the line, raw bytes depend on the source
/// charset), a raw quote, `??` (a trigraph before C++17), hex escapes (they
/// swallow every following hex digit) and unknown escapes.
inline std::optional<std::string> decodeCppLiteral(llvm::StringRef L,
                                                   std::string &Why) {
  if (L.size() < 2 || L.front() != '"' || L.back() != '"') {
    Why = "not enclosed in double quotes";
    return std::nullopt;
  }
  llvm::StringRef In = L.drop_front().drop_back();
  if (!isPrintableAscii(In)) {
    Why = "raw byte outside printable ASCII";
    return std::nullopt;
  }
  if (In.contains("??")) {
    Why = "'?\?' could start a trigraph";
    return std::nullopt;
  }
  std::string Out;
  for (size_t I = 0; I < In.size(); ++I) {
    char C = In[I];
    if (C == '"') {
      Why = "unescaped quote";
      return std::nullopt;
    }
    if (C != '\\') {
      Out += C;
      continue;
    }
    if (++I == In.size()) {
      Why = "backslash escapes the closing quote";
      return std::nullopt;
    }
    char E = In[I];
    switch (E) {
    case '"': case '\\': case '\'': case '?': Out += E; break;
    case 'n': Out += '\n'; break;
    case 't': Out += '\t'; break;
    case 'r': Out += '\r'; break;
    default: {
      if (E < '0' || E > '7') {
        Why = std::string("unexpected escape '\\") + E + "'";
        return std::nullopt;
      }
      // Up to three octal digits, as the language reads them.
      unsigned V = 0, N = 0;
      while (N < 3 && I < In.size() && In[I] >= '0' && In[I] <= '7')
        V = V * 8 + (In[I++] - '0'), ++N;
      --I;
      if (V > 0xff) {
        Why = "octal escape out of range";
        return std::nullopt;
      }
      Out += char(V);
    }
    }
  }
  return Out;
}

/// Reads a Python 3 str literal in double quotes as Python does: the text is
/// strict UTF-8, holds no raw quote, newline or control character, and uses
/// only escapes Python defines (unknown ones are a SyntaxWarning and kept
/// verbatim, so they are refused here). \xNN is code point U+00NN.
inline std::optional<std::string> decodePythonLiteral(llvm::StringRef L,
                                                      std::string &Why) {
  if (L.size() < 2 || L.front() != '"' || L.back() != '"') {
    Why = "not enclosed in double quotes";
    return std::nullopt;
  }
  if (!isStrictUtf8(L)) {
    Why = "not valid UTF-8 source text";
    return std::nullopt;
  }
  llvm::StringRef In = L.drop_front().drop_back();
  std::string Out;
  for (size_t I = 0; I < In.size(); ++I) {
    unsigned char C = In[I];
    if (C == '"') {
      Why = "unescaped quote";
      return std::nullopt;
    }
    if (C < 0x20 || C == 0x7f) {
      Why = "raw control character";
      return std::nullopt;
    }
    if (C != '\\') {
      Out += char(C);
      continue;
    }
    if (++I == In.size()) {
      Why = "backslash escapes the closing quote";
      return std::nullopt;
    }
    char E = In[I];
    switch (E) {
    case '"': case '\\': case '\'': Out += E; break;
    case 'n': Out += '\n'; break;
    case 't': Out += '\t'; break;
    case 'r': Out += '\r'; break;
    case 'x': {
      if (I + 2 >= In.size() || hexValue(In[I + 1]) < 0 ||
          hexValue(In[I + 2]) < 0) {
        Why = "\\x needs two hex digits";
        return std::nullopt;
      }
      appendUtf8(Out, hexValue(In[I + 1]) * 16 + hexValue(In[I + 2]));
      I += 2;
      break;
    }
    default:
      Why = std::string("unexpected escape '\\") + E + "'";
      return std::nullopt;
    }
  }
  return Out;
}

/// Reads one word of a Dockerfile instruction as Docker's (BuildKit's
/// shell lexer) and buildah's word processing do with the default escape
/// character: outside quotes a backslash escapes the next character and
/// whitespace ends the word; in double quotes a backslash escapes only '"',
/// '$' and '\'; single quotes are literal. Refuses any unescaped '$' (a
/// variable expansion), any line break and a trailing backslash (a line
/// continuation): a word that needs them is not a safe word.
inline std::optional<std::string> decodeDockerfileWord(llvm::StringRef W,
                                                       std::string &Why) {
  if (W.empty()) {
    Why = "empty word";
    return std::nullopt;
  }
  if (W.contains('\n') || W.contains('\r')) {
    Why = "line break in a word";
    return std::nullopt;
  }
  std::string Out;
  size_t I = 0;
  auto Dollar = [&] {
    Why = "unescaped '$' expands a variable";
    return std::nullopt;
  };
  while (I < W.size()) {
    char C = W[I++];
    if (C == ' ' || C == '\t') {
      Why = "unquoted whitespace splits the word";
      return std::nullopt;
    }
    if (C == '$')
      return Dollar();
    if (C == '\\') {
      if (I == W.size()) {
        Why = "trailing backslash continues the line";
        return std::nullopt;
      }
      Out += W[I++];
      continue;
    }
    if (C == '\'') {
      size_t End = W.find('\'', I);
      if (End == llvm::StringRef::npos) {
        Why = "unterminated single quote";
        return std::nullopt;
      }
      Out += W.slice(I, End).str();
      I = End + 1;
      continue;
    }
    if (C == '"') {
      bool Closed = false;
      while (I < W.size()) {
        char D = W[I++];
        if (D == '"') {
          Closed = true;
          break;
        }
        if (D == '$')
          return Dollar();
        if (D == '\\' && I < W.size() &&
            (W[I] == '"' || W[I] == '$' || W[I] == '\\')) {
          Out += W[I++];
          continue;
        }
        Out += D;
      }
      if (!Closed) {
        Why = "unterminated double quote";
        return std::nullopt;
      }
      continue;
    }
    Out += C;
  }
  return Out;
}

} // namespace fuzz

#endif
