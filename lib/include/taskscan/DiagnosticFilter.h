//===- DiagnosticFilter.h - Silenced and promoted warnings ------*- C++ -*-===//
//
// What a user decides about warnings, in clang-tidy's forms: a `NOLINT`
// comment silences one where it stands, `--warnings-as-errors=<checks>`
// makes the warnings of the named checks errors (for CI). Errors are never
// silenced: each stops code generation for a reason.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_DIAGNOSTICFILTER_H
#define TASKSCAN_DIAGNOSTICFILTER_H

#include "taskscan/Diagnostic.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// Check names chosen by a comma-separated list of globs, as clang-tidy's
/// `-checks` and `-warnings-as-errors` take them: `*`, `task-scan-*`,
/// `task-scan-default-argument`; a glob after `-` takes names out again,
/// and the last glob a name matches decides.
class CheckGlobs {
public:
  /// The globs of \p Text; std::nullopt (and \p Error set) when one is not
  /// a valid glob or is empty.
  static std::optional<CheckGlobs> parse(llvm::StringRef Text, std::string &Error);
  bool contains(llvm::StringRef Check) const;

private:
  /// The text the patterns were made from: a GlobPattern keeps references
  /// into it, so it lives on the heap, shared by copies, never moved.
  std::shared_ptr<const std::string> Text;
  std::vector<std::pair<bool, llvm::GlobPattern>> Globs; ///< (included, pattern)
};

/// Whether the comment text on a source line silences \p Check, as
/// clang-tidy reads `NOLINT`: `NOLINT` alone silences every check,
/// `NOLINT(a, b*)` the checks its globs name. \p NextLine: the line is the
/// one before the diagnostic's, where `NOLINTNEXTLINE` counts instead.
bool silencedBy(llvm::StringRef Line, llvm::StringRef Check, bool NextLine);

/// Drops each warning whose line (or the line before it) carries a NOLINT
/// comment that names its check. Returns how many were dropped.
unsigned dropSilencedWarnings(DiagnosticList &Diags);

/// Makes every warning of a check \p Globs contains an error. Returns how
/// many were promoted.
unsigned promoteWarnings(DiagnosticList &Diags, const CheckGlobs &Globs);

} // namespace taskscan

#endif
