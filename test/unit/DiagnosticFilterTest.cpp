#include "taskscan/DiagnosticFilter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace taskscan;

namespace {

CheckGlobs globs(llvm::StringRef Text) {
  std::string Error;
  std::optional<CheckGlobs> G = CheckGlobs::parse(Text, Error);
  EXPECT_TRUE(G.has_value()) << Error;
  return G.value_or(CheckGlobs());
}

} // namespace

TEST(CheckGlobsTest, LastMatchingGlobDecides) {
  CheckGlobs G = globs("task-scan-*, -task-scan-incomplete-check");
  EXPECT_TRUE(G.contains("task-scan-default-argument"));
  EXPECT_FALSE(G.contains("task-scan-incomplete-check"));
  EXPECT_FALSE(G.contains("clang"));
  EXPECT_TRUE(globs("*").contains("clang"));
  EXPECT_TRUE(globs("-*,task-scan-cache-version").contains("task-scan-cache-version"));
  EXPECT_FALSE(globs("task-scan-cache-version").contains("task-scan-cache"));
}

TEST(CheckGlobsTest, RefusesEmptyNamesAndBadGlobs) {
  std::string Error;
  EXPECT_FALSE(CheckGlobs::parse("task-scan-a,,b", Error));
  EXPECT_EQ(Error, "an empty check name");
  EXPECT_FALSE(CheckGlobs::parse("task-scan-[", Error));
  EXPECT_NE(Error.find("task-scan-["), std::string::npos);
}

TEST(SilencedByTest, ClangTidyForms) {
  EXPECT_TRUE(silencedBy("FLYTE_TASK() // NOLINT", "task-scan-x", false));
  EXPECT_TRUE(silencedBy("FLYTE_TASK() // NOLINT(task-scan-x)", "task-scan-x", false));
  EXPECT_TRUE(silencedBy("// NOLINT(clang, task-scan-*)", "task-scan-x", false));
  EXPECT_FALSE(silencedBy("// NOLINT(task-scan-y)", "task-scan-x", false));
  EXPECT_FALSE(silencedBy("// NOLINT(task-scan-x", "task-scan-x", false));
  // NOLINTNEXTLINE counts only on the line before, NOLINT only on the line.
  EXPECT_FALSE(silencedBy("// NOLINTNEXTLINE(task-scan-x)", "task-scan-x", false));
  EXPECT_TRUE(silencedBy("// NOLINTNEXTLINE(task-scan-x)", "task-scan-x", true));
  EXPECT_TRUE(silencedBy("// NOLINTNEXTLINE", "task-scan-x", true));
  EXPECT_FALSE(silencedBy("// NOLINT(task-scan-x)", "task-scan-x", true));
  EXPECT_FALSE(silencedBy("// NOLINTBEGIN", "task-scan-x", false));
  EXPECT_FALSE(silencedBy("int nolint;", "task-scan-x", false));
}

TEST(DiagnosticFilterTest, DropsOnlySilencedWarnings) {
  llvm::SmallString<128> File;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("nolint", "cpp", File));
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(File, EC);
    OS << "FLYTE_TASK() // NOLINT(task-scan-a)\n"     // 1
       << "\n"                                      // 2 (empty: numbering kept)
       << "// NOLINTNEXTLINE(task-scan-b)\n"          // 3
       << "FLYTE_TASK()\n";                         // 4
  }
  DiagnosticList Diags;
  Diags.warning("task-scan-a", {File.str().str(), 1, 1}, "silenced");
  Diags.error("task-scan-a", {File.str().str(), 1, 1}, "an error stays");
  Diags.warning("task-scan-b", {File.str().str(), 4, 1}, "silenced from the line before");
  Diags.warning("task-scan-a", {File.str().str(), 4, 1}, "another check stays");
  Diags.warning("task-scan-a", {"no-such-file.cpp", 1, 1}, "unreadable file stays");
  EXPECT_EQ(dropSilencedWarnings(Diags), 2u);
  ASSERT_EQ(Diags.items().size(), 3u);
  EXPECT_EQ(Diags.items()[0].Message, "an error stays");
  EXPECT_EQ(Diags.items()[1].Message, "another check stays");
  llvm::sys::fs::remove(File);
}

TEST(DiagnosticFilterTest, PromotesNamedWarnings) {
  DiagnosticList Diags;
  Diags.warning("task-scan-a", {"f.cpp", 1, 1}, "a");
  Diags.warning("task-scan-b", {"f.cpp", 2, 1}, "b");
  EXPECT_EQ(promoteWarnings(Diags, globs("task-scan-a")), 1u);
  EXPECT_EQ(Diags.errorCount(), 1u);
  EXPECT_EQ(Diags.items()[0].Level, Severity::Error);
}

TEST(CheckGlobsTest, OutlivesTheTextItWasParsedFrom) {
  // llvm::GlobPattern refers to its text; the command line's value is a
  // temporary. Overwritten before it goes, a borrowed text would not match.
  std::string Error;
  std::optional<CheckGlobs> G;
  {
    std::string Text = "task-scan-default-argument,task-scan-cache-*";
    G = CheckGlobs::parse(Text, Error);
    Text.assign(Text.size(), 'x');
  }
  ASSERT_TRUE(G.has_value());
  EXPECT_TRUE(G->contains("task-scan-default-argument"));
  EXPECT_TRUE(G->contains("task-scan-cache-version"));
}
