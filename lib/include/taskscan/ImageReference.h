//===- ImageReference.h - OCI image references, split as flytekit does ----===//
//
// An image reference such as `ghcr.io/acme/spark:3.5@sha256:<hex>`.  flytekit
// splits a reference at its last '@' (digest), else at its last ':' when what
// follows has no '/' (tag), else it has neither; `fqn` is what precedes them.
//
//===----------------------------------------------------------------------===//
#ifndef TASKSCAN_IMAGEREFERENCE_H
#define TASKSCAN_IMAGEREFERENCE_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace taskscan {

struct ImageReference {
  std::string Fqn;    ///< Reference without tag or digest (`repo:tag` when both).
  std::string Tag;    ///< Empty when none.
  std::string Digest; ///< `sha256:<hex>`, empty when none.

  /// Splits \p Text exactly as flytekit does; never fails.
  static ImageReference split(llvm::StringRef Text);

  /// The digest if there is one, else the tag (either may be empty).
  std::string version() const { return Digest.empty() ? Tag : Digest; }
  bool hasVersion() const { return !Tag.empty() || !Digest.empty(); }
  /// The reference as written: fqn[:tag][@digest].
  std::string full() const;
};

/// Checks \p Text against the OCI distribution reference grammar
/// (docker/distribution `reference.ReferenceRegexp`, with its 255-character
/// name limit and sha256/sha512 digest lengths). Returns a one-sentence reason
/// when invalid, std::nullopt when valid.
std::optional<std::string> validateImageReference(llvm::StringRef Text);

/// The tag an image is built under (`docker build -t`, docker-bake.json's
/// `tags`), from the reference its tasks name. A tag never holds a digest
/// (`docker build -t x@sha256:..` and buildx both refuse one): a reference
/// pinned by digest names an image built elsewhere, and task-scan's own build
/// of that image's Dockerfile is tagged `repo:tag` when the reference has a
/// tag (`repo:tag@sha256:..`), else `repo:task-scan-<first 12 hex digits>`.
/// A reference without a digest is its own build tag.
std::string buildTagFor(llvm::StringRef Reference);

/// Checks \p Tag against the rules buildx and `docker build -t` apply to a
/// tag: a valid reference (validateImageReference) without a digest. Returns
/// a one-sentence reason when invalid.
std::optional<std::string> validateBuildTag(llvm::StringRef Tag);

} // namespace taskscan

#endif
