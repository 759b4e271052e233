//===- GenerateAll.cpp - Every generated file of a model ------------------===//
#include "taskscan/Emitters.h"

namespace taskscan {

std::vector<GeneratedFile> generateAll(const ProjectModel &Model,
                                       llvm::StringRef OutputDir) {
  std::vector<GeneratedFile> Files;
  Files.push_back({"manifest.json", emitManifest(Model)});
  Files.push_back({"docker-bake.json", emitBakeFile(Model)});
  Files.push_back({"flyte_tasks.py", emitFlyteTasksPython(Model)});
  for (const ModelImage &Image : Model.Images) {
    std::string Dir = "images/" + Image.Key + "/";
    Files.push_back({Dir + "entrypoint.cpp", emitEntrypoint(Model, Image, OutputDir)});
    Files.push_back({Dir + "Dockerfile", emitDockerfile(Model, Image)});
    Files.push_back({Dir + "Dockerfile.fragment", emitDockerfileFragment(Model, Image)});
  }
  llvm::sort(Files, [](const GeneratedFile &A, const GeneratedFile &B) {
    return A.Path < B.Path;
  });
  return Files;
}

} // namespace taskscan
