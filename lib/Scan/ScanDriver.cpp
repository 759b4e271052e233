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

// Two phases: first every translation unit asks the cache and the prefilter
// (cheap: milliseconds each), then the candidates are parsed (about a second
// each). The prefilter's shared file contents are released before the
// parses, which keeps peak memory to the parses in flight.
ScanResult scanAll(const std::vector<ScanJob> &Jobs, const ScanOptions &Options) {
  ScanResult Result;
  Result.Units.resize(Jobs.size());
  std::vector<Outcome> Outcomes(Jobs.size(), Outcome::Parsed);
  std::vector<std::vector<std::string>> CacheKeys(Jobs.size());
  std::optional<ResultCache> Cache;
  if (!Options.CacheDir.empty())
    Cache.emplace(Options.CacheDir);
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Options.Jobs));

  std::vector<size_t> ToParse;
  {
    std::optional<Prefilter> Filter;
    if (Options.Prefilter)
      Filter.emplace();
    std::vector<char> NeedsParse(Jobs.size(), 0);
    for (size_t I = 0; I < Jobs.size(); ++I)
      Pool.async([&, I] {
        const ScanJob &Job = Jobs[I];
        TranslationUnitResult &Unit = Result.Units[I];
        if (Cache) {
          CacheKeys[I] = cacheKeyArguments(Job, Options);
          std::optional<CachedUnit> Hit = Cache->lookup(Job, CacheKeys[I]);
          // A cached "no task" is the prefilter's word; --scan-all parses.
          if (Hit && (!Hit->Skipped || Filter)) {
            Unit = std::move(Hit->Result);
            Outcomes[I] = Outcome::Cached;
            return;
          }
        }
        if (Filter) {
          PrefilterVerdict Verdict = Filter->check(Job, Options);
          if (!Verdict.MayHoldTasks) {
            Unit.MainFile = absolutePath(Job.Directory, Job.File);
            Outcomes[I] = Outcome::Skipped;
            if (Cache)
              Cache->storeSkipped(Job, CacheKeys[I], Verdict.Dependencies);
            // Kept for --depfile: an edit to any of them may add a task.
            Unit.Dependencies = std::move(Verdict.Dependencies);
            return;
          }
        }
        NeedsParse[I] = 1;
      });
    Pool.wait();
    for (size_t I = 0; I < Jobs.size(); ++I)
      if (NeedsParse[I])
        ToParse.push_back(I);
  }

  for (size_t I : ToParse)
    Pool.async([&, I] {
      Result.Units[I] = scanTranslationUnit(Jobs[I], Options);
      if (Cache)
        Cache->storeResult(Jobs[I], CacheKeys[I], Result.Units[I]);
    });
  Pool.wait();

  for (Outcome O : Outcomes)
    switch (O) {
    case Outcome::Parsed: ++Result.Stats.Parsed; break;
    case Outcome::Cached: ++Result.Stats.Cached; break;
    case Outcome::Skipped: ++Result.Stats.Skipped; break;
    }
  return Result;
}

} // namespace taskscan
