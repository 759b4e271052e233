// The prefilter may over-parse, never under-parse: every way of writing a
// task that the compiler accepts must make its translation unit a
// candidate, and each test below checks that the parse agrees.
#include "taskscan/Prefilter.h"
#include "taskscan/Scanner.h"
#include "taskscan/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <atomic>
#include <thread>

using namespace taskscan;

namespace {

class PrefilterTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> Dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("taskscan-prefilter", Dir));
    Root = std::string(Dir);
    Options.ResourceDir = TASK_SCAN_CLANG_RESOURCE_DIR;
    Options.RuntimeIncludeDir = TASK_SCAN_SOURCE_RUNTIME_INCLUDE_DIR;
    // A project header of image names and wrappers, as real code has.
    write("include/project/tasks.hpp", R"(#pragma once
#include <flyte/task.hpp>
namespace images { constexpr const char *kGpu = "{{.image.gpu}}"; }
#define GPU_TASK(...) FLYTE_TASK(container_image = images::kGpu, __VA_ARGS__)
#define BIG_GPU_TASK(...) GPU_TASK(requests_mem = "64Gi", __VA_ARGS__)
)");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Root); }

  void write(llvm::StringRef Relative, llvm::StringRef Text) {
    llvm::SmallString<256> Path(Root);
    llvm::sys::path::append(Path, Relative);
    ASSERT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)));
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    ASSERT_FALSE(EC);
    Out << Text;
  }

  ScanJob job(llvm::StringRef File, std::vector<std::string> Flags = {}) {
    ScanJob Job;
    Job.File = Root + "/" + File.str();
    Job.Directory = Root;
    Job.CommandLine = {"clang++", "-std=c++17", "-Iinclude"};
    Job.CommandLine.insert(Job.CommandLine.end(), Flags.begin(), Flags.end());
    Job.CommandLine.push_back(Job.File);
    return Job;
  }

  /// The prefilter's verdict, checked against the parse: a translation unit
  /// with a task is never skipped.
  PrefilterVerdict verdict(llvm::StringRef File, std::vector<std::string> Flags = {}) {
    ScanJob Job = job(File, std::move(Flags));
    PrefilterVerdict V = Filter.check(Job, Options);
    TranslationUnitResult Parsed = scanTranslationUnit(Job, Options);
    if (!Parsed.Tasks.empty())
      EXPECT_TRUE(V.MayHoldTasks) << File.str() << " holds a task but was skipped";
    return V;
  }

  bool candidate(llvm::StringRef File, std::vector<std::string> Flags = {}) {
    return verdict(File, std::move(Flags)).MayHoldTasks;
  }

  std::string Root;
  ScanOptions Options;
  Prefilter Filter;
};

TEST_F(PrefilterTest, DirectAnnotation) {
  write("a.cpp", "#include <flyte/task.hpp>\nFLYTE_TASK() void f() {}\n");
  PrefilterVerdict V = verdict("a.cpp");
  EXPECT_TRUE(V.MayHoldTasks);
  EXPECT_NE(V.Reason.find("a.cpp:2:1"), std::string::npos) << V.Reason;
}

TEST_F(PrefilterTest, PlainFileIsSkippedWithItsDependencies) {
  write("include/util.hpp", "#pragma once\n#include <string>\nint util();\n");
  write("a.cpp", "#include \"util.hpp\"\n#include <vector>\nint g() { return util(); }\n");
  PrefilterVerdict V = verdict("a.cpp");
  EXPECT_FALSE(V.MayHoldTasks) << V.Reason;
  auto Has = [&](llvm::StringRef Suffix) {
    for (const std::string &D : V.Dependencies)
      if (llvm::StringRef(D).ends_with(Suffix))
        return true;
    return false;
  };
  EXPECT_TRUE(Has("/a.cpp"));
  EXPECT_TRUE(Has("/include/util.hpp"));
  EXPECT_TRUE(Has("/vector"));
  EXPECT_TRUE(llvm::is_sorted(V.Dependencies));
}

TEST_F(PrefilterTest, WrapperFromProjectHeader) {
  write("a.cpp", "#include <project/tasks.hpp>\nGPU_TASK(retries = 1) void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, WrapperOfWrapper) {
  write("a.cpp", "#include <project/tasks.hpp>\nBIG_GPU_TASK() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, WrapperDefinedInIncludedHeaderOfHeader) {
  write("include/mid.hpp", "#pragma once\n#include <project/tasks.hpp>\n"
                           "#define ML_TASK(...) BIG_GPU_TASK(__VA_ARGS__)\n");
  write("a.cpp", "#include \"mid.hpp\"\nML_TASK() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, ObjectLikeAlias) {
  write("a.cpp", "#include <flyte/task.hpp>\n#define T FLYTE_TASK\nT() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, TokenPasting) {
  write("a.cpp", "#include <flyte/task.hpp>\n#define CAT(a, b) a##b\n"
                 "CAT(FLYTE_, TASK)() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, PastingThroughASystemHeaderMacro) {
  // glibc's __CONCAT(x, y) is x ## y, defined in a system header.
  write("a.cpp", "#include <flyte/task.hpp>\n#include <sys/cdefs.h>\n"
                 "__CONCAT(FLYTE_, TASK)() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, FunctionLikeMacroFromCommandLine) {
  write("a.cpp", "#include <flyte/task.hpp>\nCLI_TASK() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp", {"-DCLI_TASK(...)=FLYTE_TASK(__VA_ARGS__)"}));
}

TEST_F(PrefilterTest, ObjectLikeMacroFromCommandLine) {
  write("a.cpp", "#include <flyte/task.hpp>\nCLI_TASK(retries = 2) void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp", {"-DCLI_TASK=FLYTE_TASK"}));
}

TEST_F(PrefilterTest, CommandLineMacroDefinedButNotUsed) {
  write("a.cpp", "#include <flyte/task.hpp>\nvoid f() {}\n");
  EXPECT_FALSE(candidate("a.cpp", {"-DCLI_TASK=FLYTE_TASK"}));
}

TEST_F(PrefilterTest, AnnotationInIncludedHeader) {
  write("include/inline_task.hpp", "#pragma once\n#include <flyte/task.hpp>\n"
                                   "FLYTE_TASK() inline int h() { return 1; }\n");
  write("a.cpp", "#include \"inline_task.hpp\"\nint g() { return h(); }\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, DeclarationInIncludedHeader) {
  write("include/decl.hpp", "#pragma once\n#include <project/tasks.hpp>\n"
                            "GPU_TASK() double train(int epochs);\n");
  write("a.cpp", "#include \"decl.hpp\"\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, IncludeThroughMacro) {
  write("include/hidden.hpp", "#include <project/tasks.hpp>\nGPU_TASK() void f() {}\n");
  write("a.cpp", "#define STR(x) #x\n#define HEADER(name) STR(name.hpp)\n"
                 "#include HEADER(hidden)\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, ForcedInclude) {
  write("include/forced.hpp", "#include <project/tasks.hpp>\nGPU_TASK() void f() {}\n");
  write("a.cpp", "int g();\n");
  EXPECT_TRUE(candidate("a.cpp", {"-include", "forced.hpp"}));
}

TEST_F(PrefilterTest, HasIncludeBranch) {
  write("a.cpp", "#if __has_include(<project/tasks.hpp>)\n#include <project/tasks.hpp>\n"
                 "GPU_TASK() void f() {}\n#endif\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, CommentsStringsAndDeadCodeAreNotTasks) {
  write("a.cpp", R"(#include <project/tasks.hpp>
// FLYTE_TASK(container_image = "x") would make this a task.
/* GPU_TASK() */
const char *doc = "use FLYTE_TASK() or GPU_TASK() to declare a task";
#define S(x) #x
const char *quoted = S(FLYTE_TASK());
#if 0
FLYTE_TASK() void dead() {}
#endif
#ifdef NOT_DEFINED
GPU_TASK() void also_dead() {}
#endif
void f() {}
)");
  PrefilterVerdict V = verdict("a.cpp");
  EXPECT_FALSE(V.MayHoldTasks) << V.Reason;
}

TEST_F(PrefilterTest, WrapperHeaderIncludedButUnused) {
  write("a.cpp", "#include <project/tasks.hpp>\n#include <string>\n"
                 "std::string name() { return images::kGpu; }\n");
  EXPECT_FALSE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, UndefinedFlyteTaskIsLeftToTheParse) {
  // No #include <flyte/task.hpp>: the parse reports the error.
  write("a.cpp", "FLYTE_TASK() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, PreprocessorErrorIsACandidate) {
  write("a.cpp", "#include \"missing.hpp\"\nvoid f() {}\n");
  PrefilterVerdict V = verdict("a.cpp");
  EXPECT_TRUE(V.MayHoldTasks);
  EXPECT_NE(V.Reason.find("missing.hpp"), std::string::npos) << V.Reason;
}

TEST_F(PrefilterTest, WrapperFromSystemHeaderUsedInProject) {
  write("sys/vendor/tasks.hpp", "#pragma once\n#include <flyte/task.hpp>\n"
                                "#define VENDOR_TASK(...) FLYTE_TASK(__VA_ARGS__)\n");
  write("a.cpp", "#include <vendor/tasks.hpp>\nVENDOR_TASK() void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp", {"-isystem", "sys"}));
}

TEST_F(PrefilterTest, TaskWrittenInSystemHeaderMentioningFlyteTask) {
  write("sys/vendor/inline.hpp", "#pragma once\n#include <flyte/task.hpp>\n"
                                 "FLYTE_TASK() inline void vendor() {}\n");
  write("a.cpp", "#include <vendor/inline.hpp>\n");
  EXPECT_TRUE(candidate("a.cpp", {"-isystem", "sys"}));
}

TEST_F(PrefilterTest, RawAnnotationWithoutMacro) {
  write("a.cpp", "[[clang::annotate(\"flyte.task\", \"\")]] void f() {}\n");
  EXPECT_TRUE(candidate("a.cpp"));
}

TEST_F(PrefilterTest, ConditionOnCommandLineMacro) {
  write("a.cpp", "#include <project/tasks.hpp>\n#ifdef WITH_GPU\nGPU_TASK() void f() {}\n#endif\n");
  EXPECT_FALSE(candidate("a.cpp"));
  EXPECT_TRUE(candidate("a.cpp", {"-DWITH_GPU"}));
}

TEST_F(PrefilterTest, ManyThreadsShareOnePrefilter) {
  write("t.cpp", "#include <project/tasks.hpp>\n#include <string>\nGPU_TASK() void f() {}\n");
  write("n.cpp", "#include <project/tasks.hpp>\n#include <string>\nvoid g() {}\n");
  std::vector<std::thread> Threads;
  std::atomic<int> Wrong{0};
  for (int I = 0; I < 4; ++I)
    Threads.emplace_back([&, I] {
      bool Task = I % 2 == 0;
      if (Filter.check(job(Task ? "t.cpp" : "n.cpp"), Options).MayHoldTasks != Task)
        ++Wrong;
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_EQ(Wrong, 0);
}

} // namespace
