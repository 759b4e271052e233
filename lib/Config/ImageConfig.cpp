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
//===----------------------------------------------------------------------===//
#include "taskscan/ImageConfig.h"

#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <fmt/format.h>


namespace taskscan {

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

namespace {

constexpr const char *ConfigCheck = "task-scan-config";
constexpr const char *ReferenceCheck = "task-scan-image-reference";
/// An image configuration is a few lines; anything this large is a mistake
/// (and bounds the work and memory spent on it).
constexpr size_t MaxConfigBytes = 1 << 20;
/// llvm::yaml's scanner spends time per token for every flow collection
/// opened on the current line, so deeply nested '[' / '{' are refused before
/// parsing. (Deep nesting that slips past this estimate is still safe: the
/// tree is walked without recursion, see YamlConfigReader::drain.)
constexpr unsigned MaxFlowNesting = 256;


/// The link modes of `build.link` (see ImageConfig::Link).
constexpr llvm::StringLiteral LinkModes[] = {"dynamic", "static-runtime", "static"};

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

//===----------------------------------------------------------------------===//
// YAML
//===----------------------------------------------------------------------===//

/// Where flow collections first nest deeper than MaxFlowNesting, counting
/// brackets outside comments (quotes are not tracked: a cheap estimate).
std::optional<size_t> tooDeeplyNested(llvm::StringRef Text) {
  unsigned Depth = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (C == '#' && (I == 0 || Text[I - 1] == ' ' || Text[I - 1] == '\t' ||
                     Text[I - 1] == '\n')) {
      size_t End = Text.find('\n', I);
      if (End == llvm::StringRef::npos)
        break;
      I = End;
    } else if (C == '[' || C == '{') {
      if (++Depth > MaxFlowNesting)
        return I;
    } else if ((C == ']' || C == '}') && Depth > 0) {
      --Depth;
    }
  }
  return std::nullopt;
}

/// How PyYAML (YAML 1.1, which flytekit uses) types a plain scalar. A value
/// that is not a string there is not an image name or reference to flytekit.
llvm::StringRef plainScalarType(llvm::StringRef S) {
  static const struct {
    const char *Type;
    llvm::Regex Pattern;
  } Types[] = {
      {"null", llvm::Regex("^(~|null|Null|NULL)?$")},
      {"a boolean", llvm::Regex("^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|"
                                "False|FALSE|on|On|ON|off|Off|OFF)$")},
      {"a number",
       llvm::Regex("^([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|"
                   "[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)$")},
      {"a number",
       llvm::Regex("^([-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?|"
                   "\\.[0-9][0-9_]*([eE][-+][0-9]+)?|"
                   "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
                   "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$")},
      {"a date", llvm::Regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")},
  };
  for (const auto &T : Types)
    if (T.Pattern.match(S))
      return T.Type;
  return "";
}

class YamlConfigReader {
public:
  YamlConfigReader(llvm::StringRef Text, llvm::StringRef Path,
                   ImageConfig &Config)
      : Text(Text), Path(Path), Config(Config) {
    SM.setDiagHandler(
        [](const llvm::SMDiagnostic &D, void *Context) {
          auto *Self = static_cast<YamlConfigReader *>(Context);
          if (Self->SyntaxError)
            return; // The first error is the one that matters.
          Self->SyntaxError = Diagnostic{
              Severity::Error, ConfigCheck,
              fmt::format("invalid YAML: {}", D.getMessage().str()),
              SourcePosition{Self->Path.str(), unsigned(D.getLineNo()),
                             unsigned(D.getColumnNo() + 1)},
              {}};
        },
        this);
  }

  bool read(DiagnosticList &Diags) {
    if (auto Where = tooDeeplyNested(Text)) {
      Diags.error(ConfigCheck, positionAt(Text, *Where, Path),
                  fmt::format("YAML collections nested more than {} levels "
                              "deep are not read",
                              MaxFlowNesting));
      return false;
    }
    llvm::yaml::Stream Stream(llvm::MemoryBufferRef(Text, Path), SM,
                              /*ShowColors=*/false);
    auto Doc = Stream.begin();
    if (Doc != Stream.end()) {
      if (llvm::yaml::Node *Root = Doc->getRoot())
        readRoot(Root);
      ++Doc;
      if (Doc != Stream.end() && !SyntaxError) {
        llvm::yaml::Node *Second = Doc->getRoot();
        Found.error(ConfigCheck, at(Second, {Path.str(), 0, 0}),
                    "the image configuration holds more than one YAML "
                    "document; flytekit reads a single one");
        drain(Second);
      }
    }
    if (SyntaxError) {
      Diags.add(*SyntaxError);
      return false;
    }
    Diags.append(Found);
    return !Found.hasErrors();
  }

private:
  SourcePosition at(llvm::SMLoc Loc, const SourcePosition &Fallback) const {
    if (!Loc.isValid() || Loc.getPointer() < Text.begin() ||
        Loc.getPointer() > Text.end())
      return Fallback;
    return positionAt(Text, Loc.getPointer() - Text.begin(), Path);
  }
  SourcePosition at(const char *Pointer,
                    const SourcePosition &Fallback) const {
    return at(llvm::SMLoc::getFromPointer(Pointer), Fallback);
  }
  /// Where \p N starts: llvm::yaml gives a null node the position of what
  /// follows it and an alias none, and starts a flow collection after its
  /// bracket.
  SourcePosition at(const llvm::yaml::Node *N,
                    const SourcePosition &Fallback) const {
    if (!N || llvm::isa<llvm::yaml::NullNode>(N))
      return Fallback;
    if (auto *Alias = llvm::dyn_cast<llvm::yaml::AliasNode>(N))
      return at(Alias->getName().data() - 1, Fallback);
    const char *Start = N->getSourceRange().Start.getPointer();
    if (Start && (llvm::isa<llvm::yaml::SequenceNode>(N) ||
                  llvm::isa<llvm::yaml::MappingNode>(N))) {
      const char *P = Start;
      while (P > Text.begin() && llvm::StringRef(" \t\r\n").contains(P[-1]))
        --P;
      if (P > Text.begin() && (P[-1] == '[' || P[-1] == '{'))
        Start = P - 1;
    }
    return at(Start, Fallback);
  }

  /// Parses \p Root to its end without recursion. llvm::yaml parses lazily
  /// and its Node::skip() recurses once per nesting level, which a file of a
  /// million '[' would turn into a stack overflow; a collection that has
  /// been iterated to its end is skipped for free.
  static void drain(llvm::yaml::Node *Root) {
    using namespace llvm::yaml;
    struct Frame {
      Node *N = nullptr;
      bool Begun = false;
      bool ValueNext = false;
      SequenceNode::iterator Seq;
      MappingNode::iterator Map;
    };
    std::vector<Frame> Stack;
    auto Push = [&](Node *N) {
      if (N && (llvm::isa<SequenceNode>(N) || llvm::isa<MappingNode>(N))) {
        Stack.emplace_back();
        Stack.back().N = N;
      }
    };
    Push(Root);
    while (!Stack.empty()) {
      Frame &F = Stack.back();
      if (auto *S = llvm::dyn_cast<SequenceNode>(F.N)) {
        if (F.Begun)
          ++F.Seq;
        else
          F.Seq = S->begin();
        F.Begun = true;
        if (F.Seq == S->end()) {
          Stack.pop_back();
          continue;
        }
        Push(&*F.Seq);
        continue;
      }
      auto *M = llvm::cast<MappingNode>(F.N);
      if (F.ValueNext) {
        F.ValueNext = false;
        Push(F.Map->getValue());
        continue;
      }
      if (F.Begun)
        ++F.Map;
      else
        F.Map = M->begin();
      F.Begun = true;
      if (F.Map == M->end()) {
        Stack.pop_back();
        continue;
      }
      F.ValueNext = true;
      Push(F.Map->getKey());
    }
  }

  /// Anchors, aliases and tags are refused wherever task-scan reads: they
  /// would let one entry stand for another (or for a billion others).
  bool refuseGraphFeatures(llvm::yaml::Node *N, llvm::StringRef What,
                           const SourcePosition &Fallback) {
    if (!N)
      return false;
    const char *Feature = nullptr;
    SourcePosition Where = at(N, Fallback);
    if (llvm::isa<llvm::yaml::AliasNode>(N)) {
      Feature = "a YAML alias ('*')";
    } else if (!N->getAnchor().empty()) {
      Feature = "a YAML anchor ('&')";
      Where = at(N->getAnchor().data() - 1, Where);
    } else if (!N->getRawTag().empty()) {
      Feature = "a YAML tag ('!')";
      Where = at(N->getRawTag().data(), Where);
    }
    if (!Feature)
      return false;
    Found.error(ConfigCheck, Where,
                fmt::format("{} is not allowed in {}; write the value out",
                            Feature, What.str()));
    return true;
  }

  /// The text of a key or value that must be a string; reports an error
  /// (and drains \p N) otherwise. \p Typed: whether a plain scalar that
  /// YAML 1.1 reads as null/bool/number/date counts as an error.
  std::optional<std::string> stringOf(llvm::yaml::Node *N,
                                      llvm::StringRef What,
                                      const SourcePosition &Fallback) {
    if (!N)
      return std::nullopt;
    if (refuseGraphFeatures(N, What, Fallback)) {
      drain(N);
      return std::nullopt;
    }
    llvm::SmallString<64> Storage;
    if (auto *S = llvm::dyn_cast<llvm::yaml::ScalarNode>(N)) {
      llvm::StringRef Raw = S->getRawValue();
      llvm::StringRef Value = S->getValue(Storage);
      bool Plain = !Raw.starts_with("'") && !Raw.starts_with("\"");
      if (Plain) {
        llvm::StringRef Type = plainScalarType(Value);
        if (Type == "null") {
          Found.error(ConfigCheck, at(N, Fallback),
                      fmt::format("{} is empty", What.str()));
          return std::nullopt;
        }
        if (!Type.empty()) {
          Found.error(ConfigCheck, at(N, Fallback),
                      fmt::format("{} '{}' is read by YAML as {}, not as a "
                                  "string; quote it: \"{}\"",
                                  What.str(), printable(Value), Type.str(),
                                  printable(Value)));
          return std::nullopt;
        }
      }
      return Value.str();
    }
    if (auto *B = llvm::dyn_cast<llvm::yaml::BlockScalarNode>(N))
      return B->getValue().str();
    if (llvm::isa<llvm::yaml::NullNode>(N)) {
      Found.error(ConfigCheck, at(N, Fallback),
                  fmt::format("{} is empty", What.str()));
      return std::nullopt;
    }
    Found.error(ConfigCheck, at(N, Fallback),
                fmt::format("{} must be a string, not a {}", What.str(),
                            llvm::isa<llvm::yaml::MappingNode>(N)
                                ? "mapping"
                                : "sequence"));
    drain(N);
    return std::nullopt;
  }

  /// Visits the entries of mapping \p M whose key matters: every key when
  /// \p AllKeys (each must then be a string), else only string keys that
  /// \p Matters accepts; the others are skipped silently, as flytekit
  /// ignores them. \p Visit(Key, KeyPosition, ValueNode) must consume or
  /// drain the value. A key given twice is an error pointing at the second,
  /// with a note at the first.
  template <typename MattersFn, typename VisitFn>
  void forEachEntry(llvm::yaml::MappingNode *M, llvm::StringRef What,
                    llvm::StringRef KeyWhat, const SourcePosition &Fallback,
                    bool AllKeys, MattersFn Matters, VisitFn Visit) {
    std::map<std::string, SourcePosition> Seen;
    for (llvm::yaml::KeyValueNode &KV : *M) {
      llvm::yaml::Node *Key = KV.getKey();
      SourcePosition KeyAt = at(Key, Fallback);
      std::optional<std::string> Name = keyOf(Key, What, KeyWhat, KeyAt,
                                              AllKeys, Matters);
      llvm::yaml::Node *Value = KV.getValue();
      if (!Name) {
        drain(Value);
        continue;
      }
      auto [It, New] = Seen.emplace(*Name, KeyAt);
      if (!New) {
        Found
            .error(ConfigCheck, KeyAt,
                   fmt::format("{} '{}' is given twice in {}", KeyWhat.str(),
                               printable(*Name), What.str()))
            .Notes.push_back({It->second, "first given here"});
        drain(Value);
        continue;
      }
      Visit(*Name, KeyAt, Value);
    }
  }

  /// The text of a key that matters (see forEachEntry), else std::nullopt
  /// after reporting whatever makes it unusable.
  template <typename MattersFn>
  std::optional<std::string> keyOf(llvm::yaml::Node *Key, llvm::StringRef What,
                                   llvm::StringRef KeyWhat,
                                   const SourcePosition &KeyAt, bool AllKeys,
                                   MattersFn Matters) {
    if (!Key)
      return std::nullopt;
    auto *Scalar = llvm::dyn_cast<llvm::yaml::ScalarNode>(Key);
    // A merge key or an alias could stand for any entry, 'images' included.
    if (Scalar && Scalar->getRawValue() == "<<") {
      Found.error(ConfigCheck, KeyAt,
                  fmt::format("YAML merge keys ('<<') are not allowed in {}; "
                              "write the entries out",
                              What.str()));
      return std::nullopt;
    }
    if (llvm::isa<llvm::yaml::AliasNode>(Key)) {
      refuseGraphFeatures(Key, What, KeyAt);
      return std::nullopt;
    }
    if (!Scalar) {
      if (AllKeys)
        stringOf(Key, KeyWhat, KeyAt); // Reports why it is not a string.
      else
        drain(Key);
      return std::nullopt;
    }
    llvm::SmallString<64> Storage;
    if (!AllKeys && !Matters(Scalar->getValue(Storage)))
      return std::nullopt;
    return stringOf(Key, KeyWhat, KeyAt);
  }

  llvm::yaml::MappingNode *mappingOrNull(llvm::yaml::Node *N,
                                         llvm::StringRef What,
                                         const SourcePosition &Fallback) {
    if (!N)
      return nullptr;
    if (refuseGraphFeatures(N, What, Fallback)) {
      drain(N);
      return nullptr;
    }
    // `images:` with nothing (or `~`, `null`) under it: no images.
    if (llvm::isa<llvm::yaml::NullNode>(N))
      return nullptr;
    if (auto *S = llvm::dyn_cast<llvm::yaml::ScalarNode>(N))
      if (plainScalarType(S->getRawValue()) == "null")
        return nullptr;
    if (auto *M = llvm::dyn_cast<llvm::yaml::MappingNode>(N))
      return M;
    Found.error(ConfigCheck, at(N, Fallback),
                fmt::format("{} must be a mapping", What.str()));
    drain(N);
    return nullptr;
  }

  void readRoot(llvm::yaml::Node *Root) {
    SourcePosition Start{Path.str(), 1, 1};
    if (llvm::isa<llvm::yaml::NullNode>(Root))
      return; // An empty file: no images.
    if (refuseGraphFeatures(Root, "the image configuration", Start)) {
      drain(Root);
      return;
    }
    auto *Top = llvm::dyn_cast<llvm::yaml::MappingNode>(Root);
    if (!Top) {
      Found.error(ConfigCheck, at(Root, Start),
                  "the image configuration must be a YAML mapping with an "
                  "'images:' key");
      drain(Root);
      return;
    }
    forEachEntry(
        Top, "the image configuration", "key", Start, /*AllKeys=*/false,
        [](llvm::StringRef Key) { return Key == "images" || Key == "build"; },
        [&](llvm::StringRef Key, const SourcePosition &KeyAt,
            llvm::yaml::Node *Value) {
          if (Key == "images")
            readImages(mappingOrNull(Value, "'images'", KeyAt), KeyAt);
          else
            readBuild(mappingOrNull(Value, "'build'", KeyAt), KeyAt);
        });
  }

  void readImages(llvm::yaml::MappingNode *M, const SourcePosition &At) {
    if (!M)
      return;
    forEachEntry(
        M, "'images'", "image name", At, /*AllKeys=*/true,
        [](llvm::StringRef) { return true; },
        [&](llvm::StringRef Name, const SourcePosition &NameAt,
            llvm::yaml::Node *Value) {
          bool NameOk = checkImageName(Name, NameAt, "image name", Found);
          auto Ref = stringOf(
              Value, fmt::format("the reference of image '{}'", printable(Name)),
              NameAt);
          if (!NameOk || !Ref)
            return;
          SourcePosition RefAt = at(Value, NameAt);
          if (checkReference(*Ref, RefAt,
                             fmt::format("image '{}'", Name.str()), Found))
            Config.Images[Name.str()] = ConfiguredImage{*Ref, RefAt};
        });
  }

  void readBuild(llvm::yaml::MappingNode *M, const SourcePosition &At) {
    if (!M)
      return;
    forEachEntry(
        M, "'build'", "key", At, /*AllKeys=*/true,
        [](llvm::StringRef) { return true; },
        [&](llvm::StringRef Key, const SourcePosition &KeyAt,
            llvm::yaml::Node *Value) {
          if (Key == "base_images") {
            readBaseImages(mappingOrNull(Value, "'build.base_images'", KeyAt),
                           KeyAt);
          } else if (Key == "link") {
            readLink(mappingOrNull(Value, "'build.link'", KeyAt), KeyAt);
          } else if (Key == "install_dir") {
            auto Dir = stringOf(Value, "'build.install_dir'", KeyAt);
            if (!Dir)
              return;
            if (auto Problem = checkInstallDir(*Dir))
              Found.error(ConfigCheck, at(Value, KeyAt), *Problem);
            else
              Config.InstallDir = normalizedInstallDir(*Dir);
          } else {
            Diagnostic &D = Found.error(
                ConfigCheck, KeyAt,
                fmt::format("unknown key '{}' in 'build'; expected "
                            "'base_images', 'install_dir' or 'link'",
                            printable(Key)));
            std::string Hint = nearest(Key, {"base_images", "install_dir", "link"});
            if (!Hint.empty())
              D.Notes.push_back({KeyAt, Hint});
            drain(Value);
          }
        });
  }

  void readLink(llvm::yaml::MappingNode *M, const SourcePosition &At) {
    if (!M)
      return;
    forEachEntry(
        M, "'build.link'", "image key", At, /*AllKeys=*/true,
        [](llvm::StringRef) { return true; },
        [&](llvm::StringRef Key, const SourcePosition &KeyAt,
            llvm::yaml::Node *Value) {
          bool KeyOk = checkImageName(Key, KeyAt, "image key", Found);
          auto Mode = stringOf(
              Value, fmt::format("the link mode of '{}'", printable(Key)), KeyAt);
          if (!KeyOk || !Mode)
            return;
          if (!isLinkMode(*Mode))
            Found.error(ConfigCheck, at(Value, KeyAt), linkModeProblem(Key, *Mode));
          else
            Config.Link[Key.str()] = *Mode;
        });
  }

  void readBaseImages(llvm::yaml::MappingNode *M, const SourcePosition &At) {
    if (!M)
      return;
    forEachEntry(
        M, "'build.base_images'", "image key", At, /*AllKeys=*/true,
        [](llvm::StringRef) { return true; },
        [&](llvm::StringRef Key, const SourcePosition &KeyAt,
            llvm::yaml::Node *Value) {
          bool KeyOk = checkImageName(Key, KeyAt, "image key", Found);
          auto Ref = stringOf(
              Value, fmt::format("the base image of '{}'", printable(Key)), KeyAt);
          if (!KeyOk || !Ref)
            return;
          if (checkReference(*Ref, at(Value, KeyAt),
                             fmt::format("the base image of '{}'", Key.str()),
                             Found))
            Config.BaseImages[Key.str()] = *Ref;
        });
  }

  llvm::StringRef Text;
  llvm::StringRef Path;
  ImageConfig &Config;
  llvm::SourceMgr SM;
  std::optional<Diagnostic> SyntaxError;
  DiagnosticList Found;
};

//===----------------------------------------------------------------------===//
// INI (flytekit's legacy format, read as Python's configparser reads it)
//===----------------------------------------------------------------------===//

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
      if (!checkImageName(Key, NameAt, "image key", Diags) ||
          !nonEmpty(Value, NameAt,
                    fmt::format("the base image of '{}'", Key.str())))
        return;
      if (checkReference(Value, ValueAt,
                         fmt::format("the base image of '{}'", Key.str()),
                         Diags))
        Config.BaseImages[Key.str()] = Value.str();
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
                    "'base_image.<image key>' or 'link.<image key>'",
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
    return IniConfigReader(Text, Path, Config, Diags).read();
  return YamlConfigReader(Text, Path, Config).read(Diags);
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

void applyEnvironmentDefault(std::optional<std::string> EnvValue,
                             ImageConfig &Config) {
  if (!EnvValue || EnvValue->empty())
    return;
  Config.Images["default"] =
      ConfiguredImage{std::move(*EnvValue), {"FLYTE_INTERNAL_IMAGE", 0, 0}};
}

} // namespace taskscan
