#include "taskscan/Diagnostic.h"

#include "gtest/gtest.h"

using namespace taskscan;

TEST(DiagnosticTest, SortsByPositionAndDropsDuplicates) {
  DiagnosticList Diags;
  Diags.error("c", {"b.cpp", 3, 1}, "late");
  Diags.error("c", {"a.cpp", 9, 2}, "early");
  Diags.error("c", {"b.cpp", 3, 1}, "late");
  Diags.sortAndUnique();
  ASSERT_EQ(Diags.items().size(), 2u);
  EXPECT_EQ(Diags.items()[0].Message, "early");
  EXPECT_EQ(Diags.errorCount(), 2u);
}

TEST(DiagnosticTest, RendersCompilerStyleWithoutSourceFile) {
  DiagnosticList Diags;
  Diags.error("task-scan-x", {"missing.cpp", 4, 7}, "bad thing")
      .Notes.push_back({{"other.cpp", 1, 1}, "see here"});
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  renderText(Diags, OS);
  EXPECT_EQ(OS.str(), "missing.cpp:4:7: error: bad thing [task-scan-x]\n"
                      "other.cpp:1:1: note: see here\n");
}

TEST(DiagnosticTest, JsonRoundTrip) {
  DiagnosticList Diags;
  Diags.warning("w", {"f.cpp", 1, 2}, "msg").Notes.push_back({{"g.h", 3, 4}, "n"});
  Diagnostic Back;
  ASSERT_TRUE(fromJson(toJson(Diags.items()[0]), Back));
  EXPECT_EQ(Back.Message, "msg");
  EXPECT_EQ(Back.Level, Severity::Warning);
  ASSERT_EQ(Back.Notes.size(), 1u);
  EXPECT_EQ(Back.Notes[0].Position, (SourcePosition{"g.h", 3, 4}));
}
