//===- ImageConfig.cpp - The image configuration (flytekit YAML/INI + CLI) ===//
//
// What flytekit reads (flytekit/configuration/internal.py, Images):
//  - YAML: `yaml_config.get("images")`, a mapping name -> reference; every
//    other top-level key is ignored.
//  - legacy INI: `configparser.ConfigParser().options("images")`, so option
//    names are lower-cased, '=' and ':' both separate name and value, '#'
//    and ';' start comment lines, and a name or section given twice is an
//    error.
// task-scan reads the same, plus its own `build:` section, and refuses what
// flytekit would only trip over later (invalid names and references) or what
// could make reading the file expensive or ambiguous (YAML anchors, aliases,
// tags and merge keys; binary or oversized files).
//
// This file reads the file and dispatches on its form (YamlConfigReader.cpp,
// IniConfigReader.cpp), applies the command line's --image options and the
// environment's default; the checks they share are in ConfigChecks.cpp.
//
//===----------------------------------------------------------------------===//
#include "taskscan/ImageConfig.h"

#include "ConfigChecks.h"
#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"

#include <fmt/format.h>

namespace taskscan {

using namespace config;

const ConfiguredImage *ImageConfig::find(llvm::StringRef Name) const {
  auto It = Images.find(Name.str());
  return It == Images.end() ? nullptr : &It->second;
}

std::string ImageConfig::baseImageFor(llvm::StringRef Key) const {
  auto It = BaseImages.find(Key.str());
  if (It == BaseImages.end())
    It = BaseImages.find("default");
  return It == BaseImages.end() ? "debian:bookworm-slim" : It->second;
}

std::string ImageConfig::linkFor(llvm::StringRef Key) const {
  auto It = Link.find(Key.str());
  if (It == Link.end())
    It = Link.find("default");
  return It == Link.end() ? "dynamic" : It->second;
}

bool parseImageConfig(llvm::StringRef Text, llvm::StringRef Path,
                      ImageConfig &Config, DiagnosticList &Diags) {
  if (Text.size() > MaxConfigBytes) {
    Diags.error(ConfigCheck, {Path.str(), 0, 0},
                fmt::format("the image configuration is {} bytes long; more "
                            "than {} bytes is not read",
                            Text.size(), MaxConfigBytes));
    return false;
  }
  Text.consume_front("\xef\xbb\xbf"); // A UTF-8 byte order mark.
  if (!checkIsText(Text, Path, Diags))
    return false;
  if (looksLikeIni(Text))
    return readIniConfig(Text, Path, Config, Diags);
  return readYamlConfig(Text, Path, Config, Diags);
}

bool loadImageConfigFile(llvm::StringRef Path, ImageConfig &Config,
                         DiagnosticList &Diags) {
  auto Fail = [&](const std::string &Why) {
    Diags.error(ConfigCheck, {Path.str(), 0, 0},
                fmt::format("cannot read the image configuration: {}", Why));
    return false;
  };
  if (llvm::sys::fs::is_directory(Path))
    return Fail("it is a directory");
  auto File = llvm::sys::fs::openNativeFileForRead(Path);
  if (!File)
    return Fail(llvm::toString(File.takeError()));
  // Read at most one byte past the limit, whatever the file is (a device
  // or a pipe may never end).
  std::string Text;
  char Chunk[16384];
  llvm::Error ReadError = llvm::Error::success();
  while (Text.size() <= MaxConfigBytes) {
    auto Read = llvm::sys::fs::readNativeFile(
        *File, llvm::MutableArrayRef<char>(Chunk, sizeof(Chunk)));
    if (!Read) {
      ReadError = Read.takeError();
      break;
    }
    if (*Read == 0)
      break;
    Text.append(Chunk, *Read);
  }
  llvm::sys::fs::closeFile(*File);
  if (ReadError)
    return Fail(llvm::toString(std::move(ReadError)));
  if (Text.size() > MaxConfigBytes) {
    Diags.error(ConfigCheck, {Path.str(), 0, 0},
                fmt::format("the image configuration is larger than {} "
                            "bytes; it is not read",
                            MaxConfigBytes));
    return false;
  }
  return parseImageConfig(Text, Path, Config, Diags);
}

bool applyCommandLineImages(const std::vector<std::string> &Options,
                            ImageConfig &Config, DiagnosticList &Diags) {
  const SourcePosition CommandLine{"<command line>", 0, 0};
  unsigned ErrorsBefore = Diags.errorCount();
  std::map<std::string, std::string> Given; // name -> the option
  for (const std::string &Option : Options) {
    llvm::StringRef Text = Option;
    llvm::StringRef Name = "default", Ref = Text;
    // `name=ref`; a valid reference never holds '=', so a left side that is
    // not a name means the whole text was meant as a (bad) reference.
    size_t Eq = Text.find('=');
    if (Eq != llvm::StringRef::npos && isImageName(Text.take_front(Eq))) {
      Name = Text.take_front(Eq);
      Ref = Text.drop_front(Eq + 1);
    }
    if (Ref.empty()) {
      Diags.error(ConfigCheck, CommandLine,
                  fmt::format("--image '{}' gives no image reference",
                              printable(Option)));
      continue;
    }
    if (auto Reason = validateImageReference(Ref)) {
      Diagnostic &D = Diags.error(
          ReferenceCheck, CommandLine,
          fmt::format("invalid image reference '{}' in --image '{}': {}",
                      printable(Ref), printable(Option), *Reason));
      if (Eq != llvm::StringRef::npos && Name == "default" &&
          !isImageName(Text.take_front(Eq)))
        D.Notes.push_back(
            {CommandLine,
             fmt::format("'{}' is not an image name: names hold only "
                         "letters, digits, '_' and '-'",
                         printable(Text.take_front(Eq)))});
      continue;
    }
    auto [It, New] = Given.emplace(Name.str(), Option);
    if (!New) {
      Diags.error(ConfigCheck, CommandLine,
                  Name == "default"
                      ? fmt::format("two default images on the command line: "
                                    "--image '{}' and --image '{}'",
                                    printable(It->second), printable(Option))
                      : fmt::format("image '{}' is given twice on the command "
                                    "line: --image '{}' and --image '{}'",
                                    Name.str(), printable(It->second),
                                    printable(Option)));
      continue;
    }
    Config.Images[Name.str()] = ConfiguredImage{Ref.str(), CommandLine};
  }
  return Diags.errorCount() == ErrorsBefore;
}

bool applyCommandLineBuilderImages(const std::vector<std::string> &Options,
                                   ImageConfig &Config, DiagnosticList &Diags) {
  const SourcePosition CommandLine{"<command line>", 0, 0};
  unsigned ErrorsBefore = Diags.errorCount();
  std::map<std::string, std::string> Given; // key -> the option
  for (const std::string &Option : Options) {
    llvm::StringRef Text = Option;
    size_t Eq = Text.find('=');
    if (Eq == llvm::StringRef::npos || !isImageName(Text.take_front(Eq)) ||
        Text.drop_front(Eq + 1).empty()) {
      Diags.error(ConfigCheck, CommandLine,
                  fmt::format("--builder-image '{}' must be <image key>=<builder "
                              "image reference>",
                              printable(Option)));
      continue;
    }
    llvm::StringRef Key = Text.take_front(Eq), Ref = Text.drop_front(Eq + 1);
    if (auto Reason = validateImageReference(Ref)) {
      Diags.error(ReferenceCheck, CommandLine,
                  fmt::format("invalid builder image reference '{}' in "
                              "--builder-image '{}': {}",
                              printable(Ref), printable(Option), *Reason));
      continue;
    }
    auto [It, New] = Given.emplace(Key.str(), Option);
    if (!New) {
      Diags.error(ConfigCheck, CommandLine,
                  fmt::format("the builder image of '{}' is given twice on the "
                              "command line: --builder-image '{}' and "
                              "--builder-image '{}'",
                              Key.str(), printable(It->second), printable(Option)));
      continue;
    }
    Config.BuilderImages[Key.str()] = Ref.str();
  }
  return Diags.errorCount() == ErrorsBefore;
}

void applyEnvironmentDefault(std::optional<std::string> EnvValue,
                             ImageConfig &Config) {
  if (!EnvValue || EnvValue->empty())
    return;
  Config.Images["default"] =
      ConfiguredImage{std::move(*EnvValue), {"FLYTE_INTERNAL_IMAGE", 0, 0}};
}

} // namespace taskscan
