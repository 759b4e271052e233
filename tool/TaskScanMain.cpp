//===- TaskScanMain.cpp - The task-scan command line ----------------------===//
//
// Parses options and runs the pipeline: sources -> tasks -> model -> files.
// Exit status: 0 clean, 1 problems in the user's code or config, 2 usage or
// I/O failure.
//
//===----------------------------------------------------------------------===//
#include "taskscan/Emitters.h"
#include "taskscan/GitFiles.h"
#include "taskscan/CacheVersionCheck.h"
#include "taskscan/DiagnosticFilter.h"
#include "taskscan/ImageLock.h"
#include "taskscan/Escaping.h"
#include "taskscan/ImageConfig.h"
#include "taskscan/OutputWriter.h"
#include "taskscan/ProjectModel.h"
#include "taskscan/Sarif.h"
#include "taskscan/Scanner.h"
#include "taskscan/TerminalProgress.h"
#include "taskscan/Version.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <set>

using namespace taskscan;
namespace cl = llvm::cl;

namespace {

/// The per-user cache every run keeps unless told otherwise, where ccache
/// and clangd keep theirs: $XDG_CACHE_HOME/task-scan, else
/// ~/.cache/task-scan; none when neither is known.
std::string defaultCacheDir() {
  llvm::SmallString<256> Dir;
  if (const char *Xdg = std::getenv("XDG_CACHE_HOME"); Xdg && llvm::sys::path::is_absolute(Xdg)) {
    Dir = Xdg;
  } else if (const char *Home = std::getenv("HOME"); Home && llvm::sys::path::is_absolute(Home)) {
    Dir = Home;
    llvm::sys::path::append(Dir, ".cache");
  } else {
    return {};
  }
  llvm::sys::path::append(Dir, "task-scan");
  return std::string(Dir);
}

/// The images whose base no build.base_images entry names and whose
/// Dockerfile this run writes anew (quoted keys): the fallback base is said
/// once, when it reaches a Dockerfile, not on every run.
std::vector<std::string> newDockerfilesOnDefaultBase(const ProjectModel &Model,
                                                     llvm::StringRef Dir,
                                                     const std::vector<GeneratedFile> &Files) {
  std::vector<std::string> Keys;
  for (const ModelImage &Image : Model.Images) {
    if (!Image.BaseImageDefaulted)
      continue;
    std::string Relative = "images/" + Image.Key + "/Dockerfile";
    for (const GeneratedFile &F : Files) {
      if (F.Path != Relative)
        continue;
      llvm::SmallString<256> Path(Dir);
      llvm::sys::path::append(Path, Relative);
      auto Old = llvm::MemoryBuffer::getFile(Path);
      if (!Old || (*Old)->getBuffer() != F.Content)
        Keys.push_back("'" + Image.Key + "'");
    }
  }
  return Keys;
}

enum ExitStatus { ExitClean = 0, ExitProblems = 1, ExitUsage = 2 };

cl::OptionCategory Category("task-scan options");

cl::list<std::string> Sources(cl::Positional, cl::desc("<source>..."),
                              cl::cat(Category));
cl::opt<std::string> BuildPath("p", cl::desc("Build directory holding compile_commands.json"),
                               cl::value_desc("build-dir"), cl::cat(Category));
cl::opt<std::string> ConfigFile("config", cl::desc("Image configuration (flytekit YAML or INI)"),
                                cl::value_desc("file"), cl::cat(Category));
cl::list<std::string> Images("image", cl::desc("Add or override an image: [name=]reference"),
                             cl::value_desc("[name=]ref"), cl::cat(Category));
cl::list<std::string> BuilderImages(
    "builder-image",
    cl::desc("Compile the executable of image <key> inside this builder image "
             "(a multi-stage Dockerfile); overrides build.builder_images (repeatable)"),
    cl::value_desc("key=ref"), cl::cat(Category));
cl::opt<bool> List("list", cl::desc("Print each task: name, image, file:line"),
                   cl::cat(Category));
cl::opt<bool> ListImages("list-images", cl::desc("Print each image key, one per line"),
                         cl::cat(Category));
cl::opt<std::string> OutputDir("output-dir", cl::desc("Write the generated files here"),
                               cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> Check("check", cl::desc("Report problems only; write nothing (with --output-dir: "
                                         "report generated files that are out of date)"),
                    cl::cat(Category));
enum class Format { Text, Json, Sarif };
cl::opt<Format> DiagFormat(
    "format", cl::desc("Diagnostics format"),
    cl::values(clEnumValN(Format::Text, "text", "compiler-style, to stderr (default)"),
               clEnumValN(Format::Json, "json", "a JSON array, to stderr"),
               clEnumValN(Format::Sarif, "sarif",
                          "a SARIF 2.1.0 log for code scanning, to stdout")),
    cl::init(Format::Text), cl::cat(Category));
cl::opt<std::string> DiagnosticsFile("output-file",
                                     cl::desc("Write the diagnostics to <file> instead "
                                              "(with --format sarif: the SARIF log)"),
                                     cl::value_desc("file"), cl::cat(Category));
// Prefix: `-j4` as every compiler and make take it, `-j 4` too.
cl::opt<unsigned> Jobs("j", cl::desc("Parallel jobs (default: all cores)"), cl::init(0),
                       cl::Prefix, cl::cat(Category));
cl::opt<std::string> CacheDir("cache-dir",
                              cl::desc("Result cache directory (default: $XDG_CACHE_HOME/task-scan, "
                                       "else ~/.cache/task-scan)"),
                              cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> NoCache("no-cache", cl::desc("Do not read or write the result cache"),
                      cl::cat(Category));
cl::opt<bool> ScanAll("scan-all", cl::desc("Parse every file: no prefilter"),
                      cl::cat(Category));
cl::opt<bool> NoSharedPrefixes("no-shared-prefixes",
                               cl::desc("Parse each file's leading #include block itself, not "
                                        "once for all files that share it"),
                               cl::cat(Category));
// For tests (the differential tester's projects are small): how many files
// must share a block for the prefilter to build its PCH.
cl::opt<unsigned> PrefilterShareMin("prefilter-share-min", cl::init(48), cl::Hidden,
                                    cl::desc("Files sharing an #include block for the "
                                             "prefilter to precompile it"),
                                    cl::cat(Category));
cl::opt<std::string> ResourceDir("resource-dir", cl::desc("Clang resource directory (builtin headers)"),
                                 cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> ProjectName("project", cl::desc("Prefix of the task executables (<project>_<key>)"),
                                 cl::init("flyte_tasks"), cl::cat(Category));
cl::list<std::string> SharedLibraries(
    "shared-library",
    cl::desc("A shared library of the project every image carries (its file name, "
             "staged in images/<key>/lib/ by the build; repeatable)"),
    cl::value_desc("file name"), cl::cat(Category));
cl::opt<bool> Stats("verbose", cl::desc("Print parsed/cached/skipped counts and timing to stderr"),
                    cl::cat(Category));
cl::opt<bool> Quiet("quiet",
                    cl::desc("No progress line: on a terminal, a scan shows '[n/N] <file>' "
                             "as it goes (never in a pipe or a log)"),
                    cl::cat(Category));
cl::opt<bool> StrictIncludes(
    "strict-includes",
    cl::desc("A header that is not found is an error (for CI after the build). "
             "Without it, --check, --list and --list-images check what they can "
             "without the header and warn which file was not fully checked; "
             "--output-dir is always strict"),
    cl::cat(Category));
cl::opt<std::string> OutputsUnder(
    "outputs-under",
    cl::desc("With -p: only the compile commands whose output file is under <dir> "
             "(one CMake target's objects, CMakeFiles/<target>.dir)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> DepFile("depfile",
                             cl::desc("Write a Makefile-style depfile of every file the scan read"),
                             cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> DepFileTarget("depfile-target",
                                   cl::desc("The target named in --depfile (default: "
                                            "<output-dir>/manifest.json)"),
                                   cl::value_desc("path"), cl::cat(Category));

cl::opt<std::string> WarningsAsErrors(
    "warnings-as-errors",
    cl::desc("Make warnings errors: all of them, or those of the checks named "
             "(comma-separated globs, '-' excludes: 'task-scan-*,-task-scan-incomplete-check'). "
             "A warning is silenced at its line with // NOLINT(<check>)"),
    cl::value_desc("checks"), cl::ValueOptional, cl::cat(Category));

void printVersion(llvm::raw_ostream &OS) {
  OS << "task-scan " << TASK_SCAN_VERSION << " (LLVM " << LLVM_VERSION_STRING << ")\n";
}

int usageError(const std::string &Message) {
  llvm::WithColor::error(llvm::errs(), "task-scan") << Message << "\n";
  return ExitUsage;
}

/// The clang resource directory: --resource-dir, else the one found at
/// configure time. Without stddef.h there, every parse would fail.
std::optional<std::string> findResourceDir(std::string &Problem) {
  std::string Dir = ResourceDir.empty() ? std::string(TASK_SCAN_CLANG_RESOURCE_DIR)
                                         : ResourceDir.getValue();
  llvm::SmallString<256> Stddef(Dir);
  llvm::sys::path::append(Stddef, "include", "stddef.h");
  if (llvm::sys::fs::exists(Stddef))
    return Dir;
  Problem = fmt::format(
      "clang's builtin headers were not found: '{}' does not exist. Pass "
      "--resource-dir=<dir> (e.g. the output of 'clang-19 -print-resource-dir') "
      "or install libclang-common-19-dev.",
      Stddef.str().str());
  return std::nullopt;
}

/// flyte/task.hpp: installed next to the tool (<prefix>/include), else the
/// source tree's copy.
std::string findRuntimeIncludeDir(const char *Argv0) {
  std::string Exe = llvm::sys::fs::getMainExecutable(Argv0, (void *)&findRuntimeIncludeDir);
  llvm::SmallString<256> Installed(llvm::sys::path::parent_path(llvm::sys::path::parent_path(Exe)));
  llvm::sys::path::append(Installed, "include");
  llvm::SmallString<256> Header(Installed);
  llvm::sys::path::append(Header, "flyte", "task.hpp");
  if (llvm::sys::fs::exists(Header))
    return std::string(Installed);
  return TASK_SCAN_SOURCE_RUNTIME_INCLUDE_DIR;
}

/// The list of checks: installed beside the tool (<prefix>/share/doc/
/// task-scan), else the source tree's.
std::string findChecksPage(const char *Argv0) {
  std::string Exe = llvm::sys::fs::getMainExecutable(Argv0, (void *)&findChecksPage);
  llvm::SmallString<256> Installed(llvm::sys::path::parent_path(llvm::sys::path::parent_path(Exe)));
  llvm::sys::path::append(Installed, "share", "doc", "task-scan", "checks.md");
  if (llvm::sys::fs::exists(Installed))
    return std::string(Installed);
  llvm::SmallString<256> Source(TASK_SCAN_SOURCE_DOCS_DIR);
  llvm::sys::path::append(Source, "checks.md");
  return std::string(Source);
}

std::unique_ptr<clang::tooling::CompilationDatabase>
loadDatabase(const std::vector<std::string> &FlagsAfterDashes, bool HaveDashes,
             std::string &Error) {
  using namespace clang::tooling;
  if (!BuildPath.empty()) {
    std::unique_ptr<CompilationDatabase> DB;
    // (--outputs-under applies before a database file's commands are
    // inferred for files it does not list, below: from the kept ones.)
    if (llvm::sys::fs::is_directory(BuildPath))
      DB = CompilationDatabase::loadFromDirectory(BuildPath, Error);
    else
      DB = JSONCompilationDatabase::loadFromFile(BuildPath, Error,
                                                 JSONCommandLineSyntax::AutoDetect);
    if (DB && !OutputsUnder.empty())
      DB = onlyOutputsUnder(std::move(DB), OutputsUnder);
    return DB;
  }
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  (void)HaveDashes;
  return std::make_unique<FixedCompilationDatabase>(Cwd, FlagsAfterDashes);
}

/// What the user decided about warnings (NOLINT comments,
/// --warnings-as-errors), applied before anything is printed or decided.
void applyWarningPolicy(DiagnosticList &Diags, const std::optional<CheckGlobs> &AsErrors) {
  dropSilencedWarnings(Diags);
  if (AsErrors)
    promoteWarnings(Diags, *AsErrors);
}

/// Where the diagnostics go: --output-file, else stderr (text, JSON) or
/// stdout (SARIF, a document for another tool).
class DiagnosticsSink {
public:
  bool open(std::string &Error) {
    if (DiagnosticsFile.empty())
      return true;
    std::error_code EC;
    File = std::make_unique<llvm::raw_fd_ostream>(DiagnosticsFile, EC);
    if (EC)
      Error = fmt::format("cannot write the diagnostics to '{}': {}",
                          DiagnosticsFile.getValue(), EC.message());
    return !EC;
  }
  llvm::raw_ostream &stream() {
    if (File)
      return *File;
    return DiagFormat == Format::Sarif ? llvm::outs() : llvm::errs();
  }
  bool close(std::string &Error) {
    if (!File)
      return true;
    File->close();
    if (File->has_error()) {
      Error = fmt::format("cannot write the diagnostics to '{}': {}",
                          DiagnosticsFile.getValue(), File->error().message());
      File->clear_error();
      return false;
    }
    return true;
  }

private:
  std::unique_ptr<llvm::raw_fd_ostream> File;
};

/// Text and JSON are printed as each stage ends; a SARIF log holds the whole
/// run, so its diagnostics are kept until the end (printSarif).
void printDiagnostics(const DiagnosticList &Diags, DiagnosticsSink &Sink,
                      DiagnosticList &ForSarif, llvm::StringRef ChecksPage) {
  llvm::raw_ostream &OS = Sink.stream();
  if (DiagFormat == Format::Sarif) {
    ForSarif.append(Diags);
    return;
  }
  if (DiagFormat == Format::Json) {
    OS << llvm::formatv("{0:2}", toJson(Diags)) << "\n";
    return;
  }
  renderText(Diags, OS, DiagnosticsFile.empty() && OS.has_colors());
  unsigned Errors = Diags.errorCount();
  unsigned Warnings = Diags.items().size() - Errors;
  if (Errors || Warnings)
    OS << fmt::format("{} error{} and {} warning{} generated.\n", Errors,
                      Errors == 1 ? "" : "s", Warnings, Warnings == 1 ? "" : "s");
  // Each [task-scan-...] has an entry with an example and the fix.
  if (llvm::any_of(Diags.items(), [](const Diagnostic &D) {
        return llvm::StringRef(D.Check).starts_with("task-scan-");
      }))
    OS << "task-scan: each check is explained, with its fix, in " << ChecksPage << "\n";
}

void printSarif(const DiagnosticList &Diags, DiagnosticsSink &Sink, llvm::StringRef Cwd) {
  SarifTool Tool{"task-scan", TASK_SCAN_VERSION, Cwd.str()};
  Sink.stream() << llvm::formatv("{0:2}", toSarif(Diags, Tool)) << "\n";
}

/// Compilers print the paths they were given; sources under the current
/// directory are shown relative to it.
void showPathsRelativeTo(DiagnosticList &Diags, llvm::StringRef Base) {
  for (Diagnostic &D : Diags.items()) {
    D.Position.File = displayPath(D.Position.File, Base);
    for (DiagnosticNote &N : D.Notes)
      N.Position.File = displayPath(N.Position.File, Base);
  }
}

void printTaskList(const ProjectModel &Model) {
  size_t NameWidth = 0, ImageWidth = 0;
  for (const ModelTask &T : Model.Tasks) {
    NameWidth = std::max(NameWidth, T.Source.Name.size());
    ImageWidth = std::max(ImageWidth, T.Image.size());
  }
  for (const ModelTask &T : Model.Tasks)
    llvm::outs() << fmt::format("{:<{}}  {:<{}}  {}:{}\n", T.Source.Name, NameWidth,
                                T.Image, ImageWidth, T.DisplayFile,
                                T.Source.Definition.Line);
}

/// `target: file...` as make and ninja read it: every file the scan read
/// (sources, the headers they include, the image configuration), so that a
/// build system runs task-scan again when one of them changes. Fails on a
/// file name no depfile can hold.
bool depfileContent(llvm::StringRef Target, const ScanResult &Scan, llvm::StringRef Config,
                    std::string &Out, std::string &Error) {
  std::set<std::string> Files;
  if (!Config.empty()) {
    llvm::SmallString<256> Absolute(Config);
    llvm::sys::fs::make_absolute(Absolute);
    Files.insert(std::string(Absolute));
  }
  Files.insert(Scan.Dependencies.begin(), Scan.Dependencies.end());
  Out.clear();
  auto Add = [&](llvm::StringRef Name, llvm::StringRef Separator) {
    std::optional<std::string> Word = depfilePath(Name);
    if (!Word)
      Error = fmt::format("cannot write the depfile: the file name '{}' holds a line break, "
                          "which make and ninja cannot read in a depfile",
                          printable(Name));
    Out += Separator.str() + Word.value_or("");
    return Word.has_value();
  };
  if (!Add(Target, ""))
    return false;
  Out += ":";
  for (const std::string &F : Files)
    if (!Add(F, " \\\n  "))
      return false;
  Out += "\n";
  return true;
}

/// What the scan left out, said once: the entries not scanned (--verbose)
/// and why the result cache kept nothing (always: a cache that never
/// stores makes every run cold, silently) or not everything (--verbose).
void reportScanGaps(const ScanStats &Gaps, llvm::StringRef Cwd) {
  if (Stats && !Gaps.NotScanned.empty()) {
    std::string List;
    for (const auto &[File, Why] : Gaps.NotScanned)
      List += fmt::format("{}{} ({})", List.empty() ? "" : ", ", displayPath(File, Cwd), Why);
    llvm::errs() << fmt::format("task-scan: {} not scanned (they cannot hold a task): {}\n",
                                Gaps.NotScanned.size() == 1
                                    ? std::string("1 file")
                                    : fmt::format("{} files", Gaps.NotScanned.size()),
                                List);
  }
  if (Stats && Gaps.SharedPrefixes)
    llvm::errs() << fmt::format("task-scan: {} shared include block{} read once for {} of {} "
                                "prefilter checks and {} of {} parses\n",
                                Gaps.SharedPrefixes, Gaps.SharedPrefixes == 1 ? "" : "s",
                                Gaps.SharedPrefixChecks, Gaps.PrefilterChecks,
                                Gaps.SharedPrefixParses, Gaps.Parsed);
  if (Gaps.CacheProblem.empty())
    return;
  if (Gaps.CacheStored == 0)
    llvm::WithColor::note(llvm::errs(), "task-scan")
        << "the result cache kept nothing from this run, so the next run will parse "
           "again: "
        << Gaps.CacheProblem << "\n";
  else if (Stats)
    llvm::errs() << fmt::format("task-scan: the result cache did not keep {} of {} results: "
                                "{}\n",
                                Gaps.CacheRefused, Gaps.CacheRefused + Gaps.CacheStored,
                                Gaps.CacheProblem);
}

/// pre-commit appends file names after a hook's arguments, so with
/// `args: [--, -std=c++17]` sources follow `--`. The clang driver's option
/// table tells them from flags and flag values (`-include x.h`); they are
/// scanned as sources instead of being passed to every compile.
std::vector<std::string> takeInputsFromFlags(std::vector<std::string> &Flags) {
  std::vector<ArgumentKind> Kinds = classifyArguments(Flags);
  std::vector<std::string> Inputs, Kept;
  for (size_t I = 0; I < Flags.size(); ++I)
    (Kinds[I] == ArgumentKind::Input ? Inputs : Kept).push_back(Flags[I]);
  Flags = std::move(Kept);
  return Inputs;
}

/// The task-scan-check pre-commit hook also passes the commit's YAML and
/// INI files: they are not sources. The image configuration among them
/// (--config) means it changed, which can break tasks in files the commit
/// does not touch: \p ConfigChanged is set so that every source is checked.
std::vector<std::string> dropConfigurationFiles(llvm::ArrayRef<std::string> Given,
                                                llvm::StringRef ConfigFile,
                                                bool &ConfigChanged,
                                                bool &Dropped) {
  llvm::SmallString<256> ConfigPath;
  if (!ConfigFile.empty() && llvm::sys::fs::real_path(ConfigFile, ConfigPath))
    ConfigPath.clear();
  std::vector<std::string> Sources;
  for (const std::string &S : Given) {
    llvm::SmallString<256> Path;
    bool IsConfig = !ConfigPath.empty() && !llvm::sys::fs::real_path(S, Path) &&
                    Path == ConfigPath;
    std::string Extension = llvm::sys::path::extension(S).lower();
    if (IsConfig || Extension == ".yaml" || Extension == ".yml" || Extension == ".ini") {
      ConfigChanged |= IsConfig;
      Dropped = true;
      continue;
    }
    Sources.push_back(S);
  }
  return Sources;
}

int run(int Argc, const char **Argv) {
  // `@file` arguments first, as clang takes them (GNU quoting, one or more
  // arguments a line): add_flyte_tasks' build step runs task-scan with one,
  // `--` and the compiler flags included.
  llvm::BumpPtrAllocator ArgumentMemory;
  llvm::SmallVector<const char *, 64> Arguments(Argv, Argv + Argc);
  if (llvm::Error E = cl::ExpansionContext(ArgumentMemory, cl::TokenizeGNUCommandLine)
                          .expandResponseFiles(Arguments))
    return usageError(llvm::toString(std::move(E)));
  Argc = static_cast<int>(Arguments.size());
  Argv = Arguments.data();
  // Everything after `--` is compiler flags (clang-tidy's convention).
  int OptionArgc = Argc;
  std::vector<std::string> Flags;
  bool HaveDashes = false;
  for (int I = 1; I < Argc; ++I)
    if (llvm::StringRef(Argv[I]) == "--") {
      OptionArgc = I;
      HaveDashes = true;
      Flags.assign(Argv + I + 1, Argv + Argc);
      break;
    }
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);
  std::string ParseErrors;
  llvm::raw_string_ostream ParseErrorStream(ParseErrors);
  if (!cl::ParseCommandLineOptions(
          OptionArgc, Argv,
          "task-scan: finds FLYTE_TASK functions in C++ sources, resolves their "
          "container images as flytekit does and generates one executable, "
          "Dockerfile and Flyte task definition per image.\n\n"
          "  task-scan [options] <source>... [-- <compiler flags>]\n",
          &ParseErrorStream)) {
    llvm::errs() << ParseErrorStream.str();
    return ExitUsage;
  }
  for (std::string &Input : takeInputsFromFlags(Flags))
    Sources.push_back(Input);
  bool ConfigChanged = false, DroppedConfiguration = false;
  std::vector<std::string> Given(Sources.begin(), Sources.end());
  Sources.clear();
  for (std::string &S :
       dropConfigurationFiles(Given, ConfigFile, ConfigChanged, DroppedConfiguration))
    Sources.push_back(S);
  if (Sources.empty() && BuildPath.empty() && !DroppedConfiguration)
    return usageError("no sources given (pass files, or -p <build-dir> to scan "
                      "every file of compile_commands.json)");
  if (!isValidProjectName(ProjectName))
    return usageError(fmt::format("--project '{}' is not valid: use letters, digits, "
                                  "'_' and '-', starting with a letter",
                                  ProjectName.getValue()));
  for (const std::string &Library : SharedLibraries)
    if (!isValidSharedLibraryName(Library))
      return usageError(fmt::format("--shared-library '{}' is not a file name: use letters, "
                                    "digits, '_', '-', '+' and '.', not starting with '.' or '-'",
                                    Library));
  for (const std::string &S : Sources)
    if (!llvm::sys::fs::exists(S))
      return usageError(fmt::format("no such file: '{}'", S));

  std::optional<CheckGlobs> AsErrors;
  if (WarningsAsErrors.getNumOccurrences()) {
    std::string GlobError;
    AsErrors = CheckGlobs::parse(WarningsAsErrors.empty() ? "*" : WarningsAsErrors.getValue(),
                                 GlobError);
    if (!AsErrors)
      return usageError(fmt::format("--warnings-as-errors: {}", GlobError));
  }
  std::string ChecksPage = findChecksPage(Argv[0]);

  std::string Problem;
  auto Resources = findResourceDir(Problem);
  if (!Resources)
    return usageError(Problem);

  DiagnosticsSink Sink;
  DiagnosticList ForSarif;
  std::string SinkError;
  if (!Sink.open(SinkError))
    return usageError(SinkError);

  auto Start = std::chrono::steady_clock::now();
  DiagnosticList Diags;
  ImageConfig Config;
  if (!ConfigFile.empty()) {
    if (!llvm::sys::fs::exists(ConfigFile) || llvm::sys::fs::is_directory(ConfigFile))
      return usageError(fmt::format("cannot read the image configuration '{}'",
                                    ConfigFile.getValue()));
    loadImageConfigFile(ConfigFile, Config, Diags);
  }
  // The default image: --image, then FLYTE_INTERNAL_IMAGE, then images.default.
  const char *Env = std::getenv("FLYTE_INTERNAL_IMAGE");
  applyEnvironmentDefault(Env ? std::optional<std::string>(Env) : std::nullopt, Config);
  applyCommandLineImages(Images, Config, Diags);
  applyCommandLineBuilderImages(BuilderImages, Config, Diags);

  std::string DatabaseError;
  auto Database = loadDatabase(Flags, HaveDashes, DatabaseError);
  if (!Database)
    return usageError(fmt::format("cannot load the compilation database from '{}': {}",
                                  BuildPath.getValue(), DatabaseError));
  std::vector<std::string> SourceList(Sources.begin(), Sources.end());
  if (ConfigChanged) {
    std::vector<std::string> All = Database->getAllFiles();
    bool FromGit = false;
    std::string GitError;
    if (All.empty() && BuildPath.empty()) {
      // No compile database: every C and C++ file git tracks, compiled with
      // the flags after `--` (the commit may hold only the configuration).
      if (auto Tracked = gitTrackedCxxFiles(".", GitError)) {
        FromGit = true;
        for (const std::string &File : *Tracked)
          All.push_back(File);
        if (Stats)
          llvm::errs() << fmt::format("task-scan: the image configuration changed: checking "
                                      "the {} C and C++ files git tracks\n",
                                      Tracked->size());
      }
    }
    if (All.empty() && !FromGit)
      llvm::WithColor::note(llvm::errs(), "task-scan")
          << "the image configuration changed, but no compile database lists the "
             "project's sources (-p <build-dir> with compile_commands.json)"
          << (GitError.empty() ? std::string() : " and git cannot list them (" + GitError + ")")
          << ": only the sources given were checked against it\n";
    else if (FromGit) {
      std::set<std::string> Seen;
      std::vector<std::string> Merged;
      for (const std::vector<std::string> *List : {&SourceList, &All})
        for (const std::string &S : *List) {
          llvm::SmallString<256> Real;
          if (llvm::sys::fs::real_path(S, Real))
            Real = S;
          if (Seen.insert(std::string(Real)).second)
            Merged.push_back(S);
        }
      SourceList = std::move(Merged);
    } else if (!SourceList.empty()) {
      std::set<std::string> Listed(All.begin(), All.end());
      for (const std::string &S : SourceList) {
        llvm::SmallString<256> Absolute(S);
        llvm::sys::fs::make_absolute(Absolute);
        llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/false);
        if (!Listed.count(std::string(Absolute)))
          All.push_back(S);
      }
      SourceList = std::move(All);
    }
  }
  // Headers and files missing from the database borrow a neighbour's flags.
  // clang's loader already does this for a build directory; a database file
  // gets it here, only when files are named (only those can be missing, and
  // indexing every file for it costs a warm run of a large project more than
  // its cache lookups).
  if (!BuildPath.empty() && !llvm::sys::fs::is_directory(BuildPath) && !SourceList.empty())
    Database = clang::tooling::inferMissingCompileCommands(std::move(Database));
  // Only other YAML or INI files given: nothing to scan (not every file).
  bool NothingToScan = DroppedConfiguration && !ConfigChanged && SourceList.empty();
  std::vector<ScanJob> ScanJobs =
      NothingToScan ? std::vector<ScanJob>() : jobsFromDatabase(*Database, SourceList);

  ScanOptions Options;
  Options.ResourceDir = *Resources;
  Options.RuntimeIncludeDir = findRuntimeIncludeDir(Argv[0]);
  Options.Jobs = Jobs;
  Options.Prefilter = !ScanAll;
  Options.SharePrefixes = !NoSharedPrefixes;
  Options.PrefilterShareMin = std::max(2u, unsigned(PrefilterShareMin));
  // Code is generated only from a complete scan: a task whose signature
  // uses a generated header's types is checked before anything is written.
  // --check --output-dir (the pre-commit hook for checked-in files) writes
  // nothing and, like --check, does not fail for a header the build makes.
  Options.ToleratesMissingHeaders = (OutputDir.empty() || Check) && !StrictIncludes;
  Options.Dependencies = !DepFile.empty();
  if (!NoCache)
    Options.CacheDir = CacheDir.empty() ? defaultCacheDir() : std::string(CacheDir);
  // The progress line, on a terminal only; erased before anything else is
  // printed.
  std::optional<TerminalProgress> Progress;
  if (!Quiet && stderrIsSmartTerminal()) {
    llvm::SmallString<256> WorkingDir;
    llvm::sys::fs::current_path(WorkingDir);
    Progress.emplace(llvm::errs(), ScanJobs.size(), std::string(WorkingDir), stderrColumns());
    Options.Progress = &*Progress;
  }
  ScanResult Scan = scanAll(ScanJobs, Options);
  if (Progress)
    Progress->finish();

  unsigned Incomplete = 0; ///< Units scanned without a missing header.
  for (const TranslationUnitResult &U : Scan.Units) {
    Diags.append(U.Diagnostics);
    Incomplete += llvm::any_of(U.Diagnostics.items(), [](const Diagnostic &D) {
      return D.Check == IncompleteScanCheck;
    });
  }
  // Paths of files are real paths (the file the compiler opened): shown
  // relative to the real current directory.
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::real_path(".", Cwd))
    llvm::sys::fs::current_path(Cwd);
  ModelOptions ModelOpts;
  ModelOpts.ProjectName = ProjectName;
  ModelOpts.SharedLibraries.assign(SharedLibraries.begin(), SharedLibraries.end());
  ModelOpts.BaseDirectory = std::string(Cwd);
  ProjectModel Model = buildProjectModel(Scan.Units, Config, ModelOpts, Diags);
  Diags.sortAndUnique();
  applyWarningPolicy(Diags, AsErrors);
  showPathsRelativeTo(Diags, Cwd);
  printDiagnostics(Diags, Sink, ForSarif, ChecksPage);

  if (ListImages)
    for (const ModelImage &Image : Model.Images)
      llvm::outs() << Image.Key << "\n";
  if (List)
    printTaskList(Model);

  int Status = Diags.hasErrors() ? ExitProblems : ExitClean;
  WriteStats Written;
  if (!OutputDir.empty() && Status == ExitClean) {
    llvm::SmallString<256> Dir(OutputDir);
    llvm::sys::fs::make_absolute(Dir);
    llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/false);
    DiagnosticList OutputDiags;
    applyImageLock(Model, Dir, OutputDiags); // pushed digests (<name>_push)
    checkKeptCacheVersions(Model, Dir, OutputDiags);
    // A warning made an error stops the files being written, as any error.
    applyWarningPolicy(OutputDiags, AsErrors);
    std::vector<GeneratedFile> Files = generateAll(Model, Dir);
    std::vector<std::string> NewDefaultBases = newDockerfilesOnDefaultBase(Model, Dir, Files);
    if (OutputDiags.hasErrors()) {
      Status = ExitProblems;
    } else if (Check && Incomplete) {
      // What would be generated is not known without the missing headers.
      llvm::WithColor::warning(llvm::errs(), "task-scan")
          << fmt::format("the generated files in '{}' were not compared: {} could not "
                         "be fully scanned (headers not found, above); build first, or "
                         "pass --strict-includes to make this an error\n",
                         displayPath(Dir, Cwd),
                         Incomplete == 1 ? std::string("1 translation unit")
                                         : fmt::format("{} translation units", Incomplete));
    } else if (Check) {
      // --check --output-dir: are the checked-in generated files current?
      if (reportStaleFiles(Dir, Files, OutputDiags))
        Status = ExitProblems;
    } else if (!writeGeneratedFiles(Dir, Files, OutputDiags, Written)) {
      Status = ExitUsage;
    } else if (!NewDefaultBases.empty()) {
      llvm::WithColor::note(llvm::errs(), "task-scan")
          << fmt::format("{} {} {} no build.base_images entry (nor is there one for "
                         "'default'): {} FROM {}\n",
                         NewDefaultBases.size() == 1 ? "image" : "images",
                         fmt::join(NewDefaultBases, ", "),
                         NewDefaultBases.size() == 1 ? "has" : "have",
                         NewDefaultBases.size() == 1 ? "its Dockerfile starts"
                                                     : "their Dockerfiles start",
                         ImageConfig().baseImageFor("default"));
    }
    applyWarningPolicy(OutputDiags, AsErrors);
    if (OutputDiags.hasErrors() && Status == ExitClean)
      Status = ExitProblems;
    showPathsRelativeTo(OutputDiags, Cwd);
    printDiagnostics(OutputDiags, Sink, ForSarif, ChecksPage);
  }
  if (DiagFormat == Format::Sarif)
    printSarif(ForSarif, Sink, Cwd);
  if (!Sink.close(SinkError)) {
    llvm::WithColor::error(llvm::errs(), "task-scan") << SinkError << "\n";
    Status = ExitUsage;
  }
  reportScanGaps(Scan.Stats, Cwd);
  if (Stats) {
    auto Ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - Start)
                  .count();
    llvm::errs() << fmt::format(
        "task-scan: {} translation units: {} parsed, {} cached, {} skipped; "
        "{} tasks in {} images; {} files written, {} unchanged, {} removed; {} ms\n",
        Scan.Units.size(), Scan.Stats.Parsed, Scan.Stats.Cached, Scan.Stats.Skipped,
        Model.Tasks.size(), Model.Images.size(), Written.Written, Written.Unchanged,
        Written.Removed, Ms);
  }
  if (!DepFile.empty()) {
    std::string Target = DepFileTarget;
    if (Target.empty()) {
      llvm::SmallString<256> Manifest(OutputDir.empty() ? "." : OutputDir.getValue());
      llvm::sys::fs::make_absolute(Manifest);
      llvm::sys::path::append(Manifest, "manifest.json");
      llvm::sys::path::remove_dots(Manifest, /*remove_dot_dot=*/false);
      Target = std::string(Manifest);
    }
    llvm::SmallString<256> Path(DepFile);
    llvm::sys::fs::make_absolute(Path);
    bool Changed;
    std::string Content, Error;
    if (!depfileContent(Target, Scan, ConfigFile, Content, Error) ||
        !writeFileIfChanged(Path, Content, Changed, Error)) {
      llvm::WithColor::error(llvm::errs(), "task-scan") << Error << "\n";
      Status = ExitUsage;
    }
  }
  return Status;
}

} // namespace

int main(int Argc, const char **Argv) {
  llvm::InitLLVM X(Argc, Argv);
  return run(Argc, Argv);
}
