// flyte/runtime/values.hpp - inputs and outputs as values
//
// Decoding an input from a file or an `--arg`, checking and encoding an output, and writing all
// outputs in two phases (staged, then renamed) so Flyte finds all of them or none.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_VALUES_HPP
#define FLYTE_RUNTIME_VALUES_HPP

#include "flyte/runtime/files.hpp"

namespace flyte::runtime {

namespace detail {

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

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_VALUES_HPP
