//===- Emitters.h - One emitter per generated file kind -------------------===//
//
// Each emitter is a pure function of the model: same model, same bytes.
// Escaping for each target language lives in Escaping.h.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_EMITTERS_H
#define TASKSCAN_EMITTERS_H

#include "taskscan/ProjectModel.h"

#include <string>
#include <vector>

namespace taskscan {

/// A file to write, by path relative to the output directory.
struct GeneratedFile {
  std::string Path;
  std::string Content;
};

/// DIR/manifest.json (SPEC section 5, schema_version 1).
std::string emitManifest(const ProjectModel &Model);

/// DIR/images/<key>/entrypoint.cpp: main() of the image's executable.
/// \p OutputDir (absolute) locates headers relative to the entrypoint.
std::string emitEntrypoint(const ProjectModel &Model, const ModelImage &Image,
                           llvm::StringRef OutputDir);

/// DIR/images/<key>/Dockerfile and Dockerfile.fragment.
std::string emitDockerfile(const ProjectModel &Model, const ModelImage &Image);
std::string emitDockerfileFragment(const ProjectModel &Model,
                                   const ModelImage &Image);

/// DIR/docker-bake.json.
std::string emitBakeFile(const ProjectModel &Model);

/// DIR/flyte_tasks.py: one flytekit ContainerTask per task.
std::string emitFlyteTasksPython(const ProjectModel &Model);

/// Whether \p Relative is a path of the generated layout (what generateAll
/// can produce): the top-level files and images/<key>/<file>. The output
/// writer acts on no other path it reads from disk.
bool isGeneratedFilePath(llvm::StringRef Relative);

/// Every file of the model, sorted by path.
std::vector<GeneratedFile> generateAll(const ProjectModel &Model,
                                       llvm::StringRef OutputDir);

} // namespace taskscan

#endif
