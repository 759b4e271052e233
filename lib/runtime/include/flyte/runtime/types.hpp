// flyte/runtime/types.hpp - the C++ types a task may take and return
//
// Traits that tell the supported types apart (primitives, files, vectors, tuples) and the
// list of them that compile errors name.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_TYPES_HPP
#define FLYTE_RUNTIME_TYPES_HPP

#include "flyte/runtime/core.hpp"

namespace flyte::runtime {

namespace detail {

template <class T>
using Plain = std::remove_cv_t<std::remove_reference_t<T>>;

template <class T>
struct IsVector : std::false_type {};
template <class T, class Allocator>
struct IsVector<std::vector<T, Allocator>> : std::true_type {};

template <class T>
struct IsTupleLike : std::false_type {};
template <class... Ts>
struct IsTupleLike<std::tuple<Ts...>> : std::true_type {};
template <class First, class Second>
struct IsTupleLike<std::pair<First, Second>> : std::true_type {};

// The character types are integral too, but a Flyte int read into one would surprise everyone
// (is "7" the number 7 or the character '7'?), so they are not integers here. std::int8_t is
// signed char, so it is excluded as well.
template <class T>
inline constexpr bool kIsCharacter =
    std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char> ||
    std::is_same_v<T, wchar_t> || std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;

template <class T>
inline constexpr bool kIsInteger =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !kIsCharacter<T>;

template <class T>
inline constexpr bool kIsFloat = std::is_same_v<T, float> || std::is_same_v<T, double>;

/// A value that is the text of one file: bool, an integer, float, double or std::string.
template <class T>
inline constexpr bool kIsPrimitive =
    std::is_same_v<T, bool> || kIsInteger<T> || kIsFloat<T> || std::is_same_v<T, std::string>;

/// One input or output file: a primitive, or a Flyte file (std::filesystem::path).
template <class T>
inline constexpr bool kIsScalar = kIsPrimitive<T> || std::is_same_v<T, fs::path>;

template <class T>
constexpr bool isSupported() {
  if constexpr (IsVector<T>::value) {
    return kIsScalar<typename T::value_type>;
  } else {
    return kIsScalar<T>;
  }
}

#define FLYTE_RUNTIME_SUPPORTED_TYPES                                                            \
  "bool, short, int, long, long long (signed or unsigned), float, double, std::string, "       \
  "std::filesystem::path, or a std::vector of one of those (char types are not integers)"

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_TYPES_HPP
