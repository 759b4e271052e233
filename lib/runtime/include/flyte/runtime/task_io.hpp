// flyte/runtime/task_io.hpp - TaskIO, what a generated run_N function sees
//
// The task's inputs by name and where its outputs go; outputs are written only after the task
// returned.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_TASK_IO_HPP
#define FLYTE_RUNTIME_TASK_IO_HPP

#include "flyte/runtime/values.hpp"

namespace flyte::runtime {

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

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_TASK_IO_HPP
