// flyte/runtime/format.hpp - formatting outputs as Go reads them
//
// Floats as the shortest text that reads back exactly, NaN and infinities in Go's spelling,
// integers within Flyte's int64.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_FORMAT_HPP
#define FLYTE_RUNTIME_FORMAT_HPP

#include "flyte/runtime/text.hpp"

namespace flyte::runtime {

namespace detail {

/// Go's spelling of the values C++ spells "nan", "-nan", "inf", "-inf". CoPilot parses a float
/// output with Go's strconv.ParseFloat, which takes "NaN", "+Inf" and "-Inf" but not "-nan" (a
/// NaN with its sign bit set, as `0.0 * -inf` makes), so NaN is written without a sign.
template <class Float>
std::string formatFloat(Float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Inf" : "+Inf";
#if FLYTE_RUNTIME_FLOAT_CHARCONV
  char buffer[64];  // the longest shortest-round-trip double is 24 characters
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
#else
  // The shortest "%.Ng" that reads back as the same value. Like to_chars, but %g may choose
  // the exponent form where to_chars would not ("1e+02" for 100); both read back the same.
  char buffer[64];
  for (int precision = 1;; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, static_cast<double>(value));
    bool last = precision >= std::numeric_limits<Float>::max_digits10;
    bool roundTrips = std::is_same_v<Float, float> ? std::strtof(buffer, nullptr) == value
                                                   : std::strtod(buffer, nullptr) == value;
    if (last || roundTrips) return buffer;
  }
#endif
}

template <class T>
std::string formatPrimitive(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (kIsInteger<T>) {
    return std::to_string(value);
  } else if constexpr (kIsFloat<T>) {
    return formatFloat(value);
  } else {
    static_assert(std::is_same_v<T, std::string>);
    return value;
  }
}

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_FORMAT_HPP
