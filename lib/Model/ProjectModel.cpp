//===- ProjectModel.cpp - Scanned tasks + config -> one model -------------===//
#include "taskscan/ProjectModel.h"

#include "taskscan/AnnotationArguments.h"
#include "taskscan/ImageReference.h"
#include "taskscan/TemplateResolver.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace taskscan {

std::vector<const ModelTask *> ProjectModel::tasksOf(const ModelImage &Image) const {
  std::vector<const ModelTask *> Out;
  for (const ModelTask &T : Tasks)
    if (T.ImageKey == Image.Key)
      Out.push_back(&T);
  return Out;
}

bool isValidProjectName(llvm::StringRef Name) {
  return !Name.empty() && Name.size() <= 64 &&
         (llvm::isAlpha(Name.front()) || Name.front() == '_') &&
         llvm::all_of(Name, [](char C) {
           return llvm::isAlnum(C) || C == '_' || C == '-';
         });
}

bool isValidSharedLibraryName(llvm::StringRef Name) {
  return !Name.empty() && Name.size() <= 255 && Name.front() != '.' &&
         Name.front() != '-' && llvm::all_of(Name, [](char C) {
           return llvm::isAlnum(C) || C == '_' || C == '-' || C == '.' || C == '+';
         });
}

std::string imageLibraryDir(const ProjectModel &Model) {
  llvm::StringRef Parent = llvm::sys::path::parent_path(
      Model.InstallDir, llvm::sys::path::Style::posix);
  if (Parent.empty() || Parent == "/")
    return "/lib/" + Model.ProjectName;
  return (Parent + "/lib/" + Model.ProjectName).str();
}

std::string deriveImageKey(llvm::StringRef Reference) {
  // Last path component plus version: ghcr.io/acme/spark:3.5 -> spark-3-5.
  llvm::StringRef Name = Reference;
  size_t Slash = Name.rfind('/');
  if (Slash != llvm::StringRef::npos)
    Name = Name.drop_front(Slash + 1);
  std::string Key;
  for (char C : Name.lower()) {
    bool Ok = llvm::isAlnum(C) || C == '_' || C == '-';
    if (Ok)
      Key += C;
    else if (!Key.empty() && Key.back() != '-')
      Key += '-';
  }
  while (!Key.empty() && Key.back() == '-')
    Key.pop_back();
  if (Key.size() > 48) // digests make long keys; the hash keeps them unique
    Key.resize(48);
  if (Key.empty())
    Key = "image";
  return Key;
}

std::string displayPath(llvm::StringRef Path, llvm::StringRef Base) {
  if (Base.empty())
    return Path.str();
  std::string Prefix = Base.str();
  if (!llvm::StringRef(Prefix).ends_with("/"))
    Prefix += '/';
  if (Path.starts_with(Prefix))
    return Path.drop_front(Prefix.size()).str();
  return Path.str();
}

namespace {

std::string shortHash(llvm::StringRef S) {
  return llvm::utohexstr(llvm::xxh3_64bits(S), /*LowerCase=*/true).substr(0, 8);
}

/// What a task's annotation says, as one string: tasks of one function
/// that differ in it are different tasks.
std::string annotationKey(const ScannedTask &T) {
  const TaskOptions &O = T.Options;
  std::string Key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", T.Name,
                                O.ContainerImage.value_or("\x01"), O.Retries,
                                O.Timeout.value_or("\x01"), O.Cache,
                                O.CacheVersion.value_or("\x01"),
                                O.Name.value_or("\x01"));
  for (const auto &[Resource, Quantity] : O.Requests)
    Key += fmt::format("\x1fr{}={}", Resource, Quantity);
  for (const auto &[Resource, Quantity] : O.Limits)
    Key += fmt::format("\x1fl{}={}", Resource, Quantity);
  return Key;
}

} // namespace

std::optional<std::string> effectiveCacheVersion(const ModelTask &T) {
  const TaskOptions &O = T.Source.Options;
  if (O.CacheVersion || !O.Cache)
    return O.CacheVersion;
  // The pinned digest: pushed (T.Image is then `repo@sha256:..`, ImageLock)
  // or pinned in the configuration.
  llvm::StringRef Image = T.Image, Digest;
  size_t At = Image.rfind('@');
  if (At != llvm::StringRef::npos)
    Digest = Image.drop_front(At + 1);
  std::string Key = fmt::format("{}\n{}", T.Source.CodeHash.value_or(""), Digest);
  return "code-" + llvm::utohexstr(llvm::xxh3_64bits(Key), /*LowerCase=*/true, 16);
}

ProjectModel buildProjectModel(const std::vector<TranslationUnitResult> &Units,
                               const ImageConfig &Config,
                               const ModelOptions &Options,
                               DiagnosticList &Diags) {
  ProjectModel Model;
  Model.ProjectName = Options.ProjectName;
  Model.InstallDir = Config.InstallDir;
  Model.SharedLibraries = Options.SharedLibraries;
  llvm::sort(Model.SharedLibraries);
  Model.SharedLibraries.erase(
      std::unique(Model.SharedLibraries.begin(), Model.SharedLibraries.end()),
      Model.SharedLibraries.end());

  // One task per function and annotation, whichever TUs saw it (a header's
  // inline task, a file compiled by two commands); one function annotated
  // differently under two commands (-DUSE_CUDA in one) is two tasks, which
  // under one name are the duplicate-name error below. Ordered by name so
  // that nothing below depends on the order of sources or threads.
  std::map<std::string, const ScannedTask *> ByIdentity;
  // A task in a header, seen from several TUs, may use functions that only
  // some of them define: its code hash joins what each saw, in an order
  // that does not depend on theirs.
  std::map<std::string, std::set<std::string>> CodeHashes;
  std::set<std::string> Defined;
  for (const TranslationUnitResult &U : Units)
    for (const ScannedTask &T : U.Tasks) {
      auto [It, New] = ByIdentity.emplace(T.identity() + '\0' + annotationKey(T), &T);
      if (!New && T.Definition < It->second->Definition)
        It->second = &T;
      if (T.CodeHash)
        CodeHashes[T.identity()].insert(*T.CodeHash);
      Defined.insert(T.Function);
    }
  std::vector<const ScannedTask *> Tasks;
  for (const auto &[Id, T] : ByIdentity)
    Tasks.push_back(T);
  llvm::sort(Tasks, [](const ScannedTask *A, const ScannedTask *B) {
    return std::tie(A->Name, A->Annotation) < std::tie(B->Name, B->Annotation);
  });

  std::map<std::string, const ScannedTask *> ByName;
  std::map<std::string, std::string> ConfiguredKeyOf; // reference -> key
  for (const ScannedTask *T : Tasks) {
    auto [It, New] = ByName.emplace(T->Name, T);
    if (!New) {
      Diags
          .error("task-scan-duplicate-task", T->Annotation,
                 fmt::format("two tasks are named '{}' ('{}' and '{}'); give one "
                             "another name with name = \"...\"",
                             T->Name, It->second->Function, T->Function))
          .Notes.push_back({It->second->Annotation, "the other task is here"});
      continue;
    }
    auto Resolved = resolveContainerImage(
        T->Options.ContainerImage.value_or(""), Config);
    if (auto *E = std::get_if<ResolveError>(&Resolved)) {
      Diagnostic &D = Diags.error(E->Check, T->Annotation,
                                  fmt::format("task '{}': {}", T->Name, E->Message));
      if (!E->Note.empty())
        D.Notes.push_back({T->Annotation, E->Note});
      continue;
    }
    auto &Image = std::get<ResolvedImage>(Resolved);
    if (!Image.Warning.empty())
      Diags
          .warning("task-scan-image-version-suffix", T->Annotation,
                   fmt::format("task '{}': {}", T->Name, Image.Warning))
          .Notes.push_back({T->Annotation, Image.WarningNote});
    ModelTask MT;
    MT.Source = *T;
    const std::set<std::string> &Seen = CodeHashes[T->identity()];
    if (Seen.size() > 1)
      MT.Source.CodeHash = llvm::utohexstr(
          llvm::xxh3_64bits(llvm::join(Seen, " ")), /*LowerCase=*/true, 16);
    MT.Image = Image.Reference;
    MT.DisplayFile = displayPath(T->Definition.File, Options.BaseDirectory);
    if (!Image.ConfiguredKey.empty())
      ConfiguredKeyOf[Image.Reference] = Image.ConfiguredKey;
    Model.Tasks.push_back(std::move(MT));
  }

  // Keys: the configured name, else derived; derived keys that collide with
  // each other or with a configured name get a hash of the reference.
  std::set<std::string> References;
  for (const ModelTask &T : Model.Tasks)
    References.insert(T.Image);
  // Config names may hold upper case (`GPU` and `gpu` are two images);
  // keys are [a-z0-9_-], so names that collide once lowered get a hash too.
  std::map<std::string, std::vector<std::string>> Configured, Derived; // key -> refs
  for (const std::string &Ref : References) {
    auto It = ConfiguredKeyOf.find(Ref);
    if (It != ConfiguredKeyOf.end())
      Configured[llvm::StringRef(It->second).lower()].push_back(Ref);
    else
      Derived[deriveImageKey(Ref)].push_back(Ref);
  }
  std::map<std::string, std::string> KeyOf;
  for (const auto &[Key, Refs] : Configured)
    for (const std::string &Ref : Refs)
      KeyOf[Ref] = Refs.size() == 1 ? Key : Key + "-" + shortHash(Ref);
  for (const auto &[Key, Refs] : Derived)
    for (const std::string &Ref : Refs)
      KeyOf[Ref] = (Refs.size() == 1 && !Configured.count(Key))
                       ? Key
                       : Key + "-" + shortHash(Ref);

  std::map<std::string, ModelImage> Images;
  for (ModelTask &T : Model.Tasks) {
    T.ImageKey = KeyOf[T.Image];
    ModelImage &Image = Images[T.ImageKey];
    Image.Key = T.ImageKey;
    Image.Reference = T.Image;
    Image.TaskNames.push_back(T.Source.Name);
  }
  for (auto &[Key, Image] : Images) {
    auto ConfiguredIt = ConfiguredKeyOf.find(Image.Reference);
    llvm::StringRef ConfigKey = ConfiguredIt != ConfiguredKeyOf.end()
                                    ? llvm::StringRef(ConfiguredIt->second)
                                    : llvm::StringRef(Key);
    Image.BaseImage = Config.baseImageFor(ConfigKey);
    Image.BaseImageDefaulted =
        !Config.BaseImages.count(ConfigKey.str()) && !Config.BaseImages.count("default");
    Image.Link = Config.linkFor(ConfigKey);
    if (auto It = Config.BuilderImages.find(ConfigKey.str());
        It != Config.BuilderImages.end())
      Image.BuilderImage = It->second;
    Image.BuildTag = buildTagFor(Image.Reference);
    Image.Executable = Model.ProjectName + "_" + Key;
    Model.Images.push_back(std::move(Image));
  }

  // Declared with FLYTE_TASK in some TU but defined in none that was scanned.
  std::map<std::string, SourcePosition> Undefined;
  for (const TranslationUnitResult &U : Units)
    for (const auto &[Function, Where] : U.DeclaredOnly)
      if (!Defined.count(Function))
        Undefined.emplace(Function, Where);
  for (const auto &[Function, Where] : Undefined)
    Diags.warning("task-scan-undefined-task", Where,
                  fmt::format("task '{}' is declared here but not defined in any "
                              "scanned source; it is not part of any image",
                              derivedTaskName(Function)));
  return Model;
}

} // namespace taskscan
