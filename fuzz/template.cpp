//===- template.cpp - Fuzz target: resolveContainerImage ------------------===//
//
// Resolves the input as a container_image template against fixed
// configurations (the first byte picks one: with or without a default, an
// untagged default, a digest default). Whatever resolves is a valid OCI
// reference free of template text; a template without placeholders
// resolves to itself; every message is printable ASCII, so nothing in a
// template reaches the terminal raw.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "taskscan/ImageReference.h"
#include "taskscan/TemplateResolver.h"

#include <cstddef>
#include <cstdint>

using namespace fuzz;

namespace {

const std::string Digest =
    "sha256:" + std::string(64, 'a');

taskscan::ImageConfig makeConfig(unsigned Variant) {
  taskscan::ImageConfig C;
  auto Add = [&](const char *Name, std::string Ref) {
    C.Images[Name] = taskscan::ConfiguredImage{std::move(Ref), {"flyte.yaml", 2, 12}};
  };
  Add("gpu", "ghcr.io/acme/flyte-cpp-gpu:1.4.2");
  Add("spark", "ghcr.io/acme/spark@" + Digest);
  Add("both", "ghcr.io/acme/both:3.5@" + Digest);
  Add("plain", "ghcr.io/acme/plain");
  Add("port", "localhost:5000/x");
  Add("ported", "localhost:5000/y:2");
  Add("ipv6", "[::1]:5000/z:1");
  Add("Gpu", "ghcr.io/acme/upper:1");
  Add("a-b_c", "a/b:c");
  switch (Variant % 4) {
  case 0: Add("default", "ghcr.io/acme/flyte-cpp:1.4.2"); break;
  case 1: break; // no default image
  case 2: Add("default", "ghcr.io/acme/flyte-cpp"); break;
  case 3: Add("default", "ghcr.io/acme/flyte-cpp@" + Digest); break;
  }
  return C;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size == 0 || Size > 1024)
    return 0;
  static const taskscan::ImageConfig Configs[] = {makeConfig(0), makeConfig(1),
                                                  makeConfig(2), makeConfig(3)};
  const taskscan::ImageConfig &Config = Configs[Data[0] % 4];
  llvm::StringRef Template(reinterpret_cast<const char *>(Data + 1), Size - 1);

  auto Result = taskscan::resolveContainerImage(Template, Config);
  if (auto *E = std::get_if<taskscan::ResolveError>(&Result)) {
    FUZZ_CHECK(llvm::StringRef(E->Check).starts_with("task-scan-"),
               "check name " + E->Check);
    FUZZ_CHECK(!E->Message.empty() && isPrintableAscii(E->Message),
               "message with raw bytes: " + shown(E->Message));
    FUZZ_CHECK(isPrintableAscii(E->Note), "note with raw bytes: " + shown(E->Note));
    return 0;
  }
  const auto &R = std::get<taskscan::ResolvedImage>(Result);
  auto Reason = taskscan::validateImageReference(R.Reference);
  FUZZ_CHECK(!Reason, shown(Template) + " resolved to the invalid " +
                          shown(R.Reference) + ": " + (Reason ? *Reason : ""));
  FUZZ_CHECK(llvm::StringRef(R.Reference).find_first_of("{}") ==
                 llvm::StringRef::npos,
             "template text left in " + shown(R.Reference));
  if (!Template.empty() && !Template.contains("{{"))
    FUZZ_CHECK(R.Reference == Template.str(),
               shown(Template) + " without placeholders resolved to " +
                   shown(R.Reference));
  if (Template.empty())
    FUZZ_CHECK(Config.defaultImage() &&
                   R.Reference == Config.defaultImage()->Reference,
               "the empty template is not the default image");
  if (!R.ConfiguredKey.empty()) {
    const taskscan::ConfiguredImage *I = Config.find(R.ConfiguredKey);
    FUZZ_CHECK(I && I->Reference == R.Reference,
               "configured key " + R.ConfiguredKey + " does not name " +
                   R.Reference);
  } else {
    for (const auto &[Name, Image] : Config.Images)
      FUZZ_CHECK(Image.Reference != R.Reference,
                 R.Reference + " is image " + Name + " but has no key");
  }
  // Same input, same answer.
  auto Again = taskscan::resolveContainerImage(Template, Config);
  FUZZ_CHECK(std::get_if<taskscan::ResolvedImage>(&Again) &&
                 std::get<taskscan::ResolvedImage>(Again).Reference ==
                     R.Reference,
             "not deterministic");
  return 0;
}
