//===- Diagnostic.h - Located problems, rendered like a compiler's --------===//
//
// Every problem task-scan finds (in sources, config or templates) becomes a
// Diagnostic. They are plain data so they can be cached, sorted and rendered
// after the translation unit that produced them is gone.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_DIAGNOSTIC_H
#define TASKSCAN_DIAGNOSTIC_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// A position in a file; Line and Column are 1-based, 0 when unknown.
struct SourcePosition {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;

  bool operator<(const SourcePosition &O) const;
  bool operator==(const SourcePosition &O) const {
    return File == O.File && Line == O.Line && Column == O.Column;
  }
};

enum class Severity { Note, Warning, Error };

struct DiagnosticNote {
  SourcePosition Position;
  std::string Message;
};

struct Diagnostic {
  Severity Level = Severity::Error;
  std::string Check; ///< e.g. "task-scan-unknown-key"; "clang" for compiler errors.
  std::string Message;
  SourcePosition Position;
  std::vector<DiagnosticNote> Notes;
};

/// Diagnostics in the order they were reported.
class DiagnosticList {
public:
  Diagnostic &error(std::string Check, SourcePosition Where, std::string Message);
  Diagnostic &warning(std::string Check, SourcePosition Where, std::string Message);
  void append(const DiagnosticList &Other);
  void add(Diagnostic D) { Items.push_back(std::move(D)); }

  bool hasErrors() const;
  unsigned errorCount() const;
  bool empty() const { return Items.empty(); }
  const std::vector<Diagnostic> &items() const { return Items; }
  std::vector<Diagnostic> &items() { return Items; }
  /// Sorts by position, then message, and drops exact duplicates, so the
  /// output does not depend on scan order or -j.
  void sortAndUnique();

private:
  std::vector<Diagnostic> Items;
};

/// "note", "warning" or "error", as compilers print a severity.
const char *severityName(Severity S);

/// Lines of source files as diagnostics show them, each file read once.
class SourceLines {
public:
  /// Line \p Line (1-based) of \p File without its line break; none when
  /// the file cannot be read or is shorter.
  std::optional<std::string> line(const std::string &File, unsigned Line);

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Files;
};

/// User text as it may appear in a message: bytes outside printable ASCII
/// are shown as \xNN, so no newline or terminal escape reaches the output.
std::string printable(llvm::StringRef Text);

/// `file:line:col: error: message [check]`, the source line and a caret
/// (when the file can be read), then each note the same way.
void renderText(const DiagnosticList &Diags, llvm::raw_ostream &OS,
                bool Color = false);
/// A JSON array: [{"file","line","column","severity","message","check",
/// "notes":[{"file","line","column","message"}]}].
llvm::json::Value toJson(const DiagnosticList &Diags);

llvm::json::Value toJson(const SourcePosition &P);
bool fromJson(const llvm::json::Value &V, SourcePosition &P);
llvm::json::Value toJson(const Diagnostic &D);
bool fromJson(const llvm::json::Value &V, Diagnostic &D);

} // namespace taskscan

#endif
