//===- ProjectModel.h - One model of images and tasks ---------------------===//
//
// Scanned tasks plus the image configuration give the model every emitter
// writes from: tasks with resolved images, and images with their keys,
// executables and tasks. Building it is where cross-file checks happen
// (duplicate names, resolution errors).
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_PROJECTMODEL_H
#define TASKSCAN_PROJECTMODEL_H

#include "taskscan/ImageConfig.h"
#include "taskscan/Task.h"

#include <string>
#include <vector>

namespace taskscan {

struct ModelTask {
  ScannedTask Source;
  std::string Image;       ///< The resolved reference.
  std::string ImageKey;
  std::string DisplayFile; ///< Definition file, relative to the base dir.
};

struct ModelImage {
  std::string Key;        ///< [a-z0-9_-]+, unique, stable.
  std::string Reference;  ///< What the tasks name (resolved as flytekit does).
  std::string BuildTag;   ///< What it is built as: never a digest (buildTagFor).
  /// `repo@sha256:..` the registry stored when this very content was pushed
  /// (from the image lock, see ImageLock.h); the tasks then run it. Empty
  /// when unpushed or changed since.
  std::string Pinned;
  std::string BaseImage;  ///< FROM of its Dockerfile.
  /// No build.base_images entry (nor a 'default' one) chose BaseImage.
  bool BaseImageDefaulted = false;
  std::string Link;       ///< build.link: dynamic, static-runtime or static.
  std::string Executable; ///< `<project>_<key>`.
  std::vector<std::string> TaskNames; ///< Sorted.
};

struct ProjectModel {
  std::string ProjectName;
  std::string InstallDir;
  std::vector<ModelImage> Images; ///< Sorted by key.
  std::vector<ModelTask> Tasks;   ///< Sorted by name.

  /// The tasks of \p Image, in name order.
  std::vector<const ModelTask *> tasksOf(const ModelImage &Image) const;
};

struct ModelOptions {
  std::string ProjectName = "flyte_tasks";
  std::string BaseDirectory; ///< Files are shown relative to it (the cwd).
};

/// Whether \p Name can prefix executables and CMake targets.
bool isValidProjectName(llvm::StringRef Name);

/// The key of an image: \p ConfiguredKey when the reference is exactly a
/// configured image, else derived from the reference ([a-z0-9_-]).
std::string deriveImageKey(llvm::StringRef Reference);

/// \p Path relative to \p Base when inside it, else \p Path unchanged.
std::string displayPath(llvm::StringRef Path, llvm::StringRef Base);

ProjectModel buildProjectModel(const std::vector<TranslationUnitResult> &Units,
                               const ImageConfig &Config,
                               const ModelOptions &Options,
                               DiagnosticList &Diags);

} // namespace taskscan

#endif
