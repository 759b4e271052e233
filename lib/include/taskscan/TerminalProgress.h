//===- TerminalProgress.h - The scan's progress on one terminal line ------===//
//
// A long scan shows where it is as ninja does: one line, rewritten in place,
// `[n/N] parsed src/a.cpp`. Only ever on a terminal: a pipe, a file or a CI
// log gets nothing from here.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_TERMINALPROGRESS_H
#define TASKSCAN_TERMINALPROGRESS_H

#include "taskscan/Scanner.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <mutex>
#include <string>

namespace taskscan {

/// The text of the progress line, at most \p Columns characters (0: no
/// limit): `[3/10] parsed src/a.cpp`, the file's middle elided (`src...p`)
/// when it does not fit, its bytes outside printable ASCII escaped
/// (printable()) so that each is one column and none is a control code.
std::string progressLine(size_t Done, size_t Total, UnitOutcome Outcome,
                         llvm::StringRef File, unsigned Columns);

/// Whether stderr is a terminal that can rewrite a line: a tty whose TERM
/// is set and not "dumb" (as ninja decides).
bool stderrIsSmartTerminal();

/// The width of the terminal on stderr (TIOCGWINSZ), else $COLUMNS, else 80.
unsigned stderrColumns();

/// Draws the line on \p Terminal as units finish: at most every 100 ms (a
/// warm run finishes thousands a second), and always the first and the last.
class TerminalProgress : public ScanProgress {
public:
  /// \p Total units will be reported; files are shown relative to \p Cwd.
  TerminalProgress(llvm::raw_ostream &Terminal, size_t Total, std::string Cwd,
                   unsigned Columns);
  ~TerminalProgress() override;

  void unitDone(const ScanJob &Job, UnitOutcome Outcome) override;

  /// Erases the line, leaving the cursor where it was before the first one:
  /// whatever is printed next (diagnostics, the task list) starts clean.
  void finish();

private:
  llvm::raw_ostream &Terminal;
  size_t Total;
  std::string Cwd;
  unsigned Columns;
  std::mutex Lock; ///< Guards what follows and the terminal.
  size_t Done = 0;
  bool Drawn = false;
  std::chrono::steady_clock::time_point LastDraw;
};

} // namespace taskscan

#endif
