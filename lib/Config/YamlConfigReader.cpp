//===- YamlConfigReader.cpp - flytekit's YAML configuration ---------------===//
//
// `images:` as flytekit reads it (yaml_config.get("images"), PyYAML, YAML
// 1.1), plus task-scan's own `build:` section; every other top-level key is
// ignored. Anchors, aliases, tags and merge keys are refused: they make a
// few lines expensive or ambiguous to read.
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

/// llvm::yaml's scanner spends time per token for every flow collection
/// opened on the current line, so deeply nested '[' / '{' are refused before
/// parsing. (Deep nesting that slips past this estimate is still safe: the
/// tree is walked without recursion, see YamlConfigReader::drain.)
constexpr unsigned MaxFlowNesting = 256;

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
            readImagesByKey(mappingOrNull(Value, "'build.base_images'", KeyAt),
                            KeyAt, "'build.base_images'", "the base image",
                            Config.BaseImages);
          } else if (Key == "builder_images") {
            readImagesByKey(
                mappingOrNull(Value, "'build.builder_images'", KeyAt), KeyAt,
                "'build.builder_images'", "the builder image", Config.BuilderImages);
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
                            "'base_images', 'builder_images', 'install_dir' or 'link'",
                            printable(Key)));
            std::string Hint = nearest(
                Key, {"base_images", "builder_images", "install_dir", "link"});
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

  /// `build.base_images` and `build.builder_images`: image key -> reference.
  void readImagesByKey(llvm::yaml::MappingNode *M, const SourcePosition &At,
                       llvm::StringRef Section, llvm::StringRef What,
                       std::map<std::string, std::string> &Into) {
    if (!M)
      return;
    forEachEntry(
        M, Section, "image key", At, /*AllKeys=*/true,
        [](llvm::StringRef) { return true; },
        [&](llvm::StringRef Key, const SourcePosition &KeyAt,
            llvm::yaml::Node *Value) {
          bool KeyOk = checkImageName(Key, KeyAt, "image key", Found);
          auto Ref = stringOf(
              Value, fmt::format("{} of '{}'", What.str(), printable(Key)), KeyAt);
          if (!KeyOk || !Ref)
            return;
          if (checkReference(*Ref, at(Value, KeyAt),
                             fmt::format("{} of '{}'", What.str(), Key.str()), Found))
            Into[Key.str()] = *Ref;
        });
  }

  llvm::StringRef Text;
  llvm::StringRef Path;
  ImageConfig &Config;
  llvm::SourceMgr SM;
  std::optional<Diagnostic> SyntaxError;
  DiagnosticList Found;
};

} // namespace

bool readYamlConfig(llvm::StringRef Text, llvm::StringRef Path, ImageConfig &Config,
                    DiagnosticList &Diags) {
  return YamlConfigReader(Text, Path, Config).read(Diags);
}

} // namespace taskscan::config
