// Compiler arguments as clang's driver reads them: what the scan drops
// (GCC-only options, precompiled headers), what the tool takes as sources
// after `--`, and which entries are in a language no task can be in.
#include "taskscan/Scanner.h"

#include "llvm/ADT/STLExtras.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace taskscan;

namespace {

TEST(ClassifyArgumentsTest, OptionsValuesInputsAndUnknownOptions) {
  std::vector<std::string> Args = {"-std=c++17", "-include", "x.h", "a.cpp",
                                   "-fconcepts-diagnostics-depth=3", "-I", "inc",
                                   "-DNAME=b.cpp", "src/b.cc"};
  using K = ArgumentKind;
  EXPECT_EQ(classifyArguments(Args),
            (std::vector<K>{K::Option, K::Option, K::Option, K::Input, K::Unknown, K::Option,
                            K::Option, K::Option, K::Input}));
}

TEST(ClassifyArgumentsTest, EmptyAndInputsOnly) {
  EXPECT_TRUE(classifyArguments({}).empty());
  EXPECT_EQ(classifyArguments({"a.cpp", "b.cpp"}),
            (std::vector<ArgumentKind>{ArgumentKind::Input, ArgumentKind::Input}));
}

TEST(UnscannableLanguageTest, ByOptionXThenExtension) {
  auto Language = [](std::vector<std::string> CommandLine) {
    std::string File = CommandLine.back();
    return unscannableLanguage({File, "/build", CommandLine});
  };
  EXPECT_EQ(Language({"nvcc", "-O3", "-x", "cu", "-c", "k.cu"}), "CUDA");
  EXPECT_EQ(Language({"nvcc", "-c", "k.cu"}), "CUDA");
  EXPECT_EQ(Language({"hipcc", "-c", "k.hip"}), "HIP");
  EXPECT_EQ(Language({"clang", "-c", "k.cl"}), "OpenCL");
  EXPECT_EQ(Language({"cc", "-c", "start.S"}), "assembler");
  EXPECT_EQ(Language({"c++", "-x", "assembler", "-c", "boot.s"}), "assembler");
  EXPECT_EQ(Language({"c++", "-c", "a.cpp"}), "");
  EXPECT_EQ(Language({"cc", "-c", "a.c"}), "");
  EXPECT_EQ(Language({"c++", "-x", "c++", "-c", "looks_like.cu"}), "");
  // After `-x none` the extension decides again.
  EXPECT_EQ(Language({"c++", "-x", "c++", "a.cpp", "-x", "none", "-c", "k.cu"}), "CUDA");
  // Unknown to the driver (a header as .inl): scanned, as before.
  EXPECT_EQ(Language({"c++", "-c", "impl.inl"}), "");
  EXPECT_EQ(unscannableLanguage({"a.cpp", "/build", {}}), "");
}

/// Whether \p Args holds \p Sequence in a row.
bool holds(const std::vector<std::string> &Args, std::vector<std::string> Sequence) {
  return std::search(Args.begin(), Args.end(), Sequence.begin(), Sequence.end()) != Args.end();
}

TEST(ScanCommandLineTest, PrecompiledHeadersAreNeverRead) {
  ScanOptions Options;
  // CMake's target_precompile_headers with clang.
  std::vector<std::string> Cmake = scanCommandLine(
      {"/s/a.cpp", "/b",
       {"clang++", "-Winvalid-pch", "-Xclang", "-include-pch", "-Xclang", "/b/cmake_pch.hxx.pch",
        "-Xclang", "-include", "-Xclang", "/b/cmake_pch.hxx", "-c", "/s/a.cpp"}},
      Options);
  EXPECT_FALSE(llvm::is_contained(Cmake, "-include-pch"));
  EXPECT_FALSE(llvm::is_contained(Cmake, "/b/cmake_pch.hxx.pch"));
  EXPECT_TRUE(holds(Cmake, {"-Xclang", "-include", "-Xclang", "/b/cmake_pch.hxx"}));

  // GCC's form: the driver would swap in cmake_pch.hxx.gch; the front end
  // gets the header itself.
  std::vector<std::string> Gcc = scanCommandLine(
      {"/s/a.cpp", "/b", {"g++", "-include", "/b/cmake_pch.hxx", "-c", "/s/a.cpp"}}, Options);
  EXPECT_TRUE(holds(Gcc, {"-Xclang", "-include", "-Xclang", "/b/cmake_pch.hxx"}));
  std::vector<std::string> Joined = scanCommandLine(
      {"/s/a.cpp", "/b", {"g++", "-includeconfig.h", "-c", "/s/a.cpp"}}, Options);
  EXPECT_TRUE(holds(Joined, {"-Xclang", "-include", "-Xclang", "config.h"}));

  // A plain -include-pch whose header does not exist is only dropped.
  std::vector<std::string> Plain = scanCommandLine(
      {"/s/a.cpp", "/b", {"clang++", "-include-pch", "/nowhere/x.h.pch", "-c", "/s/a.cpp"}},
      Options);
  EXPECT_FALSE(llvm::is_contained(Plain, "-include-pch"));
  EXPECT_FALSE(llvm::is_contained(Plain, "/nowhere/x.h.pch"));
  EXPECT_FALSE(llvm::is_contained(Plain, "/nowhere/x.h"));
}

} // namespace
