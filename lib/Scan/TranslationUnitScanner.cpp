//===- TranslationUnitScanner.cpp - One clang parse, one result -----------===//
#include "AbsentFiles.h"
#include "RealPath.h"
#include "SharedPrefix.h"
#include "TaskExtractor.h"

#include "taskscan/Scanner.h"

#include "clang/Basic/DiagnosticLex.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Driver/Options.h"
#include "clang/Driver/Types.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <fmt/format.h>

#include <optional>

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

std::string unscannableLanguage(const ScanJob &Job) {
  namespace types = driver::types;
  types::ID Type = types::TY_INVALID;
  // Only a command with -x needs the driver's reading (a warm run asks
  // this of every entry).
  bool HasLanguageOption = llvm::any_of(Job.CommandLine, [](const std::string &A) {
    return llvm::StringRef(A).starts_with("-x");
  });
  if (HasLanguageOption) {
    std::vector<const char *> Argv;
    for (const std::string &A : llvm::ArrayRef(Job.CommandLine).drop_front())
      Argv.push_back(A.c_str());
    unsigned MissingIndex = 0, MissingCount = 0;
    llvm::opt::InputArgList Parsed = driver::getDriverOptTable().ParseArgs(
        Argv, MissingIndex, MissingCount,
        llvm::opt::Visibility(driver::options::ClangOption));
    // The -x in force where the file is named (the last one when the
    // command names it differently, as an inferred command may).
    for (const llvm::opt::Arg *A : Parsed) {
      if (A->getOption().matches(driver::options::OPT_x)) {
        llvm::StringRef Name = A->getValue();
        Type = types::lookupTypeForTypeSpecifier(A->getValue());
        if (Type == types::TY_INVALID && Name == "cu") // nvcc's spelling
          Type = types::TY_CUDA;
        if (Name == "none")
          Type = types::TY_INVALID;
      } else if (A->getOption().matches(driver::options::OPT_INPUT) &&
                 realPath(Job.Directory, A->getValue()) ==
                     realPath(Job.Directory, Job.File)) {
        break;
      }
    }
  }
  if (Type == types::TY_INVALID) {
    llvm::StringRef Extension = llvm::sys::path::extension(Job.File);
    if (Extension.consume_front("."))
      Type = types::lookupTypeForExtension(Extension);
  }
  // Unknown to the driver (a header named .inl, say): scanned as before.
  if (Type == types::TY_INVALID)
    return {};
  if (types::isCuda(Type))
    return "CUDA";
  if (types::isHIP(Type))
    return "HIP";
  if (types::isOpenCL(Type))
    return "OpenCL";
  if (Type == types::TY_Asm || Type == types::TY_PP_Asm)
    return "assembler";
  if (!types::isDerivedFromC(Type))
    return types::getTypeName(Type);
  return {};
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

/// The header a precompiled header \p Pch was made from, by the naming
/// convention of every build system (x.h.pch, x.h.gch), when it exists.
std::optional<std::string> headerOfPch(llvm::StringRef Pch, llvm::StringRef Directory) {
  llvm::StringRef Stem = Pch;
  if (!Stem.consume_back(".pch") && !Stem.consume_back(".gch"))
    return std::nullopt;
  if (!llvm::sys::fs::exists(realPath(Directory, Stem)))
    return std::nullopt;
  return Stem.str();
}

/// The scan never reads a precompiled header: one built by another clang
/// (or by GCC) cannot be read, one not built yet is missing, and one that
/// holds <flyte/task.hpp> was built without FLYTE_TASK_SCAN, so its tasks
/// would vanish. So `-include-pch x.h.pch` (also as `-Xclang` pairs, as
/// CMake's target_precompile_headers writes it) goes, and the header it was
/// made from is included instead; `-include x.h` is passed to the front end
/// directly, because the driver would replace it with a neighbouring
/// x.h.pch or x.h.gch.
std::vector<std::string> withoutPrecompiledHeaders(const std::vector<std::string> &Args,
                                                   llvm::StringRef Directory) {
  if (Args.empty())
    return Args;
  llvm::ArrayRef<std::string> Rest = llvm::ArrayRef(Args).drop_front();
  std::vector<const char *> Argv;
  for (const std::string &A : Rest)
    Argv.push_back(A.c_str());
  unsigned MissingIndex = 0, MissingCount = 0;
  llvm::opt::InputArgList Parsed = driver::getDriverOptTable().ParseArgs(
      Argv, MissingIndex, MissingCount, llvm::opt::Visibility(driver::options::ClangOption));
  std::vector<const llvm::opt::Arg *> List(Parsed.begin(), Parsed.end());
  std::vector<std::string> Out = {Args[0]}, Included, FromPch;
  auto IncludeDirectly = [&](llvm::StringRef Header) {
    Out.insert(Out.end(), {"-Xclang", "-include", "-Xclang", Header.str()});
  };
  for (size_t N = 0; N < List.size(); ++N) {
    const llvm::opt::Arg *A = List[N];
    unsigned Begin = A->getIndex();
    unsigned End = N + 1 < List.size() ? List[N + 1]->getIndex() : Rest.size();
    const llvm::opt::Option &O = A->getOption();
    auto IsXclang = [](const llvm::opt::Arg *X, llvm::StringRef Value) {
      return X->getOption().matches(driver::options::OPT_Xclang) &&
             (Value.empty() || llvm::StringRef(X->getValue()) == Value);
    };
    if (O.matches(driver::options::OPT_include_pch)) {
      FromPch.push_back(A->getValue());
      continue;
    }
    if (IsXclang(A, "-include-pch") && N + 1 < List.size() && IsXclang(List[N + 1], "")) {
      FromPch.push_back(List[++N]->getValue());
      continue;
    }
    if (O.matches(driver::options::OPT_include)) {
      Included.push_back(A->getValue());
      IncludeDirectly(A->getValue());
      continue;
    }
    if (IsXclang(A, "-include") && N + 1 < List.size() && IsXclang(List[N + 1], ""))
      Included.push_back(List[N + 1]->getValue());
    for (unsigned I = Begin; I < End; ++I)
      Out.push_back(Rest[I]);
  }
  // Prepended, as the precompiled header was the first include.
  std::vector<std::string> Headers;
  for (const std::string &Pch : FromPch)
    if (std::optional<std::string> Header = headerOfPch(Pch, Directory))
      if (!llvm::is_contained(Included, *Header))
        Headers.insert(Headers.end(), {"-Xclang", "-include", "-Xclang", *Header});
  Out.insert(Out.begin() + 1, Headers.begin(), Headers.end());
  return Out;
}

bool isFileNotFound(unsigned ID) {
  return ID == diag::err_pp_file_not_found ||
         ID == diag::err_pp_file_not_found_angled_include_not_fatal ||
         ID == diag::err_pp_file_not_found_typo_not_fatal;
}

/// Keeps clang's errors as located Diagnostics; warnings are off in a scan.
/// When missing headers are tolerated, each becomes a warning that names the
/// file not fully checked, and the errors after the first one are counted
/// (they may all follow from it: an unknown type, an undeclared name).
class CollectingDiagnosticConsumer : public DiagnosticConsumer {
public:
  CollectingDiagnosticConsumer(DiagnosticList &Out, std::string WorkingDirectory,
                               std::string MainFile, bool ToleratesMissingHeaders)
      : Out(Out), WorkingDirectory(std::move(WorkingDirectory)),
        MainFile(std::move(MainFile)), ToleratesMissingHeaders(ToleratesMissingHeaders) {}

  /// Whether a header was missing (and the parse went on without it).
  bool headersMissing() const { return FirstMissing != NoMissing; }

  void finish() {
    if (!headersMissing() || !ErrorsAfterMissing)
      return;
    Diagnostic &First = Out.items()[FirstMissing];
    First.Notes.push_back(
        {First.Position,
         fmt::format("{} later error{} in this translation unit {} not reported: "
                     "{} may follow from the missing header",
                     ErrorsAfterMissing, ErrorsAfterMissing == 1 ? "" : "s",
                     ErrorsAfterMissing == 1 ? "was" : "were",
                     ErrorsAfterMissing == 1 ? "it" : "they")});
  }

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
    if (!LastKept)
      return;
    if (ToleratesMissingHeaders && isFileNotFound(Info.getID())) {
      if (!headersMissing())
        FirstMissing = Out.items().size();
      Diagnostic &D = Out.warning(
          IncompleteScanCheck, Where,
          fmt::format("{}: the file that includes it was not fully checked (its "
                      "tasks' annotations and images were; what needs the header, "
                      "such as a task signature using its types, was not)",
                      std::string(Message)));
      D.Notes.push_back(
          {Where, "if the build generates this header, this is expected before the "
                  "build; after it, or with --strict-includes, a missing header is an "
                  "error"});
      return;
    }
    if (headersMissing()) {
      ++ErrorsAfterMissing;
      LastKept = false;
      return;
    }
    Diagnostic &D = Out.error("clang-diagnostic-error", Where, std::string(Message));
    // Often a header the build generates (protobuf's .pb.h, a version
    // header) and the build has not run yet: say what to do.
    if (Info.getID() == diag::err_pp_file_not_found)
      D.Notes.push_back(
          {Where, "if the build generates this header, build it first (e.g. 'cmake "
                  "--build <build-dir> --target <target that generates it>') and run "
                  "task-scan again; the scan reads what the compiler would read"});
  }

private:
  static constexpr size_t NoMissing = ~size_t(0);
  DiagnosticList &Out;
  std::string WorkingDirectory;
  std::string MainFile;
  bool ToleratesMissingHeaders;
  bool LastKept = false;
  size_t FirstMissing = NoMissing; ///< Index in Out of the first missing header.
  unsigned ErrorsAfterMissing = 0;
};

class ExtractConsumer : public ASTConsumer {
public:
  ExtractConsumer(const CompilerInstance &CI, const MissRecordingFileSystem &Lookups,
                  std::string WorkingDirectory, TranslationUnitResult &Result,
                  const CollectingDiagnosticConsumer &Diags, bool OwnDeclarationsOnly)
      : CI(CI), Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)),
        Result(Result), Diags(Diags), OwnDeclarationsOnly(OwnDeclarationsOnly) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    extractTasks(Ctx, WorkingDirectory, Result, Diags.headersMissing(), OwnDeclarationsOnly);
    filesOfTranslationUnit(CI, Lookups, Result.Dependencies, Result.AbsentFiles,
                           Result.LookupPaths);
  }

private:
  const CompilerInstance &CI;
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  TranslationUnitResult &Result;
  const CollectingDiagnosticConsumer &Diags;
  bool OwnDeclarationsOnly;
};

class ExtractAction : public ASTFrontendAction {
public:
  ExtractAction(const MissRecordingFileSystem &Lookups, std::string WorkingDirectory,
                TranslationUnitResult &Result, const CollectingDiagnosticConsumer &Diags,
                bool ToleratesMissingHeaders, bool WithPrefix)
      : Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)), Result(Result),
        Diags(Diags), ToleratesMissingHeaders(ToleratesMissingHeaders),
        WithPrefix(WithPrefix) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    // A shared prefix holds no task (SharedPrefix.h): its declarations,
    // thousands, need not be read back from the PCH to be looked at.
    return std::make_unique<ExtractConsumer>(CI, Lookups, WorkingDirectory, Result, Diags,
                                             /*OwnDeclarationsOnly=*/WithPrefix);
  }

  bool BeginSourceFileAction(CompilerInstance &CI) override {
    // Bodies say nothing about a task; clang still parses those it must
    // (constexpr functions, deduced return types).
    CI.getFrontendOpts().SkipFunctionBodies = true;
    // Errors are reported by task-scan, not as clang's "N errors generated".
    CI.getDiagnosticOpts().ShowCarets = false;
    // A missing header is fatal to clang (nothing after it is parsed);
    // tolerated, the parse goes on without it, so what does not need it
    // (the annotations, which name the images) is still read.
    if (ToleratesMissingHeaders)
      CI.getDiagnostics().setSeverity(diag::err_pp_file_not_found, diag::Severity::Error,
                                      SourceLocation());
    return true;
  }

private:
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  TranslationUnitResult &Result;
  const CollectingDiagnosticConsumer &Diags;
  bool ToleratesMissingHeaders;
  bool WithPrefix;
};

/// The second parse of a translation unit that holds `cache = true` tasks:
/// with the bodies of every function outside system headers, which the code
/// hash of a task reads (CodeHash.h). Its diagnostics are the first parse's
/// business and are dropped.
class CodeHashConsumer : public ASTConsumer {
public:
  CodeHashConsumer(const CompilerInstance &CI, std::string WorkingDirectory,
                   TranslationUnitResult &Result)
      : CI(CI), WorkingDirectory(std::move(WorkingDirectory)), Result(Result) {}
  bool shouldSkipFunctionBody(Decl *D) override {
    return CI.getSourceManager().isInSystemHeader(D->getLocation());
  }
  void HandleTranslationUnit(ASTContext &Ctx) override {
    hashCachedTaskCode(Ctx, WorkingDirectory, Result);
  }

private:
  const CompilerInstance &CI;
  std::string WorkingDirectory;
  TranslationUnitResult &Result;
};

class CodeHashAction : public ASTFrontendAction {
public:
  CodeHashAction(std::string WorkingDirectory, TranslationUnitResult &Result)
      : WorkingDirectory(std::move(WorkingDirectory)), Result(Result) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<CodeHashConsumer>(CI, WorkingDirectory, Result);
  }
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    // Asks the consumer, which skips only system headers' bodies.
    CI.getFrontendOpts().SkipFunctionBodies = true;
    return true;
  }

private:
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
  Args = withoutPrecompiledHeaders(Args, Job.Directory);
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

namespace {

/// One parse of \p Job, with \p Prefix when given; nothing when the
/// prefix cannot give a plain parse's answer (clang reported an error or a
/// missing header: the plain parse reports them as the user expects).
std::optional<TranslationUnitResult> parse(const ScanJob &Job, const ScanOptions &Options,
                                           const SharedPrefix *Prefix) {
  TranslationUnitResult Result;
  Result.MainFile = realPath(Job.Directory, Job.File);
  Result.Parsed = true;

  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Physical = llvm::vfs::createPhysicalFileSystem();
  auto FS = llvm::makeIntrusiveRefCnt<MissRecordingFileSystem>(
      Prefix ? Prefix->withHeader(Physical) : Physical);
  if (std::error_code EC = FS->setCurrentWorkingDirectory(Job.Directory)) {
    Result.Diagnostics.error("task-scan-io", {Result.MainFile, 0, 0},
                             fmt::format("cannot enter the compile directory "
                                         "'{}': {}",
                                         Job.Directory, EC.message()));
    return Result;
  }
  llvm::IntrusiveRefCntPtr<FileManager> Files(
      new FileManager(FileSystemOptions(), FS));
  CollectingDiagnosticConsumer Diags(Result.Diagnostics, Job.Directory,
                                     Result.MainFile, Options.ToleratesMissingHeaders);
  tooling::ToolInvocation Invocation(
      scanCommandLine(Job, Options, Prefix),
      std::make_unique<ExtractAction>(*FS, Job.Directory, Result, Diags,
                                      Options.ToleratesMissingHeaders, Prefix != nullptr),
      Files.get());
  Invocation.setDiagnosticConsumer(&Diags);
  bool Ran = Invocation.run();
  if (Prefix && (!Ran || Diags.getNumErrors() > 0 || Diags.headersMissing()))
    return std::nullopt;
  Diags.finish();
  if (Diags.headersMissing())
    return Result;
  if (!Ran && !Result.Diagnostics.hasErrors())
    Result.Diagnostics.error("clang-diagnostic-error", {Result.MainFile, 0, 0},
                             "clang could not parse this file with its compile "
                             "command");
  if (Prefix)
    Prefix->addDependencies(Result);
  bool HasCachedTask = llvm::any_of(
      Result.Tasks, [](const ScannedTask &T) { return T.Options.Cache; });
  if (HasCachedTask && !Result.Diagnostics.hasErrors()) {
    // The same files again (the file system is the first parse's), now with
    // the bodies a cached task's result depends on; never with a prefix,
    // whose bodies were skipped.
    tooling::ToolInvocation Bodies(
        scanCommandLine(Job, Options),
        std::make_unique<CodeHashAction>(Job.Directory, Result), Files.get());
    IgnoringDiagConsumer Quiet;
    Bodies.setDiagnosticConsumer(&Quiet);
    Bodies.run();
  }
  return Result;
}

} // namespace

TranslationUnitResult scanTranslationUnit(const ScanJob &Job, const ScanOptions &Options,
                                          const SharedPrefix *Prefix, bool *UsedPrefix) {
  std::optional<TranslationUnitResult> Result;
  if (Prefix)
    Result = parse(Job, Options, Prefix);
  if (UsedPrefix)
    *UsedPrefix = Result.has_value();
  if (!Result)
    Result = parse(Job, Options, nullptr);
  return std::move(*Result);
}

TranslationUnitResult scanTranslationUnit(const ScanJob &Job,
                                          const ScanOptions &Options) {
  return scanTranslationUnit(Job, Options, nullptr);
}

} // namespace taskscan
