//===- ScanDriver.cpp - All translation units, in parallel ----------------===//
#include "TaskExtractor.h"

#include "taskscan/Scanner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

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

ScanResult scanAll(const std::vector<ScanJob> &Jobs, const ScanOptions &Options) {
  ScanResult Result;
  Result.Units.resize(Jobs.size());
  {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Options.Jobs));
    for (size_t I = 0; I < Jobs.size(); ++I)
      Pool.async([&, I] { Result.Units[I] = scanTranslationUnit(Jobs[I], Options); });
    Pool.wait();
  }
  for (const TranslationUnitResult &U : Result.Units)
    U.Parsed ? ++Result.Stats.Parsed : ++Result.Stats.Skipped;
  return Result;
}

} // namespace taskscan
