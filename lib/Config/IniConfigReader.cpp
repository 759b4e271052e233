//===- IniConfigReader.cpp - flytekit's legacy INI configuration ----------===//
//
// An `[images]` section of `name = reference`, read as Python's configparser
// reads it (flytekit: `ConfigParser().options("images")`): option names are
// lower-cased, '=' and ':' both separate name and value, '#' and ';' start
// comment lines, and a name or section given twice is an error.
//
//===----------------------------------------------------------------------===//
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

namespace {

class IniConfigReader {
public:
  IniConfigReader(llvm::StringRef Text, llvm::StringRef Path,
                  ImageConfig &Config, DiagnosticList &Diags)
      : Text(Text), Path(Path), Config(Config), Diags(Diags) {}

  bool read() {
    unsigned ErrorsBefore = Diags.errorCount();
    std::map<std::string, SourcePosition> Sections;
    std::map<std::pair<std::string, std::string>, SourcePosition> Options;
    std::optional<std::string> Section;
    bool InOption = false;
    size_t OptionIndent = 0;
    bool ReportedMissingSection = false;

    llvm::StringRef Rest = Text;
    for (unsigned LineNo = 1; !Rest.empty(); ++LineNo) {
      auto [Line, Next] = Rest.split('\n');
      Rest = Next;
      Line.consume_back("\r");
      llvm::StringRef Stripped = Line.trim(" \t\f\v\r");
      if (Stripped.empty() || Stripped.starts_with("#") ||
          Stripped.starts_with(";"))
        continue;
      size_t Indent = Line.find_first_not_of(" \t\f\v");
      auto Column = [&](llvm::StringRef Part) {
        return SourcePosition{Path.str(), LineNo,
                              unsigned(Part.data() - Line.data() + 1)};
      };

      // A line indented deeper than the option above continues its value.
      if (Section && InOption && Indent > OptionIndent) {
        if (isReadSection(*Section))
          Diags.error(ConfigCheck, Column(Stripped),
                      "a value continued on an indented line is not allowed "
                      "here; put each image on one line");
        continue;
      }
      OptionIndent = Indent;
      InOption = false;

      size_t Close = Stripped.rfind(']');
      if (Stripped.starts_with("[") && Close != llvm::StringRef::npos &&
          Close > 1) {
        std::string Name = Stripped.slice(1, Close).str();
        Section = Name;
        if (Name == "DEFAULT")
          continue;
        auto [It, New] = Sections.emplace(Name, Column(Stripped));
        if (!New)
          Diags
              .error(ConfigCheck, Column(Stripped),
                     fmt::format("section [{}] is given twice", printable(Name)))
              .Notes.push_back({It->second, "first given here"});
        continue;
      }
      if (!Section) {
        if (!ReportedMissingSection)
          Diags.error(ConfigCheck, Column(Stripped),
                      "this line comes before the first [section] header");
        ReportedMissingSection = true;
        continue;
      }
      size_t Delimiter = Stripped.find_first_of("=:");
      if (Delimiter == llvm::StringRef::npos) {
        Diags.error(ConfigCheck, Column(Stripped),
                    "expected 'name = value', a [section] header or a "
                    "comment");
        continue;
      }
      llvm::StringRef RawName = Stripped.take_front(Delimiter).rtrim(" \t\f\v");
      llvm::StringRef Value = Stripped.drop_front(Delimiter + 1).ltrim(" \t\f\v");
      if (RawName.empty()) {
        Diags.error(ConfigCheck, Column(Stripped),
                    "the option name before the separator is empty");
        continue;
      }
      InOption = true;
      // configparser's default optionxform lower-cases option names.
      std::string Name = RawName.lower();
      auto [It, New] =
          Options.emplace(std::make_pair(*Section, Name), Column(RawName));
      if (!New) {
        Diags
            .error(ConfigCheck, Column(RawName),
                   fmt::format("'{}' is given twice in section [{}]",
                               printable(Name), printable(*Section)))
            .Notes.push_back({It->second, "first given here"});
        continue;
      }
      if (*Section == "images")
        readImage(Name, Column(RawName), Value, Column(Value));
      else if (*Section == "build")
        readBuild(Name, Column(RawName), Value, Column(Value));
    }
    return Diags.errorCount() == ErrorsBefore;
  }

private:
  static bool isReadSection(llvm::StringRef Section) {
    return Section == "images" || Section == "build";
  }

  bool nonEmpty(llvm::StringRef Value, const SourcePosition &At,
                llvm::StringRef What) {
    if (!Value.empty())
      return true;
    Diags.error(ConfigCheck, At, fmt::format("{} is empty", What.str()));
    return false;
  }

  void readImage(llvm::StringRef Name, const SourcePosition &NameAt,
                 llvm::StringRef Value, const SourcePosition &ValueAt) {
    if (!checkImageName(Name, NameAt, "image name", Diags) ||
        !nonEmpty(Value, NameAt,
                  fmt::format("the reference of image '{}'", Name.str())))
      return;
    if (checkReference(Value, ValueAt, fmt::format("image '{}'", Name.str()),
                       Diags))
      Config.Images[Name.str()] = ConfiguredImage{Value.str(), ValueAt};
    else if (Value.contains(" #") || Value.contains(" ;"))
      Diags.items().back().Notes.push_back(
          {ValueAt, "comments must be on their own line in the INI form"});
  }

  /// `base_image.<key>` and `builder_image.<key>`: image key -> reference.
  void readImageByKey(llvm::StringRef Key, const SourcePosition &NameAt,
                      llvm::StringRef Value, const SourcePosition &ValueAt,
                      llvm::StringRef What, std::map<std::string, std::string> &Into) {
    std::string Of = fmt::format("{} of '{}'", What.str(), Key.str());
    if (!checkImageName(Key, NameAt, "image key", Diags) || !nonEmpty(Value, NameAt, Of))
      return;
    if (checkReference(Value, ValueAt, Of, Diags))
      Into[Key.str()] = Value.str();
  }

  void readBuild(llvm::StringRef Name, const SourcePosition &NameAt,
                 llvm::StringRef Value, const SourcePosition &ValueAt) {
    if (Name == "install_dir") {
      if (!nonEmpty(Value, NameAt, "install_dir"))
        return;
      if (auto Problem = checkInstallDir(Value))
        Diags.error(ConfigCheck, ValueAt, *Problem);
      else
        Config.InstallDir = normalizedInstallDir(Value);
      return;
    }
    llvm::StringRef Key = Name;
    if (Key.consume_front("base_image.")) {
      readImageByKey(Key, NameAt, Value, ValueAt, "the base image", Config.BaseImages);
      return;
    }
    if (Key.consume_front("builder_image.")) {
      readImageByKey(Key, NameAt, Value, ValueAt, "the builder image",
                     Config.BuilderImages);
      return;
    }
    if (Key.consume_front("link.")) {
      if (!checkImageName(Key, NameAt, "image key", Diags) ||
          !nonEmpty(Value, NameAt, fmt::format("the link mode of '{}'", Key.str())))
        return;
      if (!isLinkMode(Value))
        Diags.error(ConfigCheck, ValueAt, linkModeProblem(Key, Value));
      else
        Config.Link[Key.str()] = Value.str();
      return;
    }
    Diagnostic &D = Diags.error(
        ConfigCheck, NameAt,
        fmt::format("unknown option '{}' in [build]; expected 'install_dir', "
                    "'base_image.<image key>', 'builder_image.<image key>' or "
                    "'link.<image key>'",
                    printable(Name)));
    std::string Hint = nearest(Name, {"install_dir"});
    if (!Hint.empty())
      D.Notes.push_back({NameAt, Hint});
  }

  llvm::StringRef Text;
  llvm::StringRef Path;
  ImageConfig &Config;
  DiagnosticList &Diags;
};

} // namespace

bool readIniConfig(llvm::StringRef Text, llvm::StringRef Path, ImageConfig &Config,
                   DiagnosticList &Diags) {
  return IniConfigReader(Text, Path, Config, Diags).read();
}

} // namespace taskscan::config
