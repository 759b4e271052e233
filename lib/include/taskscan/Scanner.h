//===- Scanner.h - From sources to tasks ----------------------------------===//
//
// Runs the real clang front end on each translation unit (in parallel) and
// extracts every FLYTE_TASK-annotated function. The prefilter and the result
// cache sit in front of the parse; both may only ever skip work whose result
// is known.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SCANNER_H
#define TASKSCAN_SCANNER_H

#include "taskscan/Task.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace taskscan {

/// One translation unit to scan: the file, its compile command as the build
/// would run it, and the directory it runs in.
struct ScanJob {
  std::string File;
  std::string Directory;
  std::vector<std::string> CommandLine;
};

/// Where a translation unit's answer came from: a parse, the result cache
/// (a cached result or a cached "no task" verdict), the prefilter ("no task
/// can be here"), or none (ScanStats::NotScanned).
enum class UnitOutcome { Parsed, Cached, Skipped, NotScanned };

/// Told of each translation unit as its answer is known, for a progress
/// display. Called from the scan's worker threads, concurrently, once per
/// job; an implementation locks what it shares and returns quickly (a warm
/// run answers thousands of units in milliseconds).
class ScanProgress {
public:
  virtual ~ScanProgress() = default;
  virtual void unitDone(const ScanJob &Job, UnitOutcome Outcome) = 0;
};

struct ScanOptions {
  std::string ResourceDir;       ///< Clang builtin headers (stddef.h, ...).
  std::string RuntimeIncludeDir; ///< Holds flyte/task.hpp; added last.
  unsigned Jobs = 0;             ///< 0: all cores.
  std::string CacheDir;          ///< Empty: no result cache.
  bool Prefilter = true;         ///< Skip TUs that cannot contain a task.
  /// Parse the leading include block that files share once (SharedPrefix.h).
  bool SharePrefixes = true;
  /// How many files must share a block for the prefilter to build it (a
  /// build costs about a parse, a prefilter check a few milliseconds). Tests
  /// lower it to reach the shared prefilter with small projects.
  unsigned PrefilterShareMin = 48;
  bool Dependencies = false;     ///< Fill ScanResult::Dependencies (--depfile).
  /// A header that is not found (one the build generates, before the
  /// build has run) does not stop the parse: it becomes a warning
  /// (IncompleteScanCheck) on the #include, the errors that follow it in that
  /// translation unit are counted, not reported, and a task whose signature
  /// could not be read is kept for its annotation and image. For --check,
  /// --list and CMake's configure step; generating code never tolerates it.
  bool ToleratesMissingHeaders = false;
  /// Told of each unit as it is answered; none when null.
  ScanProgress *Progress = nullptr;
};

/// The check name of the warning a missing header gives when
/// ScanOptions::ToleratesMissingHeaders is set.
inline constexpr const char *IncompleteScanCheck = "task-scan-incomplete-check";

/// Where each translation unit's answer came from: a parse, the result
/// cache (a cached result or a cached "no task" verdict), or the prefilter.
struct ScanStats {
  unsigned Parsed = 0, Cached = 0, Skipped = 0;
  /// Include blocks parsed once and shared (SharedPrefix.h); the parses and
  /// the prefilter checks that used one, of Parsed and PrefilterChecks.
  unsigned SharedPrefixes = 0, SharedPrefixParses = 0, SharedPrefixChecks = 0;
  unsigned PrefilterChecks = 0;
  /// Entries that cannot hold a task and were not scanned: each file and
  /// why ("CUDA source", "does not exist").
  std::vector<std::pair<std::string, std::string>> NotScanned;
  /// The result cache: entries kept and refused, and the first reason one
  /// was refused or the index could not be written (results with clang
  /// errors are not meant to be kept and count as neither).
  unsigned CacheStored = 0, CacheRefused = 0;
  std::string CacheProblem;
};

struct ScanResult {
  /// In job order. A unit without tasks by the prefilter's verdict holds
  /// only MainFile; units the prefilter or the cache answered hold no
  /// Dependencies (see below).
  std::vector<TranslationUnitResult> Units;
  /// With ScanOptions::Dependencies: every file any unit's answer depends
  /// on (the main files too; real paths, sorted, each once).
  std::vector<std::string> Dependencies;
  ScanStats Stats;
};

/// The jobs for \p Sources (all files of \p Database when empty), one per
/// distinct compile command; sources are made absolute against the current
/// directory (never edited: `lk/../a.cpp` stays what the system opens).
std::vector<ScanJob> jobsFromDatabase(const clang::tooling::CompilationDatabase &Database,
                                      const std::vector<std::string> &Sources);

/// \p Database with only the commands whose output file (the "output" of a
/// compile_commands.json entry) lies under \p Directory, e.g. one CMake
/// target's object directory: its sources as that target compiles them.
std::unique_ptr<clang::tooling::CompilationDatabase>
onlyOutputsUnder(std::unique_ptr<clang::tooling::CompilationDatabase> Database,
                 llvm::StringRef Directory);

/// What each compiler argument is to clang's driver: an option or an
/// option's value, an input file, or an option it does not know (GCC-only
/// flags).
enum class ArgumentKind { Option, Input, Unknown };

/// The kind of each of \p Arguments (no program name), read with clang's
/// driver option table, so `-include x.h` is an option and its value.
std::vector<ArgumentKind> classifyArguments(llvm::ArrayRef<std::string> Arguments);

/// Why \p Job cannot hold a task, when its language is not C or C++ (a
/// CUDA or assembler entry of a compile database), as clang's driver reads
/// its command line (-x, else the file's extension); empty for C and C++.
std::string unscannableLanguage(const ScanJob &Job);

/// The command line clang runs for \p Job: the build's own minus what clang
/// does not understand (GCC-only flags) and what would write files, plus the
/// scan mode (-fsyntax-only, FLYTE_TASK_SCAN, no warnings).
std::vector<std::string> scanCommandLine(const ScanJob &Job,
                                         const ScanOptions &Options);

/// Parses one translation unit and extracts its tasks.
TranslationUnitResult scanTranslationUnit(const ScanJob &Job,
                                          const ScanOptions &Options);

/// Scans every job, in parallel (Options.Jobs threads): each is answered by
/// the result cache if Options.CacheDir is set and the entry is still valid,
/// else skipped if Options.Prefilter shows it cannot hold a task, else parsed.
ScanResult scanAll(const std::vector<ScanJob> &Jobs, const ScanOptions &Options);

} // namespace taskscan

#endif
