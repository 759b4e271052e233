//===- TranslationUnitScanner.cpp - One clang parse, one result -----------===//
#include "AbsentFiles.h"
#include "TaskExtractor.h"

#include "taskscan/Scanner.h"

#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Driver/Options.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <fmt/format.h>

using namespace clang;

namespace taskscan {

std::vector<ArgumentKind> classifyArguments(llvm::ArrayRef<std::string> Arguments) {
  std::vector<const char *> Argv;
  for (const std::string &A : Arguments)
    Argv.push_back(A.c_str());
  unsigned MissingIndex = 0, MissingCount = 0;
  llvm::opt::InputArgList Parsed = driver::getDriverOptTable().ParseArgs(
      Argv, MissingIndex, MissingCount, llvm::opt::Visibility(driver::options::ClangOption));
  std::vector<ArgumentKind> Kinds(Arguments.size(), ArgumentKind::Option);
  for (const llvm::opt::Arg *A : Parsed) {
    if (A->getOption().matches(driver::options::OPT_INPUT))
      Kinds[A->getIndex()] = ArgumentKind::Input;
    else if (A->getOption().getKind() == llvm::opt::Option::UnknownClass)
      Kinds[A->getIndex()] = ArgumentKind::Unknown;
  }
  return Kinds;
}

namespace {

/// Drops the options clang's driver does not know (GCC-only flags such as
/// -fconcepts-diagnostics-depth=3 would fail the whole TU), as clangd does.
std::vector<std::string> dropUnknownOptions(const std::vector<std::string> &Args) {
  if (Args.empty())
    return Args;
  std::vector<ArgumentKind> Kinds = classifyArguments(llvm::ArrayRef(Args).drop_front());
  std::vector<std::string> Out = {Args[0]};
  for (size_t I = 0; I < Kinds.size(); ++I)
    if (Kinds[I] != ArgumentKind::Unknown)
      Out.push_back(Args[I + 1]);
  return Out;
}

/// Keeps clang's errors as located Diagnostics; warnings are off in a scan.
class CollectingDiagnosticConsumer : public DiagnosticConsumer {
public:
  CollectingDiagnosticConsumer(DiagnosticList &Out, std::string WorkingDirectory,
                               std::string MainFile)
      : Out(Out), WorkingDirectory(std::move(WorkingDirectory)),
        MainFile(std::move(MainFile)) {}

  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    SourcePosition Where = {MainFile, 0, 0};
    if (Info.hasSourceManager() && Info.getLocation().isValid())
      Where = positionOf(Info.getSourceManager(), Info.getLocation(),
                         WorkingDirectory);
    if (Level == DiagnosticsEngine::Note) {
      if (LastKept)
        Out.items().back().Notes.push_back({Where, std::string(Message)});
      return;
    }
    LastKept = Level >= DiagnosticsEngine::Error;
    if (LastKept)
      Out.error("clang-diagnostic-error", Where, std::string(Message));
  }

private:
  DiagnosticList &Out;
  std::string WorkingDirectory;
  std::string MainFile;
  bool LastKept = false;
};

class ExtractConsumer : public ASTConsumer {
public:
  ExtractConsumer(const CompilerInstance &CI, const MissRecordingFileSystem &Lookups,
                  std::string WorkingDirectory, TranslationUnitResult &Result)
      : CI(CI), Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)),
        Result(Result) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    extractTasks(Ctx, WorkingDirectory, Result);
    const SourceManager &SM = Ctx.getSourceManager();
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It)
      Result.Dependencies.push_back(
          absolutePath(WorkingDirectory, It->first.getName()));
    llvm::sort(Result.Dependencies);
    Result.Dependencies.erase(
        std::unique(Result.Dependencies.begin(), Result.Dependencies.end()),
        Result.Dependencies.end());
    Result.AbsentFiles =
        projectMisses(CI, Lookups.misses(), Result.Dependencies, WorkingDirectory);
  }

private:
  const CompilerInstance &CI;
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  TranslationUnitResult &Result;
};

class ExtractAction : public ASTFrontendAction {
public:
  ExtractAction(const MissRecordingFileSystem &Lookups, std::string WorkingDirectory,
                TranslationUnitResult &Result)
      : Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)), Result(Result) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<ExtractConsumer>(CI, Lookups, WorkingDirectory, Result);
  }

  bool BeginSourceFileAction(CompilerInstance &CI) override {
    // Bodies say nothing about a task; clang still parses those it must
    // (constexpr functions, deduced return types).
    CI.getFrontendOpts().SkipFunctionBodies = true;
    // Errors are reported by task-scan, not as clang's "N errors generated".
    CI.getDiagnosticOpts().ShowCarets = false;
    return true;
  }

private:
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  TranslationUnitResult &Result;
};

} // namespace

std::vector<std::string> scanCommandLine(const ScanJob &Job,
                                         const ScanOptions &Options) {
  using namespace tooling;
  std::vector<std::string> Args = Job.CommandLine;
  if (Args.empty())
    Args = {"clang++", Job.File};
  for (const ArgumentsAdjuster &Adjust :
       {getClangStripOutputAdjuster(), getClangStripDependencyFileAdjuster(),
        getClangSyntaxOnlyAdjuster()})
    Args = Adjust(Args, Job.File);
  Args = dropUnknownOptions(Args);
  std::vector<std::string> Extra = {"-DFLYTE_TASK_SCAN=1", "-w", "-Wno-error",
                                    "-ferror-limit=20"};
  if (!Options.ResourceDir.empty())
    Extra.push_back("-resource-dir=" + Options.ResourceDir);
  if (!Options.RuntimeIncludeDir.empty()) {
    Extra.push_back("-idirafter");
    Extra.push_back(Options.RuntimeIncludeDir);
  }
  // Before the input file: the driver takes options anywhere, but keep the
  // file last as build tools do. Before a `--` too (commands inferred for
  // headers end with `-- <file>`): everything after it is an input file.
  auto FileIt = std::find(Args.begin() + 1, Args.end(), "--");
  if (FileIt == Args.end())
    FileIt = std::find(Args.begin() + 1, Args.end(), Job.File);
  Args.insert(FileIt, Extra.begin(), Extra.end());
  return Args;
}

TranslationUnitResult scanTranslationUnit(const ScanJob &Job,
                                          const ScanOptions &Options) {
  TranslationUnitResult Result;
  Result.MainFile = absolutePath(Job.Directory, Job.File);
  Result.Parsed = true;

  auto FS = llvm::makeIntrusiveRefCnt<MissRecordingFileSystem>(
      llvm::vfs::createPhysicalFileSystem());
  if (std::error_code EC = FS->setCurrentWorkingDirectory(Job.Directory)) {
    Result.Diagnostics.error("task-scan-io", {Result.MainFile, 0, 0},
                             fmt::format("cannot enter the compile directory "
                                         "'{}': {}",
                                         Job.Directory, EC.message()));
    return Result;
  }
  llvm::IntrusiveRefCntPtr<FileManager> Files(
      new FileManager(FileSystemOptions(), FS));
  tooling::ToolInvocation Invocation(
      scanCommandLine(Job, Options),
      std::make_unique<ExtractAction>(*FS, Job.Directory, Result), Files.get());
  CollectingDiagnosticConsumer Diags(Result.Diagnostics, Job.Directory,
                                     Result.MainFile);
  Invocation.setDiagnosticConsumer(&Diags);
  if (!Invocation.run() && !Result.Diagnostics.hasErrors())
    Result.Diagnostics.error("clang-diagnostic-error", {Result.MainFile, 0, 0},
                             "clang could not parse this file with its compile "
                             "command");
  return Result;
}

} // namespace taskscan
