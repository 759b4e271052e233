//===- SarifTest.cpp - The SARIF writer and the check catalogue -----------===//
#include "taskscan/Checks.h"
#include "taskscan/Sarif.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace taskscan;

namespace {

TEST(Sarif, CatalogueIsSortedAndFindsEveryCheck) {
  llvm::StringRef Previous;
  for (const CheckInfo &C : allChecks()) {
    EXPECT_LT(Previous, llvm::StringRef(C.Name));
    Previous = C.Name;
    EXPECT_EQ(findCheck(C.Name), &C);
    EXPECT_FALSE(llvm::StringRef(C.Summary).empty()) << C.Name.str();
    EXPECT_FALSE(llvm::StringRef(C.Help).empty()) << C.Name.str();
  }
  EXPECT_EQ(findCheck("task-scan-no-such-check"), nullptr);
}

// The log owns its strings: it is printed after the diagnostics it was
// made from are gone, a check the catalogue lacks included.
TEST(Sarif, OwnsItsTextAndNamesUnknownChecks) {
  llvm::json::Value Log = nullptr;
  {
    auto Diags = std::make_unique<DiagnosticList>();
    std::string Check = "task-scan-not-in-the-catalogue-" + std::string(40, 'x');
    Diags->error(Check, {"src/a b.cpp", 3, 5}, std::string(60, 'm'))
        .Notes.push_back({{"src/a b.cpp", 1, 1}, std::string(60, 'n')});
    Log = toSarif(*Diags, {"task-scan", "1.2.3", "/work/proj"});
  }
  std::string Text = llvm::formatv("{0}", Log);
  auto Parsed = llvm::json::parse(Text);
  ASSERT_TRUE(bool(Parsed)) << llvm::toString(Parsed.takeError());
  const auto *Run = (*Parsed->getAsObject()->getArray("runs"))[0].getAsObject();
  const auto *Result = (*Run->getArray("results"))[0].getAsObject();
  std::string Id = "task-scan-not-in-the-catalogue-" + std::string(40, 'x');
  EXPECT_EQ(Result->getString("ruleId"), Id);
  const auto *Rules = Run->getObject("tool")->getObject("driver")->getArray("rules");
  auto Index = Result->getInteger("ruleIndex");
  ASSERT_TRUE(Index);
  EXPECT_EQ((*Rules)[*Index].getAsObject()->getString("id"), Id);
  EXPECT_EQ(Rules->size(), allChecks().size() + 1);
  EXPECT_EQ(Result->getObject("message")->getString("text"), std::string(60, 'm'));
  const auto *Related = (*Result->getArray("relatedLocations"))[0].getAsObject();
  EXPECT_EQ(Related->getObject("message")->getString("text"), std::string(60, 'n'));
  const auto *Artifact =
      Related->getObject("physicalLocation")->getObject("artifactLocation");
  EXPECT_EQ(Artifact->getString("uri"), "src/a%20b.cpp");
  EXPECT_EQ(Artifact->getString("uriBaseId"), "%SRCROOT%");
  EXPECT_EQ(Run->getObject("originalUriBaseIds")->getObject("%SRCROOT%")->getString("uri"),
            "file:///work/proj/");
}

TEST(Sarif, PathsBecomeUris) {
  EXPECT_EQ(pathToUri("src/main.cpp"), "src/main.cpp");
  EXPECT_EQ(pathToUri("/abs/x y#1.cpp"), "file:///abs/x%20y%231.cpp");
  EXPECT_EQ(pathToUri("caf\xc3\xa9.cpp"), "caf%C3%A9.cpp");
}

} // namespace
