// Compiler arguments as clang's driver reads them: what the scan drops
// (GCC-only options) and what the tool takes as sources after `--`.
#include "taskscan/Scanner.h"

#include "gtest/gtest.h"

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

} // namespace
