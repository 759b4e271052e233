//===- ManifestEmitter.cpp - manifest.json --------------------------------===//
#include "taskscan/Emitters.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace taskscan {

namespace {

void writeValues(llvm::json::OStream &J, const std::vector<TaskValue> &Values) {
  J.array([&] {
    for (const TaskValue &V : Values)
      J.object([&] {
        J.attribute("name", V.Name);
        J.attribute("cpp_type", V.CppType);
        J.attribute("flyte_type", V.Type.name());
      });
  });
}

void writeResources(llvm::json::OStream &J,
                    const std::vector<std::pair<std::string, std::string>> &R) {
  J.object([&] {
    for (const auto &[Name, Quantity] : R)
      J.attribute(Name, Quantity);
  });
}

llvm::json::Value optional(const std::optional<std::string> &S) {
  return S ? llvm::json::Value(*S) : llvm::json::Value(nullptr);
}

} // namespace

std::string emitManifest(const ProjectModel &Model) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attribute("schema_version", 1);
    J.attributeArray("images", [&] {
      for (const ModelImage &Image : Model.Images)
        J.object([&] {
          J.attribute("key", Image.Key);
          J.attribute("reference", Image.Reference);
          // What it is built as (never a digest), how its executable is
          // linked, and the pushed digest its tasks run (null: the tag).
          J.attribute("build_tag", Image.BuildTag);
          J.attribute("pinned", Image.Pinned.empty() ? llvm::json::Value(nullptr)
                                                     : llvm::json::Value(Image.Pinned));
          J.attribute("executable", Image.Executable);
          J.attribute("base_image", Image.BaseImage);
          J.attribute("link", Image.Link);
          if (!Image.BuilderImage.empty())
            J.attribute("builder_image", Image.BuilderImage);
          J.attributeArray("tasks", [&] {
            for (const std::string &Name : Image.TaskNames)
              J.value(Name);
          });
        });
    });
    J.attributeArray("tasks", [&] {
      for (const ModelTask &T : Model.Tasks) {
        const ScannedTask &S = T.Source;
        J.object([&] {
          J.attribute("name", S.Name);
          J.attribute("function", S.Function);
          J.attribute("file", T.DisplayFile);
          J.attribute("line", S.Definition.Line);
          J.attribute("container_image", optional(S.Options.ContainerImage));
          J.attribute("image", T.Image);
          J.attribute("image_key", T.ImageKey);
          J.attributeBegin("inputs");
          writeValues(J, S.Inputs);
          J.attributeEnd();
          J.attributeBegin("outputs");
          writeValues(J, S.Outputs);
          J.attributeEnd();
          J.attribute("retries", S.Options.Retries);
          J.attribute("timeout", optional(S.Options.Timeout));
          J.attribute("cache", S.Options.Cache);
          // The version registered: explicit, or derived from the code.
          J.attribute("cache_version", optional(effectiveCacheVersion(T)));
          J.attribute("cache_version_derived",
                      S.Options.Cache && !S.Options.CacheVersion);
          J.attribute("code_hash", optional(S.CodeHash));
          if (!T.CacheVersionCodeHash.empty())
            J.attribute("cache_version_code_hash", T.CacheVersionCodeHash);
          J.attributeBegin("requests");
          writeResources(J, S.Options.Requests);
          J.attributeEnd();
          J.attributeBegin("limits");
          writeResources(J, S.Options.Limits);
          J.attributeEnd();
        });
      }
    });
  });
  OS << '\n';
  return Out;
}

} // namespace taskscan
