// Float input parsing, for both of the runtime's paths: std::from_chars (the default) and the
// strtod fallback (FLYTE_RUNTIME_NO_FLOAT_CHARCONV, for standard libraries without
// floating-point from_chars). CMake builds this file twice, once per path, and both builds
// hold the same table: a text one path reads and the other refuses, or reads as another value
// or NaN sign, fails one of the two builds.
//
// FLYTE_RUNTIME_EXPECT_FALLBACK is 1 in the fallback build; the build checks that the macro
// really selected that path, so that the fallback test can never quietly test the default.
#include <flyte/runtime.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#ifndef FLYTE_RUNTIME_EXPECT_FALLBACK
#error "define FLYTE_RUNTIME_EXPECT_FALLBACK to 0 or 1"
#endif
static_assert(FLYTE_RUNTIME_FLOAT_CHARCONV == !FLYTE_RUNTIME_EXPECT_FALLBACK,
              "this build does not use the float parsing path it is meant to test");

namespace {

using flyte::runtime::detail::parseFloat;
using flyte::runtime::detail::ValueError;

enum class Outcome { Value, OutOfRange, Malformed };

/// What parsing \p text as \p Float gives: the value, or which error it raised.
template <class Float>
Outcome parse(const std::string& text, Float& value) {
  try {
    value = parseFloat<Float>(text);
    return Outcome::Value;
  } catch (const ValueError& error) {
    std::string message = error.what();
    if (message.find("in the range of") != std::string::npos) return Outcome::OutOfRange;
    EXPECT_EQ(message.rfind("expected a number, got ", 0), 0u) << message;
    return Outcome::Malformed;
  }
}

template <class Float>
void expectValue(const std::string& text, Float expected) {
  Float value{};
  ASSERT_EQ(parse(text, value), Outcome::Value) << text;
  EXPECT_EQ(std::memcmp(&value, &expected, sizeof value), 0)
      << text << " read as " << value << ", expected " << expected;
}

template <class Float>
void expectOutcome(const std::string& text, Outcome expected) {
  Float value{};
  EXPECT_EQ(parse(text, value), expected) << text << " (read as " << value << ")";
}

constexpr double kMinDenormal = std::numeric_limits<double>::denorm_min();
constexpr float kMinDenormalFloat = std::numeric_limits<float>::denorm_min();

TEST(FloatParse, ReadsNumbersInRange) {
  expectValue<double>("0.1", 0.1);
  expectValue<double>("-2.5", -2.5);
  expectValue<double>("  +.5e1\n", 5.0);
  expectValue<double>("1.", 1.0);
  expectValue<double>("1E5", 1e5);
  expectValue<double>("1.7976931348623157e308", std::numeric_limits<double>::max());
  expectValue<double>("-0", -0.0);
  expectValue<double>("0e999999", 0.0);
  expectValue<double>("inf", std::numeric_limits<double>::infinity());
  expectValue<double>("-Infinity", -std::numeric_limits<double>::infinity());
  expectValue<float>("3.4028235e38", std::numeric_limits<float>::max());
  expectValue<float>("0.1", 0.1f);
}

// A denormal is a value like any other; only a result that underflows to zero or overflows to
// infinity is out of range (strtod sets ERANGE for both denormals and underflow).
TEST(FloatParse, DenormalsAreReadAndUnderflowIsRefused) {
  expectValue<double>("5e-324", kMinDenormal);
  expectValue<double>("2.4703282292062328e-324", kMinDenormal);  // rounds up to it
  expectValue<double>("-1e-320", -1e-320);
  expectValue<float>("1.4e-45", kMinDenormalFloat);
  expectValue<float>("1e-40", 1e-40f);

  for (const char* text : {"1e-400", "-1e-400", "2e-324", "2.4703282292062327e-324",
                           "1e-4000000000", "1e400", "-1e400", "1.8e308"}) {
    expectOutcome<double>(text, Outcome::OutOfRange);
  }
  for (const char* text : {"1e-46", "7e-46", "-1e-50", "1e-400", "4e38", "1e39", "5e-324"}) {
    expectOutcome<float>(text, Outcome::OutOfRange);
  }
}

// strtod reads hexadecimal floats and skips spaces after a sign; from_chars does neither. The
// runtime reads CoPilot's decimal text, so both paths refuse them.
TEST(FloatParse, RefusesWhatEitherPathWouldMisread) {
  for (const char* text : {"", " ", "+", "-", "0x1p3", "0X10", "-0x1p3", "+0x10", "+ 1", "- 1",
                           "+\f1", "-\v1", "--1", "+-1", "-+1", "++1", "1e", "1e+", "1.5f", "1_0",
                           "1,5", "infx", "infinit", "nanx", "one", "\xef\xbc\x91"}) {
    expectOutcome<double>(text, Outcome::Malformed);
    expectOutcome<float>(text, Outcome::Malformed);
  }
}

/// The sign of a NaN read from \p text.
template <class Float>
bool nanSign(const std::string& text) {
  Float value{};
  EXPECT_EQ(parse(text, value), Outcome::Value) << text;
  EXPECT_TRUE(std::isnan(value)) << text << " read as " << value;
  return std::signbit(value);
}

// A computed NaN (0/0 on x86) has its sign bit set and to_chars writes it "-nan"; the sign
// read back is the text's, whatever the C library's strtod makes of it.
TEST(FloatParse, NanKeepsTheSignOfItsText) {
  for (const char* text : {"nan", "NaN", "+nan", "NAN", "nan()", "nan(123)", " nan\n"}) {
    EXPECT_FALSE(nanSign<double>(text)) << text;
    EXPECT_FALSE(nanSign<float>(text)) << text;
  }
  for (const char* text : {"-nan", "-NaN", "-nan(0x1)", "-nan()"}) {
    EXPECT_TRUE(nanSign<double>(text)) << text;
    EXPECT_TRUE(nanSign<float>(text)) << text;
  }
  volatile double zero = 0.0;
  double computed = zero / zero;
  std::string written = std::signbit(computed) ? "-nan" : "nan";
  EXPECT_EQ(nanSign<double>(written), std::signbit(computed)) << written;
  EXPECT_EQ(nanSign<float>(written), std::signbit(computed)) << written;
}

}  // namespace
