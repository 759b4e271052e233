//===- ResultCache.h - Per-file scan results kept across runs -------------===//
//
// One index file per cache directory holds an entry per translation unit and
// configuration. An entry's key hashes the compile directory, the main file,
// the arguments that decide the scan (the build's command line and the
// scanner's options) and the environment variables clang reads for include
// paths; the index as a whole belongs to one tool identity.
// An entry lists every file the translation unit read, each with its content
// hash (xxh3), and the files it looked for in the project's include
// directories and did not find (see AbsentFiles.h), and holds either the parse's TranslationUnitResult or the
// prefilter's "no task here" verdict. It is valid while every listed file
// still hashes the same and every absent one is still absent, so editing a
// header invalidates exactly the translation units that read it, and adding
// a header that shadows one exactly those that would now read it.
//
// Why one index and not a file per entry: a warm run of a large project asks
// about every translation unit, and most of them read the same headers. The
// index lists each (file, hash) once and entries refer to it by number, so a
// warm run reads one file and checks each header once, not once per includer.
//
// - Each file is hashed at most once per run, however many translation units
//   share it. Every file is hashed, system headers too: reading them costs a
//   few milliseconds per run and no mtime can lie.
// - Lookups read the index loaded when the run starts. Stores are kept in
//   memory until commit(), which, under a lock, merges them into the index as
//   it is on disk then (so concurrent runs lose nothing), drops entries no
//   run has used for a while, and renames a complete new index into place:
//   a reader never sees a half-written index.
// - An unreadable, truncated or corrupt index (checked by a trailing
//   checksum) or entry is a miss, never an error: the file is parsed again.
// - Not recorded: lookups that found nothing in system include directories
//   (a package install that adds a shadowing system header is not seen;
//   delete the directory then).
// - A file modified while the run reads it is not cached (its hash could
//   describe content newer than the parse saw).
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_RESULTCACHE_H
#define TASKSCAN_RESULTCACHE_H

#include "taskscan/Scanner.h"
#include "taskscan/Task.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Chrono.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

class RealPathCache;

/// What stat() says of a file, the fields git's index keeps: a file whose
/// fields all still match was not written since (a write sets the change
/// time, which no user can set back), unless it was written within the same
/// timestamp tick as the stat was taken (see ResultCache: "racily clean").
struct FileStat {
  uint64_t Device = 0, Inode = 0, Size = 0;
  int64_t ModifiedNs = 0, ChangedNs = 0; ///< mtime and ctime, in ns since the epoch.

  bool operator==(const FileStat &O) const {
    return Device == O.Device && Inode == O.Inode && Size == O.Size &&
           ModifiedNs == O.ModifiedNs && ChangedNs == O.ChangedNs;
  }
  /// The regular file at \p Path (symbolic links followed), else nullopt.
  static std::optional<FileStat> of(llvm::StringRef Path);
  /// The regular file open as \p FD, else nullopt.
  static std::optional<FileStat> ofOpenFile(int FD);
};

/// What the cache remembers of a file's content.
struct FileDigest {
  uint64_t Hash = 0; ///< xxh3 of the content.
  uint64_t Size = 0;
  llvm::sys::TimePoint<> ModificationTime;
  FileStat Stat; ///< Taken before the content was read.

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
  /// The parse's result, or when Skipped just MainFile; no Dependencies:
  /// ResultCache::hitDependencies() lists them for all hits at once.
  TranslationUnitResult Result;
};

class ResultCache {
public:
  /// Entries no run has used for this long are dropped at the next commit.
  static constexpr std::chrono::hours DefaultMaxUnused{24 * 30};

  /// Reads the index in \p Directory, if any; the directory is created at
  /// the first commit with something to write. Files changed after this
  /// constructor runs are not cached.
  explicit ResultCache(std::string Directory,
                       std::string ToolIdentity = defaultToolIdentity(),
                       std::chrono::seconds MaxUnused = DefaultMaxUnused);
  /// Commits what was stored and not committed yet.
  ~ResultCache();
  ResultCache(const ResultCache &) = delete;
  ResultCache &operator=(const ResultCache &) = delete;

  /// The valid entry for \p Job, if any. \p CommandLine: every argument
  /// that decides the scan's result besides the files it reads.
  /// Thread-safe, also alongside the store functions.
  std::optional<CachedUnit> lookup(const ScanJob &Job,
                                   llvm::ArrayRef<std::string> CommandLine);

  /// The files the entries lookup() returned so far read (real paths,
  /// sorted, each once; not the absent ones): what a depfile lists for
  /// them. Built only on request: a warm run of a large project would
  /// otherwise copy every header's name once per translation unit.
  std::vector<std::string> hitDependencies();

  /// Remembers that the prefilter found no task; \p Dependencies are the
  /// files it read, \p AbsentFiles those it looked for in vain (they must
  /// stay absent). False when it cannot be kept (see above).
  bool storeSkipped(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                    llvm::ArrayRef<std::string> Dependencies,
                    llvm::ArrayRef<std::string> AbsentFiles = {},
                    llvm::ArrayRef<std::string> LookupPaths = {});

  /// Remembers a parse's result (its Dependencies say what it read, its
  /// AbsentFiles what it looked for in vain). Results
  /// with clang errors are not kept: a missing header may appear later.
  bool storeResult(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
                   const TranslationUnitResult &Result);

  /// What this instance's stores came to: entries kept, entries refused
  /// (a result with clang errors is neither: it is not meant to be kept)
  /// and why the first refusal happened, naming the file.
  struct StoreReport {
    unsigned Stored = 0, Refused = 0;
    std::string FirstRefusal;
  };
  StoreReport storeReport();

  /// Writes this run's entries into the index (see above). True when there
  /// was nothing to write or the new index is in place.
  bool commit();

  /// The index file (tests corrupt it).
  std::string indexPath() const;

  /// The task-scan and LLVM versions plus the size and time of the running
  /// executable: a rebuilt tool does not trust an older tool's results.
  static std::string defaultToolIdentity();

  struct Index;
  struct PendingEntry;

private:
  std::string entryKey(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine) const;
  bool store(const ScanJob &Job, llvm::ArrayRef<std::string> CommandLine,
             bool Skipped, llvm::ArrayRef<std::string> Dependencies,
             llvm::ArrayRef<std::string> AbsentFiles, llvm::ArrayRef<std::string> LookupPaths,
             const TranslationUnitResult *Result);
  /// The PathId of the file lookup row \p Row's name leads to now.
  uint32_t lookupRowTarget(uint32_t Row);
  /// What an entry's rows after its main file's say, checked once per run
  /// for every entry with the same rows (most entries of a project read
  /// the same headers).
  struct GroupVerdict {
    bool Valid = false; ///< Every row holds, every name leads to a file.
    llvm::DenseSet<uint32_t> Read; ///< PathIds of the files the rows read.
    /// PathIds that a name (a lookup row) leads to now outside the group's
    /// own files: valid only for an entry whose main file it is.
    std::vector<uint32_t> TargetsOutside;
  };
  std::shared_ptr<const GroupVerdict> groupVerdict(llvm::StringRef RowText);
  bool rowStillValid(uint32_t Row);
  /// Whether a file with \p Stat is racily clean for this run.
  bool isRacy(const FileStat &Stat) const;
  bool refuse(std::string Why);

  std::string Directory;
  std::string ToolIdentity;
  std::chrono::seconds MaxUnused;
  llvm::sys::TimePoint<> RunStart;
  FileHasher Hasher;
  std::unique_ptr<RealPathCache> Paths; ///< For lookup(): one answer per directory.
  std::unique_ptr<Index> Loaded; ///< The index as this run found it.
  std::mutex GroupLock;
  /// By an entry's row text after its main file's row (text in Loaded).
  llvm::StringMap<std::shared_ptr<const GroupVerdict>> Groups;

  std::mutex PendingLock;
  llvm::StringMap<PendingEntry> Pending; ///< Stored, not committed.
  /// Distinct row lines, numbered from 0 in the order first seen.
  struct RowTable {
    llvm::StringMap<uint32_t> Numbers;
    std::vector<llvm::StringRef> Lines; ///< Keys of Numbers.
    uint32_t number(llvm::StringRef Line);
  };
  RowTable PendingRows; ///< The rows Pending's entries name.
  /// Racily clean rows that this run found unchanged and no longer racy:
  /// the row's line as loaded -> the line with the file's stat, written by
  /// commit(), so that later runs stat the file instead of hashing it.
  llvm::StringMap<std::string> Refreshed;
  llvm::StringSet<> Used;                ///< Keys this run hit.
  /// The row numbers of each entry lookup() returned, as Loaded holds them.
  std::vector<llvm::StringRef> HitRows;
  StoreReport Report;
};

} // namespace taskscan

#endif
