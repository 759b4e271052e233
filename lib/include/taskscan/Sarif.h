//===- Sarif.h - Diagnostics as a SARIF 2.1.0 log -------------------------===//
//
// Code-scanning services (GitHub, GitLab, Azure DevOps) read SARIF 2.1.0.
// One run: the tool with every check as a rule (short description, help
// text, default level), one result per diagnostic with the check as ruleId,
// its location, and its notes as related locations.
//
// clang's own writer (clang/Basic/Sarif.h) was weighed and not used: it
// takes locations as CharSourceRanges of a live SourceManager, while these
// diagnostics are plain data that outlive their translation unit (cached,
// or from the configuration file), and it cannot write related locations,
// help text or the tool's version.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_SARIF_H
#define TASKSCAN_SARIF_H

#include "taskscan/Diagnostic.h"

#include "llvm/Support/JSON.h"

#include <string>

namespace taskscan {

struct SarifTool {
  std::string Name;    ///< "task-scan".
  std::string Version; ///< "0.1.0".
  /// Absolute directory that relative diagnostic paths are relative to; the
  /// run's %SRCROOT%.
  std::string BaseDirectory;
};

/// The SARIF 2.1.0 log of \p Diags. Columns are counted in Unicode code
/// points (columnKind), read from the file; a position whose line is 0 (a
/// whole file) is given as line 1, since code-scanning services need one.
llvm::json::Value toSarif(const DiagnosticList &Diags, const SarifTool &Tool);

/// \p Path as a URI reference: a relative path percent-encoded, an absolute
/// one as a file:// URI.
std::string pathToUri(llvm::StringRef Path);

} // namespace taskscan

#endif
