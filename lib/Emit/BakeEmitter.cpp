//===- BakeEmitter.cpp - docker-bake.json ---------------------------------===//
//
// One `docker buildx bake` target per image, all in the group `default` so
// that a bare `docker buildx bake` builds every image: the context is the
// image's folder (relative to the output directory, where bake runs), the
// Dockerfile the one generated there, and the tag the image's build tag:
// the resolved reference the Flyte tasks name, except that a reference
// pinned by digest is built as `repo:tag` (or `repo:task-scan-<hex>`), since
// buildx refuses a digest in a tag (see buildTagFor). Keys are valid bake target names
// ([a-z0-9_-]); a target named `default` inside the group `default` is
// resolved as that target by buildx. Strings are made valid UTF-8 and
// escaped by llvm::json.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Emitters.h"
#include "taskscan/ImageReference.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace taskscan {

std::string emitBakeFile(const ProjectModel &Model) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attributeObject("group", [&] {
      J.attributeObject("default", [&] {
        J.attributeArray("targets", [&] {
          for (const ModelImage &Image : Model.Images)
            J.value(llvm::json::fixUTF8(Image.Key));
        });
      });
    });
    J.attributeObject("target", [&] {
      for (const ModelImage &Image : Model.Images)
        J.attributeObject(llvm::json::fixUTF8(Image.Key), [&] {
          J.attribute("context", llvm::json::fixUTF8("images/" + Image.Key));
          J.attribute("dockerfile", "Dockerfile");
          J.attributeArray("tags", [&] {
            // A model made by hand may leave BuildTag empty: derive it.
            J.value(llvm::json::fixUTF8(Image.BuildTag.empty()
                                            ? buildTagFor(Image.Reference)
                                            : Image.BuildTag));
          });
        });
    });
  });
  OS << '\n';
  return Out;
}

} // namespace taskscan
