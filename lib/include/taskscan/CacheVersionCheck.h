//===- CacheVersionCheck.h - An explicit cache_version kept over new code -===//
//
// Flyte serves a cached result for as long as the task's cache_version (and
// interface) stays the same, whatever the code became. A task with an
// explicit cache_version whose code hash changed since that version was
// first generated gets a warning at its annotation, on every run until the
// version changes: manifest.json carries, per task, the code hash the
// version was set at (`cache_version_code_hash`).
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_CACHEVERSIONCHECK_H
#define TASKSCAN_CACHEVERSIONCHECK_H

#include "taskscan/Diagnostic.h"
#include "taskscan/ProjectModel.h"

#include "llvm/ADT/StringRef.h"

namespace taskscan {

/// Reads the previous \p OutputDir/manifest.json (if any), sets each task's
/// CacheVersionCodeHash and warns where an explicit cache_version outlives
/// the code it was set for.
void checkKeptCacheVersions(ProjectModel &Model, llvm::StringRef OutputDir,
                            DiagnosticList &Diags);

} // namespace taskscan

#endif
