//===- OutputWriter.h - Generated files onto disk, safely -----------------===//
#ifndef TASKSCAN_OUTPUTWRITER_H
#define TASKSCAN_OUTPUTWRITER_H

#include "taskscan/Diagnostic.h"
#include "taskscan/Emitters.h"

namespace taskscan {

struct WriteStats {
  unsigned Written = 0, Unchanged = 0, Removed = 0;
};

/// The index of files task-scan wrote, kept in the output directory so that
/// files of images that are gone can be removed (and nothing else).
inline constexpr const char *OutputIndexName = ".task-scan-files";

/// Writes \p Files under \p OutputDir: only files whose content changed,
/// each atomically (temporary file + rename); files listed in the previous
/// index but no longer generated are removed. I/O errors are reported with
/// check "task-scan-io".
bool writeGeneratedFiles(llvm::StringRef OutputDir,
                         const std::vector<GeneratedFile> &Files,
                         DiagnosticList &Diags, WriteStats &Stats);

/// The pre-commit staleness check: reports (check "task-scan-stale-output")
/// every file of \p Files that is missing or differs under \p OutputDir,
/// and every file of the previous index no longer generated. Writes nothing.
/// Returns the number of stale files.
unsigned reportStaleFiles(llvm::StringRef OutputDir,
                          const std::vector<GeneratedFile> &Files,
                          DiagnosticList &Diags);

/// Writes \p Content to \p Path atomically unless it already holds it.
/// Returns false (and sets \p Error) on failure; \p Changed tells whether
/// the file was written.
bool writeFileIfChanged(llvm::StringRef Path, llvm::StringRef Content,
                        bool &Changed, std::string &Error);

} // namespace taskscan

#endif
