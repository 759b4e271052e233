//===- ImageLock.h - What the registry stored, pinned by digest ------------===//
//
// `<name>_push` (cmake-modules/FlyteTasksPush.cmake) pushes each image and
// records in DIR/images.lock.json what the registry stored, with the content
// it pushed: the SHA-256 of the Dockerfile and of the executable staged next
// to it. The next codegen pins the tasks of every image whose content is still
// exactly that to the pushed `repo@sha256:...` (immutable deployments, as ko
// and rules_oci do), and falls back to the tag, saying so, when it changed.
// The lock is not a generated file: task-scan reads it and never writes or
// removes it.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_IMAGELOCK_H
#define TASKSCAN_IMAGELOCK_H

#include "taskscan/Diagnostic.h"
#include "taskscan/ProjectModel.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace taskscan {

/// The lock's file name in the output folder.
inline constexpr llvm::StringLiteral ImageLockFileName = "images.lock.json";

struct ImageLockEntry {
  std::string Key;
  std::string Reference;        ///< The tag that was pushed.
  std::string Pushed;           ///< `repo@sha256:<hex>`, what the registry stored.
  std::string DockerfileSha256; ///< Of images/<key>/Dockerfile as pushed.
  std::string ExecutableSha256; ///< Of the executable staged beside it.
  /// librariesSha256() of the shared libraries staged in its lib/; absent
  /// (empty) for an image without any.
  std::string LibrariesSha256;
};

/// Reads \p Text (the lock's JSON). Entries that are malformed, or whose
/// pushed reference is not `<the tag's repository>@<digest>`, are left out
/// with a warning in \p Diags (located at \p Path).
std::vector<ImageLockEntry> parseImageLock(llvm::StringRef Text, llvm::StringRef Path,
                                           DiagnosticList &Diags);

/// Lowercase hex SHA-256 of \p Data.
std::string sha256Hex(llvm::StringRef Data);

/// The content of the shared libraries staged in \p LibDir (images/<key>/lib),
/// \p Names in order: the SHA-256 of the lines `<sha256 of the file> <name>`
/// (FlyteTasksPush.cmake computes the same). Empty when \p Names is; nullopt
/// when one is not staged.
std::optional<std::string> librariesSha256(llvm::StringRef LibDir,
                                           const std::vector<std::string> &Names);

/// Pins the images of \p Model to what DIR/images.lock.json (\p OutputDir)
/// says was pushed, where the image's reference, its Dockerfile (as the
/// model emits it now) and the executable staged in images/<key>/ are those
/// that were pushed: sets ModelImage::Pinned and the image of its tasks.
/// An image whose content changed keeps its tag, with a warning.
void applyImageLock(ProjectModel &Model, llvm::StringRef OutputDir, DiagnosticList &Diags);

} // namespace taskscan

#endif
