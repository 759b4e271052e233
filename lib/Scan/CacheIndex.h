//===- CacheIndex.h - The result cache's index file -------------*- C++ -*-===//
//
// Index format (text, so a developer can read it; results are JSON):
//
//   task-scan-cache 4
//   tool <32 hex>                 hash of the tool identity
//   files <N>
//   <16 hex xxh3> <size> <stat> <path>
//                                 N rows, numbered from 0; "- - - <path>" for
//                                 a file that must stay absent. <stat> is
//                                 <dev>.<ino>.<mtime ns>.<ctime ns> in hex,
//                                 or "-" when the file was racily clean (see
//                                 RacyWindow)
//   groups <G>
//   <row> <row> ...               G lines: the rows many entries share
//   entries <M>
//   <32 hex key> skipped|parsed <last used, unix seconds> <row> ... [@<group>]
//                                 its main file's row, the rows of the
//                                 names the main file was opened by, then
//                                 the group of the rest (its headers...)
//   result <bytes>                after a parsed entry's line only
//   <TranslationUnitResult JSON>  without its dependencies (the rows)
//   checksum <16 hex>             xxh3 of everything above
//
// An entry's first row is its main file. A path may have several rows when
// entries saw different contents of it; each row is checked on its own.
//
// A row is checked as git checks its index: a file whose stat() fields all
// still match is unchanged; only the others are hashed.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCAN_CACHEINDEX_H
#define TASKSCAN_SCAN_CACHEINDEX_H

#include "taskscan/ResultCache.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace taskscan {

/// The index as read from disk; its strings point into Buffer.
struct ResultCache::Index {
  struct Row {
    llvm::StringRef Line; ///< As written, the key when indexes are merged.
    llvm::StringRef Path;
    uint64_t Hash = 0, Size = 0;
    bool Absent = false;  ///< Valid while the file does not exist.
    bool HasStat = false; ///< Stat holds what the file's stat() was.
    /// A name a file was opened by (see store()), not a dependency itself.
    bool Lookup = false;
    /// Rows of one path (entries that saw different contents of it) share
    /// a number (not for lookup rows).
    uint32_t PathId = 0;
    FileStat Stat;
  };
  struct Entry {
    bool Skipped = false;
    int64_t LastUsed = 0;
    /// Its row numbers as written (the main file first), read only when
    /// the entry is looked up: most runs look up a few of many entries, and
    /// a warm run spreads the reading over its threads.
    llvm::StringRef RowText;
    llvm::StringRef Json; ///< Parsed entries only.
  };

  std::unique_ptr<llvm::MemoryBuffer> Buffer;
  std::vector<Row> Rows;
  llvm::StringMap<Entry> Entries;

  /// The rows \p RowText (an entry's, its group's included) names; false
  /// if one is not a row.
  bool rowsOf(llvm::StringRef RowText, llvm::SmallVectorImpl<uint32_t> &Out) const;
  /// The rows of group reference \p Reference ("@<n>"), as written; empty
  /// when there is no such group.
  llvm::StringRef groupText(llvm::StringRef Reference) const;
  std::vector<llvm::StringRef> Groups; ///< Row texts shared by entries.
  /// Per row: 0 not checked yet, 1 unchanged, 2 changed or gone.
  std::unique_ptr<std::atomic<uint8_t>[]> RowState;
  llvm::StringMap<uint32_t> PathIds; ///< Path of a row that is not a lookup row -> its PathId.
  /// Per lookup row (a name a file was opened by), the PathId of the file
  /// the name leads to now (NoPath: none listed, or none there), resolved
  /// once per run; its TargetState is 0 unresolved, 1 being resolved, 2
  /// resolved. Indexed by row, like RowState.
  static constexpr uint32_t NoPath = ~0u;
  std::unique_ptr<std::atomic<uint8_t>[]> TargetState;
  std::vector<uint32_t> Targets;

  /// The index at \p Path if it is whole and belongs to \p Tool.
  static std::unique_ptr<Index> read(const std::string &Path, llvm::StringRef Tool);
};

/// One entry as formatIndex writes it.
struct IndexEntryText {
  std::string Key; ///< 32 hex digits.
  bool Skipped;
  int64_t LastUsed; ///< Unix seconds.
  std::vector<uint32_t> Rows; ///< Numbers into the rows, the main file first.
  llvm::StringRef Json; ///< Parsed entries only.
};

/// The whole index file: \p RowLines (as rowLine writes them) numbered from
/// 0, then \p Entries in their order, then the checksum.
std::string formatIndex(llvm::StringRef ToolIdentity, llvm::ArrayRef<llvm::StringRef> RowLines,
                        llvm::ArrayRef<IndexEntryText> Entries);

/// One row as the index writes it: "<hash> <size> <stat> <path>"; no
/// \p Stat for a racily clean file.
std::string rowLine(uint64_t Hash, uint64_t Size, const FileStat *Stat, llvm::StringRef Path);

/// Whether \p Path names "." or ".." (never so in a real path): a row of
/// such a path is a lookup row, a name a file was opened by.
bool hasDotComponents(llvm::StringRef Path);

/// A decimal of at most 19 digits; faster than StringRef::getAsInteger,
/// which matters for 100k row numbers.
bool parseDecimal(llvm::StringRef S, uint64_t &Out);

} // namespace taskscan

#endif
