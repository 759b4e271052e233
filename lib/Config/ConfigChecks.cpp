//===- ConfigChecks.cpp ---------------------------------------------------===//
#include "ConfigChecks.h"

#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <fmt/format.h>

namespace taskscan::config {

bool isLinkMode(llvm::StringRef Mode) { return llvm::is_contained(LinkModes, Mode); }

std::string linkModeProblem(llvm::StringRef Key, llvm::StringRef Mode) {
  return fmt::format("the link mode of '{}' is '{}'; expected 'dynamic', "
                     "'static-runtime' (-static-libstdc++ -static-libgcc) or "
                     "'static' (-static)",
                     printable(Key), printable(Mode));
}

bool isImageName(llvm::StringRef Name) {
  return !Name.empty() && llvm::all_of(Name, [](char C) {
    return llvm::isAlnum(C) || C == '_' || C == '-';
  });
}

/// Reports an invalid image name; true when \p Name is valid.
bool checkImageName(llvm::StringRef Name, const SourcePosition &At,
                    llvm::StringRef What, DiagnosticList &Diags) {
  if (isImageName(Name))
    return true;
  Diags.error(ConfigCheck, At,
              fmt::format("invalid {} '{}': names hold only letters, digits, "
                          "'_' and '-' (as in {{{{.image.NAME}}}})",
                          What.str(), printable(Name)));
  return false;
}

/// Reports an invalid reference; true when \p Ref is valid.
bool checkReference(llvm::StringRef Ref, const SourcePosition &At,
                    llvm::StringRef Owner, DiagnosticList &Diags) {
  auto Reason = validateImageReference(Ref);
  if (!Reason)
    return true;
  Diags.error(ReferenceCheck, At,
              fmt::format("invalid image reference '{}' for {}: {}",
                          printable(Ref), Owner.str(), *Reason));
  return false;
}

/// `build.install_dir`: an absolute path of plain characters, since it is
/// written into Dockerfiles, Python and shell commands as is.
std::optional<std::string> checkInstallDir(llvm::StringRef Dir) {
  if (!Dir.starts_with("/"))
    return fmt::format("install_dir '{}' must be an absolute path",
                       printable(Dir));
  if (!llvm::all_of(Dir, [](char C) {
        return llvm::isAlnum(C) || C == '.' || C == '_' || C == '/' ||
               C == '-';
      }))
    return fmt::format("install_dir '{}' may hold only letters, digits, "
                       "'.', '_', '-' and '/'",
                       printable(Dir));
  return std::nullopt;
}

std::string normalizedInstallDir(llvm::StringRef Dir) {
  while (Dir.size() > 1 && Dir.ends_with("/"))
    Dir = Dir.drop_back();
  return Dir.str();
}

std::string nearest(llvm::StringRef Wrong,
                    std::initializer_list<llvm::StringRef> Candidates) {
  for (llvm::StringRef C : Candidates)
    if (Wrong.edit_distance(C) <= std::max<size_t>(2, C.size() / 3) ||
        (Wrong.size() >= 4 && C.starts_with(Wrong)))
      return fmt::format("did you mean '{}'?", C.str());
  return "";
}

/// 1-based line and column (in bytes) of \p Offset in \p Text.
SourcePosition positionAt(llvm::StringRef Text, size_t Offset,
                          llvm::StringRef Path) {
  llvm::StringRef Before = Text.take_front(Offset);
  unsigned Line = 1 + Before.count('\n');
  size_t LineStart = Before.rfind('\n');
  unsigned Column =
      Offset - (LineStart == llvm::StringRef::npos ? 0 : LineStart + 1) + 1;
  return {Path.str(), Line, Column};
}

/// Refuses what is not text: NUL and other control bytes, invalid UTF-8.
bool checkIsText(llvm::StringRef Text, llvm::StringRef Path,
                 DiagnosticList &Diags) {
  for (size_t I = 0; I < Text.size(); ++I) {
    unsigned char C = static_cast<unsigned char>(Text[I]);
    if (C == '\t' || C == '\n' || C == '\r' || (C >= 0x20 && C < 0x7f))
      continue;
    if (C >= 0x80) {
      const auto *Begin = reinterpret_cast<const llvm::UTF8 *>(Text.data() + I);
      const auto *End = reinterpret_cast<const llvm::UTF8 *>(Text.end());
      unsigned Length = llvm::getNumBytesForUTF8(*Begin);
      if (Length <= size_t(End - Begin) &&
          llvm::isLegalUTF8Sequence(Begin, Begin + Length)) {
        I += Length - 1;
        continue;
      }
      Diags.error(ConfigCheck, positionAt(Text, I, Path),
                  "the image configuration is not valid UTF-8 text");
      return false;
    }
    Diags.error(ConfigCheck, positionAt(Text, I, Path),
                fmt::format("the image configuration holds the control "
                            "character 0x{:02x}; it is not a text file",
                            C));
    return false;
  }
  return true;
}

/// The form is chosen by content: INI when the first line that is neither
/// blank nor a comment starts with '['.
bool looksLikeIni(llvm::StringRef Text) {
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Text = Rest;
    llvm::StringRef Trimmed = Line.trim();
    if (Trimmed.empty() || Trimmed.starts_with("#") ||
        Trimmed.starts_with(";"))
      continue;
    return Trimmed.starts_with("[");
  }
  return false;
}

} // namespace taskscan::config
