//===- Diagnostic.cpp -----------------------------------------------------===//
#include "taskscan/Diagnostic.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace taskscan {

std::string printable(llvm::StringRef Text) {
  std::string S;
  for (char C : Text) {
    unsigned char U = static_cast<unsigned char>(C);
    if (U < 0x20 || U >= 0x7f) {
      static const char Hex[] = "0123456789abcdef";
      S += "\\x";
      S += Hex[U >> 4];
      S += Hex[U & 15];
    } else {
      S += C;
    }
  }
  return S;
}

bool SourcePosition::operator<(const SourcePosition &O) const {
  return std::tie(File, Line, Column) < std::tie(O.File, O.Line, O.Column);
}

Diagnostic &DiagnosticList::error(std::string Check, SourcePosition Where,
                                  std::string Message) {
  Items.push_back({Severity::Error, std::move(Check), std::move(Message),
                   std::move(Where), {}});
  return Items.back();
}

Diagnostic &DiagnosticList::warning(std::string Check, SourcePosition Where,
                                    std::string Message) {
  Items.push_back({Severity::Warning, std::move(Check), std::move(Message),
                   std::move(Where), {}});
  return Items.back();
}

void DiagnosticList::append(const DiagnosticList &Other) {
  Items.insert(Items.end(), Other.Items.begin(), Other.Items.end());
}

bool DiagnosticList::hasErrors() const { return errorCount() != 0; }

unsigned DiagnosticList::errorCount() const {
  return std::count_if(Items.begin(), Items.end(), [](const Diagnostic &D) {
    return D.Level == Severity::Error;
  });
}

static auto sortKey(const Diagnostic &D) {
  return std::tie(D.Position.File, D.Position.Line, D.Position.Column,
                  D.Message, D.Check);
}

void DiagnosticList::sortAndUnique() {
  std::stable_sort(Items.begin(), Items.end(),
                   [](const Diagnostic &A, const Diagnostic &B) {
                     return sortKey(A) < sortKey(B);
                   });
  Items.erase(std::unique(Items.begin(), Items.end(),
                          [](const Diagnostic &A, const Diagnostic &B) {
                            return sortKey(A) == sortKey(B);
                          }),
              Items.end());
}

std::optional<std::string> SourceLines::line(const std::string &File, unsigned Line) {
  auto It = Files.find(File);
  if (It == Files.end()) {
    auto Buffer = llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
    It = Files.emplace(File, Buffer ? std::move(*Buffer) : nullptr).first;
  }
  if (!It->second || Line == 0)
    return std::nullopt;
  llvm::StringRef Text = It->second->getBuffer();
  for (unsigned I = 1; I < Line; ++I) {
    size_t NL = Text.find('\n');
    if (NL == llvm::StringRef::npos)
      return std::nullopt;
    Text = Text.drop_front(NL + 1);
  }
  return Text.take_until([](char C) { return C == '\n' || C == '\r'; }).str();
}

const char *severityName(Severity S) {
  switch (S) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

namespace {

void renderOne(llvm::raw_ostream &OS, SourceLines &Lines,
               const SourcePosition &Where, Severity Level,
               llvm::StringRef Message, llvm::StringRef Check, bool Color,
               bool ShowSource = true) {
  if (Color)
    OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
  OS << Where.File;
  if (Where.Line) {
    OS << ':' << Where.Line;
    if (Where.Column)
      OS << ':' << Where.Column;
  }
  OS << ": ";
  if (Color)
    OS.changeColor(Level == Severity::Error     ? llvm::raw_ostream::RED
                   : Level == Severity::Warning ? llvm::raw_ostream::MAGENTA
                                                : llvm::raw_ostream::BLACK,
                   true);
  OS << severityName(Level) << ": ";
  if (Color)
    OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  OS << Message;
  if (!Check.empty())
    OS << " [" << Check << ']';
  if (Color)
    OS.resetColor();
  OS << '\n';
  if (!ShowSource)
    return;
  if (auto Line = Lines.line(Where.File, Where.Line)) {
    OS << *Line << '\n';
    if (Where.Column) {
      // Keep tabs so the caret lines up with the source line in any editor.
      std::string Pad;
      for (unsigned I = 1; I < Where.Column && I - 1 < Line->size(); ++I)
        Pad += (*Line)[I - 1] == '\t' ? '\t' : ' ';
      if (Color)
        OS.changeColor(llvm::raw_ostream::GREEN, true);
      OS << Pad << '^';
      if (Color)
        OS.resetColor();
      OS << '\n';
    }
  }
}

} // namespace

void renderText(const DiagnosticList &Diags, llvm::raw_ostream &OS,
                bool Color) {
  SourceLines Lines;
  for (const Diagnostic &D : Diags.items()) {
    renderOne(OS, Lines, D.Position, D.Level, D.Message, D.Check, Color);
    // A note at the error's own position needs no second copy of the line.
    for (const DiagnosticNote &N : D.Notes)
      renderOne(OS, Lines, N.Position, Severity::Note, N.Message, "", Color,
                !(N.Position == D.Position));
  }
}

llvm::json::Value toJson(const SourcePosition &P) {
  return llvm::json::Object{
      {"file", P.File}, {"line", P.Line}, {"column", P.Column}};
}

bool fromJson(const llvm::json::Value &V, SourcePosition &P) {
  const auto *O = V.getAsObject();
  if (!O)
    return false;
  auto File = O->getString("file");
  auto Line = O->getInteger("line");
  auto Column = O->getInteger("column");
  if (!File || !Line || !Column)
    return false;
  P = {File->str(), unsigned(*Line), unsigned(*Column)};
  return true;
}

llvm::json::Value toJson(const Diagnostic &D) {
  llvm::json::Array Notes;
  for (const DiagnosticNote &N : D.Notes) {
    llvm::json::Object Note = *toJson(N.Position).getAsObject();
    Note["message"] = N.Message;
    Notes.push_back(std::move(Note));
  }
  llvm::json::Object O = *toJson(D.Position).getAsObject();
  O["severity"] = severityName(D.Level);
  O["message"] = D.Message;
  O["check"] = D.Check;
  O["notes"] = std::move(Notes);
  return O;
}

bool fromJson(const llvm::json::Value &V, Diagnostic &D) {
  const auto *O = V.getAsObject();
  if (!O || !fromJson(V, D.Position))
    return false;
  auto Level = O->getString("severity");
  auto Message = O->getString("message");
  auto Check = O->getString("check");
  const auto *Notes = O->getArray("notes");
  if (!Level || !Message || !Check || !Notes)
    return false;
  D.Level = *Level == "error"     ? Severity::Error
            : *Level == "warning" ? Severity::Warning
                                  : Severity::Note;
  D.Message = Message->str();
  D.Check = Check->str();
  D.Notes.clear();
  for (const llvm::json::Value &N : *Notes) {
    DiagnosticNote Note;
    auto Msg = N.getAsObject() ? N.getAsObject()->getString("message")
                               : std::nullopt;
    if (!Msg || !fromJson(N, Note.Position))
      return false;
    Note.Message = Msg->str();
    D.Notes.push_back(std::move(Note));
  }
  return true;
}

llvm::json::Value toJson(const DiagnosticList &Diags) {
  llvm::json::Array A;
  for (const Diagnostic &D : Diags.items())
    A.push_back(toJson(D));
  return A;
}

} // namespace taskscan
