//===- SharedPrefix.cpp - One parse of an include block many files share --===//
//
// See SharedPrefix.h for the rule and why the answer stays a plain parse's;
// the comments here say why each piece is safe.
//
//===----------------------------------------------------------------------===//
#include "SharedPrefix.h"

#include "AbsentFiles.h"
#include "TaskExtractor.h"

#include "clang/Driver/Types.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <mutex>

using namespace clang;

namespace taskscan {

namespace {

/// Where the blocks' headers live: a directory no file system holds, so
/// that the in-memory header shadows nothing and no real directory gets an
/// in-memory twin (whose real path would be wrong). A quoted include in the
/// block therefore never finds a file beside the header; the block ends
/// before one that a plain parse would find beside the main file.
constexpr llvm::StringLiteral HeaderDirectory = "/.task-scan-shared-prefix";

bool isOwnPath(llvm::StringRef Path, llvm::StringRef PchPath) {
  return Path.starts_with(HeaderDirectory) || Path == PchPath;
}

/// `#include <...>` or `#include "..."` alone on a line (spaces allowed);
/// the name and its delimiters, else empty.
llvm::StringRef includedName(llvm::StringRef Line) {
  Line = Line.trim();
  if (!Line.consume_front("#"))
    return {};
  Line = Line.ltrim();
  if (!Line.consume_front("include"))
    return {};
  Line = Line.ltrim();
  if (Line.size() < 3)
    return {};
  char Close = Line.front() == '<' ? '>' : Line.front() == '"' ? '"' : 0;
  if (!Close)
    return {};
  size_t End = Line.find(Close, 1);
  // Nothing after the name: a comment there is rare, and a `/*` would
  // continue past the line.
  if (End == llvm::StringRef::npos || End == 1 || !Line.drop_front(End + 1).trim().empty())
    return {};
  return Line.take_front(End + 1);
}

/// The main file's directory as its command names it: quoted includes look
/// there first.
std::string mainDirectory(const ScanJob &Job) {
  llvm::SmallString<256> File(Job.File);
  if (!llvm::sys::path::is_absolute(File)) {
    File = Job.Directory;
    llvm::sys::path::append(File, Job.File);
  }
  return std::string(llvm::sys::path::parent_path(File));
}

/// The block of \p Job's source that a shared prefix may hold: its leading
/// include block, cut before the first quoted include that a plain parse
/// would find beside the main file (the block's header is elsewhere).
std::string shareableBlock(const ScanJob &Job) {
  llvm::SmallString<256> Path(Job.File);
  if (!llvm::sys::path::is_absolute(Path)) {
    Path = Job.Directory;
    llvm::sys::path::append(Path, Job.File);
  }
  auto Text = llvm::MemoryBuffer::getFile(Path);
  if (!Text)
    return {};
  std::string Block = leadingIncludeBlock((*Text)->getBuffer());
  std::string Directory = mainDirectory(Job);
  std::string Kept;
  for (llvm::StringRef Line : llvm::split(llvm::StringRef(Block), '\n')) {
    llvm::StringRef Name = includedName(Line);
    if (Name.empty())
      break;
    if (Name.front() == '"') {
      llvm::SmallString<256> Beside(Directory);
      llvm::sys::path::append(Beside, Name.drop_front().drop_back());
      if (llvm::sys::fs::exists(Beside))
        break;
    }
    Kept += Line;
    Kept += '\n';
  }
  return Kept;
}

/// Only C++ sources by their name, without `-x`: the header is precompiled
/// as `c++-header`.
bool isPlainCxxSource(const ScanJob &Job) {
  llvm::StringRef Extension = llvm::sys::path::extension(Job.File);
  if (!Extension.consume_front(".") ||
      driver::types::lookupTypeForExtension(Extension) != driver::types::TY_CXX)
    return false;
  return llvm::none_of(Job.CommandLine,
                       [](const std::string &A) { return llvm::StringRef(A).starts_with("-x"); });
}

/// Where the input file stands in \p Args (scanCommandLine()'s form, which
/// names it as the build did): the last input by clang's driver; Args.size()
/// if none.
size_t inputPosition(const std::vector<std::string> &Args) {
  if (Args.size() < 2)
    return Args.size();
  std::vector<ArgumentKind> Kinds = classifyArguments(llvm::ArrayRef(Args).drop_front());
  for (size_t I = Kinds.size(); I-- > 0;)
    if (Kinds[I] == ArgumentKind::Input)
      return I + 1;
  return Args.size();
}

/// Where options go before the input: before a `--` if there is one.
size_t optionPosition(const std::vector<std::string> &Args, size_t Input) {
  auto Dashes = std::find(Args.begin() + 1, Args.begin() + Input, "--");
  return size_t(Dashes - Args.begin());
}

/// Checks the block's parse: no task and no diagnostic of the extractor
/// in it (then no file's answer can come from the block itself), and keeps
/// what it read and missed.
class PrefixCheck : public ASTConsumer {
public:
  PrefixCheck(const CompilerInstance &CI, const MissRecordingFileSystem &Lookups,
              std::string WorkingDirectory, SharedPrefix &Prefix, bool &Clean)
      : CI(CI), Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)),
        Prefix(Prefix), Clean(Clean) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    TranslationUnitResult Scratch;
    extractTasks(Ctx, WorkingDirectory, Scratch);
    Clean = Scratch.Tasks.empty() && Scratch.Diagnostics.items().empty();
    filesOfTranslationUnit(CI, Lookups, Prefix.Dependencies, Prefix.AbsentFiles,
                           Prefix.LookupPaths);
  }

private:
  const CompilerInstance &CI;
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  SharedPrefix &Prefix;
  bool &Clean;
};

class TaskExpansionWatcher : public PPCallbacks {
public:
  explicit TaskExpansionWatcher(bool &Seen) : Seen(Seen) {}
  void MacroExpands(const Token &Name, const MacroDefinition &, SourceRange,
                    const MacroArgs *) override {
    if (Name.getIdentifierInfo() && Name.getIdentifierInfo()->getName() == TaskMacro)
      Seen = true;
  }

private:
  bool &Seen;
};

class PrefixAction : public GeneratePCHAction {
public:
  PrefixAction(const MissRecordingFileSystem &Lookups, std::string WorkingDirectory,
               SharedPrefix &Prefix, bool &Clean)
      : Lookups(Lookups), WorkingDirectory(std::move(WorkingDirectory)), Prefix(Prefix),
        Clean(Clean) {}

protected:
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    if (!GeneratePCHAction::BeginSourceFileAction(CI))
      return false;
    // The prefilter's signs of a task (Prefilter.h), in every file of the
    // block: a superset of what it would see in them.
    Preprocessor &PP = CI.getPreprocessor();
    PP.addPPCallbacks(std::make_unique<TaskExpansionWatcher>(Prefix.SeesTask));
    PP.setTokenWatcher([&PP, &Seen = Prefix.SeesTask](const Token &Tok) {
      if (Tok.is(tok::identifier) && Tok.getIdentifierInfo()->getName() == TaskMacro)
        Seen = true;
      else if (tok::isStringLiteral(Tok.getKind()) &&
               PP.getSpelling(Tok).find(TaskAnnotation) != std::string::npos)
        Seen = true;
    });
    return true;
  }
  bool BeginInvocation(CompilerInstance &CI) override {
    CI.getFrontendOpts().OutputFile = Prefix.PchPath;
    // As the scan's own parse (ExtractAction): the bodies say nothing.
    CI.getFrontendOpts().SkipFunctionBodies = true;
    CI.getDiagnosticOpts().ShowCarets = false;
    return true;
  }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef InFile) override {
    std::unique_ptr<ASTConsumer> Writer = GeneratePCHAction::CreateASTConsumer(CI, InFile);
    if (!Writer)
      return nullptr;
    std::vector<std::unique_ptr<ASTConsumer>> Both;
    Both.push_back(std::move(Writer));
    Both.push_back(std::make_unique<PrefixCheck>(CI, Lookups, WorkingDirectory, Prefix, Clean));
    return std::make_unique<MultiplexConsumer>(std::move(Both));
  }

private:
  const MissRecordingFileSystem &Lookups;
  std::string WorkingDirectory;
  SharedPrefix &Prefix;
  bool &Clean;
};

/// Any diagnostic at all makes the block unshareable (warnings are off).
class DiagnosticCounter : public DiagnosticConsumer {};

std::unique_ptr<SharedPrefix> buildPrefix(const ScanJob &Job, const ScanOptions &Options,
                                          std::string Block, std::string HeaderPath,
                                          std::string PchPath) {
  auto Prefix = std::make_unique<SharedPrefix>();
  Prefix->HeaderPath = std::move(HeaderPath);
  Prefix->HeaderText = std::move(Block);
  Prefix->PchPath = std::move(PchPath);
  auto Lookups = llvm::makeIntrusiveRefCnt<MissRecordingFileSystem>(
      Prefix->withHeader(llvm::vfs::createPhysicalFileSystem()));
  if (Lookups->setCurrentWorkingDirectory(Job.Directory))
    return nullptr;
  llvm::IntrusiveRefCntPtr<FileManager> Files(new FileManager(FileSystemOptions(), Lookups));
  std::vector<std::string> Args = scanCommandLine(Job, Options);
  size_t Input = inputPosition(Args);
  if (Input == Args.size())
    return nullptr;
  Args[Input] = Prefix->HeaderPath;
  Args.insert(Args.begin() + optionPosition(Args, Input), {"-x", "c++-header"});
  bool Clean = false;
  tooling::ToolInvocation Invocation(
      Args, std::make_unique<PrefixAction>(*Lookups, Job.Directory, *Prefix, Clean),
      Files.get());
  DiagnosticCounter Diags;
  Invocation.setDiagnosticConsumer(&Diags);
  bool Ran = Invocation.run();
  if (!Ran || !Clean || Diags.getNumErrors() || Diags.getNumWarnings() ||
      !llvm::sys::fs::exists(Prefix->PchPath))
    return nullptr;
  return Prefix;
}

} // namespace

std::string leadingIncludeBlock(llvm::StringRef Source) {
  std::string Block;
  bool InComment = false;
  while (!Source.empty()) {
    auto [Line, Rest] = Source.split('\n');
    Source = Rest;
    Line = Line.rtrim("\r");
    // A line continued into the next: the block ends (rare, and a comment
    // so continued hides the line after it).
    if (Line.ends_with("\\"))
      break;
    llvm::StringRef Text = Line.trim();
    if (InComment) {
      size_t End = Text.find("*/");
      if (End == llvm::StringRef::npos)
        continue;
      InComment = false;
      Text = Text.drop_front(End + 2).trim();
      if (!Text.empty())
        break;
      continue;
    }
    if (Text.empty() || Text.starts_with("//"))
      continue;
    if (Text.starts_with("/*")) {
      size_t End = Text.find("*/", 2);
      if (End == llvm::StringRef::npos) {
        InComment = true;
        continue;
      }
      if (!Text.drop_front(End + 2).trim().empty())
        break;
      continue;
    }
    llvm::StringRef Name = includedName(Text);
    if (Name.empty())
      break;
    Block += "#include " + Name.str() + "\n";
  }
  return Block;
}

llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
SharedPrefix::withHeader(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Base) const {
  auto Memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  // The same size and time in every parse: the PCH checks its input.
  Memory->addFile(HeaderPath, 0,
                  llvm::MemoryBuffer::getMemBuffer(HeaderText, HeaderPath,
                                                   /*RequiresNullTerminator=*/false));
  auto Overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(std::move(Base));
  Overlay->pushOverlay(std::move(Memory));
  return Overlay;
}

void SharedPrefix::addTo(std::vector<std::string> &Read, std::vector<std::string> &Absent,
                         std::vector<std::string> &Lookups) const {
  auto Merge = [&](std::vector<std::string> &Into, const std::vector<std::string> &From) {
    Into.insert(Into.end(), From.begin(), From.end());
    llvm::erase_if(Into, [&](const std::string &P) { return isOwnPath(P, PchPath); });
    sortUnique(Into);
  };
  Merge(Read, Dependencies);
  Merge(Absent, AbsentFiles);
  Merge(Lookups, LookupPaths);
}

struct SharedPrefixes::Group {
  size_t Number;     ///< Names its header and PCH.
  size_t First;      ///< The job whose command line builds it.
  size_t Members;    ///< Jobs with this block and command line.
  size_t Parses = 0; ///< Of them, those to be parsed (countParses()).
  std::string Block;
  std::once_flag Once;
  std::unique_ptr<SharedPrefix> Built;
};

SharedPrefixes::SharedPrefixes(const std::vector<ScanJob> &Jobs,
                               llvm::ArrayRef<size_t> Indices, const ScanOptions &Options)
    : Jobs(Jobs), Options(Options), GroupOf(Jobs.size(), nullptr) {
  // Keyed by the command line with the file left out and the block.
  llvm::StringMap<std::vector<size_t>> ByKey;
  std::vector<std::string> Blocks(Jobs.size());
  for (size_t I : Indices) {
    const ScanJob &Job = Jobs[I];
      if (!isPlainCxxSource(Job))
      continue;
    Blocks[I] = shareableBlock(Job);
    if (Blocks[I].empty())
      continue;
    std::vector<std::string> Args = scanCommandLine(Job, Options);
    size_t Input = inputPosition(Args);
    if (Input == Args.size())
      continue;
    std::string Key = Job.Directory + '\0';
    for (size_t A = 0; A < Args.size(); ++A)
      Key += (A == Input ? std::string("\1") : Args[A]) + '\0';
    ByKey[Key + Blocks[I]].push_back(I);
  }
  for (auto &Entry : ByKey) {
      if (Entry.second.size() < 2)
      continue;
    auto G = std::make_unique<Group>();
    G->Number = Groups.size();
    G->First = Entry.second.front();
    G->Members = Entry.second.size();
    G->Block = Blocks[G->First];
    for (size_t I : Entry.second)
      GroupOf[I] = G.get();
    Groups.push_back(std::move(G));
  }
  if (Groups.empty())
    return;
  llvm::SmallString<256> Directory;
  if (llvm::sys::fs::createUniqueDirectory("taskscan-prefixes", Directory)) {
    // No place for the PCHs: every file is read plainly.
    Groups.clear();
    std::fill(GroupOf.begin(), GroupOf.end(), nullptr);
    return;
  }
  TemporaryDirectory = std::string(Directory);
}

SharedPrefixes::~SharedPrefixes() {
  if (!TemporaryDirectory.empty())
    llvm::sys::fs::remove_directories(TemporaryDirectory);
}

const SharedPrefix *SharedPrefixes::build(Group &G) {
  std::call_once(G.Once, [&] {
    G.Built = buildPrefix(Jobs[G.First], Options, G.Block,
                          fmt::format("{}/{}.h", HeaderDirectory, G.Number),
                          fmt::format("{}/{}.pch", TemporaryDirectory, G.Number));
  });
  return G.Built.get();
}

const SharedPrefix *SharedPrefixes::forPrefilter(size_t Index) {
  Group *G = GroupOf[Index];
  if (!G || G->Members < Options.PrefilterShareMin)
    return nullptr;
  const SharedPrefix *Prefix = build(*G);
  return Prefix && !Prefix->SeesTask ? Prefix : nullptr;
}

void SharedPrefixes::countParses(llvm::ArrayRef<size_t> Indices) {
  for (size_t I : Indices)
    if (GroupOf[I])
      ++GroupOf[I]->Parses;
}

const SharedPrefix *SharedPrefixes::forParse(size_t Index) {
  Group *G = GroupOf[Index];
  if (!G || (G->Parses < 2 && G->Members < Options.PrefilterShareMin))
    return nullptr;
  return build(*G);
}

size_t SharedPrefixes::built() const {
  return size_t(llvm::count_if(Groups, [](const std::unique_ptr<Group> &G) { return G->Built != nullptr; }));
}

std::vector<std::string> scanCommandLine(const ScanJob &Job, const ScanOptions &Options,
                                         const SharedPrefix *Prefix) {
  std::vector<std::string> Args = scanCommandLine(Job, Options);
  if (!Prefix)
    return Args;
  size_t Input = inputPosition(Args);
  Args.insert(Args.begin() + optionPosition(Args, Input), {"-include-pch", Prefix->PchPath});
  return Args;
}

} // namespace taskscan
