//===- TemplateResolver.h - container_image templates, as flytekit does ---===//
//
// flytekit resolves `{{.image.NAME.ATTR}}` placeholders in a task's
// container_image with the regex
//     {{\s*\.image[s]?\.([a-zA-Z0-9_-]+)(\.([a-zA-Z0-9_-]+))?\s*}}
// (keyword case-insensitive, names and attributes case-sensitive). SPEC.md
// section 3 lists every rule; this module is where compatibility lives.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_TEMPLATERESOLVER_H
#define TASKSCAN_TEMPLATERESOLVER_H

#include "taskscan/ImageConfig.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <variant>

namespace taskscan {

struct ResolveError {
  std::string Check;   ///< e.g. "task-scan-unknown-image".
  std::string Message; ///< One sentence, e.g. "unknown image 'gpu2' in
                       ///< container_image; configured images: default, gpu".
  std::string Note;    ///< Optional extra line (e.g. "did you mean 'gpu'?").
};

struct ResolvedImage {
  std::string Reference;     ///< The resolved, validated OCI reference.
  std::string ConfiguredKey; ///< Image name whose reference is exactly this
                             ///< (preferring "default", else the smallest
                             ///< name); empty when none.
  /// A warning about a valid but suspicious template, with its note
  /// (check task-scan-image-version-suffix), or empty.
  std::string Warning, WarningNote;
};

/// Resolves \p Template (the container_image text as written; empty means
/// the default image) against \p Config. Check names used:
///  task-scan-unknown-image       placeholder names an image not configured
///  task-scan-no-default-image    default image needed but none configured
///  task-scan-image-attribute     attribute other than fqn/version
///  task-scan-image-untagged      {{.image.x}} / version of an image that
///                                has no tag or digest (and no default version)
///  task-scan-unresolved-template something template-like left after resolving
///  task-scan-image-reference     result is not a valid OCI reference
std::variant<ResolvedImage, ResolveError>
resolveContainerImage(llvm::StringRef Template, const ImageConfig &Config);

} // namespace taskscan

#endif
