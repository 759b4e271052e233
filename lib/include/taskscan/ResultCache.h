//===- ResultCache.h - Per-file scan results kept across runs -------------===//
//
// One entry file per translation unit and configuration: the key hashes the
// tool's identity, the compile directory, the main file, the arguments that
// decide the scan (the build's command line and the scanner's options) and
// the environment variables clang reads for include paths.
// The entry lists every file the translation unit read with its content hash
// (xxh3) and holds either the parse's TranslationUnitResult or the
// prefilter's "no task here" verdict. It is valid while every listed file
// still hashes the same, so editing a header invalidates exactly the
// translation units that read it.
//
// - Each file is hashed at most once per run (FileHasher), however many
//   translation units share it. Every file is hashed, system headers too:
//   reading them costs a few milliseconds per run and no mtime can lie.
// - Entries are written to a temporary file and renamed into place, so
//   concurrent runs sharing one directory never see a half-written entry;
//   the last writer wins and both writers' entries are valid.
// - An unreadable, truncated or corrupt entry (checked by a trailing
//   checksum) is a miss, never an error: the file is parsed again.
// - Not recorded: files that were looked up and not found. Adding a header
//   that shadows an included one earlier on the include path, or that makes
//   a __has_include true, is not seen until the main file or the command
//   line changes (as with compiler depfiles). Delete the directory then.
// - A file modified while the run reads it is not cached (its hash could
//   describe content newer than the parse saw).
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_RESULTCACHE_H
#define TASKSCAN_RESULTCACHE_H

#include "taskscan/Scanner.h"
#include "taskscan/Task.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Chrono.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// What the cache remembers of a file's content.
struct FileDigest {
  uint64_t Hash = 0; ///< xxh3 of the content.
  uint64_t Size = 0;
  llvm::sys::TimePoint<> ModificationTime;

  bool sameContent(const FileDigest &O) const {
    return Hash == O.Hash && Size == O.Size;
  }
};

/// Hashes files, each at most once per instance (one instance per run):
/// many translation units share headers. Thread-safe.
class FileHasher {
public:
  /// The file's digest, or nullopt when it cannot be read.
  std::optional<FileDigest> digest(llvm::StringRef Path);

private:
  std::mutex Lock;
  llvm::StringMap<std::optional<FileDigest>> Digests;
};

/// What the cache holds for one translation unit.
struct CachedUnit {
  bool Skipped = false; ///< The prefilter found no task.
  /// The parse's result, or when Skipped just MainFile; Dependencies always.
  TranslationUnitResult Result;
};

class ResultCache {
public:
  /// \p Directory is created when the first entry is written. Files changed
  /// after this constructor runs are not cached.
  explicit ResultCache(std::string Directory,
                       std::string ToolIdentity = defaultToolIdentity());

  /// The valid entry for \p Job, if any. \p CommandLine: every argument
  /// that decides the scan's result besides the files it reads.
  std::optional<CachedUnit> lookup(const ScanJob &Job,
                                   llvm::ArrayRef<std::string> CommandLine);

  /// Remembers that the prefilter found no task; \p Dependencies are the
  /// files it read. False when nothing was written.
  bool storeSkipped(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                    llvm::ArrayRef<std::string> Dependencies);

  /// Remembers a parse's result (its Dependencies say what it read). Results
  /// with clang errors are not stored: a missing header may appear later.
  bool storeResult(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                   const TranslationUnitResult &Result);

  /// Where the entry for \p Job lives (tests corrupt it).
  std::string entryPath(const ScanJob &Job,
                        llvm::ArrayRef<std::string> CommandLine) const;

  /// The task-scan and LLVM versions plus the size and time of the running
  /// executable: a rebuilt tool does not trust an older tool's results.
  static std::string defaultToolIdentity();

private:
  bool store(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
             bool Skipped, llvm::ArrayRef<std::string> Dependencies,
             const TranslationUnitResult *Result);

  std::string Directory;
  std::string ToolIdentity;
  llvm::sys::TimePoint<> RunStart;
  FileHasher Hasher;
};

} // namespace taskscan

#endif
