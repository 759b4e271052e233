//===- ConfigChecks.h - What every reader of the configuration checks -----===//
//
// The YAML reader, the INI reader and the command line's --image options
// accept the same names, references, link modes and install folders, and
// report problems the same way: the checks and the limits live here, once.
// Internal to lib/Config.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_CONFIG_CONFIGCHECKS_H
#define TASKSCAN_CONFIG_CONFIGCHECKS_H

#include "taskscan/Diagnostic.h"
#include "taskscan/ImageConfig.h"

#include "llvm/ADT/StringRef.h"

#include <initializer_list>
#include <optional>
#include <string>

namespace taskscan::config {

inline constexpr const char *ConfigCheck = "task-scan-config";
inline constexpr const char *ReferenceCheck = "task-scan-image-reference";
/// An image configuration is a few lines; anything this large is a mistake
/// (and bounds the work and memory spent on it).
inline constexpr size_t MaxConfigBytes = 1 << 20;
/// The link modes of `build.link` (see ImageConfig::Link).
inline constexpr llvm::StringLiteral LinkModes[] = {"dynamic", "static-runtime", "static"};

bool isLinkMode(llvm::StringRef Mode);
/// Why \p Mode is not a link mode of key \p Key.
std::string linkModeProblem(llvm::StringRef Key, llvm::StringRef Mode);
bool isImageName(llvm::StringRef Name);
/// Reports an invalid image name; true when \p Name is valid.
bool checkImageName(llvm::StringRef Name, const SourcePosition &At,
                    llvm::StringRef What, DiagnosticList &Diags);
/// Reports an invalid reference; true when \p Ref is valid.
bool checkReference(llvm::StringRef Ref, const SourcePosition &At,
                    llvm::StringRef Owner, DiagnosticList &Diags);
/// `build.install_dir`: why \p Dir is refused, if it is.
std::optional<std::string> checkInstallDir(llvm::StringRef Dir);
std::string normalizedInstallDir(llvm::StringRef Dir);
/// "did you mean 'x'?" for the candidate nearest \p Wrong, else "".
std::string nearest(llvm::StringRef Wrong, std::initializer_list<llvm::StringRef> Candidates);
/// 1-based line and column (in bytes) of \p Offset in \p Text.
SourcePosition positionAt(llvm::StringRef Text, size_t Offset, llvm::StringRef Path);
/// Refuses what is not text: NUL and other control bytes, invalid UTF-8.
bool checkIsText(llvm::StringRef Text, llvm::StringRef Path, DiagnosticList &Diags);
/// INI when the first line that is neither blank nor a comment starts with '['.
bool looksLikeIni(llvm::StringRef Text);

/// The two readers (YamlConfigReader.cpp, IniConfigReader.cpp): \p Text is
/// the whole file, checked to be text of a bounded size.
bool readYamlConfig(llvm::StringRef Text, llvm::StringRef Path, ImageConfig &Config,
                    DiagnosticList &Diags);
bool readIniConfig(llvm::StringRef Text, llvm::StringRef Path, ImageConfig &Config,
                   DiagnosticList &Diags);

} // namespace taskscan::config

#endif
