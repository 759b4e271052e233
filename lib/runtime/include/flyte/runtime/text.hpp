// flyte/runtime/text.hpp - parsing the text CoPilot writes
//
// Quoting for messages, and reading an input's text as Go wrote it (integers base 10, floats
// in Go's forms, `true`/`false`).
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_TEXT_HPP
#define FLYTE_RUNTIME_TEXT_HPP

#include "flyte/runtime/types.hpp"

namespace flyte::runtime {

namespace detail {

inline bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// CoPilot and editors may add spaces or a final newline around a number; they mean nothing.
inline std::string_view trimAsciiSpace(std::string_view text) {
  while (!text.empty() && isAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

/// `text` in double quotes for a message: escaped so it stays on one line and shows what is
/// really there (a stray "\r", a NUL), and shortened, since an input file can be huge.
inline std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (char c : text.substr(0, kMaxShown)) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (c == '\r') {
      quoted += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      quoted += "\\x";
      quoted += kHex[byte >> 4];
      quoted += kHex[byte & 0xf];
    } else {
      quoted += c;
    }
  }
  quoted += '"';
  if (text.size() > kMaxShown) quoted += "...";
  return quoted;
}

inline std::string quotePath(const fs::path& path) { return quote(path.string()); }

/// Flyte shows `_ERROR` as one line, and a log line should stay one line.
inline std::string toOneLine(std::string message) {
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return message;
}

inline std::string joinNames(const std::vector<const char*>& names) {
  std::string joined;
  for (const char* name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

// --- Parsing input text ---------------------------------------------------------------------------

/// from_chars takes no '+', but "+5" is a fine number; "+-5" is not.
inline std::string_view withoutPlusSign(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

inline bool parseBool(std::string_view text) {
  std::string_view word = trimAsciiSpace(text);
  if (word == "true") return true;
  if (word == "false") return false;
  throw ValueError("expected true or false, got " + quote(text));
}

template <class Integer>
Integer parseInteger(std::string_view text) {
  std::string_view digits = withoutPlusSign(trimAsciiSpace(text));
  const char* end = digits.data() + digits.size();
  Integer value{};
  auto [stop, error] = std::from_chars(digits.data(), end, value, 10);
  // from_chars rejects "-1" for an unsigned type as if it were junk; it is a range error.
  bool negativeForUnsigned = std::is_unsigned_v<Integer> && digits.size() > 1 && digits[0] == '-' &&
                             digits.find_first_not_of("0123456789", 1) == std::string_view::npos;
  if (negativeForUnsigned && digits.find_first_not_of('0', 1) == std::string_view::npos) {
    return 0;  // "-0"
  }
  if (error == std::errc::result_out_of_range || negativeForUnsigned) {
    throw ValueError("expected an integer in [" +
                     std::to_string(std::numeric_limits<Integer>::min()) + ", " +
                     std::to_string(std::numeric_limits<Integer>::max()) + "], got " +
                     quote(text));
  }
  if (error != std::errc() || stop != end) {
    throw ValueError("expected an integer, got " + quote(text));
  }
  return value;
}

constexpr const char* floatTypeName(float) { return "float"; }
constexpr const char* floatTypeName(double) { return "double"; }

template <class Float>
Float parseFloat(std::string_view text) {
  std::string_view number = withoutPlusSign(trimAsciiSpace(text));
  Float value{};
  bool outOfRange = false;
  bool wellFormed = false;
#if FLYTE_RUNTIME_FLOAT_CHARCONV
  const char* end = number.data() + number.size();
  auto [stop, error] = std::from_chars(number.data(), end, value);
  outOfRange = error == std::errc::result_out_of_range;
  wellFormed = (error == std::errc() || outOfRange) && stop == end;
#else
  // strtod reads more than from_chars does: hexadecimal ("0x1p3") and spaces after a sign
  // ("+ 1"). Refuse those, so that both paths read the same texts.
  std::string_view magnitude = number.substr(!number.empty() && number[0] == '-' ? 1 : 0);
  char first = magnitude.empty() ? '\0' : magnitude[0];
  bool hexadecimal = first == '0' && magnitude.size() > 1 && (magnitude[1] == 'x' || magnitude[1] == 'X');
  bool decimalStart = (first >= '0' && first <= '9') || first == '.' || first == 'i' || first == 'I' ||
                      first == 'n' || first == 'N';
  if (hexadecimal || !decimalStart) throw ValueError("expected a number, got " + quote(text));
  // strtod reads the C locale's decimal point; the runtime never calls setlocale.
  std::string terminated(number);
  char* stop = nullptr;
  errno = 0;
  if constexpr (std::is_same_v<Float, float>) {
    value = std::strtof(terminated.c_str(), &stop);
  } else {
    value = std::strtod(terminated.c_str(), &stop);
  }
  // Like from_chars: a denormal result is fine, only overflow and underflow to zero are not.
  outOfRange = errno == ERANGE && (std::isinf(value) || value == 0);
  wellFormed = !terminated.empty() && stop == terminated.c_str() + terminated.size();
  // The sign of a NaN is the text's, as with from_chars, not whatever the C library makes of it.
  if (std::isnan(value)) value = std::copysign(value, number[0] == '-' ? Float(-1) : Float(1));
#endif
  if (!wellFormed) throw ValueError("expected a number, got " + quote(text));
  if (outOfRange) {
    throw ValueError(std::string("expected a number in the range of ") + floatTypeName(Float{}) +
                     ", got " + quote(text));
  }
  return value;
}

/// The value of a primitive input from its text: CoPilot's format, which `--arg` shares.
template <class T>
T parsePrimitive(std::string_view text) {
  if constexpr (std::is_same_v<T, bool>) {
    return parseBool(text);
  } else if constexpr (kIsInteger<T>) {
    return parseInteger<T>(text);
  } else if constexpr (kIsFloat<T>) {
    return parseFloat<T>(text);
  } else {
    static_assert(std::is_same_v<T, std::string>);
    return std::string(text);  // strings are never trimmed: their bytes are the value
  }
}

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_TEXT_HPP
