//===- TerminalProgress.cpp -----------------------------------------------===//
#include "taskscan/TerminalProgress.h"

#include "taskscan/Diagnostic.h"
#include "taskscan/ProjectModel.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <fmt/format.h>

#include <cstdlib>

#include <sys/ioctl.h>
#include <unistd.h>

namespace taskscan {

namespace {

const char *verb(UnitOutcome Outcome) {
  switch (Outcome) {
  case UnitOutcome::Parsed: return "parsed";
  case UnitOutcome::Cached: return "cached";
  case UnitOutcome::Skipped: return "skipped";
  case UnitOutcome::NotScanned: return "not scanned";
  }
  return "";
}

/// A redraw at most this often: the eye reads no faster, and each is a
/// write to the terminal.
constexpr std::chrono::milliseconds RedrawInterval(100);

} // namespace

std::string progressLine(size_t Done, size_t Total, UnitOutcome Outcome,
                         llvm::StringRef File, unsigned Columns) {
  std::string Head = fmt::format("[{}/{}] {} ", Done, Total, verb(Outcome));
  std::string Name = printable(File);
  if (Columns == 0 || Head.size() + Name.size() <= Columns)
    return Head + Name;
  // As ninja elides: the start and the end of the name, "..." between.
  constexpr size_t Dots = 3;
  if (Head.size() + Dots + 2 > Columns)
    return Head.substr(0, Columns);
  size_t Keep = Columns - Head.size() - Dots;
  size_t Front = Keep / 2, Back = Keep - Front;
  return Head + Name.substr(0, Front) + "..." + Name.substr(Name.size() - Back);
}

bool stderrIsSmartTerminal() {
  if (!llvm::sys::Process::StandardErrIsDisplayed())
    return false;
  const char *Term = std::getenv("TERM");
  return Term && *Term && llvm::StringRef(Term) != "dumb";
}

unsigned stderrColumns() {
  struct winsize Size;
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &Size) == 0 && Size.ws_col > 0)
    return Size.ws_col;
  if (const char *Env = std::getenv("COLUMNS"))
    if (int Columns = std::atoi(Env); Columns > 0)
      return Columns;
  return 80;
}

TerminalProgress::TerminalProgress(llvm::raw_ostream &Terminal, size_t Total,
                                   std::string Cwd, unsigned Columns)
    : Terminal(Terminal), Total(Total), Cwd(std::move(Cwd)), Columns(Columns) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::unitDone(const ScanJob &Job, UnitOutcome Outcome) {
  std::lock_guard<std::mutex> Guard(Lock);
  ++Done;
  auto Now = std::chrono::steady_clock::now();
  if (Drawn && Done != Total && Now - LastDraw < RedrawInterval)
    return;
  // The name is made only for a line that is drawn: a warm run calls this
  // thousands of times.
  llvm::SmallString<256> File(Job.File);
  if (!llvm::sys::path::is_absolute(File)) {
    File = Job.Directory;
    llvm::sys::path::append(File, Job.File);
  }
  // "\r" back to the line's start, "\x1b[K" erases what a longer line left.
  // One write: an unbuffered stream writes each piece as it comes.
  Terminal << ("\r" + progressLine(Done, Total, Outcome, displayPath(File, Cwd), Columns) +
               "\x1b[K");
  Terminal.flush();
  Drawn = true;
  LastDraw = Now;
}

void TerminalProgress::finish() {
  std::lock_guard<std::mutex> Guard(Lock);
  if (!Drawn)
    return;
  Terminal << "\r\x1b[K";
  Terminal.flush();
  Drawn = false;
}

} // namespace taskscan
