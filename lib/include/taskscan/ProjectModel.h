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
  /// An explicit cache_version's code hash when it was first generated
  /// (carried in manifest.json; see checkKeptCacheVersions); else empty.
  std::string CacheVersionCodeHash;
};

/// The cache_version the task registers with: the explicit one; else, for
/// `cache = true`, one derived from its code (`code-` and 16 hex digits of
/// a hash of ScannedTask::CodeHash and the digest its image is pinned by,
/// when it is): a cached result never outlives the code that made it.
std::optional<std::string> effectiveCacheVersion(const ModelTask &T);

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
  /// build.builder_images: the executable is compiled in this image (a
  /// multi-stage Dockerfile); empty: it is built on the build machine.
  std::string BuilderImage;
  std::string Executable; ///< `<project>_<key>`.
  std::vector<std::string> TaskNames; ///< Sorted.
};

struct ProjectModel {
  std::string ProjectName;
  std::string InstallDir;
  /// File names (sonames) of the project's shared libraries that every
  /// image carries (`--shared-library`), sorted: the build stages them in
  /// images/<key>/lib/, the Dockerfile copies them to imageLibraryDir().
  std::vector<std::string> SharedLibraries;
  std::vector<ModelImage> Images; ///< Sorted by key.
  std::vector<ModelTask> Tasks;   ///< Sorted by name.

  /// The tasks of \p Image, in name order.
  std::vector<const ModelTask *> tasksOf(const ModelImage &Image) const;
};

struct ModelOptions {
  std::string ProjectName = "flyte_tasks";
  std::vector<std::string> SharedLibraries; ///< See ProjectModel.
  std::string BaseDirectory; ///< Files are shown relative to it (the cwd).
};

/// Whether \p Name can prefix executables and CMake targets.
bool isValidProjectName(llvm::StringRef Name);

/// Whether \p Name can be a shared library's file name in an image
/// (`libx.so.1`): no folder, nothing a Dockerfile or shell would read.
bool isValidSharedLibraryName(llvm::StringRef Name);

/// Where an image holds the project's shared libraries: `lib/<project>`
/// beside the install folder (`/usr/local/bin` -> `/usr/local/lib/<project>`),
/// which the staged executable finds through its RUNPATH
/// `$ORIGIN/../lib/<project>` (set by the CMake build when it stages it).
std::string imageLibraryDir(const ProjectModel &Model);

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
