//===- ScanDriver.cpp - All translation units, in parallel ----------------===//
//
// Each translation unit is answered by the cheapest source that knows: the
// result cache, then the prefilter ("no task can be here"), then the parse.
//
//===----------------------------------------------------------------------===//
#include "TaskExtractor.h"

#include "taskscan/Prefilter.h"
#include "taskscan/ResultCache.h"
#include "taskscan/Scanner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <numeric>
#include <optional>

namespace taskscan {

std::vector<ScanJob>
jobsFromDatabase(const clang::tooling::CompilationDatabase &Database,
                 const std::vector<std::string> &Sources) {
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  std::vector<std::string> Files = Sources;
  if (Files.empty())
    Files = Database.getAllFiles();
  std::vector<ScanJob> Jobs;
  for (const std::string &Source : Files) {
    std::string File = absolutePath(Cwd, Source);
    for (const clang::tooling::CompileCommand &Command :
         Database.getCompileCommands(File))
      Jobs.push_back({File, Command.Directory, Command.CommandLine});
  }
  return Jobs;
}

namespace {

/// Where each translation unit's answer came from.
enum class Outcome { Parsed, Cached, Skipped };

/// What decides a result besides the files read: the build's command line
/// and the options scanCommandLine() adds to it (how it combines them is
/// covered by the tool's identity in the cache key). Cheaper than
/// scanCommandLine() itself, which a warm run would otherwise pay per file.
std::vector<std::string> cacheKeyArguments(const ScanJob &Job,
                                           const ScanOptions &Options) {
  std::vector<std::string> Key = Job.CommandLine;
  Key.push_back("--resource-dir=" + Options.ResourceDir);
  Key.push_back("--runtime-include-dir=" + Options.RuntimeIncludeDir);
  return Key;
}

} // namespace

// Three phases, each only for what the one before left open: the cache
// answers (microseconds per translation unit; a warm run ends here), the
// prefilter answers (milliseconds each), then the candidates are parsed
// (about a second each). The prefilter's shared file contents are released
// before the parses, which keeps peak memory to the parses in flight.
ScanResult scanAll(const std::vector<ScanJob> &Jobs, const ScanOptions &Options) {
  ScanResult Result;
  Result.Units.resize(Jobs.size());
  std::vector<Outcome> Outcomes(Jobs.size(), Outcome::Parsed);
  std::vector<std::vector<std::string>> CacheKeys(Jobs.size());
  std::optional<ResultCache> Cache;
  if (!Options.CacheDir.empty())
    Cache.emplace(Options.CacheDir);
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Options.Jobs));
  // Runs Work(I) for each I in Indices on the pool; returns those for which
  // it returned false (still open).
  auto Each = [&](const std::vector<size_t> &Indices, auto Work) {
    std::vector<char> Open(Indices.size(), 0);
    for (size_t N = 0; N < Indices.size(); ++N)
      Pool.async([&, N] { Open[N] = !Work(Indices[N]); });
    Pool.wait();
    std::vector<size_t> Left;
    for (size_t N = 0; N < Indices.size(); ++N)
      if (Open[N])
        Left.push_back(Indices[N]);
    return Left;
  };

  std::vector<size_t> Open(Jobs.size());
  std::iota(Open.begin(), Open.end(), 0);
  if (Cache)
    Open = Each(Open, [&](size_t I) {
      CacheKeys[I] = cacheKeyArguments(Jobs[I], Options);
      std::optional<CachedUnit> Hit = Cache->lookup(Jobs[I], CacheKeys[I]);
      // A cached "no task" is the prefilter's word; --scan-all parses.
      if (!Hit || (Hit->Skipped && !Options.Prefilter))
        return false;
      Result.Units[I] = std::move(Hit->Result);
      Outcomes[I] = Outcome::Cached;
      return true;
    });

  if (Options.Prefilter && !Open.empty()) {
    Prefilter Filter;
    Open = Each(Open, [&](size_t I) {
      const ScanJob &Job = Jobs[I];
      PrefilterVerdict Verdict = Filter.check(Job, Options);
      if (Verdict.MayHoldTasks)
        return false;
      TranslationUnitResult &Unit = Result.Units[I];
      Unit.MainFile = absolutePath(Job.Directory, Job.File);
      Outcomes[I] = Outcome::Skipped;
      if (Cache)
        Cache->storeSkipped(Job, CacheKeys[I], Verdict.Dependencies, Verdict.AbsentFiles);
      // Kept for --depfile: an edit to any of them may add a task.
      Unit.Dependencies = std::move(Verdict.Dependencies);
      return true;
    });
  }

  Each(Open, [&](size_t I) {
    Result.Units[I] = scanTranslationUnit(Jobs[I], Options);
    if (Cache)
      Cache->storeResult(Jobs[I], CacheKeys[I], Result.Units[I]);
    return true;
  });
  if (Cache)
    Cache->commit(); // a cache that cannot be written only costs time

  for (Outcome O : Outcomes)
    switch (O) {
    case Outcome::Parsed: ++Result.Stats.Parsed; break;
    case Outcome::Cached: ++Result.Stats.Cached; break;
    case Outcome::Skipped: ++Result.Stats.Skipped; break;
    }
  return Result;
}

} // namespace taskscan
