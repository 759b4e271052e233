//===- ImageLock.cpp - Pin pushed images by digest -------------------------===//
#include "taskscan/ImageLock.h"

#include "taskscan/Emitters.h"
#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <fmt/format.h>

namespace taskscan {

namespace {

constexpr const char *LockCheck = "task-scan-image-lock";

/// The repository of a tag: `repo:tag` -> `repo` (`localhost:5000/x` has none).
std::string repositoryOf(llvm::StringRef Tag) { return ImageReference::split(Tag).Fqn; }

} // namespace

std::string sha256Hex(llvm::StringRef Data) {
  auto Hash = llvm::SHA256::hash(llvm::arrayRefFromStringRef(Data));
  return llvm::toHex(Hash, /*LowerCase=*/true);
}

std::optional<std::string> librariesSha256(llvm::StringRef LibDir,
                                           const std::vector<std::string> &Names) {
  if (Names.empty())
    return std::string();
  std::string Lines;
  for (const std::string &Name : Names) {
    llvm::SmallString<256> Path(LibDir);
    llvm::sys::path::append(Path, Name);
    auto File = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!File)
      return std::nullopt;
    Lines += sha256Hex((*File)->getBuffer()) + " " + Name + "\n";
  }
  return sha256Hex(Lines);
}

std::vector<ImageLockEntry> parseImageLock(llvm::StringRef Text, llvm::StringRef Path,
                                           DiagnosticList &Diags) {
  std::vector<ImageLockEntry> Entries;
  SourcePosition Where{Path.str(), 0, 0};
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Text);
  if (!Parsed) {
    Diags.warning(LockCheck, Where,
                  fmt::format("the image lock is not valid JSON ({}); no image is pinned",
                              llvm::toString(Parsed.takeError())));
    return Entries;
  }
  const llvm::json::Object *Root = Parsed->getAsObject();
  const llvm::json::Array *Images = Root ? Root->getArray("images") : nullptr;
  if (!Images || Root->getInteger("schema_version") != 1) {
    Diags.warning(LockCheck, Where,
                  "the image lock is not of schema_version 1 with an 'images' array; "
                  "no image is pinned");
    return Entries;
  }
  for (const llvm::json::Value &V : *Images) {
    const llvm::json::Object *O = V.getAsObject();
    ImageLockEntry E;
    auto Field = [&](llvm::StringRef Name, std::string &Out) {
      std::optional<llvm::StringRef> S = O ? O->getString(Name) : std::nullopt;
      if (S)
        Out = S->str();
      return S.has_value();
    };
    if (!Field("key", E.Key) || !Field("reference", E.Reference) ||
        !Field("pushed", E.Pushed) || !Field("dockerfile_sha256", E.DockerfileSha256) ||
        !Field("executable_sha256", E.ExecutableSha256)) {
      Diags.warning(LockCheck, Where,
                    "an entry of the image lock lacks key, reference, pushed, "
                    "dockerfile_sha256 or executable_sha256; it is ignored");
      continue;
    }
    Field("libraries_sha256", E.LibrariesSha256); // optional: no libraries
    // What reaches flyte_tasks.py must be the pushed repository at a digest.
    ImageReference Pushed = ImageReference::split(E.Pushed);
    if (validateImageReference(E.Pushed) || Pushed.Digest.empty() ||
        Pushed.Fqn != repositoryOf(E.Reference)) {
      Diags.warning(LockCheck, Where,
                    fmt::format("the image lock pins '{}' to '{}', which is not that "
                                "repository at a digest; the entry is ignored",
                                printable(E.Reference), printable(E.Pushed)));
      continue;
    }
    Entries.push_back(std::move(E));
  }
  return Entries;
}

void applyImageLock(ProjectModel &Model, llvm::StringRef OutputDir, DiagnosticList &Diags) {
  llvm::SmallString<256> LockPath(OutputDir);
  llvm::sys::path::append(LockPath, ImageLockFileName);
  auto Buffer = llvm::MemoryBuffer::getFile(LockPath, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return; // nothing pushed yet
  std::vector<ImageLockEntry> Entries =
      parseImageLock((*Buffer)->getBuffer(), LockPath, Diags);
  SourcePosition Where{std::string(LockPath), 0, 0};
  for (ModelImage &Image : Model.Images) {
    const ImageLockEntry *E = nullptr;
    for (const ImageLockEntry &Candidate : Entries)
      if (Candidate.Key == Image.Key)
        E = &Candidate;
    // A reference pinned in the configuration is never pushed by task-scan.
    if (!E || Image.BuildTag != Image.Reference)
      continue;
    std::string Changed;
    if (E->Reference != Image.Reference) {
      Changed = fmt::format("its reference is now {}", Image.Reference);
    } else if (sha256Hex(emitDockerfile(Model, Image)) != E->DockerfileSha256) {
      Changed = "its Dockerfile changed";
    } else {
      llvm::SmallString<256> Exe(OutputDir);
      llvm::sys::path::append(Exe, "images", Image.Key, Image.Executable);
      auto Staged = llvm::MemoryBuffer::getFile(Exe, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false);
      if (!Staged)
        Changed = fmt::format("its executable is not staged in images/{}/", Image.Key);
      else if (sha256Hex((*Staged)->getBuffer()) != E->ExecutableSha256)
        Changed = "its executable changed";
      else {
        llvm::SmallString<256> LibDir(OutputDir);
        llvm::sys::path::append(LibDir, "images", Image.Key, "lib");
        std::optional<std::string> Libraries =
            librariesSha256(LibDir, Model.SharedLibraries);
        if (!Libraries)
          Changed = fmt::format("its shared libraries are not staged in images/{}/lib/",
                                Image.Key);
        else if (*Libraries != E->LibrariesSha256)
          Changed = "its shared libraries changed";
      }
    }
    if (!Changed.empty()) {
      Diags.warning(LockCheck, Where,
                    fmt::format("image '{}' was pushed as {}, but {} since: its tasks run "
                                "the tag {} until it is pushed again",
                                Image.Key, E->Pushed, Changed, Image.Reference));
      continue;
    }
    Image.Pinned = E->Pushed;
    for (ModelTask &T : Model.Tasks)
      if (T.ImageKey == Image.Key)
        T.Image = E->Pushed;
  }
}

} // namespace taskscan
