//===- ImageConfig.h - The image configuration (flytekit YAML/INI + CLI) --===//
//
// The names a `{{.image.NAME}}` placeholder may use, where each came from (so
// errors can point at it), and task-scan's own `build:` section.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_IMAGECONFIG_H
#define TASKSCAN_IMAGECONFIG_H

#include "taskscan/Diagnostic.h"

#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// One named image and where it was defined.
struct ConfiguredImage {
  std::string Reference;
  SourcePosition Origin; ///< Config file position, or {"<command line>",0,0},
                         ///< or {"FLYTE_INTERNAL_IMAGE",0,0}.
};

struct ImageConfig {
  /// Named images, including "default" when there is a default image.
  std::map<std::string, ConfiguredImage> Images;
  /// `build.base_images`: FROM line of each generated Dockerfile by image key.
  std::map<std::string, std::string> BaseImages;
  /// `build.install_dir`: where the task executable goes inside the image.
  std::string InstallDir = "/usr/local/bin";
  /// `build.link`: how each image's executable is linked, by image key
  /// ('default' as fallback): "dynamic" (the default), "static-runtime"
  /// (`-static-libstdc++ -static-libgcc`) or "static" (`-static`).
  std::map<std::string, std::string> Link;
  /// `build.builder_images` (and `--builder-image`): the image, by image key
  /// (no fallback), in which that image's executable is compiled: its
  /// Dockerfile is then multi-stage.
  std::map<std::string, std::string> BuilderImages;

  const ConfiguredImage *find(llvm::StringRef Name) const;
  const ConfiguredImage *defaultImage() const { return find("default"); }
  /// Base image for the Dockerfile of image \p Key: its own entry, else
  /// "default", else debian:bookworm-slim.
  std::string baseImageFor(llvm::StringRef Key) const;
  /// Link mode of image \p Key: its own entry, else "default", else "dynamic".
  std::string linkFor(llvm::StringRef Key) const;
};

/// Reads a flytekit image config file: YAML with a top-level `images:`
/// mapping (other top-level keys ignored, `build:` read), or the legacy INI
/// form with an `[images]` section (and an optional `[build]` section with
/// `install_dir`, `base_image.<key> = ref`, `builder_image.<key> = ref` and
/// `link.<key> = mode`). The form is chosen by content:
/// a first significant line starting with '[' is INI. Errors (unreadable file,
/// malformed YAML/INI, a name given twice, a value that is not a string,
/// invalid image names (must match [a-zA-Z0-9_-]+), invalid references,
/// aliases/anchors in YAML) are appended to \p Diags located at file:line:col
/// with check names `task-scan-config` or `task-scan-image-reference`.
/// Returns false when any error was reported.
bool loadImageConfigFile(llvm::StringRef Path, ImageConfig &Config,
                         DiagnosticList &Diags);
/// Same, from text already in memory (\p Path used for positions only).
bool parseImageConfig(llvm::StringRef Text, llvm::StringRef Path,
                      ImageConfig &Config, DiagnosticList &Diags);

/// Applies `--image [name=]ref` options in order: a bare ref or `default=ref`
/// sets the default. Two defaults, or one name twice, on the command line are
/// errors; command-line names override the config file's. References are
/// validated (task-scan-image-reference).
bool applyCommandLineImages(const std::vector<std::string> &Options,
                            ImageConfig &Config, DiagnosticList &Diags);

/// Applies `--builder-image key=ref` options in order, over the config
/// file's build.builder_images (add_flyte_tasks' BUILDER_IMAGES: the CMake
/// keyword wins). A malformed option, an invalid key or reference, or one
/// key twice are errors.
bool applyCommandLineBuilderImages(const std::vector<std::string> &Options,
                                   ImageConfig &Config, DiagnosticList &Diags);

/// Takes FLYTE_INTERNAL_IMAGE (if set and non-empty) as the default image,
/// over the config file's images.default; \p EnvValue is the variable's
/// value. Call it before applyCommandLineImages, whose --image comes first:
/// the order of flytekit's CLI (--image, then FLYTE_INTERNAL_IMAGE), which
/// then falls back to its own Python image where task-scan takes
/// images.default.
void applyEnvironmentDefault(std::optional<std::string> EnvValue,
                             ImageConfig &Config);

} // namespace taskscan

#endif
