//===- Prefilter.h - Which translation units can hold a task --------------===//
//
// Parsing is what costs (about a second per file with standard headers);
// most files of a project hold no task. The prefilter runs clang's
// preprocessor only, with the scan's own command line, and answers whether
// the parse can be skipped. It must never skip a file that holds a task, so
// it follows macros exactly as the compiler does instead of grepping text:
// wrappers of wrappers, wrappers from headers, `#define T FLYTE_TASK`,
// `FLYTE_ ## TASK`, -D macros and `#include MACRO` all expand as in the parse.
//
// A translation unit may hold tasks when, after macro expansion, a token of
// its main file or of a non-system header
//   - comes from an expansion of a macro named FLYTE_TASK, or
//   - is a string literal mentioning "flyte.task" (the annotation itself), or
//   - is the identifier FLYTE_TASK left unexpanded (a missing include: the
//     parse reports it),
// or when the preprocessor fails (the parse reports why). Anything unsure
// is a candidate: the prefilter may over-parse, never under-parse.
//
// System headers (the standard library, -isystem) are read for their
// directives only, through clang's dependency-directives scanner, shared
// across translation units: their #defines and #includes count, their
// declarations are not looked at. A system header whose text mentions
// FLYTE_TASK or flyte.task is read in full, like a project header.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_PREFILTER_H
#define TASKSCAN_PREFILTER_H

#include "taskscan/Scanner.h"

#include <memory>
#include <string>
#include <vector>

namespace taskscan {

struct SharedPrefix;

/// What the prefilter learned about one translation unit.
struct PrefilterVerdict {
  /// False only when no task can be in the translation unit: the parse can
  /// be skipped.
  bool MayHoldTasks = true;
  /// Why it may hold tasks, e.g. "FLYTE_TASK expanded at /src/a.cpp:12:1".
  std::string Reason;
  /// Every file the preprocessor read (absolute, sorted), when MayHoldTasks
  /// is false: what a cached "no task" verdict depends on.
  std::vector<std::string> Dependencies;
  /// What it looked for in the project's include directories and did not
  /// find, when MayHoldTasks is false (see TranslationUnitResult).
  std::vector<std::string> AbsentFiles;
  /// The names read files were opened by, where not their real paths (see
  /// TranslationUnitResult::LookupPaths).
  std::vector<std::string> LookupPaths;
  /// Whether a shared prefix gave this verdict (else the check read the
  /// whole unit itself).
  bool UsedPrefix = false;
};

/// Decides, per translation unit, whether it must be parsed. One per run;
/// check() is thread-safe. System headers are scanned once per run and
/// shared by every translation unit.
class Prefilter {
public:
  Prefilter();
  ~Prefilter();
  Prefilter(const Prefilter &) = delete;
  Prefilter &operator=(const Prefilter &) = delete;

  /// With \p Prefix (a shared include block whose headers show no sign of
  /// a task: SharedPrefix.h), the block's macros come from its PCH.
  PrefilterVerdict check(const ScanJob &Job, const ScanOptions &Options,
                         const SharedPrefix *Prefix = nullptr) const;

private:
  struct SharedState; ///< Directive-scanned files, shared by every check().
  std::unique_ptr<SharedState> Shared;
};

} // namespace taskscan

#endif
