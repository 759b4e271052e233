//===- GenerateAll.cpp - Every generated file of a model ------------------===//
#include "taskscan/Emitters.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace taskscan {

namespace {

// The generated layout (SPEC section 5): these names and nothing else.
constexpr llvm::StringLiteral TopLevelFiles[] = {"manifest.json", "docker-bake.json",
                                                 "flyte_tasks.py"};
constexpr llvm::StringLiteral ImagesDir = "images";
constexpr llvm::StringLiteral ImageFiles[] = {"entrypoint.cpp", "Dockerfile",
                                              "Dockerfile.fragment"};

bool isImageKey(llvm::StringRef Key) {
  return !Key.empty() && llvm::all_of(Key, [](char C) {
    return llvm::isLower(C) || llvm::isDigit(C) || C == '_' || C == '-';
  });
}

} // namespace

bool isGeneratedFilePath(llvm::StringRef Relative) {
  if (llvm::is_contained(TopLevelFiles, Relative))
    return true;
  auto [Dir, Rest] = Relative.split('/');
  auto [Key, File] = Rest.split('/');
  return Dir == ImagesDir && isImageKey(Key) && llvm::is_contained(ImageFiles, File);
}

std::vector<GeneratedFile> generateAll(const ProjectModel &Model,
                                       llvm::StringRef OutputDir) {
  std::vector<GeneratedFile> Files;
  Files.push_back({TopLevelFiles[0].str(), emitManifest(Model)});
  Files.push_back({TopLevelFiles[1].str(), emitBakeFile(Model)});
  Files.push_back({TopLevelFiles[2].str(), emitFlyteTasksPython(Model)});
  for (const ModelImage &Image : Model.Images) {
    std::string Dir = (ImagesDir + "/" + Image.Key + "/").str();
    Files.push_back({Dir + ImageFiles[0].str(), emitEntrypoint(Model, Image, OutputDir)});
    Files.push_back({Dir + ImageFiles[1].str(), emitDockerfile(Model, Image)});
    Files.push_back({Dir + ImageFiles[2].str(), emitDockerfileFragment(Model, Image)});
  }
  llvm::sort(Files, [](const GeneratedFile &A, const GeneratedFile &B) {
    return A.Path < B.Path;
  });
  return Files;
}

} // namespace taskscan
