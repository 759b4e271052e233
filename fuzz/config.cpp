//===- config.cpp - Fuzz targets: parseImageConfig (YAML and INI) ---------===//
//
// Built twice: as fuzz_config_yaml the input is the file as is (the form is
// chosen by content), as fuzz_config_ini an `[images]` header is put first so
// every input takes the INI path. Whatever the file, what ends up in the
// configuration is valid (names, references, install_dir), the result
// agrees with the diagnostics, and messages carry no raw control bytes.
// The input's first line also feeds applyCommandLineImages.
//
//===----------------------------------------------------------------------===//
#include "FuzzSupport.h"

#include "taskscan/ImageConfig.h"
#include "taskscan/ImageReference.h"

#include "llvm/ADT/StringExtras.h"

#include <cstddef>
#include <cstdint>

using namespace fuzz;

namespace {

bool isImageName(llvm::StringRef Name) {
  return !Name.empty() && llvm::all_of(Name, [](char C) {
    return llvm::isAlnum(C) || C == '_' || C == '-';
  });
}

void checkConfig(const taskscan::ImageConfig &Config, llvm::StringRef Input) {
  for (const auto &[Name, Image] : Config.Images) {
    FUZZ_CHECK(isImageName(Name), "image name " + shown(Name) + " from " +
                                      shown(Input));
    auto Reason = taskscan::validateImageReference(Image.Reference);
    FUZZ_CHECK(!Reason, "invalid reference kept: " + shown(Image.Reference));
  }
  for (const auto &[Key, Ref] : Config.BaseImages) {
    FUZZ_CHECK(isImageName(Key), "base image key " + shown(Key));
    FUZZ_CHECK(!taskscan::validateImageReference(Ref),
               "invalid base image kept: " + shown(Ref));
  }
  llvm::StringRef Dir = Config.InstallDir;
  FUZZ_CHECK(Dir.starts_with("/"), "relative install_dir " + shown(Dir));
  FUZZ_CHECK(Dir == "/" || !Dir.ends_with("/"),
             "install_dir not normalised: " + shown(Dir));
  for (char C : Dir)
    FUZZ_CHECK(llvm::isAlnum(C) || llvm::StringRef("._-/").contains(C),
               "install_dir with " + shown(Dir));
}

void checkDiagnostics(const taskscan::DiagnosticList &Diags, bool Ok,
                      llvm::StringRef Path) {
  FUZZ_CHECK(Ok == !Diags.hasErrors(), "result disagrees with diagnostics");
  for (const taskscan::Diagnostic &D : Diags.items()) {
    FUZZ_CHECK(!D.Message.empty(), "empty message");
    FUZZ_CHECK(!hasControlCharacter(D.Message),
               "control byte in message " + shown(D.Message));
    FUZZ_CHECK(isStrictUtf8(D.Message), "message not UTF-8: " + shown(D.Message));
    FUZZ_CHECK(D.Position.File == Path || D.Position.File == "<command line>",
               "diagnostic in " + D.Position.File);
    for (const auto &N : D.Notes)
      FUZZ_CHECK(!hasControlCharacter(N.Message) && isStrictUtf8(N.Message),
                 "control byte in note " + shown(N.Message));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size > 64 * 1024)
    return 0;
  std::string Text(reinterpret_cast<const char *>(Data), Size);
#ifdef TASKSCAN_FUZZ_INI
  Text = "[images]\n" + Text;
#endif
  taskscan::ImageConfig Config;
  taskscan::DiagnosticList Diags;
  bool Ok = taskscan::parseImageConfig(Text, "flyte.yaml", Config, Diags);
  checkDiagnostics(Diags, Ok, "flyte.yaml");
  checkConfig(Config, Text);

  // The first line as --image options, split at spaces, applied on top.
  llvm::StringRef FirstLine = llvm::StringRef(Text).split('\n').first;
  llvm::SmallVector<llvm::StringRef, 8> Words;
  FirstLine.split(Words, ' ', 8, /*KeepEmpty=*/false);
  std::vector<std::string> Options(Words.begin(), Words.end());
  taskscan::DiagnosticList CliDiags;
  bool CliOk = taskscan::applyCommandLineImages(Options, Config, CliDiags);
  checkDiagnostics(CliDiags, CliOk, "<command line>");
  checkConfig(Config, Text);
  return 0;
}
