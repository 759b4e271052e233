// flyte/runtime/files.hpp - files and atomic writes
//
// Reading, writing and replacing files and folders so that readers see the old value or the
// new one, never a part.
// Part of flyte/runtime.hpp, which is what generated entrypoints include.
#ifndef FLYTE_RUNTIME_FILES_HPP
#define FLYTE_RUNTIME_FILES_HPP

#include "flyte/runtime/format.hpp"

namespace flyte::runtime {

namespace detail {

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

}  // namespace detail

}  // namespace flyte::runtime

#endif  // FLYTE_RUNTIME_FILES_HPP
