//===- GenerateAll.cpp - Every generated file of a model ------------------===//
#include "taskscan/Emitters.h"

namespace taskscan {

std::vector<GeneratedFile> generateAll(const ProjectModel &Model,
                                       llvm::StringRef OutputDir) {
  std::vector<GeneratedFile> Files;
  Files.push_back({"manifest.json", emitManifest(Model)});
  for (const ModelImage &Image : Model.Images) {
    std::string Dir = "images/" + Image.Key + "/";
    Files.push_back({Dir + "entrypoint.cpp", emitEntrypoint(Model, Image, OutputDir)});
  }
  llvm::sort(Files, [](const GeneratedFile &A, const GeneratedFile &B) {
    return A.Path < B.Path;
  });
  return Files;
}

} // namespace taskscan
