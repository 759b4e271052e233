//===- CacheVersionCheck.cpp - An explicit cache_version kept over new code ===//
#include "taskscan/CacheVersionCheck.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <map>

namespace taskscan {

namespace {

/// What the previous manifest says of each task with an explicit
/// cache_version: the version and the code hash it was set at.
std::map<std::string, std::pair<std::string, std::string>>
previousVersions(llvm::StringRef OutputDir) {
  std::map<std::string, std::pair<std::string, std::string>> Out;
  llvm::SmallString<256> Path(OutputDir);
  llvm::sys::path::append(Path, "manifest.json");
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return Out;
  auto Manifest = llvm::json::parse((*Buffer)->getBuffer());
  if (!Manifest) {
    llvm::consumeError(Manifest.takeError());
    return Out;
  }
  const llvm::json::Object *Root = Manifest->getAsObject();
  const llvm::json::Array *Tasks = Root ? Root->getArray("tasks") : nullptr;
  if (!Tasks)
    return Out;
  for (const llvm::json::Value &V : *Tasks) {
    const llvm::json::Object *T = V.getAsObject();
    if (!T || T->getBoolean("cache_version_derived").value_or(true))
      continue;
    auto Name = T->getString("name"), Version = T->getString("cache_version");
    auto SetAt = T->getString("cache_version_code_hash");
    if (!SetAt)
      SetAt = T->getString("code_hash");
    if (Name && Version && SetAt)
      Out[Name->str()] = {Version->str(), SetAt->str()};
  }
  return Out;
}

} // namespace

void checkKeptCacheVersions(ProjectModel &Model, llvm::StringRef OutputDir,
                            DiagnosticList &Diags) {
  auto Previous = previousVersions(OutputDir);
  for (ModelTask &T : Model.Tasks) {
    const ScannedTask &S = T.Source;
    if (!S.Options.Cache || !S.Options.CacheVersion || !S.CodeHash)
      continue;
    T.CacheVersionCodeHash = *S.CodeHash;
    auto It = Previous.find(S.Name);
    if (It == Previous.end() || It->second.first != *S.Options.CacheVersion)
      continue; // a new version: set at this code
    T.CacheVersionCodeHash = It->second.second;
    if (T.CacheVersionCodeHash == *S.CodeHash)
      continue;
    Diags.warning("task-scan-cache-version", S.Annotation,
                  fmt::format("the code of task '{}' changed since cache_version \"{}\" "
                              "was set, but the version did not: Flyte keeps serving "
                              "the results cached by the old code; change cache_version, "
                              "or remove it to have one derived from the code",
                              S.Name, *S.Options.CacheVersion));
  }
}

} // namespace taskscan
