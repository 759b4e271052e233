// Writing outputs is all or nothing. The entrypoint tests cannot make a copy fail after the task
// returned (the runtime checks returned files first), so this drives the writer directly.

#include <flyte/runtime.hpp>

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using flyte::runtime::detail::OutputValue;
using flyte::runtime::detail::TaskFailure;
using flyte::runtime::detail::writeOutputs;

class WriteOutputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "flyte-runtime-write-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(WriteOutputsTest, WritesScalarsAndLists) {
  writeOutputs({OutputValue{"o0", false, {{"1", std::nullopt}}},
                OutputValue{"o1", true, {{"a", std::nullopt}, {"b", std::nullopt}}}},
               dir_);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "o0"));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "o1" / "1"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2);
}

TEST_F(WriteOutputsTest, FailedCopyRemovesEverythingWritten) {
  std::ofstream(dir_ / "unrelated") << "kept";
  std::vector<OutputValue> outputs{
      OutputValue{"o0", false, {{"1", std::nullopt}}},
      OutputValue{"o1", true, {{"a", std::nullopt}}},
      OutputValue{"o2", false, {{"/gone", fs::path("/nonexistent/flyte-runtime-gone")}}},
  };
  try {
    writeOutputs(outputs, dir_);
    FAIL() << "no failure";
  } catch (const TaskFailure& failure) {
    EXPECT_EQ(std::string(failure.what()).rfind("output 'o2': cannot copy \"/nonexistent/flyte-runtime-gone\" to ", 0),
              0u)
        << failure.what();
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_)) left.push_back(entry.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"unrelated"});
}

}  // namespace
