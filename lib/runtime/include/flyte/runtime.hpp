// flyte/runtime.hpp - the runtime of the task executables that task-scan generates.
//
// A generated entrypoint defines one `run_N(TaskIO&)` function per task, which reads the
// task's inputs, calls the C++ function and stores its outputs, and hands a table of `Task`s to
// `flyte::runtime::main`:
//
//   void run_0(flyte::runtime::TaskIO& io) {
//     auto a0 = io.input<long>("epochs");
//     auto a1 = io.input<std::vector<double>>("xs");
//     io.output("o0", ::ml::train(a0, a1));
//   }
//   const flyte::runtime::Task kTasks[] = {{"ml.train", {"epochs", "xs"}, {"o0"}, &run_0}};
//   int main(int argc, char** argv) { return flyte::runtime::main(argc, argv, kTasks); }
//
// Everything else lives here: the command line, Flyte CoPilot's raw-container data format
// (each input a text file `<inputs>/<name>`, a list a folder `<name>/0`, `<name>/1`, ...; each
// output written the same way; a failure reported in `<outputs>/_ERROR`), and a local mode that
// takes inputs as `--arg name=value` and prints the outputs.
//
// How a failure reaches Flyte (flyteorg/flyte, flytecopilot/data/upload.go RecursiveUpload and
// flyteplugins/go/tasks/pluginmachinery/flytek8s/pod_helper.go DemystifyFailure): for a task
// with outputs, CoPilot's uploader waits for the task container to exit and turns `_ERROR` into
// an error document, so the executable writes `_ERROR` and exits 0 (a non-zero exit fails the
// pod, a system error from Flyte 1.15.1 on). On the v1 releases up to 1.16.8 the document is
// written where propeller does not read it (errors.pb against error.pb): Flyte reports
// "OutputsNotFound" and the reason is only in the pod's log. A task without outputs has no
// uploader and no outputs folder: its exit status is all Flyte sees, so it exits 1, and Flyte
// shows the log's tail (FallbackToLogsOnError). So in every failure the reason is the last line
// on stderr, the line a reader of the log (or of that tail) finds first; test/copilot/copilot.py
// has the rules per release.
//
// Only the C++17 standard library is used, so task images stay small.

#ifndef FLYTE_RUNTIME_HPP
#define FLYTE_RUNTIME_HPP

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// A crash of the task (SIGSEGV, SIGABRT, ...) still ends the log with its reason: a handler
// writes one prepared line with write(2), which is safe in a signal handler, and the process
// then dies by the same signal. POSIX only; elsewhere a crash says nothing.
#if defined(__unix__) || defined(__APPLE__)
#include <csignal>
#include <signal.h>
#include <unistd.h>
#define FLYTE_RUNTIME_CRASH_LINE 1
#else
#define FLYTE_RUNTIME_CRASH_LINE 0
#endif

// The runtime formats and parses floats with std::to_chars/std::from_chars where the standard
// library has them for floating point (libstdc++ 11+, MSVC), and falls back to
// snprintf/strtod elsewhere (older libc++). Defining FLYTE_RUNTIME_NO_FLOAT_CHARCONV forces the
// fallback, so that the tests can cover it.
#if defined(__cpp_lib_to_chars) && !defined(FLYTE_RUNTIME_NO_FLOAT_CHARCONV)
#define FLYTE_RUNTIME_FLOAT_CHARCONV 1
#else
#define FLYTE_RUNTIME_FLOAT_CHARCONV 0
#endif

namespace flyte::runtime {

class TaskIO;

/// One task of an executable: its Flyte name, the names of its inputs (so that a local run can
/// reject an `--arg` no input has), the names of its outputs (whether a Flyte run reports a
/// failure in `_ERROR` or by its exit status) and the generated function that runs it.
struct Task {
  const char* name;
  std::vector<const char*> inputs;
  std::vector<const char*> outputs;
  void (*run)(TaskIO&);
};

namespace detail {

namespace fs = std::filesystem;

/// CoPilot reads at most this many bytes of a primitive output.
inline constexpr std::size_t kMaxPrimitiveOutputBytes = 1024;

/// The name of the file that tells Flyte the task failed, and why.
inline constexpr const char* kErrorFileName = "_ERROR";

// --- Errors ------------------------------------------------------------------------------------

/// What is wrong with one value; the caller adds which input or output it belongs to.
class ValueError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A failure the runtime reports as the task's own (see TaskRunner::reportFailure): a missing or
/// malformed input, an output that cannot be written. The message names the input or output.
class TaskFailure : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A mistake on the command line (exit status 2).
class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- Supported types ---------------------------------------------------------------------------

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

// --- Text ----------------------------------------------------------------------------------------

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

// --- Formatting output text -------------------------------------------------------------------

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

// --- Files ---------------------------------------------------------------------------------

inline std::string errnoMessage() { return std::error_code(errno, std::generic_category()).message(); }

/// The exact bytes of a file: a string input is its file's content, newlines included.
inline std::string readFile(const fs::path& path) {
  std::FILE* file = std::fopen(path.string().c_str(), "rb");
  if (file == nullptr) throw ValueError("cannot read " + quotePath(path) + ": " + errnoMessage());
  std::string content;
  char buffer[8192];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0) content.append(buffer, count);
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw ValueError("cannot read " + quotePath(path));
  return content;
}

inline void writeFile(const fs::path& path, std::string_view content) {
  std::FILE* file = std::fopen(path.string().c_str(), "wb");
  if (file == nullptr) throw ValueError("cannot write " + quotePath(path) + ": " + errnoMessage());
  bool failed = std::fwrite(content.data(), 1, content.size(), file) != content.size();
  failed = std::fclose(file) != 0 || failed;
  if (failed) throw ValueError("cannot write " + quotePath(path) + ": " + errnoMessage());
}

/// What a path names, with "missing" as an answer rather than an error.
inline fs::file_type fileTypeOf(const fs::path& path) {
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error && status.type() != fs::file_type::not_found) {
    throw ValueError("cannot access " + quotePath(path) + ": " + error.message());
  }
  return status.type();
}

/// Replaces whatever is at `target` (file or folder) by `staged`, in one rename where it can:
/// readers see the old value or the new one, never a part of it.
inline void moveIntoPlace(const fs::path& staged, const fs::path& target) {
  std::error_code error;
  // rename() replaces a file atomically, but not a folder, nor a file by a folder.
  if (fs::is_directory(staged, error) || fs::is_directory(target, error)) {
    fs::remove_all(target, error);
  }
  fs::rename(staged, target, error);
  if (error) throw ValueError("cannot move " + quotePath(staged) + " to " + quotePath(target) + ": " + error.message());
}

/// The temporary name a file or folder is written under before it is renamed into place.
inline fs::path stagingPathFor(const fs::path& target) {
  return target.parent_path() / ("." + target.filename().string() + ".partial");
}

inline void writeFileAtomically(const fs::path& path, std::string_view content) {
  fs::path staged = stagingPathFor(path);
  try {
    writeFile(staged, content);
    moveIntoPlace(staged, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(staged, ignored);
    throw;
  }
}

// --- Inputs --------------------------------------------------------------------------------

/// One input value as found: a file under `--inputs` (read only if the value needs its text),
/// or the text of an `--arg`.
struct RawInput {
  std::optional<fs::path> file;
  std::string argument;
};

/// A file input must be there: the task would otherwise fail later, less clearly.
inline fs::path existingInputFile(const fs::path& path) {
  fs::file_type type = fileTypeOf(path);
  if (type == fs::file_type::not_found) throw ValueError("file " + quotePath(path) + " does not exist");
  if (type == fs::file_type::directory) throw ValueError(quotePath(path) + " is a directory, not a file");
  return path;
}

template <class T>
T decodeInput(const RawInput& raw) {
  if constexpr (std::is_same_v<T, fs::path>) {
    return existingInputFile(raw.file ? *raw.file : fs::path(raw.argument));
  } else {
    return parsePrimitive<T>(raw.file ? readFile(*raw.file) : raw.argument);
  }
}

// --- Outputs -------------------------------------------------------------------------------

/// One file of an output: the text of a primitive, or the file a path output names.
struct OutputElement {
  std::string text;
  std::optional<fs::path> file;
};

/// An output as the task returned it, already checked and converted to text, so that writing
/// it after the task returned cannot fail on the value itself.
struct OutputValue {
  std::string name;
  bool isList = false;
  std::vector<OutputElement> elements;  // exactly one unless isList
};

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF). Flyte stores a string in a protobuf `string` field, which Go's protobuf refuses
/// to marshal unless it is valid UTF-8: CoPilot's upload of such an output would fail.
inline bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    unsigned long codePoint = length == 1 ? byte : byte & (0x7fu >> length);
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    static constexpr unsigned long kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (codePoint < kSmallest[length] || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

/// Refuses a primitive output that Flyte could not read back; the checks are CoPilot's (see
/// test/copilot/copilot.py, which names the Go source of each).
template <class T>
void checkFlyteCanRead(const T& value, const std::string& text) {
  if constexpr (kIsInteger<T> && std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
    // A Flyte int is an int64: CoPilot reads it with strconv.ParseInt(text, 10, 64).
    if (value > static_cast<T>(std::numeric_limits<std::int64_t>::max())) {
      throw ValueError(text + " is larger than " + std::to_string(std::numeric_limits<std::int64_t>::max()) +
                       ", the largest Flyte int (a signed 64-bit integer)");
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!isValidUtf8(text)) throw ValueError("not valid UTF-8, which a Flyte str must be");
  }
  if (text.size() > kMaxPrimitiveOutputBytes) {
    throw ValueError(std::to_string(text.size()) + " bytes, more than the " + std::to_string(kMaxPrimitiveOutputBytes) +
                     " bytes Flyte allows for a primitive; return a std::filesystem::path for larger data");
  }
}

template <class T>
OutputElement encodeOutput(const T& value) {
  if constexpr (std::is_same_v<T, fs::path>) {
    fs::file_type type = fileTypeOf(value);
    if (type == fs::file_type::not_found) {
      throw ValueError("the returned file " + quotePath(value) + " does not exist");
    }
    // Copying anything but a regular file makes no Flyte file, and a named pipe would block
    // copy_file forever.
    if (type != fs::file_type::regular) {
      throw ValueError("the returned path " + quotePath(value) + " is not a regular file");
    }
    return {value.string(), value};
  } else {
    std::string text = formatPrimitive(value);
    checkFlyteCanRead(value, text);
    return {std::move(text), std::nullopt};
  }
}

/// Writes one element where nobody looks yet (a staging name).
inline void writeOutputElement(const OutputElement& element, const fs::path& path) {
  if (!element.file) {
    writeFile(path, element.text);
    return;
  }
  std::error_code error;
  fs::copy_file(*element.file, path, fs::copy_options::overwrite_existing, error);
  if (error) {
    throw ValueError("cannot copy " + quotePath(*element.file) + " to " + quotePath(path) + ": " + error.message());
  }
}

/// A path output that already is `<outputs>/<name>` needs no copy.
inline bool isAlreadyInPlace(const OutputValue& output, const fs::path& target) {
  if (output.isList || !output.elements.front().file) return false;
  std::error_code error;
  return fs::equivalent(*output.elements.front().file, target, error);
}

inline void stageOutput(const OutputValue& output, const fs::path& staged) {
  std::error_code error;
  fs::remove_all(staged, error);  // left over from a crashed run
  if (!output.isList) {
    writeOutputElement(output.elements.front(), staged);
    return;
  }
  fs::create_directory(staged, error);
  if (error) throw ValueError("cannot create " + quotePath(staged) + ": " + error.message());
  for (std::size_t i = 0; i < output.elements.size(); ++i) {
    writeOutputElement(output.elements[i], staged / std::to_string(i));
  }
}

/// Writes every output into `dir` in two phases: each is first written under a staging name,
/// and only when all of them are complete are they renamed into place. A failure removes what
/// was written, so Flyte finds either all outputs or none (and then `_ERROR`).
inline void writeOutputs(const std::vector<OutputValue>& outputs, const fs::path& dir) {
  // Flyte mounts no outputs folder for a task without outputs, and an image that runs as a
  // non-root user could not create one: touch the folder only when there is something to write.
  if (outputs.empty()) return;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw TaskFailure("cannot create the outputs directory " + quotePath(dir) + ": " + error.message());

  struct StagedOutput {
    const OutputValue* output;
    fs::path staging;
    fs::path target;
  };
  std::vector<StagedOutput> staged;
  std::size_t placed = 0;
  const OutputValue* current = nullptr;  // for the message
  try {
    for (const OutputValue& output : outputs) {
      current = &output;
      fs::path target = dir / output.name;
      if (isAlreadyInPlace(output, target)) continue;
      staged.push_back({&output, stagingPathFor(target), target});
      stageOutput(output, staged.back().staging);
    }
    for (; placed < staged.size(); ++placed) {
      current = staged[placed].output;
      moveIntoPlace(staged[placed].staging, staged[placed].target);
    }
  } catch (const std::exception& failure) {
    for (std::size_t i = 0; i < staged.size(); ++i) {
      fs::remove_all(i < placed ? staged[i].target : staged[i].staging, error);
    }
    throw TaskFailure("output '" + current->name + "': " + failure.what());
  }
}

/// The `--arg` mode's result: `name=value`, a list as `name/0=value`, `name/1=value`, ...
inline void printOutputs(const std::vector<OutputValue>& outputs, std::ostream& out) {
  for (const OutputValue& output : outputs) {
    for (std::size_t i = 0; i < output.elements.size(); ++i) {
      out << output.name;
      if (output.isList) out << '/' << i;
      out << '=' << output.elements[i].text << '\n';
    }
  }
  out.flush();
  if (!out) throw TaskFailure("cannot write the outputs to stdout");
}

class TaskRunner;

}  // namespace detail

/// What a generated `run_N` function sees: the task's inputs by name, and where its outputs go.
/// Outputs are kept until the task returned and are then written all at once, so a task that
/// throws leaves no outputs behind.
class TaskIO {
 public:
  TaskIO(const TaskIO&) = delete;
  TaskIO& operator=(const TaskIO&) = delete;

  /// The input `name` as a T (cv and reference qualifiers are ignored, so `input<const
  /// std::string&>` gives a std::string). A missing or malformed input fails the task.
  template <class T>
  detail::Plain<T> input(std::string_view name);

  /// Stores the output `name` (`o0`, `o1`, ... for a C++ function's results).
  template <class T>
  void output(std::string_view name, const T& value);

  /// Stores the elements of a std::tuple or std::pair as the outputs o0, o1, ...
  template <class TupleLike>
  void outputs(const TupleLike& values);

 private:
  friend class detail::TaskRunner;

  TaskIO(std::optional<std::filesystem::path> inputDir,
         std::vector<std::pair<std::string, std::string>> arguments, std::vector<std::string> emptyLists)
      : inputDir_(std::move(inputDir)), arguments_(std::move(arguments)), emptyLists_(std::move(emptyLists)) {}

  template <class TupleLike, std::size_t... Index>
  void outputElements(const TupleLike& values, std::index_sequence<Index...>) {
    (output("o" + std::to_string(Index), std::get<Index>(values)), ...);
  }

  detail::RawInput scalarInput(std::string_view name) const;
  std::vector<detail::RawInput> listInput(std::string_view name) const;
  std::vector<std::string> argumentsNamed(std::string_view name) const;
  bool givenEmpty(std::string_view name) const {
    return std::find(emptyLists_.begin(), emptyLists_.end(), name) != emptyLists_.end();
  }

  std::optional<std::filesystem::path> inputDir_;  // set: a Flyte run; unset: a local --arg run
  std::vector<std::pair<std::string, std::string>> arguments_;
  std::vector<std::string> emptyLists_;  // --empty: list inputs given as empty
  std::vector<detail::OutputValue> outputs_;
};

template <class T>
detail::Plain<T> TaskIO::input(std::string_view name) {
  using Value = detail::Plain<T>;
  static_assert(detail::isSupported<Value>(),
                "flyte::runtime::TaskIO::input: unsupported input type; supported: " FLYTE_RUNTIME_SUPPORTED_TYPES);
  try {
    if constexpr (detail::IsVector<Value>::value) {
      std::vector<detail::RawInput> raw = listInput(name);
      Value values;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        try {
          values.push_back(detail::decodeInput<typename Value::value_type>(raw[i]));
        } catch (const detail::ValueError& error) {
          throw detail::ValueError("element " + std::to_string(i) + ": " + error.what());
        }
      }
      return values;
    } else {
      return detail::decodeInput<Value>(scalarInput(name));
    }
  } catch (const detail::UsageError&) {
    throw;
  } catch (const std::exception& error) {
    throw detail::TaskFailure("input '" + std::string(name) + "': " + error.what());
  }
}

template <class T>
void TaskIO::output(std::string_view name, const T& value) {
  static_assert(detail::isSupported<T>(),
                "flyte::runtime::TaskIO::output: unsupported output type; supported: " FLYTE_RUNTIME_SUPPORTED_TYPES);
  detail::OutputValue stored{std::string(name), detail::IsVector<T>::value, {}};
  try {
    for (const detail::OutputValue& other : outputs_) {
      if (other.name == name) throw detail::ValueError("stored twice");
    }
    if constexpr (detail::IsVector<T>::value) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        try {
          stored.elements.push_back(detail::encodeOutput<typename T::value_type>(value[i]));
        } catch (const detail::ValueError& error) {
          throw detail::ValueError("element " + std::to_string(i) + ": " + error.what());
        }
      }
    } else {
      stored.elements.push_back(detail::encodeOutput<T>(value));
    }
  } catch (const std::exception& error) {
    throw detail::TaskFailure("output '" + stored.name + "': " + error.what());
  }
  outputs_.push_back(std::move(stored));
}

template <class TupleLike>
void TaskIO::outputs(const TupleLike& values) {
  static_assert(detail::IsTupleLike<TupleLike>::value,
                "flyte::runtime::TaskIO::outputs takes a std::tuple or a std::pair");
  outputElements(values, std::make_index_sequence<std::tuple_size_v<TupleLike>>{});
}

inline std::vector<std::string> TaskIO::argumentsNamed(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [argumentName, value] : arguments_) {
    if (argumentName == name) values.push_back(value);
  }
  return values;
}

inline detail::RawInput TaskIO::scalarInput(std::string_view name) const {
  namespace fs = std::filesystem;
  if (!inputDir_) {
    if (givenEmpty(name)) {
      throw detail::UsageError("--empty " + std::string(name) + ": input '" + std::string(name) + "' is not a list");
    }
    std::vector<std::string> values = argumentsNamed(name);
    if (values.empty()) throw detail::ValueError("missing: pass --arg " + std::string(name) + "=VALUE");
    if (values.size() > 1) {
      throw detail::UsageError("--arg " + std::string(name) + " given " + std::to_string(values.size()) +
                               " times, but input '" + std::string(name) + "' is not a list");
    }
    return {std::nullopt, values.front()};
  }
  fs::path path = *inputDir_ / std::string(name);
  fs::file_type type = detail::fileTypeOf(path);
  if (type == fs::file_type::not_found) throw detail::ValueError("missing: there is no file " + detail::quotePath(path));
  if (type == fs::file_type::directory) {
    throw detail::ValueError("expected a file, found the directory " + detail::quotePath(path));
  }
  return {path, {}};
}

inline std::vector<detail::RawInput> TaskIO::listInput(std::string_view name) const {
  namespace fs = std::filesystem;
  std::vector<detail::RawInput> elements;
  if (!inputDir_) {
    std::vector<std::string> values = argumentsNamed(name);
    bool empty = givenEmpty(name);
    if (empty && !values.empty()) {
      throw detail::UsageError("--empty " + std::string(name) + " and --arg " + std::string(name) +
                               "=... both given");
    }
    if (empty) return elements;
    if (values.empty()) {
      throw detail::ValueError("missing: pass --arg " + std::string(name) +
                               "=VALUE once per list element, or --empty " + std::string(name));
    }
    for (std::string& value : values) elements.push_back({std::nullopt, std::move(value)});
    return elements;
  }
  fs::path dir = *inputDir_ / std::string(name);
  fs::file_type type = detail::fileTypeOf(dir);
  if (type == fs::file_type::not_found) throw detail::ValueError("missing: there is no directory " + detail::quotePath(dir));
  if (type != fs::file_type::directory) {
    throw detail::ValueError("expected a list, a directory holding " + std::string(name) + "/0, " +
                             std::string(name) + "/1, ..., found the file " + detail::quotePath(dir));
  }
  // CoPilot numbers the elements from 0 without gaps; the first missing index ends the list.
  for (std::size_t i = 0;; ++i) {
    fs::path element = dir / std::to_string(i);
    fs::file_type elementType = detail::fileTypeOf(element);
    if (elementType == fs::file_type::not_found) break;
    if (elementType == fs::file_type::directory) {
      throw detail::ValueError("element " + std::to_string(i) + ": expected a file, found the directory " +
                               detail::quotePath(element));
    }
    elements.push_back({element, {}});
  }
  return elements;
}

namespace detail {

// --- The command line ---------------------------------------------------------------------------

struct CommandLine {
  enum class Command { Help, List, Run };
  Command command = Command::Help;
  const Task* task = nullptr;
  std::optional<fs::path> inputDir;
  std::optional<fs::path> outputDir;
  std::vector<std::pair<std::string, std::string>> arguments;
  std::vector<std::string> emptyLists;

  bool hasArguments() const { return !arguments.empty() || !emptyLists.empty(); }
};

inline std::string programName(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr || *argv[0] == '\0') return "task";
  return fs::path(argv[0]).filename().string();
}

inline void printUsage(std::ostream& out, const std::string& program, const Task* tasks, std::size_t count) {
  out << "usage: " << program << " run TASK --inputs DIR --outputs DIR\n"
      << "       " << program << " run TASK [--arg INPUT=VALUE]... [--empty INPUT]...\n"
      << "       " << program << " --list | --help\n"
      << "\n"
      << "Runs a C++ Flyte task built into this executable.\n"
      << "\n"
      << "  run TASK --inputs DIR --outputs DIR\n"
      << "      Run TASK as a Flyte raw container: read each input from DIR/<input> (a list from\n"
      << "      DIR/<input>/0, DIR/<input>/1, ...), write each output to DIR/<output>.\n"
      << "      A task with outputs reports a failure in <outputs>/_ERROR and exits 0, as\n"
      << "      Flyte's CoPilot needs; a task without outputs exits 1.\n"
      << "  run TASK --arg INPUT=VALUE ...\n"
      << "      Run TASK locally; repeat --arg once per element of a list input, or\n"
      << "      give --empty INPUT for an empty list.\n"
      << "      Outputs are printed as NAME=VALUE, one per line.\n"
      << "  --list    Print the task names, one per line.\n"
      << "  --check-tasks NAME...\n"
      << "            Exit 0 when the tasks are exactly NAME... (an image build's self-check).\n"
      << "  --help    Print this help.\n"
      << "\n"
      << "Exit status: 0 success (or a failure reported in _ERROR), 1 the task failed,\n"
      << "2 usage error.\n"
      << "\n"
      << "Tasks:\n";
  for (std::size_t i = 0; i < count; ++i) {
    out << "  " << tasks[i].name << '(' << joinNames(tasks[i].inputs) << ")\n";
  }
}

inline const Task& findTask(std::string_view name, const Task* tasks, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (name == tasks[i].name) return tasks[i];
  }
  std::vector<const char*> names;
  for (std::size_t i = 0; i < count; ++i) names.push_back(tasks[i].name);
  throw UsageError("unknown task '" + std::string(name) + "'; available tasks: " + joinNames(names));
}

/// Reads the value of `--option VALUE` or `--option=VALUE`, advancing `index` past it.
inline std::optional<std::string> optionValue(std::string_view option, int argc, char** argv, int& index) {
  std::string_view word = argv[index];
  if (word.substr(0, option.size()) != option) return std::nullopt;
  if (word.size() > option.size() && word[option.size()] == '=') return std::string(word.substr(option.size() + 1));
  if (word.size() != option.size()) return std::nullopt;
  if (index + 1 >= argc) throw UsageError(std::string(option) + " needs a value");
  return std::string(argv[++index]);
}

inline void setDirectoryOnce(std::optional<fs::path>& slot, std::string_view option, const std::string& value) {
  if (slot) throw UsageError(std::string(option) + " given twice");
  if (value.empty()) throw UsageError(std::string(option) + " needs a directory");
  slot = value;
}

/// Refuses an input name the task does not have; \p shown is the option as given.
inline void checkInputName(const CommandLine& line, const std::string& name, const std::string& shown) {
  const std::vector<const char*>& inputs = line.task->inputs;
  bool known = false;
  for (const char* input : inputs) known = known || name == input;
  if (!known) {
    throw UsageError(shown + ": task " + line.task->name + " has no input '" + name + "'; " +
                     (inputs.empty() ? "it has no inputs" : "its inputs are " + joinNames(inputs)));
  }
}

inline void addArgument(CommandLine& line, const std::string& argument) {
  std::size_t equals = argument.find('=');
  if (equals == std::string::npos) throw UsageError("--arg " + quote(argument) + ": expected INPUT=VALUE");
  std::string name = argument.substr(0, equals);
  checkInputName(line, name, "--arg " + quote(argument));
  line.arguments.emplace_back(std::move(name), argument.substr(equals + 1));
}

inline void addEmptyList(CommandLine& line, const std::string& name) {
  checkInputName(line, name, "--empty " + quote(name));
  line.emptyLists.push_back(name);
}

inline CommandLine parseCommandLine(int argc, char** argv, const Task* tasks, std::size_t count) {
  CommandLine line;
  if (argc < 2) throw UsageError("missing command");
  std::string_view command = argv[1];
  if (command == "--help" || command == "-h") return line;
  if (command == "--list") {
    if (argc > 2) throw UsageError("--list takes no arguments");
    line.command = CommandLine::Command::List;
    return line;
  }
  if (command != "run") throw UsageError("unknown command '" + std::string(command) + "'");
  if (argc < 3 || std::string_view(argv[2]).substr(0, 1) == "-") throw UsageError("run: missing task name");
  line.command = CommandLine::Command::Run;
  line.task = &findTask(argv[2], tasks, count);
  for (int i = 3; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--help" || word == "-h") {
      line.command = CommandLine::Command::Help;
      return line;
    }
    if (auto inputDir = optionValue("--inputs", argc, argv, i)) {
      setDirectoryOnce(line.inputDir, "--inputs", *inputDir);
    } else if (auto outputDir = optionValue("--outputs", argc, argv, i)) {
      setDirectoryOnce(line.outputDir, "--outputs", *outputDir);
    } else if (auto argument = optionValue("--arg", argc, argv, i)) {
      addArgument(line, *argument);
    } else if (auto name = optionValue("--empty", argc, argv, i)) {
      addEmptyList(line, *name);
    } else if (word.substr(0, 1) == "-") {
      throw UsageError("unknown option '" + std::string(word) + "'");
    } else {
      throw UsageError("unexpected argument '" + std::string(word) + "'");
    }
  }
  bool flyteRun = line.inputDir || line.outputDir;
  if (flyteRun && line.hasArguments()) {
    throw UsageError("--arg and --empty cannot be combined with --inputs/--outputs");
  }
  if (line.inputDir && !line.outputDir) throw UsageError("--inputs needs --outputs");
  if (line.outputDir && !line.inputDir) throw UsageError("--outputs needs --inputs");
  return line;
}

// --- Running a task ------------------------------------------------------------------------------

/// While a task runs: a crash prints `task NAME: crashed: SIGSEGV (invalid memory access)` as the
/// last line of stderr, then the process dies by that signal as it would have (exit status 128+N
/// in a container: a pod failure Flyte shows with the log's tail).
class CrashLine {
 public:
#if FLYTE_RUNTIME_CRASH_LINE
  explicit CrashLine(const Task& task) {
    std::string prefix = toOneLine("task " + std::string(task.name)).substr(0, sizeof(prefix_) - 16) + ": crashed: ";
    prefix.copy(prefix_, prefix.size());
    prefixLength_ = prefix.size();
    struct sigaction action {};
    action.sa_handler = &CrashLine::handle;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignalCount; ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  // Puts back the handlers that were there before (a sanitizer's, a crash reporter's the task's
  // program installed), not the default: the process may go on after the task.
  ~CrashLine() {
    for (std::size_t i = 0; i < kSignalCount; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  }
  CrashLine(const CrashLine&) = delete;
  CrashLine& operator=(const CrashLine&) = delete;

 private:
  static constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  static constexpr std::size_t kSignalCount = sizeof kSignals / sizeof kSignals[0];
  struct sigaction previous_[kSignalCount] {};

  template <std::size_t N>
  static void put(const char (&text)[N]) {
    put(text, N - 1);
  }
  static void put(const char* text, std::size_t size) {
    while (size > 0) {
      ssize_t written = ::write(2, text, size);
      if (written <= 0) return;
      text += written;
      size -= static_cast<std::size_t>(written);
    }
  }

  static void handle(int signal) {
    put("\n");  // the task may have left a line unfinished
    put(prefix_, prefixLength_);
    switch (signal) {
      case SIGSEGV: put("SIGSEGV (invalid memory access)\n"); break;
      case SIGBUS: put("SIGBUS (invalid memory access)\n"); break;
      case SIGFPE: put("SIGFPE (arithmetic error, such as an integer division by zero)\n"); break;
      case SIGILL: put("SIGILL (illegal instruction)\n"); break;
      default: put("SIGABRT (aborted: a failed assert or std::abort)\n"); break;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }

  static inline char prefix_[512];
  static inline std::size_t prefixLength_ = 0;
#else
  explicit CrashLine(const Task&) {}
#endif
};

class TaskRunner {
 public:
  /// Runs the task and writes (or prints) its outputs; returns the exit status.
  static int run(const CommandLine& line) {
    const Task& task = *line.task;
    TaskIO io(line.inputDir, line.arguments, line.emptyLists);
    std::string failure;
    try {
      if (line.outputDir) removeStaleError(*line.outputDir);
      CrashLine crashLine(task);
      task.run(io);
      if (line.outputDir) {
        writeOutputs(io.outputs_, *line.outputDir);
      } else {
        printOutputs(io.outputs_, std::cout);
      }
      return 0;
    } catch (const UsageError&) {
      throw;
    } catch (const TaskFailure& error) {
      failure = error.what();  // the runtime's own, naming the input or output
    } catch (const std::exception& error) {
      failure = std::string("exception: ") + error.what();
    } catch (...) {
      failure = "unknown exception";
    }
    return reportFailure(task, failure, line.outputDir);
  }

 private:
  /// A successful rerun into the same folder must not look failed.
  static void removeStaleError(const fs::path& outputDir) {
    std::error_code ignored;
    fs::remove(outputDir / kErrorFileName, ignored);
  }

  /// Reports a failure the way the caller sees it and returns the exit status: one line on
  /// stderr (the container log) always. A local `--arg` run exits 1. A Flyte run of a task with
  /// outputs writes `_ERROR` and exits 0: CoPilot's uploader turns `_ERROR` into the task's user
  /// error (its retries apply, its text is shown), while a non-zero exit would make Flyte see a
  /// system error (see the comment at the top). A task without outputs has no uploader: it exits
  /// 1, and writes `_ERROR` only into an outputs folder that exists (a local runner's).
  static int reportFailure(const Task& task, const std::string& failure, const std::optional<fs::path>& outputDir) {
    std::string message = toOneLine("task " + std::string(task.name) + ": " + failure);
    int status = writeError(task, message, outputDir);
    // Last, after anything about _ERROR itself: the line the log shows last.
    std::cerr << message << '\n';
    return status;
  }

  /// Writes `_ERROR` where Flyte (or a local runner) reads it; returns the exit status.
  static int writeError(const Task& task, const std::string& message, const std::optional<fs::path>& outputDir) {
    if (!outputDir) return 1;
    bool hasOutputs = !task.outputs.empty();
    try {
      std::error_code error;
      if (hasOutputs) {
        fs::create_directories(*outputDir, error);
      } else if (!fs::is_directory(*outputDir, error)) {
        return 1;
      }
      writeFileAtomically(*outputDir / kErrorFileName, message + '\n');
      return hasOutputs ? 0 : 1;
    } catch (const std::exception& error) {
      std::cerr << toOneLine(std::string("cannot report the failure in ") + kErrorFileName + ": " + error.what())
                << '\n';
      return 1;
    }
  }
};

/// `--check-tasks NAME...`: the self-check each generated Dockerfile runs while the image is
/// built (exec form, no shell): that the executable starts on the image's base at all (else the
/// loader's message fails the build) and holds exactly the image's tasks. Exit 1 on a mismatch.
inline int checkTasks(int argc, char** argv, const Task* tasks, std::size_t count) {
  std::vector<std::string> expected(argv + 2, argv + argc), actual;
  for (std::size_t i = 0; i < count; ++i) actual.emplace_back(tasks[i].name);
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  if (expected == actual) {
    std::cout << programName(argc, argv) << ": starts here and holds its " << count << " task(s)\n";
    return 0;
  }
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return "[" + out + "]";
  };
  std::cerr << programName(argc, argv) << ": holds the tasks " << join(actual) << " but the image expects "
            << join(expected) << ": it was not built from this image's entrypoint (build it again and stage it)\n";
  return 1;
}

inline int runMain(int argc, char** argv, const Task* tasks, std::size_t count) {
  std::string program = programName(argc, argv);
  if (argc >= 2 && std::string_view(argv[1]) == "--check-tasks") return checkTasks(argc, argv, tasks, count);
  try {
    CommandLine line = parseCommandLine(argc, argv, tasks, count);
    switch (line.command) {
      case CommandLine::Command::Help:
        printUsage(std::cout, program, tasks, count);
        return 0;
      case CommandLine::Command::List:
        for (std::size_t i = 0; i < count; ++i) std::cout << tasks[i].name << '\n';
        return 0;
      case CommandLine::Command::Run:
        return TaskRunner::run(line);
    }
  } catch (const UsageError& error) {
    // One line, the reason last of the log (see the comment at the top).
    std::cerr << program << ": " << toOneLine(error.what()) << " (see '" << program << " --help')\n";
  }
  return 2;
}

}  // namespace detail

/// The whole `main` of a task executable: `return flyte::runtime::main(argc, argv, kTasks);`.
/// Returns the exit status: 0 success or a failure reported in `_ERROR` (a Flyte run of a task
/// with outputs), 1 the task failed, 2 usage error.
template <std::size_t N>
int main(int argc, char** argv, const Task (&tasks)[N]) {
  return detail::runMain(argc, argv, tasks, N);
}

}  // namespace flyte::runtime

#undef FLYTE_RUNTIME_SUPPORTED_TYPES

#endif  // FLYTE_RUNTIME_HPP
