//===- SharedPrefix.h - One parse of an include block many files share ----===//
//
// A cold run spends most of its time parsing the same headers again for
// every task file: the standard library and the project's common headers,
// named by the same leading block of `#include` lines. Files with the same
// block under the same command line share one parse of it: the block is
// written as a header (in memory, beside the files), precompiled once into a
// temporary PCH, and each file is parsed with `-include-pch`; its own
// `#include` lines then find headers already included (guarded) and skip
// them, so the parse goes on in the state the block left, as a plain parse
// would.
//
// The answer stays exactly a plain parse's:
//  - a block whose parse holds a task or gives any diagnostic is not shared;
//  - a parse with the PCH that reports a clang error or a missing header is
//    redone plainly, so that what the user sees is a plain parse's report;
//  - what the block's parse read, and the lookups it missed, are added to
//    each file's own (the cache keys on them: AbsentFiles.h);
//  - the second parse for `cache = true` tasks (the code hash) is plain.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCAN_SHAREDPREFIX_H
#define TASKSCAN_SCAN_SHAREDPREFIX_H

#include "taskscan/Scanner.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <memory>
#include <string>
#include <vector>

namespace taskscan {

/// The leading `#include <...>` and `#include "..."` lines of \p Source, one
/// per line as written, up to the first line that is anything else (a
/// blank line or a comment is skipped, a comment after an include ends the
/// block); empty when it has none.
std::string leadingIncludeBlock(llvm::StringRef Source);

/// One include block, precompiled under one command line.
struct SharedPrefix {
  std::string HeaderPath; ///< The block as a header: in memory only.
  std::string HeaderText;
  std::string PchPath;
  /// What the block's own parse read and missed (AbsentFiles.h).
  std::vector<std::string> Dependencies, AbsentFiles, LookupPaths;
  /// Whether the block's tokens show a sign of a task as the prefilter
  /// looks for them (Prefilter.h): then the prefilter reads the block itself.
  bool SeesTask = false;

  /// \p Base with the block's header added, as the PCH expects to find it.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
  withHeader(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Base) const;

  /// The lists with the block's added (sorted, unique), the header and the
  /// PCH left out.
  void addTo(std::vector<std::string> &Read, std::vector<std::string> &Absent,
             std::vector<std::string> &Lookups) const;
  void addDependencies(TranslationUnitResult &Unit) const {
    addTo(Unit.Dependencies, Unit.AbsentFiles, Unit.LookupPaths);
  }
};

/// The prefixes of one run: planned from the files left after the result
/// cache, built on first use, deleted with this object. A block costs about
/// one parse to build: a parse saves most of its cost with it, a prefilter
/// check a few milliseconds, so a block is built for two parses or for
/// ScanOptions::PrefilterShareMin checks. Thread-safe after construction but
/// for countParses().
class SharedPrefixes {
public:
  /// Groups \p Indices (into \p Jobs) by block and command line. C++
  /// sources only.
  SharedPrefixes(const std::vector<ScanJob> &Jobs, llvm::ArrayRef<size_t> Indices,
                 const ScanOptions &Options);
  ~SharedPrefixes();
  SharedPrefixes(const SharedPrefixes &) = delete;
  SharedPrefixes &operator=(const SharedPrefixes &) = delete;

  /// The prefix for the prefilter's check of Jobs[\p Index], or null: its
  /// group is small, or the block cannot be shared or shows a task.
  const SharedPrefix *forPrefilter(size_t Index);

  /// Notes the jobs that will be parsed (before forParse()).
  void countParses(llvm::ArrayRef<size_t> Indices);

  /// The prefix for the parse of Jobs[\p Index], built by the first caller
  /// (the others wait for it), or null: no other parse shares its block and
  /// none is built, or it cannot be shared.
  const SharedPrefix *forParse(size_t Index);

  /// How many prefixes were built and shared.
  size_t built() const;

private:
  struct Group;
  const SharedPrefix *build(Group &G);
  const std::vector<ScanJob> &Jobs;
  ScanOptions Options;
  std::string TemporaryDirectory;
  std::vector<std::unique_ptr<Group>> Groups;
  std::vector<Group *> GroupOf; ///< By job index; null: none.
};

/// The command line to parse \p Job with (scanCommandLine()), with
/// `-include-pch` of \p Prefix when given.
std::vector<std::string> scanCommandLine(const ScanJob &Job, const ScanOptions &Options,
                                         const SharedPrefix *Prefix);

/// scanTranslationUnit() with the block of \p Prefix (may be null) parsed
/// once for all: the same answer, or a plain parse's where the prefix
/// cannot give it. \p UsedPrefix (may be null) tells which.
TranslationUnitResult scanTranslationUnit(const ScanJob &Job, const ScanOptions &Options,
                                          const SharedPrefix *Prefix, bool *UsedPrefix = nullptr);

} // namespace taskscan

#endif
