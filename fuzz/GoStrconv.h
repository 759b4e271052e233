//===- GoStrconv.h - Go's strconv as Flyte's CoPilot applies it -----------===//
//
// The C++ twin of the model in test/copilot/copilot.py (go_parse_int,
// go_parse_float, go_parse_bool, go_format_float_f and the uploader's
// strings.Trim(s, " \n\t")), for the runtime's fuzz targets: what the task
// executable writes must read back, under these rules, as the value the
// task returned; what CoPilot writes must read back in the runtime as the
// value it means. Plain C++17, like the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_FUZZ_GOSTRCONV_H
#define TASKSCAN_FUZZ_GOSTRCONV_H

#include "Property.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace gomodel {

using property::fail;
using property::shown;

#define RUNTIME_FUZZ_CHECK(Cond, Detail)                                       \
  do {                                                                         \
    if (!(Cond))                                                               \
      ::gomodel::fail(__FILE__, __LINE__, #Cond, (Detail));                    \
  } while (false)

enum class Outcome { Value, Syntax, Range };

/// The uploader's strings.Trim(s, " \n\t").
inline std::string_view trim(std::string_view S) {
  auto Cut = [](char C) { return C == ' ' || C == '\n' || C == '\t'; };
  while (!S.empty() && Cut(S.front()))
    S.remove_prefix(1);
  while (!S.empty() && Cut(S.back()))
    S.remove_suffix(1);
  return S;
}

inline bool isDigit(char C) { return C >= '0' && C <= '9'; }
inline bool isHexDigit(char C) { return std::isxdigit(static_cast<unsigned char>(C)) != 0; }

/// strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, within
/// int64 (go_parse_int).
inline Outcome parseInt(std::string_view S, std::int64_t &Value) {
  std::string_view Digits = S;
  bool Negative = false;
  if (!Digits.empty() && (Digits[0] == '+' || Digits[0] == '-')) {
    Negative = Digits[0] == '-';
    Digits.remove_prefix(1);
  }
  if (Digits.empty())
    return Outcome::Syntax;
  for (char C : Digits)
    if (!isDigit(C))
      return Outcome::Syntax;
  // Accumulate as a negative number: int64's range is one larger there.
  std::int64_t Acc = 0;
  for (char C : Digits) {
    int D = C - '0';
    if (Acc < (std::numeric_limits<std::int64_t>::min() + D) / 10)
      return Outcome::Range;
    Acc = Acc * 10 - D;
  }
  if (!Negative) {
    if (Acc == std::numeric_limits<std::int64_t>::min())
      return Outcome::Range;
    Acc = -Acc;
  }
  Value = Acc;
  return Outcome::Value;
}

inline std::string lower(std::string_view S) {
  std::string Out(S);
  for (char &C : Out)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  return Out;
}

/// strconv.ParseFloat(s, 64) (go_parse_float): "nan" without a sign, an
/// optional sign and "inf" or "infinity", case-insensitively; decimal with an
/// optional exponent; hexadecimal with a required 'p' exponent and
/// underscores after the prefix. A finite text beyond float64 is a range
/// error; underflow is not.
inline Outcome parseFloat(std::string_view S, double &Value) {
  std::string L = lower(S);
  std::string_view Rest = L;
  char Sign = 0;
  if (!Rest.empty() && (Rest[0] == '+' || Rest[0] == '-')) {
    Sign = Rest[0];
    Rest.remove_prefix(1);
  }
  if (L == "nan") {
    Value = std::numeric_limits<double>::quiet_NaN();
    return Outcome::Value;
  }
  if (Rest == "inf" || Rest == "infinity") {
    Value = Sign == '-' ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
    return Outcome::Value;
  }
  std::string Clean(L);
  if (Rest.size() >= 2 && Rest[0] == '0' && Rest[1] == 'x') {
    // [+-]?0x(_?[0-9a-f])*\.?(_?[0-9a-f])*p[+-]?[0-9]+, at least one digit.
    size_t I = 2, Mantissa = 0;
    auto Digits = [&] {
      while (I < Rest.size()) {
        if (Rest[I] == '_' && I + 1 < Rest.size() && isHexDigit(Rest[I + 1]))
          I += 2;
        else if (isHexDigit(Rest[I]))
          ++I;
        else
          break;
        ++Mantissa;
      }
    };
    Digits();
    if (I < Rest.size() && Rest[I] == '.')
      ++I;
    Digits();
    if (Mantissa == 0 || I >= Rest.size() || Rest[I] != 'p')
      return Outcome::Syntax;
    ++I;
    if (I < Rest.size() && (Rest[I] == '+' || Rest[I] == '-'))
      ++I;
    if (I >= Rest.size())
      return Outcome::Syntax;
    for (; I < Rest.size(); ++I)
      if (!isDigit(Rest[I]))
        return Outcome::Syntax;
    Clean.clear();
    for (char C : L)
      if (C != '_')
        Clean += C;
  } else {
    // [+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?
    size_t I = 0, Whole = 0, Fraction = 0;
    while (I < Rest.size() && isDigit(Rest[I]))
      ++I, ++Whole;
    if (I < Rest.size() && Rest[I] == '.') {
      ++I;
      while (I < Rest.size() && isDigit(Rest[I]))
        ++I, ++Fraction;
    }
    if (Whole == 0 && Fraction == 0)
      return Outcome::Syntax;
    if (I < Rest.size() && Rest[I] == 'e') {
      ++I;
      if (I < Rest.size() && (Rest[I] == '+' || Rest[I] == '-'))
        ++I;
      size_t Exponent = 0;
      while (I < Rest.size() && isDigit(Rest[I]))
        ++I, ++Exponent;
      if (Exponent == 0)
        return Outcome::Syntax;
    }
    if (I != Rest.size())
      return Outcome::Syntax;
  }
  // glibc's strtod rounds correctly, as Go's ParseFloat does.
  Value = std::strtod(Clean.c_str(), nullptr);
  if (std::isinf(Value))
    return Outcome::Range;
  return Outcome::Value;
}

/// strconv.ParseBool.
inline Outcome parseBool(std::string_view S, bool &Value) {
  for (std::string_view T : {"1", "t", "T", "TRUE", "true", "True"})
    if (S == T) {
      Value = true;
      return Outcome::Value;
    }
  for (std::string_view F : {"0", "f", "F", "FALSE", "false", "False"})
    if (S == F) {
      Value = false;
      return Outcome::Value;
    }
  return Outcome::Syntax;
}

/// strconv.FormatFloat(v, 'f', -1, 64), the downloader's form of a float
/// input (go_format_float_f): the shortest digits that read back as v,
/// without an exponent; NaN, +Inf, -Inf.
inline std::string formatFloatF(double V) {
  if (std::isnan(V))
    return "NaN";
  if (std::isinf(V))
    return V > 0 ? "+Inf" : "-Inf";
  char Buf[64];
  auto R = std::to_chars(Buf, Buf + sizeof Buf, V, std::chars_format::scientific);
  std::string_view Text(Buf, R.ptr - Buf);
  std::string Sign;
  if (!Text.empty() && Text[0] == '-') {
    Sign = "-";
    Text.remove_prefix(1);
  }
  size_t E = Text.find('e');
  std::string_view Mantissa = Text.substr(0, E);
  int Exponent = std::atoi(std::string(Text.substr(E + 1)).c_str());
  std::string Digits;
  for (char C : Mantissa)
    if (C != '.')
      Digits += C;
  while (Digits.size() > 1 && Digits.back() == '0')
    Digits.pop_back();
  if (Digits == "0")
    return Sign + "0";
  int Point = 1 + Exponent; // digits before the decimal point
  if (Point <= 0)
    return Sign + "0." + std::string(-Point, '0') + Digits;
  if (Point >= int(Digits.size()))
    return Sign + Digits + std::string(Point - Digits.size(), '0');
  return Sign + Digits.substr(0, Point) + "." + Digits.substr(Point);
}

/// Same value, NaN equal to NaN, and -0 apart from +0.
inline bool sameDouble(double A, double B) {
  if (std::isnan(A) || std::isnan(B))
    return std::isnan(A) && std::isnan(B);
  return A == B && std::signbit(A) == std::signbit(B);
}

} // namespace gomodel

#endif
