//===- Sarif.cpp - Diagnostics as a SARIF 2.1.0 log -----------------------===//
#include "taskscan/Sarif.h"
#include "taskscan/Checks.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <map>
#include <memory>

namespace taskscan {

namespace json = llvm::json;

std::string pathToUri(llvm::StringRef Path) {
  // RFC 3986: unreserved characters and '/' stay, every other byte is %XX
  // (UTF-8 bytes included, which every SARIF reader decodes).
  std::string Uri = llvm::sys::path::is_absolute(Path) ? "file://" : "";
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' || C == '/')
      Uri += C;
    else
      Uri += "%" + llvm::utohexstr(C, /*LowerCase=*/false, /*Width=*/2);
  }
  return Uri;
}

namespace {

/// Byte columns (clang's) to code-point columns (SARIF's columnKind),
/// reading each file once.
class ColumnConverter {
public:
  unsigned codePointColumn(const SourcePosition &P) {
    if (P.Column <= 1)
      return P.Column;
    auto It = Files.find(P.File);
    if (It == Files.end()) {
      auto Buffer = llvm::MemoryBuffer::getFile(P.File, /*IsText=*/true);
      It = Files.emplace(P.File, Buffer ? std::move(*Buffer) : nullptr).first;
    }
    if (!It->second)
      return P.Column;
    llvm::StringRef Text = It->second->getBuffer();
    for (unsigned I = 1; I < P.Line; ++I) {
      size_t NL = Text.find('\n');
      if (NL == llvm::StringRef::npos)
        return P.Column;
      Text = Text.drop_front(NL + 1);
    }
    // Every byte that does not continue a UTF-8 sequence starts a code point.
    unsigned Column = 1;
    for (unsigned char C : Text.take_front(P.Column - 1))
      if ((C & 0xC0) != 0x80)
        ++Column;
    return Column;
  }

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Files;
};

/// "task-scan-unknown-key" -> "UnknownKey": SARIF's rule name, a readable
/// identifier.
std::string ruleName(llvm::StringRef Id) {
  Id.consume_front("task-scan-");
  std::string Name;
  bool Upper = true;
  for (char C : Id) {
    if (C == '-') {
      Upper = true;
      continue;
    }
    Name += Upper ? llvm::toUpper(C) : C;
    Upper = false;
  }
  return Name;
}

/// (json::Value keeps a StringRef as a reference: every string is copied,
/// so the log owns its text and outlives the diagnostics it was made from.)
json::Object message(llvm::StringRef Text) { return json::Object{{"text", Text.str()}}; }

} // namespace

json::Value toSarif(const DiagnosticList &Diags, const SarifTool &Tool) {
  ColumnConverter Columns;
  auto PhysicalLocation = [&](const SourcePosition &P) {
    json::Object Artifact{{"uri", pathToUri(P.File)}};
    if (!llvm::sys::path::is_absolute(P.File))
      Artifact["uriBaseId"] = "%SRCROOT%";
    json::Object Location{{"artifactLocation", std::move(Artifact)}};
    // A diagnostic about a whole file (line 0) points at its first line:
    // code-scanning services want a line to show.
    json::Object Region{{"startLine", std::max(P.Line, 1u)}};
    if (P.Line && P.Column)
      Region["startColumn"] = Columns.codePointColumn(P);
    Location["region"] = std::move(Region);
    return Location;
  };

  // Every check is a rule; a diagnostic of a check the catalogue lacks (a
  // bug) still gets one, so that its result is valid.
  json::Array Rules;
  std::map<std::string, size_t> RuleIndex;
  auto AddRule = [&](llvm::StringRef Id, llvm::StringRef Summary, llvm::StringRef Help,
                     const char *Level) {
    RuleIndex[Id.str()] = Rules.size();
    Rules.push_back(json::Object{
        {"id", Id.str()},
        {"name", ruleName(Id)},
        {"shortDescription", message(Summary)},
        {"fullDescription", message(Summary)},
        {"help", message(Help)},
        {"defaultConfiguration", json::Object{{"level", Level}}},
    });
  };
  std::map<std::string, Severity> Levels;
  for (const Diagnostic &D : Diags.items())
    Levels.emplace(D.Check, D.Level);
  for (const CheckInfo &C : allChecks())
    AddRule(C.Name, C.Summary, C.Help, severityName(C.Level));
  for (const auto &[Check, Level] : Levels)
    if (!RuleIndex.count(Check))
      AddRule(Check, "A problem task-scan found.", "See the result's message.",
              severityName(Level));

  json::Array Results;
  for (const Diagnostic &D : Diags.items()) {
    json::Object Result{
        {"ruleId", D.Check},
        {"ruleIndex", RuleIndex[D.Check]},
        {"level", severityName(D.Level)},
        {"message", message(D.Message)},
        {"locations", json::Array{json::Object{{"physicalLocation", PhysicalLocation(D.Position)}}}},
    };
    json::Array Related;
    for (const DiagnosticNote &N : D.Notes)
      Related.push_back(json::Object{
          {"id", int64_t(Related.size())},
          {"message", message(N.Message)},
          {"physicalLocation", PhysicalLocation(N.Position.File.empty() ? D.Position
                                                                        : N.Position)},
      });
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(Result));
  }

  llvm::SmallString<256> Base(Tool.BaseDirectory);
  if (!Base.empty() && !Base.ends_with("/"))
    Base += "/";
  json::Object Run{
      {"tool", json::Object{{"driver", json::Object{
                                           {"name", Tool.Name},
                                           {"version", Tool.Version},
                                           {"semanticVersion", Tool.Version},
                                           {"rules", std::move(Rules)},
                                       }}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(Results)},
  };
  if (!Base.empty())
    Run["originalUriBaseIds"] =
        json::Object{{"%SRCROOT%", json::Object{{"uri", pathToUri(Base)}}}};
  return json::Object{
      {"$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                  "sarif-schema-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::Array{std::move(Run)}},
  };
}

} // namespace taskscan
