//===- DiagnosticFilter.cpp -----------------------------------------------===//
#include "taskscan/DiagnosticFilter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>

namespace taskscan {

std::optional<CheckGlobs> CheckGlobs::parse(llvm::StringRef Text, std::string &Error) {
  CheckGlobs Result;
  Result.Text = std::make_shared<const std::string>(Text.str());
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  llvm::StringRef(*Result.Text).split(Parts, ',');
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    bool Included = !Part.consume_front("-");
    Part = Part.trim();
    if (Part.empty()) {
      Error = "an empty check name";
      return std::nullopt;
    }
    llvm::Expected<llvm::GlobPattern> Pattern = llvm::GlobPattern::create(Part);
    if (!Pattern) {
      Error = "'" + Part.str() + "': " + llvm::toString(Pattern.takeError());
      return std::nullopt;
    }
    Result.Globs.emplace_back(Included, std::move(*Pattern));
  }
  return Result;
}

bool CheckGlobs::contains(llvm::StringRef Check) const {
  bool Contained = false;
  for (const auto &[Included, Pattern] : Globs)
    if (Pattern.match(Check))
      Contained = Included;
  return Contained;
}

bool silencedBy(llvm::StringRef Line, llvm::StringRef Check, bool NextLine) {
  llvm::StringRef Marker = NextLine ? "NOLINTNEXTLINE" : "NOLINT";
  for (size_t At = Line.find(Marker); At != llvm::StringRef::npos;
       At = Line.find(Marker, At + 1)) {
    llvm::StringRef Rest = Line.substr(At + Marker.size());
    // `NOLINT` is not `NOLINTNEXTLINE` nor `NOLINTBEGIN`.
    if (!Rest.empty() && (llvm::isAlnum(Rest.front()) || Rest.front() == '_'))
      continue;
    if (!Rest.consume_front("("))
      return true; // every check
    size_t Close = Rest.find(')');
    if (Close == llvm::StringRef::npos)
      return false; // as clang-tidy: an unclosed list silences nothing
    std::string Ignored;
    std::optional<CheckGlobs> Named = CheckGlobs::parse(Rest.take_front(Close), Ignored);
    if (Named && Named->contains(Check))
      return true;
  }
  return false;
}

unsigned dropSilencedWarnings(DiagnosticList &Diags) {
  SourceLines Lines;
  auto &Items = Diags.items();
  auto Silenced = [&](const Diagnostic &D) {
    if (D.Level != Severity::Warning || D.Position.Line == 0)
      return false;
    return silencedBy(Lines.line(D.Position.File, D.Position.Line).value_or(""), D.Check,
                      false) ||
           silencedBy(Lines.line(D.Position.File, D.Position.Line - 1).value_or(""), D.Check,
                      true);
  };
  size_t Before = Items.size();
  Items.erase(std::remove_if(Items.begin(), Items.end(), Silenced), Items.end());
  return Before - Items.size();
}

unsigned promoteWarnings(DiagnosticList &Diags, const CheckGlobs &Globs) {
  unsigned Promoted = 0;
  for (Diagnostic &D : Diags.items())
    if (D.Level == Severity::Warning && Globs.contains(D.Check)) {
      D.Level = Severity::Error;
      ++Promoted;
    }
  return Promoted;
}

} // namespace taskscan
