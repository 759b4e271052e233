//===- runtime_format.cpp - Fuzz target: the runtime's numbers meet Go's --===//
//
// The task executable's outputs are read by Flyte's CoPilot with Go's
// strconv (ParseInt base 10 into int64, ParseFloat 64, ParseBool) after
// strings.Trim(s, " \n\t"); its inputs are written by CoPilot with
// FormatInt and FormatFloat(v, 'f', -1, 64). For any bit pattern of every
// integer and floating type:
//  - the runtime's output text reads back under Go's rules (GoStrconv.h, the
//    model of test/copilot/copilot.py) as the value the task returned, or
//    the runtime refuses the value (only a uint64 beyond int64);
//  - the text CoPilot writes for a value reads back in the runtime as that
//    value (for a narrower C++ type: that value, or a range error when it
//    does not fit).
// Built twice: with std::to_chars/from_chars and with the snprintf/strtod
// fallback (FLYTE_RUNTIME_NO_FLOAT_CHARCONV).
//
//===----------------------------------------------------------------------===//
#include "GoStrconv.h"

#include <flyte/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace rt = flyte::runtime::detail;
using gomodel::Outcome;
using gomodel::shown;

namespace {

template <class T> T take(const uint8_t *&Data, size_t &Size) {
  T Value{};
  size_t N = Size < sizeof(T) ? Size : sizeof(T);
  std::memcpy(&Value, Data, N);
  Data += N;
  Size -= N;
  return Value;
}

/// The output text of \p Value, or nullopt when the runtime refuses it.
template <class T> std::optional<std::string> outputText(const T &Value) {
  try {
    return rt::encodeOutput<T>(Value).text;
  } catch (const rt::ValueError &) {
    return std::nullopt;
  }
}

template <class Integer> void checkInteger(Integer Value) {
  std::optional<std::string> Text = outputText(Value);
  bool Fits = !(std::is_unsigned_v<Integer> && sizeof(Integer) >= 8 &&
                static_cast<uint64_t>(Value) > uint64_t(INT64_MAX));
  RUNTIME_FUZZ_CHECK(Text.has_value() == Fits,
                     "integer " + std::to_string(Value) +
                         (Fits ? " was refused" : " beyond int64 was written"));
  if (Text) {
    int64_t Back = 0;
    Outcome O = gomodel::parseInt(gomodel::trim(*Text), Back);
    RUNTIME_FUZZ_CHECK(O == Outcome::Value && Back == static_cast<int64_t>(Value),
                       "integer " + std::to_string(Value) + " written as '" + shown(*Text) +
                           "', which Go's ParseInt does not read as it");
  }
  // CoPilot's FormatInt of an int64 input, read as Integer.
  int64_t Wide = static_cast<int64_t>(Value);
  std::string Written = std::to_string(Wide);
  bool InRange = Wide >= int64_t(std::numeric_limits<Integer>::min()) &&
                 (Wide < 0 || uint64_t(Wide) <= uint64_t(std::numeric_limits<Integer>::max()));
  try {
    Integer Read = rt::parsePrimitive<Integer>(Written);
    RUNTIME_FUZZ_CHECK(InRange && int64_t(Read) == Wide,
                       "input '" + Written + "' read as " + std::to_string(Read));
  } catch (const rt::ValueError &E) {
    RUNTIME_FUZZ_CHECK(!InRange, "input '" + Written + "' refused: " + E.what());
  }
}

template <class Float> void checkFloat(Float Value) {
  std::optional<std::string> Text = outputText(Value);
  RUNTIME_FUZZ_CHECK(Text.has_value(), "float output refused");
  double Back = 0;
  Outcome O = gomodel::parseFloat(gomodel::trim(*Text), Back);
  RUNTIME_FUZZ_CHECK(O == Outcome::Value,
                     "output '" + shown(*Text) + "' is not a float to Go's ParseFloat");
  // A float output is a Flyte float (float64): the same value once narrowed.
  bool Same = std::is_same_v<Float, double>
                  ? gomodel::sameDouble(Back, double(Value))
                  : gomodel::sameDouble(double(static_cast<float>(Back)), double(Value));
  // NaN's sign is not kept: Go cannot read "-NaN".
  if (std::isnan(Value))
    Same = std::isnan(Back);
  RUNTIME_FUZZ_CHECK(Same, "output '" + shown(*Text) + "' reads back in Go as another value");
  RUNTIME_FUZZ_CHECK(Text->size() <= rt::kMaxPrimitiveOutputBytes, "output too long");

  // CoPilot's FormatFloat(v, 'f', -1, 64) of a float64 input, read as Float.
  double Wide = double(Value);
  std::string Written = gomodel::formatFloatF(Wide);
  try {
    Float Read = rt::parsePrimitive<Float>(Written);
    bool Ok = std::isnan(Wide) ? std::isnan(Read) : gomodel::sameDouble(double(Read), Wide);
    RUNTIME_FUZZ_CHECK(Ok, "input '" + Written + "' read as another value");
  } catch (const rt::ValueError &E) {
    RUNTIME_FUZZ_CHECK(false, "input '" + Written + "' refused: " + E.what());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const uint8_t *P = Data;
  size_t N = Size;
  checkFloat(take<double>(P, N));
  checkFloat(take<float>(P, N));
  checkInteger(take<int64_t>(P, N));
  checkInteger(take<uint64_t>(P, N));
  checkInteger(take<int32_t>(P, N));
  checkInteger(take<uint32_t>(P, N));
  checkInteger(take<int16_t>(P, N));
  checkInteger(take<uint16_t>(P, N));
  checkInteger(take<long long>(P, N));
  checkInteger(take<unsigned long>(P, N));
  // The same bytes once more, read as a double, so that every input tries
  // the forms near each other (denormals, powers of ten).
  if (Size >= 8) {
    double D;
    std::memcpy(&D, Data + Size - 8, 8);
    checkFloat(D);
    checkFloat(static_cast<float>(D));
  }
  return 0;
}
