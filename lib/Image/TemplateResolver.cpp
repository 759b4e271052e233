//===- TemplateResolver.cpp - container_image templates, as flytekit does -===//
//
// flytekit (core/python_auto_container.py, get_registerable_container_image)
// finds every match of
//     ({{\s*\.image[s]?(?:\.([a-zA-Z0-9_-]+))(?:\.([a-zA-Z0-9_-]+))?\s*}})
// compiled with re.IGNORECASE, and replaces it by the named image's fqn,
// version or full reference; a string without any match is used as written,
// and an empty one is the default image. The matcher below is that regex
// written out by hand, so that what counts as a placeholder is exactly what
// flytekit accepts. The stricter checks (leftover template text, OCI
// validation) run after flytekit's substitution and never change a result
// flytekit would produce; they only refuse results that could not work.
//
//===----------------------------------------------------------------------===//
#include "taskscan/TemplateResolver.h"

#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <algorithm>

namespace taskscan {

namespace {

/// Python's `\s` on str patterns: ASCII whitespace plus the information
/// separators 0x1c-0x1f (str.isspace() is true for them). Non-ASCII spaces
/// are left out: a template holding one is rejected later anyway.
bool isPythonSpace(char C) {
  return C == ' ' || (C >= '\t' && C <= '\r') || (C >= 0x1c && C <= 0x1f);
}

bool isNameChar(char C) { return llvm::isAlnum(C) || C == '_' || C == '-'; }


struct Placeholder {
  size_t Begin = 0, End = 0; ///< [Begin, End) in the template.
  llvm::StringRef Name;
  llvm::StringRef Attribute; ///< Empty when absent.
};

/// Matches flytekit's placeholder regex at exactly \p Pos.
std::optional<Placeholder> matchPlaceholder(llvm::StringRef T, size_t Pos) {
  size_t I = Pos, N = T.size();
  auto SkipSpace = [&] {
    while (I < N && isPythonSpace(T[I]))
      ++I;
  };
  auto Word = [&]() -> llvm::StringRef {
    size_t Start = I;
    while (I < N && isNameChar(T[I]))
      ++I;
    return T.slice(Start, I);
  };
  if (!T.substr(I).starts_with("{{"))
    return std::nullopt;
  I += 2;
  SkipSpace();
  if (!T.substr(I).starts_with(".") ||
      !T.substr(I + 1).starts_with_insensitive("image"))
    return std::nullopt;
  I += 6;
  // `[s]?` followed by `\.`: the 's' is taken only when a '.' follows it.
  if (I + 1 < N && (T[I] == 's' || T[I] == 'S') && T[I + 1] == '.')
    ++I;
  if (I >= N || T[I] != '.')
    return std::nullopt;
  ++I;
  Placeholder P;
  P.Begin = Pos;
  P.Name = Word();
  if (P.Name.empty())
    return std::nullopt;
  if (I + 1 < N && T[I] == '.' && isNameChar(T[I + 1])) {
    ++I;
    P.Attribute = Word();
  }
  SkipSpace();
  if (!T.substr(I).starts_with("}}"))
    return std::nullopt;
  P.End = I + 2;
  return P;
}

std::string joinNames(const ImageConfig &Config) {
  if (Config.Images.empty())
    return "none";
  std::string S;
  for (const auto &[Name, Image] : Config.Images)
    S += (S.empty() ? "" : ", ") + Name;
  return S;
}

/// "did you mean 'gpu'?" for a near miss among \p Candidates, else "".
template <typename Range>
std::string suggestNearest(llvm::StringRef Wrong, const Range &Candidates,
                           llvm::StringRef What) {
  std::string Best;
  unsigned BestDistance = ~0u;
  for (llvm::StringRef C : Candidates) {
    if (C.equals_insensitive(Wrong))
      return fmt::format("did you mean '{}'? {} are case-sensitive", C.str(),
                         What.str());
    unsigned D = Wrong.edit_distance(C, /*AllowReplacements=*/true);
    if (D < BestDistance) {
      BestDistance = D;
      Best = C.str();
    }
  }
  unsigned Limit = std::max<unsigned>(1, (Wrong.size() + 2) / 3);
  if (Best.empty() || BestDistance > Limit)
    return "";
  return fmt::format("did you mean '{}'?", Best);
}

ResolveError error(std::string Check, std::string Message,
                   std::string Note = "") {
  return ResolveError{std::move(Check), std::move(Message), std::move(Note)};
}

std::string originNote(llvm::StringRef Name, const ConfiguredImage &Image) {
  const SourcePosition &O = Image.Origin;
  if (O.File.empty())
    return "";
  std::string Where = O.File;
  if (O.Line)
    Where += fmt::format(":{}:{}", O.Line, O.Column);
  return fmt::format("image '{}' is '{}', defined at {}", Name.str(),
                     printable(Image.Reference), printable(Where));
}

/// A hint for template text flytekit would not have recognised.
std::string explainLeftover(llvm::StringRef Fragment) {
  llvm::StringRef Inner = Fragment.trim("{} \t");
  if (Fragment.starts_with("{{") && Fragment.ends_with("}}")) {
    if (Inner.starts_with_insensitive("image.") ||
        Inner.starts_with_insensitive("images."))
      return fmt::format("did you mean '{{{{.{}}}}}'? placeholders start with "
                         "'.image.'",
                         printable(Inner));
    if (Inner.starts_with_insensitive(".image")) {
      llvm::SmallVector<llvm::StringRef, 4> Parts;
      Inner.split(Parts, '.');
      // Parts: "", "image", NAME, [ATTR, ...]
      if (Parts.size() > 4)
        return "a placeholder is {{.image.NAME}}, {{.image.NAME.fqn}} or "
               "{{.image.NAME.version}}: at most a name and one attribute";
      return "image names and attributes hold only letters, digits, '_' and "
             "'-'";
    }
  }
  if (Fragment.starts_with("{") && !Fragment.starts_with("{{") &&
      Inner.starts_with_insensitive(".image"))
    return fmt::format("did you mean '{{{{{}}}}}'? placeholders use double "
                       "braces",
                       printable(Inner));
  return "placeholders look like {{.image.NAME}}, {{.image.NAME.fqn}} or "
         "{{.image.NAME.version}}";
}

/// The template-like text starting at the first brace left in \p Result:
/// up to the next run of '}' (or a few characters when there is none).
llvm::StringRef leftoverFragment(llvm::StringRef Result, size_t Brace) {
  size_t End = Result.find('}', Brace);
  if (End == llvm::StringRef::npos)
    End = std::min(Result.size(), Brace + 40) - 1;
  while (End + 1 < Result.size() && Result[End + 1] == '}')
    ++End;
  return Result.slice(Brace, End + 1);
}

} // namespace

std::variant<ResolvedImage, ResolveError>
resolveContainerImage(llvm::StringRef Template, const ImageConfig &Config) {
  const ConfiguredImage *Default = Config.defaultImage();
  std::string Result;

  if (Template.empty()) {
    // flytekit: cfg.default_image.full.
    if (!Default)
      return error("task-scan-no-default-image",
                   "it uses the default image, but no default image is "
                   "configured",
                   "set images.default in the config file, pass --image "
                   "<reference>, or set FLYTE_INTERNAL_IMAGE");
    if (!ImageReference::split(Default->Reference).hasVersion())
      return error("task-scan-image-untagged",
                   fmt::format("it uses the default image '{}', which has no "
                               "tag or digest",
                               printable(Default->Reference)),
                   fmt::format("give it a tag, e.g. '{}:1.0'",
                               printable(Default->Reference)));
    Result = Default->Reference;
  } else {
    for (size_t I = 0; I < Template.size();) {
      auto P = matchPlaceholder(Template, I);
      if (!P) {
        Result += Template[I++];
        continue;
      }
      I = P->End;
      llvm::StringRef Written = Template.slice(P->Begin, P->End);
      const ConfiguredImage *Image = Config.find(P->Name);
      if (!Image && P->Name == "default")
        return error("task-scan-no-default-image",
                     fmt::format("'{}' names the default image, but no "
                                 "default image is configured",
                                 printable(Written)),
                     "set images.default in the config file, pass --image "
                     "<reference>, or set FLYTE_INTERNAL_IMAGE");
      if (!Image) {
        std::vector<llvm::StringRef> Names;
        for (const auto &Entry : Config.Images)
          Names.push_back(Entry.first);
        return error("task-scan-unknown-image",
                     fmt::format("unknown image '{}' in container_image; "
                                 "configured images: {}",
                                 P->Name.str(), joinNames(Config)),
                     suggestNearest(P->Name, Names, "image names"));
      }
      ImageReference Ref = ImageReference::split(Image->Reference);
      if (P->Attribute.empty()) {
        // flytekit: img_cfg.full, which needs a tag or digest to name an
        // image that can be pulled reproducibly.
        if (!Ref.hasVersion())
          return error("task-scan-image-untagged",
                       fmt::format("'{}' names image '{}' ('{}'), which has "
                                   "no tag or digest",
                                   printable(Written), P->Name.str(),
                                   printable(Image->Reference)),
                       fmt::format("give it a tag, e.g. '{}:1.0', or write "
                                   "'{{{{.image.{}.fqn}}}}:<tag>'",
                                   printable(Image->Reference), P->Name.str()));
        Result += Image->Reference;
      } else if (P->Attribute == "fqn") {
        Result += Ref.Fqn;
      } else if (P->Attribute == "version") {
        std::string Version = Ref.version();
        bool IsDigest = !Ref.Digest.empty();
        if (Version.empty()) {
          // flytekit falls back to the default image's version.
          if (!Default)
            return error("task-scan-image-untagged",
                         fmt::format("'{}': image '{}' ('{}') has no tag or "
                                     "digest, and there is no default image "
                                     "whose version could stand in",
                                     printable(Written), P->Name.str(),
                                     printable(Image->Reference)),
                         fmt::format("give '{}' a tag, or configure a "
                                     "default image",
                                     P->Name.str()));
          ImageReference DefaultRef = ImageReference::split(Default->Reference);
          Version = DefaultRef.version();
          IsDigest = !DefaultRef.Digest.empty();
          if (Version.empty())
            return error("task-scan-image-untagged",
                         fmt::format("'{}': neither image '{}' ('{}') nor the "
                                     "default image ('{}') has a tag or "
                                     "digest",
                                     printable(Written), P->Name.str(),
                                     printable(Image->Reference), printable(Default->Reference)),
                         "give one of them a tag, e.g. ':1.0'");
        }
        // `{{...fqn}}:{{...version}}` with a digest must read `fqn@digest`.
        if (IsDigest && P->Begin > 0 && Template[P->Begin - 1] == ':' &&
            !Result.empty() && Result.back() == ':')
          Result.back() = '@';
        Result += Version;
      } else {
        return error("task-scan-image-attribute",
                     fmt::format("unsupported attribute '{}' in '{}'; only "
                                 "'fqn' and 'version' are supported",
                                 P->Attribute.str(), printable(Written)),
                     P->Attribute == "tag" || P->Attribute == "digest"
                         ? std::string("did you mean 'version'? it is the "
                                       "digest when there is one, else the "
                                       "tag")
                         : suggestNearest(P->Attribute,
                                          std::vector<llvm::StringRef>{
                                              "fqn", "version"},
                                          "attributes"));
      }
    }
  }

  size_t Brace = llvm::StringRef(Result).find_first_of("{}");
  if (Brace != llvm::StringRef::npos) {
    llvm::StringRef Fragment = leftoverFragment(Result, Brace);
    return error("task-scan-unresolved-template",
                 fmt::format("container_image '{}' still holds template text "
                             "'{}' that is not an image placeholder",
                             printable(Template), printable(Fragment)),
                 explainLeftover(Fragment));
  }

  if (auto Reason = validateImageReference(Result)) {
    std::string Note;
    // Point at the configured image that brought the bad text in, if any.
    for (size_t I = 0; I < Template.size(); ++I)
      if (auto P = matchPlaceholder(Template, I)) {
        if (const ConfiguredImage *Image = Config.find(P->Name))
          if (validateImageReference(Image->Reference)) {
            Note = originNote(P->Name, *Image);
            break;
          }
        I = P->End - 1;
      }
    if (Template.empty() && Default)
      Note = originNote("default", *Default);
    std::string Message =
        Template.empty()
            ? fmt::format("the default image '{}' is not a valid OCI image "
                          "reference: {}",
                          printable(Result), *Reason)
        : Result == Template.str()
            ? fmt::format("container_image '{}' is not a valid OCI image "
                          "reference: {}",
                          printable(Result), *Reason)
            : fmt::format("container_image '{}' resolves to '{}', which is "
                          "not a valid OCI image reference: {}",
                          printable(Template), printable(Result), *Reason);
    return error("task-scan-image-reference", std::move(Message),
                 std::move(Note));
  }

  // Whatever the template, the result must say which image to pull: an
  // untagged reference is `:latest` to Kubernetes, whatever that is then.
  if (!ImageReference::split(Result).hasVersion()) {
    std::string Message =
        Result == Template.str()
            ? fmt::format("container_image '{}' has no tag or digest; Kubernetes would pull "
                          "whatever ':latest' is then",
                          printable(Result))
            : fmt::format("container_image '{}' resolves to '{}', which has no tag or "
                          "digest; Kubernetes would pull whatever ':latest' is then",
                          printable(Template), printable(Result));
    return error("task-scan-image-untagged", std::move(Message),
                 Result == Template.str()
                     ? std::string("add a tag or digest, e.g. ':1.0'")
                     : std::string("add a tag after the placeholder (':<tag>', "
                                   "':{{.image.NAME.version}}') or use '{{.image.NAME}}', "
                                   "the configured reference"));
  }

  ResolvedImage Resolved;
  Resolved.Reference = Result;
  if (Default && Default->Reference == Result)
    Resolved.ConfiguredKey = "default";
  else
    for (const auto &[Name, Image] : Config.Images)
      if (Image.Reference == Result) {
        Resolved.ConfiguredKey = Name;
        break;
      }
  // `{{.image.gpu.version}}x` makes the tag 1.4.2x: a typo far more often
  // than an image (a separator, as in `-cuda`, or a prefix, as in `v`, is
  // how tags are built from a version).
  for (size_t I = 0; Resolved.ConfiguredKey.empty() && I < Template.size(); ++I)
    if (auto P = matchPlaceholder(Template, I)) {
      if (P->Attribute == "version" && P->End < Template.size() &&
          llvm::isAlnum(Template[P->End])) {
        Resolved.Warning = fmt::format(
            "'{}' glues '{}' to the version: the image is '{}', a tag no configured image has",
            printable(Template.slice(P->Begin, P->End + 1)),
            printable(Template.substr(P->End, 1)), printable(Result));
        Resolved.WarningNote = "separate it from the version (e.g. '-') if that tag exists, or "
                               "remove it";
        break;
      }
      I = P->End - 1;
    }
  return Resolved;
}

} // namespace taskscan
