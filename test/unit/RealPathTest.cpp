// RealPathCache (one directory answer shared by many files) must answer
// exactly what realPath() answers, for every shape of path a scan meets.
#include "RealPath.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace taskscan {
namespace {

class RealPathTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> Dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("realpath-test", Dir));
    llvm::SmallString<128> Real;
    ASSERT_FALSE(llvm::sys::fs::real_path(Dir, Real));
    Root = std::string(Real);
    write("deep/inc/h.hpp");
    write("deep/inc/other.hpp");
    write("src/a.cpp");
    ASSERT_FALSE(llvm::sys::fs::create_directories(path("build")));
    // dl -> deep/inc: "dl/../x" is deep/x for the kernel, ./x as text.
    ASSERT_FALSE(llvm::sys::fs::create_link("deep/inc", path("dl")));
    ASSERT_FALSE(llvm::sys::fs::create_link("other.hpp", path("deep/inc/alias.hpp")));
    ASSERT_FALSE(llvm::sys::fs::create_link("nowhere.hpp", path("deep/inc/dangling.hpp")));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Root); }

  std::string path(llvm::StringRef Relative) { return Root + "/" + Relative.str(); }
  void write(llvm::StringRef Relative) {
    ASSERT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path(Relative))));
    std::error_code EC;
    llvm::raw_fd_ostream Out(path(Relative), EC);
    ASSERT_FALSE(EC);
    Out << "// " << Relative << "\n";
  }

  std::string Root;
};

TEST_F(RealPathTest, AgreesWithRealPathForEveryShape) {
  RealPathCache Cache;
  for (llvm::StringRef P :
       {"src/a.cpp", "build/../src/a.cpp", "dl/h.hpp", "dl/../inc/h.hpp", "dl/../../src/a.cpp",
        "dl/alias.hpp", "dl/dangling.hpp", "dl/missing.hpp", "missing-dir/x.hpp",
        "dl/../missing-dir/x.hpp", "src/./a.cpp", "src/..", "dl/.."}) {
    // Asked twice: the second answer comes from the remembered directory.
    EXPECT_EQ(Cache.path(Root, P), realPath(Root, P)) << P.str();
    EXPECT_EQ(Cache.path(Root, P), realPath(Root, P)) << P.str();
    EXPECT_EQ(Cache.path("/", path(P)), realPath("/", path(P))) << P.str();
  }
  EXPECT_EQ(Cache.path(Root, "dl/../x.hpp"), path("deep/x.hpp"));
  EXPECT_EQ(Cache.path(Root, "dl/alias.hpp"), path("deep/inc/other.hpp"));
}

TEST_F(RealPathTest, ExistingIsEmptyForWhatIsNotThere) {
  RealPathCache Cache;
  EXPECT_EQ(Cache.existing(path("build/../src/a.cpp")), path("src/a.cpp"));
  EXPECT_EQ(Cache.existing(path("dl/alias.hpp")), path("deep/inc/other.hpp"));
  EXPECT_EQ(Cache.existing(path("dl/missing.hpp")), "");
  EXPECT_EQ(Cache.existing(path("dl/dangling.hpp")), "");
  EXPECT_EQ(Cache.existing(path("missing-dir/x.hpp")), "");
}

} // namespace
} // namespace taskscan
