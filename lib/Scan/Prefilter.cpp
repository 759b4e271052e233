//===- Prefilter.cpp - Which translation units can hold a task ------------===//
//
// Runs the preprocessor the parse would run (same command line, same
// FLYTE_TASK_SCAN define), lexing the main file and project headers in full
// and system headers through their directives only. See Prefilter.h for the
// rule; the comments here say why each piece is safe.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Prefilter.h"

#include "AbsentFiles.h"
#include "SharedPrefix.h"

#include "TaskExtractor.h"

#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/DependencyScanning/DependencyScanningFilesystem.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <fmt/format.h>

#include <mutex>

using namespace clang;
using clang::tooling::dependencies::DependencyScanningFilesystemSharedCache;
using clang::tooling::dependencies::DependencyScanningWorkerFilesystem;
namespace directives = clang::dependency_directives_scan;

namespace taskscan {

namespace {

/// The annotation FLYTE_TASK becomes in a scan (flyte/task.hpp).
constexpr llvm::StringLiteral AnnotationText = "flyte.task";

/// The first sign that a translation unit may hold a task.
struct Evidence {
  bool Found = false;
  std::string Reason;

  void record(std::string Why) {
    if (!Found) {
      Found = true;
      Reason = std::move(Why);
    }
  }
};

std::string describe(const SourceManager &SM, SourceLocation Loc,
                     llvm::StringRef WorkingDirectory) {
  SourcePosition P = positionOf(SM, Loc, WorkingDirectory);
  if (P.File.empty())
    return "<command line>";
  return fmt::format("{}:{}:{}", P.File, P.Line, P.Column);
}

/// Sees every macro expansion, nested ones included: a wrapper's expansion
/// is rescanned and FLYTE_TASK expands inside it, as does an identifier made
/// by `##` or an object-like alias followed by `(`.
class TaskMacroWatcher : public PPCallbacks {
public:
  TaskMacroWatcher(const SourceManager &SM, std::string WorkingDirectory,
                   Evidence &Found)
      : SM(SM), WorkingDirectory(std::move(WorkingDirectory)), Found(Found) {}

  void MacroExpands(const Token &Name, const MacroDefinition &, SourceRange Range,
                    const MacroArgs *) override {
    if (!Found.Found && Name.getIdentifierInfo() &&
        Name.getIdentifierInfo()->getName() == TaskMacro)
      Found.record("FLYTE_TASK expanded at " +
                   describe(SM, Range.getBegin(), WorkingDirectory));
  }

private:
  const SourceManager &SM;
  std::string WorkingDirectory;
  Evidence &Found;
};

/// Counts errors; everything else is noise here (the parse reports).
class ErrorCounter : public DiagnosticConsumer {
public:
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level >= DiagnosticsEngine::Error && FirstError.empty()) {
      llvm::SmallString<128> Message;
      Info.FormatDiagnostic(Message);
      FirstError = std::string(Message);
    }
  }
  std::string FirstError;
};

/// Whether each system header's text mentions a task, once per run.
class MentionCache {
public:
  bool mentionsTask(llvm::StringRef Text) {
    std::lock_guard<std::mutex> Guard(Lock);
    auto [It, Inserted] = Mentions.try_emplace(Text.data(), false);
    if (Inserted)
      It->second = Text.contains(TaskMacro) || Text.contains(AnnotationText);
    return It->second;
  }

private:
  std::mutex Lock;
  // Keyed by the shared cache's buffer, which lives as long as the run.
  llvm::DenseMap<const char *, bool> Mentions;
};

/// Lexes the translation unit as the parse would see it, watching for a
/// sign of a task. \p ActionBase is PreprocessorFrontendAction, or, with a
/// shared prefix's PCH, ASTFrontendAction: only an action with an AST reads
/// a PCH (a preprocessor-only one includes the PCH's header instead), and
/// nothing here parses.
template <typename ActionBase> class CandidateActionOn : public ActionBase {
public:
  CandidateActionOn(DependencyScanningWorkerFilesystem &Files,
                  const MissRecordingFileSystem &Lookups, MentionCache &Mentions,
                  std::string WorkingDirectory, Evidence &Found,
                  std::vector<std::string> &Dependencies, std::vector<std::string> &Absent,
                  std::vector<std::string> &LookupPaths)
      : Files(Files), Lookups(Lookups), Mentions(Mentions),
        WorkingDirectory(std::move(WorkingDirectory)), Found(Found),
        Dependencies(Dependencies), Absent(Absent), LookupPaths(LookupPaths) {}

protected:
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    // Read when each file is entered; the preprocessor shares these options.
    CI.getPreprocessorOpts().DependencyDirectivesForFile =
        [this, &CI](FileEntryRef File) { return directivesOnly(CI, File); };
    // Errors reach the caller through the consumer, not as clang's
    // "N errors generated." line.
    CI.getDiagnosticOpts().ShowCarets = false;
    return true;
  }

  void ExecuteAction() override {
    CompilerInstance &CI = this->getCompilerInstance();
    Preprocessor &PP = CI.getPreprocessor();
    const SourceManager &SM = CI.getSourceManager();
    PP.addPPCallbacks(std::make_unique<TaskMacroWatcher>(SM, WorkingDirectory, Found));
    PP.IgnorePragmas();
    PP.EnterMainSourceFile();
    Token Tok;
    llvm::SmallString<64> Spelling;
    do {
      PP.Lex(Tok);
      if (Tok.is(tok::identifier) && Tok.getIdentifierInfo()->getName() == TaskMacro)
        Found.record("FLYTE_TASK used but not defined at " +
                     describe(SM, Tok.getLocation(), WorkingDirectory));
      else if (tok::isStringLiteral(Tok.getKind()) &&
               PP.getSpelling(Tok, Spelling).contains(AnnotationText))
        Found.record("\"flyte.task\" annotation at " +
                     describe(SM, Tok.getLocation(), WorkingDirectory));
    } while (!Found.Found && Tok.isNot(tok::eof));
    if (Found.Found)
      return;
    filesOfTranslationUnit(CI, Lookups, Dependencies, Absent, LookupPaths);
  }

private:
  /// A system header is read for its directives only (its own declarations
  /// cannot be tasks of the scanned sources); the main file and project
  /// headers, and a system header whose text mentions a task, in full.
  std::optional<llvm::ArrayRef<directives::Directive>>
  directivesOnly(CompilerInstance &CI, FileEntryRef File) {
    const HeaderFileInfo *Info =
        CI.getPreprocessor().getHeaderSearchInfo().getExistingFileInfo(File);
    if (!Info || Info->DirInfo == SrcMgr::C_User)
      return std::nullopt;
    auto Entry = Files.getOrCreateFileSystemEntry(File.getName());
    if (!Entry || Entry->isError() || Entry->isDirectory() ||
        Mentions.mentionsTask(Entry->getContents()))
      return std::nullopt;
    // A file the directive scanner cannot handle is lexed in full.
    if (!Files.ensureDirectiveTokensArePopulated(*Entry))
      return std::nullopt;
    return Entry->getDirectiveTokens();
  }

  DependencyScanningWorkerFilesystem &Files;
  const MissRecordingFileSystem &Lookups;
  MentionCache &Mentions;
  std::string WorkingDirectory;
  Evidence &Found;
  std::vector<std::string> &Dependencies;
  std::vector<std::string> &Absent;
  std::vector<std::string> &LookupPaths;
};

using CandidateAction = CandidateActionOn<PreprocessorFrontendAction>;

/// With a shared prefix: the macros and include guards of the block come
/// from its PCH instead of its headers' directives, read once per run.
class CandidateWithPrefixAction : public CandidateActionOn<ASTFrontendAction> {
public:
  using CandidateActionOn::CandidateActionOn;

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, llvm::StringRef) override {
    return std::make_unique<ASTConsumer>();
  }
};

} // namespace

struct Prefilter::SharedState {
  DependencyScanningFilesystemSharedCache Files;
  MentionCache Mentions;
};

Prefilter::Prefilter() : Shared(std::make_unique<SharedState>()) {}

Prefilter::~Prefilter() = default;

PrefilterVerdict Prefilter::check(const ScanJob &Job, const ScanOptions &Options,
                                  const SharedPrefix *Prefix) const {
  PrefilterVerdict Verdict;
  auto Files = llvm::makeIntrusiveRefCnt<DependencyScanningWorkerFilesystem>(
      Shared->Files, llvm::vfs::createPhysicalFileSystem());
  // Above the worker: its cache answers repeated lookups without asking
  // the file system below, and every translation unit must see its own.
  auto Lookups = llvm::makeIntrusiveRefCnt<MissRecordingFileSystem>(
      Prefix ? Prefix->withHeader(Files) : Files);
  if (Lookups->setCurrentWorkingDirectory(Job.Directory)) {
    Verdict.Reason = "cannot enter the compile directory";
    return Verdict;
  }
  llvm::IntrusiveRefCntPtr<FileManager> FileMgr(new FileManager(FileSystemOptions(), Lookups));
  Evidence Found;
  std::vector<std::string> Dependencies, Absent, LookupPaths;
  std::unique_ptr<FrontendAction> Action;
  if (Prefix)
    Action = std::make_unique<CandidateWithPrefixAction>(*Files, *Lookups, Shared->Mentions,
                                                         Job.Directory, Found, Dependencies,
                                                         Absent, LookupPaths);
  else
    Action = std::make_unique<CandidateAction>(*Files, *Lookups, Shared->Mentions,
                                               Job.Directory, Found, Dependencies, Absent,
                                               LookupPaths);
  tooling::ToolInvocation Invocation(scanCommandLine(Job, Options, Prefix), std::move(Action),
                                     FileMgr.get());
  ErrorCounter Errors;
  Invocation.setDiagnosticConsumer(&Errors);
  bool Ran = Invocation.run();
  // With the PCH, a failure may be the PCH's (a header without a guard
  // included twice): the plain run decides.
  if (Prefix && (!Ran || Errors.getNumErrors() > 0))
    return check(Job, Options, nullptr);
  Verdict.UsedPrefix = Prefix != nullptr;
  if (Found.Found) {
    Verdict.Reason = Found.Reason;
    return Verdict;
  }
  // The parse will report what went wrong; the prefilter does not guess.
  if (!Ran || Errors.getNumErrors() > 0) {
    Verdict.Reason = "the preprocessor failed" +
                     (Errors.FirstError.empty() ? "" : ": " + Errors.FirstError);
    return Verdict;
  }
  if (Prefix)
    Prefix->addTo(Dependencies, Absent, LookupPaths);
  Verdict.MayHoldTasks = false;
  Verdict.Dependencies = std::move(Dependencies);
  Verdict.AbsentFiles = std::move(Absent);
  Verdict.LookupPaths = std::move(LookupPaths);
  return Verdict;
}

} // namespace taskscan
