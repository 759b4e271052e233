// The result cache: a hit needs every key part and every dependency's
// content unchanged; anything odd on disk is a miss, never a crash. Each
// ResultCache instance stands for one run (files are hashed once per run).
#include "taskscan/ResultCache.h"
#include "taskscan/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

using namespace taskscan;

namespace {

class ResultCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> Dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("taskscan-cache", Dir));
    // Real, as the scanner reports files (a temporary directory may be
    // reached through a symbolic link).
    llvm::SmallString<128> Real;
    ASSERT_FALSE(llvm::sys::fs::real_path(Dir, Real));
    Root = std::string(Real);
    CacheDir = Root + "/cache";
    write("include/wrap.hpp", "#define GPU_TASK(...) FLYTE_TASK(__VA_ARGS__)\n");
    write("include/other.hpp", "int other();\n");
    write("a.cpp", "#include \"wrap.hpp\"\nGPU_TASK() void a() {}\n");
    write("b.cpp", "#include \"other.hpp\"\nvoid b() {}\n");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Root); }

  std::string path(llvm::StringRef Relative) { return Root + "/" + Relative.str(); }

  void write(llvm::StringRef Relative, llvm::StringRef Text) {
    std::string Path = path(Relative);
    ASSERT_FALSE(llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)));
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    ASSERT_FALSE(EC);
    Out << Text;
  }

  ScanJob job(llvm::StringRef File) {
    return {path(File), Root, {"clang++", "-std=c++17", "-Iinclude", path(File)}};
  }
  std::vector<std::string> commandLine(const ScanJob &Job) { return Job.CommandLine; }

  /// A parse result as the scanner makes it: a task and what was read.
  TranslationUnitResult resultFor(llvm::StringRef File, llvm::StringRef Header) {
    TranslationUnitResult R;
    R.MainFile = path(File);
    R.Parsed = true;
    ScannedTask T;
    T.Name = "a";
    T.Function = "a";
    T.UnqualifiedName = "a";
    T.Annotation = {path(File), 2, 1};
    T.Definition = {path(File), 2, 17};
    T.Options.ContainerImage = "{{.image.gpu}}";
    R.Tasks.push_back(T);
    R.Dependencies = {path(File), path(Header)};
    return R;
  }

  /// One run: a fresh cache over the same directory.
  ResultCache run(std::string Identity = "tool 1") { return ResultCache(CacheDir, Identity); }

  std::string Root, CacheDir;
};

TEST_F(ResultCacheTest, MissThenHit) {
  ScanJob A = job("a.cpp");
  {
    ResultCache Cache = run();
    EXPECT_FALSE(Cache.lookup(A, A.CommandLine));
    EXPECT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  }
  ResultCache Cache = run();
  std::optional<CachedUnit> Hit = Cache.lookup(A, A.CommandLine);
  ASSERT_TRUE(Hit);
  EXPECT_FALSE(Hit->Skipped);
  EXPECT_FALSE(Hit->Result.Parsed);
  ASSERT_EQ(Hit->Result.Tasks.size(), 1u);
  EXPECT_EQ(Hit->Result.Tasks[0].Options.ContainerImage, "{{.image.gpu}}");
  // Everything but the files read, which hitDependencies() lists.
  TranslationUnitResult Expected = resultFor("a.cpp", "include/wrap.hpp");
  EXPECT_EQ(Cache.hitDependencies(), Expected.Dependencies);
  Expected.Dependencies.clear();
  EXPECT_EQ(toJson(Hit->Result), toJson(Expected));
}

TEST_F(ResultCacheTest, SkippedVerdictRoundTrips) {
  ScanJob B = job("b.cpp");
  ASSERT_TRUE(run().storeSkipped(B, B.CommandLine,
                                 {path("b.cpp"), path("include/other.hpp")}));
  ResultCache Cache = run();
  EXPECT_TRUE(Cache.hitDependencies().empty());
  std::optional<CachedUnit> Hit = Cache.lookup(B, B.CommandLine);
  ASSERT_TRUE(Hit);
  EXPECT_TRUE(Hit->Skipped);
  EXPECT_EQ(Hit->Result.MainFile, path("b.cpp"));
  EXPECT_TRUE(Hit->Result.Dependencies.empty());
  // What the verdict depends on, for --depfile.
  EXPECT_EQ(Cache.hitDependencies(),
            (std::vector<std::string>{path("b.cpp"), path("include/other.hpp")}));
}

TEST_F(ResultCacheTest, HitDependenciesListEachFileOnceAndOnlyOfHits) {
  write("c.cpp", "#include \"other.hpp\"\nvoid c() {}\n");
  ScanJob A = job("a.cpp"), B = job("b.cpp"), C = job("c.cpp");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine, {path("b.cpp"), path("include/other.hpp")}));
    ASSERT_TRUE(Cache.storeSkipped(C, C.CommandLine, {path("c.cpp"), path("include/other.hpp")}));
  }
  ResultCache Cache = run();
  ASSERT_TRUE(Cache.lookup(C, C.CommandLine));
  ASSERT_TRUE(Cache.lookup(B, B.CommandLine));
  // Shared include/other.hpp once; a.cpp was not looked up: not listed.
  EXPECT_EQ(Cache.hitDependencies(),
            (std::vector<std::string>{path("b.cpp"), path("c.cpp"), path("include/other.hpp")}));
}

TEST_F(ResultCacheTest, MissWhenMainFileChanges) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  write("a.cpp", "#include \"wrap.hpp\"\nGPU_TASK(retries = 1) void a() {}\n");
  EXPECT_FALSE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, MissWhenCommandLineChanges) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  ScanJob Defined = A;
  Defined.CommandLine.insert(Defined.CommandLine.begin() + 1, "-DGPU=1");
  EXPECT_FALSE(run().lookup(Defined, Defined.CommandLine));
  EXPECT_TRUE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, MissWhenToolChanges) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run("tool 1").storeResult(A, A.CommandLine,
                                        resultFor("a.cpp", "include/wrap.hpp")));
  EXPECT_FALSE(run("tool 2").lookup(A, A.CommandLine));
  EXPECT_TRUE(run("tool 1").lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, MissWhenDirectoryOrFileDiffers) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  ScanJob OtherDir = A;
  OtherDir.Directory = Root + "/include";
  EXPECT_FALSE(run().lookup(OtherDir, OtherDir.CommandLine));
  ScanJob B = job("b.cpp");
  EXPECT_FALSE(run().lookup(B, A.CommandLine));
}

TEST_F(ResultCacheTest, HeaderEditInvalidatesOnlyItsDependents) {
  ScanJob A = job("a.cpp"), B = job("b.cpp");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine,
                                   {path("b.cpp"), path("include/other.hpp")}));
  }
  write("include/wrap.hpp", "#define GPU_TASK(...) FLYTE_TASK(retries = 3, __VA_ARGS__)\n");
  ResultCache Cache = run();
  EXPECT_FALSE(Cache.lookup(A, A.CommandLine));
  EXPECT_TRUE(Cache.lookup(B, B.CommandLine));
}

TEST_F(ResultCacheTest, AbsentFilesMustStayAbsent) {
  // b.cpp looked for include/new.hpp (a shadowing candidate) and found none.
  ScanJob B = job("b.cpp");
  ASSERT_TRUE(run().storeSkipped(B, B.CommandLine, {path("b.cpp")}, {path("include/new.hpp")}));
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.lookup(B, B.CommandLine));
    // Not a dependency: --depfile names files that exist.
    EXPECT_EQ(Cache.hitDependencies(), std::vector<std::string>{path("b.cpp")});
  }
  write("include/new.hpp", "#define SHADOW 1\n");
  EXPECT_FALSE(run().lookup(B, B.CommandLine));
  // Present when the run stores: the result may predate it, not kept.
  EXPECT_FALSE(run().storeSkipped(B, B.CommandLine, {path("b.cpp")}, {path("include/new.hpp")}));
}

TEST_F(ResultCacheTest, MissWhenDependencyVanishes) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  ASSERT_FALSE(llvm::sys::fs::remove(path("include/wrap.hpp")));
  EXPECT_FALSE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, SameContentRewrittenStillHits) {
  // A touch (new mtime, same bytes) is not an edit.
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  write("include/wrap.hpp", "#define GPU_TASK(...) FLYTE_TASK(__VA_ARGS__)\n");
  EXPECT_TRUE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, CorruptIndexIsAMiss) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  std::string Index = run().indexPath();
  std::string Good = (*llvm::MemoryBuffer::getFile(Index))->getBuffer().str();
  auto Corrupt = [&](const std::string &Text) {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Index, EC);
    Out << Text;
  };
  std::string Flipped = Good;
  Flipped[Good.size() / 2] ^= 0x20;
  std::string ForgedChecksum = Good;
  ForgedChecksum.replace(ForgedChecksum.rfind("checksum ") + 9, 16, "0123456789abcdef");
  for (const std::string &Bad :
       {std::string(), Good.substr(0, Good.size() / 2), Good.substr(0, Good.size() - 1),
        Flipped, ForgedChecksum, std::string("\0\0\0checksum \n", 14),
        std::string(4096, 'x'), Good + "trailing"}) {
    Corrupt(Bad);
    EXPECT_FALSE(run().lookup(A, A.CommandLine)) << Bad.size();
  }
  // A corrupt index is simply replaced.
  EXPECT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  EXPECT_TRUE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, RowsOutOfRangeAreAMiss) {
  // A well-formed index (checksum recomputed) naming a row that is not there.
  ScanJob B = job("b.cpp");
  ASSERT_TRUE(run().storeSkipped(B, B.CommandLine, {path("b.cpp")}));
  std::string Index = run().indexPath();
  std::string Text = (*llvm::MemoryBuffer::getFile(Index))->getBuffer().str();
  Text.erase(Text.rfind("checksum "));
  size_t Row = Text.rfind(" 0\n");
  ASSERT_NE(Row, std::string::npos);
  Text.replace(Row, 3, " 7\n");
  Text += llvm::formatv("checksum {0:x-16}\n", llvm::xxh3_64bits(Text)).str();
  {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Index, EC);
    Out << Text;
  }
  EXPECT_FALSE(run().lookup(B, B.CommandLine));
}

TEST_F(ResultCacheTest, OneIndexForAllEntriesWithSharedHeadersListedOnce) {
  ScanJob A = job("a.cpp"), B = job("b.cpp");
  write("b.cpp", "#include \"wrap.hpp\"\nvoid b() {}\n");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine,
                                   {path("b.cpp"), path("include/wrap.hpp")}));
  }
  std::string Text =
      (*llvm::MemoryBuffer::getFile(run().indexPath()))->getBuffer().str();
  EXPECT_NE(Text.find("\nfiles 3\n"), std::string::npos) << Text;
  EXPECT_NE(Text.find("\nentries 2\n"), std::string::npos) << Text;
  ResultCache Cache = run();
  EXPECT_TRUE(Cache.lookup(A, A.CommandLine));
  EXPECT_TRUE(Cache.lookup(B, B.CommandLine));
}

TEST_F(ResultCacheTest, RunsThatOnlyReadWriteNothing) {
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  llvm::sys::fs::file_status Before, After;
  ASSERT_FALSE(llvm::sys::fs::status(run().indexPath(), Before));
  EXPECT_TRUE(run().lookup(A, A.CommandLine));
  ASSERT_FALSE(llvm::sys::fs::status(run().indexPath(), After));
  EXPECT_EQ(Before.getUniqueID(), After.getUniqueID()); // not replaced
}

TEST_F(ResultCacheTest, CommitsMergeWithWhatOtherRunsCommitted) {
  // Two runs that started together: the second to commit keeps the first's entry.
  ScanJob A = job("a.cpp"), B = job("b.cpp");
  ResultCache First = run(), Second = run();
  ASSERT_TRUE(First.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  ASSERT_TRUE(Second.storeSkipped(B, B.CommandLine, {path("b.cpp")}));
  ASSERT_TRUE(First.commit());
  ASSERT_TRUE(Second.commit());
  ResultCache Cache = run();
  EXPECT_TRUE(Cache.lookup(A, A.CommandLine));
  EXPECT_TRUE(Cache.lookup(B, B.CommandLine));
}

TEST_F(ResultCacheTest, EntriesNoRunUsesAreDropped) {
  ScanJob A = job("a.cpp"), B = job("b.cpp");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine, {path("b.cpp")}));
  }
  write("c.cpp", "void c() {}\n");
  // Ages are kept in whole seconds.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ScanJob C = job("c.cpp");
  {
    // A run that uses A and writes something else: B, unused for over a
    // second, goes; A, used by this run, stays.
    ResultCache Cache(CacheDir, "tool 1", std::chrono::seconds(1));
    ASSERT_TRUE(Cache.lookup(A, A.CommandLine));
    ASSERT_TRUE(Cache.storeSkipped(C, C.CommandLine, {path("c.cpp")}));
  }
  ResultCache Cache = run();
  EXPECT_TRUE(Cache.lookup(A, A.CommandLine));
  EXPECT_FALSE(Cache.lookup(B, B.CommandLine));
  EXPECT_TRUE(Cache.lookup(C, C.CommandLine));
}

TEST_F(ResultCacheTest, ResultsWithClangErrorsAreNotStored) {
  // The error may be a missing header that appears later.
  ScanJob A = job("a.cpp");
  TranslationUnitResult R = resultFor("a.cpp", "include/wrap.hpp");
  R.Diagnostics.error("clang-diagnostic-error", {path("a.cpp"), 1, 10},
                      "'missing.hpp' file not found");
  EXPECT_FALSE(run().storeResult(A, A.CommandLine, R));
  EXPECT_FALSE(run().lookup(A, A.CommandLine));
}

TEST_F(ResultCacheTest, TaskDiagnosticsAreStored) {
  ScanJob A = job("a.cpp");
  TranslationUnitResult R = resultFor("a.cpp", "include/wrap.hpp");
  R.Diagnostics.error("task-scan-unknown-key", {path("a.cpp"), 2, 10}, "unknown key");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, R));
  std::optional<CachedUnit> Hit = run().lookup(A, A.CommandLine);
  ASSERT_TRUE(Hit);
  ASSERT_EQ(Hit->Result.Diagnostics.items().size(), 1u);
  EXPECT_EQ(Hit->Result.Diagnostics.items()[0].Check, "task-scan-unknown-key");
}

TEST_F(ResultCacheTest, FilesChangedDuringTheRunAreNotStored) {
  ScanJob A = job("a.cpp");
  ResultCache Cache = run();
  // Written after the run started: the parse may have seen older content.
  write("include/wrap.hpp", "#define GPU_TASK(...) FLYTE_TASK(retries = 9, __VA_ARGS__)\n");
  EXPECT_FALSE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
}

TEST_F(ResultCacheTest, FilesChangedDuringTheRunWithTheirTimeSetBackAreNotStored) {
  ScanJob A = job("a.cpp");
  llvm::sys::fs::file_status Before;
  ASSERT_FALSE(llvm::sys::fs::status(path("include/wrap.hpp"), Before));
  ResultCache Cache = run();
  // An edit that puts the modification time back (touch -r): the change
  // time, which no one can set, still says it happened during the run.
  write("include/wrap.hpp", "#define GPU_TASK(...) FLYTE_TASK(retries = 9, __VA_ARGS__)\n");
  int FD;
  ASSERT_FALSE(llvm::sys::fs::openFileForWrite(path("include/wrap.hpp"), FD,
                                               llvm::sys::fs::CD_OpenExisting,
                                               llvm::sys::fs::OF_Append));
  ASSERT_FALSE(llvm::sys::fs::setLastAccessAndModificationTime(
      FD, Before.getLastModificationTime()));
  ::close(FD);
  EXPECT_FALSE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
}

TEST_F(ResultCacheTest, EachFileIsHashedOncePerRun) {
  FileHasher Hasher;
  std::optional<FileDigest> First = Hasher.digest(path("a.cpp"));
  ASSERT_TRUE(First);
  write("a.cpp", "changed\n");
  EXPECT_TRUE(First->sameContent(*Hasher.digest(path("a.cpp"))));
  EXPECT_FALSE(First->sameContent(*FileHasher().digest(path("a.cpp"))));
  EXPECT_FALSE(FileHasher().digest(path("missing.cpp")));
}

TEST_F(ResultCacheTest, ConcurrentWritersAndReadersShareOneDirectory) {
  // Separate instances stand for separate task-scan processes: each stores,
  // commits, and a later run finds both entries whole.
  ScanJob A = job("a.cpp"), B = job("b.cpp");
  TranslationUnitResult R = resultFor("a.cpp", "include/wrap.hpp");
  std::atomic<int> Torn{0}, Failed{0};
  std::vector<std::thread> Threads;
  for (int T = 0; T < 8; ++T)
    Threads.emplace_back([&] {
      for (int I = 0; I < 20; ++I) {
        {
          ResultCache Cache = run();
          if (!Cache.storeResult(A, A.CommandLine, R) ||
              !Cache.storeSkipped(B, B.CommandLine, {path("b.cpp")}) || !Cache.commit())
            ++Failed;
        }
        ResultCache Cache = run();
        std::optional<CachedUnit> Hit = Cache.lookup(A, A.CommandLine);
        if (!Hit || Hit->Result.Tasks.size() != 1)
          ++Torn;
        if (!Cache.lookup(B, B.CommandLine))
          ++Torn;
      }
    });
  for (std::thread &T : Threads)
    T.join();
  EXPECT_EQ(Failed, 0);
  EXPECT_EQ(Torn, 0);
  // No temporary files left behind: the index and its lock.
  std::error_code EC;
  std::vector<std::string> Files;
  for (llvm::sys::fs::directory_iterator It(CacheDir, EC), End; It != End && !EC;
       It.increment(EC))
    Files.push_back(llvm::sys::path::filename(It->path()).str());
  llvm::sort(Files);
  EXPECT_EQ(Files, (std::vector<std::string>{"index", "index.lock"}));
}

TEST_F(ResultCacheTest, OrphansAndOldFormatEntriesAreRemovedAtCommit) {
  ScanJob B = job("b.cpp");
  ASSERT_FALSE(llvm::sys::fs::create_directories(CacheDir));
  write("cache/index.tmp-abandoned", "half an index");
  // An entry of the cache's first format (a file per translation unit).
  write("cache/0123456789abcdef0123456789abcdef.entry", "task-scan-cache 1\n");
  write("cache/notes.txt", "the user's own");
  ASSERT_TRUE(run().storeSkipped(B, B.CommandLine, {path("b.cpp")}));
  EXPECT_FALSE(llvm::sys::fs::exists(path("cache/index.tmp-abandoned")));
  EXPECT_FALSE(llvm::sys::fs::exists(path("cache/0123456789abcdef0123456789abcdef.entry")));
  EXPECT_TRUE(llvm::sys::fs::exists(path("cache/notes.txt")));
  EXPECT_TRUE(run().lookup(B, B.CommandLine));
}

TEST_F(ResultCacheTest, RefusalsAreCountedAndTheFirstSaysWhy) {
  ScanJob A = job("a.cpp");
  ResultCache Cache = run();
  EXPECT_FALSE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/gone.hpp")));
  TranslationUnitResult WithoutMain = resultFor("a.cpp", "include/wrap.hpp");
  WithoutMain.Dependencies = {path("include/wrap.hpp")};
  EXPECT_FALSE(Cache.storeResult(A, A.CommandLine, WithoutMain));
  // Results with clang errors are not meant to be kept: not a refusal.
  TranslationUnitResult WithErrors = resultFor("a.cpp", "include/wrap.hpp");
  WithErrors.Diagnostics.error("clang-diagnostic-error", {path("a.cpp"), 1, 1}, "oops");
  EXPECT_FALSE(Cache.storeResult(A, A.CommandLine, WithErrors));
  EXPECT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  ResultCache::StoreReport Report = Cache.storeReport();
  EXPECT_EQ(Report.Stored, 1u);
  EXPECT_EQ(Report.Refused, 2u);
  EXPECT_EQ(Report.FirstRefusal,
            "cannot read '" + path("include/gone.hpp") + "', which the scan read");
}

TEST_F(ResultCacheTest, MainFileNamedThroughASymbolicLink) {
  // The scan reports the real path of what it opened; the job names the
  // file through a link to the project directory.
  ASSERT_FALSE(llvm::sys::fs::create_link(Root, path("link")));
  ScanJob A = job("a.cpp");
  A.File = path("link/sub/../a.cpp");
  ASSERT_FALSE(llvm::sys::fs::create_directories(path("sub")));
  {
    ResultCache Cache = run();
    EXPECT_TRUE(Cache.storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")))
        << Cache.storeReport().FirstRefusal;
  }
  std::optional<CachedUnit> Hit = run().lookup(A, A.CommandLine);
  ASSERT_TRUE(Hit);
  EXPECT_EQ(Hit->Result.MainFile, path("a.cpp"));
}

TEST_F(ResultCacheTest, RowsFollowTheNamesFilesWereOpenedBy) {
  // b.cpp read v/h.hpp, v a symbolic link to v1: the real path is
  // v1/h.hpp, the name it was opened by v/h.hpp.
  write("v1/h.hpp", "// one\n");
  write("v2/h.hpp", "// two\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("v1", path("v")));
  ScanJob B = job("b.cpp");
  ASSERT_TRUE(run().storeSkipped(B, B.CommandLine, {path("b.cpp"), path("v1/h.hpp")}, {},
                                 {path("v/h.hpp")}));
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.lookup(B, B.CommandLine));
    // The name is checked, not listed: dependencies stay real paths.
    EXPECT_EQ(Cache.hitDependencies(),
              (std::vector<std::string>{path("b.cpp"), path("v1/h.hpp")}));
  }
  // v now leads to v2/h.hpp; v1/h.hpp is unchanged.
  ASSERT_FALSE(llvm::sys::fs::remove(path("v")));
  ASSERT_FALSE(llvm::sys::fs::create_link("v2", path("v")));
  EXPECT_FALSE(run().lookup(B, B.CommandLine));
}

} // namespace

/// The stat field of \p File's row in the index ("-" for a racily clean
/// row), or empty when it has no row.
static std::string statFieldOf(const std::string &Index, llvm::StringRef File) {
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Index).split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    llvm::SmallVector<llvm::StringRef, 4> Fields;
    Line.split(Fields, ' ', /*MaxSplit=*/3);
    if (Fields.size() == 4 && Fields[3] == File)
      return Fields[2].str();
  }
  return {};
}

TEST_F(ResultCacheTest, RacyRowGetsItsStatOnlyOnceQuiet) {
  // Written just now: racily clean for a run that starts now.
  write("a.cpp", "#include \"wrap.hpp\"\nGPU_TASK(retries = 3) void a() {}\n");
  ScanJob A = job("a.cpp");
  ASSERT_TRUE(run().storeResult(A, A.CommandLine, resultFor("a.cpp", "include/wrap.hpp")));
  auto ReadIndex = [&] {
    auto Text = llvm::MemoryBuffer::getFile(CacheDir + "/index");
    return Text ? (*Text)->getBuffer().str() : std::string();
  };
  ASSERT_EQ(statFieldOf(ReadIndex(), path("a.cpp")), "-");

  // A run while the file may still be racy: if it wrote a stat, the file
  // was quiet for the whole window before that run started (the rule of
  // store()); a machine stalled for seconds may see it so.
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.lookup(A, A.CommandLine));
    auto Started = std::chrono::system_clock::now();
    ASSERT_TRUE(Cache.commit());
    std::string Field = statFieldOf(ReadIndex(), path("a.cpp"));
    if (Field != "-") {
      struct stat S;
      ASSERT_EQ(::stat(path("a.cpp").c_str(), &S), 0);
      auto Ctime = std::chrono::system_clock::time_point(
          std::chrono::seconds(S.st_ctim.tv_sec) + std::chrono::nanoseconds(S.st_ctim.tv_nsec));
      EXPECT_LT(Ctime, Started - std::chrono::seconds(2))
          << "a racily clean row got a stat while the file was still racy";
    }
  }

  // Quiet for longer than the window: the next hit records the stat, and
  // the run after it writes nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.lookup(A, A.CommandLine));
  }
  std::string After = ReadIndex();
  EXPECT_NE(statFieldOf(After, path("a.cpp")), "-");
  EXPECT_NE(statFieldOf(After, path("a.cpp")), "");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.lookup(A, A.CommandLine));
  }
  EXPECT_EQ(ReadIndex(), After);
}

TEST_F(ResultCacheTest, NameLeadingToAnotherKnownFileIsAMiss) {
  // b.cpp read v1/h.hpp through v/h.hpp; c.cpp read v2/h.hpp, which has the
  // same content. Re-pointing v at v2 keeps every row's content, and v2/h.hpp
  // is a file the index knows, but not one b.cpp read.
  write("v1/h.hpp", "// same\n");
  write("v2/h.hpp", "// same\n");
  write("c.cpp", "#include \"v2/h.hpp\"\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("v1", path("v")));
  ScanJob B = job("b.cpp"), C = job("c.cpp");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine, {path("b.cpp"), path("v1/h.hpp")}, {},
                                   {path("v/h.hpp")}));
    ASSERT_TRUE(Cache.storeSkipped(C, C.CommandLine, {path("c.cpp"), path("v2/h.hpp")}));
  }
  ASSERT_TRUE(run().lookup(B, B.CommandLine));
  ASSERT_FALSE(llvm::sys::fs::remove(path("v")));
  ASSERT_FALSE(llvm::sys::fs::create_link("v2", path("v")));
  ResultCache Cache = run();
  EXPECT_FALSE(Cache.lookup(B, B.CommandLine));
  EXPECT_TRUE(Cache.lookup(C, C.CommandLine));
}

TEST_F(ResultCacheTest, EntriesThatReadTheSameHeadersShareOneGroup) {
  // Two files that read the same header, one opened by another name: the
  // index lists the header's row once, in a group both entries name.
  write("c.cpp", "#include \"wrap.hpp\"\nvoid c() {}\n");
  ScanJob B = job("b.cpp"), C = job("c.cpp");
  {
    ResultCache Cache = run();
    ASSERT_TRUE(Cache.storeSkipped(B, B.CommandLine, {path("b.cpp"), path("include/wrap.hpp")},
                                   {}, {path("include/../b.cpp")}));
    ASSERT_TRUE(Cache.storeSkipped(C, C.CommandLine, {path("c.cpp"), path("include/wrap.hpp")}));
  }
  auto Text = llvm::MemoryBuffer::getFile(CacheDir + "/index");
  ASSERT_TRUE(Text);
  llvm::StringRef Index = (*Text)->getBuffer();
  EXPECT_TRUE(Index.contains("\ngroups 1\n")) << Index.str();
  EXPECT_EQ(Index.count(" @0\n"), 2u) << Index.str();
  ResultCache Cache = run();
  EXPECT_TRUE(Cache.lookup(B, B.CommandLine));
  EXPECT_TRUE(Cache.lookup(C, C.CommandLine));
  EXPECT_EQ(Cache.hitDependencies(),
            (std::vector<std::string>{path("b.cpp"), path("c.cpp"), path("include/wrap.hpp")}));
}
