//===- Checks.h - Every check task-scan reports, with its documentation ---===//
//
// Each diagnostic names its check (`[task-scan-unknown-key]`). Reports that
// list rules (SARIF's tool.driver.rules) read their short description and
// help text from this catalogue; a test keeps it complete against the
// check names in the sources.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_CHECKS_H
#define TASKSCAN_CHECKS_H

#include "taskscan/Diagnostic.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace taskscan {

struct CheckInfo {
  llvm::StringLiteral Name;    ///< "task-scan-unknown-key".
  llvm::StringLiteral Summary; ///< One sentence: what the check finds.
  llvm::StringLiteral Help;    ///< How to fix it.
  Severity Level;              ///< The level its diagnostics have.
};

/// Every check, sorted by name.
llvm::ArrayRef<CheckInfo> allChecks();
/// The entry for \p Name, or nullptr.
const CheckInfo *findCheck(llvm::StringRef Name);

} // namespace taskscan

#endif
