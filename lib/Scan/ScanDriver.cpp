//===- ScanDriver.cpp - All translation units, in parallel ----------------===//
//
// Each translation unit is answered by the cheapest source that knows: the
// result cache, then the prefilter ("no task can be here"), then the parse.
//
//===----------------------------------------------------------------------===//
#include "RealPath.h"
#include "SharedPrefix.h"
#include "TaskExtractor.h"

#include "taskscan/Prefilter.h"
#include "taskscan/ResultCache.h"
#include "taskscan/Scanner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>

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
  std::set<std::pair<std::string, std::vector<std::string>>> Seen;
  for (const std::string &Source : Files) {
    // Absolute, but never edited: with `lk` a symbolic link, `lk/../a.cpp`
    // is not `a.cpp` (RealPath.h).
    llvm::SmallString<256> File(Source);
    if (!llvm::sys::path::is_absolute(File)) {
      File = Cwd;
      llvm::sys::path::append(File, Source);
    }
    // Every distinct compile command of the file: a build may compile it
    // twice with different flags (a CPU and a GPU variant). A command the
    // database lists twice is scanned once.
    std::vector<clang::tooling::CompileCommand> Commands = Database.getCompileCommands(File);
    // A database looks files up by their text with ".." removed: for a
    // path through a link and "..", the commands of the file it names are
    // those whose own file names the same real file.
    if (!Sources.empty() && llvm::StringRef(File).contains("..")) {
      std::string Real = realPath(Cwd, File);
      std::vector<clang::tooling::CompileCommand> Same;
      for (clang::tooling::CompileCommand &C : Database.getAllCompileCommands())
        if (realPath(C.Directory, C.Filename) == Real)
          Same.push_back(std::move(C));
      if (!Same.empty())
        Commands = std::move(Same);
    }
    for (const clang::tooling::CompileCommand &Command : Commands)
      if (Seen.insert({Command.Directory, Command.CommandLine}).second)
        // The file as the command names it: getAllFiles() gives each with
        // ".." removed from its text, which names another file when the
        // component before it is a link; the entry's own file does not.
        Jobs.push_back({Sources.empty() ? Command.Filename : std::string(File),
                        Command.Directory, Command.CommandLine});
  }
  return Jobs;
}

namespace {

std::string currentDirectory() {
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  return std::string(Cwd);
}

/// A compilation database reduced to the commands whose output file is
/// under one directory: one CMake target's objects (CMakeFiles/<t>.dir/).
/// Paths are compared as the file system resolves them (RealPath.h).
class OutputFilteredDatabase : public clang::tooling::CompilationDatabase {
public:
  OutputFilteredDatabase(std::unique_ptr<clang::tooling::CompilationDatabase> Inner,
                         llvm::StringRef Directory)
      : Inner(std::move(Inner)),
        Prefix(realPath(currentDirectory(), Directory.rtrim('/'))) {
    if (!llvm::StringRef(Prefix).ends_with("/"))
      Prefix += '/';
  }

  std::vector<clang::tooling::CompileCommand>
  getCompileCommands(llvm::StringRef File) const override {
    return keep(Inner->getCompileCommands(File));
  }
  std::vector<std::string> getAllFiles() const override {
    std::vector<std::string> Files;
    for (const clang::tooling::CompileCommand &C : getAllCompileCommands())
      if (Files.empty() || Files.back() != C.Filename)
        Files.push_back(C.Filename);
    llvm::sort(Files);
    Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
    return Files;
  }
  std::vector<clang::tooling::CompileCommand> getAllCompileCommands() const override {
    return keep(Inner->getAllCompileCommands());
  }

private:
  /// The object file a command writes: the entry's "output" (CMake writes
  /// it from 3.27 on), else its `-o` argument.
  static std::string outputOf(const clang::tooling::CompileCommand &C) {
    if (!C.Output.empty())
      return C.Output;
    for (size_t I = 1; I < C.CommandLine.size(); ++I) {
      llvm::StringRef A = C.CommandLine[I];
      if (A == "-o" && I + 1 < C.CommandLine.size())
        return C.CommandLine[I + 1];
      if (A.starts_with("-o") && A.size() > 2)
        return A.drop_front(2).str();
    }
    return {};
  }

  std::vector<clang::tooling::CompileCommand>
  keep(std::vector<clang::tooling::CompileCommand> Commands) const {
    llvm::erase_if(Commands, [&](const clang::tooling::CompileCommand &C) {
      std::string Output = outputOf(C);
      return Output.empty() ||
             !llvm::StringRef(realPath(C.Directory, Output)).starts_with(Prefix);
    });
    return Commands;
  }

  std::unique_ptr<clang::tooling::CompilationDatabase> Inner;
  std::string Prefix;
};

} // namespace

std::unique_ptr<clang::tooling::CompilationDatabase>
onlyOutputsUnder(std::unique_ptr<clang::tooling::CompilationDatabase> Database,
                 llvm::StringRef Directory) {
  return std::make_unique<OutputFilteredDatabase>(std::move(Database), Directory);
}

namespace {

/// Whether \p Text could hold a task: the same words the prefilter looks for.
bool mentionsTask(llvm::StringRef Text) {
  return Text.contains("FLYTE_TASK") || Text.contains(TaskAnnotation);
}

/// Why a compile database entry cannot hold a task and is left alone
/// (a real database lists CUDA and assembler files, and files deleted since
/// it was written), or empty. A warning goes into \p Unit only where a user
/// would lose something: a task written in a file that is not scanned.
std::string whyNotScanned(const ScanJob &Job, TranslationUnitResult &Unit) {
  std::string Path = realPath(Job.Directory, Job.File);
  if (!llvm::sys::fs::exists(Path)) {
    Unit.Diagnostics.warning(
        "task-scan-missing-source", {Path, 0, 0},
        "this file is in the compilation database but does not exist: not scanned "
        "(run the build's configure step again to refresh compile_commands.json)");
    return "does not exist";
  }
  std::string Language = unscannableLanguage(Job);
  if (Language.empty())
    return {};
  Unit.MainFile = realPath(Job.Directory, Job.File);
  // Read again when it changes: a task written there later gets its warning.
  Unit.Dependencies = {Unit.MainFile};
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (Text && mentionsTask((*Text)->getBuffer()))
    Unit.Diagnostics.warning(
        "task-scan-language", {Unit.MainFile, 0, 0},
        fmt::format("this file mentions FLYTE_TASK but is not scanned: it is a {} "
                    "file and task-scan scans C and C++ only; put the task in a "
                    "C++ file",
                    Language));
  return Language + " file";
}

/// What decides a result besides the files read: the build's command line
/// and the options scanCommandLine() adds to it (how it combines them is
/// covered by the tool's identity in the cache key). Cheaper than
/// scanCommandLine() itself, which a warm run would otherwise pay per file.
std::vector<std::string> cacheKeyArguments(const ScanJob &Job,
                                           const ScanOptions &Options) {
  std::vector<std::string> Key = Job.CommandLine;
  Key.push_back("--resource-dir=" + Options.ResourceDir);
  Key.push_back("--runtime-include-dir=" + Options.RuntimeIncludeDir);
  if (Options.ToleratesMissingHeaders)
    Key.push_back("--tolerate-missing-headers");
  return Key;
}

/// Whether a header was missing from \p Unit's parse (tolerated): a partial
/// answer, never kept in the result cache, so that the next run, once the
/// build made the header, parses again.
bool isIncomplete(const TranslationUnitResult &Unit) {
  return llvm::any_of(Unit.Diagnostics.items(), [](const Diagnostic &D) {
    return D.Check == IncompleteScanCheck;
  });
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
  std::vector<UnitOutcome> Outcomes(Jobs.size(), UnitOutcome::Parsed);
  auto Done = [&](size_t I, UnitOutcome What) {
    Outcomes[I] = What;
    if (Options.Progress)
      Options.Progress->unitDone(Jobs[I], What);
  };
  std::vector<std::vector<std::string>> CacheKeys(Jobs.size());
  std::optional<ResultCache> Cache;
  std::mutex DependencyLock;
  llvm::StringSet<> Dependencies; ///< For Options.Dependencies.
  if (!Options.CacheDir.empty())
    Cache.emplace(Options.CacheDir);
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Options.Jobs));
  // Runs Work(I) for each I in Indices on the pool; returns those for which
  // it returned false (still open).
  // Cheap work (a cache lookup is microseconds) goes in chunks: a pool task
  // per translation unit cost a warm run as much as its lookups.
  auto Each = [&](const std::vector<size_t> &Indices, auto Work, size_t Chunk = 1) {
    std::vector<char> Open(Indices.size(), 0);
    for (size_t First = 0; First < Indices.size(); First += Chunk)
      Pool.async([&, First] {
        for (size_t N = First; N < std::min(First + Chunk, Indices.size()); ++N)
          Open[N] = !Work(Indices[N]);
      });
    Pool.wait();
    std::vector<size_t> Left;
    for (size_t N = 0; N < Indices.size(); ++N)
      if (Open[N])
        Left.push_back(Indices[N]);
    return Left;
  };

  std::vector<size_t> Open(Jobs.size());
  std::iota(Open.begin(), Open.end(), 0);
  // The cache first: an entry is only ever stored for a file that exists
  // and is C or C++ by its name and command line (both in the key), so a
  // hit needs none of whyNotScanned()'s system calls.
  if (Cache)
    Open = Each(Open, [&](size_t I) {
      CacheKeys[I] = cacheKeyArguments(Jobs[I], Options);
      std::optional<CachedUnit> Hit = Cache->lookup(Jobs[I], CacheKeys[I]);
      // A cached "no task" is the prefilter's word; --scan-all parses.
      if (!Hit || (Hit->Skipped && !Options.Prefilter))
        return false;
      Result.Units[I] = std::move(Hit->Result);
      Done(I, UnitOutcome::Cached);
      return true;
    }, /*Chunk=*/32);

  std::vector<std::string> NotScanned(Jobs.size());
  Open = Each(Open, [&](size_t I) {
    NotScanned[I] = whyNotScanned(Jobs[I], Result.Units[I]);
    if (NotScanned[I].empty())
      return false;
    Done(I, UnitOutcome::NotScanned);
    return true;
  });
  // Files that start with the same #include block share one parse of it,
  // in the prefilter and in the parse (SharedPrefix.h).
  std::optional<SharedPrefixes> Prefixes;
  if (Options.SharePrefixes && Open.size() >= 2)
    Prefixes.emplace(Jobs, Open, Options);
  std::atomic<unsigned> PrefixChecks = 0, PrefixParses = 0;
  size_t Checks = Open.size();
  if (Options.Prefilter && !Open.empty()) {
    Prefilter Filter;
    Open = Each(Open, [&](size_t I) {
      const ScanJob &Job = Jobs[I];
      PrefilterVerdict Verdict =
          Filter.check(Job, Options, Prefixes ? Prefixes->forPrefilter(I) : nullptr);
      PrefixChecks += Verdict.UsedPrefix;
      if (Verdict.MayHoldTasks)
        return false;
      TranslationUnitResult &Unit = Result.Units[I];
      Unit.MainFile = realPath(Job.Directory, Job.File);
      if (Cache)
        Cache->storeSkipped(Job, CacheKeys[I], Verdict.Dependencies, Verdict.AbsentFiles,
                            Verdict.LookupPaths);
      // For --depfile: an edit to any of them may add a task. Merged now,
      // not kept per unit: thousands of units name the same headers.
      if (Options.Dependencies) {
        std::lock_guard<std::mutex> Guard(DependencyLock);
        for (const std::string &D : Verdict.Dependencies)
          Dependencies.insert(D);
      }
      Done(I, UnitOutcome::Skipped);
      return true;
    });
  }

  if (Prefixes)
    Prefixes->countParses(Open);
  Each(Open, [&](size_t I) {
    bool UsedPrefix = false;
    Result.Units[I] = scanTranslationUnit(
        Jobs[I], Options, Prefixes ? Prefixes->forParse(I) : nullptr, &UsedPrefix);
    PrefixParses += UsedPrefix;
    if (Cache && !isIncomplete(Result.Units[I]))
      Cache->storeResult(Jobs[I], CacheKeys[I], Result.Units[I]);
    Done(I, UnitOutcome::Parsed);
    return true;
  });
  if (Prefixes) {
    Result.Stats.SharedPrefixes = unsigned(Prefixes->built());
    Result.Stats.SharedPrefixParses = PrefixParses;
    Result.Stats.SharedPrefixChecks = PrefixChecks;
    Result.Stats.PrefilterChecks = Options.Prefilter ? unsigned(Checks) : 0;
  }
  if (Options.Dependencies) {
    if (Cache)
      for (const std::string &D : Cache->hitDependencies())
        Dependencies.insert(D);
    for (const TranslationUnitResult &Unit : Result.Units) {
      if (!Unit.MainFile.empty())
        Dependencies.insert(Unit.MainFile);
      for (const std::string &D : Unit.Dependencies)
        Dependencies.insert(D);
    }
    Result.Dependencies.reserve(Dependencies.size());
    for (const auto &D : Dependencies)
      Result.Dependencies.push_back(D.getKey().str());
    llvm::sort(Result.Dependencies);
  }
  if (Cache) {
    // A cache that cannot be written only costs time, but the user is told
    // why (ScanStats::CacheProblem): a cache that never stores is silent.
    ResultCache::StoreReport Report = Cache->storeReport();
    Result.Stats.CacheStored = Report.Stored;
    Result.Stats.CacheRefused = Report.Refused;
    Result.Stats.CacheProblem = Report.FirstRefusal;
    if (!Cache->commit()) {
      Result.Stats.CacheStored = 0;
      Result.Stats.CacheProblem =
          fmt::format("cannot write the index in '{}'", Options.CacheDir);
    }
  }

  for (size_t I = 0; I < Jobs.size(); ++I)
    switch (Outcomes[I]) {
    case UnitOutcome::Parsed: ++Result.Stats.Parsed; break;
    case UnitOutcome::Cached: ++Result.Stats.Cached; break;
    case UnitOutcome::Skipped: ++Result.Stats.Skipped; break;
    case UnitOutcome::NotScanned:
      Result.Stats.NotScanned.emplace_back(realPath(Jobs[I].Directory, Jobs[I].File),
                                           NotScanned[I]);
      break;
    }
  llvm::sort(Result.Stats.NotScanned);
  return Result;
}

} // namespace taskscan
